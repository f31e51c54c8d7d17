// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

namespace kanalab {

// Reads a file start to end in 64 KiB pieces and hands each to consume (checksums of files
// larger than memory). Throws kanalab::Error with the system's reason when it cannot be read.
void forEachFileChunk(const std::string& path, const std::function<void(const std::uint8_t*, std::size_t)>& consume);

}  // namespace kanalab
