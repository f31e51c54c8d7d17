// SPDX-License-Identifier: GPL-3.0-or-later
#include "cli/arguments.h"
#include "cli/commands.h"

#include "data/dataset_store.h"
#include "data/sample_grid.h"

#include <cstdio>
#include <iostream>

namespace kanalab::cli {

int runInspect(const std::vector<std::string>& args) {
    const Arguments arguments(args, {"--data-dir", "--split", "--grid"});
    arguments.expectPositionals(1, 1, "dataset name (one of " + knownDatasetNames() + ")");
    const auto roots = dataRoots(arguments.value("--data-dir"));
    const DatasetInfo& info = findDataset(arguments.positionals()[0], roots);
    const DatasetStatus status = locateDataset(info, roots, false);

    // Without --split, inspect what is there, preferring the larger train split.
    const std::string fallback = status.train.present || !status.test.present ? "train" : "test";
    const Split split = arguments.choice("--split", fallback, {"train", "test"}) == "train" ? Split::Train : Split::Test;
    const ImageSet set = loadSplit(status, split);

    const auto counts = countPerClass(set, info.numClasses());
    std::cout << info.name << " " << splitName(split) << ": " << set.count() << " images of " << set.rows << "x"
              << set.cols << " from " << status.split(split).folder << "\n";
    for (const auto& c : info.classes) {
        char line[160];
        std::snprintf(line, sizeof line, "%3d  %-12s %-6s %-5s %6lld  %5.1f%%\n", c.index, c.label.c_str(),
                      c.glyph.c_str(), c.romaji.c_str(), static_cast<long long>(counts[static_cast<std::size_t>(c.index)]),
                      100.0 * static_cast<double>(counts[static_cast<std::size_t>(c.index)]) / static_cast<double>(set.count()));
        std::cout << line;
    }
    if (arguments.has("--grid")) {
        writeSampleGrid(set, info, arguments.value("--grid"));
        std::cout << "sample grid written to " << arguments.value("--grid") << "\n";
    }
    return 0;
}

}  // namespace kanalab::cli
