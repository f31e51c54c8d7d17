// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string>

namespace kanalab {

// Writes bytes to `<path>.tmp`, flushes them to disk and renames over path, so a crash or a
// full disk never leaves a half-written file under the real name. Throws kanalab::Error with
// the system's reason ("No space left on device") and removes the temporary file on failure.
void writeFileAtomically(const std::string& path, const std::string& bytes);

// Creates the folder and its parents; throws kanalab::Error naming it when that fails.
void makeDirectories(const std::string& path);

}  // namespace kanalab
