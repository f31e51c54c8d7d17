// SPDX-License-Identifier: GPL-3.0-or-later
#include "data/dataset_source.h"

#include "common/error.h"
#include "common/format.h"

namespace kanalab {

DatasetSource::DatasetSource(DatasetInfo info) : m_info(std::move(info)) { m_info.source = this; }

std::vector<DatasetSource::Candidate> DatasetSource::candidateFolders(const std::vector<DataRoot>& roots) const {
    std::vector<Candidate> candidates;
    for (const auto& root : roots)
        candidates.push_back({joinPath(root.path, m_info.name), root.origin});
    for (const auto& folder : m_info.systemFolders)
        candidates.push_back({folder, "system folder"});
    return candidates;
}

void DatasetSource::throwMissing(const DatasetStatus& status, Split split) const {
    const SplitStatus& where = status.split(split);
    std::string what = m_info.name + " has no " + splitName(split) + " split here";
    if (!where.missing.empty()) {
        what += " (missing ";
        for (std::size_t i = 0; i < where.missing.size(); ++i)
            what += (i ? ", " : "") + where.missing[i].fileName;
        what += ")";
    }
    throw Error(what + "; " + downloadHint(m_info, split) +
                (split == Split::Train ? ", or use --split-protocol test-80-20 to train on the test files" : ""));
}

ImageSet DatasetSource::loadTrainAndValidation(const DatasetStatus& status) const {
    ImageSet joined = appendImages(load(status, Split::Train), load(status, Split::Validation));
    joined.source = m_info.name + " train + validation";
    return joined;
}

std::int64_t SplitStatus::missingBytes() const {
    std::int64_t total = 0;
    for (const auto& file : missing)
        total += file.bytes;
    return total;
}

const SplitStatus& DatasetStatus::split(Split which) const {
    switch (which) {
    case Split::Train:
        return train;
    case Split::Validation:
        return validation;
    case Split::Test:
        return test;
    }
    return test;
}

DatasetStatus locateDataset(const DatasetInfo& info, const std::vector<DataRoot>& roots, bool readCounts) {
    if (!info.source)
        throw Error(info.name + ": this dataset has no reader (it was not registered)");
    return info.source->locate(roots, readCounts);
}

ImageSet loadSplit(const DatasetStatus& status, Split split) {
    if (!status.info || !status.info->source)
        throw Error("loadSplit: the dataset status names no dataset");
    ImageSet set = status.info->source->load(status, split);
    if (set.source.empty())
        set.source = status.info->name + " " + splitName(split);
    return set;
}

std::string downloadHint(const DatasetInfo& info, Split split) {
    if (info.imported)
        return "import it again: kanalab-cli import PATH --name " + info.name;
    const std::int64_t bytes = info.remoteBytes({split});
    if (bytes <= 0)
        return "this dataset cannot be downloaded";
    return "run: kanalab-cli download " + info.name + " --split " + splitName(split) + " (" + formatBytes(bytes) + ")";
}

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

}  // namespace kanalab
