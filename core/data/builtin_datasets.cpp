// SPDX-License-Identifier: GPL-3.0-or-later
#include "data/builtin_datasets.h"

#include "data/dataset_store.h"
#include "data/kkanji_source.h"

namespace kanalab {
namespace {

std::vector<ClassInfo> plainClasses(const std::vector<std::string>& labels) {
    std::vector<ClassInfo> classes;
    for (std::size_t i = 0; i < labels.size(); ++i)
        classes.push_back({static_cast<int>(i), labels[i], "", ""});
    return classes;
}

RemoteFile file(const char* name, std::int64_t bytes, const char* md5, Split split) {
    return {name, bytes, md5, {split}};
}

// The four gzipped IDX files of the MNIST family, under their official names.
std::vector<RemoteFile> idxFiles(std::int64_t trainImages, const char* trainImagesMd5, std::int64_t trainLabels,
                                 const char* trainLabelsMd5, std::int64_t testImages, const char* testImagesMd5,
                                 std::int64_t testLabels, const char* testLabelsMd5) {
    return {file("train-images-idx3-ubyte.gz", trainImages, trainImagesMd5, Split::Train),
            file("train-labels-idx1-ubyte.gz", trainLabels, trainLabelsMd5, Split::Train),
            file("t10k-images-idx3-ubyte.gz", testImages, testImagesMd5, Split::Test),
            file("t10k-labels-idx1-ubyte.gz", testLabels, testLabelsMd5, Split::Test)};
}

const char* const kKuzushijiLicence = "CC BY-SA 4.0";
const char* const kKuzushijiCitation =
    "\"KMNIST Dataset\" (created by CODH), adapted from \"Kuzushiji Dataset\" (created by NIJL and "
    "others), doi:10.20676/00000341; Clanuwat et al., Deep Learning for Classical Japanese "
    "Literature, arXiv:1812.01718";

// Stroke widths measured on the test sets (ink area / half perimeter, relative to the ink's
// longer side): KMNIST median 0.076 (quartiles 0.065-0.089), MNIST 0.112 (0.096-0.134).
// Drawings thinner than the lower quartile are thickened to it.
PreprocessOptions kuzushijiCanvas() {
    PreprocessOptions frame;
    frame.boxSize = 28;
    frame.centreOfMass = false;
    frame.strokeFraction = 0.065;
    return frame;
}

std::unique_ptr<DatasetSource> makeKmnist() {
    DatasetInfo d;
    d.name = "kmnist";
    d.title = "Kuzushiji-MNIST";
    d.description = "10 hiragana in classical cursive script (Kuzushiji), 28x28 grayscale";
    d.format = "IDX";
    d.downloadUrls = {"http://codh.rois.ac.jp/kmnist/dataset/kmnist/"};
    // Class order and codepoints follow the official kmnist_classmap.csv.
    const char* const glyphs[] = {"お", "き", "す", "つ", "な", "は", "ま", "や", "れ", "を"};
    const char* const romaji[] = {"o", "ki", "su", "tsu", "na", "ha", "ma", "ya", "re", "wo"};
    for (int i = 0; i < 10; ++i)
        d.classes.push_back({i, romaji[i], glyphs[i], romaji[i]});
    d.remoteFiles = idxFiles(18165135, "bdb82020997e1d708af4cf47b453dcf7", 29497, "e144d726b3acfaa3e44228e80efcd344",
                             3041136, "5c965bf0a639b31b8f53240b1b52f4d7", 5120, "7320c461ea6c1c855c0b718fb2a4b134");
    d.trainCount = 60000;
    d.testCount = 10000;
    d.traits.canvas = kuzushijiCanvas();
    d.licence = kKuzushijiLicence;
    d.citation = kKuzushijiCitation;
    // The same arrays as the official .npz files (codh.rois.ac.jp/kmnist/dataset/kmnist/).
    return std::make_unique<PairedFileSource>(
        std::move(d), std::vector<AlternatePair>{{Split::Train, "kmnist-train-imgs.npz", "kmnist-train-labels.npz"},
                                                 {Split::Test, "kmnist-test-imgs.npz", "kmnist-test-labels.npz"}});
}

std::unique_ptr<DatasetSource> makeMnist() {
    DatasetInfo d;
    d.name = "mnist";
    d.title = "MNIST";
    d.description = "handwritten digits 0-9, 28x28 grayscale";
    d.format = "IDX";
    // yann.lecun.com often refuses downloads; torchvision's S3 mirror serves the same bytes.
    d.downloadUrls = {"https://ossci-datasets.s3.amazonaws.com/mnist/", "http://yann.lecun.com/exdb/mnist/"};
    d.classes = plainClasses({"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"});
    d.remoteFiles = idxFiles(9912422, "f68b3c2dcbeaaa9fbdd348bbdeb94873", 28881, "d53e105ee54ea40749a09fcbcd1e9432",
                             1648877, "9fb629c4189551a2d022fa330f9573f3", 4542, "ec29112dd5afa0611ce80d1b7f02629c");
    d.trainCount = 60000;
    d.testCount = 10000;
    d.traits.canvas.boxSize = 20;
    d.traits.canvas.centreOfMass = true;
    d.traits.canvas.strokeFraction = 0.095;
    d.licence = "CC BY-SA 3.0";
    d.citation = "Yann LeCun and Corinna Cortes, The MNIST database of handwritten digits";
    return std::make_unique<PairedFileSource>(std::move(d));
}

std::unique_ptr<DatasetSource> makeFashionMnist() {
    DatasetInfo d;
    d.name = "fashion-mnist";
    d.title = "Fashion-MNIST";
    d.description = "Zalando article images in 10 clothing classes, 28x28 grayscale";
    d.format = "IDX";
    d.downloadUrls = {"http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"};
    d.classes = plainClasses(
        {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"});
    d.remoteFiles = idxFiles(26421880, "8d4fb7e6c68d591d4c3dfef9ec88bf0d", 29515, "25c81989df183df01b3e8a0aad5dffbe",
                             4422102, "bef4ecab320f06d8554ea6380940ec79", 5148, "bb300cfdad3c16e7a12a480ee83cd310");
    d.trainCount = 60000;
    d.testCount = 10000;
    d.traits.kind = ImageKind::Photo;
    d.licence = "MIT";
    d.citation = "Han Xiao, Kashif Rasul, Roland Vollgraf, Fashion-MNIST: a Novel Image Dataset for "
                 "Benchmarking Machine Learning Algorithms, arXiv:1708.07747";
    d.systemFolders = {"/usr/share/datasets/fashion-mnist"};
    return std::make_unique<PairedFileSource>(std::move(d));
}

std::unique_ptr<DatasetSource> makeK49() {
    DatasetInfo d;
    d.name = "k49";
    d.title = "Kuzushiji-49";
    d.description = "48 hiragana and the iteration mark in classical cursive script, 28x28 grayscale, imbalanced";
    d.format = "NPZ";
    d.downloadUrls = {"http://codh.rois.ac.jp/kmnist/dataset/k49/"};
    // The official k49_classmap.csv, in its order (gojuon, with the archaic ゐ and ゑ).
    const char* const glyphs[] = {"あ", "い", "う", "え", "お", "か", "き", "く", "け", "こ", "さ", "し", "す",
                                  "せ", "そ", "た", "ち", "つ", "て", "と", "な", "に", "ぬ", "ね", "の", "は",
                                  "ひ", "ふ", "へ", "ほ", "ま", "み", "む", "め", "も", "や", "ゆ", "よ", "ら",
                                  "り", "る", "れ", "ろ", "わ", "ゐ", "ゑ", "を", "ん", "ゝ"};
    const char* const romaji[] = {"a",  "i",  "u",  "e",  "o",  "ka", "ki", "ku",  "ke", "ko", "sa", "shi", "su",
                                  "se", "so", "ta", "chi", "tsu", "te", "to", "na", "ni", "nu", "ne", "no", "ha",
                                  "hi", "fu", "he", "ho", "ma", "mi", "mu", "me", "mo", "ya", "yu", "yo", "ra",
                                  "ri", "ru", "re", "ro", "wa", "wi", "we", "wo", "n"};
    for (int i = 0; i < 48; ++i)
        d.classes.push_back({i, romaji[i], glyphs[i], romaji[i]});
    // ゝ repeats the syllable before it: it has no sound of its own to romanise.
    d.classes.push_back({48, "iteration-mark", glyphs[48], "(iteration mark)"});
    // The file server lists no md5s; these are the ones independent copies of the files carry.
    d.remoteFiles = {file("k49-train-imgs.npz", 66117696, "7ac088b20481cf51dcd01ceaab89d821", Split::Train),
                     file("k49-train-labels.npz", 164485, "44a8e1b893f81e63ff38d73cad420f7a", Split::Train),
                     file("k49-test-imgs.npz", 10971201, "d352e201d846ce6b94f42c990966f374", Split::Test),
                     file("k49-test-labels.npz", 27450, "4da6f7a62e67a832d5eb1bd85c5ee448", Split::Test)};
    d.trainCount = 232365;
    d.testCount = 38547;
    d.traits.canvas = kuzushijiCanvas();
    d.licence = kKuzushijiLicence;
    d.citation = kKuzushijiCitation;
    return std::make_unique<PairedFileSource>(std::move(d));
}

std::unique_ptr<DatasetSource> makeKkanji() {
    DatasetInfo d;
    d.name = kKkanjiName;
    d.title = "Kuzushiji-Kanji";
    d.description = "3,832 kanji in classical cursive script (Kuzushiji), 64x64 grayscale, 1 to 1,766 images a "
                    "class; no official split: 20 % of each class held out as test here (seeded)";
    d.format = "PNG class folders in a tar";
    d.downloadUrls = {"http://codh.rois.ac.jp/kmnist/dataset/kkanji/"};
    // The classes are the archive's kkanji2/U+XXXX/ folders: known once it is converted.
    d.channels = 1;
    d.rows = d.cols = kKkanjiSide;
    // Neither a size nor a checksum is published: the size is the one the site quotes, and the
    // downloader checks the archive's structure and records its SHA-256 (data/recorded_sha256.h).
    d.remoteFiles = {{kKkanjiArchive, 310 * 1000 * 1000, "", {Split::Train, Split::Test}}};
    d.traits.canvas = kuzushijiCanvas();
    d.traits.canvas.outputSize = kKkanjiSide;
    d.traits.canvas.boxSize = kKkanjiSide;
    d.licence = kKuzushijiLicence;
    d.citation = kKuzushijiCitation;
    return makeKkanjiSource(std::move(d));
}

std::unique_ptr<DatasetSource> makeCifar10() {
    DatasetInfo d;
    d.name = "cifar10";
    d.title = "CIFAR-10";
    d.description = "60,000 32x32 colour photos in 10 classes (airplane ... truck)";
    d.format = "CIFAR-10 binary";
    d.downloadUrls = {"https://www.cs.toronto.edu/~kriz/"};
    d.classes = plainClasses(
        {"airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"});
    d.channels = 3;
    d.rows = d.cols = 32;
    d.remoteFiles = {{"cifar-10-binary.tar.gz", 170052171, "c32a1d4ab5d03f1284b67883e8d87530", {Split::Train, Split::Test}}};
    d.trainCount = 50000;
    d.testCount = 10000;
    d.traits.kind = ImageKind::Photo;
    d.licence = "no licence stated; free to use with the citation";
    d.citation = "Alex Krizhevsky, Learning Multiple Layers of Features from Tiny Images, 2009";
    return makeCifar10Source(std::move(d));
}

}  // namespace

std::vector<std::unique_ptr<DatasetSource>> makeBuiltinSources() {
    std::vector<std::unique_ptr<DatasetSource>> sources;
    sources.push_back(makeKmnist());
    sources.push_back(makeMnist());
    sources.push_back(makeFashionMnist());
    sources.push_back(makeK49());
    sources.push_back(makeCifar10());
    sources.push_back(makeKkanji());
    return sources;
}

const DownloadedFileCheck* downloadedFileCheck(const DatasetInfo& info) {
    return info.name == kKkanjiName ? &kkanjiArchiveCheck() : nullptr;
}

bool isConvertedAfterDownload(const DatasetInfo& info) { return info.name == kKkanjiName; }

std::vector<ImportResult> convertAfterDownload(const DatasetInfo& info, const std::string& root,
                                               const ImportOptions& options) {
    if (info.name == kKkanjiName)
        return convertKkanji(root, options);
    return {};
}

}  // namespace kanalab
