// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// What `import` and `download kkanji` (which converts its archive like an import) both print.

#include "data/import.h"

#include <functional>

namespace kanalab::cli {

// The "decoding [####  ] 1,024 of 140,424" line on stderr: redrawn on a terminal, a plain line
// every few seconds otherwise.
std::function<void(const ImportProgress&)> importProgressPrinter();

// "imported N images in T" (or "reusing"), classes per split, skipped files and notes.
void printImportSummary(const ImportResult& result);

}  // namespace kanalab::cli
