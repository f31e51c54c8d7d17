// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Finds the images and labels in a folder a user brings ("train it on my folder of scans"),
// without decoding them. Three layouts:
//   ClassFolders  ROOT/CLASS/*.png: one pool, split later by a protocol; ROOT may also be a tar
//                 (.tar, .tar.gz) of class folders, as Kuzushiji-Kanji's kkanji.tar is, and a
//                 ROOT (folder or tar) holding nothing but one folder of class folders
//                 (kkanji2/U+4E00/...) is read from inside that folder;
//   SplitFolders  ROOT/{train,val,test}/CLASS/*.png (val may be valid/ or validation/);
//   ListFiles     ROOT/{train,val,test}.txt, one "PATH LABEL" per line, optional classes.txt.
// Anything unusable (hidden files, non-images, empty files, bad list lines, symlink loops) is
// skipped and named with a reason; only a missing folder (or one without any class) fails.

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

namespace kanalab {

class ByteStream;

struct ImportClass {
    std::string name;   // the folder name (or the class name of a list file), UTF-8
    std::string glyph;  // "お" for a folder named U+304A (Kuzushiji-Kanji's layout), else empty
};

struct ImportItem {
    std::string path;  // UTF-8; in an archive's listing, the member's path inside the archive
    std::int64_t classIndex = 0;
    int rows = 0;  // the size from the file's header where the scan read it (a PNG in an
    int cols = 0;  // archive); 0 when not known before decoding
};

struct SkippedFile {
    std::string path;
    std::string reason;  // "hidden file", "empty file", "train.txt line 12: no such file"
};

enum class ImportLayout { ClassFolders, SplitFolders, ListFiles };

struct ImportListing {
    ImportLayout layout = ImportLayout::ClassFolders;
    // Class folders: sorted by name (byte order), the same set for every split. List files:
    // the order of classes.txt, else numeric labels 0..max, else class names sorted.
    std::vector<ImportClass> classes;
    std::vector<ImportItem> pool;                     // ClassFolders, and a single list file that is not train/val/test
    std::vector<ImportItem> train, validation, test;  // given splits
    std::vector<SkippedFile> skipped;
    std::vector<std::string> notes;  // what a person should know: empty class folders, missing splits
    std::string archive;             // the tar the items are members of; empty for files on disk
    std::string wrapper;             // the one folder ROOT held, that the class folders were read from ("kkanji2")
    bool allGray = false;            // every image's header says gray (an archive of gray PNGs): decode as gray

    std::size_t imageCount() const { return pool.size() + train.size() + validation.size() + test.size(); }
};

// ListFiles for a folder holding train.txt, or for a .txt list file itself; SplitFolders for a
// folder with train/ and val/ (valid/, validation/) or test/ folders; ClassFolders for a tar
// archive or any other folder.
// Throws kanalab::Error, in words, when the folder does not exist, is empty or has no class folders.
ImportLayout detectLayout(const std::string& root);

// Lists the images of root in the given layout. Within a class, folder images are sorted by
// path; list-file images keep the order of their list. Throws kanalab::Error only when root is
// missing or not a folder (or, for ListFiles, holds no list); a scan that finds no image says so
// in notes, so the caller can still show what was skipped and why.
ImportListing scanImport(const std::string& root, ImportLayout layout);

// Lists a tar (or .tar.gz) of class folders without decoding anything: reads the archive once,
// front to back, and of each PNG only its header (signature, size and colour type; the size lands
// in the items' rows and cols). Members that are not images, not PNGs inside, hidden, links, empty,
// outside a class folder or given twice are skipped with a reason; skipped paths are written
// "ARCHIVE/MEMBER". Throws kanalab::Error naming the archive when it is damaged or truncated
// (tar_reader.h), kanalab::Cancelled when *cancel is set.
ImportListing scanTarClassFolders(const std::string& path, const std::atomic<bool>* cancel = nullptr);
// The same from a stream (the fuzzer's entry point); archiveName stands for the path in messages.
ImportListing scanTarClassFolders(ByteStream& stream, const std::string& archiveName,
                                  const std::atomic<bool>* cancel = nullptr);

// True for a file that is a tar archive: the ustar magic, or a .tar / .tar.gz / .tgz name (a
// gzip stream's content cannot be told without inflating it).
bool isTarArchive(const std::string& path);

// "U+304A" or "u+304a" (4 to 6 hex digits, any code point up to U+10FFFF except surrogates)
// -> its UTF-8 character; any other name -> empty.
std::string glyphForFolderName(const std::string& name);

// True for the file name extensions of images OpenCV reads (case-insensitive).
bool hasImageExtension(const std::string& path);

}  // namespace kanalab
