// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Imports of datasets that already are arrays: .npz image/label pairs (KMNIST and K49 style,
// PREFIX-train-imgs.npz, PREFIX-train-labels.npz, PREFIX-test-imgs.npz, ...) and CIFAR-10's
// binary batches (cifar-10-binary.tar.gz or the extracted cifar-10-batches-bin/). Nothing is
// decoded: the arrays are checked by their readers and written into the same cache as images.

#include "data/import.h"

#include <string>

namespace kanalab {

// "npz" or "cifar10" when path holds such a dataset (a .npz file, a folder of .npz pairs, a
// CIFAR-10 archive or batches folder); empty otherwise.
std::string detectArrayFormat(const std::string& path);

// Imports path (absolute) as format ("npz" or "cifar10"). Throws kanalab::Error naming the file
// at fault, kanalab::Cancelled when options.cancel is set.
ImportResult importArrayDataset(const std::string& path, const std::string& format, const std::string& dataRoot,
                                const ImportOptions& options);

}  // namespace kanalab
