// SPDX-License-Identifier: GPL-3.0-or-later
#include "cli/terminal.h"

#include <csignal>
#include <sys/ioctl.h>
#include <unistd.h>

namespace kanalab::cli {
namespace {

std::atomic<bool>* g_interruptFlag = nullptr;

extern "C" void onInterrupt(int signalNumber) {
    if (g_interruptFlag && !g_interruptFlag->exchange(true))
        return;
    // Second signal: the user insists. Default action, re-raised.
    std::signal(signalNumber, SIG_DFL);
    std::raise(signalNumber);
}

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
    g_interruptFlag = &flag;
    struct sigaction action {};
    action.sa_handler = onInterrupt;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, nullptr);
    sigaction(SIGTERM, &action, nullptr);
}

InterruptGuard::~InterruptGuard() {
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
    g_interruptFlag = nullptr;
}

}  // namespace kanalab::cli
