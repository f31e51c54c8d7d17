// SPDX-License-Identifier: GPL-3.0-or-later
#include "cli/arguments.h"
#include "cli/commands.h"
#include "data/builtin_datasets.h"

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
    if (split.missingBytes() > 0)
        text += " (" + formatBytes(split.missingBytes()) + " to download)";
    else if (!split.problem.empty())
        text += " (" + split.problem + ")";
    return text;
}

}  // namespace

int runDatasets(const std::vector<std::string>& args) {
    const Arguments arguments(args, {"--data-dir"});
    arguments.expectPositionals(0, 0, "");
    const auto roots = dataRoots(arguments.value("--data-dir"));
    for (const DatasetInfo* info : datasetCatalogue(roots)) {
        const DatasetStatus status = locateDataset(*info, roots);
        // K49's 49 or an imported set's thousands of classes: the first dozen say enough.
        constexpr std::size_t kShown = 12;
        std::string classes;
        for (std::size_t i = 0; i < info->classes.size() && i < kShown; ++i) {
            const ClassInfo& c = info->classes[i];
            classes += (classes.empty() ? "" : " ") + (c.glyph.empty() ? c.label : c.displayName());
        }
        if (info->classes.size() > kShown)
            classes += " ...";
        // Kuzushiji-Kanji's classes are its archive's folders: unknown until it is converted.
        const std::string classText = info->classes.empty() && isConvertedAfterDownload(*info)
                                          ? "classes known once downloaded"
                                          : std::to_string(info->numClasses()) + " classes (" + classes + ")";
        std::cout << info->name << "  " << classText << "  " << info->channels
                  << "x" << info->rows << "x" << info->cols << " " << info->format << "  "
                  << describeSplit(*info, status.train) << "  ";
        if (status.validation.present)
            std::cout << describeSplit(*info, status.validation) << "  ";
        std::cout << describeSplit(*info, status.test) << "\n";
    }
    return 0;
}

}  // namespace kanalab::cli
