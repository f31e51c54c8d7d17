// SPDX-License-Identifier: GPL-3.0-or-later
#include "cli/arguments.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>

namespace kanalab::cli {

Arguments::Arguments(const std::vector<std::string>& args, const std::set<std::string>& valueFlags,
                     const std::set<std::string>& switches) {
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& arg = args[i];
        if (arg.size() < 3 || arg.compare(0, 2, "--") != 0) {
            if (arg.size() > 1 && arg[0] == '-' && arg != "-")
                throw UsageError("unknown option '" + arg + "' (options are spelled --name)");
            m_positionals.push_back(arg);
            continue;
        }
        std::string name = arg;
        std::string inlineValue;
        bool hasInline = false;
        if (const auto eq = arg.find('='); eq != std::string::npos) {
            name = arg.substr(0, eq);
            inlineValue = arg.substr(eq + 1);
            hasInline = true;
        }
        if (switches.count(name)) {
            if (hasInline)
                throw UsageError("option " + name + " takes no value");
            m_switches.insert(name);
        } else if (valueFlags.count(name)) {
            if (hasInline) {
                m_values[name] = inlineValue;
            } else {
                if (i + 1 >= args.size())
                    throw UsageError("option " + name + " needs a value");
                m_values[name] = args[++i];
            }
        } else {
            std::string known;
            for (const auto& f : valueFlags)
                known += (known.empty() ? "" : ", ") + f;
            for (const auto& f : switches)
                known += (known.empty() ? "" : ", ") + f;
            throw UsageError("unknown option '" + name + "'" + (known.empty() ? "" : "; this command takes " + known));
        }
    }
}

bool Arguments::has(const std::string& flag) const { return m_values.count(flag) || m_switches.count(flag); }

std::string Arguments::value(const std::string& flag, const std::string& fallback) const {
    const auto it = m_values.find(flag);
    return it == m_values.end() ? fallback : it->second;
}

int Arguments::intValue(const std::string& flag, int fallback, int min, int max) const {
    if (!m_values.count(flag))
        return fallback;
    const std::string text = value(flag);
    char* end = nullptr;
    errno = 0;
    const long parsed = std::strtol(text.c_str(), &end, 10);
    if (text.empty() || *end != '\0' || errno == ERANGE || parsed < min || parsed > max)
        throw UsageError(flag + " expects a whole number from " + std::to_string(min) + " to " + std::to_string(max) +
                         ", got '" + text + "'");
    return static_cast<int>(parsed);
}

double Arguments::doubleValue(const std::string& flag, double fallback, double min, double max) const {
    if (!m_values.count(flag))
        return fallback;
    const std::string text = value(flag);
    char* end = nullptr;
    const double parsed = std::strtod(text.c_str(), &end);
    if (text.empty() || *end != '\0' || !std::isfinite(parsed) || parsed < min || parsed > max) {
        char range[96];
        std::snprintf(range, sizeof range, "%g to %g", min, max);
        throw UsageError(flag + " expects a number from " + range + ", got '" + text + "'");
    }
    return parsed;
}

std::uint64_t Arguments::uint64Value(const std::string& flag, std::uint64_t fallback) const {
    if (!m_values.count(flag))
        return fallback;
    const std::string text = value(flag);
    char* end = nullptr;
    errno = 0;
    const unsigned long long parsed = std::strtoull(text.c_str(), &end, 10);
    if (text.empty() || text[0] == '-' || *end != '\0' || errno == ERANGE)
        throw UsageError(flag + " expects a non-negative whole number, got '" + text + "'");
    return parsed;
}

std::string Arguments::choice(const std::string& flag, const std::string& fallback,
                              const std::vector<std::string>& allowed) const {
    const std::string text = value(flag, fallback);
    for (const auto& option : allowed)
        if (option == text)
            return text;
    std::string list;
    for (std::size_t i = 0; i < allowed.size(); ++i)
        list += (i == 0 ? "" : (i + 1 == allowed.size() ? " or " : ", ")) + allowed[i];
    throw UsageError(flag + " must be " + list + ", got '" + text + "'");
}

void Arguments::expectPositionals(std::size_t min, std::size_t max, const std::string& what) const {
    if (m_positionals.size() < min)
        throw UsageError("missing " + what);
    if (m_positionals.size() > max)
        throw UsageError("unexpected argument '" + m_positionals[max] + "'");
}

}  // namespace kanalab::cli
