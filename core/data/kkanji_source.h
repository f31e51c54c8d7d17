// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Kuzushiji-Kanji (kkanji): kkanji.tar, about 310 MB, 140,000 64x64 PNGs in kkanji2/U+XXXX/
// folders, 3,832 classes of 1 to 1,766 images, no official split and no published checksum.
// Its classes are known only from the archive, so the built-in entry is a stand-in until the
// archive is converted: `download kkanji` (or `import kkanji.tar`) decodes it once into an
// imported cache named kkanji, with a seeded stratified split stored in it, and that cache takes
// the stand-in's place in the registry (catalogue.cpp). Structure checks replace the checksum
// the publisher does not give; the SHA-256 of the first download is recorded beside the file.

#include "data/dataset_source.h"
#include "data/import.h"

#include <atomic>
#include <memory>
#include <string>
#include <vector>

namespace kanalab {

struct ImportListing;

constexpr const char* kKkanjiName = "kkanji";
constexpr const char* kKkanjiArchive = "kkanji.tar";
constexpr const char* kKkanjiTopFolder = "kkanji2";
constexpr int kKkanjiSide = 64;

// The built-in stand-in: facts, the remote file, and a status that says whether kkanji.tar is
// here and not converted yet.
std::unique_ptr<DatasetSource> makeKkanjiSource();

// True for a listing with Kuzushiji-Kanji's layout: every class folder named U+XXXX, inside a
// folder kkanji2 (the archive's top folder, the folder imported, or the one folder in it).
bool isKuzushijiKanjiListing(const ImportListing& listing, const std::string& root);

// Checks that the file holds Kuzushiji-Kanji: a readable, complete tar with kkanji2/U+XXXX/*.png
// members. Throws kanalab::Error naming displayName and what is missing (the tar reader's own
// message for a damaged or truncated archive), kanalab::Cancelled when *cancel is set.
void checkKkanjiArchive(const std::string& path, const std::string& displayName,
                        const std::atomic<bool>* cancel = nullptr);

// checkKkanjiArchive as the downloader asks for it (data/downloader.h).
class DownloadedFileCheck;
const DownloadedFileCheck& kkanjiArchiveCheck();

// Converts <root>/kkanji/kkanji.tar: always into kkanji (reused when it is up to date), and with
// options.minClassImages > 0 also into kkanji-minN. options.name is ignored; size, channels and
// kind are Kuzushiji-Kanji's. Throws like importDataset, and when kkanji.tar is not there.
std::vector<ImportResult> convertKkanji(const std::string& root, ImportOptions options);

}  // namespace kanalab
