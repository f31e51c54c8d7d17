// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string>
#include <vector>

namespace kanalab::cli {

// Each command parses its own arguments (everything after the command word) and returns the
// process exit code. Errors are thrown: UsageError (exit 2) or kanalab::Error (exit 1).
int runDatasets(const std::vector<std::string>& args);
int runDownload(const std::vector<std::string>& args);
int runImport(const std::vector<std::string>& args);
int runInspect(const std::vector<std::string>& args);
int runModels(const std::vector<std::string>& args);
int runTrain(const std::vector<std::string>& args);
int runRecipes(const std::vector<std::string>& args);
int runEval(const std::vector<std::string>& args);
int runPredict(const std::vector<std::string>& args);
int runSynth(const std::vector<std::string>& args);
int runModern(const std::vector<std::string>& args);

struct CommandInfo {
    const char* name;
    const char* synopsis;
    int (*run)(const std::vector<std::string>& args);
};

const std::vector<CommandInfo>& allCommands();

}  // namespace kanalab::cli
