// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Runs the real kanalab-cli (KANALAB_CLI_PATH, defined for each test target that lists this
// file) as a child process with stdout and stderr captured in files: the CLI tests check exit
// codes and the sentences a person reads.

#include "support/temp_dir.h"

#include <sys/types.h>

#include <string>
#include <vector>

namespace kanalab::test {

struct CliRun {
    int exitCode = -1;  // 128 + signal when it was killed
    std::string out;
    std::string err;
};

// Starts kanalab-cli with stdout and stderr going to out.txt and err.txt in dir; returns its pid.
// Throws std::runtime_error when it cannot be started.
pid_t startCli(const std::vector<std::string>& args, const TempDir& dir);
// Waits for a started kanalab-cli and reads what it printed.
CliRun waitCli(pid_t pid, const TempDir& dir);
// Both, in a scratch folder of its own.
CliRun runCli(const std::vector<std::string>& args);

}  // namespace kanalab::test
