// SPDX-License-Identifier: GPL-3.0-or-later
#include "data/data_dirs.h"

#include <cstdlib>
#include <sys/stat.h>

namespace kanalab {
namespace {

std::string envOrEmpty(const char* name) {
    const char* value = std::getenv(name);
    return value ? std::string(value) : std::string();
}

}  // namespace

std::string joinPath(const std::string& a, const std::string& b) {
    if (a.empty())
        return b;
    if (a.back() == '/')
        return a + b;
    return a + "/" + b;
}

bool isDirectory(const std::string& path) {
    struct stat info {};
    return ::stat(path.c_str(), &info) == 0 && S_ISDIR(info.st_mode);
}

bool isRegularFile(const std::string& path) {
    struct stat info {};
    return ::stat(path.c_str(), &info) == 0 && S_ISREG(info.st_mode);
}

std::string userDataFolder() {
    std::string base = envOrEmpty("XDG_DATA_HOME");
    if (base.empty()) {
        const std::string home = envOrEmpty("HOME");
        base = joinPath(home.empty() ? "." : home, ".local/share");
    }
    return joinPath(base, "KanaLab");
}

std::string defaultRunsFolder() { return joinPath(userDataFolder(), "runs"); }

std::vector<DataRoot> dataRoots(const std::string& flagDir) {
    std::vector<DataRoot> roots;
    if (!flagDir.empty())
        roots.push_back({flagDir, "--data-dir"});
    const std::string fromEnv = envOrEmpty(kDataDirEnvVar);
    if (!fromEnv.empty())
        roots.push_back({fromEnv, kDataDirEnvVar});
    roots.push_back({userDataFolder(), "user data folder"});
    return roots;
}

std::string downloadRoot(const std::string& flagDir) { return dataRoots(flagDir).front().path; }

}  // namespace kanalab
