// SPDX-License-Identifier: GPL-3.0-or-later
#include "data/catalogue.h"

#include "common/error.h"

namespace kanalab {
namespace {

std::vector<ClassInfo> plainClasses(const std::vector<std::string>& labels) {
    std::vector<ClassInfo> classes;
    for (std::size_t i = 0; i < labels.size(); ++i)
        classes.push_back({static_cast<int>(i), labels[i], "", ""});
    return classes;
}

DatasetInfo makeKmnist() {
    DatasetInfo d;
    d.name = "kmnist";
    d.title = "Kuzushiji-MNIST";
    d.description = "10 hiragana in classical cursive script (Kuzushiji), 28x28 grayscale";
    d.downloadUrls = {"http://codh.rois.ac.jp/kmnist/dataset/kmnist/"};
    // Class order and codepoints follow the official kmnist_classmap.csv.
    const char* const glyphs[] = {"お", "き", "す", "つ", "な", "は", "ま", "や", "れ", "を"};
    const char* const romaji[] = {"o", "ki", "su", "tsu", "na", "ha", "ma", "ya", "re", "wo"};
    for (int i = 0; i < 10; ++i)
        d.classes.push_back({i, romaji[i], glyphs[i], romaji[i]});
    d.train = {{"train-images-idx3-ubyte.gz", 18165135, "bdb82020997e1d708af4cf47b453dcf7"},
               {"train-labels-idx1-ubyte.gz", 29497, "e144d726b3acfaa3e44228e80efcd344"},
               60000};
    d.test = {{"t10k-images-idx3-ubyte.gz", 3041136, "5c965bf0a639b31b8f53240b1b52f4d7"},
              {"t10k-labels-idx1-ubyte.gz", 5120, "7320c461ea6c1c855c0b718fb2a4b134"},
              10000};
    d.licence = "CC BY-SA 4.0";
    d.citation =
        "\"KMNIST Dataset\" (created by CODH), adapted from \"Kuzushiji Dataset\" (created by NIJL and "
        "others), doi:10.20676/00000341; Clanuwat et al., Deep Learning for Classical Japanese "
        "Literature, arXiv:1812.01718";
    return d;
}

DatasetInfo makeMnist() {
    DatasetInfo d;
    d.name = "mnist";
    d.title = "MNIST";
    d.description = "handwritten digits 0-9, 28x28 grayscale";
    // yann.lecun.com often refuses downloads; torchvision's S3 mirror serves the same bytes.
    d.downloadUrls = {"https://ossci-datasets.s3.amazonaws.com/mnist/", "http://yann.lecun.com/exdb/mnist/"};
    d.classes = plainClasses({"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"});
    d.train = {{"train-images-idx3-ubyte.gz", 9912422, "f68b3c2dcbeaaa9fbdd348bbdeb94873"},
               {"train-labels-idx1-ubyte.gz", 28881, "d53e105ee54ea40749a09fcbcd1e9432"},
               60000};
    d.test = {{"t10k-images-idx3-ubyte.gz", 1648877, "9fb629c4189551a2d022fa330f9573f3"},
              {"t10k-labels-idx1-ubyte.gz", 4542, "ec29112dd5afa0611ce80d1b7f02629c"},
              10000};
    d.licence = "CC BY-SA 3.0";
    d.citation = "Yann LeCun and Corinna Cortes, The MNIST database of handwritten digits";
    return d;
}

DatasetInfo makeFashionMnist() {
    DatasetInfo d;
    d.name = "fashion-mnist";
    d.title = "Fashion-MNIST";
    d.description = "Zalando article images in 10 clothing classes, 28x28 grayscale";
    d.downloadUrls = {"http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"};
    d.classes = plainClasses(
        {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"});
    d.train = {{"train-images-idx3-ubyte.gz", 26421880, "8d4fb7e6c68d591d4c3dfef9ec88bf0d"},
               {"train-labels-idx1-ubyte.gz", 29515, "25c81989df183df01b3e8a0aad5dffbe"},
               60000};
    d.test = {{"t10k-images-idx3-ubyte.gz", 4422102, "bef4ecab320f06d8554ea6380940ec79"},
              {"t10k-labels-idx1-ubyte.gz", 5148, "bb300cfdad3c16e7a12a480ee83cd310"},
              10000};
    d.licence = "MIT";
    d.citation = "Han Xiao, Kashif Rasul, Roland Vollgraf, Fashion-MNIST: a Novel Image Dataset for "
                 "Benchmarking Machine Learning Algorithms, arXiv:1708.07747";
    d.systemFolders = {"/usr/share/datasets/fashion-mnist"};
    d.handwriting = false;
    return d;
}

}  // namespace

const char* splitName(Split split) { return split == Split::Train ? "train" : "test"; }

std::string ClassInfo::displayName() const {
    if (glyph.empty())
        return label;
    return romaji.empty() ? glyph : glyph + " " + romaji;
}

const std::vector<DatasetInfo>& datasetCatalogue() {
    static const std::vector<DatasetInfo> catalogue = {makeKmnist(), makeMnist(), makeFashionMnist()};
    return catalogue;
}

std::string knownDatasetNames() {
    std::string names;
    for (const auto& d : datasetCatalogue())
        names += (names.empty() ? "" : ", ") + d.name;
    return names;
}

const DatasetInfo& findDataset(const std::string& name) {
    for (const auto& d : datasetCatalogue())
        if (d.name == name)
            return d;
    throw Error("unknown dataset '" + name + "': known datasets are " + knownDatasetNames());
}

}  // namespace kanalab
