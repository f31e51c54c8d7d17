// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// What KanaLab knows about a dataset, as plain facts (no torch, no Qt: the UI reads these), and
// the registry that holds every dataset: the built-in ones (data/builtin_datasets.cpp) and those
// the user imported (data/imported_source.cpp). How a dataset's files are found and read is its
// DatasetSource's job (data/dataset_source.h); one file per format.

#include "data/ink_frame.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace kanalab {

class DatasetSource;
struct DataRoot;

// Validation is a split of its own only where a dataset comes with one (an imported
// train/val/test folder or list files); otherwise it is carved out of the training split.
enum class Split { Train, Validation, Test };

const char* splitName(Split split);  // "train" / "validation" / "test"

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
    std::string md5;       // of the official (compressed) file; empty where none is published
    std::vector<Split> splits;  // the splits this file holds (CIFAR-10's one archive holds both)

    bool serves(Split split) const;
};

// What kind of pictures a dataset holds decides the defaults that follow it.
enum class ImageKind {
    // Pen or brush strokes (characters, digits): small rotations, shears and elastic
    // distortions keep the class, a mirror does not; the Draw tab offers a canvas.
    Handwriting,
    // Pictures of things (clothing, photos): a mirror keeps the class, a rotation makes images
    // the test set never has; the Draw tab offers "try an image".
    Photo,
};

struct DatasetTraits {
    ImageKind kind = ImageKind::Handwriting;
    // How a drawing is framed like the dataset's images (predict/preprocess.h).
    PreprocessOptions canvas;
};

struct DatasetInfo {
    std::string name;         // "kmnist": command-line name and folder name
    std::string title;        // "Kuzushiji-MNIST"
    std::string description;  // one line
    std::string format;       // "IDX", "NPZ", "CIFAR-10 binary", "imported image folder": for listings
    std::vector<std::string> downloadUrls;  // base URLs ending in '/', the official one first
    std::vector<ClassInfo> classes;
    DatasetTraits traits;
    int channels = 1;
    int rows = 28;
    int cols = 28;
    std::vector<RemoteFile> remoteFiles;  // what the downloader fetches; empty: not downloadable
    std::int64_t trainCount = 0;          // images in the official splits (0 when not known)
    std::int64_t testCount = 0;
    std::string licence;
    std::string citation;
    // Folders outside KanaLab's data directories where a distribution installs this dataset
    // (Debian's dataset-fashion-mnist: /usr/share/datasets/fashion-mnist).
    std::vector<std::string> systemFolders;
    bool imported = false;  // made by `kanalab-cli import` (or the GUI's import) from the user's files
    const DatasetSource* source = nullptr;  // the reader of its files; set by the registry

    int numClasses() const { return static_cast<int>(classes.size()); }
    bool handwriting() const { return traits.kind == ImageKind::Handwriting; }
    bool colour() const { return channels == 3; }
    // The remote files that hold the split, and their total size.
    std::vector<RemoteFile> remoteFilesFor(Split split) const;
    std::int64_t remoteBytes(const std::vector<Split>& splits) const;
};

// Every dataset KanaLab can use: the built-in ones (kmnist, mnist, fashion-mnist, k49, cifar10, kkanji,
// in this order), then those imported into the user's data folder and the given roots, by name.
// Pointers stay valid for the life of the process.
std::vector<const DatasetInfo*> datasetCatalogue();
std::vector<const DatasetInfo*> datasetCatalogue(const std::vector<DataRoot>& roots);

// Throws kanalab::Error listing the known names when name is not one of them. The overload with
// roots also finds datasets imported under those data folders.
const DatasetInfo& findDataset(const std::string& name);
const DatasetInfo& findDataset(const std::string& name, const std::vector<DataRoot>& roots);
// nullptr instead of an error (a checkpoint naming a dataset this machine has never seen).
const DatasetInfo* tryFindDataset(const std::string& name);

// Adds (or, for the same name, replaces) an imported dataset; returns its registered facts.
const DatasetInfo& registerDataset(std::unique_ptr<DatasetSource> source);
// Forgets an imported dataset (its files are the caller's to remove). Built-ins cannot go.
void unregisterDataset(const std::string& name);

// Comma-separated names, for messages and usage.
std::string knownDatasetNames();

}  // namespace kanalab
