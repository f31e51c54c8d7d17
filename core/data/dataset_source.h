// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// A dataset source knows one dataset's facts (DatasetInfo: name, classes, shape, remote files,
// licence, traits) and how to find and read its files, in the spirit of Tiled's MapFormat: the
// IDX pairs of MNIST and friends, K49's .npz files, CIFAR-10's binary batches and the user's
// imported folders are each one subclass in one file. Everything else (training, the CLI, the
// GUI, the downloader) works through this interface and never asks which format it is.

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
    bool present = false;     // every file of the split found side by side
    std::string imagesPath;   // the file the images come from (for a pair: the images file)
    std::string labelsPath;   // the labels' file where they are separate
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
    SplitStatus validation;  // present only for datasets that come with their own
    SplitStatus test;

    const SplitStatus& split(Split which) const;
    bool anyPresent() const { return train.present || test.present; }
};

class DatasetSource {
public:
    explicit DatasetSource(DatasetInfo info);
    virtual ~DatasetSource() = default;
    DatasetSource(const DatasetSource&) = delete;
    DatasetSource& operator=(const DatasetSource&) = delete;

    const DatasetInfo& info() const { return m_info; }

    // Looks for the dataset's files in the data roots (root/<name>/), then its system folders.
    // With readCounts the headers are read (cheap) so listings show counts and unreadable files
    // show a problem. Never throws for missing files: that is what the status reports.
    virtual DatasetStatus locate(const std::vector<DataRoot>& roots, bool readCounts) const = 0;

    // Loads a present split, validating everything against the facts (image size, channels,
    // label range). Throws kanalab::Error naming the file at fault.
    virtual ImageSet load(const DatasetStatus& status, Split split) const = 0;

    // The training split followed by the dataset's own validation split in one set (the
    // validation indices start at the training split's count). By default two loads and a copy;
    // a source whose splits lie side by side (an imported cache) hands out one view.
    virtual ImageSet loadTrainAndValidation(const DatasetStatus& status) const;

protected:
    // root/<name> for each data root, then the system folders: where locate() looks.
    struct Candidate {
        std::string folder;
        std::string origin;
    };
    std::vector<Candidate> candidateFolders(const std::vector<DataRoot>& roots) const;
    // The error for a split that is not here: which files are missing and what to run.
    [[noreturn]] void throwMissing(const DatasetStatus& status, Split split) const;

private:
    DatasetInfo m_info;  // m_info.source points back here (a source is never copied or moved)
};

// The source's locate/load, for callers that hold only the facts.
DatasetStatus locateDataset(const DatasetInfo& info, const std::vector<DataRoot>& roots, bool readCounts = true);
ImageSet loadSplit(const DatasetStatus& status, Split split);

// "run: kanalab-cli download kmnist --split train (18.2 MB)"; for datasets that cannot be
// downloaded, what to do instead.
std::string downloadHint(const DatasetInfo& info, Split split);

// The official name, or the same file already inflated (name without .gz); empty when neither.
std::string findFileIn(const std::string& folder, const std::string& officialName);

}  // namespace kanalab
