// SPDX-License-Identifier: GPL-3.0-or-later
// CIFAR-10's binary version as a dataset source: the official cifar-10-binary.tar.gz read
// straight from the archive (no extraction needed), or the extracted cifar-10-batches-bin/.
#include "common/error.h"
#include "data/builtin_datasets.h"
#include "data/byte_stream.h"
#include "data/cifar_reader.h"

#include <mutex>
#include <sys/stat.h>

namespace kanalab {
namespace {

constexpr const char* kBatchesFolder = "cifar-10-batches-bin";
constexpr std::int64_t kRecordBytes = 3073;

std::int64_t fileSize(const std::string& path) {
    struct stat info {};
    return ::stat(path.c_str(), &info) == 0 ? static_cast<std::int64_t>(info.st_size) : -1;
}

class Cifar10Source final : public DatasetSource {
public:
    explicit Cifar10Source(DatasetInfo info) : DatasetSource(std::move(info)) {}

    DatasetStatus locate(const std::vector<DataRoot>& roots, bool readCounts) const override {
        DatasetStatus status;
        status.info = &info();
        status.train.split = Split::Train;
        status.validation.split = Split::Validation;
        status.test.split = Split::Test;
        const RemoteFile& archive = info().remoteFiles.front();
        for (const auto& candidate : candidateFolders(roots)) {
            const std::string folder = joinPath(candidate.folder, kBatchesFolder);
            const std::string packed = findFileIn(candidate.folder, archive.fileName);
            std::string where;
            if (isRegularFile(joinPath(folder, "data_batch_1.bin")))
                where = folder;
            else if (!packed.empty())
                where = packed;
            if (where.empty())
                continue;
            for (SplitStatus* s : {&status.train, &status.test}) {
                s->present = true;
                s->imagesPath = where;
                s->folder = candidate.folder;
                s->origin = candidate.origin;
            }
            if (readCounts) {
                if (where == folder) {
                    std::int64_t train = 0;
                    for (int b = 1; b <= 5; ++b)
                        train += std::max<std::int64_t>(0, fileSize(joinPath(folder, "data_batch_" + std::to_string(b) + ".bin"))) / kRecordBytes;
                    status.train.count = train;
                    status.test.count = std::max<std::int64_t>(0, fileSize(joinPath(folder, "test_batch.bin"))) / kRecordBytes;
                } else {
                    // Counting would inflate 170 MB: the archive's are the official counts.
                    status.train.count = info().trainCount;
                    status.test.count = info().testCount;
                }
            }
            return status;
        }
        status.train.missing = status.test.missing = {archive};
        return status;
    }

    ImageSet load(const DatasetStatus& status, Split split) const override {
        const SplitStatus& where = status.split(split);
        if (!where.present)
            throwMissing(status, split);
        std::lock_guard<std::mutex> lock(m_mutex);
        const std::string key = where.imagesPath + "|" + std::to_string(fileSize(where.imagesPath));
        if (m_cachedKey != key || !m_cached) {
            m_cached.reset();
            m_trainTaken = m_testTaken = false;
            CifarData data = isDirectory(where.imagesPath) ? readCifar10Folder(where.imagesPath)
                                                             : readCifar10Archive(where.imagesPath);
            checkClassNames(data.classNames, where.imagesPath);
            m_cached = std::make_unique<CifarData>(std::move(data));
            m_cachedKey = key;
        }
        // One read of the archive serves both splits (planData asks for train, then test); the
        // parsed data is dropped once each split has been handed out.
        ImageSet set = split == Split::Train ? m_cached->train : m_cached->test;
        (split == Split::Train ? m_trainTaken : m_testTaken) = true;
        if (m_trainTaken && m_testTaken) {
            m_cached.reset();
            m_trainTaken = m_testTaken = false;
        }
        const bool official = !isDirectory(where.imagesPath) && fileSize(where.imagesPath) == info().remoteFiles.front().bytes;
        set.source = info().name + " " + splitName(split) +
                     (isDirectory(where.imagesPath) || official ? "" : " (unverified copy: not the official archive's size)");
        return set;
    }

private:
    void checkClassNames(const std::vector<std::string>& names, const std::string& path) const {
        for (std::size_t i = 0; i < names.size() && i < info().classes.size(); ++i)
            if (names[i] != info().classes[i].label)
                throw Error(fileNameOf(path) + ": batches.meta.txt names class " + std::to_string(i) + " '" + names[i] +
                            "' where CIFAR-10 has '" + info().classes[i].label + "'; this is not CIFAR-10");
    }

    mutable std::mutex m_mutex;
    mutable std::string m_cachedKey;
    mutable std::unique_ptr<CifarData> m_cached;
    mutable bool m_trainTaken = false;
    mutable bool m_testTaken = false;
};

}  // namespace

std::unique_ptr<DatasetSource> makeCifar10Source(DatasetInfo info) { return std::make_unique<Cifar10Source>(std::move(info)); }

}  // namespace kanalab
