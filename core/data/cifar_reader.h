// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "data/image_set.h"

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace kanalab {

// CIFAR-10's binary version (cifar-10-binary.tar.gz): the folder cifar-10-batches-bin/ holds
// data_batch_1.bin .. data_batch_5.bin (training) and test_batch.bin, each 10,000 records of one
// label byte and 3,072 pixel bytes (1,024 red, 1,024 green, 1,024 blue, each 32x32 row-major),
// which is ImageSet's planar layout as it stands, and batches.meta.txt, the class names.
constexpr int kCifarChannels = 3;
constexpr int kCifarRows = 32;
constexpr int kCifarCols = 32;
constexpr std::size_t kCifarImageBytes = 3 * 32 * 32;
constexpr std::size_t kCifarRecordBytes = 1 + kCifarImageBytes;
constexpr std::int64_t kCifarImagesPerBatch = 10000;  // in the official files
constexpr int kCifar10Classes = 10;
constexpr const char* kCifar10Folder = "cifar-10-batches-bin";
constexpr const char* kCifar10MetaFile = "batches.meta.txt";

// data_batch_1.bin .. data_batch_5.bin, then test_batch.bin.
std::vector<std::string> cifar10BatchFiles();
// airplane, automobile, bird, cat, deer, dog, frog, horse, ship, truck.
const std::vector<std::string>& cifar10ClassNames();

// Reads one batch file's bytes: size a positive multiple of 3,073, every label below
// numClasses. Throws kanalab::Error naming displayName otherwise (its size, or the record).
ImageSet readCifarBatch(const std::uint8_t* data, std::size_t size, const std::string& displayName,
                        int numClasses = kCifar10Classes);

// batches.meta.txt: one name per line (LF or CRLF), trailing blank lines ignored. Throws
// kanalab::Error naming displayName for a count other than numClasses, a blank line among the
// names or a name given twice.
std::vector<std::string> parseCifarMeta(const std::string& text, const std::string& displayName,
                                        int numClasses = kCifar10Classes);

struct CifarData {
    ImageSet train;  // data_batch_1.bin .. data_batch_5.bin, in that order ("cifar10 train")
    ImageSet test;   // test_batch.bin ("cifar10 test")
    std::vector<std::string> classNames;
    // What is odd but readable, one sentence each: a missing batches.meta.txt (the standard
    // names are used), a batch not holding the official 10,000 images.
    std::vector<std::string> problems;
};

// The extracted cifar-10-batches-bin/ folder. Throws kanalab::Error naming every missing batch
// file, or the first bad one.
CifarData readCifar10Folder(const std::string& folder);

// Straight from cifar-10-binary.tar.gz (or the .tar), streaming: only the entries under
// cifar-10-batches-bin/ are read, in whatever order the archive holds them. Throws
// kanalab::Error naming the archive (and the entry) for every problem the folder reader and the
// tar reader report; kanalab::Cancelled when *cancel is set (checked per entry).
CifarData readCifar10Archive(const std::string& archivePath, const std::atomic<bool>* cancel = nullptr);

}  // namespace kanalab
