// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// A dataset the user imported (data/import.h): a compact uint8 cache in
// <data folder>/imported/<name>/ — dataset.json (classes, shape, splits, where it came from,
// what was skipped) beside images.u8 (every image's bytes, train then validation then test)
// and labels.i32. The images are read through a memory map, never copied into memory whole.

#include "data/dataset_source.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace kanalab {

constexpr const char* kImportedFolder = "imported";
constexpr const char* kImportedMetaFile = "dataset.json";
constexpr const char* kImportedImagesFile = "images.u8";
constexpr const char* kImportedLabelsFile = "labels.i32";
constexpr int kImportedFormatVersion = 1;

struct ImportedSplit {
    std::int64_t first = 0;  // index of its first image in images.u8
    std::int64_t count = 0;
};

struct SkippedInput {
    std::string path;
    std::string reason;
};

// Everything dataset.json holds.
struct ImportedMeta {
    DatasetInfo info;           // name, title, classes, shape, traits (source not set)
    std::string sourcePath;     // what was imported (absolute)
    std::string layout;         // "class folders", "split folders", "list files", "npz", "cifar10"
    std::string fit;            // "pad" or "crop"
    ImportedSplit train, validation, test;
    std::string fingerprint;    // of the inputs' names, sizes and times: unchanged inputs reuse the cache
    std::vector<SkippedInput> skipped;
    std::vector<std::string> notes;
    std::string importedAt;     // ISO 8601, UTC

    const ImportedSplit& split(Split which) const;
    std::int64_t totalImages() const { return train.count + validation.count + test.count; }
};

std::string importedMetaToJson(const ImportedMeta& meta);
// Throws kanalab::Error naming the file when it is not an imported dataset's description.
ImportedMeta importedMetaFromJson(const std::string& text, const std::string& path);
ImportedMeta readImportedMeta(const std::string& folder);

class ImportedSource final : public DatasetSource {
public:
    ImportedSource(ImportedMeta meta, std::string folder, std::string origin);

    DatasetStatus locate(const std::vector<DataRoot>& roots, bool readCounts) const override;
    ImageSet load(const DatasetStatus& status, Split split) const override;
    ImageSet loadTrainAndValidation(const DatasetStatus& status) const override;

    const ImportedMeta& meta() const { return m_meta; }
    const std::string& folder() const { return m_folder; }

private:
    ImageSet loadRange(const ImportedSplit& range) const;

    ImportedMeta m_meta;
    std::string m_folder;
    std::string m_origin;
};

// Every imported dataset under the roots (root/imported/*/dataset.json); unreadable ones are
// left out (kanalab-cli datasets names them through importProblems).
std::vector<std::unique_ptr<DatasetSource>> scanImportedSources(const std::vector<DataRoot>& roots);

// The folder an import of this name writes: <root>/imported/<name>.
std::string importedDatasetFolder(const std::string& root, const std::string& name);

// A read-only memory map of a whole file, released when the last pointer into it goes.
std::shared_ptr<const std::uint8_t> mapFileReadOnly(const std::string& path, std::size_t expectedBytes);

}  // namespace kanalab
