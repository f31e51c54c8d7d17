// SPDX-License-Identifier: GPL-3.0-or-later
#include "cli/arguments.h"
#include "cli/commands.h"

#include "common/error.h"
#include "common/format.h"
#include "common/threads.h"
#include "predict/predictor.h"

#include <iostream>

namespace kanalab::cli {

int runPredict(const std::vector<std::string>& args) {
    const Arguments a(args, {"--top", "--save-input"});
    a.expectPositionals(2, 100000, "model (a run directory or a .pt file) and at least one image");
    const int top = a.intValue("--top", 1, 1, 100);
    useIntraOpThreadsOnThisThread(1);  // one image at a time: extra threads only add hand-offs
    Predictor predictor(a.positionals()[0]);
    int failures = 0;
    for (std::size_t i = 1; i < a.positionals().size(); ++i) {
        const std::string& path = a.positionals()[i];
        try {
            const PredictionResult result = predictor.predictFile(path);
            std::cout << path;
            for (int k = 0; k < top && k < static_cast<int>(result.ranked.size()); ++k) {
                const ClassScore& score = result.ranked[static_cast<std::size_t>(k)];
                std::cout << (k == 0 ? " " : "  ") << predictor.classes()[static_cast<std::size_t>(score.index)].displayName()
                          << " " << formatFixed(score.probability, 4);
            }
            std::cout << "\n";
            if (a.has("--save-input"))
                saveGrayImage(result.modelInput, a.value("--save-input") + "/" + std::to_string(i) + ".png");
        } catch (const Error& e) {
            // One bad image does not hide the answers for the others.
            std::cerr << "kanalab-cli: " << e.what() << "\n";
            ++failures;
        }
    }
    return failures > 0 ? 1 : 0;
}

}  // namespace kanalab::cli
