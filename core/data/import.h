// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Importing the user's own images: a folder of class folders (one pool, split here, seeded and
// stratified), a tar of class folders (Kuzushiji-Kanji's kkanji.tar), train/val/test folders,
// list files ("PATH LABEL" per line; a single list not named train/val/test is one pool), .npz
// image/label pairs (KMNIST and K49 style) or CIFAR-10's binary batches. Every image is decoded
// once, on every core, fitted to one size, and written into a compact uint8 cache
// (data/imported_source.h) that training reads through a memory map. Importing the same path
// again reuses the cache unless a file changed (name, size or time).

#include "data/catalogue.h"
#include "data/imported_source.h"

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace kanalab {

struct ImportProgress {
    std::int64_t done = 0;   // images decoded (kept or skipped)
    std::int64_t total = 0;
    double imagesPerSecond = 0;
    double etaSeconds = -1;
};

struct ImportOptions {
    std::string name;             // empty: from the folder's name (kkanji for Kuzushiji-Kanji), + "-minN"
    std::string format = "auto";  // auto | folder | list | npz | cifar10
    int rows = 0;                 // 0: the first readable image's size (at most kDefaultMaxImportSide)
    int cols = 0;
    int channels = 0;             // 0: colour when any image is colour, else gray
    bool crop = false;            // centre crop instead of padding to keep the aspect
    std::string kind;             // "handwriting" | "photo" | empty: photo for colour, handwriting for gray
    double testFraction = 0.2;    // of a single pool (class folders, one list, one .npz pair) held out as test
    std::uint64_t seed = 42;      // for that split
    // Keep only the classes with at least this many images (0: all). The split is drawn before
    // the small classes go, so a kept class has the same train and test images as in the full import.
    int minClassImages = 0;
    int threads = 0;              // decoding threads; 0: every core
    bool force = false;           // rebuild the cache even when the inputs did not change
    std::function<void(const ImportProgress&)> progress;  // about ten times a second
    const std::atomic<bool>* cancel = nullptr;            // leaves nothing half-made behind
};

constexpr int kDefaultMaxImportSide = 96;

struct ImportResult {
    const DatasetInfo* dataset = nullptr;
    ImportedMeta meta;
    std::string folder;   // the cache
    bool reused = false;  // the inputs had not changed: nothing was decoded
    std::int64_t decoded = 0;
    double seconds = 0;
};

// Imports path into <dataRoot>/imported/<name>/ and registers it. An archive with a recorded
// SHA-256 beside it (data/recorded_sha256.h) is checked against the record before it is read. Throws kanalab::Error (one
// sentence) when nothing usable is there, kanalab::Cancelled when cancelled; on any failure the
// previous cache of that name, if any, is left as it was.
ImportResult importDataset(const std::string& path, const std::string& dataRoot, const ImportOptions& options);

// A dataset name from a path: "~/scans/My Kana/" -> "my-kana", "kkanji.tar" -> "kkanji"
// (lowercase ASCII letters, digits, '-'; archive and list extensions dropped).
std::string datasetNameFromPath(const std::string& path);

}  // namespace kanalab
