// SPDX-License-Identifier: GPL-3.0-or-later
#include "data/cifar_reader.h"

#include "common/error.h"
#include "common/format.h"
#include "data/byte_stream.h"
#include "data/data_dirs.h"
#include "data/tar_reader.h"

#include <cstring>
#include <map>
#include <set>

namespace kanalab {
namespace {

// "a", "a and b", "a, b and c"
std::string listInWords(const std::vector<std::string>& items) {
    std::string text;
    for (std::size_t i = 0; i < items.size(); ++i)
        text += (i == 0 ? "" : i + 1 == items.size() ? " and " : ", ") + items[i];
    return text;
}

ImageSet emptyCifarSet(const std::string& source) {
    ImageSet set;
    set.channels = kCifarChannels;
    set.rows = kCifarRows;
    set.cols = kCifarCols;
    set.source = source;
    return set;
}

void append(ImageSet& to, const ImageSet& from) {
    to.pixels.insert(to.pixels.end(), from.pixels.begin(), from.pixels.end());
    to.labels.insert(to.labels.end(), from.labels.begin(), from.labels.end());
}

void noteUnusualCount(const ImageSet& batch, const std::string& displayName, std::vector<std::string>& problems) {
    if (batch.count() != kCifarImagesPerBatch)
        problems.push_back(displayName + ": holds " + formatCount(batch.count()) +
                           " images where the official file holds " + formatCount(kCifarImagesPerBatch));
}

std::string textOf(const std::vector<std::uint8_t>& bytes) {
    return std::string(bytes.begin(), bytes.end());
}

}  // namespace

std::vector<std::string> cifar10BatchFiles() {
    return {"data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin",
            "data_batch_4.bin", "data_batch_5.bin", "test_batch.bin"};
}

const std::vector<std::string>& cifar10ClassNames() {
    static const std::vector<std::string> names = {"airplane", "automobile", "bird",  "cat",  "deer",
                                                   "dog",      "frog",       "horse", "ship", "truck"};
    return names;
}

ImageSet readCifarBatch(const std::uint8_t* data, std::size_t size, const std::string& displayName, int numClasses) {
    if (size == 0)
        throw Error(displayName + ": file is empty, where a CIFAR-10 batch holds records of " +
                    std::to_string(kCifarRecordBytes) + " bytes (a label and " + std::to_string(kCifarImageBytes) +
                    " pixels): download the dataset again");
    if (size % kCifarRecordBytes != 0) {
        if (size % (kCifarRecordBytes + 1) == 0)
            throw Error(displayName + ": size " + std::to_string(size) + " bytes is not a multiple of " +
                        std::to_string(kCifarRecordBytes) + " but is of " + std::to_string(kCifarRecordBytes + 1) +
                        ", so it looks like a CIFAR-100 file (two label bytes per image): use CIFAR-10's binary "
                        "version");
        throw Error(displayName + ": size " + std::to_string(size) + " bytes is not a multiple of " +
                    std::to_string(kCifarRecordBytes) + " (a label byte and " + std::to_string(kCifarImageBytes) +
                    " pixel bytes per image; it holds " + std::to_string(size / kCifarRecordBytes) +
                    " whole images and " + std::to_string(size % kCifarRecordBytes) +
                    " bytes more), so it is truncated or not a CIFAR-10 batch: download the dataset again");
    }
    const std::size_t count = size / kCifarRecordBytes;
    ImageSet set = emptyCifarSet(displayName);
    set.pixels.resize(count * kCifarImageBytes);
    set.labels.resize(count);
    for (std::size_t i = 0; i < count; ++i) {
        const std::uint8_t* record = data + i * kCifarRecordBytes;
        if (record[0] >= numClasses)
            throw Error(displayName + ": record " + std::to_string(i) + " (counting from 0) has label " +
                        std::to_string(record[0]) + " but labels go from 0 to " + std::to_string(numClasses - 1) +
                        ", so the file is damaged or not a CIFAR-10 batch: download the dataset again");
        set.labels[i] = record[0];
        std::memcpy(set.pixels.data() + i * kCifarImageBytes, record + 1, kCifarImageBytes);
    }
    return set;
}

std::vector<std::string> parseCifarMeta(const std::string& text, const std::string& displayName, int numClasses) {
    std::vector<std::string> lines;
    std::size_t start = text.compare(0, 3, "\xEF\xBB\xBF") == 0 ? 3 : 0;  // a UTF-8 byte order mark
    while (start <= text.size()) {
        std::size_t end = text.find('\n', start);
        if (end == std::string::npos)
            end = text.size();
        std::string line = text.substr(start, end - start);
        const std::size_t first = line.find_first_not_of(" \t\r");
        line =
            first == std::string::npos ? std::string() : line.substr(first, line.find_last_not_of(" \t\r") + 1 - first);
        lines.push_back(line);
        start = end + 1;
    }
    while (!lines.empty() && lines.back().empty())
        lines.pop_back();
    std::set<std::string> seen;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        if (lines[i].empty())
            throw Error(displayName + ": line " + std::to_string(i + 1) +
                        " is blank, where every line up to the last holds a class name: download the dataset again");
        if (!seen.insert(lines[i]).second)
            throw Error(displayName + ": names the class '" + lines[i] +
                        "' twice, so the file is damaged: download the dataset again");
    }
    if (lines.size() != static_cast<std::size_t>(numClasses))
        throw Error(displayName + ": lists " + std::to_string(lines.size()) + " class names where CIFAR-10 has " +
                    std::to_string(numClasses) + " (one per line), so the file is damaged: download the dataset again");
    return lines;
}

CifarData readCifar10Folder(const std::string& folder) {
    if (!isDirectory(folder))
        throw Error(folder + (isRegularFile(folder) ? ": is a file, not the cifar-10-batches-bin folder"
                                                    : ": no such folder: choose the extracted cifar-10-batches-bin "
                                                      "folder"));
    std::vector<std::string> missing;
    for (const std::string& name : cifar10BatchFiles())
        if (!isRegularFile(joinPath(folder, name)))
            missing.push_back(name);
    if (!missing.empty()) {
        if (isDirectory(joinPath(folder, kCifar10Folder)))
            throw Error(folder + ": missing " + listInWords(missing) + ", but it has a " + kCifar10Folder +
                        " folder inside: choose that one");
        throw Error(folder + ": missing " + listInWords(missing) +
                    " of CIFAR-10's six batch files: download the dataset again");
    }

    CifarData data;
    data.train = emptyCifarSet("cifar10 train");
    data.train.pixels.reserve(5 * kCifarImagesPerBatch * kCifarImageBytes);
    data.train.labels.reserve(5 * kCifarImagesPerBatch);
    for (const std::string& name : cifar10BatchFiles()) {
        const std::vector<std::uint8_t> bytes = readWholeFile(joinPath(folder, name));
        ImageSet batch = readCifarBatch(bytes.data(), bytes.size(), name);
        noteUnusualCount(batch, name, data.problems);
        if (name == "test_batch.bin") {
            data.test = std::move(batch);
            data.test.source = "cifar10 test";
        } else {
            append(data.train, batch);
        }
    }

    const std::string metaPath = joinPath(folder, kCifar10MetaFile);
    if (isRegularFile(metaPath)) {
        data.classNames = parseCifarMeta(textOf(readWholeFile(metaPath)), kCifar10MetaFile);
    } else {
        data.classNames = cifar10ClassNames();
        data.problems.push_back(folder + ": has no " + kCifar10MetaFile + ", so the standard class names are used");
    }
    return data;
}

CifarData readCifar10Archive(const std::string& archivePath, const std::atomic<bool>* cancel) {
    auto stream = openArchiveStream(archivePath);
    const std::string archive = stream->displayName();
    const std::string prefix = std::string(kCifar10Folder) + "/";
    const std::vector<std::string> batchFiles = cifar10BatchFiles();
    const std::set<std::string> wanted(batchFiles.begin(), batchFiles.end());

    std::map<std::string, ImageSet> batches;
    std::vector<std::string> problems;
    bool haveMeta = false;
    std::vector<std::string> classNames;
    std::string otherVersion;  // "Python" or "MATLAB" when the archive is one of those
    std::string elsewhere;     // a batch file found outside cifar-10-batches-bin/

    forEachTarEntry(*stream, [&](const TarEntry& entry, TarContents& contents) {
        if (cancel && cancel->load())
            throw Cancelled();
        if (entry.path.compare(0, 20, "cifar-10-batches-py/") == 0)
            otherVersion = "Python";
        else if (entry.path.compare(0, 21, "cifar-10-batches-mat/") == 0)
            otherVersion = "MATLAB";
        if (!entry.isRegular())
            return;
        const bool inFolder = entry.path.compare(0, prefix.size(), prefix) == 0;
        const std::string name = inFolder ? entry.path.substr(prefix.size()) : std::string();
        const std::string displayName = archive + ": entry '" + entry.path + "'";
        if (wanted.count(name)) {
            const std::vector<std::uint8_t> bytes = contents.readAll();
            ImageSet batch = readCifarBatch(bytes.data(), bytes.size(), displayName);
            noteUnusualCount(batch, displayName, problems);
            batches[name] = std::move(batch);
        } else if (name == kCifar10MetaFile) {
            classNames = parseCifarMeta(textOf(contents.readAll()), displayName);
            haveMeta = true;
        } else if (!inFolder && wanted.count(fileNameOf(entry.path))) {
            elsewhere = entry.path;
        }
    });

    std::vector<std::string> missing;
    for (const std::string& name : batchFiles)
        if (!batches.count(name))
            missing.push_back(prefix + name);
    if (!missing.empty()) {
        if (!otherVersion.empty())
            throw Error(archive + ": is CIFAR-10's " + otherVersion +
                        " version, not the binary one: download cifar-10-binary.tar.gz");
        if (!elsewhere.empty())
            throw Error(archive + ": holds " + elsewhere + " but not " + listInWords(missing) +
                        ": repack it with the files under " + kCifar10Folder + "/, or download cifar-10-binary.tar.gz");
        throw Error(archive + ": has no " + listInWords(missing) +
                    ", so it is damaged or not CIFAR-10's binary version: download cifar-10-binary.tar.gz again");
    }

    CifarData data;
    data.problems = std::move(problems);
    data.train = emptyCifarSet("cifar10 train");
    std::size_t trainCount = 0;
    for (std::size_t i = 0; i + 1 < batchFiles.size(); ++i)
        trainCount += batches[batchFiles[i]].labels.size();
    data.train.pixels.reserve(trainCount * kCifarImageBytes);
    data.train.labels.reserve(trainCount);
    for (std::size_t i = 0; i + 1 < batchFiles.size(); ++i) {
        ImageSet& batch = batches[batchFiles[i]];
        append(data.train, batch);
        batch = ImageSet();  // frees it now: the whole training set is 154 MB
    }
    data.test = std::move(batches["test_batch.bin"]);
    data.test.source = "cifar10 test";
    if (haveMeta) {
        data.classNames = std::move(classNames);
    } else {
        data.classNames = cifar10ClassNames();
        data.problems.push_back(archive + ": has no " + prefix + kCifar10MetaFile +
                                ", so the standard class names are used");
    }
    return data;
}

}  // namespace kanalab
