// SPDX-License-Identifier: GPL-3.0-or-later
// The dataset catalogue, where data folders are looked for and in which order, datasets present
// with only some splits, inflated copies, and the real files: ../shared/data (KMNIST and MNIST
// test sets, KMNIST train labels) and Debian's Fashion-MNIST.
#include "common/error.h"
#include "data/catalogue.h"
#include "data/data_dirs.h"
#include "data/dataset_store.h"
#include "data/idx_reader.h"
#include "data/image_set.h"
#include "support/temp_dir.h"
#include "support/test_data.h"

#include <gtest/gtest.h>

#include <sys/stat.h>

#include <cstdlib>
#include <fstream>
#include <functional>
#include <optional>
#include <string>
#include <vector>

using namespace kanalab;
using kanalab::test::gzipBytes;
using kanalab::test::TempDir;
using kanalab::test::writeBytes;

namespace {

using Bytes = std::vector<std::uint8_t>;

constexpr const char* kFashionSystemFolder = "/usr/share/datasets/fashion-mnist";

// Sets an environment variable for one scope and puts the old value back afterwards, so tests
// neither see the developer's own KANALAB_DATA_DIR nor leak theirs into the next test.
class ScopedEnv {
public:
    ScopedEnv(const char* name, const std::optional<std::string>& value) : m_name(name) {
        if (const char* old = std::getenv(name))
            m_old = old;
        if (value)
            ::setenv(name, value->c_str(), 1);
        else
            ::unsetenv(name);
    }
    ~ScopedEnv() {
        if (m_old)
            ::setenv(m_name.c_str(), m_old->c_str(), 1);
        else
            ::unsetenv(m_name.c_str());
    }
    ScopedEnv(const ScopedEnv&) = delete;
    ScopedEnv& operator=(const ScopedEnv&) = delete;

private:
    std::string m_name;
    std::optional<std::string> m_old;
};

void appendBigEndian32(Bytes& out, std::uint32_t value) {
    for (int shift = 24; shift >= 0; shift -= 8)
        out.push_back(static_cast<std::uint8_t>(value >> shift));
}

Bytes imagesFile(std::uint32_t count, std::uint8_t fill) {
    Bytes out;
    appendBigEndian32(out, kIdxImagesMagic);
    for (const std::uint32_t dim : {count, 28u, 28u})
        appendBigEndian32(out, dim);
    out.resize(out.size() + std::size_t(count) * 28 * 28, fill);
    return out;
}

Bytes labelsFile(std::uint32_t count) {
    Bytes out;
    appendBigEndian32(out, kIdxLabelsMagic);
    appendBigEndian32(out, count);
    for (std::uint32_t i = 0; i < count; ++i)
        out.push_back(static_cast<std::uint8_t>(i % 10));
    return out;
}

void makeFolder(const std::string& path) {
    ::mkdir(path.c_str(), 0755);
}

// Writes a small test split of `dataset` (count images of 28x28, labels 0-9 in turn) under
// root/dataset; gzipped under the official names, or inflated under the names without .gz.
void writeTestSplit(const std::string& root, const std::string& dataset, std::uint32_t count, bool gzipped = true,
                    std::uint8_t fill = 0) {
    makeFolder(root);
    const std::string folder = joinPath(root, dataset);
    makeFolder(folder);
    const Bytes images = imagesFile(count, fill);
    const Bytes labels = labelsFile(count);
    if (gzipped) {
        writeBytes(joinPath(folder, "t10k-images-idx3-ubyte.gz"), gzipBytes(images));
        writeBytes(joinPath(folder, "t10k-labels-idx1-ubyte.gz"), gzipBytes(labels));
    } else {
        writeBytes(joinPath(folder, "t10k-images-idx3-ubyte"), images);
        writeBytes(joinPath(folder, "t10k-labels-idx1-ubyte"), labels);
    }
}

// The Unicode codepoint of a one-character UTF-8 string (the KMNIST glyphs are 3 bytes each).
std::uint32_t codepointOf(const std::string& utf8) {
    const auto b = [&](std::size_t i) { return static_cast<std::uint32_t>(static_cast<unsigned char>(utf8[i])); };
    if (utf8.size() == 3 && (b(0) & 0xF0) == 0xE0)
        return ((b(0) & 0x0F) << 12) | ((b(1) & 0x3F) << 6) | (b(2) & 0x3F);
    return 0;
}

std::string errorOf(const std::function<void()>& action) {
    try {
        action();
    } catch (const Error& e) {
        return e.what();
    }
    ADD_FAILURE() << "no kanalab::Error was thrown";
    return {};
}

// Every test here runs with the user data folder pointed at an empty temporary folder and no
// KANALAB_DATA_DIR, so the developer's own downloads never change the outcome.
class DataFolders : public ::testing::Test {
protected:
    std::string root(const std::string& name) const { return m_dir.file(name); }

    TempDir m_dir;
    ScopedEnv m_xdg{"XDG_DATA_HOME", m_dir.file("xdg")};
    ScopedEnv m_env{kDataDirEnvVar, std::nullopt};
};

}  // namespace

// ---------------------------------------------------------------------------------------------
// Catalogue

TEST(Catalogue, HoldsTheBuiltInDatasetsInOrder) {
    const auto catalogue = datasetCatalogue();
    ASSERT_GE(catalogue.size(), 6u);
    EXPECT_EQ(catalogue[0]->name, "kmnist");
    EXPECT_EQ(catalogue[1]->name, "mnist");
    EXPECT_EQ(catalogue[2]->name, "fashion-mnist");
    EXPECT_EQ(catalogue[3]->name, "k49");
    EXPECT_EQ(catalogue[4]->name, "cifar10");
    EXPECT_EQ(catalogue[5]->name, "kkanji");
    EXPECT_EQ(knownDatasetNames().rfind("kmnist, mnist, fashion-mnist, k49, cifar10, kkanji", 0), 0u);
    for (std::size_t d = 0; d < 3; ++d) {
        const DatasetInfo& info = *catalogue[d];
        SCOPED_TRACE(info.name);
        EXPECT_EQ(info.numClasses(), 10);
        EXPECT_EQ(info.rows, 28);
        EXPECT_EQ(info.cols, 28);
        EXPECT_EQ(info.channels, 1);
        EXPECT_EQ(info.format, "IDX");
        EXPECT_EQ(info.trainCount, 60000);
        EXPECT_EQ(info.testCount, 10000);
        const auto train = info.remoteFilesFor(Split::Train);
        const auto test = info.remoteFilesFor(Split::Test);
        ASSERT_EQ(train.size(), 2u);
        ASSERT_EQ(test.size(), 2u);
        EXPECT_EQ(train[0].fileName, "train-images-idx3-ubyte.gz");
        EXPECT_EQ(train[1].fileName, "train-labels-idx1-ubyte.gz");
        EXPECT_EQ(test[0].fileName, "t10k-images-idx3-ubyte.gz");
        EXPECT_EQ(test[1].fileName, "t10k-labels-idx1-ubyte.gz");
        EXPECT_TRUE(info.remoteFilesFor(Split::Validation).empty());
    }
    for (const DatasetInfo* info : catalogue) {
        SCOPED_TRACE(info->name);
        for (const RemoteFile& file : info->remoteFiles) {
            EXPECT_GT(file.bytes, 0) << file.fileName;
            // Kuzushiji-Kanji publishes no checksum (its structure and recorded SHA-256 are checked).
            if (info->name != "kkanji") {
                EXPECT_EQ(file.md5.size(), 32u) << file.fileName;
            }
        }
        ASSERT_FALSE(info->downloadUrls.empty());
        EXPECT_EQ(info->downloadUrls.front().back(), '/');
        for (int i = 0; i < info->numClasses(); ++i)
            EXPECT_EQ(info->classes[static_cast<std::size_t>(i)].index, i);
        EXPECT_EQ(&findDataset(info->name), info);
        EXPECT_EQ(info->source->info().name, info->name) << "each source carries its own facts";
        EXPECT_FALSE(info->imported);
    }
}

TEST(Catalogue, K49HasItsFortyNineClassesAsGlyphAndRomaji) {
    const DatasetInfo& k49 = findDataset("k49");
    ASSERT_EQ(k49.numClasses(), 49);
    EXPECT_EQ(k49.format, "NPZ");
    EXPECT_EQ(k49.trainCount, 232365);
    EXPECT_EQ(k49.testCount, 38547);
    EXPECT_EQ(k49.classes[0].displayName(), "あ a");
    EXPECT_EQ(k49.classes[11].displayName(), "し shi");
    EXPECT_EQ(k49.classes[44].displayName(), "ゐ wi");
    EXPECT_EQ(k49.classes[45].displayName(), "ゑ we");
    EXPECT_EQ(k49.classes[47].displayName(), "ん n");
    EXPECT_EQ(k49.classes[48].glyph, "ゝ");
    EXPECT_EQ(k49.classes[48].displayName(), "ゝ (iteration mark)");
    EXPECT_TRUE(k49.handwriting());
    // The class map in ../shared/data is the official one: its characters, in its order.
    const std::string classmap = test::sharedDataDir() + "/k49/k49_classmap.csv";
    std::ifstream in(classmap);
    if (!in)
        GTEST_SKIP() << "needs " << classmap;
    std::string line;
    std::getline(in, line);  // header
    int index = 0;
    while (std::getline(in, line)) {
        const std::string glyph = line.substr(line.rfind(',') + 1);
        ASSERT_LT(index, 49);
        EXPECT_EQ(k49.classes[static_cast<std::size_t>(index)].glyph, glyph) << "class " << index;
        ++index;
    }
    EXPECT_EQ(index, 49);
}

TEST(Catalogue, Cifar10IsColourPhotosFromOneArchive) {
    const DatasetInfo& cifar = findDataset("cifar10");
    EXPECT_EQ(cifar.channels, 3);
    EXPECT_EQ(cifar.rows, 32);
    EXPECT_EQ(cifar.cols, 32);
    EXPECT_TRUE(cifar.colour());
    EXPECT_FALSE(cifar.handwriting());
    ASSERT_EQ(cifar.remoteFiles.size(), 1u);
    EXPECT_EQ(cifar.remoteFiles[0].fileName, "cifar-10-binary.tar.gz");
    EXPECT_EQ(cifar.remoteFiles[0].bytes, 170052171);
    EXPECT_EQ(cifar.remoteFiles[0].md5, "c32a1d4ab5d03f1284b67883e8d87530");
    EXPECT_TRUE(cifar.remoteFiles[0].serves(Split::Train));
    EXPECT_TRUE(cifar.remoteFiles[0].serves(Split::Test));
    EXPECT_EQ(cifar.remoteBytes({Split::Train, Split::Test}), 170052171) << "one archive, counted once";
    EXPECT_EQ(cifar.classes[9].label, "truck");
}

TEST(Catalogue, EachDatasetStatesHowADrawingIsFramed) {
    EXPECT_EQ(findDataset("mnist").traits.canvas.boxSize, 20);
    EXPECT_TRUE(findDataset("mnist").traits.canvas.centreOfMass);
    EXPECT_EQ(findDataset("kmnist").traits.canvas.boxSize, 28);
    EXPECT_GT(findDataset("kmnist").traits.canvas.strokeFraction, 0);
    EXPECT_EQ(findDataset("k49").traits.canvas.strokeFraction, findDataset("kmnist").traits.canvas.strokeFraction);
    EXPECT_EQ(findDataset("fashion-mnist").traits.kind, ImageKind::Photo);
}

TEST(Catalogue, KmnistClassesCarryGlyphsAndRomaji) {
    const DatasetInfo& kmnist = findDataset("kmnist");
    EXPECT_EQ(kmnist.title, "Kuzushiji-MNIST");
    const std::vector<std::string> glyphs = {"お", "き", "す", "つ", "な", "は", "ま", "や", "れ", "を"};
    const std::vector<std::string> romaji = {"o", "ki", "su", "tsu", "na", "ha", "ma", "ya", "re", "wo"};
    const std::vector<std::uint32_t> codepoints = {0x304A, 0x304D, 0x3059, 0x3064, 0x306A,
                                                   0x306F, 0x307E, 0x3084, 0x308C, 0x3092};
    ASSERT_EQ(kmnist.classes.size(), 10u);
    for (std::size_t i = 0; i < 10; ++i) {
        const ClassInfo& c = kmnist.classes[i];
        SCOPED_TRACE(romaji[i]);
        EXPECT_EQ(c.glyph, glyphs[i]);
        EXPECT_EQ(codepointOf(c.glyph), codepoints[i]);
        EXPECT_EQ(c.romaji, romaji[i]);
        EXPECT_EQ(c.label, romaji[i]);  // ASCII, safe in file names and terminals
        EXPECT_EQ(c.displayName(), glyphs[i] + " " + romaji[i]);
    }
}

TEST(Catalogue, MnistAndFashionClassesArePlainLabels) {
    const DatasetInfo& mnist = findDataset("mnist");
    for (int i = 0; i < 10; ++i) {
        const ClassInfo& c = mnist.classes[static_cast<std::size_t>(i)];
        EXPECT_EQ(c.label, std::to_string(i));
        EXPECT_TRUE(c.glyph.empty());
        EXPECT_EQ(c.displayName(), std::to_string(i));
    }
    const DatasetInfo& fashion = findDataset("fashion-mnist");
    EXPECT_EQ(fashion.classes[0].displayName(), "T-shirt/top");
    EXPECT_EQ(fashion.classes[9].displayName(), "Ankle boot");
    EXPECT_EQ(fashion.systemFolders, (std::vector<std::string>{kFashionSystemFolder}));
}

TEST(Catalogue, UnknownNameListsTheKnownOnes) {
    EXPECT_EQ(errorOf([] { findDataset("kmnst"); }),
              "unknown dataset 'kmnst': known datasets are kmnist, mnist, fashion-mnist, k49, cifar10, kkanji "
              "(kanalab-cli import PATH makes one of your own folder)");
    EXPECT_THROW(findDataset("KMNIST"), Error);  // names are exact: they are folder names too
    EXPECT_THROW(findDataset(""), Error);
}

// ---------------------------------------------------------------------------------------------
// Data folders and their priority

TEST_F(DataFolders, RootsComeInPriorityOrder) {
    const ScopedEnv env(kDataDirEnvVar, root("env"));
    auto roots = dataRoots(root("flag"));
    ASSERT_EQ(roots.size(), 3u);
    EXPECT_EQ(roots[0].path, root("flag"));
    EXPECT_EQ(roots[0].origin, "--data-dir");
    EXPECT_EQ(roots[1].path, root("env"));
    EXPECT_EQ(roots[1].origin, "KANALAB_DATA_DIR");
    EXPECT_EQ(roots[2].path, root("xdg") + "/KanaLab");
    EXPECT_EQ(roots[2].origin, "user data folder");
    EXPECT_EQ(downloadRoot(root("flag")), root("flag"));
    EXPECT_EQ(downloadRoot(""), root("env"));

    roots = dataRoots("");
    ASSERT_EQ(roots.size(), 2u);
    EXPECT_EQ(roots[0].origin, "KANALAB_DATA_DIR");
}

TEST_F(DataFolders, UserFolderFollowsXdgThenHome) {
    EXPECT_EQ(userDataFolder(), root("xdg") + "/KanaLab");
    const ScopedEnv noXdg("XDG_DATA_HOME", std::nullopt);
    const ScopedEnv home("HOME", root("home"));
    EXPECT_EQ(userDataFolder(), root("home") + "/.local/share/KanaLab");
    EXPECT_EQ(dataRoots("").front().path, root("home") + "/.local/share/KanaLab");
    EXPECT_EQ(defaultRunsFolder(), root("home") + "/.local/share/KanaLab/runs");
}

TEST_F(DataFolders, FlagBeatsEnvironmentBeatsUserFolder) {
    // The same dataset in all three places, told apart by image count.
    const std::string user = root("xdg") + "/KanaLab";
    makeFolder(root("xdg"));
    writeTestSplit(root("flag"), "kmnist", 10);
    writeTestSplit(root("env"), "kmnist", 20);
    writeTestSplit(user, "kmnist", 30);
    const ScopedEnv env(kDataDirEnvVar, root("env"));
    const DatasetInfo& kmnist = findDataset("kmnist");

    DatasetStatus status = locateDataset(kmnist, dataRoots(root("flag")));
    EXPECT_TRUE(status.test.present);
    EXPECT_EQ(status.test.count, 10);
    EXPECT_EQ(status.test.origin, "--data-dir");
    EXPECT_EQ(status.test.folder, root("flag") + "/kmnist");

    status = locateDataset(kmnist, dataRoots(""));
    EXPECT_EQ(status.test.count, 20);
    EXPECT_EQ(status.test.origin, "KANALAB_DATA_DIR");

    {
        const ScopedEnv noEnv(kDataDirEnvVar, std::nullopt);
        status = locateDataset(kmnist, dataRoots(""));
        EXPECT_EQ(status.test.count, 30);
        EXPECT_EQ(status.test.origin, "user data folder");
        EXPECT_EQ(status.test.folder, user + "/kmnist");
    }

    // A --data-dir without this dataset falls through to the next root, not to "missing".
    status = locateDataset(kmnist, dataRoots(root("empty-flag")));
    EXPECT_EQ(status.test.count, 20);
    EXPECT_EQ(loadSplit(status, Split::Test).count(), 20);
}

TEST_F(DataFolders, SystemFolderComesLastForFashionMnist) {
    const DatasetInfo& fashion = findDataset("fashion-mnist");
    writeTestSplit(root("flag"), "fashion-mnist", 12);
    const DatasetStatus status = locateDataset(fashion, dataRoots(root("flag")));
    EXPECT_EQ(status.test.origin, "--data-dir");
    EXPECT_EQ(status.test.count, 12);

    if (!isDirectory(kFashionSystemFolder))
        GTEST_SKIP() << kFashionSystemFolder << " is absent (apt-get install dataset-fashion-mnist)";
    const DatasetStatus system = locateDataset(fashion, dataRoots(root("elsewhere")));
    EXPECT_TRUE(system.train.present);
    EXPECT_EQ(system.train.origin, "system folder");
    EXPECT_EQ(system.train.folder, kFashionSystemFolder);
    // Only the flag's folder had a test split; train comes from the system folder.
    EXPECT_EQ(status.train.origin, "system folder");
}

TEST_F(DataFolders, SomeSplitsOnly) {
    writeTestSplit(root("data"), "kmnist", 40);
    const DatasetInfo& kmnist = findDataset("kmnist");
    const DatasetStatus status = locateDataset(kmnist, dataRoots(root("data")));
    EXPECT_TRUE(status.anyPresent());
    EXPECT_TRUE(status.test.present);
    EXPECT_EQ(status.test.count, 40);
    EXPECT_TRUE(status.test.missing.empty());
    EXPECT_TRUE(status.test.problem.empty());

    EXPECT_FALSE(status.train.present);
    ASSERT_EQ(status.train.missing.size(), 2u);
    EXPECT_EQ(status.train.missing[0].fileName, "train-images-idx3-ubyte.gz");
    EXPECT_EQ(status.train.missing[1].fileName, "train-labels-idx1-ubyte.gz");
    EXPECT_EQ(status.train.missingBytes(), 18165135 + 29497);

    // Loading what is there works; loading what is not says what to run.
    EXPECT_EQ(loadSplit(status, Split::Test).count(), 40);
    EXPECT_EQ(errorOf([&] { loadSplit(status, Split::Train); }),
              "kmnist has no train split here (missing train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz); run: "
              "kanalab-cli download kmnist --split train (18.2 MB), or use --split-protocol test-80-20 to train on "
              "the test files");
}

TEST_F(DataFolders, NothingAnywhere) {
    const DatasetStatus status = locateDataset(findDataset("mnist"), dataRoots(root("nothing")));
    EXPECT_FALSE(status.anyPresent());
    EXPECT_EQ(status.test.missing.size(), 2u);
    EXPECT_EQ(status.test.missingBytes(), 1648877 + 4542);
    const std::string message = errorOf([&] { loadSplit(status, Split::Test); });
    EXPECT_NE(message.find("kanalab-cli download mnist --split test (1.65 MB)"), std::string::npos) << message;
}

TEST_F(DataFolders, InflatedCopiesAreFound) {
    writeTestSplit(root("data"), "mnist", 15, /*gzipped=*/false);
    const DatasetStatus status = locateDataset(findDataset("mnist"), dataRoots(root("data")));
    ASSERT_TRUE(status.test.present);
    EXPECT_EQ(status.test.imagesPath, root("data") + "/mnist/t10k-images-idx3-ubyte");
    EXPECT_EQ(status.test.labelsPath, root("data") + "/mnist/t10k-labels-idx1-ubyte");
    EXPECT_EQ(status.test.count, 15);
    const ImageSet set = loadSplit(status, Split::Test);
    EXPECT_EQ(set.count(), 15);
    EXPECT_EQ(set.source, "mnist test");
}

TEST_F(DataFolders, OfficialGzipNamePreferredOverAnInflatedCopy) {
    writeTestSplit(root("data"), "mnist", 15, /*gzipped=*/false, /*fill=*/1);
    writeTestSplit(root("data"), "mnist", 15, /*gzipped=*/true, /*fill=*/2);
    const DatasetStatus status = locateDataset(findDataset("mnist"), dataRoots(root("data")));
    EXPECT_EQ(status.test.imagesPath, root("data") + "/mnist/t10k-images-idx3-ubyte.gz");
    EXPECT_EQ(loadSplit(status, Split::Test).pixels.front(), 2);
}

TEST_F(DataFolders, UnreadableHeaderIsAProblemNotAFailure) {
    // Listing must not fail because one file is damaged: the split shows the problem instead.
    writeTestSplit(root("data"), "kmnist", 5);
    writeBytes(root("data") + "/kmnist/t10k-images-idx3-ubyte.gz", {'<', 'h', 't', 'm', 'l', '>'});
    const DatasetStatus status = locateDataset(findDataset("kmnist"), dataRoots(root("data")));
    EXPECT_TRUE(status.test.present);
    EXPECT_EQ(status.test.count, -1);
    EXPECT_NE(status.test.problem.find("t10k-images-idx3-ubyte.gz: not an IDX file"), std::string::npos)
        << status.test.problem;
    EXPECT_NE(errorOf([&] { loadSplit(status, Split::Test); }).find("t10k-images-idx3-ubyte.gz"), std::string::npos);
}

TEST_F(DataFolders, ImagesWithoutLabelsIsNotPresent) {
    writeTestSplit(root("data"), "kmnist", 5);
    ::remove((root("data") + "/kmnist/t10k-labels-idx1-ubyte.gz").c_str());
    const DatasetStatus status = locateDataset(findDataset("kmnist"), dataRoots(root("data")));
    EXPECT_FALSE(status.test.present);
    EXPECT_EQ(status.test.imagesPath, root("data") + "/kmnist/t10k-images-idx3-ubyte.gz");
    ASSERT_EQ(status.test.missing.size(), 1u);
    EXPECT_EQ(status.test.missing[0].fileName, "t10k-labels-idx1-ubyte.gz");
    EXPECT_EQ(status.test.missingBytes(), 5120);
}

// ---------------------------------------------------------------------------------------------
// Real data

TEST_F(DataFolders, SharedKmnistHasOnlyItsTestSplit) {
    KANALAB_REQUIRE_SHARED("kmnist", "t10k-images-idx3-ubyte.gz");
    const DatasetInfo& kmnist = findDataset("kmnist");
    const DatasetStatus status = locateDataset(kmnist, dataRoots(test::sharedDataDir()));
    EXPECT_TRUE(status.test.present);
    EXPECT_EQ(status.test.count, 10000);
    EXPECT_EQ(status.test.origin, "--data-dir");
    EXPECT_FALSE(status.train.present);
    // The shared folder holds the train labels but not the train images.
    ASSERT_EQ(status.train.missing.size(), 1u);
    EXPECT_EQ(status.train.missing[0].fileName, "train-images-idx3-ubyte.gz");
    EXPECT_EQ(status.train.missingBytes(), 18165135);
    const std::string message = errorOf([&] { loadSplit(status, Split::Train); });
    EXPECT_NE(message.find("missing train-images-idx3-ubyte.gz)"), std::string::npos) << message;
    EXPECT_NE(message.find("run: kanalab-cli download kmnist --split train"), std::string::npos) << message;
}

TEST_F(DataFolders, SharedKmnistTestSet) {
    KANALAB_REQUIRE_SHARED("kmnist", "t10k-images-idx3-ubyte.gz");
    const DatasetInfo& kmnist = findDataset("kmnist");
    const ImageSet set = loadSplit(locateDataset(kmnist, dataRoots(test::sharedDataDir())), Split::Test);
    EXPECT_EQ(set.count(), 10000);
    EXPECT_EQ(set.rows, 28);
    EXPECT_EQ(set.cols, 28);
    EXPECT_EQ(set.pixels.size(), 10000u * 28 * 28);
    EXPECT_EQ(countPerClass(set, 10), std::vector<std::int64_t>(10, 1000));
}

TEST_F(DataFolders, SharedKmnistTrainLabels) {
    KANALAB_REQUIRE_SHARED("kmnist", "train-labels-idx1-ubyte.gz");
    const IdxArray labels = readIdxFile(test::sharedDataDir() + "/kmnist/train-labels-idx1-ubyte.gz", IdxKind::Labels);
    ASSERT_EQ(labels.dims, (std::vector<std::int64_t>{60000}));
    std::vector<int> perClass(10, 0);
    for (const std::uint8_t label : labels.data) {
        ASSERT_LT(label, 10);
        ++perClass[label];
    }
    EXPECT_EQ(perClass, std::vector<int>(10, 6000));
}

TEST_F(DataFolders, SharedMnistTestSet) {
    KANALAB_REQUIRE_SHARED("mnist", "t10k-images-idx3-ubyte.gz");
    const ImageSet set = loadSplit(locateDataset(findDataset("mnist"), dataRoots(test::sharedDataDir())), Split::Test);
    EXPECT_EQ(set.count(), 10000);
    EXPECT_EQ(set.rows, 28);
    EXPECT_EQ(set.cols, 28);
    // MNIST's test set is not balanced; these are its well-known class counts.
    EXPECT_EQ(countPerClass(set, 10),
              (std::vector<std::int64_t>{980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009}));
}

TEST_F(DataFolders, DebianFashionMnistTrainSet) {
    if (!isRegularFile(std::string(kFashionSystemFolder) + "/train-images-idx3-ubyte.gz"))
        GTEST_SKIP() << kFashionSystemFolder << "/train-images-idx3-ubyte.gz is absent; install Debian's "
                     << "dataset-fashion-mnist package to run this test";
    const DatasetInfo& fashion = findDataset("fashion-mnist");
    const DatasetStatus status = locateDataset(fashion, dataRoots(root("empty")));
    ASSERT_TRUE(status.train.present);
    EXPECT_EQ(status.train.origin, "system folder");
    EXPECT_EQ(status.train.count, 60000);
    const ImageSet set = loadSplit(status, Split::Train);
    EXPECT_EQ(set.count(), 60000);
    EXPECT_EQ(set.rows, 28);
    EXPECT_EQ(set.pixels.size(), 60000u * 28 * 28);
    EXPECT_EQ(countPerClass(set, 10), std::vector<std::int64_t>(10, 6000));
    EXPECT_EQ(set.source, "fashion-mnist train");
}
