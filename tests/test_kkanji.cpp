// SPDX-License-Identifier: GPL-3.0-or-later
// Kuzushiji-Kanji (kkanji): a generated five-class kkanji.tar (64x64 PNGs in kkanji2/U+XXXX/)
// served from a real HTTP server on 127.0.0.1 downloads, has its structure checked and its
// SHA-256 recorded, converts into the kkanji dataset with a seeded stratified split, drops small
// classes on request and trains; and the malformed-input catalogue: a truncated tar, one without
// kkanji2/, members that are not PNGs, an empty class folder, a wrong image size, a 404 and a
// connection closed mid-file, a file that no longer matches its recorded SHA-256.
#include "common/error.h"
#include "data/builtin_datasets.h"
#include "data/catalogue.h"
#include "data/dataset_store.h"
#include "data/downloader.h"
#include "data/import.h"
#include "data/imported_source.h"
#include "data/kkanji_source.h"
#include "data/recorded_sha256.h"
#include "data/sha256.h"
#include "support/local_http_server.h"
#include "support/tar_writer.h"
#include "support/cli_process.h"
#include "support/temp_dir.h"
#include "train/trainer.h"

#include <gtest/gtest.h>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>

using namespace kanalab;
using kanalab::test::CliRun;
using kanalab::test::runCli;
using test::LocalHttpServer;
using test::TarWriter;
using test::TempDir;
using Behaviour = LocalHttpServer::Behaviour;
using Bytes = std::vector<std::uint8_t>;

namespace {

namespace fs = std::filesystem;

// Five kanji with 20, 10, 5, 2 and 1 images; sorted by folder name they are
// U+4E00 一, U+4E09 三, U+4E8C 二, U+4E94 五, U+56DB 四.
struct ClassSpec {
    const char* folder;
    const char* glyph;
    int images;
};
const std::vector<ClassSpec> kClasses = {
    {"U+4E00", "一", 20}, {"U+4E8C", "二", 10}, {"U+4E09", "三", 5}, {"U+56DB", "四", 2}, {"U+4E94", "五", 1}};

// A 64x64 gray image whose pixels encode (class, index), so a misplaced image shows.
cv::Mat kanjiImage(int cls, int index, int rows = 64, int cols = 64) {
    cv::Mat m(rows, cols, CV_8UC1);
    for (int r = 0; r < rows; ++r)
        for (int c = 0; c < cols; ++c)
            m.at<std::uint8_t>(r, c) = static_cast<std::uint8_t>((cls * 50 + index * 7 + r + 2 * c) & 0xff);
    return m;
}

Bytes pngOf(const cv::Mat& image) {
    Bytes bytes;
    cv::imencode(".png", image, bytes);
    return bytes;
}

std::string memberName(const ClassSpec& spec, int index) {
    char name[16];
    std::snprintf(name, sizeof name, "%06d.png", index);
    return std::string("kkanji2/") + spec.folder + "/" + name;
}

// The archive as the official one is laid out, with room for extra members.
TarWriter kkanjiWriter(const std::vector<ClassSpec>& classes = kClasses) {
    TarWriter tar(test::TarFormat::Gnu);
    tar.addDirectory("kkanji2/");
    for (std::size_t c = 0; c < classes.size(); ++c) {
        tar.addDirectory(std::string("kkanji2/") + classes[c].folder + "/");
        for (int i = 0; i < classes[c].images; ++i)
            tar.addFile(memberName(classes[c], i), pngOf(kanjiImage(static_cast<int>(c), i)));
    }
    return tar;
}

Bytes kkanjiTar(const std::vector<ClassSpec>& classes = kClasses) {
    return kkanjiWriter(classes).finish();
}

std::vector<std::string> entries(const std::string& folder) {
    std::vector<std::string> names;
    std::error_code error;
    for (const auto& entry : fs::directory_iterator(folder, error))
        names.push_back(entry.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
}

std::string messageOf(const std::function<void()>& action) {
    try {
        action();
    } catch (const Error& e) {
        return e.what();
    }
    return "<no error>";
}

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

DownloadOptions fastOptions(const std::string& mirror) {
    DownloadOptions options;
    options.mirror = mirror;
    options.connectTimeoutSeconds = 2;
    options.stallTimeoutSeconds = 1;
    return options;
}

ImportOptions quiet() {
    ImportOptions options;
    options.threads = 2;
    return options;
}

// A mirror folder serving kkanji/kkanji.tar, a data folder to download into.
class Kkanji : public ::testing::Test {
protected:
    void serve(const Bytes& archive) {
        fs::create_directories(m_mirror.file("kkanji"));
        test::writeBytes(m_mirror.file("kkanji/kkanji.tar"), archive);
    }
    DownloadResult download() {
        return downloadDataset(findDataset("kkanji"), {Split::Train, Split::Test}, m_data.path(),
                               fastOptions(m_server.baseUrl()));
    }
    std::string archivePath() const { return m_data.file("kkanji/kkanji.tar"); }
    std::vector<DataRoot> roots() const { return {{m_data.path(), "test"}}; }

    TempDir m_mirror;
    TempDir m_data;
    LocalHttpServer m_server{m_mirror.path()};
};

const DatasetInfo& standIn() {
    static const auto sources = makeBuiltinSources();
    for (const auto& source : sources)
        if (source->info().name == "kkanji")
            return source->info();
    throw Error("no built-in kkanji");
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// The built-in entry

TEST(KkanjiFacts, IsABuiltInDownloadableHandwritingDatasetWithoutClassesYet) {
    const DatasetInfo& info = standIn();
    EXPECT_EQ(info.title, "Kuzushiji-Kanji");
    EXPECT_EQ(info.licence, "CC BY-SA 4.0");
    EXPECT_TRUE(contains(info.citation, "Clanuwat et al., Deep Learning for Classical Japanese Literature"));
    EXPECT_TRUE(info.handwriting());
    EXPECT_FALSE(info.imported);
    EXPECT_EQ(info.channels, 1);
    EXPECT_EQ(info.rows, 64);
    EXPECT_EQ(info.cols, 64);
    EXPECT_EQ(info.numClasses(), 0) << "the classes come from the archive";
    ASSERT_EQ(info.remoteFiles.size(), 1u);
    EXPECT_EQ(info.remoteFiles[0].fileName, "kkanji.tar");
    EXPECT_TRUE(info.remoteFiles[0].md5.empty()) << "no checksum is published";
    EXPECT_TRUE(info.remoteFiles[0].serves(Split::Train) && info.remoteFiles[0].serves(Split::Test));
    EXPECT_EQ(info.downloadUrls.front(), "http://codh.rois.ac.jp/kmnist/dataset/kkanji/");
    EXPECT_TRUE(isConvertedAfterDownload(info));
    EXPECT_NE(knownDatasetNames().find("kkanji"), std::string::npos);
}

TEST(KkanjiFacts, StandInSaysWhatIsMissingOrNotConvertedYet) {
    TempDir data;
    const DatasetInfo& info = standIn();
    DatasetStatus status = info.source->locate({{data.path(), "test"}}, true);
    EXPECT_FALSE(status.train.present);
    ASSERT_EQ(status.train.missing.size(), 1u);
    EXPECT_EQ(status.train.missing[0].fileName, "kkanji.tar");
    EXPECT_TRUE(contains(messageOf([&] { info.source->load(status, Split::Train); }), "kanalab-cli download kkanji"));

    fs::create_directories(data.file("kkanji"));
    test::writeBytes(data.file("kkanji/kkanji.tar"), kkanjiTar());
    status = info.source->locate({{data.path(), "test"}}, true);
    EXPECT_FALSE(status.train.present);
    EXPECT_TRUE(status.train.missing.empty());
    EXPECT_TRUE(contains(status.train.problem, "not converted yet")) << status.train.problem;
    EXPECT_TRUE(contains(messageOf([&] { info.source->load(status, Split::Test); }), "not converted yet"));
}

// ---------------------------------------------------------------------------------------------
// Download, conversion, split, training

TEST_F(Kkanji, DownloadsRecordsTheSha256AndConvertsWithGlyphsAndAStratifiedSplit) {
    const Bytes archive = kkanjiTar();
    serve(archive);
    const DownloadResult downloaded = download();
    ASSERT_EQ(downloaded.files.size(), 1u) << "one archive serves both splits";
    const DownloadedFile& file = downloaded.files[0];
    EXPECT_EQ(file.bytes, static_cast<std::int64_t>(archive.size())) << "the server's size, not the estimate";
    const std::string sha = sha256Hex(std::string(archive.begin(), archive.end()));
    EXPECT_EQ(file.sha256, sha);
    EXPECT_TRUE(file.sha256Recorded);
    EXPECT_EQ(entries(m_data.file("kkanji")), (std::vector<std::string>{"kkanji.tar", "kkanji.tar.sha256"}));
    EXPECT_EQ(readRecordedSha256(archivePath()), sha);
    std::ifstream record(recordedSha256Path(archivePath()));
    std::string line;
    std::getline(record, line);
    EXPECT_EQ(line, sha + "  kkanji.tar") << "sha256sum's format";

    const std::vector<ImportResult> converted = convertAfterDownload(findDataset("kkanji"), m_data.path(), quiet());
    ASSERT_EQ(converted.size(), 1u);
    const DatasetInfo& info = findDataset("kkanji", roots());
    EXPECT_EQ(&info, converted[0].dataset) << "the converted cache takes the stand-in's place";
    EXPECT_EQ(info.title, "Kuzushiji-Kanji");
    EXPECT_EQ(info.licence, "CC BY-SA 4.0");
    EXPECT_FALSE(info.imported);
    EXPECT_FALSE(info.remoteFiles.empty()) << "still downloadable";
    EXPECT_EQ(info.rows, 64);
    EXPECT_EQ(info.channels, 1);
    EXPECT_EQ(converted[0].meta.sourceSha256, sha);
    EXPECT_EQ(converted[0].meta.builtin, "kkanji");
    ASSERT_EQ(info.numClasses(), 5);
    const std::vector<std::string> labels = {"U+4E00", "U+4E09", "U+4E8C", "U+4E94", "U+56DB"};
    const std::vector<std::string> glyphs = {"一", "三", "二", "五", "四"};
    for (int c = 0; c < 5; ++c) {
        EXPECT_EQ(info.classes[static_cast<std::size_t>(c)].label, labels[static_cast<std::size_t>(c)]);
        EXPECT_EQ(info.classes[static_cast<std::size_t>(c)].glyph, glyphs[static_cast<std::size_t>(c)]);
    }
    EXPECT_EQ(info.classes[0].displayName(), "一");

    // 20 % of each class held out (rounded), a class of one or two images stays in train.
    const DatasetStatus status = locateDataset(info, roots(), false);
    const ImageSet train = loadSplit(status, Split::Train);
    const ImageSet test = loadSplit(status, Split::Test);
    EXPECT_EQ(countPerClass(train, 5), (std::vector<std::int64_t>{16, 4, 8, 1, 2}));
    EXPECT_EQ(countPerClass(test, 5), (std::vector<std::int64_t>{4, 1, 2, 0, 0}));
    EXPECT_EQ(converted[0].meta.seed, 42u);
    EXPECT_DOUBLE_EQ(converted[0].meta.testFraction, 0.2);
    // Every image is one of its class's originals, byte for byte (the spec order is 一 二 三 四 五),
    // or its negative where the import found mostly light backgrounds (scans are stored inverted).
    const std::vector<int> specOf = {0, 2, 1, 4, 3};
    const bool inverted = converted[0].meta.inkInverted;
    for (const ImageSet* set : {&train, &test})
        for (std::int64_t i = 0; i < set->count(); ++i) {
            const int cls = specOf[static_cast<std::size_t>(set->labels[static_cast<std::size_t>(i)])];
            bool found = false;
            for (int k = 0; k < kClasses[static_cast<std::size_t>(cls)].images && !found; ++k) {
                const cv::Mat original = inverted ? cv::Mat(255 - kanjiImage(cls, k)) : kanjiImage(cls, k);
                found = std::equal(original.datastart, original.dataend, set->image(i));
            }
            EXPECT_TRUE(found) << "image " << i << " of " << set->source;
        }

    // Downloading again fetches nothing: the copy matches its record; the cache is reused.
    const DownloadResult again = download();
    EXPECT_TRUE(again.files[0].alreadyPresent);
    EXPECT_FALSE(again.files[0].sha256Recorded);
    EXPECT_EQ(m_server.requests().size(), 1u);
    EXPECT_TRUE(convertAfterDownload(findDataset("kkanji"), m_data.path(), quiet())[0].reused);
}

TEST_F(Kkanji, TheSameSeedGivesTheSameSplitAndAnotherSeedAnother) {
    serve(kkanjiTar());
    download();
    const auto testImages = [&](std::uint64_t seed, bool force) {
        ImportOptions options = quiet();
        options.seed = seed;
        options.force = force;
        const ImportResult result = convertAfterDownload(findDataset("kkanji"), m_data.path(), options)[0];
        const ImageSet test = loadSplit(locateDataset(*result.dataset, roots(), false), Split::Test);
        return Bytes(test.image(0), test.image(0) + test.count() * static_cast<std::int64_t>(test.imageBytes()));
    };
    const Bytes first = testImages(42, false);
    EXPECT_EQ(testImages(42, true), first) << "rebuilt from scratch, the same seed draws the same split";
    EXPECT_NE(testImages(7, false), first);
}

TEST_F(Kkanji, MinClassImagesKeepsTheLargeClassesWithTheSameSplit) {
    serve(kkanjiTar());
    download();
    ImportOptions options = quiet();
    options.minClassImages = 5;
    const std::vector<ImportResult> converted = convertAfterDownload(findDataset("kkanji"), m_data.path(), options);
    ASSERT_EQ(converted.size(), 2u) << "kkanji itself, then kkanji-min5";
    const DatasetInfo& full = *converted[0].dataset;
    const DatasetInfo& large = *converted[1].dataset;
    EXPECT_EQ(large.name, "kkanji-min5");
    EXPECT_EQ(large.licence, "CC BY-SA 4.0") << "the built-in's facts follow its variant";
    EXPECT_TRUE(contains(large.title, "Kuzushiji-Kanji")) << large.title;
    EXPECT_TRUE(large.imported) << "a variant can be removed like any import";
    EXPECT_EQ(converted[1].meta.minClassImages, 5);
    ASSERT_EQ(large.numClasses(), 3);
    EXPECT_EQ(large.classes[0].glyph, "一");
    EXPECT_EQ(large.classes[1].glyph, "三");
    EXPECT_EQ(large.classes[2].glyph, "二");
    const ImageSet fullTest = loadSplit(locateDataset(full, roots(), false), Split::Test);
    const ImageSet largeTest = loadSplit(locateDataset(large, roots(), false), Split::Test);
    EXPECT_EQ(countPerClass(largeTest, 3), (std::vector<std::int64_t>{4, 1, 2}));
    // The kept classes' test images are the full dataset's, in the same order.
    ASSERT_EQ(largeTest.count(), fullTest.count());
    EXPECT_TRUE(std::equal(largeTest.image(0), largeTest.image(0) + largeTest.count() * 4096, fullTest.image(0)));
    bool noted = false;
    for (const auto& note : converted[1].meta.notes)
        noted = noted || contains(note, "dropped 2 classes (3 images)");
    EXPECT_TRUE(noted);
    // Too high a bar is an error that names the largest class.
    options.minClassImages = 50;
    EXPECT_TRUE(contains(messageOf([&] { convertAfterDownload(findDataset("kkanji"), m_data.path(), options); }),
                         "no class has at least 50 images (the largest has 20)"));
}

TEST_F(Kkanji, TrainsOneEpochAfterTheDownload) {
    serve(kkanjiTar());
    download();
    convertAfterDownload(findDataset("kkanji"), m_data.path(), quiet());
    TrainConfig config;
    config.dataset = "kkanji";
    config.dataDir = m_data.path();
    config.model = "mlp";
    config.epochs = 1;
    config.batchSize = 8;
    config.validationFraction = 0;
    config.threads = 1;
    config.blasThreads = 1;
    config.runDir = m_data.file("run");
    TrainControl control;
    const TrainOutcome outcome = runTraining(config, {}, control);
    ASSERT_EQ(outcome.status, TrainStatus::Completed) << outcome.message;
    EXPECT_TRUE(outcome.hasTest);
}

TEST_F(Kkanji, ImportingTheArchiveOrItsUnpackedFolderMakesKkanjiToo) {
    const Bytes archive = kkanjiTar();
    TempDir elsewhere;
    test::writeBytes(elsewhere.file("kkanji.tar"), archive);
    const ImportResult fromTar = importDataset(elsewhere.file("kkanji.tar"), m_data.path(), quiet());
    EXPECT_EQ(fromTar.dataset->name, "kkanji");
    EXPECT_EQ(fromTar.meta.layout, "class folders in a tar");
    EXPECT_EQ(fromTar.dataset->numClasses(), 5);

    // The unpacked kkanji2/ folder, or the folder holding it.
    for (std::size_t c = 0; c < kClasses.size(); ++c)
        for (int i = 0; i < kClasses[c].images; ++i) {
            const std::string path = elsewhere.file("unpacked/" + memberName(kClasses[c], i));
            fs::create_directories(fs::path(path).parent_path());
            cv::imwrite(path, kanjiImage(static_cast<int>(c), i));
        }
    for (const std::string& root : {elsewhere.file("unpacked/kkanji2"), elsewhere.file("unpacked")}) {
        SCOPED_TRACE(root);
        const ImportResult fromFolder = importDataset(root, m_data.path(), quiet());
        EXPECT_EQ(fromFolder.dataset->name, "kkanji");
        EXPECT_EQ(fromFolder.meta.layout, "class folders");
        ASSERT_EQ(fromFolder.dataset->numClasses(), 5);
        EXPECT_EQ(fromFolder.dataset->classes[0].glyph, "一");
        EXPECT_EQ(fromFolder.meta.test.count, fromTar.meta.test.count) << "the same split as from the archive";
    }
    // A named import of the same archive is the user's own dataset.
    ImportOptions named = quiet();
    named.name = "my-kanji";
    EXPECT_TRUE(importDataset(elsewhere.file("kkanji.tar"), m_data.path(), named).dataset->imported);
}

// ---------------------------------------------------------------------------------------------
// The malformed-input catalogue

TEST_F(Kkanji, ATruncatedTarIsRefusedAndNothingIsKept) {
    const Bytes whole = kkanjiTar();
    serve(Bytes(whole.begin(), whole.begin() + static_cast<std::ptrdiff_t>(whole.size() / 2)));
    const std::string message = messageOf([&] { download(); });
    EXPECT_TRUE(contains(message, "kkanji.tar")) << message;
    EXPECT_TRUE(contains(message, "the download was not kept")) << message;
    EXPECT_TRUE(entries(m_data.file("kkanji")).empty()) << "no kkanji.tar, .part or .sha256";
    // The same archive given to import says the same, in its own words.
    TempDir elsewhere;
    test::writeBytes(elsewhere.file("kkanji.tar"), Bytes(whole.begin(), whole.begin() + 3000));
    EXPECT_TRUE(contains(messageOf([&] { importDataset(elsewhere.file("kkanji.tar"), m_data.path(), quiet()); }),
                         "kkanji.tar"));
}

TEST_F(Kkanji, ATarWithoutKkanji2IsNotKuzushijiKanji) {
    TarWriter tar;
    tar.addFile("images/U+4E00/1.png", pngOf(kanjiImage(0, 0)));
    tar.addFile("images/U+4E01/1.png", pngOf(kanjiImage(1, 0)));
    serve(tar.finish());
    const std::string message = messageOf([&] { download(); });
    EXPECT_EQ(message,
              "kkanji.tar has no kkanji2/ folder (its images are in images/): it is not the Kuzushiji-Kanji "
              "archive, whose images are kkanji2/U+XXXX/*.png; the download was not kept");
    EXPECT_TRUE(entries(m_data.file("kkanji")).empty());

    TarWriter flat;
    flat.addText("README", "hello");
    serve(flat.finish());
    EXPECT_TRUE(contains(messageOf([&] { download(); }), "holds no kkanji2/U+XXXX/*.png images"));
}

TEST_F(Kkanji, MembersThatAreNotPngsAreSkippedAndNamed) {
    TarWriter tar = kkanjiWriter();
    tar.addText("kkanji2/U+4E00/readme.txt", "notes");
    tar.addText("kkanji2/U+4E00/fake.png", "this is not a PNG");
    tar.addFile("kkanji2/U+4E00/._000001.png", pngOf(kanjiImage(0, 1)));  // macOS metadata
    Bytes damaged = pngOf(kanjiImage(0, 3));
    damaged.resize(damaged.size() - 20);  // a real PNG header, its pixels cut short
    tar.addFile("kkanji2/U+4E00/damaged.png", damaged);
    serve(tar.finish());
    download();  // the structure is right: the odd members do not stop the download
    const ImportResult result = convertAfterDownload(findDataset("kkanji"), m_data.path(), quiet())[0];
    EXPECT_EQ(result.meta.totalImages(), 38);
    std::map<std::string, std::string> skipped;
    for (const auto& s : result.meta.skipped)
        skipped[fs::path(s.path).filename().string()] = s.reason;
    EXPECT_EQ(skipped["readme.txt"], "not an image file (.txt)");
    EXPECT_EQ(skipped["fake.png"], "not a PNG image (named .png, but its bytes are not a PNG's)");
    EXPECT_EQ(skipped["._000001.png"], "hidden file");
    EXPECT_FALSE(skipped["damaged.png"].empty()) << "decoding failed, and the report says so";
    for (const auto& s : result.meta.skipped)
        EXPECT_EQ(s.path.rfind(archivePath() + "/kkanji2/U+4E00/", 0), 0u) << "named ARCHIVE/MEMBER: " << s.path;
}

TEST_F(Kkanji, AnEmptyClassFolderIsNotedAndIsNotAClass) {
    TarWriter tar = kkanjiWriter();
    tar.addDirectory("kkanji2/U+4E03/");
    serve(tar.finish());
    download();
    const ImportResult result = convertAfterDownload(findDataset("kkanji"), m_data.path(), quiet())[0];
    EXPECT_EQ(result.dataset->numClasses(), 5);
    bool noted = false;
    for (const auto& note : result.meta.notes)
        noted = noted || contains(note, "1 empty class folder (no usable images), not taken as classes: 'U+4E03'");
    EXPECT_TRUE(noted);
}

TEST_F(Kkanji, AnImageOfAnotherSizeIsPaddedTo64AndNoted) {
    TarWriter tar = kkanjiWriter();
    cv::Mat small(32, 48, CV_8UC1, cv::Scalar(200));
    tar.addFile("kkanji2/U+4E00/small.png", pngOf(small));
    serve(tar.finish());
    download();
    const ImportResult result = convertAfterDownload(findDataset("kkanji"), m_data.path(), quiet())[0];
    EXPECT_EQ(result.meta.totalImages(), 39) << "kept, not refused";
    EXPECT_EQ(result.dataset->rows, 64);
    bool noted = false;
    for (const auto& note : result.meta.notes)
        noted = noted || (contains(note, "1 image was not 64x64 and was padded to fit") && contains(note, "small.png"));
    EXPECT_TRUE(noted);
}

TEST_F(Kkanji, A404LeavesNothing) {
    const std::string message = messageOf([&] { download(); });
    EXPECT_EQ(message,
              m_server.baseUrl() + "kkanji/kkanji.tar: HTTP 404 Not Found: the server does not have this file");
    EXPECT_TRUE(entries(m_data.file("kkanji")).empty());
}

TEST_F(Kkanji, AConnectionClosedMidFileLeavesNothing) {
    serve(kkanjiTar());
    m_server.setBehaviour("/kkanji/kkanji.tar", Behaviour::Drop);
    const std::string message = messageOf([&] { download(); });
    EXPECT_TRUE(contains(message, "the connection broke after")) << message;
    EXPECT_TRUE(entries(m_data.file("kkanji")).empty()) << "no .part, no .sha256";
}

TEST_F(Kkanji, AFileThatNoLongerMatchesItsRecordedSha256IsSaidToHaveChanged) {
    const Bytes original = kkanjiTar();
    serve(original);
    download();
    const std::string recorded = readRecordedSha256(archivePath());

    // Changed on disk: converting it refuses, naming both digests and what to do.
    std::vector<ClassSpec> other = kClasses;
    other[0].images = 19;
    const Bytes changed = kkanjiTar(other);
    test::writeBytes(archivePath(), changed);
    const std::string message = messageOf([&] { convertAfterDownload(findDataset("kkanji"), m_data.path(), quiet()); });
    EXPECT_TRUE(contains(message, "kkanji.tar has SHA-256 " + sha256Hex(std::string(changed.begin(), changed.end())) +
                                      " but kkanji.tar.sha256 recorded " + recorded))
        << message;
    EXPECT_TRUE(contains(message, "the file changed")) << message;
    EXPECT_TRUE(contains(message, "delete " + recordedSha256Path(archivePath()))) << message;

    // Downloading again replaces the changed copy with the server's, which matches the record.
    const DownloadResult healed = download();
    EXPECT_TRUE(healed.files[0].replaced);
    EXPECT_EQ(sha256OfFile(archivePath()), recorded);

    // The server now sends another file than the one recorded: refused, the good copy stays.
    test::writeBytes(archivePath(), changed);
    serve(changed);
    const std::string refused = messageOf([&] { download(); });
    EXPECT_TRUE(contains(refused, "the server sent a file with SHA-256")) << refused;
    EXPECT_TRUE(contains(refused, "nothing was kept")) << refused;
    EXPECT_EQ(readRecordedSha256(archivePath()), recorded) << "the record is never rewritten silently";
    EXPECT_FALSE(fs::exists(archivePath() + ".part"));
}

TEST_F(Kkanji, ACopyPutThereByHandIsCheckedAndRecorded) {
    fs::create_directories(m_data.file("kkanji"));
    const Bytes archive = kkanjiTar();
    test::writeBytes(archivePath(), archive);
    const DownloadResult result = download();
    EXPECT_TRUE(result.files[0].alreadyPresent);
    EXPECT_TRUE(result.files[0].sha256Recorded);
    EXPECT_TRUE(m_server.requests().empty());
    EXPECT_EQ(readRecordedSha256(archivePath()), sha256Hex(std::string(archive.begin(), archive.end())));
}

// ---------------------------------------------------------------------------------------------
// kanalab-cli download kkanji

TEST_F(Kkanji, CliDownloadsConvertsAndListsIt) {
    serve(kkanjiTar());
    const CliRun run = runCli({"download", "kkanji", "--mirror", m_server.baseUrl(), "--data-dir", m_data.path(),
                               "--min-class-images", "5", "--threads", "2"});
    ASSERT_EQ(run.exitCode, 0) << run.err;
    EXPECT_TRUE(contains(
        run.out, "structure checked, SHA-256 " + readRecordedSha256(archivePath()) + " recorded in kkanji.tar.sha256"))
        << run.out;
    EXPECT_TRUE(contains(run.out, "train on it: kanalab-cli train --dataset kkanji --model")) << run.out;
    EXPECT_TRUE(contains(run.out, "train on it: kanalab-cli train --dataset kkanji-min5 --model")) << run.out;
    EXPECT_TRUE(contains(run.err, "decoding [####################] 38 of 38")) << run.err;

    const CliRun listed = runCli({"datasets", "--data-dir", m_data.path()});
    ASSERT_EQ(listed.exitCode, 0) << listed.err;
    EXPECT_TRUE(contains(listed.out, "kkanji  5 classes (一 三 二 五 四)  1x64x64")) << listed.out;
    EXPECT_TRUE(contains(listed.out, "kkanji-min5  3 classes (一 三 二)")) << listed.out;

    const CliRun again = runCli({"download", "kkanji", "--mirror", m_server.baseUrl(), "--data-dir", m_data.path()});
    ASSERT_EQ(again.exitCode, 0) << again.err;
    EXPECT_TRUE(contains(again.out, "already there, SHA-256 matches the one recorded")) << again.out;
    EXPECT_TRUE(contains(again.out, "reusing")) << again.out;

    const CliRun misuse = runCli({"download", "mnist", "--min-class-images", "5", "--data-dir", m_data.path()});
    EXPECT_EQ(misuse.exitCode, 2) << misuse.err;
}
