// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The datasets KanaLab knows without being told: their facts here, their readers in one file
// per format. The registry (catalogue.cpp) asks for them once.

#include "data/dataset_source.h"
#include "data/import.h"

#include <memory>
#include <vector>

namespace kanalab {

// kmnist, mnist, fashion-mnist, k49, cifar10, kkanji: in the order listings show them.
std::vector<std::unique_ptr<DatasetSource>> makeBuiltinSources();

// CIFAR-10's binary version (data/cifar_source.cpp).
std::unique_ptr<DatasetSource> makeCifar10Source(DatasetInfo info);
// Kuzushiji-Kanji's stand-in until its archive is converted (data/kkanji_source.cpp).
std::unique_ptr<DatasetSource> makeKkanjiSource(DatasetInfo info);

class DownloadedFileCheck;

// What checks a file of the dataset that has no published checksum (kkanji.tar's structure),
// also once a converted cache stands for the dataset; nullptr for the others.
const DownloadedFileCheck* downloadedFileCheck(const DatasetInfo& info);

// A built-in dataset whose classes are known only once its download is converted (kkanji):
// it lists no classes until then, and `download` converts it (convertAfterDownload).
bool isConvertedAfterDownload(const DatasetInfo& info);
// Converts what downloadDataset fetched into root/<name>/ (kkanji: into the kkanji cache, and
// kkanji-minN with options.minClassImages); empty for a dataset that needs no conversion.
std::vector<ImportResult> convertAfterDownload(const DatasetInfo& info, const std::string& root,
                                               const ImportOptions& options);

}  // namespace kanalab
