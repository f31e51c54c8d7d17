// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace kanalab::cli {

// Bad command-line usage: printed as one sentence, exit code 2.
class UsageError : public std::runtime_error {
public:
    explicit UsageError(const std::string& message) : std::runtime_error(message) {}
};

// Parses "--name value", "--name=value", bare switches and positionals against the flags a
// command declares, so a typo is an error instead of being ignored.
class Arguments {
public:
    // valueFlags take a value ("--data-dir DIR"); switches do not ("--verbose").
    Arguments(const std::vector<std::string>& args, const std::set<std::string>& valueFlags,
              const std::set<std::string>& switches = {});

    bool has(const std::string& flag) const;
    std::string value(const std::string& flag, const std::string& fallback = "") const;
    // Throw UsageError with the flag's name when the value is not a number in range.
    int intValue(const std::string& flag, int fallback, int min, int max) const;
    double doubleValue(const std::string& flag, double fallback, double min, double max) const;
    std::uint64_t uint64Value(const std::string& flag, std::uint64_t fallback) const;
    // One of the allowed words.
    std::string choice(const std::string& flag, const std::string& fallback, const std::vector<std::string>& allowed) const;

    const std::vector<std::string>& positionals() const { return m_positionals; }
    // Exactly count positionals, else UsageError with what is expected.
    void expectPositionals(std::size_t min, std::size_t max, const std::string& what) const;

private:
    std::map<std::string, std::string> m_values;
    std::set<std::string> m_switches;
    std::vector<std::string> m_positionals;
};

}  // namespace kanalab::cli
