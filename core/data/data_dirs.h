// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string>
#include <vector>

namespace kanalab {

// Where datasets are looked for, highest priority first:
//   --data-dir  >  $KANALAB_DATA_DIR  >  the user's data folder  >  system folders.
// Inside a data folder each dataset has a folder of its own name holding the official file
// names (data/kmnist/t10k-images-idx3-ubyte.gz). System folders are per dataset
// (/usr/share/datasets/fashion-mnist) and come from the catalogue.
struct DataRoot {
    std::string path;
    std::string origin;  // "--data-dir", "KANALAB_DATA_DIR", "user data folder"
};

constexpr const char* kDataDirEnvVar = "KANALAB_DATA_DIR";

// The roots to search, in priority order; flagDir may be empty. Paths need not exist.
std::vector<DataRoot> dataRoots(const std::string& flagDir);

// Where downloads go: the highest-priority root (creating it is the downloader's job).
std::string downloadRoot(const std::string& flagDir);

// $XDG_DATA_HOME/KanaLab, else ~/.local/share/KanaLab: the same folder Qt's
// QStandardPaths::AppDataLocation gives the GUI on Linux (organisation-less app "KanaLab").
std::string userDataFolder();

// The user's KanaLab folder for runs: <userDataFolder>/runs.
std::string defaultRunsFolder();

bool isDirectory(const std::string& path);
bool isRegularFile(const std::string& path);
std::string joinPath(const std::string& a, const std::string& b);

}  // namespace kanalab
