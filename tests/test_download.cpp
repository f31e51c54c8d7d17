// SPDX-License-Identifier: GPL-3.0-or-later
// Downloads: MD5 against RFC 1321 and the published dataset sums, SHA-256 against FIPS 180-2
// and its records beside unpublished files, then the downloader and
// `kanalab-cli download` against a real HTTP server on 127.0.0.1 that can misbehave on request.
// Nothing here contacts a host beyond the loopback interface.
#include "common/error.h"
#include "data/catalogue.h"
#include "data/downloader.h"
#include "data/md5.h"
#include "data/recorded_sha256.h"
#include "data/sha256.h"
#include "support/local_http_server.h"
#include "support/cli_process.h"
#include "support/temp_dir.h"
#include "support/test_data.h"

#include <gtest/gtest.h>

#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <random>
#include <sstream>
#include <thread>

using namespace kanalab;
using kanalab::test::CliRun;
using kanalab::test::runCli;
using kanalab::test::startCli;
using kanalab::test::waitCli;
using test::LocalHttpServer;
using test::TempDir;
using Behaviour = LocalHttpServer::Behaviour;

namespace {

constexpr const char* kImages = "t10k-images-idx3-ubyte.gz";
constexpr const char* kLabels = "t10k-labels-idx1-ubyte.gz";
constexpr const char* kImagesPath = "/kmnist/t10k-images-idx3-ubyte.gz";
constexpr const char* kLabelsPath = "/kmnist/t10k-labels-idx1-ubyte.gz";

const DatasetInfo& kmnist() {
    return findDataset("kmnist");
}

// Short limits: a failing test should fail in seconds, not in the defaults' half minute.
DownloadOptions fastOptions(const std::string& mirror) {
    DownloadOptions options;
    options.mirror = mirror;
    options.connectTimeoutSeconds = 2;
    options.stallTimeoutSeconds = 1;
    return options;
}

std::vector<std::string> folderEntries(const std::string& folder) {
    std::vector<std::string> names;
    std::error_code error;
    for (const auto& entry : std::filesystem::directory_iterator(folder, error))
        names.push_back(entry.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
}

bool hasPartFile(const std::string& folder) {
    for (const auto& name : folderEntries(folder))
        if (name.size() > 5 && name.compare(name.size() - 5, 5, ".part") == 0)
            return true;
    return false;
}

std::string messageOf(const std::function<void()>& action) {
    try {
        action();
    } catch (const Cancelled&) {
        return "<cancelled>";
    } catch (const Error& e) {
        return e.what();
    }
    return "<no error>";
}

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

std::string readText(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

void copyFile(const std::string& from, const std::string& to) {
    std::filesystem::create_directories(std::filesystem::path(to).parent_path());
    std::filesystem::copy_file(from, to, std::filesystem::copy_options::overwrite_existing);
}

std::string sharedKmnist(const std::string& name) {
    return test::sharedDataDir() + "/kmnist/" + name;
}

#define KANALAB_REQUIRE_SHARED_KMNIST_TEST()   \
    KANALAB_REQUIRE_SHARED("kmnist", kImages); \
    KANALAB_REQUIRE_SHARED("kmnist", kLabels)

}  // namespace

// ---------------------------------------------------------------------------------------------
// MD5

TEST(Md5, Rfc1321TestSuite) {
    // RFC 1321, appendix A.5.
    EXPECT_EQ(md5Hex(""), "d41d8cd98f00b204e9800998ecf8427e");
    EXPECT_EQ(md5Hex("a"), "0cc175b9c0f1b6a831c399e269772661");
    EXPECT_EQ(md5Hex("abc"), "900150983cd24fb0d6963f7d28e17f72");
    EXPECT_EQ(md5Hex("message digest"), "f96b697d7cb7938d525a2f31aaf161d0");
    EXPECT_EQ(md5Hex("abcdefghijklmnopqrstuvwxyz"), "c3fcd3d76192e4007dfb496cca67e13b");
    EXPECT_EQ(md5Hex("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"),
              "d174ab98d277d9f5a5611c2c9f419d9f");
    EXPECT_EQ(md5Hex("12345678901234567890123456789012345678901234567890123456789012345678901234567890"),
              "57edf4a22be3c955ac49da2e2107b67a");
}

TEST(Md5, PiecesOfAnySizeGiveTheOneShotDigest) {
    std::mt19937 random(7);
    std::string bytes(5000, '\0');
    for (auto& b : bytes)
        b = static_cast<char>(random());
    const std::string expected = md5Hex(bytes);
    for (std::size_t piece : {1u, 3u, 55u, 56u, 63u, 64u, 65u, 127u, 1000u, 4999u}) {
        Md5 md5;
        for (std::size_t at = 0; at < bytes.size(); at += piece)
            md5.update(bytes.data() + at, std::min(piece, bytes.size() - at));
        EXPECT_EQ(md5.finish(), expected) << "pieces of " << piece;
    }
    // finish() starts over: the object can be reused.
    Md5 md5;
    md5.update("abc");
    md5.finish();
    md5.update("abc");
    EXPECT_EQ(md5.finish(), "900150983cd24fb0d6963f7d28e17f72");
}

TEST(Md5, PaddingBoundariesAgreeWithCoreutils) {
    // Lengths around the 56-byte padding boundary are where MD5 implementations break.
    if (std::system("command -v md5sum > /dev/null 2>&1") != 0)
        GTEST_SKIP() << "md5sum (coreutils) is not installed";
    TempDir dir;
    for (int length : {0, 1, 55, 56, 57, 63, 64, 65, 119, 120, 121, 128, 1000}) {
        std::string bytes;
        for (int i = 0; i < length; ++i)
            bytes += static_cast<char>('a' + i % 26);
        const std::string path = dir.file("n" + std::to_string(length));
        std::ofstream(path, std::ios::binary) << bytes;
        const std::string command = "md5sum '" + path + "' > '" + path + ".sum'";
        ASSERT_EQ(std::system(command.c_str()), 0);
        const std::string reference = readText(path + ".sum").substr(0, 32);
        EXPECT_EQ(md5Hex(bytes), reference) << length << " bytes";
        EXPECT_EQ(md5OfFile(path), reference) << length << " bytes";
    }
}

TEST(Md5, SharedKmnistFilesMatchThePublishedSums) {
    KANALAB_REQUIRE_SHARED_KMNIST_TEST();
    KANALAB_REQUIRE_SHARED("kmnist", "train-labels-idx1-ubyte.gz");
    // The sums published for the official files (../shared/data/README.md lists the same).
    EXPECT_EQ(md5OfFile(sharedKmnist(kImages)), "5c965bf0a639b31b8f53240b1b52f4d7");
    EXPECT_EQ(md5OfFile(sharedKmnist(kLabels)), "7320c461ea6c1c855c0b718fb2a4b134");
    EXPECT_EQ(md5OfFile(sharedKmnist("train-labels-idx1-ubyte.gz")), "e144d726b3acfaa3e44228e80efcd344");
    // The catalogue, which the downloader checks against, says the same.
    EXPECT_EQ(kmnist().remoteFilesFor(Split::Test)[0].md5, "5c965bf0a639b31b8f53240b1b52f4d7");
    EXPECT_EQ(kmnist().remoteFilesFor(Split::Test)[1].md5, "7320c461ea6c1c855c0b718fb2a4b134");
    EXPECT_EQ(kmnist().remoteFilesFor(Split::Train)[1].md5, "e144d726b3acfaa3e44228e80efcd344");
}

TEST(Md5, UnreadableFileIsNamed) {
    TempDir dir;
    const std::string message = messageOf([&] { md5OfFile(dir.file("absent.gz")); });
    EXPECT_TRUE(contains(message, dir.file("absent.gz"))) << message;
    EXPECT_TRUE(contains(message, "No such file or directory")) << message;
    EXPECT_TRUE(contains(messageOf([&] { md5OfFile(dir.path()); }), "Is a directory"));
}

// ---------------------------------------------------------------------------------------------
// SHA-256 (recorded for files without a published checksum, such as kkanji.tar)

TEST(Sha256, Fips180Vectors) {
    // FIPS 180-2, appendix B: "abc", the 448-bit message, and a million 'a'; and the empty string.
    EXPECT_EQ(sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    EXPECT_EQ(sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    EXPECT_EQ(sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
              "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    EXPECT_EQ(sha256Hex(std::string(1000000, 'a')), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Sha256, PiecesOfAnySizeGiveTheOneShotDigestAndFilesAgreeWithCoreutils) {
    std::mt19937 random(11);
    std::string bytes(5000, '\0');
    for (auto& b : bytes)
        b = static_cast<char>(random());
    const std::string expected = sha256Hex(bytes);
    for (std::size_t piece : {1u, 3u, 55u, 56u, 63u, 64u, 65u, 127u, 1000u, 4999u}) {
        Sha256 sha;
        for (std::size_t at = 0; at < bytes.size(); at += piece)
            sha.update(bytes.data() + at, std::min(piece, bytes.size() - at));
        EXPECT_EQ(sha.finish(), expected) << "pieces of " << piece;
    }
    if (std::system("command -v sha256sum > /dev/null 2>&1") != 0)
        GTEST_SKIP() << "sha256sum (coreutils) is not installed";
    TempDir dir;
    for (int length : {0, 1, 55, 56, 57, 63, 64, 65, 119, 120, 1000, 5000}) {
        const std::string path = dir.file("n" + std::to_string(length));
        std::ofstream(path, std::ios::binary) << bytes.substr(0, static_cast<std::size_t>(length));
        ASSERT_EQ(std::system(("sha256sum '" + path + "' > '" + path + ".sum'").c_str()), 0);
        EXPECT_EQ(sha256OfFile(path), readText(path + ".sum").substr(0, 64)) << length << " bytes";
    }
    EXPECT_TRUE(contains(messageOf([&] { sha256OfFile(dir.file("absent")); }), "No such file or directory"));
}

TEST(Sha256, RecordsAreWrittenLikeSha256sumAndCheckedAgainst) {
    TempDir dir;
    const std::string file = dir.file("kkanji.tar");
    std::ofstream(file, std::ios::binary) << "archive";
    EXPECT_EQ(readRecordedSha256(file), "") << "no record yet";
    const std::string digest = sha256OfFile(file);
    recordSha256(file, digest);
    EXPECT_EQ(readText(file + ".sha256"), digest + "  kkanji.tar\n");
    EXPECT_EQ(readRecordedSha256(file), digest);
    EXPECT_NO_THROW(checkAgainstRecordedSha256(file, digest, digest, "kkanji.tar"));
    const std::string other = sha256Hex("other");
    const std::string message = messageOf([&] { checkAgainstRecordedSha256(file, other, digest, "kkanji.tar"); });
    EXPECT_TRUE(contains(message, "kkanji.tar has SHA-256 " + other + " but kkanji.tar.sha256 recorded " + digest))
        << message;
    std::ofstream(file + ".sha256") << "not a digest\n";
    EXPECT_TRUE(contains(messageOf([&] { readRecordedSha256(file); }), "does not start with a SHA-256")) << "damaged";
}

// ---------------------------------------------------------------------------------------------
// Downloader against the local server

TEST(Download, FetchesKmnistTestSplitFromALocalMirror) {
    KANALAB_REQUIRE_SHARED_KMNIST_TEST();
    LocalHttpServer server(test::sharedDataDir());
    TempDir target;
    std::vector<DownloadProgress> calls;
    DownloadOptions options = fastOptions(server.baseUrl());
    options.progress = [&](const DownloadProgress& p) { calls.push_back(p); };

    const DownloadResult result = downloadDataset(kmnist(), {Split::Test}, target.path(), options);

    const std::string folder = target.path() + "/kmnist";
    EXPECT_EQ(result.folder, folder);
    EXPECT_EQ(folderEntries(folder), (std::vector<std::string>{kImages, kLabels}));  // and no .part
    EXPECT_EQ(md5OfFile(folder + "/" + kImages), kmnist().remoteFilesFor(Split::Test)[0].md5);
    EXPECT_EQ(md5OfFile(folder + "/" + kLabels), kmnist().remoteFilesFor(Split::Test)[1].md5);
    ASSERT_EQ(result.files.size(), 2u);
    for (const auto& file : result.files) {
        EXPECT_FALSE(file.alreadyPresent);
        EXPECT_FALSE(file.replaced);
        EXPECT_EQ(file.url, server.baseUrl() + "kmnist/" + file.fileName);
        EXPECT_EQ(file.path, folder + "/" + file.fileName);
    }
    EXPECT_EQ(result.bytesDownloaded, kmnist().remoteFilesFor(Split::Test)[0].bytes + kmnist().remoteFilesFor(Split::Test)[1].bytes);
    EXPECT_EQ(server.requests(), (std::vector<std::string>{kImagesPath, kLabelsPath}));
    EXPECT_EQ(server.lastUserAgent(), downloadUserAgent());
    EXPECT_EQ(downloadUserAgent().rfind("KanaLab/", 0), 0u);

    // A final call per file, totals that only grow, and the end at 100%.
    ASSERT_GE(calls.size(), 2u);
    std::int64_t previous = 0;
    for (const auto& p : calls) {
        EXPECT_GE(p.totalBytesDone, previous);
        previous = p.totalBytesDone;
        EXPECT_EQ(p.fileCount, 2);
        EXPECT_EQ(p.totalBytes, result.bytesDownloaded);
        EXPECT_LE(p.fileBytesDone, p.fileBytesTotal);
    }
    EXPECT_EQ(calls.back().fileName, kLabels);
    EXPECT_EQ(calls.back().fileIndex, 1);
    EXPECT_EQ(calls.back().fileBytesDone, calls.back().fileBytesTotal);
    EXPECT_EQ(calls.back().totalBytesDone, calls.back().totalBytes);
    EXPECT_EQ(calls.back().etaSeconds, 0);
    const auto imagesDone = std::find_if(calls.begin(), calls.end(), [](const DownloadProgress& p) {
        return p.fileIndex == 0 && p.fileBytesDone == p.fileBytesTotal;
    });
    EXPECT_NE(imagesDone, calls.end()) << "no final call for the images file";
}

TEST(Download, MirrorWithoutTrailingSlashAndRedirectsWork) {
    KANALAB_REQUIRE_SHARED_KMNIST_TEST();
    LocalHttpServer server(test::sharedDataDir());
    server.redirect(kImagesPath, std::string(kImagesPath) + "?moved");
    TempDir target;
    std::string mirror = server.baseUrl();
    mirror.pop_back();
    const DownloadResult result = downloadDataset(kmnist(), {Split::Test}, target.path(), fastOptions(mirror));
    EXPECT_EQ(md5OfFile(target.path() + "/kmnist/" + kImages), kmnist().remoteFilesFor(Split::Test)[0].md5);
    EXPECT_EQ(server.requests(),
              (std::vector<std::string>{kImagesPath, std::string(kImagesPath) + "?moved", kLabelsPath}));
}

TEST(Download, FallsBackToTheNextCatalogueUrl) {
    KANALAB_REQUIRE_SHARED_KMNIST_TEST();
    LocalHttpServer server(test::sharedDataDir());
    TempDir emptyRoot;
    LocalHttpServer empty(emptyRoot.path());  // answers 404 to everything
    DatasetInfo info = kmnist();
    info.downloadUrls = {"http://127.0.0.1:" + std::to_string(test::closedLoopbackPort()) + "/kmnist/",
                         empty.baseUrl() + "kmnist/", server.baseUrl() + "kmnist/"};
    TempDir target;
    const DownloadResult result = downloadDataset(info, {Split::Test}, target.path(), fastOptions(""));
    ASSERT_EQ(result.files.size(), 2u);
    EXPECT_EQ(result.files[0].url, server.baseUrl() + "kmnist/" + kImages);
    EXPECT_EQ(md5OfFile(target.path() + "/kmnist/" + kLabels), kmnist().remoteFilesFor(Split::Test)[1].md5);
    EXPECT_EQ(empty.requests(), (std::vector<std::string>{kImagesPath, kLabelsPath}));
}

TEST(Download, SkipsFilesAlreadyThereAndReplacesDamagedOnes) {
    KANALAB_REQUIRE_SHARED_KMNIST_TEST();
    LocalHttpServer server(test::sharedDataDir());
    TempDir target;
    const std::string folder = target.path() + "/kmnist";
    copyFile(sharedKmnist(kLabels), folder + "/" + kLabels);
    std::filesystem::create_directories(folder);
    std::ofstream(folder + "/" + kImages, std::ios::binary) << "not the images";

    const DownloadResult result =
        downloadDataset(kmnist(), {Split::Test}, target.path(), fastOptions(server.baseUrl()));
    ASSERT_EQ(result.files.size(), 2u);
    EXPECT_TRUE(result.files[0].replaced);
    EXPECT_FALSE(result.files[0].alreadyPresent);
    EXPECT_TRUE(result.files[1].alreadyPresent);
    EXPECT_TRUE(result.files[1].url.empty());
    EXPECT_EQ(result.bytesDownloaded, kmnist().remoteFilesFor(Split::Test)[0].bytes);
    EXPECT_EQ(server.requests(), (std::vector<std::string>{kImagesPath}));  // the labels were not fetched
    EXPECT_EQ(md5OfFile(folder + "/" + kImages), kmnist().remoteFilesFor(Split::Test)[0].md5);

    // A second run fetches nothing at all.
    const DownloadResult again = downloadDataset(kmnist(), {Split::Test}, target.path(), fastOptions(server.baseUrl()));
    EXPECT_TRUE(again.files[0].alreadyPresent && again.files[1].alreadyPresent);
    EXPECT_EQ(again.bytesDownloaded, 0);
    EXPECT_EQ(server.requests().size(), 1u);
}

TEST(Download, WrongBytesAreRejectedAndRemoved) {
    KANALAB_REQUIRE_SHARED_KMNIST_TEST();
    LocalHttpServer server(test::sharedDataDir());
    server.setBehaviour(kLabelsPath, Behaviour::WrongBytes);
    TempDir target;
    const std::string message =
        messageOf([&] { downloadDataset(kmnist(), {Split::Test}, target.path(), fastOptions(server.baseUrl())); });
    const std::string expectedStart =
        std::string(kLabels) + ": checksum mismatch: expected MD5 " + kmnist().remoteFilesFor(Split::Test)[1].md5 + ", got ";
    EXPECT_EQ(message.rfind(expectedStart, 0), 0u) << message;
    EXPECT_TRUE(contains(message,
                         ": the download was corrupted or the mirror serves a different file; nothing was "
                         "kept"))
        << message;
    EXPECT_EQ(message.size(), expectedStart.size() + 32 +
                                  std::string(": the download was corrupted or the mirror "
                                              "serves a different file; nothing was kept")
                                      .size())
        << message;
    // The images file before it had passed its checks and stays; the labels left no trace.
    EXPECT_EQ(folderEntries(target.path() + "/kmnist"), (std::vector<std::string>{kImages}));
}

TEST(Download, ADamagedFileKeepsItsPlaceWhenTheReplacementFails) {
    KANALAB_REQUIRE_SHARED_KMNIST_TEST();
    LocalHttpServer server(test::sharedDataDir());
    server.setBehaviour(kLabelsPath, Behaviour::WrongBytes);
    TempDir target;
    const std::string labels = target.path() + "/kmnist/" + kLabels;
    copyFile(sharedKmnist(kImages), target.path() + "/kmnist/" + kImages);
    std::ofstream(labels, std::ios::binary) << "old bytes";
    EXPECT_TRUE(contains(
        messageOf([&] { downloadDataset(kmnist(), {Split::Test}, target.path(), fastOptions(server.baseUrl())); }),
        "checksum mismatch"));
    EXPECT_EQ(readText(labels), "old bytes");
    EXPECT_FALSE(hasPartFile(target.path() + "/kmnist"));
}

TEST(Download, MissingFileGivesAClear404) {
    TempDir emptyRoot;
    LocalHttpServer server(emptyRoot.path());
    TempDir target;
    const std::string message =
        messageOf([&] { downloadDataset(kmnist(), {Split::Test}, target.path(), fastOptions(server.baseUrl())); });
    EXPECT_EQ(message,
              server.baseUrl() + "kmnist/" + kImages + ": HTTP 404 Not Found: the server does not have this file");
    EXPECT_TRUE(folderEntries(target.path() + "/kmnist").empty());
}

TEST(Download, OversizedAnswerIsCutShort) {
    KANALAB_REQUIRE_SHARED_KMNIST_TEST();
    LocalHttpServer server(test::sharedDataDir());
    // The labels URL answers with the 3 MB images file: stop at 5120 bytes, not at the end.
    server.redirect(kLabelsPath, kImagesPath);
    TempDir target;
    const std::string message =
        messageOf([&] { downloadDataset(kmnist(), {Split::Test}, target.path(), fastOptions(server.baseUrl())); });
    EXPECT_EQ(message, std::string(kLabels) +
                           ": the server sent more than the expected 5120 bytes: the download was corrupted or the "
                           "mirror serves a different file; nothing was kept");
    EXPECT_EQ(folderEntries(target.path() + "/kmnist"), (std::vector<std::string>{kImages}));
}

TEST(Download, CancelFromTheProgressCallbackLeavesNothing) {
    KANALAB_REQUIRE_SHARED_KMNIST_TEST();
    LocalHttpServer server(test::sharedDataDir());
    server.setBehaviour(kImagesPath, Behaviour::Slow);
    TempDir target;
    std::atomic<bool> cancel{false};
    std::int64_t bytesAtCancel = 0;
    DownloadOptions options = fastOptions(server.baseUrl());
    options.cancel = &cancel;
    options.progress = [&](const DownloadProgress& p) {
        if (p.fileBytesDone > 0 && !cancel) {
            bytesAtCancel = p.fileBytesDone;
            cancel = true;
        }
    };
    const auto started = std::chrono::steady_clock::now();
    EXPECT_THROW(downloadDataset(kmnist(), {Split::Test}, target.path(), options), Cancelled);
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(3));
    EXPECT_GT(bytesAtCancel, 0);
    EXPECT_LT(bytesAtCancel, kmnist().remoteFilesFor(Split::Test)[0].bytes);
    EXPECT_TRUE(folderEntries(target.path() + "/kmnist").empty());
    EXPECT_EQ(server.requests(), (std::vector<std::string>{kImagesPath}));  // the labels were never asked for

    // Cancelled before it starts: nothing is requested.
    LocalHttpServer idle(test::sharedDataDir());
    options.mirror = idle.baseUrl();
    EXPECT_THROW(downloadDataset(kmnist(), {Split::Test}, target.path(), options), Cancelled);
    EXPECT_TRUE(idle.requests().empty());
}

TEST(Download, ProgressIsThrottledAndReportsRateAndEta) {
    KANALAB_REQUIRE_SHARED_KMNIST_TEST();
    LocalHttpServer server(test::sharedDataDir());
    server.setBehaviour(kImagesPath, Behaviour::Slow);
    server.setSlowRate(3 * 1000 * 1000);  // about 1 s for the 3 MB file
    TempDir target;
    std::vector<DownloadProgress> calls;
    DownloadOptions options = fastOptions(server.baseUrl());
    options.progress = [&](const DownloadProgress& p) { calls.push_back(p); };
    const auto started = std::chrono::steady_clock::now();
    downloadDataset(kmnist(), {Split::Test}, target.path(), options);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    // ~10 a second, plus the final call of each file.
    EXPECT_LE(static_cast<double>(calls.size()), seconds * 10 + 4) << seconds << " s";
    EXPECT_GE(calls.size(), 4u) << seconds << " s";
    bool sawRateAndEta = false;
    for (const auto& p : calls)
        if (p.fileIndex == 0 && p.fileBytesDone < p.fileBytesTotal && p.bytesPerSecond > 0 && p.etaSeconds > 0)
            sawRateAndEta = true;
    EXPECT_TRUE(sawRateAndEta);
}

TEST(Download, StallTimesOut) {
    KANALAB_REQUIRE_SHARED_KMNIST_TEST();
    LocalHttpServer server(test::sharedDataDir());
    server.setBehaviour(kImagesPath, Behaviour::Stall);
    TempDir target;
    const auto started = std::chrono::steady_clock::now();
    const std::string message =
        messageOf([&] { downloadDataset(kmnist(), {Split::Test}, target.path(), fastOptions(server.baseUrl())); });
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(4));
    EXPECT_EQ(message, server.baseUrl() + "kmnist/" + kImages +
                           ": timed out: no data for 1 s (try again later or check the --mirror URL)");
    EXPECT_TRUE(folderEntries(target.path() + "/kmnist").empty());
}

TEST(Download, DroppedConnectionIsReportedAndCleanedUp) {
    KANALAB_REQUIRE_SHARED_KMNIST_TEST();
    LocalHttpServer server(test::sharedDataDir());
    server.setBehaviour(kImagesPath, Behaviour::Drop);
    TempDir target;
    const std::string message =
        messageOf([&] { downloadDataset(kmnist(), {Split::Test}, target.path(), fastOptions(server.baseUrl())); });
    EXPECT_EQ(
        message.rfind(server.baseUrl() + "kmnist/" + kImages + ": the connection broke after 1.52 MB of 3.04 MB", 0),
        0u)
        << message;
    EXPECT_TRUE(folderEntries(target.path() + "/kmnist").empty());
}

TEST(Download, ConnectionRefusedSaysCannotReach) {
    const int port = test::closedLoopbackPort();
    TempDir target;
    const std::string message = messageOf([&] {
        downloadDataset(kmnist(), {Split::Test}, target.path(),
                        fastOptions("http://127.0.0.1:" + std::to_string(port) + "/"));
    });
    EXPECT_EQ(message, "cannot reach 127.0.0.1:" + std::to_string(port) +
                           ": Connection refused (check the network connection and the --mirror URL)");
    EXPECT_TRUE(folderEntries(target.path() + "/kmnist").empty());
}

TEST(Download, UnwritableTargetIsAClearError) {
    TempDir emptyRoot;
    LocalHttpServer server(emptyRoot.path());
    TempDir target;
    // A file where the data folder should be (running as root, permissions alone would not stop us).
    const std::string blocker = target.file("not-a-folder");
    std::ofstream(blocker) << "x";
    std::string message =
        messageOf([&] { downloadDataset(kmnist(), {Split::Test}, blocker, fastOptions(server.baseUrl())); });
    EXPECT_EQ(message.rfind("cannot create folder " + blocker + "/kmnist: ", 0), 0u) << message;
    EXPECT_TRUE(contains(message, "; choose a writable folder with --data-dir")) << message;

    // A file where the dataset's folder should be.
    std::ofstream(target.file("kmnist")) << "x";
    message =
        messageOf([&] { downloadDataset(kmnist(), {Split::Test}, target.path(), fastOptions(server.baseUrl())); });
    EXPECT_TRUE(contains(message, "cannot create folder " + target.path() + "/kmnist")) << message;
    EXPECT_TRUE(server.requests().empty()) << "nothing should be fetched that cannot be stored";

    if (::geteuid() != 0) {
        TempDir readOnly;
        ::chmod(readOnly.path().c_str(), 0555);
        message = messageOf(
            [&] { downloadDataset(kmnist(), {Split::Test}, readOnly.path(), fastOptions(server.baseUrl())); });
        EXPECT_TRUE(contains(message, "Permission denied")) << message;
        ::chmod(readOnly.path().c_str(), 0755);
    }
}

TEST(Download, WriteFailureNamesThePartFileAndTheReason) {
    KANALAB_REQUIRE_SHARED_KMNIST_TEST();
    LocalHttpServer server(test::sharedDataDir());
    TempDir target;
    // A file-size limit makes write() fail the way a full disk does, even for root; SIGXFSZ
    // would otherwise kill the process instead of returning EFBIG.
    rlimit previous{};
    ::getrlimit(RLIMIT_FSIZE, &previous);
    const auto previousHandler = ::signal(SIGXFSZ, SIG_IGN);
    rlimit limited = previous;
    limited.rlim_cur = 1000 * 1000;
    ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &limited), 0);
    const std::string message =
        messageOf([&] { downloadDataset(kmnist(), {Split::Test}, target.path(), fastOptions(server.baseUrl())); });
    ::setrlimit(RLIMIT_FSIZE, &previous);
    ::signal(SIGXFSZ, previousHandler);
    EXPECT_EQ(message, "cannot write " + target.path() + "/kmnist/" + kImages +
                           ".part: File too large; choose another folder with --data-dir");
    EXPECT_TRUE(folderEntries(target.path() + "/kmnist").empty());
}

TEST(Download, RejectsMirrorsThatAreNotUrls) {
    TempDir target;
    for (const char* mirror : {"codh.rois.ac.jp/kmnist", "ftp://example.org/", "http://"}) {
        EXPECT_FALSE(isSupportedMirrorUrl(mirror)) << mirror;
        const std::string message =
            messageOf([&] { downloadDataset(kmnist(), {Split::Test}, target.path(), fastOptions(mirror)); });
        EXPECT_TRUE(contains(message, "is not a URL")) << message;
    }
    EXPECT_TRUE(isSupportedMirrorUrl("file:///srv/mirror"));
    EXPECT_TRUE(isSupportedMirrorUrl("https://example.org/datasets/"));
}

// ---------------------------------------------------------------------------------------------
// kanalab-cli download

namespace {

long lineCount(const std::string& text) {
    return std::count(text.begin(), text.end(), '\n');
}

}  // namespace

TEST(DownloadCli, FetchesIntoTheDataDir) {
    KANALAB_REQUIRE_SHARED_KMNIST_TEST();
    LocalHttpServer server(test::sharedDataDir());
    TempDir data;
    const CliRun run =
        runCli({"download", "kmnist", "--split", "test", "--mirror", server.baseUrl(), "--data-dir", data.path()});
    EXPECT_EQ(run.exitCode, 0) << run.err;
    EXPECT_EQ(md5OfFile(data.path() + "/kmnist/" + kImages), kmnist().remoteFilesFor(Split::Test)[0].md5);
    EXPECT_EQ(md5OfFile(data.path() + "/kmnist/" + kLabels), kmnist().remoteFilesFor(Split::Test)[1].md5);
    EXPECT_FALSE(hasPartFile(data.path() + "/kmnist"));
    EXPECT_TRUE(contains(run.out, "wrote to " + data.path() + "/kmnist")) << run.out;
    EXPECT_TRUE(contains(run.out, std::string(kImages) + "  3.04 MB  MD5 verified, from " + server.baseUrl()))
        << run.out;
    // Not a terminal: plain progress lines, no carriage returns.
    EXPECT_FALSE(contains(run.err, "\r")) << run.err;
    EXPECT_TRUE(contains(run.err, std::string(kLabels) + " (2/2) [####################] 100%")) << run.err;

    const CliRun again =
        runCli({"download", "kmnist", "--split", "test", "--mirror", server.baseUrl(), "--data-dir", data.path()});
    EXPECT_EQ(again.exitCode, 0) << again.err;
    EXPECT_TRUE(contains(again.out, "already there")) << again.out;
}

TEST(DownloadCli, MissingFileExitsOneWithOneLine) {
    TempDir emptyRoot;
    LocalHttpServer server(emptyRoot.path());
    TempDir data;
    const CliRun run =
        runCli({"download", "kmnist", "--split", "test", "--mirror", server.baseUrl(), "--data-dir", data.path()});
    EXPECT_EQ(run.exitCode, 1);
    EXPECT_EQ(run.err, "kanalab-cli: " + server.baseUrl() + "kmnist/" + kImages +
                           ": HTTP 404 Not Found: the server does not have this file\n");
    EXPECT_EQ(lineCount(run.err), 1);
}

TEST(DownloadCli, BadUsageExitsTwo) {
    for (const auto& args : std::vector<std::vector<std::string>>{
             {"download"},
             {"download", "kmnist", "--split", "validation"},
             {"download", "kmnist", "--mirror", "not-a-url"},
             {"download", "kmnist", "--mirrror", "http://127.0.0.1:1/"},
         }) {
        const CliRun run = runCli(args);
        EXPECT_EQ(run.exitCode, 2) << args.back() << ": " << run.err;
        EXPECT_EQ(lineCount(run.err), 1) << run.err;
    }
    const CliRun unknown = runCli({"download", "kmnist2", "--mirror", "http://127.0.0.1:1/"});
    EXPECT_EQ(unknown.exitCode, 1);
    EXPECT_TRUE(contains(unknown.err, "unknown dataset 'kmnist2'")) << unknown.err;
}

TEST(DownloadCli, CtrlCCancelsAndRemovesThePartialFile) {
    KANALAB_REQUIRE_SHARED_KMNIST_TEST();
    LocalHttpServer server(test::sharedDataDir());
    server.setBehaviour(kImagesPath, Behaviour::Slow);  // ~12 s at 256 kB/s: time to interrupt it
    TempDir data;
    TempDir logs;
    const pid_t pid = startCli(
        {"download", "kmnist", "--split", "test", "--mirror", server.baseUrl(), "--data-dir", data.path()}, logs);
    const std::string part = data.path() + "/kmnist/" + kImages + ".part";
    struct stat info {};
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while ((::stat(part.c_str(), &info) != 0 || info.st_size == 0) && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    ASSERT_GT(info.st_size, 0) << "the download never started";
    ::kill(pid, SIGINT);
    const auto interrupted = std::chrono::steady_clock::now();
    const CliRun run = waitCli(pid, logs);
    EXPECT_LT(std::chrono::steady_clock::now() - interrupted, std::chrono::seconds(3));
    EXPECT_EQ(run.exitCode, 1) << run.err;
    EXPECT_TRUE(contains(run.err, "kanalab-cli: download cancelled; nothing partial was kept\n")) << run.err;
    EXPECT_TRUE(folderEntries(data.path() + "/kmnist").empty());
}
