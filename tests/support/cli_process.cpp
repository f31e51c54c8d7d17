// SPDX-License-Identifier: GPL-3.0-or-later
#include "support/cli_process.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

extern char** environ;

namespace kanalab::test {
namespace {

std::string fileText(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

}  // namespace

pid_t startCli(const std::vector<std::string>& args, const TempDir& dir) {
    std::vector<std::string> all = {KANALAB_CLI_PATH};
    all.insert(all.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& arg : all)
        argv.push_back(arg.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, dir.file("out.txt").c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                     0644);
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, dir.file("err.txt").c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                     0644);
    pid_t pid = -1;
    const int status = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (status != 0)
        throw std::runtime_error(std::string("cannot start ") + KANALAB_CLI_PATH + ": " + std::strerror(status));
    return pid;
}

CliRun waitCli(pid_t pid, const TempDir& dir) {
    int status = 0;
    ::waitpid(pid, &status, 0);
    CliRun run;
    run.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    run.out = fileText(dir.file("out.txt"));
    run.err = fileText(dir.file("err.txt"));
    return run;
}

CliRun runCli(const std::vector<std::string>& args) {
    TempDir logs;
    return waitCli(startCli(args, logs), logs);
}

}  // namespace kanalab::test
