// SPDX-License-Identifier: GPL-3.0-or-later
// kanalab-cli's data commands, run as a real process: what they print, the PNG they write, and
// that every failure is one sentence on stderr with exit code 1 (2 for bad usage), never a signal.
#include "data/data_dirs.h"
#include "support/temp_dir.h"
#include "support/test_data.h"

#include <gtest/gtest.h>
#include <opencv2/imgcodecs.hpp>

#include <fcntl.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <sstream>
#include <string>
#include <vector>

extern char** environ;

using namespace kanalab;
using kanalab::test::readBytes;
using kanalab::test::TempDir;
using kanalab::test::writeBytes;

namespace {

struct RunResult {
    bool exited = false;  // false: killed by a signal
    int exitCode = -1;
    int signal = 0;
    std::string out;
    std::string err;

    std::string describe() const {
        std::ostringstream text;
        if (exited)
            text << "exit code " << exitCode;
        else
            text << "signal " << signal;
        text << "\n--- stdout:\n" << out << "--- stderr:\n" << err;
        return text.str();
    }
};

std::string readText(const std::string& path) {
    const auto bytes = readBytes(path);
    return std::string(bytes.begin(), bytes.end());
}

// Runs kanalab-cli with args. stdout and stderr go to files (no pipe can fill up and block),
// and the environment is the test's own minus KANALAB_DATA_DIR, with the user data folder in
// a temporary folder: the developer's own datasets never change what the CLI finds.
RunResult runCli(const std::vector<std::string>& args, const TempDir& scratch) {
    std::vector<std::string> env;
    for (char** e = environ; *e; ++e) {
        const std::string entry = *e;
        if (entry.compare(0, 17, "KANALAB_DATA_DIR=") != 0 && entry.compare(0, 14, "XDG_DATA_HOME=") != 0)
            env.push_back(entry);
    }
    env.push_back("XDG_DATA_HOME=" + scratch.file("xdg"));

    std::vector<std::string> argv = {KANALAB_CLI_PATH};
    argv.insert(argv.end(), args.begin(), args.end());
    std::vector<char*> argvPtrs, envPtrs;
    for (auto& a : argv)
        argvPtrs.push_back(a.data());
    argvPtrs.push_back(nullptr);
    for (auto& e : env)
        envPtrs.push_back(e.data());
    envPtrs.push_back(nullptr);

    const std::string outPath = scratch.file("cli.out");
    const std::string errPath = scratch.file("cli.err");
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, outPath.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, errPath.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    pid_t pid = 0;
    const int spawned = posix_spawn(&pid, argvPtrs[0], &actions, nullptr, argvPtrs.data(), envPtrs.data());
    posix_spawn_file_actions_destroy(&actions);

    RunResult result;
    if (spawned != 0) {
        ADD_FAILURE() << "cannot start " << argvPtrs[0] << ": " << std::strerror(spawned);
        return result;
    }
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    result.exited = WIFEXITED(status);
    result.exitCode = result.exited ? WEXITSTATUS(status) : -1;
    result.signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
    result.out = readText(outPath);
    result.err = readText(errPath);
    return result;
}

std::vector<std::string> linesOf(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
        lines.push_back(line);
    return lines;
}

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

// A failure: exited normally with the code, and exactly one line on stderr.
void expectOneLineError(const RunResult& run, int code) {
    EXPECT_TRUE(run.exited) << run.describe();
    EXPECT_EQ(run.exitCode, code) << run.describe();
    EXPECT_EQ(std::count(run.err.begin(), run.err.end(), '\n'), 1) << run.describe();
    EXPECT_FALSE(run.err.empty() || run.err.back() != '\n') << run.describe();
    EXPECT_TRUE(run.out.empty()) << run.describe();
}

void appendBigEndian32(std::vector<std::uint8_t>& out, std::uint32_t value) {
    for (int shift = 24; shift >= 0; shift -= 8)
        out.push_back(static_cast<std::uint8_t>(value >> shift));
}

class CliData : public ::testing::Test {
protected:
    TempDir m_dir;
};

}  // namespace

TEST_F(CliData, DatasetsListsTheBuiltInOnesWithSharedSplits) {
    KANALAB_REQUIRE_SHARED("kmnist", "t10k-images-idx3-ubyte.gz");
    const RunResult run = runCli({"datasets", "--data-dir", test::sharedDataDir()}, m_dir);
    ASSERT_TRUE(run.exited && run.exitCode == 0) << run.describe();
    EXPECT_TRUE(run.err.empty()) << run.describe();
    const auto lines = linesOf(run.out);
    ASSERT_EQ(lines.size(), 6u) << run.out;
    EXPECT_EQ(lines[3].rfind("k49  49 classes (あ a い i う u ", 0), 0u) << lines[3];
    EXPECT_TRUE(contains(lines[3], "1x28x28 NPZ")) << lines[3];
    EXPECT_EQ(lines[4].rfind("cifar10  10 classes (airplane ", 0), 0u) << lines[4];
    EXPECT_TRUE(contains(lines[4], "3x32x32 CIFAR-10 binary")) << lines[4];
    EXPECT_EQ(lines[5].rfind("kkanji  classes known once downloaded  1x64x64 PNG class folders in a tar  train: missing kkanji.tar", 0), 0u)
        << lines[5];
    EXPECT_EQ(lines[0].rfind("kmnist  10 classes (お o き ki す su つ tsu な na は ha ま ma や ya れ re を wo)", 0), 0u)
        << lines[0];
    EXPECT_EQ(lines[1].rfind("mnist  10 classes (0 1 2 3 4 5 6 7 8 9)", 0), 0u) << lines[1];
    EXPECT_EQ(lines[2].rfind("fashion-mnist  10 classes (T-shirt/top ", 0), 0u) << lines[2];

    EXPECT_TRUE(contains(lines[0], "train: missing train-images-idx3-ubyte.gz (18.2 MB to download)")) << lines[0];
    EXPECT_TRUE(
        contains(lines[0], "test: 10000 images in " + joinPath(test::sharedDataDir(), "kmnist") + " [--data-dir]"))
        << lines[0];
    EXPECT_TRUE(contains(lines[1], "train: missing train-images-idx3-ubyte.gz (9.91 MB to download)")) << lines[1];
    EXPECT_TRUE(contains(lines[1], "test: 10000 images in ")) << lines[1];
}

TEST_F(CliData, DatasetsOnAnEmptyFolderSaysWhatIsMissing) {
    const RunResult run = runCli({"datasets", "--data-dir", m_dir.file("empty")}, m_dir);
    ASSERT_TRUE(run.exited && run.exitCode == 0) << run.describe();
    const auto lines = linesOf(run.out);
    ASSERT_EQ(lines.size(), 6u) << run.out;
    // Two files missing per split: the sum of both downloads.
    EXPECT_TRUE(contains(lines[0], "train: missing (18.2 MB to download)  test: missing (3.05 MB to download)"))
        << lines[0];
}

TEST_F(CliData, InspectKmnistTestWritesAGrid) {
    KANALAB_REQUIRE_SHARED("kmnist", "t10k-images-idx3-ubyte.gz");
    const std::string grid = m_dir.file("g.png");
    const RunResult run =
        runCli({"inspect", "kmnist", "--split", "test", "--data-dir", test::sharedDataDir(), "--grid", grid}, m_dir);
    ASSERT_TRUE(run.exited && run.exitCode == 0) << run.describe();
    EXPECT_TRUE(run.err.empty()) << run.describe();
    const auto lines = linesOf(run.out);
    ASSERT_EQ(lines.size(), 12u) << run.out;
    EXPECT_EQ(lines[0].rfind("kmnist test: 10000 images of 28x28 from ", 0), 0u) << lines[0];
    const std::vector<std::string> glyphs = {"お", "き", "す", "つ", "な", "は", "ま", "や", "れ", "を"};
    const std::vector<std::string> romaji = {"o", "ki", "su", "tsu", "na", "ha", "ma", "ya", "re", "wo"};
    for (std::size_t c = 0; c < 10; ++c) {
        std::istringstream fields(lines[c + 1]);
        std::string index, label, glyph, roma, count, share;
        fields >> index >> label >> glyph >> roma >> count >> share;
        EXPECT_EQ(index, std::to_string(c)) << lines[c + 1];
        EXPECT_EQ(label, romaji[c]) << lines[c + 1];
        EXPECT_EQ(glyph, glyphs[c]) << lines[c + 1];
        EXPECT_EQ(roma, romaji[c]) << lines[c + 1];
        EXPECT_EQ(count, "1000") << lines[c + 1];
        EXPECT_EQ(share, "10.0%") << lines[c + 1];
    }
    EXPECT_EQ(lines[11], "sample grid written to " + grid);

    const auto png = readBytes(grid);
    const std::vector<std::uint8_t> pngMagic = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    ASSERT_GE(png.size(), pngMagic.size());
    EXPECT_TRUE(std::equal(pngMagic.begin(), pngMagic.end(), png.begin()));
    const cv::Mat image = cv::imread(grid, cv::IMREAD_UNCHANGED);
    ASSERT_FALSE(image.empty());
    // 10 classes a row each: 16 samples of 56x56 with 2-pixel gaps beside a 150-pixel label.
    EXPECT_EQ(image.cols, 150 + 16 * (56 + 2));
    EXPECT_EQ(image.rows, 10 * (56 + 2) + 2);
    EXPECT_EQ(image.channels(), 1);
}

TEST_F(CliData, InspectMissingSplitSaysHowToDownload) {
    KANALAB_REQUIRE_SHARED("kmnist", "t10k-images-idx3-ubyte.gz");
    const RunResult run = runCli({"inspect", "kmnist", "--split", "train", "--data-dir", test::sharedDataDir()}, m_dir);
    expectOneLineError(run, 1);
    EXPECT_TRUE(contains(run.err, "kanalab-cli download kmnist --split train")) << run.err;
}

TEST_F(CliData, UnknownDatasetIsOneLineAndExitOne) {
    const RunResult run = runCli({"inspect", "hiragana", "--data-dir", m_dir.path()}, m_dir);
    expectOneLineError(run, 1);
    EXPECT_EQ(run.err, "kanalab-cli: unknown dataset 'hiragana': known datasets are kmnist, mnist, fashion-mnist, k49, "
                       "cifar10, kkanji (kanalab-cli import PATH makes one of your own folder)\n");
}

TEST_F(CliData, UnknownOptionIsExitTwo) {
    RunResult run = runCli({"datasets", "--data-folder", m_dir.path()}, m_dir);
    expectOneLineError(run, 2);
    EXPECT_TRUE(contains(run.err, "unknown option '--data-folder'")) << run.err;

    run = runCli({"inspect", "kmnist", "--split", "validation"}, m_dir);
    expectOneLineError(run, 2);
    EXPECT_TRUE(contains(run.err, "--split must be train or test")) << run.err;

    run = runCli({"frobnicate"}, m_dir);
    expectOneLineError(run, 2);
}

TEST_F(CliData, HelpAfterACommandShowsThatCommand) {
    RunResult run = runCli({"train", "--help"}, m_dir);
    EXPECT_EQ(run.exitCode, 0) << run.err;
    EXPECT_TRUE(contains(run.out, "usage: kanalab-cli train --dataset D --model M")) << run.out;
    EXPECT_TRUE(contains(run.out, "--augment none|default")) << run.out;
    run = runCli({"download", "-h"}, m_dir);
    EXPECT_EQ(run.exitCode, 0) << run.err;
    EXPECT_TRUE(contains(run.out, "usage: kanalab-cli download DATASET")) << run.out;
}

TEST_F(CliData, CorruptDatasetFileFailsCleanly) {
    // A test split whose images file was cut short mid-download, beside good labels.
    const std::string folder = m_dir.file("data/kmnist");
    ::mkdir(m_dir.file("data").c_str(), 0755);
    ::mkdir(folder.c_str(), 0755);
    std::vector<std::uint8_t> images;
    for (const std::uint32_t word : {0x803u, 100u, 28u, 28u})
        appendBigEndian32(images, word);
    images.resize(16 + 100 * 28 * 28, 7);
    auto gz = test::gzipBytes(images);
    gz.resize(gz.size() / 2);
    writeBytes(folder + "/t10k-images-idx3-ubyte.gz", gz);
    std::vector<std::uint8_t> labels;
    for (const std::uint32_t word : {0x801u, 100u})
        appendBigEndian32(labels, word);
    labels.resize(8 + 100, 1);
    writeBytes(folder + "/t10k-labels-idx1-ubyte.gz", test::gzipBytes(labels));

    const RunResult run = runCli({"inspect", "kmnist", "--split", "test", "--data-dir", m_dir.file("data")}, m_dir);
    expectOneLineError(run, 1);
    EXPECT_TRUE(contains(run.err, "t10k-images-idx3-ubyte.gz: corrupt gzip stream")) << run.err;

    // A header that claims absurd sizes: still a message, not a crash or an allocation failure.
    std::vector<std::uint8_t> lying;
    for (const std::uint32_t word : {0x803u, 0xFFFFFFFFu, 0xFFFFFFFFu, 0xFFFFFFFFu})
        appendBigEndian32(lying, word);
    writeBytes(folder + "/t10k-images-idx3-ubyte.gz", lying);
    const RunResult lied = runCli({"inspect", "kmnist", "--split", "test", "--data-dir", m_dir.file("data")}, m_dir);
    expectOneLineError(lied, 1);
    EXPECT_TRUE(contains(lied.err, "t10k-images-idx3-ubyte.gz: header claims more than")) << lied.err;

    // The listing does not fail for it: it shows the split as unreadable.
    const RunResult listing = runCli({"datasets", "--data-dir", m_dir.file("data")}, m_dir);
    ASSERT_TRUE(listing.exited && listing.exitCode == 0) << listing.describe();
    EXPECT_TRUE(contains(listing.out, "test: unreadable (t10k-images-idx3-ubyte.gz: header claims more than"))
        << listing.out;
}

TEST_F(CliData, UnwritableGridIsAnErrorNotACrash) {
    KANALAB_REQUIRE_SHARED("mnist", "t10k-images-idx3-ubyte.gz");
    const RunResult run = runCli({"inspect", "mnist", "--split", "test", "--data-dir", test::sharedDataDir(), "--grid",
                                  m_dir.file("no-such-folder/g.png")},
                                 m_dir);
    EXPECT_TRUE(run.exited) << run.describe();
    EXPECT_EQ(run.exitCode, 1) << run.describe();
    EXPECT_TRUE(contains(run.err, "no-such-folder/g.png: cannot write the sample grid")) << run.err;
    EXPECT_EQ(std::count(run.err.begin(), run.err.end(), '\n'), 1) << run.describe();
}
