// SPDX-License-Identifier: GPL-3.0-or-later
// `synth`: previews the synthetic modern forms training can add (--synthetic).
// `modern`: how well a model reads modern hiragana written in handwriting fonts it never saw.
#include "cli/arguments.h"
#include "cli/commands.h"

#include "common/error.h"
#include "common/format.h"
#include "data/byte_stream.h"
#include "data/glyph_renderer.h"
#include "data/sample_grid.h"
#include "data/synthetic_kana.h"
#include "predict/predictor.h"

#include <iostream>
#include <map>

namespace kanalab::cli {
namespace {

std::vector<std::string> fontsFor(const std::string& which) {
    std::vector<std::string> fonts;
    if (which != "handwriting")
        fonts = installedPrintFonts();
    if (which != "print")
        for (const auto& f : installedHandwritingFonts())
            fonts.push_back(f);
    return fonts;
}

std::string shortName(const std::string& spec) { return fileNameOf(spec.substr(0, spec.rfind('#'))); }

}  // namespace

int runSynth(const std::vector<std::string>& args) {
    const Arguments a(args, {"--fonts", "--per-font", "--grid", "--seed"});
    a.expectPositionals(1, 1, "dataset name (kmnist)");
    const DatasetInfo& info = findDataset(a.positionals()[0]);
    SyntheticOptions options;
    options.fonts = fontsFor(a.choice("--fonts", "all", {"print", "handwriting", "all"}));
    options.perFontPerClass = a.intValue("--per-font", 4, 1, 1000);
    options.seed = a.uint64Value("--seed", 1);
    const ImageSet set = renderSyntheticSet(info, options);
    std::cout << set.count() << " synthetic images of " << info.name << " classes from " << options.fonts.size()
              << " installed fonts\n";
    if (a.has("--grid")) {
        writeSampleGrid(set, info, a.value("--grid"), {20, 2, true});
        std::cout << "sample grid written to " << a.value("--grid") << "\n";
    }
    return 0;
}

int runModern(const std::vector<std::string>& args) {
    const Arguments a(args, {"--fonts", "--copies", "--seed"});
    a.expectPositionals(1, 1, "model (a run directory or a .pt file)");
    Predictor predictor(a.positionals()[0]);
    const DatasetInfo& info = findDataset(predictor.dataset());
    const std::string which = a.choice("--fonts", "handwriting", {"print", "handwriting", "all"});
    const int copies = a.intValue("--copies", 5, 1, 100);
    std::map<std::string, std::pair<int, int>> byFont;  // hits, total
    std::vector<std::pair<int, int>> byClass(static_cast<std::size_t>(info.numClasses()));
    int hits = 0, total = 0;
    for (const auto& font : fontsFor(which)) {
        // "Several ways" per character: one clean rendering and distorted copies (weight,
        // slant, wobble), each framed by the same preprocessing the canvas uses.
        for (bool distort : {false, true}) {
            SyntheticOptions options;
            options.fonts = {font};
            options.distort = distort;
            options.perFontPerClass = copies - 1;
            options.seed = a.uint64Value("--seed", 7);
            if (distort && copies < 2)
                continue;
            ImageSet set;
            try {
                set = renderSyntheticSet(info, options);
            } catch (const Error&) {
                continue;
            }
            for (std::int64_t i = 0; i < set.count(); ++i) {
                GrayImage image;
                image.rows = set.rows;
                image.cols = set.cols;
                image.pixels.assign(set.image(i), set.image(i) + set.imageBytes());
                const auto result = predictor.predictDrawing(image);
                const int label = static_cast<int>(set.labels[static_cast<std::size_t>(i)]);
                const bool hit = result.ranked.front().index == label;
                hits += hit;
                ++total;
                byFont[shortName(font)].first += hit;
                ++byFont[shortName(font)].second;
                byClass[static_cast<std::size_t>(label)].first += hit;
                ++byClass[static_cast<std::size_t>(label)].second;
            }
        }
    }
    if (total == 0)
        throw Error("no " + which + " font with these characters is installed (try: apt-get install fonts-seto fonts-klee)");
    auto rate = [](const std::pair<int, int>& p) { return formatFixed(100.0 * p.first / std::max(1, p.second), 1) + "%"; };
    std::cout << predictor.checkpointPath() << " on modern " << which << " forms: " << hits << "/" << total << " = "
              << formatFixed(100.0 * hits / total, 1) << "%\nper class:";
    for (std::size_t c = 0; c < byClass.size(); ++c)
        if (byClass[c].second > 0)
            std::cout << "  " << info.classes[c].displayName() << " " << rate(byClass[c]);
    std::cout << "\nper font:";
    for (const auto& [font, counts] : byFont)
        std::cout << "\n  " << font << " " << rate(counts) << " of " << counts.second;
    std::cout << "\n";
    return 0;
}

}  // namespace kanalab::cli
