// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <atomic>
#include <string>

namespace kanalab::cli {

bool stderrIsTerminal();
int terminalColumns();  // 80 when unknown

// "[#######.......]" of the given width for a fraction in [0, 1].
std::string progressBar(double fraction, int width);

// Routes SIGINT and SIGTERM to `flag` (cleared first) for the lifetime of the object, so a long
// job can stop cleanly; a second Ctrl+C ends the process at once. One guard at a time.
class InterruptGuard {
public:
    explicit InterruptGuard(std::atomic<bool>& flag);
    ~InterruptGuard();
    InterruptGuard(const InterruptGuard&) = delete;
    InterruptGuard& operator=(const InterruptGuard&) = delete;
};

}  // namespace kanalab::cli
