// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <string>

namespace kanalab {

// "18.2 MB", "512 B": decimal units, as download sizes are usually quoted.
std::string formatBytes(std::int64_t bytes);

// "1:02:03", "4:05", "12 s": for ETAs and run times.
std::string formatDuration(double seconds);

// "12,345": digit grouping for counts and throughput.
std::string formatCount(std::int64_t value);

// printf-style %.Nf without the locale surprises of iostreams.
std::string formatFixed(double value, int decimals);

}  // namespace kanalab
