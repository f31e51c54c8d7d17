// SPDX-License-Identifier: GPL-3.0-or-later
// `import PATH`: the user's folder of images or list files, a tar of class folders, .npz pairs
// or CIFAR-10 batches become a dataset like the built-in ones (datasets, inspect, train
// --dataset NAME, eval, the GUI).
#include "cli/command_import.h"

#include "cli/arguments.h"
#include "cli/commands.h"
#include "cli/terminal.h"

#include "common/error.h"
#include "common/format.h"
#include "data/data_dirs.h"
#include "data/image_set.h"
#include "data/import.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <memory>

namespace kanalab::cli {
namespace {

// "--size 32" or "--size 64x48" (rows x cols, as the rest of KanaLab says sizes).
std::pair<int, int> parseSize(const std::string& text) {
    const auto x = text.find('x');
    try {
        std::size_t used = 0;
        if (x == std::string::npos) {
            const int side = std::stoi(text, &used);
            if (used == text.size())
                return {side, side};
        } else {
            const int rows = std::stoi(text.substr(0, x), &used);
            std::size_t usedCols = 0;
            const int cols = std::stoi(text.substr(x + 1), &usedCols);
            if (used == x && usedCols == text.size() - x - 1)
                return {rows, cols};
        }
    } catch (const std::exception&) {
    }
    throw UsageError("--size expects S or ROWSxCOLS (for example 32 or 64x48), got '" + text + "'");
}

}  // namespace

std::function<void(const ImportProgress&)> importProgressPrinter() {
    const bool tty = stderrIsTerminal();
    auto lastLine = std::make_shared<std::chrono::steady_clock::time_point>(std::chrono::steady_clock::now());
    return [tty, lastLine](const ImportProgress& p) {
        const auto now = std::chrono::steady_clock::now();
        const bool done = p.done >= p.total;
        if (!tty && !done && now - *lastLine < std::chrono::seconds(5))
            return;
        *lastLine = now;
        const double fraction = p.total > 0 ? double(p.done) / double(p.total) : 1.0;
        std::string line = "decoding " + progressBar(fraction, 20) + " " + formatCount(p.done) + " of " +
                           formatCount(p.total) + "  " + formatCount(static_cast<std::int64_t>(p.imagesPerSecond)) +
                           " images/s";
        if (!done && p.etaSeconds >= 0)
            line += "  ETA " + formatDuration(p.etaSeconds);
        std::fprintf(stderr, tty ? "\r%s\033[K%s" : "%s%s", line.c_str(), tty && !done ? "" : "\n");
        std::fflush(stderr);
    };
}

void printImportSummary(const ImportResult& result) {
    if (result.reused)
        std::cout << "the files have not changed since the last import: reusing " << result.folder << "\n";
    else
        std::cout << "imported " << formatCount(result.meta.totalImages()) << " images in "
                  << formatDuration(result.seconds) << " ("
                  << formatCount(static_cast<std::int64_t>(result.decoded / std::max(1e-9, result.seconds)))
                  << " images/s) into " << result.folder << "\n";
    const ImportedMeta& m = result.meta;
    const DatasetInfo& info = *result.dataset;
    std::cout << info.name << ": " << info.numClasses() << " classes, " << info.channels << "x" << info.rows << "x"
              << info.cols << " (" << (info.channels == 3 ? "colour" : "gray") << ", "
              << (info.handwriting() ? "handwriting" : "photo") << "), from " << m.layout << " in " << m.sourcePath
              << "\n";
    // Per-class counts per split, read back from the cache (labels only).
    const DatasetStatus status = locateDataset(info, {}, false);
    std::vector<std::pair<const char*, std::vector<std::int64_t>>> columns;
    for (Split split : {Split::Train, Split::Validation, Split::Test}) {
        if (!status.split(split).present)
            continue;
        const ImageSet set = loadSplit(status, split);
        columns.push_back({splitName(split), countPerClass(set, info.numClasses())});
    }
    std::printf("  %-24s", "class");
    for (const auto& column : columns)
        std::printf(" %10s", column.first);
    std::printf("\n");
    // Kuzushiji-Kanji has 3,832 classes: the first ones and a count say enough.
    constexpr int kClassRows = 40;
    for (int c = 0; c < info.numClasses() && c < kClassRows; ++c) {
        const std::string name = info.classes[static_cast<std::size_t>(c)].displayName();
        std::printf("  %-24s", name.c_str());
        for (const auto& column : columns)
            std::printf(" %10lld", static_cast<long long>(column.second[static_cast<std::size_t>(c)]));
        std::printf("\n");
    }
    if (info.numClasses() > kClassRows)
        std::printf("  ... and %d more classes\n", info.numClasses() - kClassRows);
    std::printf("  %-24s", "total");
    for (Split split : {Split::Train, Split::Validation, Split::Test})
        if (status.split(split).present)
            std::printf(" %10lld", static_cast<long long>(m.split(split).count));
    std::printf("\n");
    std::fflush(stdout);
    if (!m.skipped.empty()) {
        std::cout << m.skipped.size() << " files skipped:\n";
        constexpr std::size_t kListed = 20;
        for (std::size_t i = 0; i < m.skipped.size() && i < kListed; ++i)
            std::cout << "  " << m.skipped[i].path << ": " << m.skipped[i].reason << "\n";
        if (m.skipped.size() > kListed)
            std::cout << "  ... and " << m.skipped.size() - kListed << " more (all in " << result.folder
                      << "/dataset.json)\n";
    }
    for (const auto& note : m.notes)
        std::cout << "note: " << note << "\n";
}

int runImport(const std::vector<std::string>& args) {
    const Arguments arguments(args,
                              {"--name", "--format", "--size", "--channels", "--kind", "--test-fraction", "--seed",
                               "--min-class-images", "--threads", "--data-dir"},
                              {"--crop", "--force"});
    arguments.expectPositionals(1, 1,
                                "a folder of class folders, a .tar of them, a train/val/test folder, list files, .npz "
                                "pairs or CIFAR-10 batches");
    ImportOptions options;
    options.name = arguments.value("--name");
    options.format = arguments.choice("--format", "auto", {"auto", "folder", "list", "npz", "cifar10"});
    options.minClassImages = arguments.intValue("--min-class-images", 0, 0, 1000000);
    if (arguments.has("--size"))
        std::tie(options.rows, options.cols) = parseSize(arguments.value("--size"));
    options.channels = arguments.has("--channels") ? std::stoi(arguments.choice("--channels", "1", {"1", "3"})) : 0;
    options.kind = arguments.has("--kind") ? arguments.choice("--kind", "handwriting", {"handwriting", "photo"}) : "";
    options.crop = arguments.has("--crop");
    options.force = arguments.has("--force");
    options.testFraction = arguments.doubleValue("--test-fraction", 0.2, 0.0, 0.9);
    options.seed = arguments.uint64Value("--seed", 42);
    options.threads = arguments.intValue("--threads", 0, 0, 256);
    const std::string root = downloadRoot(arguments.value("--data-dir"));

    const bool tty = stderrIsTerminal();
    std::atomic<bool> interrupted{false};
    ImportResult result;
    {
        InterruptGuard guard(interrupted);
        options.cancel = &interrupted;
        options.progress = importProgressPrinter();
        try {
            result = importDataset(arguments.positionals()[0], root, options);
        } catch (const Cancelled&) {
            if (tty)
                std::fputs("\n", stderr);
            throw Error("import cancelled; nothing half-made was kept");
        }
    }
    printImportSummary(result);
    std::cout << "train on it: kanalab-cli train --dataset " << result.dataset->name << " --model lenet5\n";
    return 0;
}

}  // namespace kanalab::cli
