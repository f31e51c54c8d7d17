// SPDX-License-Identifier: GPL-3.0-or-later
// The .npy / .npz reader: the official KMNIST .npz files match their IDX twins byte for byte,
// hand-built archives (stored, deflate, ZIP64, .npy 1.0-3.0, any byte order) read back exactly,
// and every kind of malformed file ends in a kanalab::Error that names the file and says what is
// wrong in words.
#include "common/error.h"
#include "data/byte_stream.h"
#include "data/idx_reader.h"
#include "data/npz_reader.h"
#include "support/temp_dir.h"
#include "support/test_data.h"
#include "support/zip_writer.h"

#include <gtest/gtest.h>

#include <sys/resource.h>
#include <unistd.h>

#include <cstdint>
#include <fstream>
#include <map>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

using namespace kanalab;
using kanalab::test::buildZip;
using kanalab::test::BuiltZip;
using kanalab::test::npyBytes;
using kanalab::test::npyWithHeader;
using kanalab::test::setLe16;
using kanalab::test::setLe32;
using kanalab::test::setLe64;
using kanalab::test::TempDir;
using kanalab::test::writeBytes;
using kanalab::test::zipBytes;
using kanalab::test::ZipMember;
using kanalab::test::ZipMethod;
using kanalab::test::ZipOptions;

namespace {

using Bytes = std::vector<std::uint8_t>;

// A pixel pattern that differs per image, row, column and channel, so any misplaced byte shows.
Bytes pattern(std::size_t count, std::size_t seed = 0) {
    Bytes out(count);
    for (std::size_t i = 0; i < count; ++i)
        out[i] = static_cast<std::uint8_t>((i * 7 + seed * 31 + 3) & 0xFF);
    return out;
}

// One member arr_0.npy, as numpy.savez writes it.
Bytes npzOf(const Bytes& npy, ZipMethod method = ZipMethod::Deflate, bool zip64 = false) {
    return zipBytes({{"arr_0.npy", npy, method, zip64}}, ZipOptions{zip64, ""});
}

// Offsets inside the headers the writer lays out.
constexpr std::size_t kLocalFlags = 6, kLocalMethod = 8, kLocalCrc = 14, kLocalCompressed = 18, kLocalName = 30;
constexpr std::size_t kCentralFlags = 8, kCentralMethod = 10, kCentralCompressed = 20, kCentralUncompressed = 24;
constexpr std::size_t kCentralExtraLength = 30, kCentralLocalOffset = 42;
constexpr std::size_t kEndDirectoryOffset = 16;

// Reads the archive and returns the error's message; fails the test when no kanalab::Error comes.
std::string npzError(const Bytes& bytes, const std::string& name, const std::string& entry = "") {
    try {
        const NpyArray array = readNpzArray(bytes.data(), bytes.size(), name, entry);
        ADD_FAILURE() << name << " was read without error (" << array.data.size() << " bytes)";
    } catch (const Error& e) {
        return e.what();
    } catch (const std::exception& e) {
        ADD_FAILURE() << name << " threw something other than kanalab::Error: " << e.what();
    }
    return {};
}

std::string npyError(const Bytes& bytes, const std::string& name) {
    try {
        const NpyArray array = readNpy(bytes.data(), bytes.size(), name);
        ADD_FAILURE() << name << " was read without error (" << array.data.size() << " bytes)";
    } catch (const Error& e) {
        return e.what();
    } catch (const std::exception& e) {
        ADD_FAILURE() << name << " threw something other than kanalab::Error: " << e.what();
    }
    return {};
}

// The archive reads; converting it to images (or labels) is what fails.
std::string conversionError(const Bytes& bytes, const std::string& name, bool images) {
    NpyArray array = readNpzArray(bytes.data(), bytes.size(), name);
    try {
        if (images)
            npyToImages(std::move(array), name);
        else
            npyToLabels(array, name);
        ADD_FAILURE() << name << " was converted without error";
    } catch (const Error& e) {
        return e.what();
    }
    return {};
}

// The message names the file first and holds the phrase that says what is wrong.
::testing::AssertionResult says(const std::string& message, const std::string& file, const std::string& phrase) {
    if (message.compare(0, file.size(), file) != 0 ||
        (message.size() > file.size() && message[file.size()] != ':' && message[file.size()] != ' '))
        return ::testing::AssertionFailure() << "does not start with the file name \"" << file << "\": " << message;
    if (message.find(phrase) == std::string::npos)
        return ::testing::AssertionFailure() << "lacks \"" << phrase << "\": " << message;
    return ::testing::AssertionSuccess();
}

std::string sharedFile(const std::string& dataset, const std::string& name) {
    return kanalab::test::sharedDataDir() + "/" + dataset + "/" + name;
}

Bytes idxLabels(const Bytes& labels) {
    Bytes out = {0, 0, 8, 1, 0, 0, 0, static_cast<std::uint8_t>(labels.size())};
    out.insert(out.end(), labels.begin(), labels.end());
    return out;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// The official files

TEST(NpzOfficial, KmnistTestImagesMatchTheIdxFile) {
    KANALAB_REQUIRE_SHARED("kmnist", "kmnist-test-imgs.npz");
    KANALAB_REQUIRE_SHARED("kmnist", "t10k-images-idx3-ubyte.gz");
    NpyArray array = readNpzFile(sharedFile("kmnist", "kmnist-test-imgs.npz"));
    EXPECT_EQ(array.descr, "|u1");
    EXPECT_EQ(array.entryName, "arr_0.npy");
    EXPECT_EQ(array.shape, (std::vector<std::int64_t>{10000, 28, 28}));
    EXPECT_EQ(array.elementCount(), 10000 * 28 * 28);
    const NpyImages images = npyToImages(std::move(array), "kmnist-test-imgs.npz");
    EXPECT_EQ(images.count, 10000);
    EXPECT_EQ(images.channels, 1);
    EXPECT_EQ(images.rows, 28);
    EXPECT_EQ(images.cols, 28);
    const IdxArray idx = readIdxFile(sharedFile("kmnist", "t10k-images-idx3-ubyte.gz"), IdxKind::Images);
    ASSERT_EQ(images.pixels.size(), idx.data.size());
    std::size_t firstDifference = 0;
    while (firstDifference < idx.data.size() && images.pixels[firstDifference] == idx.data[firstDifference])
        ++firstDifference;
    EXPECT_EQ(firstDifference, idx.data.size()) << "the .npz and IDX pixels differ at byte " << firstDifference;
}

TEST(NpzOfficial, KmnistTestLabelsMatchTheIdxFile) {
    KANALAB_REQUIRE_SHARED("kmnist", "kmnist-test-labels.npz");
    KANALAB_REQUIRE_SHARED("kmnist", "t10k-labels-idx1-ubyte.gz");
    const Bytes file = readWholeFile(sharedFile("kmnist", "kmnist-test-labels.npz"));
    EXPECT_EQ(npzEntryNames(file.data(), file.size(), "kmnist-test-labels.npz"),
              (std::vector<std::string>{"arr_0.npy"}));
    const NpyArray array = readNpzArray(file.data(), file.size(), "kmnist-test-labels.npz", "arr_0");
    EXPECT_EQ(array.shape, (std::vector<std::int64_t>{10000}));
    const std::vector<std::int64_t> labels = npyToLabels(array, "kmnist-test-labels.npz");
    const IdxArray idx = readIdxFile(sharedFile("kmnist", "t10k-labels-idx1-ubyte.gz"), IdxKind::Labels);
    EXPECT_EQ(labels, std::vector<std::int64_t>(idx.data.begin(), idx.data.end()));
    std::map<std::int64_t, int> perClass;
    for (const std::int64_t label : labels)
        ++perClass[label];
    ASSERT_EQ(perClass.size(), 10u);
    for (const auto& [label, count] : perClass)
        EXPECT_EQ(count, 1000) << "class " << label;
}

TEST(NpzOfficial, DamagedCopiesOfTheRealLabelsFile) {
    KANALAB_REQUIRE_SHARED("kmnist", "kmnist-test-labels.npz");
    const Bytes file = readWholeFile(sharedFile("kmnist", "kmnist-test-labels.npz"));
    const std::string name = "kmnist-test-labels.npz";
    // An interrupted download: the directory at the end is gone.
    EXPECT_TRUE(says(npzError(Bytes(file.begin(), file.begin() + 3000), name), name,
                     "truncated: the zip archive's directory at its end is missing"));
    // A flipped byte inside the deflate data: the decoder or the CRC-32 must notice.
    Bytes flipped = file;
    flipped[2000] ^= 0x5A;
    const std::string message = npzError(flipped, name);
    EXPECT_TRUE(message.find("corrupt deflate stream") != std::string::npos ||
                message.find("CRC-32") != std::string::npos || message.find("inflates to") != std::string::npos)
        << message;
    EXPECT_TRUE(says(message, name + ": arr_0.npy", ""));
}

TEST(NpzOfficial, K49TestFilesWhenPresent) {
    KANALAB_REQUIRE_SHARED("k49", "k49-test-imgs.npz");
    KANALAB_REQUIRE_SHARED("k49", "k49-test-labels.npz");
    const NpyImages images = npyToImages(readNpzFile(sharedFile("k49", "k49-test-imgs.npz")), "k49-test-imgs.npz");
    const auto labels = npyToLabels(readNpzFile(sharedFile("k49", "k49-test-labels.npz")), "k49-test-labels.npz");
    EXPECT_EQ(images.count, 38547);
    EXPECT_EQ(images.rows, 28);
    EXPECT_EQ(images.cols, 28);
    ASSERT_EQ(static_cast<std::int64_t>(labels.size()), images.count);
    for (const std::int64_t label : labels)
        ASSERT_LT(label, 49);
}

// ---------------------------------------------------------------------------------------------
// Valid generated files

TEST(NpzValid, StoredAndDeflateImagesReadBackExactly) {
    const Bytes pixels = pattern(3 * 5 * 4);
    const Bytes npy = npyBytes("|u1", {3, 5, 4}, false, pixels);
    for (const ZipMethod method : {ZipMethod::Stored, ZipMethod::Deflate}) {
        const Bytes zip = npzOf(npy, method);
        for (const std::string entry : {"", "arr_0", "arr_0.npy"}) {
            NpyArray array = readNpzArray(zip.data(), zip.size(), "small.npz", entry);
            EXPECT_EQ(array.entryName, "arr_0.npy");
            EXPECT_EQ(array.kind, 'u');
            EXPECT_EQ(array.itemBytes, 1);
            EXPECT_EQ(array.shape, (std::vector<std::int64_t>{3, 5, 4}));
            const NpyImages images = npyToImages(std::move(array), "small.npz");
            EXPECT_EQ(images.count, 3);
            EXPECT_EQ(images.rows, 5);
            EXPECT_EQ(images.cols, 4);
            EXPECT_EQ(images.pixels, pixels);
        }
    }
}

TEST(NpzValid, Zip64MembersAndEndRecords) {
    const Bytes labels = pattern(300);
    const Bytes npy = npyBytes("|u1", {300}, false, labels);
    for (const ZipMethod method : {ZipMethod::Stored, ZipMethod::Deflate}) {
        for (const bool zip64End : {false, true}) {
            const Bytes zip = zipBytes({{"arr_0.npy", npy, method, /*zip64=*/true}}, ZipOptions{zip64End, ""});
            const NpyArray array = readNpzArray(zip.data(), zip.size(), "zip64.npz");
            EXPECT_EQ(npyToLabels(array, "zip64.npz"), std::vector<std::int64_t>(labels.begin(), labels.end()));
        }
    }
    // Several members, some ZIP64 and some not, behind a ZIP64 end record.
    const Bytes zip = zipBytes({{"a.npy", npyBytes("|u1", {2}, false, {7, 8}), ZipMethod::Stored, false},
                                {"b.npy", npy, ZipMethod::Deflate, true}},
                               ZipOptions{true, "a comment"});
    EXPECT_EQ(npzEntryNames(zip.data(), zip.size(), "two.npz"), (std::vector<std::string>{"a.npy", "b.npy"}));
    EXPECT_EQ(readNpzArray(zip.data(), zip.size(), "two.npz", "a").data, (Bytes{7, 8}));
    EXPECT_EQ(readNpzArray(zip.data(), zip.size(), "two.npz", "b.npy").data, labels);
}

TEST(NpzValid, NpyVersionsOneTwoAndThree) {
    const Bytes payload = pattern(2 * 3 * 3);
    for (const int version : {1, 2, 3}) {
        const Bytes npy = npyBytes("|u1", {2, 3, 3}, false, payload, version);
        ASSERT_EQ(npy[6], version);
        const NpyArray plain = readNpy(npy.data(), npy.size(), "v.npy");
        EXPECT_EQ(plain.shape, (std::vector<std::int64_t>{2, 3, 3})) << "version " << version;
        EXPECT_EQ(plain.data, payload) << "version " << version;
        EXPECT_TRUE(plain.entryName.empty());
        const Bytes zip = npzOf(npy);
        EXPECT_EQ(readNpzArray(zip.data(), zip.size(), "v.npz").data, payload) << "version " << version;
    }
}

TEST(NpzValid, HeaderDictionariesWrittenAnyWay) {
    const Bytes payload = pattern(16);
    // Key order, spacing, quotes, trailing commas, Python 2 longs, no padding: all the same array.
    const std::vector<std::pair<std::string, bool>> headers = {
        {"{'descr': '<u2', 'fortran_order': False, 'shape': (4, 2), }", true},
        {"{'shape': (4, 2), 'fortran_order': False, 'descr': '<u2'}", true},
        {"{ \"descr\" : \"<u2\" ,\n\t'fortran_order':False,'shape':( 4 ,2 , ) , }", true},
        {"{'descr': '<u2', 'fortran_order': False, 'shape': (4L, 2L), }", true},
        {"{'descr':'<u2','fortran_order':False,'shape':(4,2)}", false},
        {"{'descr': '<u2', 'descr': '<u2', 'fortran_order': False, 'shape': (4, 2), 'extra': [1, (2,), None]}", true},
    };
    for (const auto& [header, pad] : headers) {
        const Bytes npy = npyWithHeader(header, payload, 1, pad);
        const NpyArray array = readNpy(npy.data(), npy.size(), "dict.npy");
        EXPECT_EQ(array.descr, "<u2") << header;
        EXPECT_EQ(array.shape, (std::vector<std::int64_t>{4, 2})) << header;
        EXPECT_EQ(array.data, payload) << header;
    }
}

TEST(NpzValid, ScalarsAndEmptyArraysParse) {
    const Bytes scalar = npyBytes("<i4", {}, false, {5, 0, 0, 0});
    const NpyArray array = readNpy(scalar.data(), scalar.size(), "scalar.npy");
    EXPECT_TRUE(array.shape.empty());
    EXPECT_EQ(array.elementCount(), 1);
    EXPECT_EQ(array.data.size(), 4u);
    // Zero images of 28x28 hold no bytes; a huge dimension beside the zero does not matter.
    for (const std::vector<std::int64_t>& shape :
         {std::vector<std::int64_t>{0, 28, 28}, std::vector<std::int64_t>{0, 4000000000000, 4000000000000}}) {
        const Bytes empty = npzOf(npyBytes("|u1", shape, false, {}));
        const NpyArray none = readNpzArray(empty.data(), empty.size(), "none.npz");
        EXPECT_EQ(none.elementCount(), 0);
        EXPECT_TRUE(says(conversionError(empty, "none.npz", true), "none.npz: arr_0.npy", "holds no images"));
    }
}

TEST(NpzValid, LabelsInEveryIntegerTypeAndByteOrder) {
    const std::vector<std::int64_t> expected = {0, 1, 2, 48, 9, 300};
    struct Case {
        std::string descr;
        int bytes;
        bool big;
    };
    for (const Case& c : std::vector<Case>{{"<u2", 2, false},
                                           {">u2", 2, true},
                                           {"<i4", 4, false},
                                           {">i4", 4, true},
                                           {"<u8", 8, false},
                                           {">i8", 8, true},
                                           {"=u4", 4, false}}) {
        Bytes payload;
        for (const std::int64_t value : expected)
            for (int i = 0; i < c.bytes; ++i) {
                const int shift = 8 * (c.big ? c.bytes - 1 - i : i);
                payload.push_back(static_cast<std::uint8_t>(static_cast<std::uint64_t>(value) >> shift));
            }
        for (const std::vector<std::int64_t>& shape : {std::vector<std::int64_t>{6}, std::vector<std::int64_t>{6, 1}}) {
            const Bytes zip = npzOf(npyBytes(c.descr, shape, false, payload));
            const NpyArray array = readNpzArray(zip.data(), zip.size(), "labels.npz");
            EXPECT_EQ(array.bigEndian, c.big) << c.descr;
            EXPECT_EQ(array.itemBytes, c.bytes) << c.descr;
            EXPECT_EQ(npyToLabels(array, "labels.npz"), expected) << c.descr;
        }
    }
    // Signed bytes up to 127 and unsigned bytes up to 255.
    const Bytes i1 = npzOf(npyBytes("|i1", {2}, false, {127, 0}));
    EXPECT_EQ(npyToLabels(readNpzArray(i1.data(), i1.size(), "i1.npz"), "i1.npz"), (std::vector<std::int64_t>{127, 0}));
    const Bytes u1 = npzOf(npyBytes("|u1", {2}, false, {255, 3}));
    EXPECT_EQ(npyToLabels(readNpzArray(u1.data(), u1.size(), "u1.npz"), "u1.npz"), (std::vector<std::int64_t>{255, 3}));
}

TEST(NpzValid, ChannelsLastColourBecomesPlanar) {
    // 2 images of 3 rows x 4 columns x 3 channels (HWC): pixel value = image, row, col, channel.
    const int n = 2, h = 3, w = 4, c = 3;
    Bytes hwc;
    for (int i = 0; i < n; ++i)
        for (int y = 0; y < h; ++y)
            for (int x = 0; x < w; ++x)
                for (int ch = 0; ch < c; ++ch)
                    hwc.push_back(static_cast<std::uint8_t>(i * 100 + y * 20 + x * 4 + ch));
    const Bytes zip = npzOf(npyBytes("|u1", {n, h, w, c}, false, hwc));
    const NpyImages images = npyToImages(readNpzArray(zip.data(), zip.size(), "colour.npz"), "colour.npz");
    ASSERT_EQ(images.count, n);
    ASSERT_EQ(images.channels, c);
    ASSERT_EQ(images.rows, h);
    ASSERT_EQ(images.cols, w);
    ASSERT_EQ(images.pixels.size(), hwc.size());
    for (int i = 0; i < n; ++i)
        for (int ch = 0; ch < c; ++ch)
            for (int y = 0; y < h; ++y)
                for (int x = 0; x < w; ++x)
                    ASSERT_EQ(images.pixels[static_cast<std::size_t>(((i * c + ch) * h + y) * w + x)],
                              i * 100 + y * 20 + x * 4 + ch)
                        << "image " << i << " channel " << ch << " at " << y << "," << x;

    // Channels first (N, C, H, W) is planar already; a single channel either way is grey.
    const Bytes planar = pattern(2 * 3 * 5 * 6);
    const Bytes chw = npzOf(npyBytes("|u1", {2, 3, 5, 6}, false, planar));
    const NpyImages fromChw = npyToImages(readNpzArray(chw.data(), chw.size(), "chw.npz"), "chw.npz");
    EXPECT_EQ(fromChw.channels, 3);
    EXPECT_EQ(fromChw.rows, 5);
    EXPECT_EQ(fromChw.cols, 6);
    EXPECT_EQ(fromChw.pixels, planar);
    for (const std::vector<std::int64_t>& shape :
         {std::vector<std::int64_t>{2, 5, 6, 1}, std::vector<std::int64_t>{2, 1, 5, 6}}) {
        const Bytes grey = npzOf(npyBytes("|u1", shape, false, pattern(60)));
        const NpyImages images1 = npyToImages(readNpzArray(grey.data(), grey.size(), "grey.npz"), "grey.npz");
        EXPECT_EQ(images1.channels, 1);
        EXPECT_EQ(images1.rows, 5);
        EXPECT_EQ(images1.cols, 6);
        EXPECT_EQ(images1.pixels, pattern(60));
    }
}

TEST(NpzValid, EntrySelection) {
    const Bytes images = npyBytes("|u1", {1, 2, 2}, false, {1, 2, 3, 4});
    const Bytes labels = npyBytes("|u1", {1}, false, {9});
    const Bytes zip = zipBytes({{"images.npy", images}, {"labels.npy", labels, ZipMethod::Stored}});
    EXPECT_EQ(readNpzArray(zip.data(), zip.size(), "pair.npz", "labels").data, (Bytes{9}));
    EXPECT_EQ(readNpzArray(zip.data(), zip.size(), "pair.npz", "images.npy").data, (Bytes{1, 2, 3, 4}));
    // Files that are not arrays do not count when the one array is picked.
    const Bytes withReadme = zipBytes({{"README.txt", Bytes(40, 'x')}, {"arr_0.npy", labels}});
    EXPECT_EQ(readNpzArray(withReadme.data(), withReadme.size(), "readme.npz").data, (Bytes{9}));
}

TEST(NpzValid, ReadNpzFileReadsArchivesAndPlainNpyFiles) {
    TempDir dir;
    const Bytes npy = npyBytes("<u2", {2}, false, {1, 0, 2, 0});
    writeBytes(dir.file("labels.npy"), npy);
    writeBytes(dir.file("labels.npz"), npzOf(npy));
    // The magic decides, not the name.
    writeBytes(dir.file("really-an-npy.npz"), npy);
    for (const std::string name : {"labels.npy", "labels.npz", "really-an-npy.npz"}) {
        const NpyArray array = readNpzFile(dir.file(name));
        EXPECT_EQ(npyToLabels(array, name), (std::vector<std::int64_t>{1, 2})) << name;
    }
    EXPECT_EQ(readNpzFile(dir.file("labels.npz")).entryName, "arr_0.npy");
    EXPECT_TRUE(readNpzFile(dir.file("labels.npy")).entryName.empty());
}

TEST(NpzValid, FloatAndBoolArraysParseButTheConvertersRefuseThem) {
    for (const auto& [descr, bytes] : std::vector<std::pair<std::string, int>>{{"<f4", 4}, {"<f8", 8}, {">f4", 4}}) {
        const Bytes npy = npyBytes(descr, {1, 2, 2}, false, Bytes(static_cast<std::size_t>(4 * bytes), 0));
        const NpyArray array = readNpy(npy.data(), npy.size(), "floats.npy");
        EXPECT_EQ(array.kind, 'f');
        EXPECT_EQ(array.itemBytes, bytes);
    }
    const Bytes boolean = npzOf(npyBytes("|b1", {2, 2, 2}, false, Bytes(8, 1)));
    EXPECT_EQ(readNpzArray(boolean.data(), boolean.size(), "bool.npz").kind, 'b');
    EXPECT_TRUE(says(conversionError(boolean, "bool.npz", true), "bool.npz: arr_0.npy", "holds bool values"));
    EXPECT_TRUE(says(conversionError(boolean, "bool.npz", false), "bool.npz: arr_0.npy",
                     "KanaLab reads labels stored as integers"));
}

TEST(NpzValid, DataDescriptorLeavesTheSizesToTheDirectory) {
    // Streaming writers set flag bit 3 and leave the local CRC and sizes zero.
    BuiltZip zip = buildZip({{"arr_0.npy", npyBytes("|u1", {3}, false, {4, 5, 6})}});
    setLe16(zip.bytes, zip.localHeaders[0] + kLocalFlags, 0x0008);
    setLe16(zip.bytes, zip.centralHeaders[0] + kCentralFlags, 0x0008);
    for (std::size_t field = kLocalCrc; field < kLocalCrc + 12; field += 4)
        setLe32(zip.bytes, zip.localHeaders[0] + field, 0);
    EXPECT_EQ(readNpzArray(zip.bytes.data(), zip.bytes.size(), "stream.npz").data, (Bytes{4, 5, 6}));
}

// ---------------------------------------------------------------------------------------------
// Malformed files: each names the file and says what is wrong.

TEST(NpzMalformed, EmptyFile) {
    EXPECT_EQ(npzError({}, "empty.npz"), "empty.npz: file is empty (expected a .npz archive)");
    EXPECT_EQ(npyError({}, "empty.npy"), "empty.npy: file is empty (expected a .npy array)");
    TempDir dir;
    writeBytes(dir.file("k49-test-imgs.npz"), {});
    try {
        readNpzFile(dir.file("k49-test-imgs.npz"));
        ADD_FAILURE() << "an empty file was read";
    } catch (const Error& e) {
        EXPECT_STREQ(e.what(), "k49-test-imgs.npz: file is empty (expected a .npz archive)");
    }
}

TEST(NpzMalformed, TruncatedZip) {
    const Bytes zip = npzOf(npyBytes("|u1", {50, 28, 28}, false, pattern(50 * 28 * 28)));
    for (const std::size_t keep : {zip.size() / 2, zip.size() - 1, zip.size() - 22, std::size_t(40)}) {
        const std::string message = npzError(Bytes(zip.begin(), zip.begin() + static_cast<long>(keep)), "cut.npz");
        EXPECT_TRUE(says(message, "cut.npz",
                         "truncated: the zip archive's directory at its end is missing (the file is incomplete; "
                         "download it again)"))
            << "kept " << keep << " of " << zip.size();
    }
}

TEST(NpzMalformed, NotAZipRandomBytes) {
    std::mt19937 random(1234);
    Bytes noise(4096);
    for (auto& byte : noise)
        byte = static_cast<std::uint8_t>(random());
    noise[0] = 'X';
    EXPECT_TRUE(says(npzError(noise, "noise.npz"), "noise.npz", "not a .npz archive: it is not a zip file"));
    EXPECT_TRUE(says(npzError(Bytes{'a', 'b'}, "tiny.npz"), "tiny.npz", "not a .npz archive"));
}

TEST(NpzMalformed, NotAZipButAnIdxFile) {
    const Bytes idx = idxLabels({1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3});
    EXPECT_TRUE(says(npzError(idx, "t10k-labels-idx1-ubyte.npz"), "t10k-labels-idx1-ubyte.npz",
                     "not a .npz archive: it is an IDX file"));
    const Bytes gz = kanalab::test::gzipBytes(idx);
    EXPECT_TRUE(says(npzError(gz, "t10k-labels-idx1-ubyte.gz"), "t10k-labels-idx1-ubyte.gz",
                     "not a .npz archive: it is gzip-compressed"));
    // A .npy given where an archive was expected.
    const Bytes npy = npyBytes("|u1", {1}, false, {1});
    EXPECT_TRUE(says(npzError(npy, "arr.npz"), "arr.npz", "is a single .npy array, not a .npz (zip) archive"));
}

TEST(NpzMalformed, MissingArr0) {
    const Bytes npy = npyBytes("|u1", {1}, false, {1});
    const Bytes other = zipBytes({{"images.npy", npy}});
    EXPECT_EQ(npzError(other, "k49-train-labels.npz", "arr_0"),
              "k49-train-labels.npz holds no array arr_0 (it holds images.npy)");
    const Bytes noArrays = zipBytes({{"readme.txt", Bytes(10, 'r')}});
    EXPECT_EQ(npzError(noArrays, "readme.npz"), "readme.npz holds no .npy array (it holds readme.txt)");
    const Bytes empty = zipBytes({});
    EXPECT_EQ(npzError(empty, "empty-archive.npz"), "empty-archive.npz holds no .npy array (the archive is empty)");
}

TEST(NpzMalformed, TwoArraysWhenOneIsExpected) {
    const Bytes npy = npyBytes("|u1", {1}, false, {1});
    const Bytes zip = zipBytes({{"arr_0.npy", npy}, {"arr_1.npy", npy}});
    EXPECT_EQ(npzError(zip, "savez.npz"),
              "savez.npz holds 2 arrays (arr_0.npy, arr_1.npy) where one was expected; say which one to read");
    const Bytes twice = zipBytes({{"arr_0.npy", npy}, {"arr_0.npy", npy}});
    EXPECT_TRUE(says(npzError(twice, "twice.npz", "arr_0"), "twice.npz", "holds 2 members named arr_0.npy"));
}

TEST(NpzMalformed, FloatDtype) {
    const Bytes images = npzOf(npyBytes("<f4", {2, 28, 28}, false, Bytes(2 * 28 * 28 * 4, 0)));
    EXPECT_EQ(conversionError(images, "k49-train-imgs.npz", true),
              "k49-train-imgs.npz: arr_0.npy holds float32 values; KanaLab reads images stored as uint8 (0-255)");
    const Bytes labels = npzOf(npyBytes("<f8", {3}, false, Bytes(24, 0)));
    EXPECT_EQ(conversionError(labels, "k49-train-labels.npz", false),
              "k49-train-labels.npz: arr_0.npy holds float64 values; KanaLab reads labels stored as integers");
    const Bytes wide = npzOf(npyBytes("<u2", {1, 2, 2}, false, Bytes(8, 0)));
    EXPECT_TRUE(says(conversionError(wide, "wide.npz", true), "wide.npz: arr_0.npy", "holds uint16 values"));
}

TEST(NpzMalformed, ObjectDtypeIsNeverUnpickled) {
    const Bytes pickle = {0x80, 0x04, 0x95, 'c', 'o', 's', '\n', 's', 'y', 's', 't', 'e', 'm', '\n', '.'};
    for (const std::string descr : {"|O", "O", "<O8"}) {
        const Bytes zip = npzOf(npyBytes(descr, {1}, false, pickle));
        EXPECT_TRUE(says(npzError(zip, "evil.npz"), "evil.npz: arr_0.npy",
                         "holds Python objects (dtype " + descr + "); pickled object arrays are never loaded"))
            << descr;
    }
    // An object field inside a structured dtype is a pickle too.
    const Bytes nested =
        npyWithHeader("{'descr': [('a', '<i4'), ('b', '|O')], 'fortran_order': False, 'shape': (1,)}", pickle);
    EXPECT_TRUE(says(npyError(nested, "nested.npy"), "nested.npy", "pickled object arrays are never loaded"));
    const Bytes record = npyWithHeader("{'descr': [('a', '<i4')], 'fortran_order': False, 'shape': (1,)}", Bytes(4));
    EXPECT_TRUE(says(npyError(record, "record.npy"), "record.npy", "holds a structured (record) dtype"));
}

TEST(NpzMalformed, FortranOrder) {
    const Bytes zip = npzOf(npyBytes("|u1", {2, 3, 3}, true, pattern(18)));
    EXPECT_EQ(npzError(zip, "transposed.npz"),
              "transposed.npz: arr_0.npy is stored in Fortran (column-major) order; KanaLab reads C-order arrays "
              "(save it with numpy.ascontiguousarray first)");
}

TEST(NpzMalformed, HugeShape) {
    // The product wraps around 2^64 to a small number if multiplied carelessly: 2^32 * 2^32 = 0.
    const Bytes wraps = npzOf(npyBytes("|u1", {4294967296, 4294967296, 4}, false, Bytes(4)));
    EXPECT_TRUE(says(npzError(wraps, "wraps.npz"), "wraps.npz: arr_0.npy",
                     "the .npy header's shape (4294967296, 4294967296, 4) of uint8 claims more than 4.29 GB of data "
                     "(the header is corrupt)"));
    const Bytes wide = npzOf(npyBytes("<i8", {1000000000}, false, Bytes(8)));
    EXPECT_TRUE(says(npzError(wide, "wide.npz"), "wide.npz: arr_0.npy", "claims more than 4.29 GB"));
    const Bytes digits =
        npzOf(npyWithHeader("{'descr': '|u1', 'fortran_order': False, 'shape': (99999999999999999999,)}", Bytes(1)));
    EXPECT_TRUE(says(npzError(digits, "digits.npz"), "digits.npz: arr_0.npy",
                     "the .npy header's shape holds the dimension 99999999999999999999, far more data"));
    const Bytes negative = npzOf(npyBytes("|u1", {-5, 28, 28}, false, {}));
    EXPECT_TRUE(says(npzError(negative, "negative.npz"), "negative.npz: arr_0.npy", "negative dimension -5"));
}

TEST(NpzMalformed, ShapeLargerThanThePayload) {
    const Bytes zip = npzOf(npyBytes("|u1", {10000, 28, 28}, false, pattern(784)));
    EXPECT_EQ(npzError(zip, "kmnist-test-imgs.npz"),
              "kmnist-test-imgs.npz: arr_0.npy: truncated: the header describes uint8 (10000, 28, 28), 7,840,000 "
              "bytes, but only 784 bytes follow it (the file is incomplete; download it again)");
    // The same in a plain .npy, and with a multi-byte type counted in bytes.
    const Bytes npy = npyBytes("<i8", {10}, false, Bytes(79));
    EXPECT_TRUE(says(npyError(npy, "labels.npy"), "labels.npy", "int64 (10,), 80 bytes, but only 79 bytes follow it"));
}

TEST(NpzMalformed, TrailingGarbageAfterThePayload) {
    Bytes payload = pattern(3);
    payload.insert(payload.end(), {'g', 'a', 'r', 'b', 'a', 'g', 'e'});
    const Bytes zip = npzOf(npyBytes("|u1", {3}, false, payload));
    EXPECT_EQ(npzError(zip, "long.npz"),
              "long.npz: arr_0.npy: 7 more bytes follow the uint8 (3,) array its header describes (the file is "
              "damaged or not written by NumPy)");
}

TEST(NpzMalformed, CrcMismatch) {
    BuiltZip zip = buildZip({{"arr_0.npy", npyBytes("|u1", {100}, false, pattern(100)), ZipMethod::Stored}});
    zip.bytes[zip.dataOffsets[0] + zip.dataSizes[0] - 10] ^= 0x01;  // one pixel, one bit
    EXPECT_EQ(npzError(zip.bytes, "crc.npz"),
              "crc.npz: arr_0.npy fails its CRC-32 check: the data is damaged (download the file again)");
}

TEST(NpzMalformed, CorruptDeflateStream) {
    BuiltZip zip = buildZip({{"arr_0.npy", npyBytes("|u1", {20, 28, 28}, false, pattern(20 * 784))}});
    Bytes badType = zip.bytes;
    badType[zip.dataOffsets[0]] = 0x07;  // final block of type 3, which is reserved
    EXPECT_EQ(npzError(badType, "bad-block.npz"),
              "bad-block.npz: arr_0.npy has a corrupt deflate stream (invalid block type); the file is damaged, "
              "download it again");
    // The compressed size made smaller in both headers: the stream stops short of its end.
    Bytes cut = zip.bytes;
    const std::uint32_t shorter = static_cast<std::uint32_t>(zip.dataSizes[0] / 2);
    setLe32(cut, zip.localHeaders[0] + kLocalCompressed, shorter);
    setLe32(cut, zip.centralHeaders[0] + kCentralCompressed, shorter);
    EXPECT_TRUE(says(npzError(cut, "short.npz"), "short.npz: arr_0.npy", "its deflate data ends early"));
}

TEST(NpzMalformed, UnsupportedCompressionMethod) {
    BuiltZip zip = buildZip({{"arr_0.npy", npyBytes("|u1", {4}, false, pattern(4))}});
    setLe16(zip.bytes, zip.localHeaders[0] + kLocalMethod, 12);
    setLe16(zip.bytes, zip.centralHeaders[0] + kCentralMethod, 12);
    EXPECT_EQ(npzError(zip.bytes, "bzip2.npz"),
              "bzip2.npz: arr_0.npy uses compression method 12 (bzip2); KanaLab reads stored and deflate members, "
              "what numpy.savez and savez_compressed write");
    // Only the local header says so: the two disagree.
    BuiltZip local = buildZip({{"arr_0.npy", npyBytes("|u1", {4}, false, pattern(4))}});
    setLe16(local.bytes, local.localHeaders[0] + kLocalMethod, 14);
    EXPECT_TRUE(says(npzError(local.bytes, "mixed.npz"), "mixed.npz: arr_0.npy",
                     "its local header gives another compression method than the zip directory"));
}

TEST(NpzMalformed, EncryptedMember) {
    for (const bool inDirectory : {true, false}) {
        BuiltZip zip = buildZip({{"arr_0.npy", npyBytes("|u1", {4}, false, pattern(4)), ZipMethod::Stored}});
        setLe16(zip.bytes, (inDirectory ? zip.centralHeaders[0] + kCentralFlags : zip.localHeaders[0] + kLocalFlags),
                0x0001);
        EXPECT_EQ(npzError(zip.bytes, "secret.npz"),
                  "secret.npz: arr_0.npy is encrypted; KanaLab reads only unencrypted archives (numpy.savez never "
                  "encrypts)");
    }
}

TEST(NpzMalformed, BadNpyMagic) {
    const Bytes zip = zipBytes({{"arr_0.npy", Bytes{'P', 'K', 3, 4, 'n', 'o', 't', ' ', 'a', 'n', ' ', 'a'}}});
    EXPECT_EQ(npzError(zip, "magic.npz"),
              "magic.npz: arr_0.npy: not a .npy array: it does not start with NumPy's magic bytes \\x93NUMPY");
    EXPECT_TRUE(says(npyError(Bytes{0x93, 'N', 'U', 'M'}, "cut.npy"), "cut.npy",
                     "truncated: a .npy file starts with a 10-byte preamble, this one holds 4 bytes"));
    Bytes v4 = npyBytes("|u1", {1}, false, {1});
    v4[6] = 4;
    EXPECT_EQ(npyError(v4, "future.npy"),
              "future.npy: unsupported .npy format version 4.0; KanaLab reads versions 1.0, 2.0 and 3.0");
    Bytes longHeader = npyBytes("|u1", {1}, false, {1});
    setLe16(longHeader, 8, 60000);
    EXPECT_TRUE(says(npyError(longHeader, "header.npy"), "header.npy",
                     "truncated: the .npy header says it takes 60,000 bytes"));
}

TEST(NpzMalformed, BadHeaderDictionary) {
    struct Case {
        std::string header;
        std::string phrase;
    };
    const std::vector<Case> cases = {
        {"{'descr': '|u1', 'fortran_order': False, 'shape': (3,), ",
         "the .npy header is not a valid Python dictionary (the header ends before the closing '}'"},
        {"{'descr': '|u1', 'fortran_order': False, 'shape': (3,", "the header ends before the closing ')'"},
        {"{'descr': '|u1, 'fortran_order': False, 'shape': (3,)}", "not a valid Python dictionary"},
        {"{'descr': '|u1' 'fortran_order': False, 'shape': (3,)}", "expected ',' or '}'"},
        {"{'descr' '|u1', 'fortran_order': False, 'shape': (3,)}", "expected ':' after the key 'descr'"},
        {"['descr', '|u1']", "it does not start with '{'"},
        {"{'descr': '|u1', 'fortran_order': False, 'shape': (3,)} junk", "unexpected text after the closing '}'"},
        {"{'descr': '|u1', 'fortran_order': False}", "the .npy header has no 'shape' entry"},
        {"{'fortran_order': False, 'shape': (3,)}", "the .npy header has no 'descr' entry"},
        {"{'descr': '|u1', 'fortran_order': 0, 'shape': (3,)}", "'fortran_order' is 0, not True or False"},
        {"{'descr': '|u1', 'fortran_order': False, 'shape': [3]}", "'shape' is [3], not a tuple"},
        {"{'descr': '|u1', 'fortran_order': False, 'shape': (3)}", "'shape' is 3, not a tuple"},
        {"{'descr': '|u1', 'fortran_order': False, 'shape': (3.5,)}", "a number KanaLab cannot read"},
        {"{'descr': '|u1', 'fortran_order': False, 'shape': ('3',)}", "'shape' holds 3, not a whole number"},
        {"{'descr': '|u1', 'fortran_order': False, 'shape': " + std::string(100, '(') + "}",
         "values nested too deeply"},
        {"{3: '|u1'}", "a dictionary key is not a string"},
    };
    for (const Case& c : cases) {
        const Bytes zip = npzOf(npyWithHeader(c.header, {1, 2, 3}));
        EXPECT_TRUE(says(npzError(zip, "dict.npz"), "dict.npz: arr_0.npy", c.phrase)) << c.header;
    }
}

TEST(NpzMalformed, UnsupportedDtypes) {
    const Bytes complex = npyBytes("<c8", {1}, false, Bytes(8));
    EXPECT_EQ(npyError(complex, "c.npy"),
              "c.npy holds complex numbers (dtype '<c8'); KanaLab reads arrays of integers, booleans or floats");
    const Bytes text = npyBytes("<U5", {1}, false, Bytes(20));
    EXPECT_TRUE(says(npyError(text, "u.npy"), "u.npy", "holds Unicode strings (dtype '<U5')"));
    const Bytes odd = npyBytes("<u3", {1}, false, Bytes(3));
    EXPECT_TRUE(says(npyError(odd, "odd.npy"), "odd.npy", "has a dtype KanaLab does not know: '<u3'"));
}

TEST(NpzMalformed, Zip64MemberTruncatedOrInconsistent) {
    const Bytes npy = npyBytes("|u1", {200}, false, pattern(200));
    const BuiltZip zip = buildZip({{"arr_0.npy", npy, ZipMethod::Stored, true}}, ZipOptions{true, ""});
    // The ZIP64 extra fields claim more data than the file holds (local and central agree).
    Bytes past = zip.bytes;
    const std::size_t centralExtra = zip.centralHeaders[0] + 46 + 9 + 4;  // after the name and the block header
    const std::size_t localExtra = zip.localHeaders[0] + kLocalName + 9 + 4;
    for (const std::size_t at : {centralExtra, centralExtra + 8, localExtra, localExtra + 8})
        setLe64(past, at, 5000);
    EXPECT_EQ(npzError(past, "zip64.npz"),
              "zip64.npz: arr_0.npy runs past the end of the file: 5,000 bytes of data from offset 59 in a file of " +
                  std::to_string(past.size()) + " bytes (the file is truncated; download it again)");
    // The directory's ZIP64 extra field too short for the values it must hold.
    Bytes shortExtra = zip.bytes;
    setLe16(shortExtra, zip.centralHeaders[0] + 46 + 9 + 2, 8);
    EXPECT_TRUE(says(npzError(shortExtra, "short64.npz"), "short64.npz: arr_0.npy",
                     "has a ZIP64 extra field too short for the sizes it must hold"));
    // No ZIP64 extra field at all behind saturated sizes.
    Bytes noExtra = zip.bytes;
    setLe16(noExtra, zip.centralHeaders[0] + 46 + 9, 0x5455);  // now an (unrelated) timestamp field
    EXPECT_TRUE(says(npzError(noExtra, "noextra.npz"), "noextra.npz: arr_0.npy",
                     "says its sizes are in a ZIP64 extra field, but it has none"));
    // The locator points the ZIP64 end record past the file.
    Bytes locator = zip.bytes;
    setLe64(locator, zip.endRecord - 20 + 8, locator.size() + 1000);
    EXPECT_TRUE(says(npzError(locator, "locator.npz"), "locator.npz", "the ZIP64 end record lies outside the file"));
    // The ZIP64 end record's directory offset runs past the file.
    Bytes record = zip.bytes;
    setLe64(record, zip.zip64EndRecord + 48, 1u << 30);
    EXPECT_TRUE(says(npzError(record, "record.npz"), "record.npz", "the zip directory runs past the end of the file"));
    // Cut just before the ZIP64 end record: all that is left is the members.
    const Bytes cut(zip.bytes.begin(), zip.bytes.begin() + static_cast<long>(zip.zip64EndRecord));
    EXPECT_TRUE(says(npzError(cut, "cut64.npz"), "cut64.npz", "truncated: the zip archive's directory"));
    // Saturated fields in the classic end record without any ZIP64 record.
    Bytes saturated = buildZip({{"arr_0.npy", npy}}).bytes;
    setLe32(saturated, saturated.size() - 22 + kEndDirectoryOffset, 0xFFFFFFFF);
    EXPECT_TRUE(says(npzError(saturated, "sat.npz"), "sat.npz", "points to a ZIP64 record that is not there"));
}

TEST(NpzMalformed, LocalHeaderDisagreesWithTheDirectory) {
    const BuiltZip zip = buildZip({{"arr_0.npy", npyBytes("|u1", {4}, false, pattern(4)), ZipMethod::Stored}});
    Bytes renamed = zip.bytes;
    renamed[zip.localHeaders[0] + kLocalName + 4] = '9';
    EXPECT_EQ(npzError(renamed, "renamed.npz"),
              "renamed.npz: arr_0.npy: its local header names it arr_9.npy, which disagrees with the zip directory "
              "(the file is damaged)");
    Bytes crc = zip.bytes;
    setLe32(crc, zip.localHeaders[0] + kLocalCrc, 0x12345678);
    EXPECT_TRUE(says(npzError(crc, "local-crc.npz"), "local-crc.npz: arr_0.npy",
                     "its local header disagrees with the zip directory about its CRC or sizes"));
    Bytes noHeader = zip.bytes;
    noHeader[zip.localHeaders[0]] = 'X';
    EXPECT_TRUE(says(npzError(noHeader, "moved.npz"), "moved.npz: arr_0.npy",
                     "no local header where the zip directory says it starts"));
}

TEST(NpzMalformed, OffsetsPastTheFile) {
    const BuiltZip zip = buildZip({{"arr_0.npy", npyBytes("|u1", {4}, false, pattern(4)), ZipMethod::Stored}});
    Bytes local = zip.bytes;
    setLe32(local, zip.centralHeaders[0] + kCentralLocalOffset, static_cast<std::uint32_t>(local.size() + 100));
    EXPECT_TRUE(says(npzError(local, "offset.npz"), "offset.npz: arr_0.npy", "its local header lies past the end"));
    Bytes directory = zip.bytes;
    setLe32(directory, zip.endRecord + kEndDirectoryOffset, static_cast<std::uint32_t>(directory.size()));
    EXPECT_TRUE(
        says(npzError(directory, "directory.npz"), "directory.npz", "the zip directory runs past the end of the file"));
    Bytes names = zip.bytes;
    setLe16(names, zip.centralHeaders[0] + kCentralExtraLength, 500);
    EXPECT_TRUE(says(npzError(names, "names.npz"), "names.npz",
                     "zip directory entry 1 runs past the end of the zip directory"));
    Bytes count = zip.bytes;
    setLe16(count, zip.endRecord + 8, 1000);
    setLe16(count, zip.endRecord + 10, 1000);
    EXPECT_TRUE(says(npzError(count, "count.npz"), "count.npz", "the zip directory claims 1,000 entries"));
}

TEST(NpzMalformed, InflatedSizeDisagreesWithTheDirectory) {
    const Bytes npy = npyBytes("|u1", {100}, false, pattern(100));
    const BuiltZip zip = buildZip({{"arr_0.npy", npy}});
    for (const std::uint32_t claimed :
         {static_cast<std::uint32_t>(npy.size() + 10), static_cast<std::uint32_t>(npy.size() - 10)}) {
        Bytes bytes = zip.bytes;
        setLe32(bytes, zip.localHeaders[0] + kLocalCompressed + 4, claimed);
        setLe32(bytes, zip.centralHeaders[0] + kCentralUncompressed, claimed);
        const std::string message = npzError(bytes, "size.npz");
        EXPECT_TRUE(says(message, "size.npz: arr_0.npy",
                         claimed > npy.size() ? "inflates to 228 bytes where the zip directory says 238 bytes"
                                              : "inflates to more than the 218 bytes the zip directory gives"));
    }
}

TEST(NpzMalformed, LabelsAndImagesOfTheWrongShapeOrValue) {
    const Bytes negative = npzOf(npyBytes("<i2", {3}, false, {1, 0, 2, 0, 0xFD, 0xFF}));
    EXPECT_EQ(conversionError(negative, "labels.npz", false),
              "labels.npz: arr_0.npy: label -3 at index 2 is negative; class labels count from 0");
    const Bytes matrix = npzOf(npyBytes("|u1", {2, 2}, false, pattern(4)));
    EXPECT_EQ(conversionError(matrix, "matrix.npz", false),
              "matrix.npz: arr_0.npy has shape (2, 2); KanaLab reads labels shaped (N,) or (N, 1)");
    EXPECT_EQ(conversionError(matrix, "matrix.npz", true),
              "matrix.npz: arr_0.npy has shape (2, 2); KanaLab reads images shaped (N, H, W), (N, H, W, C) or (N, C, "
              "H, W)");
    const Bytes rgba = npzOf(npyBytes("|u1", {1, 2, 2, 4}, false, pattern(16)));
    EXPECT_EQ(conversionError(rgba, "rgba.npz", true),
              "rgba.npz: arr_0.npy has shape (1, 2, 2, 4): images with 4 channels; KanaLab reads grey (1 channel) or "
              "colour (3 channels) images");
}

TEST(NpzMalformed, MissingFileAndDirectory) {
    TempDir dir;
    const std::string path = dir.file("k49-train-imgs.npz");
    try {
        readNpzFile(path);
        ADD_FAILURE() << "a missing file was read";
    } catch (const Error& e) {
        EXPECT_EQ(std::string(e.what()), path + ": no such file");
    }
}

// Runs in a death-test child: limits the address space to 512 MB above what the process already
// maps, reads the archive and exits 0 when the read ends in the expected message.
[[noreturn]] static void readUnderMemoryLimit(const Bytes& bytes, const std::string& expected) {
    std::size_t mappedKb = 0;
    std::ifstream status("/proc/self/status");
    for (std::string line; std::getline(status, line);)
        if (line.compare(0, 7, "VmSize:") == 0)
            mappedKb = std::stoul(line.substr(7));
    const rlim_t limit = (rlim_t(mappedKb) << 10) + (rlim_t(512) << 20);
    const rlimit lim{limit, limit};
    if (mappedKb == 0 || ::setrlimit(RLIMIT_AS, &lim) != 0)
        _exit(2);
    try {
        readNpzArray(bytes.data(), bytes.size(), "claims.npz");
    } catch (const Error& e) {
        _exit(std::string(e.what()).find(expected) != std::string::npos ? 0 : 3);
    } catch (const std::bad_alloc&) {
        _exit(4);
    }
    _exit(5);
}

TEST(NpzMalformed, HugeClaimsInATinyFileAllocateNothingLikeThem) {
    // A deflate member whose directory claims 3.9 GB (under the 4 GiB cap) but inflates to 44 bytes.
    const Bytes npy = npyBytes("|u1", {3900000000}, false, {});
    BuiltZip zip = buildZip({{"arr_0.npy", npy}});
    setLe32(zip.bytes, zip.localHeaders[0] + kLocalCompressed + 4, 3900000000u);
    setLe32(zip.bytes, zip.centralHeaders[0] + kCentralUncompressed, 3900000000u);
    GTEST_FLAG_SET(death_test_style, "threadsafe");
    EXPECT_EXIT(readUnderMemoryLimit(zip.bytes, "inflates to 128 bytes where the zip directory says 3,900,000,000"),
                ::testing::ExitedWithCode(0), "");
    // Beyond the cap (a ZIP64 size) the directory alone is refused.
    BuiltZip zip64 = buildZip({{"arr_0.npy", npy, ZipMethod::Deflate, true}}, ZipOptions{true, ""});
    setLe64(zip64.bytes, zip64.centralHeaders[0] + 46 + 9 + 4, 5000000000u);
    setLe64(zip64.bytes, zip64.localHeaders[0] + kLocalName + 9 + 4, 5000000000u);
    EXPECT_EQ(npzError(zip64.bytes, "cap.npz"),
              "cap.npz: arr_0.npy claims 5.00 GB uncompressed, more than the 4.29 GB KanaLab reads (the archive is "
              "damaged)");
}
