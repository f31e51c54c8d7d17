// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "data/catalogue.h"
#include "data/data_dirs.h"
#include "data/image_set.h"

#include <cstdint>
#include <string>
#include <vector>

namespace kanalab {

// What is on disk for one split of one dataset.
struct SplitStatus {
    Split split = Split::Test;
    bool present = false;     // images and labels found side by side
    std::string imagesPath;   // set when found (even if its partner is missing)
    std::string labelsPath;
    std::string folder;       // where a present split lives
    std::string origin;       // which data root that folder belongs to
    std::int64_t count = -1;  // images, from the header (-1 when not read)
    std::string problem;      // the header could not be read: why
    std::vector<RemoteFile> missing;  // official files that were not found

    std::int64_t missingBytes() const;
};

struct DatasetStatus {
    const DatasetInfo* info = nullptr;
    SplitStatus train;
    SplitStatus test;

    const SplitStatus& split(Split which) const { return which == Split::Train ? train : test; }
    bool anyPresent() const { return train.present || test.present; }
};

// Looks for the dataset's files in the data roots, then its system folders. A file may be
// stored gzipped (official name) or already inflated (name without .gz). With readCounts the
// image headers are read (cheap) so listings show counts and unreadable files show a problem.
DatasetStatus locateDataset(const DatasetInfo& info, const std::vector<DataRoot>& roots, bool readCounts = true);

// Loads a present split, validating both files against each other and against the
// catalogue (image size, label range). A missing split throws an Error that says what to run.
ImageSet loadSplit(const DatasetStatus& status, Split split);

// Loads an images/labels pair; numClasses bounds the labels, rows/cols (when > 0) the size.
ImageSet loadIdxPair(const std::string& imagesPath, const std::string& labelsPath, int numClasses, int rows = 0,
                     int cols = 0, const std::string& datasetName = "");

// "run: kanalab-cli download kmnist --split train (18.2 MB)"
std::string downloadHint(const DatasetInfo& info, Split split);

}  // namespace kanalab
