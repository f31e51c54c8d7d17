// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The IDX and NPZ image/label pairs: MNIST, KMNIST, Fashion-MNIST (IDX, gzipped) and K49 (NPZ;
// KMNIST's own .npz files are accepted too). One source type, PairedFileSource, serves them all.

#include "data/dataset_source.h"

#include <string>
#include <vector>

namespace kanalab {

// Files of one split that may stand in for the official pair (KMNIST's kmnist-test-imgs.npz /
// kmnist-test-labels.npz beside or instead of the IDX files).
struct AlternatePair {
    Split split = Split::Test;
    std::string images;
    std::string labels;
};

class PairedFileSource final : public DatasetSource {
public:
    // info.remoteFiles holds, per split, the images file then the labels file.
    PairedFileSource(DatasetInfo info, std::vector<AlternatePair> alternates = {});

    DatasetStatus locate(const std::vector<DataRoot>& roots, bool readCounts) const override;
    ImageSet load(const DatasetStatus& status, Split split) const override;

private:
    SplitStatus locateSplit(Split split, const std::vector<Candidate>& candidates, bool readCounts) const;
    std::vector<AlternatePair> m_alternates;
};

// Loads an images/labels pair of IDX (.gz or plain) or NPZ files, told apart by their bytes;
// numClasses bounds the labels, rows/cols (when > 0) the size.
ImageSet loadImageLabelPair(const std::string& imagesPath, const std::string& labelsPath, int numClasses, int rows = 0,
                            int cols = 0, const std::string& datasetName = "");
// The same for IDX files only (kept for the tests and tools that name them).
ImageSet loadIdxPair(const std::string& imagesPath, const std::string& labelsPath, int numClasses, int rows = 0,
                     int cols = 0, const std::string& datasetName = "");

}  // namespace kanalab
