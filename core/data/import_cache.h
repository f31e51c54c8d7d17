// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// What every import shares, whatever it reads (image files, a tar of PNGs, .npz arrays,
// CIFAR-10 batches): the checks on a dataset's name, dropping classes with too few images, the
// fingerprint that lets an unchanged input reuse its cache, and the writer that builds the cache
// in a staging folder and swaps it into <data folder>/imported/<name>/ only once it is complete.

#include "data/catalogue.h"
#include "data/imported_source.h"

#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

namespace kanalab {

struct ImportResult;

// Throws kanalab::Error (one sentence) for a name the cache folder cannot have, or the name of
// a built-in dataset (unless allowBuiltin names it: kkanji from its own archive).
void checkDatasetName(const std::string& name, const std::string& allowBuiltin = "");

// Now, as ISO 8601 in UTC ("2024-05-01T12:00:00Z"), for dataset.json.
std::string importTimestamp();

// Which classes stay when only those with at least minImages images are kept (minImages <= 0:
// all of them): newIndex[c] is class c's index among the kept ones, -1 when dropped. The note
// says what was dropped; the error when nothing would stay names the largest class.
struct ClassFilter {
    std::vector<std::int64_t> newIndex;
    std::int64_t kept = 0;
    std::int64_t droppedImages = 0;
    std::string note;
};
ClassFilter keepClassesWithAtLeast(const std::vector<std::int64_t>& imagesPerClass, int minImages,
                                   const std::string& inputName);

// FNV-1a over text pieces: a fingerprint, not a defence; it only has to change with the input.
class Fingerprint {
public:
    void add(const std::string& text);
    // The file's name, size and modification time.
    void addFile(const std::string& path);
    std::string hex() const;

private:
    std::uint64_t m_hash = 14695981039346656037ull;
};

// The cache of this name when it was made from sourcePath with this fingerprint: registered
// and described in result (reused = true). False when there is none, it differs or is damaged.
bool reuseImportedCache(const std::string& dataRoot, const std::string& name, const std::string& sourcePath,
                        const std::string& fingerprint, ImportResult& result);

// Registers the finished cache in folder (read back from its dataset.json) and fills result.
void registerImportedCache(const std::string& folder, const std::string& dataRoot, ImportResult& result);

// Builds a cache: images and labels are added per split in any order (a tar's members arrive
// mixed), and commit() lays them out as ImportedSource reads them (train, validation, test).
// Until commit() succeeds everything lives in a staging folder, which the destructor removes:
// a failure, a cancel or an exception leaves the previous cache of that name as it was.
class ImportCacheWriter {
public:
    ImportCacheWriter(const std::string& dataRoot, const std::string& name, int channels, int rows, int cols);
    ~ImportCacheWriter();
    ImportCacheWriter(const ImportCacheWriter&) = delete;
    ImportCacheWriter& operator=(const ImportCacheWriter&) = delete;

    std::size_t imageBytes() const { return m_imageBytes; }
    // pixels: imageBytes() bytes, planar.
    void add(Split split, const std::uint8_t* pixels, std::int64_t label);
    std::int64_t count(Split split) const;
    std::int64_t total() const;

    // Finishes the cache: meta's splits and shape are filled in here; with toGray only the first
    // plane of each (3-channel) image is kept. A gray handwriting set stored mostly as dark ink
    // on light paper (scans) is inverted to bright ink on dark, the way KMNIST, the canvas and
    // augmentation's zero fill have it, and meta.inkInverted says so. Swaps the folder in and
    // returns its path.
    std::string commit(ImportedMeta& meta, bool toGray);

private:
    struct Sink {
        std::string images;
        std::string labels;
        std::ofstream imagesOut;
        std::ofstream labelsOut;
        std::int64_t count = 0;
    };
    Sink& sink(Split split);

    std::string m_folder;
    std::string m_staging;
    int m_channels;
    int m_rows;
    int m_cols;
    std::size_t m_imageBytes;
    Sink m_sinks[3];
    std::int64_t m_lightBackgrounds = 0;  // images whose first plane's border is mostly light
    bool m_committed = false;
};

}  // namespace kanalab
