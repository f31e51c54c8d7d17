// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Finds the images and labels in a folder a user brings ("train it on my folder of scans"),
// without decoding them. Three layouts:
//   ClassFolders  ROOT/CLASS/*.png: one pool, split later by a protocol;
//   SplitFolders  ROOT/{train,val,test}/CLASS/*.png (val may be valid/ or validation/);
//   ListFiles     ROOT/{train,val,test}.txt, one "PATH LABEL" per line, optional classes.txt.
// Anything unusable (hidden files, non-images, empty files, bad list lines, symlink loops) is
// skipped and named with a reason; only a missing folder (or one without any class) fails.

#include <cstdint>
#include <string>
#include <vector>

namespace kanalab {

struct ImportClass {
    std::string name;   // the folder name (or the class name of a list file), UTF-8
    std::string glyph;  // "お" for a folder named U+304A (Kuzushiji-Kanji's layout), else empty
};

struct ImportItem {
    std::string path;  // UTF-8
    std::int64_t classIndex = 0;
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

    std::size_t imageCount() const { return pool.size() + train.size() + validation.size() + test.size(); }
};

// ListFiles for a folder holding train.txt, or for a .txt list file itself; SplitFolders for a
// folder with train/ and val/ (valid/, validation/) or test/ folders; else ClassFolders.
// Throws kanalab::Error, in words, when the folder does not exist, is empty or has no class folders.
ImportLayout detectLayout(const std::string& root);

// Lists the images of root in the given layout. Within a class, folder images are sorted by
// path; list-file images keep the order of their list. Throws kanalab::Error only when root is
// missing or not a folder (or, for ListFiles, holds no list); a scan that finds no image says so
// in notes, so the caller can still show what was skipped and why.
ImportListing scanImport(const std::string& root, ImportLayout layout);

// "U+304A" or "u+304a" (4 to 6 hex digits, any code point up to U+10FFFF except surrogates)
// -> its UTF-8 character; any other name -> empty.
std::string glyphForFolderName(const std::string& name);

// True for the file name extensions of images OpenCV reads (case-insensitive).
bool hasImageExtension(const std::string& path);

}  // namespace kanalab
