// SPDX-License-Identifier: GPL-3.0-or-later
#include "cli/terminal.h"

#include <csignal>
#include <sys/ioctl.h>
#include <unistd.h>

namespace kanalab::cli {
namespace {

// Written from a signal handler: only a lock-free atomic is safe there.
std::atomic<bool>* g_interruptFlag = nullptr;
static_assert(std::atomic<bool>::is_always_lock_free, "the Ctrl+C flag must be usable from a signal handler");

extern "C" void onInterrupt(int) {
    if (g_interruptFlag)
        g_interruptFlag->store(true);
}

struct sigaction g_previousInt {};
struct sigaction g_previousTerm {};

}  // namespace

bool stderrIsTerminal() { return ::isatty(STDERR_FILENO) == 1; }

int terminalColumns() {
    winsize size{};
    if (::ioctl(STDERR_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 20)
        return size.ws_col;
    return 80;
}

std::string progressBar(double fraction, int width) {
    if (!(fraction >= 0))
        fraction = 0;
    if (fraction > 1)
        fraction = 1;
    const int filled = static_cast<int>(fraction * width + 0.5);
    return "[" + std::string(static_cast<std::size_t>(filled), '#') +
           std::string(static_cast<std::size_t>(width - filled), '.') + "]";
}

InterruptGuard::InterruptGuard(std::atomic<bool>& flag) {
    flag = false;
    g_interruptFlag = &flag;
    struct sigaction action {};
    action.sa_handler = onInterrupt;
    sigemptyset(&action.sa_mask);
    // SA_RESETHAND: a second Ctrl+C ends the process at once, for someone in a hurry.
    action.sa_flags = SA_RESETHAND;
    sigaction(SIGINT, &action, &g_previousInt);
    sigaction(SIGTERM, &action, &g_previousTerm);
}

InterruptGuard::~InterruptGuard() {
    sigaction(SIGINT, &g_previousInt, nullptr);
    sigaction(SIGTERM, &g_previousTerm, nullptr);
    g_interruptFlag = nullptr;
}

}  // namespace kanalab::cli
