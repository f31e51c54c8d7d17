// SPDX-License-Identifier: GPL-3.0-or-later
#include "cli/arguments.h"
#include "cli/commands.h"

#include "common/format.h"
#include "data/dataset_store.h"

#include <iostream>

namespace kanalab::cli {
namespace {

std::string describeSplit(const DatasetInfo& info, const SplitStatus& split) {
    std::string text = std::string(splitName(split.split)) + ": ";
    if (split.present) {
        if (!split.problem.empty())
            return text + "unreadable (" + split.problem + ")";
        return text + std::to_string(split.count) + " images in " + split.folder + " [" + split.origin + "]";
    }
    text += "missing";
    if (split.missing.size() == 1)
        text += " " + split.missing.front().fileName;
    text += " (" + formatBytes(split.missingBytes()) + " to download)";
    return text;
}

}  // namespace

int runDatasets(const std::vector<std::string>& args) {
    const Arguments arguments(args, {"--data-dir"});
    arguments.expectPositionals(0, 0, "");
    const auto roots = dataRoots(arguments.value("--data-dir"));
    for (const auto& info : datasetCatalogue()) {
        const DatasetStatus status = locateDataset(info, roots);
        std::string classes;
        for (const auto& c : info.classes)
            classes += (classes.empty() ? "" : " ") + (c.glyph.empty() ? c.label : c.displayName());
        std::cout << info.name << "  " << info.numClasses() << " classes (" << classes << ")  "
                  << describeSplit(info, status.train) << "  " << describeSplit(info, status.test) << "\n";
    }
    return 0;
}

}  // namespace kanalab::cli
