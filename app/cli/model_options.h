// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <map>
#include <string>

namespace kanalab::cli {

// "pool=avg,activation=elu" -> {pool: avg, activation: elu}; UsageError on a malformed pair.
std::map<std::string, std::string> parseModelOptions(const std::string& text);

}  // namespace kanalab::cli
