// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace kanalab {

enum class Split { Train, Test };

const char* splitName(Split split);  // "train" / "test"

struct ClassInfo {
    int index = 0;
    std::string label;   // "o", "7", "Sneaker": ASCII, safe in any terminal or file name
    std::string glyph;   // "お" for KMNIST; empty where the label says it all
    std::string romaji;  // "o" for KMNIST; empty otherwise

    // "お o", "7", "Sneaker": how the app shows a class to a person.
    std::string displayName() const;
};

struct RemoteFile {
    std::string fileName;  // official name, also the name on disk
    std::int64_t bytes = 0;
    std::string md5;       // of the official (compressed) file
};

struct SplitFiles {
    RemoteFile images;
    RemoteFile labels;
    std::int64_t count = 0;  // images in the official file
};

struct DatasetInfo {
    std::string name;         // "kmnist": command-line name and folder name
    std::string title;        // "Kuzushiji-MNIST"
    std::string description;  // one line
    std::vector<std::string> downloadUrls;  // base URLs ending in '/', the official one first
    std::vector<ClassInfo> classes;
    // Pen strokes (characters, digits): small rotations, shears and elastic distortions keep the
    // class, a mirror does not. Pictures of things (clothing): a mirror keeps the class, a
    // rotation makes images the test set never has. Picks the default augmentation.
    bool handwriting = true;
    int channels = 1;
    int rows = 28;
    int cols = 28;
    SplitFiles train;
    SplitFiles test;
    std::string licence;
    std::string citation;
    // Folders outside KanaLab's data directories where a distribution installs this dataset
    // (Debian's dataset-fashion-mnist: /usr/share/datasets/fashion-mnist).
    std::vector<std::string> systemFolders;

    int numClasses() const { return static_cast<int>(classes.size()); }
    const SplitFiles& files(Split split) const { return split == Split::Train ? train : test; }
};

// kmnist, mnist, fashion-mnist: in this order.
const std::vector<DatasetInfo>& datasetCatalogue();

// Throws kanalab::Error listing the known names when name is not one of them.
const DatasetInfo& findDataset(const std::string& name);

// Comma-separated names, for messages and usage.
std::string knownDatasetNames();

}  // namespace kanalab
