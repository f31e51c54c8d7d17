// SPDX-License-Identifier: GPL-3.0-or-later
#include "cli/arguments.h"
#include "cli/command_import.h"
#include "cli/commands.h"
#include "cli/terminal.h"

#include "common/error.h"
#include "common/format.h"
#include "data/builtin_datasets.h"
#include "data/byte_stream.h"
#include "data/data_dirs.h"
#include "data/downloader.h"
#include "data/recorded_sha256.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <iostream>

namespace kanalab::cli {
namespace {

// One line per file on stderr: redrawn in place on a terminal; in a log or a pipe, a plain line
// every few seconds and one when the file is complete, so logs stay readable.
class ProgressPrinter {
public:
    ProgressPrinter() : m_tty(stderrIsTerminal()), m_lastPlainLine(std::chrono::steady_clock::now()) {}
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
            const auto width = static_cast<std::size_t>(terminalColumns());
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

    bool m_tty;
    bool m_lineOpen = false;
    std::chrono::steady_clock::time_point m_lastPlainLine;
};

// How a file without a published checksum was checked.
std::string describeUnpublished(const DownloadedFile& file) {
    if (file.sha256Recorded)
        return "structure checked, SHA-256 " + file.sha256 + " recorded in " +
               fileNameOf(recordedSha256Path(file.path)) +
               " (no checksum is published: later copies are checked against it)";
    return "SHA-256 matches the one recorded when it first arrived";
}

}  // namespace

int runDownload(const std::vector<std::string>& args) {
    const Arguments arguments(args, {"--split", "--data-dir", "--mirror", "--min-class-images", "--threads"});
    arguments.expectPositionals(1, 1, "dataset name (one of " + knownDatasetNames() + ")");
    const std::string splitWord = arguments.choice("--split", "all", {"train", "test", "all"});
    const std::string mirror = arguments.value("--mirror");
    if (arguments.has("--mirror") && !isSupportedMirrorUrl(mirror))
        throw UsageError("--mirror expects a URL starting with http://, https:// or file://, got '" + mirror + "'");
    const int minClassImages = arguments.intValue("--min-class-images", 0, 0, 1000000);
    const int threads = arguments.intValue("--threads", 0, 0, 256);
    const DatasetInfo& info = findDataset(arguments.positionals()[0]);
    if (!isConvertedAfterDownload(info) && (arguments.has("--min-class-images") || arguments.has("--threads")))
        throw UsageError("--min-class-images and --threads apply to datasets converted after download (kkanji), not " +
                         info.name);

    std::vector<Split> splits;
    if (splitWord != "test")
        splits.push_back(Split::Train);
    if (splitWord != "train")
        splits.push_back(Split::Test);
    const std::int64_t bytes = info.remoteBytes(splits);
    const std::string root = downloadRoot(arguments.value("--data-dir"));
    // Without a published checksum the size is only the one the site quotes.
    bool estimated = false;
    for (const auto& file : info.remoteFiles)
        estimated = estimated || file.md5.empty();
    std::cout << info.name << " " << (splitWord == "all" ? "train and test" : splitWord) << " ("
              << (estimated ? "about " : "") << formatBytes(bytes) << ") into " << joinPath(root, info.name) << " from "
              << (mirror.empty() ? info.downloadUrls.front() : mirror) << "\n"
              << std::flush;

    DownloadResult result;
    {
        std::atomic<bool> interrupted{false};
        InterruptGuard interruptGuard(interrupted);
        ProgressPrinter printer;
        DownloadOptions options;
        options.mirror = mirror;
        options.cancel = &interrupted;
        options.progress = [&printer](const DownloadProgress& p) { printer.show(p); };
        try {
            result = downloadDataset(info, splits, root, options);
        } catch (const Cancelled&) {
            throw Error("download cancelled; nothing partial was kept");
        }
    }

    std::cout << "wrote to " << result.folder << ":\n";
    for (const auto& file : result.files) {
        const bool unpublished = !file.sha256.empty();
        std::cout << "  " << file.fileName << "  " << formatBytes(file.bytes) << "  ";
        if (file.alreadyPresent)
            std::cout << "already there, " << (unpublished ? describeUnpublished(file) : "MD5 checked")
                      << ", not downloaded again\n";
        else
            std::cout << (file.replaced ? "replaced a damaged copy, " : "")
                      << (unpublished ? describeUnpublished(file) : "MD5 verified") << ", from " << file.url << "\n";
    }
    if (result.bytesDownloaded > 0)
        std::cout << "downloaded " << formatBytes(result.bytesDownloaded) << " in " << formatDuration(result.seconds)
                  << "\n";
    std::cout << std::flush;

    // Kuzushiji-Kanji's PNGs are decoded once, here, so that training starts at once later.
    if (isConvertedAfterDownload(info)) {
        std::atomic<bool> interrupted{false};
        InterruptGuard interruptGuard(interrupted);
        ImportOptions options;
        options.minClassImages = minClassImages;
        options.threads = threads;
        options.cancel = &interrupted;
        options.progress = importProgressPrinter();
        std::vector<ImportResult> converted;
        try {
            converted = convertAfterDownload(info, root, options);
        } catch (const Cancelled&) {
            throw Error("conversion cancelled; the downloaded file stays, nothing half-converted was kept");
        }
        for (const ImportResult& one : converted) {
            printImportSummary(one);
            std::cout << "train on it: kanalab-cli train --dataset " << one.dataset->name << " --model lenet5\n";
        }
    }
    return 0;
}

}  // namespace kanalab::cli
