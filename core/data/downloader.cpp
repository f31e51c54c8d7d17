// SPDX-License-Identifier: GPL-3.0-or-later
#include "data/downloader.h"

#include "common/error.h"
#include "common/format.h"
#include "data/builtin_datasets.h"
#include "data/byte_stream.h"
#include "data/data_dirs.h"
#include "data/md5.h"
#include "data/recorded_sha256.h"
#include "data/sha256.h"

#include <curl/curl.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <deque>
#include <exception>
#include <filesystem>
#include <memory>
#include <mutex>

#ifndef KANALAB_VERSION
#define KANALAB_VERSION "unknown"
#endif

namespace kanalab {
namespace {

using Clock = std::chrono::steady_clock;

constexpr double kProgressIntervalSeconds = 0.1;
constexpr double kRateWindowSeconds = 3.0;
constexpr long kMaxRedirects = 10;

double secondsBetween(Clock::time_point from, Clock::time_point to) {
    return std::chrono::duration<double>(to - from).count();
}

// curl_global_init is not thread-safe and must run before any other curl call; the GUI may
// start a download from a worker thread while the CLI calls from main, so guard it once here.
void initCurlOnce() {
    static std::once_flag once;
    static CURLcode status = CURLE_OK;
    std::call_once(once, [] { status = curl_global_init(CURL_GLOBAL_DEFAULT); });
    if (status != CURLE_OK)
        throw Error(std::string("cannot start the download library (libcurl): ") + curl_easy_strerror(status));
}

// "codh.rois.ac.jp", "127.0.0.1:8080": what a person recognises in "cannot reach ...".
std::string hostOf(const std::string& url) {
    std::size_t start = url.find("://");
    start = start == std::string::npos ? 0 : start + 3;
    std::size_t end = url.find_first_of("/?#", start);
    std::string host = url.substr(start, end == std::string::npos ? std::string::npos : end - start);
    if (const auto at = host.rfind('@'); at != std::string::npos)
        host = host.substr(at + 1);  // never echo credentials in a message
    return host;
}

const char* standardReason(long code) {
    // clang-format off
    switch (code) {
        case 400: return "Bad Request";
        case 401: return "Unauthorized";
        case 403: return "Forbidden";
        case 404: return "Not Found";
        case 408: return "Request Timeout";
        case 410: return "Gone";
        case 429: return "Too Many Requests";
        case 500: return "Internal Server Error";
        case 502: return "Bad Gateway";
        case 503: return "Service Unavailable";
        case 504: return "Gateway Timeout";
        default: return "";
    }
    // clang-format on
}

std::string httpExplanation(long code) {
    if (code == 404 || code == 410)
        return "the server does not have this file";
    if (code == 401 || code == 403)
        return "the server refuses to serve this file";
    if (code == 408 || code == 429 || code >= 500)
        return "the server is busy or failing; try again later";
    return "the server rejected the request";
}

// Rate and ETA for the whole request, plus the ~10 Hz throttle.
class ProgressTracker {
public:
    ProgressTracker(const DownloadProgressCallback& callback, int fileCount, std::int64_t totalBytes)
        : m_callback(callback), m_started(Clock::now()) {
        m_progress.fileCount = fileCount;
        m_progress.totalBytes = totalBytes;
    }

    void startFile(const std::string& fileName, int index, std::int64_t bytes, std::int64_t doneBefore) {
        m_progress.fileName = fileName;
        m_progress.fileIndex = index;
        m_progress.fileBytesTotal = bytes;
        m_progress.fileBytesDone = 0;
        m_doneBefore = doneBefore;
        m_progress.totalBytesDone = doneBefore;
        m_lastFileBytes = 0;
    }

    // A file whose size was only known approximately, once the server says how big it is.
    void setFileTotal(std::int64_t bytes) {
        m_progress.totalBytes += bytes - m_progress.fileBytesTotal;
        m_progress.fileBytesTotal = bytes;
    }

    // fileBytes may drop back to 0 when a file is retried from the next source; received bytes
    // keep counting so the rate stays honest.
    void update(std::int64_t fileBytes, bool force) {
        if (fileBytes > m_lastFileBytes)
            m_received += fileBytes - m_lastFileBytes;
        m_lastFileBytes = fileBytes;
        const auto now = Clock::now();
        m_samples.push_back({now, m_received});
        while (m_samples.size() > 2 && secondsBetween(m_samples[1].time, now) >= kRateWindowSeconds)
            m_samples.pop_front();
        if (!m_callback || (!force && m_emitted && secondsBetween(m_lastEmit, now) < kProgressIntervalSeconds))
            return;

        m_progress.fileBytesDone = fileBytes;
        m_progress.totalBytesDone = m_doneBefore + fileBytes;
        // The last few seconds follow a changing link speed; before there is enough of a window
        // (or on a fast local link) the average since the start is the better guess.
        const double span = secondsBetween(m_samples.front().time, now);
        const double sinceStart = secondsBetween(m_started, now);
        if (span >= 0.2)
            m_progress.bytesPerSecond = static_cast<double>(m_received - m_samples.front().bytes) / span;
        else if (sinceStart > 0.001 && m_received > 0)
            m_progress.bytesPerSecond = static_cast<double>(m_received) / sinceStart;
        const auto remaining = static_cast<double>(m_progress.totalBytes - m_progress.totalBytesDone);
        m_progress.etaSeconds = remaining <= 0                  ? 0
                                : m_progress.bytesPerSecond > 0 ? remaining / m_progress.bytesPerSecond
                                                                : -1;
        m_lastEmit = now;
        m_emitted = true;
        m_callback(m_progress);
    }

private:
    struct Sample {
        Clock::time_point time;
        std::int64_t bytes;
    };

    const DownloadProgressCallback& m_callback;
    Clock::time_point m_started;
    DownloadProgress m_progress;
    std::int64_t m_doneBefore = 0;
    std::int64_t m_lastFileBytes = 0;
    std::int64_t m_received = 0;
    std::deque<Sample> m_samples;
    Clock::time_point m_lastEmit;
    bool m_emitted = false;
};

// <name>.part beside the final file: removed unless commit() renamed it into place, so no
// failure, cancel or exception can leave a partial file behind.
class PartFile {
public:
    explicit PartFile(std::string finalPath) : m_finalPath(std::move(finalPath)), m_path(m_finalPath + ".part") {
        // A .part is ours by name: one left by a crash or a killed process is stale.
        ::unlink(m_path.c_str());
        m_fd = ::open(m_path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
        if (m_fd < 0)
            throw Error("cannot write " + m_path + ": " + std::strerror(errno) +
                        "; choose a writable folder with --data-dir");
    }
    ~PartFile() {
        if (m_fd >= 0)
            ::close(m_fd);
        if (!m_committed)
            ::unlink(m_path.c_str());
    }
    PartFile(const PartFile&) = delete;
    PartFile& operator=(const PartFile&) = delete;

    const std::string& path() const { return m_path; }

    // 0 on success, else the errno of the failed write.
    int write(const char* data, std::size_t size) {
        while (size > 0) {
            const ssize_t done = ::write(m_fd, data, size);
            if (done < 0) {
                if (errno == EINTR)
                    continue;
                return errno;
            }
            data += done;
            size -= static_cast<std::size_t>(done);
        }
        return 0;
    }

    void commit() {
        // Flush before the rename so a power cut cannot leave the final name on a file whose
        // blocks never reached the disk.
        if (::fsync(m_fd) != 0 || ::close(m_fd) != 0) {
            const int error = errno;
            m_fd = -1;
            throw writeError(error);
        }
        m_fd = -1;
        if (std::rename(m_path.c_str(), m_finalPath.c_str()) != 0)
            throw Error("cannot rename " + m_path + " to " + m_finalPath + ": " + std::strerror(errno) +
                        "; check the folder's permissions");
        m_committed = true;
    }

    Error writeError(int error) const {
        return Error("cannot write " + m_path + ": " + std::strerror(error) +
                     (error == ENOSPC || error == EDQUOT ? "; free some space or choose another folder with --data-dir"
                                                         : "; choose another folder with --data-dir"));
    }

private:
    std::string m_finalPath;
    std::string m_path;
    int m_fd = -1;
    bool m_committed = false;
};

// Why one source failed in a way another source might not: network and HTTP trouble.
struct SourceFailure {
    std::string message;  // "cannot reach codh.rois.ac.jp: Could not resolve host"
    std::string hint;     // "check the network connection or use --mirror URL"; may be empty
};

struct CurlDeleter {
    void operator()(CURL* curl) const { curl_easy_cleanup(curl); }
};
using CurlPtr = std::unique_ptr<CURL, CurlDeleter>;

// One file from one URL into one .part file. The callbacks run inside curl_easy_perform, in C
// frames: they record what went wrong and return an abort code instead of throwing.
class Transfer {
public:
    Transfer(CURL* curl, const RemoteFile& file, const std::string& url, PartFile& part, ProgressTracker& tracker,
             const DownloadOptions& options, bool usingMirror)
        : m_curl(curl),
          m_file(file),
          m_url(url),
          m_part(part),
          m_tracker(tracker),
          m_options(options),
          m_usingMirror(usingMirror) {}

    // Returns normally when the part file holds exactly the expected bytes with the right MD5;
    // returns a SourceFailure when another source may do better; throws when none would.
    bool run(SourceFailure& failure) {
        char errorBuffer[CURL_ERROR_SIZE] = {0};
        curl_easy_setopt(m_curl, CURLOPT_URL, m_url.c_str());
        curl_easy_setopt(m_curl, CURLOPT_ERRORBUFFER, errorBuffer);
        curl_easy_setopt(m_curl, CURLOPT_WRITEFUNCTION, &Transfer::onWrite);
        curl_easy_setopt(m_curl, CURLOPT_WRITEDATA, this);
        curl_easy_setopt(m_curl, CURLOPT_HEADERFUNCTION, &Transfer::onHeader);
        curl_easy_setopt(m_curl, CURLOPT_HEADERDATA, this);
        curl_easy_setopt(m_curl, CURLOPT_XFERINFOFUNCTION, &Transfer::onProgress);
        curl_easy_setopt(m_curl, CURLOPT_XFERINFODATA, this);
        curl_easy_setopt(m_curl, CURLOPT_NOPROGRESS, 0L);
        m_lastData = Clock::now();

        const CURLcode code = curl_easy_perform(m_curl);
        curl_easy_setopt(m_curl, CURLOPT_ERRORBUFFER, nullptr);  // the buffer dies with this frame

        if (m_callbackError)
            std::rethrow_exception(m_callbackError);
        if (m_cancelled)
            throw Cancelled();
        if (m_writeErrno != 0)
            throw m_part.writeError(m_writeErrno);
        if (m_tooLong)
            throw Error(m_file.fileName + ": the server sent more than the expected " +
                        std::to_string(expectedBytes()) +
                        " bytes: the download was corrupted or the mirror serves a different file; nothing was kept");
        if (m_stalled) {
            failure = stallFailure();
            return false;
        }
        if (code != CURLE_OK) {
            failure = describe(code, errorBuffer);
            return false;
        }
        if (published() || m_announced >= 0) {
            if (m_written != expectedBytes())
                throw Error(m_file.fileName + ": size mismatch: expected " + std::to_string(expectedBytes()) +
                            " bytes, got " + std::to_string(m_written) +
                            ": the download was cut short or the mirror serves a different file; nothing was kept");
        } else if (m_written == 0) {
            throw Error(m_file.fileName + ": the server sent an empty file; nothing was kept");
        }
        if (!published()) {
            m_sha256Hex = m_sha256.finish();
            return true;
        }
        const std::string md5 = m_md5.finish();
        if (md5 != m_file.md5)
            throw Error(m_file.fileName + ": checksum mismatch: expected MD5 " + m_file.md5 + ", got " + md5 +
                        ": the download was corrupted or the mirror serves a different file; nothing was kept");
        return true;
    }

    std::int64_t bytesWritten() const { return m_written; }
    // Of a file without a published MD5, after run() succeeded.
    const std::string& sha256() const { return m_sha256Hex; }

private:
    static std::size_t onWrite(char* data, std::size_t size, std::size_t count, void* self) {
        auto* t = static_cast<Transfer*>(self);
        const std::size_t bytes = size * count;
        if (t->cancelRequested()) {
            t->m_cancelled = true;
            return 0;
        }
        if (!t->published() && t->m_written == 0 && t->m_announced < 0) {
            // Only an estimate in the catalogue: the server's Content-Length is the size to expect.
            curl_off_t length = -1;
            if (curl_easy_getinfo(t->m_curl, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &length) == CURLE_OK && length >= 0) {
                t->m_announced = static_cast<std::int64_t>(length);
                t->m_tracker.setFileTotal(t->m_announced);
            }
        }
        // Stop at once rather than filling the disk when a mirror answers with something else.
        if (t->m_written + static_cast<std::int64_t>(bytes) > t->byteLimit()) {
            t->m_tooLong = true;
            return 0;
        }
        if (const int error = t->m_part.write(data, bytes); error != 0) {
            t->m_writeErrno = error;
            return 0;
        }
        if (t->published())
            t->m_md5.update(data, bytes);
        else
            t->m_sha256.update(data, bytes);
        t->m_written += static_cast<std::int64_t>(bytes);
        return bytes;
    }

    static std::size_t onHeader(char* data, std::size_t size, std::size_t count, void* self) {
        auto* t = static_cast<Transfer*>(self);
        const std::size_t bytes = size * count;
        // Keep the reason phrase of the last status line ("HTTP/1.1 404 Not Found"): curl only
        // reports the number, and redirects mean several status lines per transfer.
        const std::string line(data, bytes);
        t->m_sawHeader = true;
        if (line.compare(0, 5, "HTTP/") == 0) {
            const auto codeStart = line.find(' ');
            const auto reasonStart = codeStart == std::string::npos ? codeStart : line.find(' ', codeStart + 1);
            t->m_reason.clear();
            if (reasonStart != std::string::npos) {
                t->m_reason = line.substr(reasonStart + 1);
                while (!t->m_reason.empty() && (t->m_reason.back() == '\r' || t->m_reason.back() == '\n'))
                    t->m_reason.pop_back();
            }
        }
        return bytes;
    }

    static int onProgress(void* self, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
        auto* t = static_cast<Transfer*>(self);
        const auto now = Clock::now();
        if (t->cancelRequested()) {
            t->m_cancelled = true;
            return 1;
        }
        // Our own stall clock: curl's low-speed check averages over several seconds, so it
        // would fire late and could not say "no data for N s" truthfully.
        // It starts once connected: until then the connect timeout is the one that applies.
        if (!t->m_connected) {
            curl_off_t connectTime = 0;
            if (t->m_sawHeader ||
                (curl_easy_getinfo(t->m_curl, CURLINFO_CONNECT_TIME_T, &connectTime) == CURLE_OK && connectTime > 0)) {
                t->m_connected = true;
                t->m_lastData = now;
            }
        }
        if (t->m_written != t->m_lastWritten) {
            t->m_lastWritten = t->m_written;
            t->m_lastData = now;
        } else if (t->m_connected && secondsBetween(t->m_lastData, now) >= t->m_options.stallTimeoutSeconds) {
            t->m_stalled = true;
            return 1;
        }
        try {
            t->m_tracker.update(t->m_written, false);
        } catch (...) {
            t->m_callbackError = std::current_exception();
            return 1;
        }
        // The callback may just have set the flag.
        if (t->cancelRequested()) {
            t->m_cancelled = true;
            return 1;
        }
        return 0;
    }

    bool cancelRequested() const { return m_options.cancel && m_options.cancel->load(); }

    // A published MD5 comes with the exact size; without one the catalogue's size is an estimate.
    bool published() const { return !m_file.md5.empty(); }
    std::int64_t expectedBytes() const { return published() || m_announced < 0 ? m_file.bytes : m_announced; }
    // More than this is never written: the exact size, or for an estimate (and no Content-Length) twice it.
    std::int64_t byteLimit() const {
        return published() || m_announced >= 0 ? expectedBytes() : 2 * m_file.bytes + (std::int64_t(64) << 20);
    }

    std::string networkHint() const {
        return m_usingMirror ? "check the network connection and the --mirror URL"
                             : "check the network connection or use --mirror URL";
    }
    std::string retryHint() const {
        return m_usingMirror ? "try again later or check the --mirror URL" : "try again later or use --mirror URL";
    }

    SourceFailure stallFailure() const {
        return {m_url + ": timed out: no data for " + std::to_string(m_options.stallTimeoutSeconds) + " s",
                retryHint()};
    }

    SourceFailure describe(CURLcode code, const char* errorBuffer) const {
        const std::string detail = errorBuffer[0] ? errorBuffer : curl_easy_strerror(code);
        const std::string host = hostOf(m_url);
        long osErrno = 0;
        curl_easy_getinfo(m_curl, CURLINFO_OS_ERRNO, &osErrno);
        switch (code) {
            case CURLE_COULDNT_RESOLVE_HOST:
            case CURLE_COULDNT_RESOLVE_PROXY:
                return {"cannot reach " + host + ": Could not resolve host", networkHint()};
            case CURLE_COULDNT_CONNECT:
                return {"cannot reach " + host + ": " +
                            (osErrno != 0 ? std::string(std::strerror(static_cast<int>(osErrno))) : detail),
                        networkHint()};
            case CURLE_OPERATION_TIMEDOUT:
                if (!m_connected)
                    return {"cannot reach " + host + ": no connection within " +
                                std::to_string(m_options.connectTimeoutSeconds) + " s",
                            networkHint()};
                return stallFailure();  // curl's own low-speed check fired first
            case CURLE_HTTP_RETURNED_ERROR: {
                long status = 0;
                curl_easy_getinfo(m_curl, CURLINFO_RESPONSE_CODE, &status);
                std::string reason = m_reason.empty() ? standardReason(status) : m_reason;
                return {m_url + ": HTTP " + std::to_string(status) + (reason.empty() ? "" : " " + reason) + ": " +
                            httpExplanation(status),
                        ""};
            }
            case CURLE_PARTIAL_FILE:
            case CURLE_RECV_ERROR:
            case CURLE_SEND_ERROR:
            case CURLE_GOT_NOTHING:
                return {m_url + ": the connection broke after " + formatBytes(m_written) + " of " +
                            formatBytes(expectedBytes()) + " (" + detail + ")",
                        retryHint()};
            case CURLE_SSL_CONNECT_ERROR:
            case CURLE_PEER_FAILED_VERIFICATION:
            case CURLE_SSL_CACERT_BADFILE:
            case CURLE_SSL_CERTPROBLEM:
                return {"cannot make a secure connection to " + host + ": " + detail,
                        "check the system clock and the ca-certificates package, or use --mirror URL"};
            case CURLE_FILE_COULDNT_READ_FILE:
                return {m_url + ": cannot read this file: the mirror folder does not have it", ""};
            case CURLE_TOO_MANY_REDIRECTS:
                return {m_url + ": more than " + std::to_string(kMaxRedirects) + " redirects", retryHint()};
            default:
                return {m_url + ": " + detail, retryHint()};
        }
    }

    CURL* m_curl;
    const RemoteFile& m_file;
    std::string m_url;
    PartFile& m_part;
    ProgressTracker& m_tracker;
    const DownloadOptions& m_options;
    bool m_usingMirror;

    Md5 m_md5;
    Sha256 m_sha256;
    std::string m_sha256Hex;
    std::int64_t m_announced = -1;  // the server's Content-Length for a file of estimated size
    std::int64_t m_written = 0;
    std::int64_t m_lastWritten = 0;
    Clock::time_point m_lastData;
    bool m_connected = false;
    bool m_sawHeader = false;
    std::string m_reason;
    bool m_cancelled = false;
    bool m_stalled = false;
    bool m_tooLong = false;
    int m_writeErrno = 0;
    std::exception_ptr m_callbackError;
};

CurlPtr makeCurl(const DownloadOptions& options) {
    CurlPtr curl(curl_easy_init());
    if (!curl)
        throw Error("cannot start the download library (libcurl): out of memory");
    CURL* c = curl.get();
    static const std::string userAgent = downloadUserAgent();
    curl_easy_setopt(c, CURLOPT_USERAGENT, userAgent.c_str());
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(c, CURLOPT_MAXREDIRS, kMaxRedirects);
    curl_easy_setopt(c, CURLOPT_FAILONERROR, 1L);
    // Worker threads must not get SIGALRM from curl's resolver timeouts.
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, static_cast<long>(std::max(1, options.connectTimeoutSeconds)));
    // A backstop for our own stall check (see onProgress): less than 1 byte/s for that long.
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, static_cast<long>(std::max(1, options.stallTimeoutSeconds)));
    // No Accept-Encoding on purpose: the MD5s are of the .gz bytes as published, so nothing
    // may be decoded on the way.
#if LIBCURL_VERSION_NUM >= 0x075500
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https,file");
    curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
#else
    curl_easy_setopt(c, CURLOPT_PROTOCOLS, static_cast<long>(CURLPROTO_HTTP | CURLPROTO_HTTPS | CURLPROTO_FILE));
    curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS, static_cast<long>(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
    return curl;
}

std::int64_t fileSize(const std::string& path) {
    struct stat info {};
    return ::stat(path.c_str(), &info) == 0 ? static_cast<std::int64_t>(info.st_size) : -1;
}

bool startsWith(const std::string& text, const char* prefix) {
    return text.rfind(prefix, 0) == 0;
}

void makeFolder(const std::string& folder) {
    std::error_code error;
    std::filesystem::create_directories(folder, error);
    if (error)
        throw Error("cannot create folder " + folder + ": " + error.message() +
                    "; choose a writable folder with --data-dir");
    if (!isDirectory(folder))
        throw Error("cannot create folder " + folder +
                    ": a file of that name is in the way; move it or choose "
                    "another folder with --data-dir");
}

// The source's own check of a file without a published checksum (nothing to check for others).
void checkStructure(const DatasetInfo& info, const RemoteFile& file, const std::string& path,
                    const std::atomic<bool>* cancel) {
    if (const DownloadedFileCheck* check = downloadedFileCheck(info))
        check->checkDownloadedFile(file, path, file.fileName, cancel);
}

// A copy of a file without a published MD5 that is already there: true when it matches its
// recorded SHA-256, or, with no record yet, passes the source's check (its SHA-256 is recorded
// then). False means: fetch it again.
bool checkUnpublished(const DatasetInfo& info, const RemoteFile& file, DownloadedFile& done,
                      const std::atomic<bool>* cancel) {
    const std::string recorded = readRecordedSha256(done.path);
    const std::string actual = sha256OfFile(done.path);
    done.bytes = fileSize(done.path);
    done.sha256 = actual;
    if (!recorded.empty())
        return actual == recorded;
    try {
        checkStructure(info, file, done.path, cancel);
    } catch (const Cancelled&) {
        throw;
    } catch (const Error&) {
        return false;
    }
    recordSha256(done.path, actual);
    done.sha256Recorded = true;
    return true;
}

// Keeps a fetched file without a published MD5 once it passes the source's check and matches the
// SHA-256 recorded when it first arrived; records the SHA-256 when there is no record yet.
void keepUnpublished(const DatasetInfo& info, const RemoteFile& file, PartFile& part, const std::string& sha256,
                     DownloadedFile& done, const std::atomic<bool>* cancel) {
    try {
        checkStructure(info, file, part.path(), cancel);
    } catch (const Cancelled&) {
        throw;
    } catch (const Error& e) {
        throw Error(std::string(e.what()) + "; the download was not kept");
    }
    const std::string recorded = readRecordedSha256(done.path);
    if (!recorded.empty() && recorded != sha256)
        throw Error(file.fileName + ": the server sent a file with SHA-256 " + sha256 + " but " +
                    fileNameOf(recordedSha256Path(done.path)) + " recorded " + recorded +
                    " when it was first downloaded: the file on the server changed or the mirror serves another; "
                    "nothing was kept (if the dataset was updated on purpose, delete " +
                    recordedSha256Path(done.path) + " and download again)");
    part.commit();
    done.sha256 = sha256;
    if (recorded.empty()) {
        recordSha256(done.path, sha256);
        done.sha256Recorded = true;
    }
}

}  // namespace

bool isSupportedMirrorUrl(const std::string& url) {
    for (const char* scheme : {"http://", "https://", "file://"})
        if (startsWith(url, scheme) && url.size() > std::strlen(scheme))
            return true;
    return false;
}

std::string downloadUserAgent() {
    return std::string("KanaLab/") + KANALAB_VERSION;
}

DownloadResult downloadDataset(const DatasetInfo& info, std::vector<Split> splits, const std::string& targetRoot,
                               const DownloadOptions& options) {
    const auto started = Clock::now();
    const bool usingMirror = !options.mirror.empty();
    if (usingMirror && !isSupportedMirrorUrl(options.mirror))
        throw Error("mirror '" + options.mirror +
                    "' is not a URL: give one starting with http://, https:// or file://");

    std::vector<std::string> bases;
    if (usingMirror) {
        std::string base = options.mirror;
        while (!base.empty() && base.back() == '/')
            base.pop_back();
        bases.push_back(base + "/" + info.name + "/");
    } else {
        bases = info.downloadUrls;
    }
    if (bases.empty())
        throw Error(info.name + " has no download address; use --mirror URL");

    // Train before test, each at most once, whatever order the caller gave.
    std::sort(splits.begin(), splits.end());
    splits.erase(std::unique(splits.begin(), splits.end()), splits.end());
    // A file that holds several splits (CIFAR-10's one archive) is fetched once.
    std::vector<const RemoteFile*> files;
    std::int64_t totalBytes = 0;
    for (const RemoteFile& file : info.remoteFiles)
        if (std::any_of(splits.begin(), splits.end(), [&](Split s) { return file.serves(s); })) {
            files.push_back(&file);
            totalBytes += file.bytes;
        }
    if (files.empty())
        throw Error(info.name + " cannot be downloaded" +
                    (info.imported ? " (it was imported from " + info.description + ")" : std::string()));

    DownloadResult result;
    result.folder = joinPath(targetRoot, info.name);
    makeFolder(result.folder);
    initCurlOnce();
    const CurlPtr curl = makeCurl(options);
    ProgressTracker tracker(options.progress, static_cast<int>(files.size()), totalBytes);
    const auto cancelRequested = [&] { return options.cancel && options.cancel->load(); };

    std::int64_t doneBytes = 0;
    for (std::size_t i = 0; i < files.size(); ++i) {
        const RemoteFile& file = *files[i];
        if (cancelRequested())
            throw Cancelled();
        DownloadedFile done;
        done.fileName = file.fileName;
        done.path = joinPath(result.folder, file.fileName);
        done.bytes = file.bytes;
        if (isRegularFile(done.path)) {
            const bool present = file.md5.empty()
                                     ? checkUnpublished(info, file, done, options.cancel)
                                     : fileSize(done.path) == file.bytes && md5OfFile(done.path) == file.md5;
            if (present) {
                done.alreadyPresent = true;
                doneBytes += done.bytes;
                result.files.push_back(done);
                continue;
            }
            // Kept until the new copy has passed its checks: a failed download loses nothing.
            done.replaced = true;
        }

        tracker.startFile(file.fileName, static_cast<int>(i), file.bytes, doneBytes);
        std::vector<SourceFailure> failures;
        for (const auto& base : bases) {
            const std::string url = base + file.fileName;
            PartFile part(done.path);
            Transfer transfer(curl.get(), file, url, part, tracker, options, usingMirror);
            SourceFailure failure;
            if (transfer.run(failure)) {
                done.bytes = transfer.bytesWritten();
                if (file.md5.empty())
                    keepUnpublished(info, file, part, transfer.sha256(), done, options.cancel);
                else
                    part.commit();
                done.url = url;
                break;
            }
            failures.push_back(failure);
            if (cancelRequested())
                throw Cancelled();
        }
        if (done.url.empty()) {
            const SourceFailure& first = failures.front();
            std::string message = first.message;
            if (failures.size() > 1)
                message += "; " + std::to_string(failures.size() - 1) +
                           (failures.size() == 2 ? " other source failed too" : " other sources failed too");
            if (!first.hint.empty())
                message += " (" + first.hint + ")";
            throw Error(message);
        }
        tracker.update(done.bytes, true);
        doneBytes += done.bytes;
        result.bytesDownloaded += done.bytes;
        result.files.push_back(done);
    }
    result.seconds = secondsBetween(started, Clock::now());
    return result;
}

}  // namespace kanalab
