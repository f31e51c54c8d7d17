// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gtest/gtest.h>

#include <string>

namespace kanalab::test {

// ../shared/data beside the checkout, or $KANALAB_TEST_DATA when set.
std::string sharedDataDir();
// The shared data folder holds <dataset>/<fileName>.
bool hasSharedFile(const std::string& dataset, const std::string& fileName);
// The folder with the tests' own sources (fixtures live under it).
std::string testSourceDir();

}  // namespace kanalab::test

// Skips the current test, saying what is missing, when the shared dataset files are absent.
#define KANALAB_REQUIRE_SHARED(dataset, fileName)                                                      \
    do {                                                                                               \
        if (!::kanalab::test::hasSharedFile(dataset, fileName))                                        \
            GTEST_SKIP() << "needs " << ::kanalab::test::sharedDataDir() << "/" << dataset << "/"     \
                         << fileName << " (set KANALAB_TEST_DATA to a folder holding it)";             \
    } while (0)
