// SPDX-License-Identifier: GPL-3.0-or-later
// The tar reader and the CIFAR-10 reader: generated folders and archives read back pixel for
// pixel, the tar features real archives use (GNU and pax long names, ustar prefixes, v7, base-256
// sizes, links), and every kind of malformed batch, meta file and archive ends in one
// kanalab::Error sentence that names the file; extraction never writes outside its folder and
// leaves nothing behind when it fails or is cancelled.
#include "common/error.h"
#include "data/byte_stream.h"
#include "data/cifar_reader.h"
#include "data/tar_reader.h"
#include "support/tar_writer.h"
#include "support/temp_dir.h"

#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <initializer_list>
#include <string>
#include <vector>

using namespace kanalab;
using kanalab::test::gzipBytes;
using kanalab::test::TarEntrySpec;
using kanalab::test::TarFormat;
using kanalab::test::TarLongNames;
using kanalab::test::TarWriter;
using kanalab::test::TempDir;
using kanalab::test::writeBytes;

namespace {

using Bytes = std::vector<std::uint8_t>;

// ---------------------------------------------------------------------------------------------
// CIFAR-like data

// Records per batch: data_batch_1.bin .. data_batch_5.bin, then test_batch.bin.
const std::vector<std::size_t> kBatchCounts = {7, 5, 6, 4, 3, 8};

int labelAt(std::size_t batch, std::size_t record) {
    return static_cast<int>((record * 7 + batch * 3) % 10);
}

// Differs per batch, record, channel, row and column, so any misplaced byte shows.
std::uint8_t pixelAt(std::size_t batch, std::size_t record, std::size_t channel, std::size_t row, std::size_t col) {
    return static_cast<std::uint8_t>((batch * 53 + record * 31 + channel * 101 + row * 7 + col * 3) & 0xFF);
}

Bytes cifarBatch(std::size_t batch, std::size_t count) {
    Bytes out;
    for (std::size_t i = 0; i < count; ++i) {
        out.push_back(static_cast<std::uint8_t>(labelAt(batch, i)));
        for (std::size_t c = 0; c < 3; ++c)
            for (std::size_t y = 0; y < 32; ++y)
                for (std::size_t x = 0; x < 32; ++x)
                    out.push_back(pixelAt(batch, i, c, y, x));
    }
    return out;
}

std::string metaText() {
    std::string text;
    for (const std::string& name : cifar10ClassNames())
        text += name + "\n";
    return text + "\n\n";  // the official file ends in blank lines
}

Bytes toBytes(const std::string& text) {
    return Bytes(text.begin(), text.end());
}

// A cifar-10-batches-bin folder's files by name; tests damage or drop one before writing.
std::vector<std::pair<std::string, Bytes>> cifarFiles() {
    std::vector<std::pair<std::string, Bytes>> files;
    const std::vector<std::string> names = cifar10BatchFiles();
    for (std::size_t b = 0; b < names.size(); ++b)
        files.emplace_back(names[b], cifarBatch(b, kBatchCounts[b]));
    files.emplace_back("batches.meta.txt", toBytes(metaText()));
    return files;
}

Bytes& fileNamed(std::vector<std::pair<std::string, Bytes>>& files, const std::string& name) {
    for (auto& [fileName, bytes] : files)
        if (fileName == name)
            return bytes;
    throw std::runtime_error("no " + name);
}

void dropFile(std::vector<std::pair<std::string, Bytes>>& files, const std::string& name) {
    files.erase(std::remove_if(files.begin(), files.end(), [&](const auto& file) { return file.first == name; }),
                files.end());
}

std::string writeFolder(const TempDir& dir, const std::vector<std::pair<std::string, Bytes>>& files) {
    const std::string folder = dir.file("cifar-10-batches-bin");
    std::filesystem::create_directories(folder);
    for (const auto& [name, bytes] : files)
        writeBytes(folder + "/" + name, bytes);
    return folder;
}

// The archive in the official file's order, which is not the batches' order.
Bytes cifarTar(const std::vector<std::pair<std::string, Bytes>>& files) {
    TarWriter writer;
    writer.addDirectory("cifar-10-batches-bin/");
    for (const char* name : {"data_batch_1.bin", "batches.meta.txt", "data_batch_3.bin", "data_batch_4.bin",
                             "test_batch.bin", "readme.html", "data_batch_2.bin", "data_batch_5.bin"}) {
        for (const auto& [fileName, bytes] : files)
            if (fileName == name)
                writer.addFile(std::string("cifar-10-batches-bin/") + name, bytes);
        if (std::string(name) == "readme.html")
            writer.addText("cifar-10-batches-bin/readme.html", "<html>CIFAR-10</html>\n");
    }
    return writer.finish();
}

// Checks a set against the generated batches b0.. (concatenated in order), pixel for pixel.
::testing::AssertionResult holdsBatches(const ImageSet& set, std::initializer_list<std::size_t> batches) {
    if (set.channels != 3 || set.rows != 32 || set.cols != 32)
        return ::testing::AssertionFailure() << "shape " << set.channels << "x" << set.rows << "x" << set.cols;
    std::size_t total = 0;
    for (const std::size_t b : batches)
        total += kBatchCounts[b];
    if (set.labels.size() != total || set.pixels.size() != total * 3072)
        return ::testing::AssertionFailure() << set.labels.size() << " labels and " << set.pixels.size()
                                             << " pixel bytes, expected " << total << " images";
    std::size_t index = 0;
    for (const std::size_t b : batches)
        for (std::size_t i = 0; i < kBatchCounts[b]; ++i, ++index) {
            if (set.labels[index] != labelAt(b, i))
                return ::testing::AssertionFailure() << "label of image " << index;
            const std::uint8_t* image = set.image(static_cast<std::int64_t>(index));
            for (std::size_t c = 0; c < 3; ++c)
                for (std::size_t y = 0; y < 32; ++y)
                    for (std::size_t x = 0; x < 32; ++x)
                        if (image[c * 1024 + y * 32 + x] != pixelAt(b, i, c, y, x))
                            return ::testing::AssertionFailure()
                                   << "pixel " << c << "," << y << "," << x << " of image " << index;
        }
    return ::testing::AssertionSuccess();
}

// ---------------------------------------------------------------------------------------------
// Errors

// Runs f and returns the kanalab::Error's message; fails the test when none (or another) comes.
template <typename F>
std::string errorOf(F&& f) {
    try {
        f();
        ADD_FAILURE() << "no error was thrown";
    } catch (const Cancelled&) {
        ADD_FAILURE() << "kanalab::Cancelled was thrown, not an error";
    } catch (const Error& e) {
        return e.what();
    } catch (const std::exception& e) {
        ADD_FAILURE() << "something other than kanalab::Error was thrown: " << e.what();
    }
    return {};
}

// The message holds every part and is one sentence (no ". " inside, no line break).
::testing::AssertionResult says(const std::string& message, std::initializer_list<std::string> parts) {
    for (const std::string& part : parts)
        if (message.find(part) == std::string::npos)
            return ::testing::AssertionFailure() << "\"" << part << "\" is not in: " << message;
    if (message.find(". ") != std::string::npos || message.find('\n') != std::string::npos)
        return ::testing::AssertionFailure() << "more than one sentence: " << message;
    return ::testing::AssertionSuccess();
}

// ---------------------------------------------------------------------------------------------
// Tar helpers

struct ReadEntry {
    TarEntry entry;
    Bytes contents;
};

std::vector<ReadEntry> readTar(const Bytes& archive, const std::string& name = "test.tar") {
    auto stream = ByteStream::fromMemory(archive.data(), archive.size(), name);
    std::vector<ReadEntry> entries;
    const std::size_t count = forEachTarEntry(*stream, [&](const TarEntry& entry, TarContents& contents) {
        entries.push_back({entry, contents.readAll()});
    });
    EXPECT_EQ(count, entries.size());
    return entries;
}

std::string tarError(const Bytes& archive, const std::string& name = "test.tar") {
    return errorOf([&] { readTar(archive, name); });
}

Bytes patterned(std::size_t size, unsigned seed) {
    Bytes out(size);
    for (std::size_t i = 0; i < size; ++i)
        out[i] = static_cast<std::uint8_t>((i * 131 + seed * 17 + (i >> 9)) & 0xFF);
    return out;
}

// Every path under folder, relative and sorted ("a", "a/b.txt").
std::vector<std::string> listTree(const std::string& folder) {
    std::vector<std::string> paths;
    std::error_code ignored;
    for (auto it = std::filesystem::recursive_directory_iterator(folder, ignored);
         it != std::filesystem::recursive_directory_iterator(); ++it)
        paths.push_back(std::filesystem::relative(it->path(), folder).string());
    std::sort(paths.begin(), paths.end());
    return paths;
}

bool exists(const std::string& path) {
    struct stat info {};
    return ::lstat(path.c_str(), &info) == 0;
}

class CifarTest : public ::testing::Test {
protected:
    std::string write(const std::string& name, const Bytes& bytes) {
        const std::string path = m_dir.file(name);
        writeBytes(path, bytes);
        return path;
    }
    std::string folderError(const std::vector<std::pair<std::string, Bytes>>& files) {
        const std::string folder = writeFolder(m_dir, files);
        return errorOf([&] { readCifar10Folder(folder); });
    }
    std::string archiveError(const std::vector<std::pair<std::string, Bytes>>& files) {
        const std::string path = write("cifar-10-binary.tar.gz", gzipBytes(cifarTar(files)));
        return errorOf([&] { readCifar10Archive(path); });
    }

    TempDir m_dir;
};

using TarTest = CifarTest;

}  // namespace

// ---------------------------------------------------------------------------------------------
// Valid CIFAR-10

TEST_F(CifarTest, BatchIsPlanarRgbAsImageSetHoldsIt) {
    Bytes record(3073);
    record[0] = 6;  // frog
    std::fill(record.begin() + 1, record.begin() + 1025, 10);
    std::fill(record.begin() + 1025, record.begin() + 2049, 20);
    std::fill(record.begin() + 2049, record.end(), 30);
    record[1 + 31] = 99;         // red, row 0, column 31
    record[1 + 1024 + 32] = 77;  // green, row 1, column 0
    const ImageSet set = readCifarBatch(record.data(), record.size(), "one.bin");
    EXPECT_EQ(set.count(), 1);
    EXPECT_EQ(set.imageBytes(), 3072u);
    EXPECT_EQ(set.labels, (std::vector<std::int64_t>{6}));
    EXPECT_EQ(set.image(0)[0], 10);
    EXPECT_EQ(set.image(0)[31], 99);
    EXPECT_EQ(set.image(0)[1024], 20);
    EXPECT_EQ(set.image(0)[1024 + 32], 77);
    EXPECT_EQ(set.image(0)[2048], 30);
    EXPECT_EQ(set.image(0)[3071], 30);
}

TEST_F(CifarTest, FolderReadsBackPixelForPixelWithTrainInBatchOrder) {
    const std::string folder = writeFolder(m_dir, cifarFiles());
    const CifarData data = readCifar10Folder(folder);
    EXPECT_TRUE(holdsBatches(data.train, {0, 1, 2, 3, 4}));
    EXPECT_TRUE(holdsBatches(data.test, {5}));
    EXPECT_EQ(data.train.source, "cifar10 train");
    EXPECT_EQ(data.test.source, "cifar10 test");
    EXPECT_EQ(data.classNames, cifar10ClassNames());
    EXPECT_EQ(data.classNames.front(), "airplane");
    EXPECT_EQ(data.classNames.back(), "truck");
    // The small generated batches are noted (the official ones hold 10,000 images each).
    ASSERT_EQ(data.problems.size(), 6u);
    EXPECT_EQ(data.problems[0], "data_batch_1.bin: holds 7 images where the official file holds 10,000");
    EXPECT_EQ(data.problems[5], "test_batch.bin: holds 8 images where the official file holds 10,000");
}

TEST_F(CifarTest, TarGzAndTarArchivesMatchTheFolder) {
    const std::string folder = writeFolder(m_dir, cifarFiles());
    const CifarData fromFolder = readCifar10Folder(folder);
    const Bytes tar = cifarTar(cifarFiles());
    for (const std::string name : {"cifar-10-binary.tar.gz", "cifar-10-binary.tar"}) {
        const std::string path = write(name, name.back() == 'z' ? gzipBytes(tar) : tar);
        const CifarData data = readCifar10Archive(path);
        EXPECT_TRUE(holdsBatches(data.train, {0, 1, 2, 3, 4})) << name;
        EXPECT_TRUE(holdsBatches(data.test, {5})) << name;
        EXPECT_EQ(data.train.pixels, fromFolder.train.pixels) << name;
        EXPECT_EQ(data.test.labels, fromFolder.test.labels) << name;
        EXPECT_EQ(data.classNames, cifar10ClassNames()) << name;
        ASSERT_EQ(data.problems.size(), 6u) << name;
        EXPECT_EQ(data.problems[0], name +
                                        ": entry 'cifar-10-batches-bin/data_batch_1.bin': holds 7 images where the "
                                        "official file holds 10,000");
    }
}

TEST_F(CifarTest, MetaAcceptsCrlfTrailingBlanksAndAByteOrderMark) {
    const std::vector<std::string> names = cifar10ClassNames();
    std::string crlf = "\xEF\xBB\xBF";
    for (const std::string& name : names)
        crlf += name + "  \r\n";
    EXPECT_EQ(parseCifarMeta(crlf + "\r\n\r\n", "batches.meta.txt"), names);
    EXPECT_EQ(parseCifarMeta("a\nb\nc", "three.txt", 3), (std::vector<std::string>{"a", "b", "c"}));
}

TEST_F(CifarTest, MissingMetaFallsBackToTheStandardNamesAndSaysSo) {
    auto files = cifarFiles();
    dropFile(files, "batches.meta.txt");
    const std::string folder = writeFolder(m_dir, files);
    const CifarData data = readCifar10Folder(folder);
    EXPECT_EQ(data.classNames, cifar10ClassNames());
    ASSERT_FALSE(data.problems.empty());
    EXPECT_TRUE(says(data.problems.back(), {folder, "has no batches.meta.txt", "standard class names"}));

    const std::string path = write("cifar-10-binary.tar.gz", gzipBytes(cifarTar(files)));
    const CifarData fromArchive = readCifar10Archive(path);
    EXPECT_EQ(fromArchive.classNames, cifar10ClassNames());
    EXPECT_TRUE(says(fromArchive.problems.back(), {"cifar-10-binary.tar.gz: has no cifar-10-batches-bin/batches"}));
}

// ---------------------------------------------------------------------------------------------
// Malformed CIFAR-10: each names the file and says what is wrong.

TEST_F(CifarTest, BatchSizeNotAMultipleOf3073) {
    auto files = cifarFiles();
    fileNamed(files, "data_batch_2.bin").pop_back();
    EXPECT_TRUE(says(folderError(files), {"data_batch_2.bin: size 15364 bytes is not a multiple of 3073",
                                          "it holds 4 whole images and 3072 bytes more), so it is truncated",
                                          "download the dataset again"}));
    EXPECT_TRUE(says(archiveError(files), {"cifar-10-binary.tar.gz: entry 'cifar-10-batches-bin/data_batch_2.bin': "
                                           "size 15364 bytes is not a multiple of 3073"}));
}

TEST_F(CifarTest, BatchThatLooksLikeCifar100) {
    const Bytes bytes(3074 * 2, 1);
    EXPECT_TRUE(says(errorOf([&] { readCifarBatch(bytes.data(), bytes.size(), "train.bin"); }),
                     {"train.bin: size 6148 bytes is not a multiple of 3073", "looks like a CIFAR-100 file"}));
}

TEST_F(CifarTest, EmptyBatch) {
    auto files = cifarFiles();
    fileNamed(files, "test_batch.bin").clear();
    EXPECT_TRUE(says(folderError(files), {"test_batch.bin: file is empty", "records of 3073 bytes"}));
    EXPECT_TRUE(says(archiveError(files), {"cifar-10-binary.tar.gz: entry 'cifar-10-batches-bin/test_batch.bin': "
                                           "file is empty"}));
}

TEST_F(CifarTest, Label10) {
    auto files = cifarFiles();
    fileNamed(files, "data_batch_4.bin")[2 * 3073] = 10;
    EXPECT_TRUE(says(folderError(files),
                     {"data_batch_4.bin: record 2 (counting from 0) has label 10", "labels go from 0 to 9"}));
}

TEST_F(CifarTest, Label255InTheArchive) {
    auto files = cifarFiles();
    fileNamed(files, "test_batch.bin")[0] = 255;
    EXPECT_TRUE(says(archiveError(files), {"cifar-10-binary.tar.gz: entry 'cifar-10-batches-bin/test_batch.bin': "
                                           "record 0 (counting from 0) has label 255"}));
}

TEST_F(CifarTest, LabelAboveTheGivenClassCount) {
    const Bytes bytes = cifarBatch(0, 4);  // labels 0, 7, 4, 1
    EXPECT_NO_THROW(readCifarBatch(bytes.data(), bytes.size(), "b.bin", 8));
    EXPECT_TRUE(says(errorOf([&] { readCifarBatch(bytes.data(), bytes.size(), "b.bin", 5); }),
                     {"b.bin: record 1 (counting from 0) has label 7 but labels go from 0 to 4"}));
}

TEST_F(CifarTest, MissingDataBatch3) {
    auto files = cifarFiles();
    dropFile(files, "data_batch_3.bin");
    EXPECT_TRUE(says(folderError(files), {"cifar-10-batches-bin: missing data_batch_3.bin of CIFAR-10's six batch"}));
    EXPECT_TRUE(says(archiveError(files),
                     {"cifar-10-binary.tar.gz: has no cifar-10-batches-bin/data_batch_3.bin,", "binary version"}));
}

TEST_F(CifarTest, SeveralMissingBatchesAreAllNamed) {
    auto files = cifarFiles();
    dropFile(files, "data_batch_3.bin");
    dropFile(files, "data_batch_5.bin");
    dropFile(files, "test_batch.bin");
    EXPECT_TRUE(says(folderError(files), {"missing data_batch_3.bin, data_batch_5.bin and test_batch.bin of"}));
}

TEST_F(CifarTest, FolderThatDoesNotExistOrIsTheParent) {
    EXPECT_TRUE(
        says(errorOf([&] { readCifar10Folder(m_dir.file("nowhere")); }), {m_dir.file("nowhere") + ": no such folder"}));
    writeFolder(m_dir, cifarFiles());
    EXPECT_TRUE(says(errorOf([&] { readCifar10Folder(m_dir.path()); }),
                     {m_dir.path() + ": missing data_batch_1.bin", "has a cifar-10-batches-bin folder inside"}));
}

TEST_F(CifarTest, MetaWith9Names) {
    auto files = cifarFiles();
    std::string text;
    for (std::size_t i = 0; i < 9; ++i)
        text += cifar10ClassNames()[i] + "\n";
    fileNamed(files, "batches.meta.txt") = toBytes(text);
    EXPECT_TRUE(says(folderError(files), {"batches.meta.txt: lists 9 class names where CIFAR-10 has 10"}));
    EXPECT_TRUE(says(archiveError(files), {"cifar-10-binary.tar.gz: entry 'cifar-10-batches-bin/batches.meta.txt': "
                                           "lists 9 class names"}));
}

TEST_F(CifarTest, MetaWithABlankLineOrADuplicateOrElevenNames) {
    EXPECT_TRUE(
        says(errorOf([] { parseCifarMeta("a\nb\n\nc\nd\ne\nf\ng\nh\ni\n", "m.txt"); }), {"m.txt: line 3 is blank"}));
    EXPECT_TRUE(says(errorOf([] { parseCifarMeta("a\nb\nc\nd\ne\nf\ng\nh\ni\na\n", "m.txt"); }),
                     {"m.txt: names the class 'a' twice"}));
    EXPECT_TRUE(says(errorOf([] { parseCifarMeta("a\nb\nc\nd\ne\nf\ng\nh\ni\nj\nk\n", "m.txt"); }),
                     {"m.txt: lists 11 class names"}));
    EXPECT_TRUE(says(errorOf([] { parseCifarMeta("", "m.txt"); }), {"m.txt: lists 0 class names"}));
}

TEST_F(CifarTest, PythonVersionOfTheArchive) {
    TarWriter writer;
    writer.addDirectory("cifar-10-batches-py");
    writer.addFile("cifar-10-batches-py/data_batch_1", Bytes(100, 0x80));
    const std::string path = write("cifar-10-python.tar.gz", gzipBytes(writer.finish()));
    EXPECT_TRUE(says(errorOf([&] { readCifar10Archive(path); }),
                     {"cifar-10-python.tar.gz: is CIFAR-10's Python version", "download cifar-10-binary.tar.gz"}));
}

TEST_F(CifarTest, TruncatedArchive) {
    const Bytes gz = gzipBytes(cifarTar(cifarFiles()));
    const std::string path = write("cifar-10-binary.tar.gz", Bytes(gz.begin(), gz.begin() + gz.size() / 2));
    EXPECT_TRUE(says(errorOf([&] { readCifar10Archive(path); }),
                     {"cifar-10-binary.tar.gz: corrupt gzip stream: the compressed data ends early"}));
}

TEST_F(CifarTest, CorruptGzipIsBlamedRatherThanTheLabelItProduced) {
    // Stored (level 0) deflate: a flipped label byte inflates silently; only the CRC at the end
    // knows. The label error comes first but the message must point at the damaged download.
    const Bytes tar = cifarTar(cifarFiles());
    Bytes gz = gzipBytes(tar, 0);
    const Bytes batch = cifarBatch(0, kBatchCounts[0]);
    const auto at = std::search(gz.begin(), gz.end(), batch.begin(), batch.begin() + 64);
    ASSERT_NE(at, gz.end());
    *at = 0xEE;
    const std::string path = write("cifar-10-binary.tar.gz", gz);
    EXPECT_TRUE(says(errorOf([&] { readCifar10Archive(path); }),
                     {"cifar-10-binary.tar.gz: corrupt gzip stream: incorrect data check"}));
}

TEST_F(CifarTest, ReadingTheArchiveCanBeCancelled) {
    const std::string path = write("cifar-10-binary.tar.gz", gzipBytes(cifarTar(cifarFiles())));
    std::atomic<bool> cancel{true};
    EXPECT_THROW(readCifar10Archive(path, &cancel), Cancelled);
}

// ---------------------------------------------------------------------------------------------
// Tar features

TEST_F(TarTest, LongNamesByPrefixGnuAndPaxReadBack) {
    const std::string prefixed = std::string(120, 'p') + "/" + std::string(60, 'q') + ".png";  // 185 bytes
    const std::string unsplittable = "kkanji2/" + std::string(300, 'u') + ".png";
    for (const TarLongNames style : {TarLongNames::Prefix, TarLongNames::Gnu, TarLongNames::Pax}) {
        TarWriter writer(style == TarLongNames::Gnu ? TarFormat::Gnu : TarFormat::Ustar, style);
        writer.addFile(prefixed, patterned(700, 1));
        writer.addFile(unsplittable, patterned(512, 2));
        writer.addFile("short.txt", toBytes("short"));
        const auto entries = readTar(writer.finish());
        ASSERT_EQ(entries.size(), 3u) << int(style);
        EXPECT_EQ(entries[0].entry.path, prefixed);
        EXPECT_EQ(entries[0].contents, patterned(700, 1));
        EXPECT_EQ(entries[1].entry.path, unsplittable);
        EXPECT_EQ(entries[1].entry.size, 512u);
        EXPECT_EQ(entries[1].contents, patterned(512, 2));
        EXPECT_EQ(entries[2].entry.path, "short.txt");
    }
}

TEST_F(TarTest, FoldersAndLinksCarryNoContentAndPathsAreNormalised) {
    TarWriter writer;
    writer.addDirectory("./");
    writer.addDirectory("./kkanji2/");
    writer.addFile("./kkanji2//U+4E00/./1.png", toBytes("one"));
    TarEntrySpec link;
    link.path = "kkanji2/latest.png";
    link.type = '2';
    link.linkTarget = "U+4E00/1.png";
    writer.add(link);
    TarEntrySpec hard = link;
    hard.path = "kkanji2/copy.png";
    hard.type = '1';
    hard.linkTarget = "kkanji2/U+4E00/1.png";
    writer.add(hard);
    const auto entries = readTar(writer.finish());
    ASSERT_EQ(entries.size(), 4u);  // "./" names nothing and is not reported
    EXPECT_EQ(entries[0].entry.path, "kkanji2");
    EXPECT_TRUE(entries[0].entry.isDirectory());
    EXPECT_EQ(entries[1].entry.path, "kkanji2/U+4E00/1.png");
    EXPECT_TRUE(entries[1].entry.isRegular());
    EXPECT_EQ(entries[1].entry.mtime, 1700000000);
    EXPECT_EQ(entries[2].entry.type, kTarSymlink);
    EXPECT_EQ(entries[2].entry.linkTarget, "U+4E00/1.png");
    EXPECT_EQ(entries[2].entry.size, 0u);
    EXPECT_EQ(entries[3].entry.type, kTarHardLink);
    EXPECT_TRUE(entries[3].contents.empty());
}

TEST_F(TarTest, SizeFieldsOfFoldersAndLinksAreIgnored) {
    // Some writers put the target's size in a hard link's header or a size in a folder's: no
    // data follows them, as GNU tar, Go and Python read it.
    TarWriter writer;
    const std::size_t folder = writer.addDirectory("kkanji2/");
    TarEntrySpec link;
    link.path = "kkanji2/copy.png";
    link.type = '1';
    link.linkTarget = "kkanji2/a.png";
    const std::size_t hard = writer.add(link);
    writer.addFile("kkanji2/b.png", patterned(100, 16));
    Bytes archive = writer.finish();
    test::setTarField(archive, folder, test::kTarSizeField, test::kTarSizeLength, "00000001000");
    test::setTarField(archive, hard, test::kTarSizeField, test::kTarSizeLength, "00000001750");
    const auto entries = readTar(archive);
    ASSERT_EQ(entries.size(), 3u);
    EXPECT_EQ(entries[0].entry.size, 0u);
    EXPECT_EQ(entries[1].entry.size, 0u);
    EXPECT_EQ(entries[2].entry.path, "kkanji2/b.png");
    EXPECT_EQ(entries[2].contents, patterned(100, 16));
}

TEST_F(TarTest, Base256SizeAndV7AndGnuHeaders) {
    for (const TarFormat format : {TarFormat::Ustar, TarFormat::Gnu, TarFormat::V7}) {
        TarWriter writer(format);
        writer.addDirectory("data");
        TarEntrySpec big;
        big.path = "data/big.bin";
        big.contents = patterned(5000, 3);
        big.base256Size = true;
        writer.add(big);
        writer.addFile("data/small.bin", patterned(3, 4));
        const auto entries = readTar(writer.finish());
        ASSERT_EQ(entries.size(), 3u) << int(format);
        EXPECT_EQ(entries[0].entry.path, "data");
        EXPECT_TRUE(entries[0].entry.isDirectory()) << int(format);  // v7: '\0' and a trailing '/'
        EXPECT_EQ(entries[1].entry.size, 5000u);
        EXPECT_EQ(entries[1].contents, patterned(5000, 3));
        EXPECT_TRUE(entries[2].entry.isRegular()) << int(format);
        EXPECT_EQ(entries[2].contents, patterned(3, 4));
    }
}

TEST_F(TarTest, PaxRecordsOverrideTheHeaderAndGlobalOnesApplyToAllThatFollow) {
    TarWriter writer;
    writer.addFile("before.txt", toBytes("b"));
    writer.addGlobalPax({{"mtime", "1234567890.25"}, {"comment", "ignored"}});
    TarEntrySpec sized;
    sized.path = "header-name";
    sized.contents = patterned(700, 5);
    sized.pax = {{"path", "kkanji2/U+4E00/\xE4\xB8\x80.png"}, {"size", "700"}};
    const std::size_t header = writer.add(sized);
    writer.addFile("after.txt", toBytes("a"));
    Bytes archive = writer.finish();
    // The header's own size says 0: only the pax size gets the next header's position right.
    test::setTarField(archive, header, test::kTarSizeField, test::kTarSizeLength, "00000000000");
    const auto entries = readTar(archive);
    ASSERT_EQ(entries.size(), 3u);
    EXPECT_EQ(entries[0].entry.mtime, 1700000000);
    EXPECT_EQ(entries[1].entry.path, "kkanji2/U+4E00/\xE4\xB8\x80.png");
    EXPECT_EQ(entries[1].contents, patterned(700, 5));
    EXPECT_EQ(entries[1].entry.mtime, 1234567890);
    EXPECT_EQ(entries[2].entry.path, "after.txt");  // not the per-entry pax path
    EXPECT_EQ(entries[2].entry.mtime, 1234567890);  // the global one
}

TEST_F(TarTest, WhatTheVisitorLeavesUnreadIsSkipped) {
    TarWriter writer;
    writer.addFile("a.bin", patterned(1500, 6));
    writer.addFile("b.bin", patterned(600, 7));
    writer.addFile("c.bin", patterned(513, 8));
    const Bytes archive = writer.finish();
    auto stream = ByteStream::fromMemory(archive.data(), archive.size(), "skip.tar");
    std::vector<Bytes> seen;
    forEachTarEntry(*stream, [&](const TarEntry& entry, TarContents& contents) {
        if (entry.path == "a.bin") {
            Bytes head(10);
            EXPECT_EQ(contents.read(head.data(), head.size()), 10u);
            EXPECT_EQ(contents.remaining(), 1490u);
            seen.push_back(head);
        } else if (entry.path == "c.bin") {
            seen.push_back(contents.readAll());
            Bytes more(4);
            EXPECT_EQ(contents.read(more.data(), more.size()), 0u);
        }
    });
    ASSERT_EQ(seen.size(), 2u);
    const Bytes first = patterned(1500, 6);
    EXPECT_EQ(seen[0], Bytes(first.begin(), first.begin() + 10));
    EXPECT_EQ(seen[1], patterned(513, 8));
}

// Archives written by GNU tar 1.34 (gzip -9n), so the reader is not checked only against the
// test writer: `tar --format=gnu` (GNU 'L' long names) and `tar --format=pax` (a pax path for
// the 111-byte folder, the ustar prefix for the file inside it), each holding kkanji2/,
// kkanji2/U+4E00/, kkanji2/U+4E00/alias.png -> 一.png, kkanji2/U+4E00/一.png ("png-one"),
// l*110/ and l*110/n*20.txt ("long").
const Bytes kGnuTarGz = {
    0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x03, 0xed, 0xd8, 0x3f, 0x0e, 0x82, 0x30, 0x18, 0x05,
    0xf0, 0x1e, 0xa5, 0xbb, 0x91, 0xfe, 0xe7, 0x5b, 0x5d, 0xdc, 0x58, 0x3d, 0x00, 0x83, 0x21, 0x88, 0x29, 0x46,
    0x31, 0x71, 0xf4, 0x58, 0x1e, 0xc8, 0x83, 0x58, 0x89, 0x8b, 0x60, 0x48, 0x4c, 0x2c, 0x1a, 0x79, 0xbf, 0xa5,
    0x84, 0x89, 0xf0, 0xf2, 0xbd, 0x16, 0xaa, 0x2a, 0xf7, 0x9b, 0x52, 0x0b, 0x16, 0x91, 0x0c, 0xc8, 0xb9, 0x76,
    0x0d, 0xba, 0x6b, 0x7b, 0xad, 0xac, 0xd3, 0x96, 0x48, 0xda, 0xf6, 0x3e, 0x99, 0xb0, 0x70, 0xc7, 0x46, 0x70,
    0x3c, 0x34, 0xf9, 0x9e, 0x73, 0x36, 0x51, 0xd5, 0x23, 0xff, 0xd5, 0xcc, 0x2e, 0xa5, 0x14, 0xbf, 0x91, 0xbf,
    0x92, 0x4a, 0x21, 0xff, 0x6f, 0xe4, 0x9f, 0x6f, 0xcb, 0xfc, 0x90, 0xec, 0x7c, 0xf1, 0xf1, 0xfc, 0x89, 0xde,
    0xc8, 0xdf, 0x38, 0xed, 0x18, 0xd7, 0xd7, 0xcb, 0xf9, 0xd3, 0xcf, 0x82, 0xfc, 0x07, 0xf3, 0x8f, 0xf2, 0xc6,
    0xef, 0x01, 0xa7, 0xd6, 0x0e, 0xe4, 0x4f, 0x9d, 0xfc, 0x15, 0xe9, 0x94, 0x71, 0x89, 0xf9, 0x8f, 0x2e, 0x84,
    0x3d, 0xaf, 0xfd, 0x9a, 0xc1, 0x34, 0x25, 0x22, 0x11, 0x8b, 0xac, 0xf6, 0x45, 0x56, 0xfa, 0x2a, 0xe2, 0xf9,
    0x6f, 0x68, 0xfe, 0x55, 0xfa, 0xbc, 0x17, 0xb4, 0xbb, 0x45, 0xd8, 0xff, 0x33, 0xcc, 0x7f, 0x74, 0xdb, 0x51,
    0x09, 0x0c, 0xdc, 0x04, 0xf3, 0x7f, 0xfb, 0xfc, 0x6f, 0x8c, 0xd4, 0x84, 0xf3, 0xff, 0x54, 0xfa, 0x5f, 0xab,
    0x7e, 0xff, 0xa7, 0x16, 0xfd, 0xff, 0x87, 0xfd, 0xef, 0x5f, 0x48, 0x9a, 0x53, 0x83, 0x22, 0xfe, 0xf3, 0xfe,
    0x1f, 0xfe, 0xfe, 0xb3, 0xfd, 0xfe, 0x37, 0xf8, 0xfe, 0x1b, 0x25, 0xff, 0x3a, 0xf2, 0xff, 0x15, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xf8, 0xaa, 0x1b, 0xfa, 0xe0, 0x85, 0x2d, 0x00, 0x28, 0x00, 0x00};
const Bytes kPaxTarGz = {
    0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x03, 0xed, 0x98, 0x31, 0x6e, 0x83, 0x30, 0x14, 0x86, 0x99,
    0x7b, 0x0a, 0xf6, 0xaa, 0x60, 0x3f, 0x3f, 0xe3, 0x29, 0x63, 0xa5, 0x8e, 0x5d, 0x7a, 0x00, 0x4b, 0x45, 0x6d, 0x0a,
    0x22, 0x51, 0xa0, 0x12, 0x63, 0x8f, 0xd5, 0x03, 0xf5, 0x20, 0x85, 0x88, 0x21, 0x75, 0x53, 0xaa, 0x48, 0xe0, 0xe0,
    0xe4, 0xff, 0x16, 0x23, 0x26, 0xdb, 0x1f, 0xff, 0x7b, 0x36, 0x45, 0x61, 0xab, 0xb7, 0x35, 0xa5, 0xd1, 0x8c, 0x88,
    0x0e, 0xa3, 0xf5, 0x7e, 0xec, 0x70, 0xc7, 0xfd, 0xb3, 0x64, 0x4d, 0x6c, 0x8c, 0xe0, 0xfe, 0xbd, 0x14, 0x59, 0x37,
    0xc4, 0x3a, 0xf2, 0xc0, 0x7b, 0xdd, 0xd8, 0x5d, 0x37, 0x95, 0x29, 0x16, 0x79, 0xb8, 0xb8, 0x40, 0x28, 0x06, 0xff,
    0x4f, 0xb7, 0x7c, 0x2f, 0x44, 0xba, 0x10, 0xff, 0x92, 0x25, 0xfc, 0x9f, 0xc3, 0xbf, 0x2d, 0xd7, 0xb6, 0x4e, 0xb6,
    0xd5, 0xcb, 0xe4, 0xfe, 0x8d, 0x39, 0xc1, 0xbf, 0x16, 0xa4, 0xa3, 0x98, 0xbe, 0x3e, 0x3f, 0xa6, 0x9e, 0x0b, 0xfc,
    0x8f, 0xfa, 0x7f, 0xb4, 0xed, 0x43, 0x6e, 0x9f, 0xf3, 0x5d, 0x9d, 0x4e, 0xb7, 0xf9, 0xfd, 0x7e, 0x64, 0xcc, 0x7f,
    0xfb, 0x57, 0xc6, 0xf1, 0xcf, 0xb2, 0xf7, 0xdf, 0x86, 0x94, 0xff, 0x40, 0x51, 0x32, 0xde, 0xda, 0xe6, 0x75, 0xe5,
    0x7c, 0x07, 0x83, 0xfc, 0x9b, 0x08, 0x5c, 0x36, 0xc7, 0xbd, 0x4f, 0xdf, 0xff, 0x47, 0xf3, 0x2f, 0xdc, 0xfc, 0x2b,
    0xa2, 0x2c, 0x8a, 0x45, 0x48, 0xf9, 0x0f, 0xb4, 0xfe, 0x77, 0xb2, 0xef, 0x36, 0x55, 0x8e, 0x20, 0x5c, 0x29, 0xc9,
    0x61, 0xcb, 0x2f, 0xe7, 0xe1, 0xbf, 0xfc, 0x4b, 0x23, 0x7f, 0xe6, 0x5f, 0x91, 0xce, 0xd0, 0xff, 0xbd, 0x20, 0x69,
    0x38, 0x00, 0x94, 0x5e, 0x49, 0x71, 0xb2, 0x58, 0x06, 0x3e, 0x64, 0x9f, 0x7c, 0xff, 0x57, 0xac, 0xc8, 0xe0, 0xfe,
    0x7f, 0x49, 0xfe, 0xc7, 0xea, 0x3f, 0x91, 0x5b, 0xff, 0x95, 0x34, 0x8c, 0xfa, 0xef, 0xa5, 0xfe, 0xb3, 0x3e, 0x4b,
    0xfd, 0xaf, 0x8e, 0x90, 0x34, 0x6d, 0x83, 0xbe, 0x70, 0x7d, 0xf9, 0x17, 0x82, 0x7f, 0xd7, 0x7f, 0x85, 0xfb, 0x9f,
    0x17, 0xff, 0x9b, 0x99, 0xff, 0xaf, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x58, 0x04, 0xdf, 0x9c, 0x0a,
    0xaa, 0x5c, 0x00, 0x28, 0x00, 0x00};

TEST_F(TarTest, ArchivesWrittenByGnuTarReadBack) {
    const std::string longFolder(110, 'l');
    for (const Bytes* archive : {&kGnuTarGz, &kPaxTarGz}) {
        const auto entries = readTar(*archive, "gnu-tar.tgz");
        ASSERT_EQ(entries.size(), 6u);
        EXPECT_EQ(entries[0].entry.path, "kkanji2");
        EXPECT_EQ(entries[1].entry.path, "kkanji2/U+4E00");
        EXPECT_EQ(entries[2].entry.path, "kkanji2/U+4E00/alias.png");
        EXPECT_EQ(entries[2].entry.type, kTarSymlink);
        EXPECT_EQ(entries[2].entry.linkTarget, "\xE4\xB8\x80.png");
        EXPECT_EQ(entries[3].entry.path, "kkanji2/U+4E00/\xE4\xB8\x80.png");
        EXPECT_EQ(entries[3].contents, toBytes("png-one"));
        EXPECT_EQ(entries[3].entry.mtime, 1700000000);
        EXPECT_EQ(entries[4].entry.path, longFolder);
        EXPECT_TRUE(entries[4].entry.isDirectory());
        EXPECT_EQ(entries[5].entry.path, longFolder + "/" + std::string(20, 'n') + ".txt");
        EXPECT_EQ(entries[5].contents, toBytes("long"));
    }
}

TEST_F(TarTest, ArchiveStreamReadsLikeByteStreamAcrossChunksAndGzipMembers) {
    // Bigger than the 1 MiB read chunk, and two gzip members whose boundary falls inside one.
    const Bytes content = patterned(3 << 20, 9);
    const Bytes head(content.begin(), content.begin() + 1234567);
    const Bytes tail(content.begin() + 1234567, content.end());
    Bytes twoMembers = gzipBytes(head, 1);
    const Bytes second = gzipBytes(tail, 1);
    twoMembers.insert(twoMembers.end(), second.begin(), second.end());
    for (const auto& [name, bytes] : std::vector<std::pair<std::string, Bytes>>{
             {"plain.bin", content}, {"one.gz", gzipBytes(content, 0)}, {"two.gz", twoMembers}}) {
        auto stream = openArchiveStream(write(name, bytes));
        EXPECT_EQ(stream->displayName(), name);
        EXPECT_EQ(stream->isCompressed(), name != "plain.bin");
        Bytes back(content.size() + 10);
        std::size_t got = 0;
        for (std::size_t step = 1; got < back.size(); step = step * 3 + 7) {  // uneven reads
            const std::size_t n = stream->read(back.data() + got, std::min(step, back.size() - got));
            got += n;
            if (n == 0)
                break;
        }
        back.resize(got);
        EXPECT_TRUE(back == content) << name << ": " << got << " bytes";
    }
    EXPECT_TRUE(says(errorOf([&] { openArchiveStream(m_dir.file("absent.tar")); }), {"absent.tar: no such file"}));
}

TEST_F(TarTest, ExtractWritesFilteredFilesAndReportsProgress) {
    TarWriter writer;
    writer.addDirectory("kkanji2/");
    writer.addDirectory("kkanji2/U+4E00/");
    writer.addFile("kkanji2/U+4E00/a.png", patterned(2000, 10));
    writer.addFile("kkanji2/U+4E8C/b.png", patterned(10, 11));  // its folder has no entry
    writer.addFile("kkanji2/README", toBytes("skip me"));
    TarEntrySpec link;
    link.path = "kkanji2/link.png";
    link.type = '2';
    link.linkTarget = "/etc/passwd";
    writer.add(link);
    const std::string archive = write("kkanji.tar.gz", gzipBytes(writer.finish()));
    const std::string target = m_dir.file("data/kkanji");

    std::vector<TarProgress> reports;
    TarExtractOptions options;
    options.filter = [](const TarEntry& entry) { return entry.path.find("README") == std::string::npos; };
    options.progress = [&](const TarProgress& progress) { reports.push_back(progress); };
    const TarExtractResult result = extractTar(archive, target, options);

    EXPECT_EQ(result.files, 2u);
    EXPECT_EQ(result.bytes, 2010u);
    EXPECT_EQ(result.folders, 3u);
    EXPECT_EQ(result.skipped, 1u);
    EXPECT_EQ(listTree(target), (std::vector<std::string>{"kkanji2", "kkanji2/U+4E00", "kkanji2/U+4E00/a.png",
                                                          "kkanji2/U+4E8C", "kkanji2/U+4E8C/b.png"}));
    EXPECT_EQ(test::readBytes(target + "/kkanji2/U+4E00/a.png"), patterned(2000, 10));
    EXPECT_EQ(test::readBytes(target + "/kkanji2/U+4E8C/b.png"), patterned(10, 11));
    ASSERT_GE(reports.size(), 6u);
    EXPECT_EQ(reports.back().archiveBytesRead, reports.back().archiveBytesTotal);
    EXPECT_EQ(reports.back().archiveBytesTotal, std::filesystem::file_size(archive));
    EXPECT_EQ(reports.back().filesWritten, 2u);
    EXPECT_TRUE(std::is_sorted(reports.begin(), reports.end(), [](const TarProgress& a, const TarProgress& b) {
        return a.archiveBytesRead < b.archiveBytesRead;
    }));

    // Again into the same folder: the files are replaced, nothing is duplicated.
    const TarExtractResult again = extractTar(archive, target, options);
    EXPECT_EQ(again.files, 2u);
    EXPECT_EQ(again.folders, 0u);
    EXPECT_EQ(listTree(target).size(), 5u);
}

// ---------------------------------------------------------------------------------------------
// Malformed tar archives

TEST_F(TarTest, EmptyFileAndNotATarAtAll) {
    EXPECT_TRUE(says(tarError({}, "empty.tar"), {"empty.tar: file is empty (expected a tar archive)"}));
    Bytes text(2048, 'x');
    EXPECT_TRUE(says(tarError(text, "notes.tar"), {"notes.tar: not a tar archive (bad checksum in the first header)"}));
}

TEST_F(TarTest, TruncatedInsideAnEntry) {
    TarWriter writer;
    writer.addFile("a.txt", toBytes("a"));
    writer.addFile("data/b.bin", patterned(2000, 12));
    const Bytes full = writer.finish();
    const Bytes cut(full.begin(), full.begin() + 1024 + 512 + 1000);
    EXPECT_TRUE(says(tarError(cut, "kkanji.tar"),
                     {"kkanji.tar: truncated inside entry 'data/b.bin': it holds 2000 bytes, the archive ends after "
                      "1000",
                      "download it again"}));
    // Cut in the zero padding after the content.
    const Bytes inPadding(full.begin(), full.begin() + 1024 + 512 + 2010);
    EXPECT_TRUE(says(tarError(inPadding, "kkanji.tar"), {"truncated in the padding after entry 'data/b.bin'"}));
}

TEST_F(TarTest, TruncatedInsideAHeader) {
    TarWriter writer;
    writer.addFile("a.txt", toBytes("a"));
    writer.addFile("b.txt", toBytes("b"));
    const Bytes full = writer.finish();
    EXPECT_TRUE(says(tarError(Bytes(full.begin(), full.begin() + 1024 + 300), "cut.tar"),
                     {"cut.tar: truncated inside the header at byte 1024 (after entry 'a.txt')"}));
}

TEST_F(TarTest, EndsWithoutTheEndOfArchiveMarker) {
    TarWriter writer;
    writer.addFile("a.txt", toBytes("a"));
    writer.addFile("b.txt", toBytes("b"));
    EXPECT_TRUE(
        says(tarError(writer.bytesSoFar(), "cut.tar"),
             {"cut.tar: the archive ends without its end-of-archive marker (after entry 'b.txt')", "truncated"}));
    // One zero block instead of two is accepted, as GNU tar does.
    Bytes oneBlock = writer.bytesSoFar();
    oneBlock.resize(oneBlock.size() + 512, 0);
    EXPECT_EQ(readTar(oneBlock).size(), 2u);
}

TEST_F(TarTest, BadChecksum) {
    TarWriter writer;
    writer.addFile("a.txt", toBytes("a"));
    const std::size_t second = writer.addFile("b.txt", toBytes("b"));
    Bytes archive = writer.finish();
    archive[second + 1] ^= 0x01;  // "b.txt" becomes "b/txt"
    EXPECT_TRUE(says(tarError(archive, "damaged.tar"),
                     {"damaged.tar: bad checksum in the header at byte 1024 (entry 'b/txt', after 'a.txt')",
                      "the archive is damaged, download it again"}));
}

TEST_F(TarTest, SizeFieldNotOctal) {
    TarWriter writer;
    const std::size_t header = writer.addFile("a.bin", patterned(100, 13));
    Bytes archive = writer.finish();
    test::setTarField(archive, header, test::kTarSizeField, test::kTarSizeLength, "0000001x234");
    EXPECT_TRUE(says(tarError(archive, "bad-size.tar"),
                     {"bad-size.tar: entry 'a.bin' has a size field ('0000001x234\\x00') that is not an octal or "
                      "base-256 number"}));
}

TEST_F(TarTest, NegativeAndHugeBase256Sizes) {
    TarWriter writer;
    const std::size_t header = writer.addFile("a.bin", patterned(100, 14));
    Bytes negative = writer.finish();
    std::fill(negative.begin() + header + 124, negative.begin() + header + 136, 0xFF);
    test::fixTarChecksum(negative, header);
    EXPECT_TRUE(says(tarError(negative, "neg.tar"), {"neg.tar: entry 'a.bin' has a negative size (-1)"}));

    Bytes huge = writer.finish();
    std::fill(huge.begin() + header + 124, huge.begin() + header + 136, 0x00);
    huge[header + 124] = 0x80;
    huge[header + 131] = 0x02;  // 2 << 32 = 8 GiB
    test::fixTarChecksum(huge, header);
    EXPECT_TRUE(says(tarError(huge, "huge.tar"), {"huge.tar: entry 'a.bin' claims 8589934592 bytes, more than the "
                                                  "4.29 GB"}));
}

TEST_F(TarTest, MalformedPaxHeaderAndOversizedLongName) {
    TarWriter writer;
    TarEntrySpec entry;
    entry.path = "a.txt";
    entry.pax = {{"path", "b.txt"}};
    writer.add(entry);
    Bytes archive = writer.finish();
    archive[512] = '9';  // "14 path=b.txt\n" now claims 94 bytes
    EXPECT_TRUE(says(tarError(archive, "pax.tar"),
                     {"pax.tar: the pax header at byte 0 is malformed (a record length of 94 does not fit)"}));

    TarWriter gnu(TarFormat::Gnu, TarLongNames::Gnu);
    gnu.addFile(std::string(150, 'g'), toBytes("x"));
    Bytes longName = gnu.finish();
    test::setTarField(longName, 0, test::kTarSizeField, test::kTarSizeLength, "00010000000");  // 2 MiB
    EXPECT_TRUE(says(tarError(longName, "gnu.tar"), {"gnu.tar: the GNU long name at byte 0 claims 2097152 bytes"}));

    TarWriter sized;
    TarEntrySpec badSize;
    badSize.path = "c.txt";
    badSize.pax = {{"size", "12e3"}};
    sized.add(badSize);
    EXPECT_TRUE(says(tarError(sized.finish(), "size.tar"), {"size.tar: entry 'c.txt' has a pax size ('12e3')"}));
}

TEST_F(TarTest, CorruptGzip) {
    TarWriter writer;
    writer.addFile("a.bin", patterned(50000, 15));
    Bytes gz = gzipBytes(writer.finish());
    gz[gz.size() / 2] ^= 0xFF;
    gz[gz.size() / 2 + 1] ^= 0x55;
    EXPECT_TRUE(says(tarError(gz, "kkanji.tar.gz"), {"kkanji.tar.gz: corrupt gzip stream: "}));
    const std::string path = write("kkanji.tar.gz", gz);
    EXPECT_TRUE(says(errorOf([&] { extractTar(path, m_dir.file("out")); }), {"kkanji.tar.gz: corrupt gzip stream: "}));
    EXPECT_FALSE(exists(m_dir.file("out")));
}

TEST_F(TarTest, PathTraversalIsRefusedAndNothingIsWritten) {
    for (const TarLongNames style : {TarLongNames::Prefix, TarLongNames::Gnu, TarLongNames::Pax}) {
        for (const std::string& evil :
             {std::string("../evil"), std::string("kkanji2/../../evil"), std::string(120, 'a') + "/../../evil"}) {
            TarWriter writer(TarFormat::Gnu, style);
            writer.addFile("kkanji2/good.png", toBytes("good"));
            writer.addFile(evil, toBytes("evil"));
            const Bytes archive = writer.finish();
            EXPECT_TRUE(says(tarError(archive, "evil.tar"),
                             {"evil.tar: entry '" + evil + "' has a path that climbs out of its folder with '..'",
                              "refusing the archive"}))
                << int(style);
            const std::string path = write("evil.tar", archive);
            const std::string target = m_dir.file("target/inner");
            EXPECT_TRUE(says(errorOf([&] { extractTar(path, target); }), {"evil.tar: entry '" + evil + "'"}));
            EXPECT_FALSE(exists(m_dir.file("evil")));
            EXPECT_FALSE(exists(m_dir.file("target/evil")));
            EXPECT_FALSE(exists(m_dir.file("target")));  // the good file and the folders made for it are gone
        }
    }
}

TEST_F(TarTest, AbsolutePathIsRefused) {
    const std::string outside = m_dir.file("absolute-evil");
    TarWriter writer;
    writer.addFile(outside, toBytes("evil"));
    const std::string path = write("abs.tar", writer.finish());
    const std::string target = m_dir.file("target");
    ::mkdir(target.c_str(), 0755);
    EXPECT_TRUE(
        says(errorOf([&] { extractTar(path, target); }), {"abs.tar: entry '" + outside + "' has an absolute path"}));
    EXPECT_FALSE(exists(outside));
    EXPECT_TRUE(exists(target));  // it was there before: kept, and empty
    EXPECT_TRUE(listTree(target).empty());
}

TEST_F(TarTest, SymlinkInTheTargetIsNotFollowed) {
    const std::string outside = m_dir.file("outside");
    const std::string target = m_dir.file("target");
    ::mkdir(outside.c_str(), 0755);
    ::mkdir(target.c_str(), 0755);
    ASSERT_EQ(::symlink(outside.c_str(), (target + "/kkanji2").c_str()), 0);
    TarWriter writer;
    writer.addFile("kkanji2/a.png", toBytes("a"));
    const std::string path = write("kkanji.tar", writer.finish());
    EXPECT_TRUE(says(errorOf([&] { extractTar(path, target); }),
                     {target + "/kkanji2: is a symbolic link: refusing to write entry 'kkanji2/a.png'"}));
    EXPECT_TRUE(listTree(outside).empty());
}

TEST_F(TarTest, ExtractCancelledLeavesNothingBehind) {
    TarWriter writer;
    for (int i = 0; i < 3; ++i)
        writer.addFile("kkanji2/U+4E0" + std::to_string(i) + "/a.png", patterned(3000, i));
    // After the cancel only entries with nothing to write, so only the per-entry check can stop it.
    writer.addDirectory("kkanji2/U+4E03/");
    writer.addFile("kkanji2/empty.png", {});
    const std::string path = write("kkanji.tar", writer.finish());
    const std::string target = m_dir.file("data/kkanji");
    std::atomic<bool> cancel{false};
    TarExtractOptions options;
    options.cancel = &cancel;
    int entriesSeen = 0;
    options.progress = [&](const TarProgress&) {
        if (++entriesSeen == 3)
            cancel = true;
    };
    EXPECT_THROW(extractTar(path, target, options), Cancelled);
    EXPECT_EQ(entriesSeen, 3);
    EXPECT_FALSE(exists(m_dir.file("data")));
    EXPECT_TRUE(listTree(m_dir.path()) == std::vector<std::string>{"kkanji.tar"});

    // Set before the start: nothing at all is created.
    EXPECT_THROW(extractTar(path, target, options), Cancelled);
    EXPECT_FALSE(exists(m_dir.file("data")));
}

TEST_F(TarTest, ExtractFailingMidwayRemovesWhatItWrote) {
    TarWriter writer;
    writer.addFile("a/1.bin", patterned(1000, 1));
    writer.addFile("a/b/2.bin", patterned(1000, 2));
    writer.addFile("c/3.bin", patterned(5000, 3));
    const Bytes full = writer.finish();
    const std::string path = write("cut.tar", Bytes(full.begin(), full.begin() + 5000));  // inside c/3.bin
    const std::string target = m_dir.file("target");
    ::mkdir(target.c_str(), 0755);
    test::writeBytes(target + "/mine.txt", toBytes("kept"));
    EXPECT_TRUE(says(errorOf([&] { extractTar(path, target); }), {"cut.tar: truncated inside entry 'c/3.bin'"}));
    EXPECT_EQ(listTree(target), std::vector<std::string>{"mine.txt"});
}
