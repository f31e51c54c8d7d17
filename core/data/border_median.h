// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>

namespace kanalab {

// The median of a plane's border pixels (rows x cols bytes): the background's level, for padding
// a picture with its own background and for telling paper (> 127, a scan) from a dark ground.
std::uint8_t borderMedian(const std::uint8_t* plane, int rows, int cols);

}  // namespace kanalab
