// SPDX-License-Identifier: GPL-3.0-or-later
#include "data/dataset_store.h"

#include "common/error.h"
#include "data/byte_stream.h"
#include "data/idx_reader.h"
#include "data/npz_reader.h"

#include <fstream>

namespace kanalab {
namespace {

// Zip archives (.npz) start with "PK\3\4"; anything else is read as IDX (plain or gzip).
bool looksLikeZip(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    char magic[4] = {};
    in.read(magic, 4);
    return in.gcount() == 4 && magic[0] == 'P' && magic[1] == 'K' && magic[2] == 3 && magic[3] == 4;
}

// Cheap enough for listings on the UI thread: an IDX header, or the small labels .npz (K49's
// train labels are 164 kB; its images would mean inflating 66 MB).
std::int64_t countImages(const std::string& imagesPath, const std::string& labelsPath) {
    if (looksLikeZip(imagesPath))
        return static_cast<std::int64_t>(npyToLabels(readNpzFile(labelsPath), fileNameOf(labelsPath)).size());
    return readIdxDims(imagesPath, IdxKind::Images).front();
}

void checkSize(const std::string& imagesName, std::int64_t rows, std::int64_t cols, int wantRows, int wantCols,
               const std::string& owner) {
    if ((wantRows > 0 && rows != wantRows) || (wantCols > 0 && cols != wantCols))
        throw Error(imagesName + ": images are " + std::to_string(rows) + "x" + std::to_string(cols) + " but " + owner +
                    " images are " + std::to_string(wantRows) + "x" + std::to_string(wantCols));
}

void checkPair(const std::string& imagesName, std::int64_t images, const std::string& labelsName,
               std::int64_t labels) {
    if (images != labels)
        throw Error(imagesName + " holds " + std::to_string(images) + " images but " + labelsName + " holds " +
                    std::to_string(labels) + " labels: the two files do not belong together");
}

void checkLabels(const std::vector<std::int64_t>& labels, int numClasses, const std::string& labelsName,
                 const std::string& owner) {
    for (std::size_t i = 0; i < labels.size(); ++i)
        if (labels[i] < 0 || labels[i] >= numClasses)
            throw Error(labelsName + ": label " + std::to_string(labels[i]) + " at index " + std::to_string(i) +
                        " is outside the " + std::to_string(numClasses) + " classes of " + owner + " (0-" +
                        std::to_string(numClasses - 1) + ")");
}

ImageSet loadNpzPair(const std::string& imagesPath, const std::string& labelsPath, int numClasses, int rows, int cols,
                     const std::string& owner) {
    const std::string imagesName = fileNameOf(imagesPath);
    const std::string labelsName = fileNameOf(labelsPath);
    NpyImages images = npyToImages(readNpzFile(imagesPath), imagesName);
    std::vector<std::int64_t> labels = npyToLabels(readNpzFile(labelsPath), labelsName);
    checkPair(imagesName, images.count, labelsName, static_cast<std::int64_t>(labels.size()));
    checkSize(imagesName, images.rows, images.cols, rows, cols, owner);
    checkLabels(labels, numClasses, labelsName, owner);
    ImageSet set;
    set.channels = images.channels;
    set.rows = images.rows;
    set.cols = images.cols;
    set.pixels = std::move(images.pixels);
    set.labels = std::move(labels);
    return set;
}

}  // namespace

PairedFileSource::PairedFileSource(DatasetInfo info, std::vector<AlternatePair> alternates)
    : DatasetSource(std::move(info)), m_alternates(std::move(alternates)) {}

SplitStatus PairedFileSource::locateSplit(Split split, const std::vector<Candidate>& candidates,
                                          bool readCounts) const {
    const std::vector<RemoteFile> files = info().remoteFilesFor(split);
    SplitStatus status;
    status.split = split;
    if (files.size() != 2)
        return status;  // this dataset has no such split
    for (const auto& candidate : candidates) {
        std::string images = findFileIn(candidate.folder, files[0].fileName);
        std::string labels = findFileIn(candidate.folder, files[1].fileName);
        for (const auto& alternate : m_alternates) {
            if (alternate.split != split || (!images.empty() && !labels.empty()))
                continue;
            const std::string altImages = findFileIn(candidate.folder, alternate.images);
            const std::string altLabels = findFileIn(candidate.folder, alternate.labels);
            if (!altImages.empty() && !altLabels.empty()) {
                images = altImages;
                labels = altLabels;
            }
        }
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
        status.missing.push_back(files[0]);
    if (status.labelsPath.empty())
        status.missing.push_back(files[1]);
    if (status.present && readCounts) {
        try {
            status.count = countImages(status.imagesPath, status.labelsPath);
        } catch (const Error& e) {
            status.problem = e.what();
        }
    }
    return status;
}

DatasetStatus PairedFileSource::locate(const std::vector<DataRoot>& roots, bool readCounts) const {
    const auto candidates = candidateFolders(roots);
    DatasetStatus status;
    status.info = &info();
    status.train = locateSplit(Split::Train, candidates, readCounts);
    status.validation.split = Split::Validation;
    status.test = locateSplit(Split::Test, candidates, readCounts);
    return status;
}

ImageSet PairedFileSource::load(const DatasetStatus& status, Split split) const {
    const SplitStatus& where = status.split(split);
    if (!where.present)
        throwMissing(status, split);
    ImageSet set = loadImageLabelPair(where.imagesPath, where.labelsPath, info().numClasses(), info().rows, info().cols,
                                      info().name);
    set.source = info().name + " " + splitName(split);
    return set;
}

ImageSet loadImageLabelPair(const std::string& imagesPath, const std::string& labelsPath, int numClasses, int rows,
                            int cols, const std::string& datasetName) {
    const std::string owner = datasetName.empty() ? std::string("this dataset") : datasetName;
    if (looksLikeZip(imagesPath) || looksLikeZip(labelsPath))
        return loadNpzPair(imagesPath, labelsPath, numClasses, rows, cols, owner);
    return loadIdxPair(imagesPath, labelsPath, numClasses, rows, cols, datasetName);
}

ImageSet loadIdxPair(const std::string& imagesPath, const std::string& labelsPath, int numClasses, int rows, int cols,
                     const std::string& datasetName) {
    IdxArray images = readIdxFile(imagesPath, IdxKind::Images);
    IdxArray labels = readIdxFile(labelsPath, IdxKind::Labels);
    const std::string imagesName = fileNameOf(imagesPath);
    const std::string labelsName = fileNameOf(labelsPath);
    const std::string owner = datasetName.empty() ? std::string("this dataset") : datasetName;

    checkPair(imagesName, images.count(), labelsName, labels.count());
    checkSize(imagesName, images.dims[1], images.dims[2], rows, cols, owner);

    ImageSet set;
    set.channels = 1;
    set.rows = static_cast<int>(images.dims[1]);
    set.cols = static_cast<int>(images.dims[2]);
    set.pixels = std::move(images.data);
    set.labels.assign(labels.data.begin(), labels.data.end());
    checkLabels(set.labels, numClasses, labelsName, owner);
    return set;
}

}  // namespace kanalab
