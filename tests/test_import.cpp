// SPDX-License-Identifier: GPL-3.0-or-later
// Importing the user's own images (data/import.h) and reading them back as a dataset like any
// other (data/imported_source.h): class folders, split folders with their own validation split,
// list files; colour found from the pixels; the cache reused while the files are unchanged and
// rebuilt when one changes; skipped files named; cancel and failure leave nothing half-made;
// and a PNG copy of KMNIST's test file reads back pixel for pixel like the IDX file; a single
// list file as one pool; .npz pairs (KMNIST's own test files against its IDX file) and CIFAR-10
// batches (archive and folder) imported into the same cache; small classes left out on request.
#include "common/error.h"
#include "data/catalogue.h"
#include "data/cifar_reader.h"
#include "data/dataset_store.h"
#include "data/import.h"
#include "data/imported_source.h"
#include "data/splits.h"
#include "train/checkpoint.h"
#include "train/trainer.h"
#include "support/tar_writer.h"
#include "support/temp_dir.h"
#include "support/test_data.h"
#include "support/zip_writer.h"

#include <gtest/gtest.h>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>

using namespace kanalab;
using kanalab::test::TempDir;

namespace {

namespace fs = std::filesystem;

// A gray image whose pixels encode (label, index), so a misplaced image shows.
cv::Mat grayImage(int label, int index, int size = 12) {
    cv::Mat m(size, size, CV_8UC1);
    for (int r = 0; r < size; ++r)
        for (int c = 0; c < size; ++c)
            m.at<std::uint8_t>(r, c) = static_cast<std::uint8_t>((label * 40 + index * 3 + r * 2 + c) & 0xff);
    return m;
}

void writeBytesTo(const std::string& path, const std::vector<std::uint8_t>& bytes) {
    fs::create_directories(fs::path(path).parent_path());
    test::writeBytes(path, bytes);
}

void writePng(const std::string& path, const cv::Mat& image) {
    fs::create_directories(fs::path(path).parent_path());
    ASSERT_TRUE(cv::imwrite(path, image)) << path;
}

// root/<class>/<i>.png for each class, `perClass` images each.
void makeClassFolders(const std::string& root, const std::vector<std::string>& classes, int perClass) {
    for (std::size_t c = 0; c < classes.size(); ++c)
        for (int i = 0; i < perClass; ++i)
            writePng(root + "/" + classes[c] + "/" + std::to_string(i) + ".png", grayImage(static_cast<int>(c), i));
}

ImportOptions quiet() {
    ImportOptions options;
    options.threads = 2;
    return options;
}

class Import : public ::testing::Test {
protected:
    TempDir m_dir;
    std::string m_data = m_dir.file("data");
    std::string m_input = m_dir.file("input");
};

}  // namespace

TEST_F(Import, ClassFoldersBecomeADatasetWithASeededStratifiedTestSplit) {
    makeClassFolders(m_input, {"cat", "dog", "U+304A"}, 10);
    const ImportResult result = importDataset(m_input, m_data, quiet());
    ASSERT_NE(result.dataset, nullptr);
    const DatasetInfo& info = *result.dataset;
    EXPECT_EQ(info.name, "input");
    EXPECT_TRUE(info.imported);
    EXPECT_EQ(info.channels, 1) << "every image is gray";
    EXPECT_EQ(info.rows, 12);
    EXPECT_EQ(info.cols, 12);
    ASSERT_EQ(info.numClasses(), 3);
    // Classes sorted by name; a U+XXXX folder shows its character.
    EXPECT_EQ(info.classes[0].label, "U+304A");
    EXPECT_EQ(info.classes[0].glyph, "お");
    EXPECT_EQ(info.classes[1].label, "cat");
    EXPECT_EQ(result.meta.train.count, 24);
    EXPECT_EQ(result.meta.test.count, 6) << "20 % of each class held out";
    EXPECT_FALSE(result.reused);

    // Found by name like a built-in dataset, under the data folder it was imported into.
    EXPECT_EQ(&findDataset("input", {{m_data, "test"}}), &info);
    const DatasetStatus status = locateDataset(info, {{m_data, "test"}}, false);
    EXPECT_TRUE(status.train.present);
    EXPECT_TRUE(status.test.present);
    EXPECT_FALSE(status.validation.present);
    const ImageSet train = loadSplit(status, Split::Train);
    const ImageSet test = loadSplit(status, Split::Test);
    EXPECT_TRUE(train.mapped) << "read through a memory map, not copied";
    EXPECT_EQ(countPerClass(train, 3), (std::vector<std::int64_t>{8, 8, 8}));
    EXPECT_EQ(countPerClass(test, 3), (std::vector<std::int64_t>{2, 2, 2}));
    // Every stored image is one of the class's originals, byte for byte.
    for (std::int64_t i = 0; i < train.count(); ++i) {
        const int label = static_cast<int>(train.labels[static_cast<std::size_t>(i)]);
        const int folderClass = label == 0 ? 2 : label - 1;  // folders were written cat, dog, U+304A
        bool found = false;
        for (int k = 0; k < 10 && !found; ++k) {
            const cv::Mat original = grayImage(folderClass, k);
            found = std::equal(original.datastart, original.dataend, train.image(i));
        }
        EXPECT_TRUE(found) << "train image " << i << " is not an original of class " << label;
    }
}

TEST_F(Import, ScansOfDarkInkOnPaperAreStoredAsBrightInkOnDark) {
    // Two classes of "scans": a dark stroke on white paper. Drawings on the canvas, KMNIST and
    // augmentation's zero fill all have bright ink on a dark ground, so the cache is inverted.
    for (int c = 0; c < 2; ++c)
        for (int i = 0; i < 5; ++i) {
            cv::Mat scan(16, 16, CV_8UC1, cv::Scalar(235));
            cv::line(scan, {3 + i, 3}, c == 0 ? cv::Point(12, 12) : cv::Point(3 + i, 12), cv::Scalar(20), 2);
            writePng(m_input + "/" + std::string(c == 0 ? "slash" : "bar") + "/" + std::to_string(i) + ".png", scan);
        }
    const ImportResult result = importDataset(m_input, m_data, quiet());
    EXPECT_TRUE(result.meta.inkInverted);
    bool noted = false;
    for (const auto& note : result.meta.notes)
        noted = noted || note.find("stored inverted") != std::string::npos;
    EXPECT_TRUE(noted);
    const ImageSet train = loadSplit(locateDataset(*result.dataset, {{m_data, "test"}}, false), Split::Train);
    ASSERT_GT(train.count(), 0);
    EXPECT_EQ(train.image(0)[0], 255 - 235) << "the paper became the dark ground";
    EXPECT_TRUE(readImportedMeta(result.folder).inkInverted) << "recorded in dataset.json";

    // Photos are never inverted, whatever their background.
    ImportOptions photo = quiet();
    photo.kind = "photo";
    photo.name = "photos";
    const ImportResult photos = importDataset(m_input, m_data, photo);
    EXPECT_FALSE(photos.meta.inkInverted);
    const ImageSet kept = loadSplit(locateDataset(*photos.dataset, {{m_data, "test"}}, false), Split::Train);
    EXPECT_EQ(kept.image(0)[0], 235);
}

TEST_F(Import, SplitFoldersKeepTheirOwnValidationSplitAndTrainingUsesIt) {
    for (const std::string split : {"train", "val", "test"})
        for (int c = 0; c < 2; ++c)
            for (int i = 0; i < (split == "train" ? 6 : 3); ++i)
                writePng(m_input + "/" + split + "/class" + std::to_string(c) + "/" + std::to_string(i) + ".png",
                         grayImage(c, i));
    ImportOptions options = quiet();
    options.name = "given-splits";
    const ImportResult result = importDataset(m_input, m_data, options);
    EXPECT_EQ(result.meta.layout, "split folders");
    EXPECT_EQ(result.meta.train.count, 12);
    EXPECT_EQ(result.meta.validation.count, 6);
    EXPECT_EQ(result.meta.test.count, 6);
    const DatasetStatus status = locateDataset(*result.dataset, {{m_data, "test"}}, false);
    ASSERT_TRUE(status.validation.present);
    DataPlanOptions planOptions;
    planOptions.validationFraction = 0.1;  // ignored: the dataset has its own
    const DataPlan plan = planData(status, planOptions);
    EXPECT_EQ(plan.trainIndices.size(), 12u);
    EXPECT_EQ(plan.validationIndices.size(), 6u);
    EXPECT_EQ(plan.testIndices.size(), 6u);
    EXPECT_EQ(plan.validationCounts(), (std::vector<std::int64_t>{3, 3}));
}

TEST_F(Import, ColourIsFoundFromThePixelsAndStoredAsPlanarRgb) {
    cv::Mat red(8, 8, CV_8UC3, cv::Scalar(0, 0, 255));  // BGR
    cv::Mat gray(8, 8, CV_8UC3, cv::Scalar(90, 90, 90));
    writePng(m_input + "/red/a.png", red);
    writePng(m_input + "/gray/a.png", gray);
    writePng(m_input + "/gray/b.png", gray);
    writePng(m_input + "/red/b.png", red);
    ImportOptions options = quiet();
    options.testFraction = 0;
    const ImportResult result = importDataset(m_input, m_data, options);
    const DatasetInfo& info = *result.dataset;
    EXPECT_EQ(info.channels, 3) << "one colour image makes the dataset colour";
    EXPECT_FALSE(info.handwriting()) << "colour images are photos by default";
    const ImageSet set = loadSplit(locateDataset(info, {}, false), Split::Train);
    ASSERT_EQ(set.count(), 4);
    for (std::int64_t i = 0; i < set.count(); ++i) {
        const std::uint8_t* p = set.image(i);
        if (set.labels[static_cast<std::size_t>(i)] == 1) {  // "red"
            EXPECT_EQ(p[0], 255) << "R plane first";
            EXPECT_EQ(p[64], 0);
            EXPECT_EQ(p[128], 0);
        } else {
            EXPECT_EQ(p[0], 90);
            EXPECT_EQ(p[64], 90);
        }
    }
}

TEST_F(Import, SizeIsChosenAndImagesArePaddedOrCropped) {
    // Wide images with a black frame: padding takes the border's colour (black), so the padded
    // rows differ from the image's bright middle.
    cv::Mat framed(10, 40, CV_8UC1, cv::Scalar(0));
    framed(cv::Rect(1, 1, 38, 8)).setTo(200);
    writePng(m_input + "/a/wide.png", framed);
    writePng(m_input + "/b/wide.png", framed);
    ImportOptions options = quiet();
    options.rows = options.cols = 16;
    options.testFraction = 0;
    const ImportResult padded = importDataset(m_input, m_data, options);
    EXPECT_EQ(padded.dataset->rows, 16);
    EXPECT_EQ(padded.meta.fit, "pad");
    const ImageSet a = loadSplit(locateDataset(*padded.dataset, {}, false), Split::Train);
    EXPECT_NE(a.image(0)[0], a.image(0)[8 * 16 + 8]) << "padding around a wide image, the image in the middle";
    options.crop = true;
    options.name = "cropped";
    const ImportResult cropped = importDataset(m_input, m_data, options);
    EXPECT_EQ(cropped.meta.fit, "crop");
    const ImageSet b = loadSplit(locateDataset(*cropped.dataset, {}, false), Split::Train);
    EXPECT_EQ(b.image(0)[8 * 16 + 8], 200) << "the crop keeps the middle";
    EXPECT_EQ(b.image(0)[8 * 16], b.image(0)[8 * 16 + 8]) << "a centre crop of a wide image loses its side frame";
}

TEST_F(Import, UnchangedFilesReuseTheCacheAndAChangedFileRefreshesIt) {
    makeClassFolders(m_input, {"a", "b"}, 5);
    const ImportResult first = importDataset(m_input, m_data, quiet());
    EXPECT_FALSE(first.reused);
    const ImportResult second = importDataset(m_input, m_data, quiet());
    EXPECT_TRUE(second.reused);
    EXPECT_EQ(second.decoded, 0);
    // A new image, then a rewritten one: both change the fingerprint.
    writePng(m_input + "/b/extra.png", grayImage(1, 99));
    const ImportResult third = importDataset(m_input, m_data, quiet());
    EXPECT_FALSE(third.reused);
    EXPECT_EQ(third.meta.totalImages(), 11);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    writePng(m_input + "/a/0.png", grayImage(0, 50));
    EXPECT_FALSE(importDataset(m_input, m_data, quiet()).reused);
    ImportOptions force = quiet();
    force.force = true;
    EXPECT_FALSE(importDataset(m_input, m_data, force).reused);
    // Only the finished cache is left: no staging or old folders beside it.
    std::vector<std::string> left;
    for (const auto& entry : fs::directory_iterator(m_data + "/imported"))
        left.push_back(entry.path().filename().string());
    EXPECT_EQ(left, std::vector<std::string>{"input"});
}

TEST_F(Import, UnreadableFilesAreSkippedAndNamedNothingElseFails) {
    makeClassFolders(m_input, {"a", "b"}, 3);
    { std::ofstream(m_input + "/a/broken.png") << "not a png at all"; }
    { std::ofstream(m_input + "/b/empty.png"); }
    { std::ofstream(m_input + "/b/notes.txt") << "hello"; }
    const ImportResult result = importDataset(m_input, m_data, quiet());
    EXPECT_EQ(result.meta.totalImages(), 6);
    std::string skipped;
    for (const auto& s : result.meta.skipped)
        skipped += s.path + ": " + s.reason + "\n";
    EXPECT_NE(skipped.find("broken.png"), std::string::npos) << skipped;
    EXPECT_NE(skipped.find("empty.png"), std::string::npos) << skipped;
    EXPECT_NE(skipped.find("notes.txt"), std::string::npos) << skipped;
    // The report survives in dataset.json for later.
    EXPECT_EQ(readImportedMeta(result.folder).skipped.size(), result.meta.skipped.size());
}

TEST_F(Import, ListFilesWithNamesOrNumbersAsLabels) {
    makeClassFolders(m_input + "/img", {"x", "y"}, 4);
    {
        std::ofstream classes(m_input + "/classes.txt");
        classes << "x\ny\n";
        std::ofstream train(m_input + "/train.txt");
        train << "img/x/0.png 0\nimg/x/1.png x\nimg/y/0.png 1\nimg/y/1.png y\n";
        std::ofstream test(m_input + "/test.txt");
        test << "img/x/2.png 0\n" << m_input << "/img/y/2.png\t1\n";
    }
    const ImportResult result = importDataset(m_input, m_data, quiet());
    EXPECT_EQ(result.meta.layout, "list files");
    EXPECT_EQ(result.meta.train.count, 4);
    EXPECT_EQ(result.meta.test.count, 2);
    const ImageSet test = loadSplit(locateDataset(*result.dataset, {}, false), Split::Test);
    EXPECT_EQ(test.labels, (std::vector<std::int64_t>{0, 1}));
}

TEST_F(Import, CancelLeavesNothingAndKeepsThePreviousCache) {
    makeClassFolders(m_input, {"a", "b"}, 4);
    const ImportResult first = importDataset(m_input, m_data, quiet());
    writePng(m_input + "/a/new.png", grayImage(0, 7));
    std::atomic<bool> cancel{true};
    ImportOptions options = quiet();
    options.cancel = &cancel;
    EXPECT_THROW(importDataset(m_input, m_data, options), Cancelled);
    std::vector<std::string> left;
    for (const auto& entry : fs::directory_iterator(m_data + "/imported"))
        left.push_back(entry.path().filename().string());
    EXPECT_EQ(left, std::vector<std::string>{"input"});
    EXPECT_EQ(readImportedMeta(first.folder).totalImages(), 8) << "the old cache is untouched";
}

TEST_F(Import, BadInputsGiveOneSentence) {
    const auto message = [&](const std::string& path, const ImportOptions& options) {
        try {
            importDataset(path, m_data, options);
        } catch (const Error& e) {
            return std::string(e.what());
        }
        return std::string("no error");
    };
    EXPECT_NE(message(m_dir.file("nowhere"), quiet()).find("no such folder"), std::string::npos);
    fs::create_directories(m_dir.file("empty"));
    EXPECT_NE(message(m_dir.file("empty"), quiet()), "no error");
    makeClassFolders(m_input, {"a"}, 2);
    ImportOptions builtin = quiet();
    builtin.name = "kmnist";
    EXPECT_NE(message(m_input, builtin).find("built into KanaLab"), std::string::npos);
    ImportOptions badName = quiet();
    badName.name = "My Data";
    EXPECT_NE(message(m_input, badName).find("lowercase"), std::string::npos);
    ImportOptions badSize = quiet();
    badSize.rows = badSize.cols = 2;
    EXPECT_NE(message(m_input, badSize).find("--size"), std::string::npos);
}

TEST_F(Import, DamagedCachesAreLeftOutOrNamed) {
    makeClassFolders(m_input, {"a", "b"}, 3);
    const ImportResult result = importDataset(m_input, m_data, quiet());
    // images.u8 cut short: loading names the cache and says to import again.
    fs::resize_file(result.folder + "/" + kImportedImagesFile, 10);
    try {
        loadSplit(locateDataset(*result.dataset, {}, false), Split::Train);
        ADD_FAILURE() << "a truncated cache loaded";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("import the data again"), std::string::npos) << e.what();
    }
    // A dataset.json that is not JSON: the scan leaves it out instead of failing.
    { std::ofstream(result.folder + "/" + kImportedMetaFile) << "{ not json"; }
    EXPECT_THROW(readImportedMeta(result.folder), Error);
    EXPECT_TRUE(scanImportedSources({{m_data, "test"}}).empty());
}

TEST_F(Import, DatasetNamesComeFromThePath) {
    EXPECT_EQ(datasetNameFromPath("/home/me/My Kana Scans/"), "my-kana-scans");
    EXPECT_EQ(datasetNameFromPath("/data/mini-imagenet/train.txt"), "mini-imagenet");
    EXPECT_EQ(datasetNameFromPath("/data/データ"), "my-dataset");
}

// The PNG copy of KMNIST's official test file, written as train/test class folders the way
// test-80-20 splits it, imports to exactly the IDX file's pixels and labels.
TEST_F(Import, APngCopyOfKmnistReadsBackLikeTheIdxFile) {
    KANALAB_REQUIRE_SHARED("kmnist", "t10k-images-idx3-ubyte.gz");
    const ImageSet idx =
        loadSplit(locateDataset(findDataset("kmnist"), {{test::sharedDataDir(), "test"}}, false), Split::Test);
    const IndexSplit split = perClassHeadTail(idx.labels, 10, 0.8);
    const DatasetInfo& kmnist = findDataset("kmnist");
    for (const auto& [part, indices] : {std::pair{"train", &split.first}, std::pair{"test", &split.second}})
        for (const std::int64_t i : *indices) {
            const std::string folder = m_input + "/" + part + "/" +
                                       kmnist.classes[static_cast<std::size_t>(idx.labels[static_cast<std::size_t>(i)])].label;
            char name[16];
            std::snprintf(name, sizeof name, "%05lld.png", static_cast<long long>(i));
            writePng(folder + "/" + name, cv::Mat(28, 28, CV_8UC1, const_cast<std::uint8_t*>(idx.image(i))));
        }
    ImportOptions options = quiet();
    options.name = "kmnist-png";
    const ImportResult result = importDataset(m_input, m_data, options);
    EXPECT_EQ(result.meta.train.count, 8000);
    EXPECT_EQ(result.meta.test.count, 2000);
    EXPECT_TRUE(result.meta.skipped.empty());
    EXPECT_EQ(result.dataset->channels, 1);
    EXPECT_EQ(result.dataset->rows, 28);
    const DatasetStatus status = locateDataset(*result.dataset, {}, false);
    const ImageSet test = loadSplit(status, Split::Test);
    // Folder classes are sorted by name (ha, ki, ma, na, o, re, su, tsu, wo, ya): map them back.
    std::vector<std::int64_t> toKmnist;
    for (const auto& c : result.dataset->classes)
        for (const auto& k : kmnist.classes)
            if (k.label == c.label)
                toKmnist.push_back(k.index);
    ASSERT_EQ(toKmnist.size(), 10u);
    ASSERT_EQ(test.count(), 2000);
    // Files are sorted by path within a class: the same order as test-80-20's tail per class.
    std::size_t matched = 0;
    std::vector<std::vector<std::int64_t>> tailByClass(10);
    for (const std::int64_t i : split.second)
        tailByClass[static_cast<std::size_t>(idx.labels[static_cast<std::size_t>(i)])].push_back(i);
    std::vector<std::size_t> next(10, 0);
    for (std::int64_t j = 0; j < test.count(); ++j) {
        const std::size_t k = static_cast<std::size_t>(toKmnist[static_cast<std::size_t>(test.labels[static_cast<std::size_t>(j)])]);
        const std::int64_t original = tailByClass[k][next[k]++];
        matched += std::equal(test.image(j), test.image(j) + 784, idx.image(original));
    }
    EXPECT_EQ(matched, 2000u) << "every imported image equals its IDX original";
}

// Colour end to end: an imported colour dataset trains (the model is built for 3 channels) and
// its checkpoint stores one normalisation mean and deviation per channel (checkpoint format 2).
TEST_F(Import, AColourDatasetTrainsWithPerChannelNormalisation) {
    // Class 0 reddish, class 1 bluish, with noise: learnable from colour alone.
    for (int c = 0; c < 2; ++c)
        for (int i = 0; i < 24; ++i) {
            cv::Mat image(10, 10, CV_8UC3);
            cv::randu(image, cv::Scalar::all(0), cv::Scalar::all(60));
            image += c == 0 ? cv::Scalar(0, 40, 190) : cv::Scalar(190, 40, 0);  // BGR
            writePng(m_input + "/" + (c == 0 ? "red" : "blue") + "/" + std::to_string(i) + ".png", image);
        }
    ImportOptions options = quiet();
    options.rows = options.cols = 28;  // LeNet-5 needs at least 28x28
    const ImportResult imported = importDataset(m_input, m_data, options);
    ASSERT_EQ(imported.dataset->channels, 3);

    TrainConfig config;
    config.dataset = imported.dataset->name;
    config.dataDir = m_data;
    config.model = "lenet5";
    config.epochs = 2;
    config.batchSize = 8;
    config.validationFraction = 0.2;
    config.seed = 3;
    config.threads = 1;
    config.blasThreads = 1;
    config.runDir = m_dir.file("run");
    TrainControl control;
    const TrainOutcome outcome = runTraining(config, {}, control);
    ASSERT_EQ(outcome.status, TrainStatus::Completed) << outcome.message;
    EXPECT_TRUE(outcome.hasTest);

    const CheckpointMeta meta = readCheckpointMeta(config.runDir + "/checkpoints/best.pt");
    EXPECT_EQ(meta.formatVersion, kCheckpointFormatVersion);
    EXPECT_EQ(meta.spec.channels, 3);
    ASSERT_EQ(meta.normalizationMean.size(), 3u) << "one mean per channel";
    ASSERT_EQ(meta.normalizationStd.size(), 3u);
    // Half the images are red-heavy and half blue-heavy: red and blue means agree, green's is lower.
    EXPECT_NEAR(meta.normalizationMean[0], meta.normalizationMean[2], 0.05);
    EXPECT_LT(meta.normalizationMean[1], meta.normalizationMean[0]);
}

// ---------------------------------------------------------------------------------------------
// One list file, .npz pairs, CIFAR-10 batches, --min-class-images

namespace {

std::string importError(const std::string& path, const std::string& data, const ImportOptions& options) {
    try {
        importDataset(path, data, options);
    } catch (const Error& e) {
        return e.what();
    }
    return "no error";
}

// A CIFAR-10 batch of count records whose pixels encode (batch, record).
std::vector<std::uint8_t> cifarBatch(int batch, int count) {
    std::vector<std::uint8_t> bytes;
    for (int r = 0; r < count; ++r) {
        bytes.push_back(static_cast<std::uint8_t>((batch + r) % 10));
        for (std::size_t p = 0; p < kCifarImageBytes; ++p)
            bytes.push_back(static_cast<std::uint8_t>((batch * 31 + r * 7 + p) & 0xff));
    }
    return bytes;
}

std::string cifarMeta() {
    std::string text;
    for (const auto& name : cifar10ClassNames())
        text += name + "\n";
    return text + "\n";
}

}  // namespace

TEST_F(Import, ASingleListFileNotNamedTrainOrTestIsOnePoolSplitPerClass) {
    makeClassFolders(m_input + "/img", {"x", "y"}, 10);
    {
        std::ofstream all(m_input + "/all.txt");
        for (int i = 0; i < 10; ++i)
            all << "img/x/" << i << ".png x\nimg/y/" << i << ".png y\n";
    }
    const ImportResult result = importDataset(m_input + "/all.txt", m_data, quiet());
    EXPECT_EQ(result.dataset->name, "input") << "named after the folder holding the list";
    EXPECT_EQ(result.meta.layout, "list files");
    EXPECT_EQ(result.meta.train.count, 16);
    EXPECT_EQ(result.meta.test.count, 4) << "20 % of each class held out";
    EXPECT_DOUBLE_EQ(result.meta.testFraction, 0.2);
    const ImageSet test = loadSplit(locateDataset(*result.dataset, {}, false), Split::Test);
    EXPECT_EQ(countPerClass(test, 2), (std::vector<std::int64_t>{2, 2}));
}

TEST_F(Import, KmnistNpzPairReadsBackLikeTheIdxFile) {
    KANALAB_REQUIRE_SHARED("kmnist", "kmnist-test-imgs.npz");
    KANALAB_REQUIRE_SHARED("kmnist", "t10k-images-idx3-ubyte.gz");
    const ImageSet idx =
        loadSplit(locateDataset(findDataset("kmnist"), {{test::sharedDataDir(), "test"}}, false), Split::Test);
    const std::string npz = test::sharedDataDir() + "/kmnist/kmnist-test-imgs.npz";
    for (const std::string format : {"npz", "auto"}) {
        SCOPED_TRACE(format);
        ImportOptions options = quiet();
        options.format = format;
        const ImportResult result = importDataset(npz, m_data, options);
        const DatasetInfo& info = *result.dataset;
        EXPECT_EQ(info.name, "kmnist-npz") << "kmnist itself is built in";
        EXPECT_EQ(result.meta.layout, "npz");
        EXPECT_EQ(result.meta.train.count, 0);
        ASSERT_EQ(result.meta.test.count, 10000);
        ASSERT_EQ(info.numClasses(), 10);
        EXPECT_EQ(info.classes[0].displayName(), "お o") << "the classes of the dataset the files belong to";
        EXPECT_EQ(info.licence, "CC BY-SA 4.0");
        bool noted = false;
        for (const auto& note : result.meta.notes)
            noted = noted || note.find("--split-protocol test-80-20") != std::string::npos;
        EXPECT_TRUE(noted) << "no train pair: say how to train anyway";
        const ImageSet test = loadSplit(locateDataset(info, {}, false), Split::Test);
        EXPECT_TRUE(test.mapped);
        EXPECT_EQ(test.labels, idx.labels);
        EXPECT_TRUE(std::equal(test.image(0), test.image(0) + 10000 * 784, idx.image(0))) << "pixel for pixel";
    }
    // The folder holding the pair is found to be .npz too.
    ImportOptions named = quiet();
    named.name = "kmnist-folder";
    EXPECT_EQ(importDataset(test::sharedDataDir() + "/kmnist", m_data, named).meta.layout, "npz");
}

TEST_F(Import, AnNpzPoolIsSplitPerClassAndSmallClassesCanBeLeftOut) {
    // 12 + 10 + 2 images of 6x6: class 2 is too small for --min-class-images 5.
    std::vector<std::uint8_t> pixels, labels;
    for (int c = 0; c < 3; ++c)
        for (int i = 0; i < (c == 0 ? 12 : c == 1 ? 10 : 2); ++i) {
            labels.push_back(static_cast<std::uint8_t>(c));
            for (int p = 0; p < 36; ++p)
                pixels.push_back(static_cast<std::uint8_t>(c * 60 + i * 3 + p));
        }
    fs::create_directories(m_input);
    const auto count = static_cast<std::int64_t>(labels.size());
    test::writeBytes(m_input + "/mine-imgs.npz",
                     test::zipBytes({{"arr_0.npy", test::npyBytes("|u1", {count, 6, 6}, false, pixels)}}));
    test::writeBytes(m_input + "/mine-labels.npz",
                     test::zipBytes({{"arr_0.npy", test::npyBytes("|u1", {count}, false, labels)}}));
    const ImportResult all = importDataset(m_input, m_data, quiet());
    EXPECT_EQ(all.dataset->name, "mine");
    EXPECT_EQ(all.dataset->numClasses(), 3);
    EXPECT_EQ(all.dataset->classes[2].label, "2");
    EXPECT_EQ(all.meta.test.count, 2 + 2 + 0);
    ImportOptions options = quiet();
    options.minClassImages = 5;
    const ImportResult large = importDataset(m_input + "/mine-imgs.npz", m_data, options);
    EXPECT_EQ(large.dataset->name, "mine-min5");
    EXPECT_EQ(large.dataset->numClasses(), 2);
    EXPECT_EQ(large.meta.minClassImages, 5);
    EXPECT_EQ(large.meta.train.count, 10 + 8);
    const ImageSet allTest = loadSplit(locateDataset(*all.dataset, {}, false), Split::Test);
    const ImageSet largeTest = loadSplit(locateDataset(*large.dataset, {}, false), Split::Test);
    ASSERT_EQ(largeTest.count(), 4);
    EXPECT_TRUE(std::equal(largeTest.image(0), largeTest.image(0) + 4 * 36, allTest.image(0)))
        << "the kept classes keep their split";
    EXPECT_NE(importError(m_input, m_data, [] {
                  ImportOptions o;
                  o.minClassImages = 13;
                  return o;
              }()).find("no class has at least 13 images (the largest has 12)"),
              std::string::npos);
}

TEST_F(Import, Cifar10BatchesFromTheArchiveOrTheFolder) {
    test::TarWriter tar;
    tar.addDirectory("cifar-10-batches-bin/");
    const std::vector<std::string> batches = cifar10BatchFiles();
    for (std::size_t b = 0; b < batches.size(); ++b) {
        const auto bytes = cifarBatch(static_cast<int>(b), b + 1 == batches.size() ? 3 : 2);
        tar.addFile("cifar-10-batches-bin/" + batches[b], bytes);
        writeBytesTo(m_input + "/cifar-10-batches-bin/" + batches[b], bytes);
    }
    const std::string meta = cifarMeta();
    tar.addText("cifar-10-batches-bin/batches.meta.txt", meta);
    writeBytesTo(m_input + "/cifar-10-batches-bin/batches.meta.txt", std::vector<std::uint8_t>(meta.begin(), meta.end()));
    const std::string archive = m_dir.file("cifar-10-binary.tar.gz");
    test::writeBytes(archive, test::gzipBytes(tar.finish()));

    for (const std::string& path : {archive, m_input, m_input + "/cifar-10-batches-bin"}) {
        SCOPED_TRACE(path);
        ImportOptions options = quiet();
        options.name = "tiny-cifar";
        const ImportResult result = importDataset(path, m_data, options);
        const DatasetInfo& info = *result.dataset;
        EXPECT_EQ(result.meta.layout, "cifar10");
        EXPECT_EQ(info.channels, 3);
        EXPECT_EQ(info.rows, 32);
        EXPECT_FALSE(info.handwriting());
        ASSERT_EQ(info.numClasses(), 10);
        EXPECT_EQ(info.classes[9].label, "truck");
        EXPECT_EQ(result.meta.train.count, 10);
        EXPECT_EQ(result.meta.test.count, 3);
        const DatasetStatus status = locateDataset(info, {}, false);
        const ImageSet train = loadSplit(status, Split::Train);
        const ImageSet test = loadSplit(status, Split::Test);
        const auto first = cifarBatch(0, 2);
        EXPECT_EQ(train.labels[0], static_cast<std::int64_t>(first[0]));
        EXPECT_TRUE(std::equal(train.image(0), train.image(0) + kCifarImageBytes, first.begin() + 1));
        const auto last = cifarBatch(5, 3);
        EXPECT_TRUE(std::equal(test.image(2), test.image(2) + kCifarImageBytes, last.begin() + 2 * 3073 + 1));
    }
    EXPECT_EQ(datasetNameFromPath(archive), "cifar-10-binary");
}

TEST_F(Import, AFormatThatDoesNotFitThePathSaysSo) {
    makeClassFolders(m_input, {"a", "b"}, 2);
    ImportOptions options = quiet();
    options.format = "npz";
    EXPECT_NE(importError(m_input, m_data, options).find("holds no .npz image/label pair"), std::string::npos);
    options.format = "cifar10";
    EXPECT_NE(importError(m_input, m_data, options).find("is not CIFAR-10's binary version"), std::string::npos);
    options.format = "zip";
    EXPECT_NE(importError(m_input, m_data, options).find("use auto, folder, list, npz or cifar10"), std::string::npos);
}
