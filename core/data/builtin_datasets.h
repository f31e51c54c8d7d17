// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The datasets KanaLab knows without being told: their facts here, their readers in one file
// per format. The registry (catalogue.cpp) asks for them once.

#include "data/dataset_source.h"

#include <memory>
#include <vector>

namespace kanalab {

// kmnist, mnist, fashion-mnist, k49, cifar10: in the order listings show them.
std::vector<std::unique_ptr<DatasetSource>> makeBuiltinSources();

// CIFAR-10's binary version (data/cifar_source.cpp).
std::unique_ptr<DatasetSource> makeCifar10Source(DatasetInfo info);

}  // namespace kanalab
