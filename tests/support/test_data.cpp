// SPDX-License-Identifier: GPL-3.0-or-later
#include "support/test_data.h"

#include "data/data_dirs.h"

#include <cstdlib>

namespace kanalab::test {

std::string sharedDataDir() {
    if (const char* fromEnv = std::getenv("KANALAB_TEST_DATA"); fromEnv && *fromEnv)
        return fromEnv;
    return KANALAB_TEST_DATA_DIR;
}

bool hasSharedFile(const std::string& dataset, const std::string& fileName) {
    return isRegularFile(joinPath(joinPath(sharedDataDir(), dataset), fileName));
}

std::string testSourceDir() { return KANALAB_TEST_SOURCE_DIR; }

}  // namespace kanalab::test
