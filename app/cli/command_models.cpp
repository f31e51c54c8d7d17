// SPDX-License-Identifier: GPL-3.0-or-later
#include "cli/arguments.h"
#include "cli/commands.h"
#include "cli/model_options.h"

#include "common/format.h"
#include "models/model_spec.h"
#include "train/recipes.h"

#include <cstdio>
#include <iostream>

namespace kanalab::cli {
namespace {

std::string shapeText(const std::vector<std::int64_t>& shape) {
    std::string text;
    for (std::size_t i = 0; i < shape.size(); ++i)
        text += (i ? " x " : "") + std::to_string(shape[i]);
    return text;
}

}  // namespace

int runModels(const std::vector<std::string>& args) {
    const Arguments arguments(args, {"--option", "--channels", "--size", "--classes"});
    arguments.expectPositionals(0, 1, "");
    ModelSpec spec;
    spec.channels = arguments.intValue("--channels", 1, 1, 4);
    spec.height = spec.width = arguments.intValue("--size", 28, 8, 512);
    spec.numClasses = arguments.intValue("--classes", 10, 2, 10000);
    spec.options = parseModelOptions(arguments.value("--option"));

    if (arguments.positionals().empty()) {
        for (const auto& info : modelInfos()) {
            const ModelDescription description = describeModel(info.name, ModelSpec{});
            char line[256];
            std::snprintf(line, sizeof line, "%-13s %10s  %s\n", info.name.c_str(),
                          formatCount(description.parameters).c_str(), info.description.c_str());
            std::cout << line;
        }
        return 0;
    }
    const ModelDescription description = describeModel(arguments.positionals()[0], spec);
    std::cout << description.info.name << ": " << description.info.description << "\n"
              << "input " << spec.channels << " x " << spec.height << " x " << spec.width << ", " << spec.numClasses
              << " classes\n\n";
    char line[256];
    std::snprintf(line, sizeof line, "%-14s %-34s %-16s %10s\n", "layer", "type", "output", "parameters");
    std::cout << line;
    for (const auto& layer : description.layers) {
        std::string type = layer.type.size() > 34 ? layer.type.substr(0, 31) + "..." : layer.type;
        std::snprintf(line, sizeof line, "%-14s %-34s %-16s %10s\n", layer.name.c_str(), type.c_str(),
                      shapeText(layer.outputShape).c_str(), formatCount(layer.parameters).c_str());
        std::cout << line;
    }
    std::cout << "total parameters: " << formatCount(description.parameters) << "\n";
    if (!description.info.options.empty()) {
        std::cout << "\noptions (--option name=value,...):\n";
        for (const auto& option : description.info.options) {
            std::string choices;
            for (const auto& c : option.choices)
                choices += (choices.empty() ? " [" : "|") + c;
            if (!choices.empty())
                choices += "]";
            std::cout << "  " << option.name << " (default " << option.defaultValue << ")" << choices << ": "
                      << option.help << "\n";
        }
    }
    return 0;
}

int runRecipes(const std::vector<std::string>& args) {
    const Arguments arguments(args, {});
    arguments.expectPositionals(0, 1, "");
    const std::string model = arguments.positionals().empty() ? "" : arguments.positionals()[0];
    if (!model.empty())
        findModelInfo(model);
    for (const auto& recipe : recipes()) {
        if (!model.empty() && recipe.model != model)
            continue;
        const bool isDefault = &defaultRecipeFor(recipe.model) == &recipe;
        char line[320];
        std::snprintf(line, sizeof line, "%-22s %-13s %-10s %s\n", recipe.name.c_str(), recipe.model.c_str(),
                      isDefault ? "default" : recipe.published ? "published" : "", recipe.description.c_str());
        std::cout << line;
    }
    return 0;
}

}  // namespace kanalab::cli
