// SPDX-License-Identifier: GPL-3.0-or-later
#include "cli/arguments.h"
#include "cli/commands.h"

#include "common/error.h"
#include "common/format.h"
#include "data/data_dirs.h"
#include "data/downloader.h"

#include <signal.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <iostream>

namespace kanalab::cli {
namespace {

// Written from a signal handler: only a lock-free atomic is safe there.
std::atomic<bool> g_interrupted{false};
static_assert(std::atomic<bool>::is_always_lock_free, "the Ctrl+C flag must be usable from a signal handler");

extern "C" void onInterrupt(int) {
    g_interrupted.store(true);
}

// Ctrl+C (or a polite kill) asks the download to stop, so the downloader can remove its .part
// file; SA_RESETHAND makes a second Ctrl+C end the process at once for someone in a hurry.
class InterruptGuard {
public:
    InterruptGuard() {
        g_interrupted = false;
        struct sigaction action {};
        action.sa_handler = onInterrupt;
        sigemptyset(&action.sa_mask);
        action.sa_flags = SA_RESETHAND;
        sigaction(SIGINT, &action, &m_previousInt);
        sigaction(SIGTERM, &action, &m_previousTerm);
    }
    ~InterruptGuard() {
        sigaction(SIGINT, &m_previousInt, nullptr);
        sigaction(SIGTERM, &m_previousTerm, nullptr);
    }
    InterruptGuard(const InterruptGuard&) = delete;
    InterruptGuard& operator=(const InterruptGuard&) = delete;

private:
    struct sigaction m_previousInt {};
    struct sigaction m_previousTerm {};
};

// One line per file on stderr: redrawn in place on a terminal; in a log or a pipe, a plain line
// every few seconds and one when the file is complete, so logs stay readable.
class ProgressPrinter {
public:
    ProgressPrinter() : m_tty(::isatty(STDERR_FILENO) == 1), m_lastPlainLine(std::chrono::steady_clock::now()) {}
    ~ProgressPrinter() {
        // Close a half-drawn bar so an error message starts on a line of its own.
        if (m_lineOpen)
            std::fputs("\n", stderr);
    }
    ProgressPrinter(const ProgressPrinter&) = delete;
    ProgressPrinter& operator=(const ProgressPrinter&) = delete;

    void show(const DownloadProgress& p) {
        const bool complete = p.fileBytesDone >= p.fileBytesTotal;
        const auto now = std::chrono::steady_clock::now();
        if (m_tty) {
            std::string line = describe(p);
            const std::size_t width = terminalWidth();
            if (width > 1 && line.size() > width - 1)
                line.resize(width - 1);
            std::fprintf(stderr, "\r%s\033[K", line.c_str());
            m_lineOpen = true;
            if (complete) {
                std::fputs("\n", stderr);
                m_lineOpen = false;
            }
        } else if (complete || (p.fileBytesDone > 0 && now - m_lastPlainLine >= kPlainLineInterval)) {
            std::fprintf(stderr, "%s\n", describe(p).c_str());
            m_lastPlainLine = now;
        }
        std::fflush(stderr);
    }

private:
    static constexpr std::chrono::seconds kPlainLineInterval{5};
    static constexpr int kBarWidth = 20;

    static std::string describe(const DownloadProgress& p) {
        const double fraction =
            p.fileBytesTotal > 0 ? static_cast<double>(p.fileBytesDone) / static_cast<double>(p.fileBytesTotal) : 1.0;
        const int filled = static_cast<int>(fraction * kBarWidth);
        std::string line = p.fileName + " (" + std::to_string(p.fileIndex + 1) + "/" + std::to_string(p.fileCount) +
                           ") [" + std::string(static_cast<std::size_t>(filled), '#') +
                           std::string(static_cast<std::size_t>(kBarWidth - filled), ' ') + "] ";
        char percent[8];
        std::snprintf(percent, sizeof percent, "%3d%%", static_cast<int>(fraction * 100));
        line += percent;
        line += "  " + formatBytes(p.fileBytesDone) + " of " + formatBytes(p.fileBytesTotal);
        if (p.bytesPerSecond > 0)
            line += "  " + formatBytes(static_cast<std::int64_t>(p.bytesPerSecond)) + "/s";
        if (p.etaSeconds >= 0 && p.totalBytesDone < p.totalBytes)
            line += "  ETA " + formatDuration(p.etaSeconds);
        return line;
    }

    static std::size_t terminalWidth() {
        winsize size{};
        return ::ioctl(STDERR_FILENO, TIOCGWINSZ, &size) == 0 ? size.ws_col : 0;
    }

    bool m_tty;
    bool m_lineOpen = false;
    std::chrono::steady_clock::time_point m_lastPlainLine;
};

}  // namespace

int runDownload(const std::vector<std::string>& args) {
    const Arguments arguments(args, {"--split", "--data-dir", "--mirror"});
    arguments.expectPositionals(1, 1, "dataset name (one of " + knownDatasetNames() + ")");
    const std::string splitWord = arguments.choice("--split", "all", {"train", "test", "all"});
    const std::string mirror = arguments.value("--mirror");
    if (arguments.has("--mirror") && !isSupportedMirrorUrl(mirror))
        throw UsageError("--mirror expects a URL starting with http://, https:// or file://, got '" + mirror + "'");
    const DatasetInfo& info = findDataset(arguments.positionals()[0]);

    std::vector<Split> splits;
    if (splitWord != "test")
        splits.push_back(Split::Train);
    if (splitWord != "train")
        splits.push_back(Split::Test);
    std::int64_t bytes = 0;
    for (Split split : splits)
        bytes += info.files(split).images.bytes + info.files(split).labels.bytes;
    const std::string root = downloadRoot(arguments.value("--data-dir"));
    std::cout << info.name << " " << (splitWord == "all" ? "train and test" : splitWord) << " (" << formatBytes(bytes)
              << ") into " << joinPath(root, info.name) << " from "
              << (mirror.empty() ? info.downloadUrls.front() : mirror) << "\n"
              << std::flush;

    DownloadResult result;
    {
        InterruptGuard interruptGuard;
        ProgressPrinter printer;
        DownloadOptions options;
        options.mirror = mirror;
        options.cancel = &g_interrupted;
        options.progress = [&printer](const DownloadProgress& p) { printer.show(p); };
        try {
            result = downloadDataset(info, splits, root, options);
        } catch (const Cancelled&) {
            throw Error("download cancelled; nothing partial was kept");
        }
    }

    std::cout << "wrote to " << result.folder << ":\n";
    for (const auto& file : result.files) {
        std::cout << "  " << file.fileName << "  " << formatBytes(file.bytes) << "  ";
        if (file.alreadyPresent)
            std::cout << "already there, MD5 checked, not downloaded again\n";
        else
            std::cout << (file.replaced ? "replaced a damaged copy, " : "") << "MD5 verified, from " << file.url
                      << "\n";
    }
    if (result.bytesDownloaded > 0)
        std::cout << "downloaded " << formatBytes(result.bytesDownloaded) << " in " << formatDuration(result.seconds)
                  << "\n";
    return 0;
}

}  // namespace kanalab::cli
