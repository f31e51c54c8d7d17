// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "data/catalogue.h"

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace kanalab {

// Where a download stands; reported about ten times a second while bytes flow, and once more
// when a file is complete (fileBytesDone == fileBytesTotal). Files already present are not
// reported here (the result lists them) but their bytes count as done in the totals.
struct DownloadProgress {
    std::string fileName;
    int fileIndex = 0;  // 0-based, among fileCount
    int fileCount = 0;
    std::int64_t fileBytesDone = 0;
    std::int64_t fileBytesTotal = 0;
    std::int64_t totalBytesDone = 0;  // all requested files, including those already present
    std::int64_t totalBytes = 0;
    double bytesPerSecond = 0;  // over the last few seconds
    double etaSeconds = -1;     // for all files; -1 while unknown
};

using DownloadProgressCallback = std::function<void(const DownloadProgress&)>;

struct DownloadOptions {
    // A base URL laid out like a data folder: <mirror>/<dataset>/<official file name>. When set,
    // only the mirror is tried; when empty, the catalogue's URLs in order. With or without a
    // trailing '/'; http://, https:// or file://.
    std::string mirror;
    int connectTimeoutSeconds = 20;
    // Give up when no byte has arrived for this long (a stalled server or a dead link).
    int stallTimeoutSeconds = 30;
    // Called on the downloading thread; it may set *cancel. An exception it throws ends the
    // download (partial file removed) and is rethrown from downloadDataset.
    DownloadProgressCallback progress;
    // Checked while bytes flow and at least once a second while they don't.
    const std::atomic<bool>* cancel = nullptr;
};

struct DownloadedFile {
    std::string fileName;
    std::string path;  // final location
    std::int64_t bytes = 0;
    bool alreadyPresent = false;  // was there with the right MD5 (or recorded SHA-256): not fetched again
    bool replaced = false;        // a file with the wrong MD5 (or SHA-256) was there and has been replaced
    std::string url;              // where it came from (empty when already present)
    // Files without a published MD5 (RemoteFile::md5 empty): their SHA-256, and whether it was
    // recorded now (<path>.sha256, the first time the file arrived) or matched the record.
    std::string sha256;
    bool sha256Recorded = false;
};

// A dataset whose files carry no published checksum checks what they hold instead
// (Kuzushiji-Kanji: a complete tar of kkanji2/U+XXXX/*.png). The downloader asks for it
// (downloadedFileCheck in data/builtin_datasets.h) before a download is kept.
class DownloadedFileCheck {
public:
    virtual ~DownloadedFileCheck() = default;
    // Throws kanalab::Error naming displayName and what is wrong; Cancelled when *cancel is set.
    virtual void checkDownloadedFile(const RemoteFile& file, const std::string& path, const std::string& displayName,
                                     const std::atomic<bool>* cancel) const = 0;
};

struct DownloadResult {
    std::string folder;  // targetRoot/<dataset name>
    std::vector<DownloadedFile> files;
    std::int64_t bytesDownloaded = 0;
    double seconds = 0;
};

// Fetches the official files of the given splits into targetRoot/<dataset name>/<file name>,
// creating the folders. Each file is written to <name>.part beside its final name, checked
// against the catalogue's size and MD5, and renamed only when it matches: the final name
// never holds a partial or wrong file, and the .part is removed on any failure.
// A file without a published MD5 has only an approximate size: the server's Content-Length is
// checked instead, then the source's DownloadedFileCheck, then its SHA-256 against the one
// recorded when it first arrived (data/recorded_sha256.h), which is written beside it when there
// is none. A copy already there is checked the same way before it is fetched again.
// Throws kanalab::Cancelled when *options.cancel was set, kanalab::Error for everything else
// (one sentence naming the URL or file and what to do). Files finished before the failure stay.
DownloadResult downloadDataset(const DatasetInfo& info, std::vector<Split> splits, const std::string& targetRoot,
                               const DownloadOptions& options = {});

// The mirror forms downloadDataset accepts (http://, https://, file:// with something after it).
bool isSupportedMirrorUrl(const std::string& url);

// "KanaLab/0.1.0": sent as the HTTP User-Agent.
std::string downloadUserAgent();

}  // namespace kanalab
