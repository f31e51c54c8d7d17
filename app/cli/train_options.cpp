// SPDX-License-Identifier: GPL-3.0-or-later
#include "cli/train_options.h"

#include "cli/arguments.h"
#include "train/recipes.h"

#include <cmath>
#include <cstdlib>
#include <sstream>
#include <vector>

namespace kanalab::cli {
namespace {

struct Item {
    std::string key;
    std::string value;  // empty for a bare word
};

std::vector<Item> parseItems(const std::string& spec, const std::string& flag) {
    std::vector<Item> items;
    std::stringstream stream(spec);
    std::string part;
    while (std::getline(stream, part, ',')) {
        if (part.empty())
            continue;
        const auto eq = part.find('=');
        if (eq == std::string::npos)
            items.push_back({part, ""});
        else if (eq == 0 || eq + 1 == part.size())
            throw UsageError(flag + " expects name=value items separated by commas, got '" + part + "'");
        else
            items.push_back({part.substr(0, eq), part.substr(eq + 1)});
    }
    return items;
}

double number(const Item& item, const std::string& flag, double min, double max) {
    char* end = nullptr;
    const double value = std::strtod(item.value.c_str(), &end);
    if (item.value.empty() || *end != '\0' || !std::isfinite(value) || value < min || value > max) {
        std::ostringstream range;
        range << min << " to " << max;
        throw UsageError(flag + " " + item.key + " expects a number from " + range.str() + ", got '" + item.value + "'");
    }
    return value;
}

[[noreturn]] void unknown(const Item& item, const std::string& flag, const std::string& known) {
    throw UsageError(flag + " does not know '" + item.key + "'; it takes " + known);
}

}  // namespace

void applyAugmentSpec(const std::string& spec, const std::string& dataset, AugmentConfig& a) {
    const std::string flag = "--augment";
    if (spec == "none") {
        a = AugmentConfig{};
        return;
    }
    if (spec == "default") {
        a = defaultAugmentationFor(dataset);
        return;
    }
    a = AugmentConfig{};
    for (const auto& item : parseItems(spec, flag)) {
        if (item.key == "rotate") {
            a.rotationDegrees = number(item, flag, 0, 180);
        } else if (item.key == "translate") {
            a.translate = number(item, flag, 0, 0.5);
        } else if (item.key == "scale") {
            const auto dash = item.value.find('-', 1);
            if (dash == std::string::npos)
                throw UsageError("--augment scale expects MIN-MAX, e.g. scale=0.9-1.1");
            a.scaleMin = number({item.key, item.value.substr(0, dash)}, flag, 0.2, 5);
            a.scaleMax = number({item.key, item.value.substr(dash + 1)}, flag, 0.2, 5);
            if (a.scaleMin > a.scaleMax)
                throw UsageError("--augment scale expects MIN-MAX with MIN <= MAX");
        } else if (item.key == "shear") {
            a.shearDegrees = number(item, flag, 0, 45);
        } else if (item.key == "elastic") {
            const auto colon = item.value.find(':');
            a.elasticAlpha = number({item.key, item.value.substr(0, colon)}, flag, 0, 50);
            if (colon != std::string::npos)
                a.elasticSigma = number({item.key, item.value.substr(colon + 1)}, flag, 0.5, 20);
        } else if (item.key == "erase") {
            a.eraseProbability = number(item, flag, 0, 1);
        } else if (item.key == "flip") {
            a.flipProbability = number(item, flag, 0, 1);
        } else if (item.key == "mixup") {
            a.mixupAlpha = number(item, flag, 0, 10);
        } else if (item.key == "brightness") {
            a.brightness = number(item, flag, 0, 1);
        } else if (item.key == "contrast") {
            a.contrast = number(item, flag, 0, 1);
        } else if (item.key == "saturation") {
            a.saturation = number(item, flag, 0, 1);
        } else {
            unknown(item, flag,
                    "none, default, rotate, translate, scale, shear, elastic, erase, flip, mixup, brightness, contrast, "
                    "saturation");
        }
    }
}

void applyEarlyStopSpec(const std::string& spec, EarlyStopConfig& e) {
    const std::string flag = "--early-stop";
    e = EarlyStopConfig{};
    for (const auto& item : parseItems(spec, flag)) {
        if (item.value.empty() && (item.key == "none" || item.key == "drop" || item.key == "patience")) {
            e.mode = item.key;
        } else if (item.key == "patience") {
            e.mode = "patience";
            e.patience = static_cast<int>(number(item, flag, 1, 1000));
        } else if (item.key == "min-delta") {
            e.minDelta = number(item, flag, 0, 1);
        } else if (item.key == "min-epochs") {
            e.minEpochs = static_cast<int>(number(item, flag, 0, 10000));
        } else if (item.key == "monitor") {
            if (item.value != "val-accuracy" && item.value != "val-balanced-accuracy" && item.value != "val-loss")
                throw UsageError("--early-stop monitor must be val-accuracy, val-balanced-accuracy or val-loss");
            e.monitor = item.value;
        } else if (item.key == "restore") {
            if (item.value != "yes" && item.value != "no")
                throw UsageError("--early-stop restore must be yes or no");
            e.restoreBest = item.value == "yes";
        } else {
            unknown(item, flag, "none, patience=N, drop, min-delta, min-epochs, monitor, restore");
        }
    }
}

void applyScheduleSpec(const std::string& spec, ScheduleConfig& s) {
    const std::string flag = "--schedule";
    s = ScheduleConfig{};
    bool named = false;
    for (const auto& item : parseItems(spec, flag)) {
        if (item.value.empty()) {
            if (item.key != "constant" && item.key != "step" && item.key != "cosine" && item.key != "one-cycle")
                throw UsageError("--schedule must be constant, step, cosine or one-cycle, got '" + item.key + "'");
            s.name = item.key;
            named = true;
        } else if (item.key == "every") {
            s.stepEpochs = static_cast<int>(number(item, flag, 1, 10000));
        } else if (item.key == "gamma") {
            s.gamma = number(item, flag, 0, 1);
        } else if (item.key == "min") {
            s.minLrFraction = number(item, flag, 0, 1);
        } else if (item.key == "peak") {
            s.oneCyclePeakFraction = number(item, flag, 0.01, 0.99);
        } else if (item.key == "warmup") {
            s.warmupEpochs = number(item, flag, 0, 10000);
        } else {
            unknown(item, flag, "constant, step, cosine, one-cycle, every, gamma, min, peak, warmup");
        }
    }
    if (!named && !spec.empty())
        throw UsageError("--schedule needs a name first: constant, step, cosine or one-cycle");
}

}  // namespace kanalab::cli
