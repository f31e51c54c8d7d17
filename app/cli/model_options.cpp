// SPDX-License-Identifier: GPL-3.0-or-later
#include "cli/model_options.h"

#include "cli/arguments.h"

#include <sstream>

namespace kanalab::cli {

std::map<std::string, std::string> parseModelOptions(const std::string& text) {
    std::map<std::string, std::string> options;
    std::stringstream stream(text);
    std::string pair;
    while (std::getline(stream, pair, ',')) {
        if (pair.empty())
            continue;
        const auto eq = pair.find('=');
        if (eq == std::string::npos || eq == 0 || eq + 1 == pair.size())
            throw UsageError("--option expects name=value pairs separated by commas, got '" + pair + "'");
        options[pair.substr(0, eq)] = pair.substr(eq + 1);
    }
    return options;
}

}  // namespace kanalab::cli
