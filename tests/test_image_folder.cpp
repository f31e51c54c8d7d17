// SPDX-License-Identifier: GPL-3.0-or-later
// Importing a user's own folder of images: the three layouts (class folders, split folders, list
// files) scanned to the right classes and files, everything unusable skipped and named, and the
// images decoded upright to 8-bit gray or RGB whatever their format (16-bit, CMYK, alpha, EXIF).
// Every image is made here with OpenCV (or libjpeg, for CMYK) inside a TempDir.
#include "common/error.h"
#include "data/folder_scan.h"
#include "data/image_decode.h"
#include "support/temp_dir.h"

#include <gtest/gtest.h>
#include <zlib.h>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

// After <cstdio>: jpeglib.h uses FILE and size_t without including their headers.
#include <jpeglib.h>

using namespace kanalab;
using kanalab::test::TempDir;
using kanalab::test::writeBytes;

namespace {

namespace fs = std::filesystem;
using Bytes = std::vector<std::uint8_t>;

void makeDirs(const std::string& path) {
    fs::create_directories(fs::u8path(path));
}

Bytes encode(const cv::Mat& mat, const std::string& extension) {
    Bytes bytes;
    if (!cv::imencode(extension, mat, bytes))
        throw std::runtime_error("cannot encode " + extension);
    return bytes;
}

// A small gray image whose content depends on seed, so files differ.
cv::Mat grayImage(int seed, int rows = 8, int cols = 8) {
    cv::Mat mat(rows, cols, CV_8UC1);
    for (int r = 0; r < rows; ++r)
        for (int c = 0; c < cols; ++c)
            mat.at<std::uint8_t>(r, c) = static_cast<std::uint8_t>((seed * 37 + r * 11 + c * 5) & 0xFF);
    return mat;
}

void writePng(const std::string& path, const cv::Mat& mat = grayImage(1)) {
    makeDirs(fs::u8path(path).parent_path().u8string());
    writeBytes(path, encode(mat, ".png"));
}

void writeText(const std::string& path, const std::string& text) {
    makeDirs(fs::u8path(path).parent_path().u8string());
    std::ofstream out(fs::u8path(path), std::ios::binary);
    out << text;
}

std::vector<std::string> classNames(const ImportListing& listing) {
    std::vector<std::string> names;
    for (const auto& c : listing.classes)
        names.push_back(c.name);
    return names;
}

std::vector<std::int64_t> labelsOf(const std::vector<ImportItem>& items) {
    std::vector<std::int64_t> labels;
    for (const auto& item : items)
        labels.push_back(item.classIndex);
    return labels;
}

// The skipped entry whose path ends with suffix, or nullptr.
const SkippedFile* skippedEnding(const ImportListing& listing, const std::string& suffix) {
    for (const auto& s : listing.skipped)
        if (s.path.size() >= suffix.size() && s.path.compare(s.path.size() - suffix.size(), suffix.size(), suffix) == 0)
            return &s;
    return nullptr;
}

const SkippedFile* skippedWithReason(const ImportListing& listing, const std::string& part) {
    for (const auto& s : listing.skipped)
        if (s.reason.find(part) != std::string::npos)
            return &s;
    return nullptr;
}

bool anyNoteContains(const ImportListing& listing, const std::string& part) {
    return std::any_of(listing.notes.begin(), listing.notes.end(),
                       [&](const std::string& n) { return n.find(part) != std::string::npos; });
}

std::string errorOf(const std::function<void()>& call) {
    try {
        call();
    } catch (const Error& error) {
        return error.what();
    }
    return "(no error)";
}

// A TIFF-structured EXIF block holding only Orientation (big-endian, as cameras often write it).
Bytes exifOrientation(int orientation) {
    return {'M',  'M',  0, 42, 0, 0, 0, 8,                                                   // header, IFD0 at 8
            0,    1,                                                                         // one entry
            0x01, 0x12, 0, 3,  0, 0, 0, 1, 0, static_cast<std::uint8_t>(orientation), 0, 0,  // Orientation
            0,    0,    0, 0};                                                               // no next IFD
}

// An APP1 Exif segment inserted right after SOI, as cameras place it.
Bytes withJpegOrientation(const Bytes& jpeg, int orientation) {
    const Bytes tiff = exifOrientation(orientation);
    const std::size_t length = 2 + 6 + tiff.size();
    Bytes app1 = {0xFF,
                  0xE1,
                  static_cast<std::uint8_t>(length >> 8),
                  static_cast<std::uint8_t>(length & 0xFF),
                  'E',
                  'x',
                  'i',
                  'f',
                  0,
                  0};
    app1.insert(app1.end(), tiff.begin(), tiff.end());
    Bytes out(jpeg.begin(), jpeg.begin() + 2);
    out.insert(out.end(), app1.begin(), app1.end());
    out.insert(out.end(), jpeg.begin() + 2, jpeg.end());
    return out;
}

void appendBigEndian32(Bytes& out, std::uint32_t value) {
    for (int shift = 24; shift >= 0; shift -= 8)
        out.push_back(static_cast<std::uint8_t>(value >> shift));
}

// A PNG eXIf chunk after IHDR (signature 8 bytes + IHDR 25 bytes).
Bytes withPngOrientation(const Bytes& png, int orientation) {
    const Bytes tiff = exifOrientation(orientation);
    Bytes body = {'e', 'X', 'I', 'f'};
    body.insert(body.end(), tiff.begin(), tiff.end());
    Bytes chunk;
    appendBigEndian32(chunk, static_cast<std::uint32_t>(tiff.size()));
    chunk.insert(chunk.end(), body.begin(), body.end());
    appendBigEndian32(chunk, static_cast<std::uint32_t>(crc32(0, body.data(), static_cast<uInt>(body.size()))));
    Bytes out(png.begin(), png.begin() + 33);
    out.insert(out.end(), chunk.begin(), chunk.end());
    out.insert(out.end(), png.begin() + 33, png.end());
    return out;
}

// A CMYK JPEG written with libjpeg, as Photoshop writes them: an Adobe APP14 marker and inverted
// values (255 = no ink). libjpeg stores what it is given; the inversion is the writer's.
Bytes cmykJpeg(int rows, int cols, const std::uint8_t inkCmyk[4]) {
    jpeg_compress_struct info;
    jpeg_error_mgr errors;
    info.err = jpeg_std_error(&errors);
    jpeg_create_compress(&info);
    unsigned char* buffer = nullptr;
    unsigned long size = 0;
    jpeg_mem_dest(&info, &buffer, &size);
    info.image_width = static_cast<JDIMENSION>(cols);
    info.image_height = static_cast<JDIMENSION>(rows);
    info.input_components = 4;
    info.in_color_space = JCS_CMYK;
    jpeg_set_defaults(&info);
    jpeg_set_quality(&info, 95, TRUE);
    info.write_Adobe_marker = TRUE;
    jpeg_start_compress(&info, TRUE);
    std::vector<JSAMPLE> row(static_cast<std::size_t>(cols) * 4);
    for (int c = 0; c < cols; ++c)
        for (int k = 0; k < 4; ++k)
            row[static_cast<std::size_t>(c) * 4 + k] = static_cast<JSAMPLE>(255 - inkCmyk[k]);
    while (info.next_scanline < info.image_height) {
        JSAMPROW rowPointer = row.data();
        jpeg_write_scanlines(&info, &rowPointer, 1);
    }
    jpeg_finish_compress(&info);
    Bytes out(buffer, buffer + size);
    std::free(buffer);
    jpeg_destroy_compress(&info);
    return out;
}

// OpenCV's own upright decode (IMREAD_COLOR applies EXIF), as planar RGB, for comparison.
DecodedImage opencvUprightRgb(const Bytes& bytes) {
    const cv::Mat bgr = cv::imdecode(bytes, cv::IMREAD_COLOR);
    DecodedImage image;
    image.channels = 3;
    image.rows = bgr.rows;
    image.cols = bgr.cols;
    image.pixels.resize(static_cast<std::size_t>(3) * bgr.rows * bgr.cols);
    for (int k = 0; k < 3; ++k)
        for (int r = 0; r < bgr.rows; ++r)
            for (int c = 0; c < bgr.cols; ++c)
                image.pixels[(static_cast<std::size_t>(k) * bgr.rows + r) * bgr.cols + c] =
                    bgr.at<cv::Vec3b>(r, c)[2 - k];
    return image;
}

}  // namespace

TEST(ImageFolder, ClassFoldersGiveSortedClassesAndFilesWithCounts) {
    TempDir dir;
    const std::string root = dir.file("scans");
    for (int i = 0; i < 3; ++i)
        writePng(root + "/b/img" + std::to_string(2 - i) + ".png", grayImage(i));
    for (int i = 0; i < 2; ++i)
        writePng(root + "/a/x" + std::to_string(i) + ".png", grayImage(10 + i));
    writePng(root + "/c/only.png");

    ASSERT_EQ(detectLayout(root), ImportLayout::ClassFolders);
    const ImportListing listing = scanImport(root, ImportLayout::ClassFolders);
    EXPECT_EQ(classNames(listing), (std::vector<std::string>{"a", "b", "c"}));
    ASSERT_EQ(listing.pool.size(), 6u);
    EXPECT_EQ(labelsOf(listing.pool), (std::vector<std::int64_t>{0, 0, 1, 1, 1, 2}));
    EXPECT_EQ(listing.pool[2].path, root + "/b/img0.png");  // sorted by path within a class
    EXPECT_EQ(listing.pool[4].path, root + "/b/img2.png");
    EXPECT_TRUE(listing.train.empty() && listing.validation.empty() && listing.test.empty());
    EXPECT_TRUE(listing.skipped.empty());
    // Deterministic: a second scan gives the same listing.
    const ImportListing again = scanImport(root, ImportLayout::ClassFolders);
    ASSERT_EQ(again.pool.size(), listing.pool.size());
    for (std::size_t i = 0; i < again.pool.size(); ++i)
        EXPECT_EQ(again.pool[i].path, listing.pool[i].path);
}

TEST(ImageFolder, SplitFoldersShareOneClassSetAndNoteMissingClasses) {
    TempDir dir;
    const std::string root = dir.path();
    writePng(root + "/train/a/1.png");
    writePng(root + "/train/a/2.png");
    writePng(root + "/train/b/1.png");
    writePng(root + "/valid/a/1.png");
    writePng(root + "/test/a/1.png");
    writePng(root + "/test/c/1.png");  // a class seen only in test
    writePng(root + "/stray.png");

    ASSERT_EQ(detectLayout(root), ImportLayout::SplitFolders);
    const ImportListing listing = scanImport(root, ImportLayout::SplitFolders);
    EXPECT_EQ(classNames(listing), (std::vector<std::string>{"a", "b", "c"}));
    EXPECT_EQ(labelsOf(listing.train), (std::vector<std::int64_t>{0, 0, 1}));
    EXPECT_EQ(labelsOf(listing.validation), (std::vector<std::int64_t>{0}));
    EXPECT_EQ(labelsOf(listing.test), (std::vector<std::int64_t>{0, 2}));
    EXPECT_EQ(listing.validation[0].path, root + "/valid/a/1.png");
    EXPECT_TRUE(listing.pool.empty());
    EXPECT_TRUE(anyNoteContains(listing, "no images in train: 'c'")) << testing::PrintToString(listing.notes);
    const SkippedFile* stray = skippedEnding(listing, "/stray.png");
    ASSERT_NE(stray, nullptr);
    EXPECT_NE(stray->reason.find("not in a split folder"), std::string::npos);
}

TEST(ImageFolder, ListFilesReadQuotedTabbedNamedRelativeAndAbsolutePaths) {
    TempDir dir;
    const std::string root = dir.file("lists");
    writePng(root + "/imgs/with space/x 1.png", grayImage(1));
    writePng(root + "/imgs/with space/y 2.png", grayImage(2));
    writePng(root + "/imgs/plain.png", grayImage(3));
    writePng(dir.file("elsewhere/abs.png"), grayImage(4));
    writeText(root + "/classes.txt", "dog\ncat\nbird\n");
    writeText(root + "/train.txt",
              "# mini-ImageNet style list\n"
              "\n"
              "\"imgs/with space/x 1.png\" 0\n"
              "imgs/with space/y 2.png\tcat\n"
              "imgs/plain.png 2\r\n" +
                  dir.file("elsewhere/abs.png") + " bird\n");
    writeText(root + "/val.txt", "imgs/plain.png dog\n");
    writeText(root + "/test.txt", "\"imgs/with space/y 2.png\"\t\"cat\"\n");

    ASSERT_EQ(detectLayout(root), ImportLayout::ListFiles);
    ASSERT_EQ(detectLayout(root + "/train.txt"), ImportLayout::ListFiles);
    const ImportListing listing = scanImport(root, ImportLayout::ListFiles);
    EXPECT_EQ(classNames(listing), (std::vector<std::string>{"dog", "cat", "bird"}));
    ASSERT_EQ(listing.train.size(), 4u) << (listing.skipped.empty() ? "" : listing.skipped[0].reason);
    EXPECT_EQ(listing.train[0].path, root + "/imgs/with space/x 1.png");
    EXPECT_EQ(listing.train[1].path, root + "/imgs/with space/y 2.png");
    EXPECT_EQ(listing.train[3].path, dir.file("elsewhere/abs.png"));
    EXPECT_EQ(labelsOf(listing.train), (std::vector<std::int64_t>{0, 1, 2, 2}));
    EXPECT_EQ(labelsOf(listing.validation), (std::vector<std::int64_t>{0}));
    EXPECT_EQ(labelsOf(listing.test), (std::vector<std::int64_t>{1}));
    EXPECT_TRUE(listing.skipped.empty());
    // The same image in train and in val/test is worth telling the user.
    EXPECT_TRUE(anyNoteContains(listing, "more than one split"));
    // Given the list file itself, the folder's lists are read the same way.
    EXPECT_EQ(scanImport(root + "/train.txt", ImportLayout::ListFiles).train.size(), 4u);
}

TEST(ImageFolder, ListFileBadLinesAreSkippedWithTheirLineNumbers) {
    TempDir dir;
    const std::string root = dir.path();
    writePng(root + "/a.png");
    writePng(root + "/b.png", grayImage(2));
    writeText(root + "/classes.txt", "zero\none\n");
    writeText(root + "/train.txt",
              "a.png 0\n"        // 1 good
              "missing.png 1\n"  // 2 no such file
              "a.png horse\n"    // 3 unknown class
              "b.png 7\n"        // 4 out of range
              "\"a.png 1\n"      // 5 unclosed quote
              "a b c.png 1\n"    // 6 three fields, unquoted
              "b.png\n"          // 7 no label
              "b.png -1\n"       // 8 out of range
              "b.png one\n");    // 9 good, by name
    const ImportListing listing = scanImport(root, detectLayout(root));
    EXPECT_EQ(labelsOf(listing.train), (std::vector<std::int64_t>{0, 1}));
    ASSERT_EQ(listing.skipped.size(), 7u);
    const std::vector<std::pair<std::string, std::string>> expected = {
        {"train.txt line 2: no such file", "missing.png"},       {"train.txt line 3: unknown class 'horse'", "a.png"},
        {"train.txt line 4: label 7 out of range", "b.png"},     {"train.txt line 5: ", "train.txt"},
        {"train.txt line 6: more than two fields", "train.txt"}, {"train.txt line 7: no label", "train.txt"},
        {"train.txt line 8: label -1 out of range", "b.png"}};
    for (const auto& [reason, pathEnd] : expected) {
        const SkippedFile* s = skippedWithReason(listing, reason);
        ASSERT_NE(s, nullptr) << reason;
        EXPECT_EQ(s->path.substr(s->path.size() - pathEnd.size()), pathEnd) << reason;
    }
}

TEST(ImageFolder, ListFileWithoutClassesTxtNumbersOrSortedNames) {
    TempDir dir;
    writePng(dir.file("n/a.png"));
    writePng(dir.file("n/b.png"), grayImage(2));
    writeText(dir.file("n/train.txt"), "a.png 2\nb.png 0\n");
    ImportListing numbered = scanImport(dir.file("n"), ImportLayout::ListFiles);
    EXPECT_EQ(classNames(numbered), (std::vector<std::string>{"0", "1", "2"}));
    EXPECT_EQ(labelsOf(numbered.train), (std::vector<std::int64_t>{2, 0}));
    EXPECT_TRUE(anyNoteContains(numbered, "no images in train: '1'"));

    writePng(dir.file("s/a.png"));
    writePng(dir.file("s/b.png"), grayImage(2));
    writeText(dir.file("s/all images.txt"), "a.png zebra\nb.png ant\n");
    ASSERT_EQ(detectLayout(dir.file("s/all images.txt")), ImportLayout::ListFiles);
    ImportListing named = scanImport(dir.file("s/all images.txt"), ImportLayout::ListFiles);
    EXPECT_EQ(classNames(named), (std::vector<std::string>{"ant", "zebra"}));
    EXPECT_EQ(labelsOf(named.pool), (std::vector<std::int64_t>{1, 0}));  // one list: a pool
    EXPECT_TRUE(named.train.empty());
}

TEST(ImageFolder, UnicodeCodePointFoldersAreShownAsTheirCharacter) {
    TempDir dir;
    writePng(dir.file("kanji/U+304A/1.png"));
    writePng(dir.file("kanji/U+3042/1.png"));
    writePng(dir.file("kanji/u+1f600/1.png"));
    writePng(dir.file("kanji/other/1.png"));
    const ImportListing listing = scanImport(dir.file("kanji"), ImportLayout::ClassFolders);
    ASSERT_EQ(listing.classes.size(), 4u);
    EXPECT_EQ(listing.classes[0].name, "U+3042");
    EXPECT_EQ(listing.classes[0].glyph, "あ");
    EXPECT_EQ(listing.classes[1].glyph, "お");
    EXPECT_EQ(listing.classes[2].name, "other");
    EXPECT_EQ(listing.classes[2].glyph, "");
    EXPECT_EQ(listing.classes[3].glyph, "\xF0\x9F\x98\x80");  // U+1F600, four UTF-8 bytes

    EXPECT_EQ(glyphForFolderName("u+304a"), "お");
    EXPECT_EQ(glyphForFolderName("U+0041"), "A");
    EXPECT_EQ(glyphForFolderName("U+00E9"), "\xC3\xA9");
    EXPECT_EQ(glyphForFolderName("U+10FFFF"), "\xF4\x8F\xBF\xBF");
    EXPECT_EQ(glyphForFolderName("U+D800"), "");    // surrogate
    EXPECT_EQ(glyphForFolderName("U+110000"), "");  // past Unicode
    EXPECT_EQ(glyphForFolderName("U+304G"), "");
    EXPECT_EQ(glyphForFolderName("U+30"), "");
    EXPECT_EQ(glyphForFolderName("X+304A"), "");
}

TEST(ImageFolder, CorruptImageThrowsASentenceNamingItAndALoopSkipsIt) {
    TempDir dir;
    const std::string root = dir.path();
    writePng(root + "/a/good1.png", grayImage(1));
    writePng(root + "/a/good2.png", grayImage(2));
    const Bytes png = encode(grayImage(3, 32, 32), ".png");
    const Bytes truncated(png.begin(), png.begin() + static_cast<std::ptrdiff_t>(png.size() / 2));
    writeBytes(root + "/a/scan_003.png", truncated);

    EXPECT_EQ(errorOf([&] { decodeImage(truncated, 1, "scan_003.png"); }),
              "scan_003.png: not an image OpenCV can read (or the file is damaged)");
    EXPECT_NE(errorOf([&] { probeImage(root + "/a/scan_003.png"); }), "(no error)");
    Bytes garbage(100, 0x42);
    EXPECT_NE(errorOf([&] { decodeImage(garbage, 3, "noise.jpg"); }).find("noise.jpg: not an image"),
              std::string::npos);

    // The scan does not decode; the loop that decodes skips what fails and says which.
    const ImportListing listing = scanImport(root, ImportLayout::ClassFolders);
    ASSERT_EQ(listing.pool.size(), 3u);
    std::vector<DecodedImage> decoded;
    std::vector<std::string> failures;
    for (const auto& item : listing.pool) {
        try {
            decoded.push_back(loadImageFile(item.path, 1));
        } catch (const Error& error) {
            failures.push_back(error.what());
        }
    }
    EXPECT_EQ(decoded.size(), 2u);
    ASSERT_EQ(failures.size(), 1u);
    EXPECT_EQ(failures[0], root + "/a/scan_003.png: not an image OpenCV can read (or the file is damaged)");
}

TEST(ImageFolder, EmptyFileIsSkippedAndNamedWhenRead) {
    TempDir dir;
    writePng(dir.file("a/good.png"));
    writeBytes(dir.file("a/empty.png"), {});
    const ImportListing listing = scanImport(dir.path(), ImportLayout::ClassFolders);
    EXPECT_EQ(listing.pool.size(), 1u);
    const SkippedFile* empty = skippedEnding(listing, "/empty.png");
    ASSERT_NE(empty, nullptr);
    EXPECT_EQ(empty->reason, "empty file");
    EXPECT_EQ(errorOf([&] { loadImageFile(dir.file("a/empty.png"), 1); }),
              dir.file("a/empty.png") + ": the file is empty (0 bytes)");
    EXPECT_EQ(errorOf([&] { decodeImage({}, 1, "empty.png"); }), "empty.png: the file is empty (0 bytes)");
    EXPECT_NE(errorOf([&] { loadImageFile(dir.file("a/nothing.png"), 1); }).find("no such image file"),
              std::string::npos);
}

TEST(ImageFolder, NonImagesAndHiddenFilesAreSkippedWithReasons) {
    TempDir dir;
    writePng(dir.file("a/good.png"));
    writeText(dir.file("a/notes.txt"), "scanned on Tuesday");
    writeText(dir.file("a/labels.csv"), "a,b\n");
    writeText(dir.file("a/README"), "x");
    writeBytes(dir.file("a/.DS_Store"), Bytes(16, 1));
    writeBytes(dir.file("a/._good.png"), Bytes(16, 1));  // macOS resource fork
    writePng(dir.file("a/.hidden/inside.png"));
    const ImportListing listing = scanImport(dir.path(), ImportLayout::ClassFolders);
    ASSERT_EQ(listing.pool.size(), 1u);
    EXPECT_EQ(listing.pool[0].path, dir.file("a/good.png"));
    ASSERT_EQ(listing.skipped.size(), 6u);
    EXPECT_EQ(skippedEnding(listing, "/notes.txt")->reason, "not an image file (.txt)");
    EXPECT_EQ(skippedEnding(listing, "/labels.csv")->reason, "not an image file (.csv)");
    EXPECT_EQ(skippedEnding(listing, "/README")->reason, "not an image file (no extension)");
    EXPECT_EQ(skippedEnding(listing, "/.DS_Store")->reason, "hidden file");
    EXPECT_EQ(skippedEnding(listing, "/._good.png")->reason, "hidden file");
    EXPECT_EQ(skippedEnding(listing, "/.hidden")->reason, "hidden folder");
}

TEST(ImageFolder, EmptyClassFolderIsNotedAndIsNotAClass) {
    TempDir dir;
    writePng(dir.file("a/1.png"));
    makeDirs(dir.file("b"));
    writePng(dir.file("c/1.png"));
    writeText(dir.file("d/only.txt"), "not an image");
    const ImportListing listing = scanImport(dir.path(), ImportLayout::ClassFolders);
    EXPECT_EQ(classNames(listing), (std::vector<std::string>{"a", "c"}));
    EXPECT_EQ(labelsOf(listing.pool), (std::vector<std::int64_t>{0, 1}));
    EXPECT_TRUE(anyNoteContains(listing, "2 empty class folders")) << testing::PrintToString(listing.notes);
    EXPECT_TRUE(anyNoteContains(listing, "'b', 'd'"));
}

TEST(ImageFolder, SymlinkLoopIsReportedAndLinkedFoldersAreReadOnce) {
    TempDir dir;
    const std::string root = dir.file("root");
    writePng(root + "/a/1.png");
    fs::create_directory_symlink("..", root + "/a/loop");  // a/loop -> root: would recurse forever
    fs::create_directory_symlink(".", root + "/a/self");
    writePng(dir.file("outside/1.png"));
    writePng(dir.file("outside/2.png"), grayImage(2));
    fs::create_directory_symlink("../outside", root + "/linked");
    fs::create_directory_symlink("../outside", root + "/linked_again");
    fs::create_directory_symlink("../nowhere", root + "/broken");
    fs::create_directory_symlink("..", root + "/up");  // above the root: would scan it all again

    const ImportListing listing = scanImport(root, detectLayout(root));
    EXPECT_EQ(classNames(listing), (std::vector<std::string>{"a", "linked"}));
    EXPECT_EQ(labelsOf(listing.pool), (std::vector<std::int64_t>{0, 1, 1}));
    const SkippedFile* loop = skippedEnding(listing, "/a/loop");
    ASSERT_NE(loop, nullptr);
    EXPECT_NE(loop->reason.find("symbolic link loop"), std::string::npos) << loop->reason;
    ASSERT_NE(skippedEnding(listing, "/a/self"), nullptr);
    ASSERT_NE(skippedEnding(listing, "/up"), nullptr);
    EXPECT_NE(skippedEnding(listing, "/up")->reason.find("symbolic link loop"), std::string::npos);
    ASSERT_NE(skippedEnding(listing, "/linked_again"), nullptr);
    EXPECT_NE(skippedEnding(listing, "/linked_again")->reason.find("scanned once"), std::string::npos);
    ASSERT_NE(skippedEnding(listing, "/broken"), nullptr);
    EXPECT_EQ(skippedEnding(listing, "/broken")->reason, "broken symbolic link");
}

TEST(ImageFolder, SixteenBitPngIsScaledNotTruncatedTo8Bit) {
    cv::Mat gray16(4, 256, CV_16UC1);
    for (int r = 0; r < gray16.rows; ++r)
        for (int c = 0; c < gray16.cols; ++c)
            gray16.at<std::uint16_t>(r, c) = static_cast<std::uint16_t>(std::lround((r * 256 + c) * 65535.0 / 1023.0));
    const Bytes bytes = encode(gray16, ".png");
    const DecodedImage image = decodeImage(bytes, 1, "deep.png");
    ASSERT_EQ(image.rows, 4);
    ASSERT_EQ(image.cols, 256);
    int differsFromTruncation = 0;
    for (int r = 0; r < image.rows; ++r)
        for (int c = 0; c < image.cols; ++c) {
            const int value = gray16.at<std::uint16_t>(r, c);
            ASSERT_EQ(image.at(0, r, c), std::lround(value / 257.0)) << "16-bit value " << value;
            differsFromTruncation += image.at(0, r, c) != (value >> 8);
        }
    EXPECT_GT(differsFromTruncation, 100);  // the check above tells scaling from dropping the low byte
    EXPECT_EQ(image.at(0, 0, 0), 0);
    EXPECT_EQ(image.at(0, 3, 255), 255);

    // 16-bit colour too: BGR (0, 32896, 65535) is RGB (255, 128, 0).
    const cv::Mat colour16(2, 2, CV_16UC3, cv::Scalar(0, 32896, 65535));
    const DecodedImage rgb = decodeImage(encode(colour16, ".png"), 3, "deep-colour.png");
    EXPECT_EQ(rgb.at(0, 1, 1), 255);
    EXPECT_EQ(rgb.at(1, 1, 1), 128);
    EXPECT_EQ(rgb.at(2, 1, 1), 0);

    TempDir dir;
    writeBytes(dir.file("deep.png"), bytes);
    const ImageProbe probe = probeImage(dir.file("deep.png"));
    EXPECT_EQ(probe.depthBits, 16);
    EXPECT_FALSE(probe.colour);
    EXPECT_EQ(probe.rows, 4);
    EXPECT_EQ(probe.cols, 256);
}

TEST(ImageFolder, CmykJpegIsDecodedToTheRightColour) {
    struct Case {
        std::uint8_t ink[4];  // C, M, Y, K ink amounts
        int r, g, b;
    };
    const Case cases[] = {
        {{0, 255, 255, 0}, 255, 0, 0},    // red
        {{255, 255, 0, 0}, 0, 0, 255},    // blue
        {{0, 0, 0, 128}, 127, 127, 127},  // gray from black ink only
        {{0, 0, 0, 0}, 255, 255, 255},    // paper
    };
    for (const Case& c : cases) {
        const Bytes jpeg = cmykJpeg(8, 16, c.ink);
        const DecodedImage rgb = decodeImage(jpeg, 3, "cmyk.jpg");
        ASSERT_EQ(rgb.channels, 3);
        ASSERT_EQ(rgb.rows, 8);
        ASSERT_EQ(rgb.cols, 16);
        EXPECT_NEAR(rgb.at(0, 4, 8), c.r, 4) << "ink " << int(c.ink[0]) << "," << int(c.ink[1]) << "," << int(c.ink[2]);
        EXPECT_NEAR(rgb.at(1, 4, 8), c.g, 4);
        EXPECT_NEAR(rgb.at(2, 4, 8), c.b, 4);
    }
    // Gray luminance of red: 0.299 * 255.
    const DecodedImage gray = decodeImage(cmykJpeg(8, 16, cases[0].ink), 1, "cmyk.jpg");
    EXPECT_NEAR(gray.at(0, 4, 8), 76, 4);

    TempDir dir;
    writeBytes(dir.file("cmyk.jpg"), cmykJpeg(8, 16, cases[0].ink));
    EXPECT_TRUE(probeImage(dir.file("cmyk.jpg")).colour);
}

TEST(ImageFolder, ExifOrientationSixTurnsTheImageAsOpenCvDoes) {
    // 20 rows x 40 columns, black, with a white block in the top-left corner.
    cv::Mat bgr(20, 40, CV_8UC3, cv::Scalar(0, 0, 0));
    bgr(cv::Rect(0, 0, 8, 4)).setTo(cv::Scalar(255, 255, 255));
    const Bytes jpeg = withJpegOrientation(encode(bgr, ".jpg"), 6);

    const DecodedImage image = decodeImage(jpeg, 1, "camera.jpg");
    ASSERT_EQ(image.rows, 40);  // rows and cols swapped
    ASSERT_EQ(image.cols, 20);
    // Orientation 6 is "rotate 90 degrees clockwise to view": the top-left corner goes top-right.
    EXPECT_GT(image.at(0, 2, 18), 200);
    EXPECT_LT(image.at(0, 2, 1), 50);
    EXPECT_LT(image.at(0, 38, 18), 50);

    TempDir dir;
    writeBytes(dir.file("camera.jpg"), jpeg);
    const ImageProbe probe = probeImage(dir.file("camera.jpg"));
    EXPECT_EQ(probe.rows, 40);
    EXPECT_EQ(probe.cols, 20);
    EXPECT_TRUE(probe.colour);

    // Every orientation, in JPEG (APP1) and PNG (eXIf), exactly as OpenCV's IMREAD_COLOR turns it.
    for (int orientation = 1; orientation <= 8; ++orientation) {
        for (const Bytes& bytes : {withJpegOrientation(encode(bgr, ".jpg"), orientation),
                                   withPngOrientation(encode(bgr, ".png"), orientation)}) {
            const DecodedImage ours = decodeImage(bytes, 3, "turned");
            const DecodedImage opencv = opencvUprightRgb(bytes);
            EXPECT_EQ(ours.rows, opencv.rows) << "orientation " << orientation;
            EXPECT_EQ(ours.cols, opencv.cols) << "orientation " << orientation;
            EXPECT_TRUE(ours.pixels == opencv.pixels) << "orientation " << orientation;
        }
    }
}

TEST(ImageFolder, JapaneseAndSpacesInPathsWork) {
    TempDir dir;
    const std::string root = dir.file("データ");
    const std::string image = root + "/お 文字/画像 1.png";
    cv::Mat mat(6, 9, CV_8UC1, cv::Scalar(200));
    writePng(image, mat);
    writePng(root + "/U+304A/画像.png");

    ASSERT_EQ(detectLayout(root), ImportLayout::ClassFolders);
    const ImportListing listing = scanImport(root, ImportLayout::ClassFolders);
    EXPECT_EQ(classNames(listing), (std::vector<std::string>{"U+304A", "お 文字"}));
    ASSERT_EQ(listing.pool.size(), 2u);
    EXPECT_EQ(listing.pool[1].path, image);
    const DecodedImage decoded = loadImageFile(listing.pool[1].path, 1);
    EXPECT_EQ(decoded.rows, 6);
    EXPECT_EQ(decoded.cols, 9);
    EXPECT_EQ(decoded.at(0, 3, 3), 200);
    EXPECT_EQ(probeImage(image).cols, 9);

    writeText(root + "/train.txt", "\"お 文字/画像 1.png\" お\n");
    writeText(root + "/classes.txt", "あ\nお\n");
    const ImportListing listed = scanImport(root, detectLayout(root));
    ASSERT_EQ(listed.train.size(), 1u);
    EXPECT_EQ(listed.train[0].path, image);
    EXPECT_EQ(listed.train[0].classIndex, 1);
}

TEST(ImageFolder, FitImagePadsAndCentreCropsWithTheRightGeometry) {
    // 20 rows x 40 cols: white paper, the left 10 columns black, a 2-pixel black line at 19-20.
    cv::Mat mat(20, 40, CV_8UC1, cv::Scalar(255));
    mat(cv::Rect(0, 0, 10, 20)).setTo(0);
    mat(cv::Rect(19, 0, 2, 20)).setTo(0);
    const DecodedImage image = decodeImage(encode(mat, ".png"), 1, "wide.png");

    // Pad: scaled by 0.8 to 32 x 16, centred: rows 8-23 hold it, the rest is the border colour.
    const DecodedImage padded = fitImage(image, 32, 32, FitMode::Pad);
    ASSERT_EQ(padded.rows, 32);
    ASSERT_EQ(padded.cols, 32);
    for (int c = 0; c < 32; ++c) {
        EXPECT_EQ(padded.at(0, 7, c), 255) << c;
        EXPECT_EQ(padded.at(0, 24, c), 255) << c;
        EXPECT_LT(padded.at(0, 8, c < 7 ? c : 0), 30) << c;
    }
    EXPECT_EQ(padded.at(0, 16, 0), 0);  // the black left part, 10 * 0.8 = 8 columns
    EXPECT_GT(padded.at(0, 16, 10), 225);
    EXPECT_LT(padded.at(0, 16, 15) + padded.at(0, 16, 16), 300);  // the line, near 19.5 * 0.8

    // CentreCrop: scaled by 1.6 to 64 x 32, columns 16-47 kept: the black left part is gone and
    // the line (at 19.5 * 1.6 - 16 = 15.2) is in the middle.
    const DecodedImage cropped = fitImage(image, 32, 32, FitMode::CentreCrop);
    ASSERT_EQ(cropped.rows, 32);
    ASSERT_EQ(cropped.cols, 32);
    for (int r = 0; r < 32; ++r) {
        EXPECT_GT(cropped.at(0, r, 2), 225) << r;
        EXPECT_GT(cropped.at(0, r, 30), 225) << r;
        EXPECT_LT(cropped.at(0, r, 15), 60) << r;
    }

    // Dark background: padded with black. Colour kept per channel.
    const cv::Mat darkRed(10, 40, CV_8UC3, cv::Scalar(0, 0, 0));
    cv::Mat dark = darkRed.clone();
    dark(cv::Rect(10, 2, 20, 6)).setTo(cv::Scalar(0, 0, 255));
    const DecodedImage paddedColour = fitImage(decodeImage(encode(dark, ".png"), 3, "dark.png"), 32, 32, FitMode::Pad);
    EXPECT_EQ(paddedColour.channels, 3);
    EXPECT_EQ(paddedColour.at(0, 0, 0), 0);
    EXPECT_EQ(paddedColour.at(0, 16, 16), 255);  // red in channel 0
    EXPECT_EQ(paddedColour.at(2, 16, 16), 0);

    // Shrinking averages (INTER_AREA): one white column in four becomes 64, not 0 or 255.
    cv::Mat stripes(8, 8, CV_8UC1, cv::Scalar(0));
    stripes.col(0).setTo(255);
    stripes.col(4).setTo(255);
    const DecodedImage shrunk = fitImage(decodeImage(encode(stripes, ".png"), 1, "s.png"), 2, 2, FitMode::Pad);
    EXPECT_NEAR(shrunk.at(0, 0, 0), 64, 1);
    EXPECT_NEAR(shrunk.at(0, 1, 1), 64, 1);

    EXPECT_NE(errorOf([&] { fitImage(image, 0, 32, FitMode::Pad); }), "(no error)");
}

TEST(ImageFolder, ColourAndGrayDecodingUseRgbOrderAndWhiteForTransparency) {
    const cv::Mat red(4, 6, CV_8UC3, cv::Scalar(0, 0, 255));  // OpenCV's BGR: pure red
    const Bytes bytes = encode(red, ".png");
    const DecodedImage rgb = decodeImage(bytes, 3, "red.png");
    ASSERT_EQ(rgb.channels, 3);
    ASSERT_EQ(rgb.pixels.size(), 3u * 4 * 6);
    EXPECT_EQ(rgb.at(0, 2, 3), 255);
    EXPECT_EQ(rgb.at(1, 2, 3), 0);
    EXPECT_EQ(rgb.at(2, 2, 3), 0);
    EXPECT_EQ(rgb.pixels[0], 255);  // planar: the whole R plane first
    EXPECT_EQ(rgb.pixels[4 * 6], 0);
    const DecodedImage gray = decodeImage(bytes, 1, "red.png");
    ASSERT_EQ(gray.channels, 1);
    EXPECT_EQ(gray.at(0, 0, 0), 76);  // luminance 0.299 * 255

    // A gray file asked for RGB: three equal planes.
    const DecodedImage grayAsRgb = decodeImage(encode(grayImage(5), ".png"), 3, "g.png");
    EXPECT_EQ(grayAsRgb.at(0, 3, 3), grayImage(5).at<std::uint8_t>(3, 3));
    EXPECT_EQ(grayAsRgb.at(2, 3, 3), grayImage(5).at<std::uint8_t>(3, 3));

    // Transparent is paper: fully transparent black becomes white, half-transparent black gray.
    cv::Mat rgba(2, 2, CV_8UC4, cv::Scalar(0, 0, 0, 0));
    rgba.at<cv::Vec4b>(1, 1) = cv::Vec4b(0, 0, 0, 128);
    rgba.at<cv::Vec4b>(0, 1) = cv::Vec4b(0, 0, 0, 255);
    const DecodedImage composed = decodeImage(encode(rgba, ".png"), 1, "ink.png");
    EXPECT_EQ(composed.at(0, 0, 0), 255);
    EXPECT_EQ(composed.at(0, 0, 1), 0);
    EXPECT_EQ(composed.at(0, 1, 1), 127);

    TempDir dir;
    writeBytes(dir.file("red.png"), bytes);
    writeBytes(dir.file("gray.png"), encode(grayImage(1), ".png"));
    writeBytes(dir.file("gray.bmp"), encode(grayImage(1), ".bmp"));
    writeBytes(dir.file("red.webp"), encode(red, ".webp"));
    EXPECT_TRUE(probeImage(dir.file("red.png")).colour);
    EXPECT_FALSE(probeImage(dir.file("gray.png")).colour);
    EXPECT_FALSE(probeImage(dir.file("gray.bmp")).colour);
    EXPECT_TRUE(probeImage(dir.file("red.webp")).colour);
    EXPECT_NE(errorOf([&] { decodeImage(bytes, 2, "red.png"); }), "(no error)");
}

TEST(ImageFolder, DetectLayoutSaysWhatIsWrongInWords) {
    TempDir dir;
    EXPECT_EQ(errorOf([&] { detectLayout(dir.file("absent")); }), dir.file("absent") + ": no such folder");
    EXPECT_NE(errorOf([&] { detectLayout(dir.path()); }).find("the folder is empty"), std::string::npos);
    writeBytes(dir.file(".DS_Store"), Bytes(4, 1));
    EXPECT_NE(errorOf([&] { detectLayout(dir.path()); }).find("the folder is empty"), std::string::npos);
    writePng(dir.file("loose.png"));
    EXPECT_NE(errorOf([&] { detectLayout(dir.path()); }).find("has no class folders"), std::string::npos);
    EXPECT_NE(errorOf([&] { scanImport(dir.file("absent"), ImportLayout::ClassFolders); }).find("no such folder"),
              std::string::npos);
    EXPECT_NE(errorOf([&] { scanImport(dir.path(), ImportLayout::ListFiles); }).find("train.txt"), std::string::npos);
    // Only loose files: scanning anyway finds no image and says so instead of failing.
    const ImportListing listing = scanImport(dir.path(), ImportLayout::ClassFolders);
    EXPECT_EQ(listing.imageCount(), 0u);
    EXPECT_TRUE(anyNoteContains(listing, "no usable images"));
    EXPECT_NE(skippedEnding(listing, "/loose.png"), nullptr);
}
