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
    std::string layout;         // "class folders", "class folders in a tar", "split folders", "list files", "npz", "cifar10"
    std::string fit;            // "pad" or "crop"
    bool inkInverted = false;   // the files were dark ink on light paper; the cache holds 255 - v
    ImportedSplit train, validation, test;
    std::string fingerprint;    // of the inputs' names, sizes and times: unchanged inputs reuse the cache
    std::vector<SkippedInput> skipped;
    std::vector<std::string> notes;
    std::string importedAt;     // ISO 8601, UTC
    // How the seeded, stratified test split of a single pool was drawn (stored so the split is
    // never drawn again): the seed and the fraction; testFraction < 0 where the input gave its splits.
    std::uint64_t seed = 0;
    double testFraction = -1;
    int minClassImages = 0;     // classes with fewer images were left out (0: none were)
    std::string sourceSha256;   // of the archive, where it had a recorded SHA-256 (data/recorded_sha256.h)
    // The built-in dataset whose files these are ("kkanji" for kkanji.tar, and for its
    // kkanji-min20): the registry gives the cache that built-in's facts (withBuiltinFacts), and a
    // cache named like the built-in takes the built-in's place.
    std::string builtin;
    std::string licence;        // empty: the owner's
    std::string citation;

    const ImportedSplit& split(Split which) const;
    std::int64_t totalImages() const { return train.count + validation.count + test.count; }
};

std::string importedMetaToJson(const ImportedMeta& meta);
// Throws kanalab::Error naming the file when it is not an imported dataset's description.
ImportedMeta importedMetaFromJson(const std::string& text, const std::string& path);
ImportedMeta readImportedMeta(const std::string& folder);

// The cache's facts completed from the built-in dataset it was converted from: title, licence,
// citation, traits (the Draw tab's frame), download addresses and remote files. A cache named
// like the built-in stands for it (imported = false: it is not removable, and `download` still
// fetches the official file); a variant (kkanji-min20) stays an imported dataset.
ImportedMeta withBuiltinFacts(ImportedMeta cache, const DatasetInfo& builtin);

class ImportedSource final : public DatasetSource {
public:
    ImportedSource(ImportedMeta meta, std::string folder, std::string origin);

    DatasetStatus locate(const std::vector<DataRoot>& roots, bool readCounts) const override;
    ImageSet load(const DatasetStatus& status, Split split) const override;
    ImageSet loadTrainAndValidation(const DatasetStatus& status) const override;

    const ImportedMeta& meta() const { return m_meta; }
    const std::string& folder() const { return m_folder; }
    const std::string& origin() const { return m_origin; }

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
