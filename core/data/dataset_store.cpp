// SPDX-License-Identifier: GPL-3.0-or-later
#include "data/dataset_store.h"

#include "common/error.h"
#include "common/format.h"
#include "data/byte_stream.h"
#include "data/idx_reader.h"

namespace kanalab {
namespace {

// The official name, or the same file already inflated.
std::string findFileIn(const std::string& folder, const std::string& officialName) {
    const std::string packed = joinPath(folder, officialName);
    if (isRegularFile(packed))
        return packed;
    const std::string suffix = ".gz";
    if (officialName.size() > suffix.size() && officialName.compare(officialName.size() - 3, 3, suffix) == 0) {
        const std::string inflated = joinPath(folder, officialName.substr(0, officialName.size() - 3));
        if (isRegularFile(inflated))
            return inflated;
    }
    return {};
}

struct Candidate {
    std::string folder;
    std::string origin;
};

SplitStatus locateSplit(const DatasetInfo& info, Split split, const std::vector<Candidate>& candidates,
                        bool readCounts) {
    const SplitFiles& files = info.files(split);
    SplitStatus status;
    status.split = split;
    for (const auto& candidate : candidates) {
        const std::string images = findFileIn(candidate.folder, files.images.fileName);
        const std::string labels = findFileIn(candidate.folder, files.labels.fileName);
        if (!images.empty() && !labels.empty()) {
            status.present = true;
            status.imagesPath = images;
            status.labelsPath = labels;
            status.folder = candidate.folder;
            status.origin = candidate.origin;
            break;
        }
        if (status.imagesPath.empty())
            status.imagesPath = images;
        if (status.labelsPath.empty())
            status.labelsPath = labels;
    }
    if (status.imagesPath.empty())
        status.missing.push_back(files.images);
    if (status.labelsPath.empty())
        status.missing.push_back(files.labels);
    if (status.present && readCounts) {
        try {
            status.count = readIdxDims(status.imagesPath, IdxKind::Images).front();
        } catch (const Error& e) {
            status.problem = e.what();
        }
    }
    return status;
}

}  // namespace

std::int64_t SplitStatus::missingBytes() const {
    std::int64_t total = 0;
    for (const auto& file : missing)
        total += file.bytes;
    return total;
}

DatasetStatus locateDataset(const DatasetInfo& info, const std::vector<DataRoot>& roots, bool readCounts) {
    std::vector<Candidate> candidates;
    for (const auto& root : roots)
        candidates.push_back({joinPath(root.path, info.name), root.origin});
    for (const auto& folder : info.systemFolders)
        candidates.push_back({folder, "system folder"});

    DatasetStatus status;
    status.info = &info;
    status.train = locateSplit(info, Split::Train, candidates, readCounts);
    status.test = locateSplit(info, Split::Test, candidates, readCounts);
    return status;
}

std::string downloadHint(const DatasetInfo& info, Split split) {
    const SplitFiles& files = info.files(split);
    return "run: kanalab-cli download " + info.name + " --split " + splitName(split) + " (" +
           formatBytes(files.images.bytes + files.labels.bytes) + ")";
}

ImageSet loadIdxPair(const std::string& imagesPath, const std::string& labelsPath, int numClasses, int rows, int cols,
                     const std::string& datasetName) {
    IdxArray images = readIdxFile(imagesPath, IdxKind::Images);
    IdxArray labels = readIdxFile(labelsPath, IdxKind::Labels);
    const std::string imagesName = fileNameOf(imagesPath);
    const std::string labelsName = fileNameOf(labelsPath);
    const std::string owner = datasetName.empty() ? std::string("this dataset") : datasetName;

    if (images.count() != labels.count())
        throw Error(imagesName + " holds " + std::to_string(images.count()) + " images but " + labelsName + " holds " +
                    std::to_string(labels.count()) + " labels: the two files do not belong together");
    if ((rows > 0 && images.dims[1] != rows) || (cols > 0 && images.dims[2] != cols))
        throw Error(imagesName + ": images are " + std::to_string(images.dims[1]) + "x" +
                    std::to_string(images.dims[2]) + " but " + owner + " images are " + std::to_string(rows) + "x" +
                    std::to_string(cols));

    ImageSet set;
    set.channels = 1;
    set.rows = static_cast<int>(images.dims[1]);
    set.cols = static_cast<int>(images.dims[2]);
    set.pixels = std::move(images.data);
    set.labels.reserve(labels.data.size());
    for (std::size_t i = 0; i < labels.data.size(); ++i) {
        const int label = labels.data[i];
        if (label >= numClasses)
            throw Error(labelsName + ": label " + std::to_string(label) + " at index " + std::to_string(i) +
                        " is outside the " + std::to_string(numClasses) + " classes of " + owner + " (0-" +
                        std::to_string(numClasses - 1) + ")");
        set.labels.push_back(label);
    }
    return set;
}

ImageSet loadSplit(const DatasetStatus& status, Split split) {
    const DatasetInfo& info = *status.info;
    const SplitStatus& where = status.split(split);
    if (!where.present) {
        std::string what = info.name + " has no " + splitName(split) + " split here";
        if (!where.missing.empty()) {
            what += " (missing ";
            for (std::size_t i = 0; i < where.missing.size(); ++i)
                what += (i ? ", " : "") + where.missing[i].fileName;
            what += ")";
        }
        throw Error(what + "; " + downloadHint(info, split) +
                    (split == Split::Train ? ", or use --split-protocol test-80-20 to train on the test files" : ""));
    }
    ImageSet set = loadIdxPair(where.imagesPath, where.labelsPath, info.numClasses(), info.rows, info.cols, info.name);
    set.source = info.name + " " + splitName(split);
    return set;
}

}  // namespace kanalab
