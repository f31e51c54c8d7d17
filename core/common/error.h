// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <stdexcept>
#include <string>

namespace kanalab {

// Every failure the core reports to a person: the message is one sentence that names the
// file or setting at fault and what to do about it. The CLI prints it as is; the GUI shows it.
class Error : public std::runtime_error {
public:
    explicit Error(const std::string& message) : std::runtime_error(message) {}
};

// A run stopped because the user asked it to (cancel flag, Ctrl+C, window closed).
class Cancelled : public Error {
public:
    Cancelled() : Error("cancelled") {}
};

}  // namespace kanalab
