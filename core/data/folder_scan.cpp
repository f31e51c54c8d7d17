// SPDX-License-Identifier: GPL-3.0-or-later
#include "data/folder_scan.h"

#include "common/error.h"

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <system_error>

namespace kanalab {
namespace {

namespace fs = std::filesystem;

// Folders inside a class folder are followed this deep at most; deeper is surely a mistake
// (or a loop the canonical-path check cannot see, such as a bind mount).
constexpr int kMaxDepth = 32;
// Without classes.txt, numeric labels make classes 0..max; a typo such as 1000000 must not
// make a million empty classes.
constexpr std::int64_t kMaxNumberedClasses = 100000;
// Notes name this many classes or files, then say how many more.
constexpr std::size_t kNamesInNote = 8;

fs::path toPath(const std::string& utf8) {
    return fs::u8path(utf8);
}
std::string toUtf8(const fs::path& path) {
    return path.u8string();
}

std::string lower(std::string text) {
    for (char& c : text)
        if (c >= 'A' && c <= 'Z')
            c = static_cast<char>(c - 'A' + 'a');
    return text;
}

std::string nameOf(const fs::path& path) {
    return toUtf8(path.filename());
}
bool isHidden(const std::string& name) {
    return !name.empty() && name[0] == '.';
}

std::string extensionOf(const std::string& path) {
    const std::size_t slash = path.find_last_of('/');
    const std::size_t dot = path.find_last_of('.');
    if (dot == std::string::npos || (slash != std::string::npos && dot < slash) || dot + 1 == path.size())
        return "";
    return lower(path.substr(dot));
}

std::string quoted(const std::string& name) {
    return "'" + name + "'";
}

std::string nameList(const std::vector<std::string>& names) {
    std::string out;
    for (std::size_t i = 0; i < names.size() && i < kNamesInNote; ++i)
        out += (i ? ", " : "") + quoted(names[i]);
    if (names.size() > kNamesInNote)
        out += " and " + std::to_string(names.size() - kNamesInNote) + " more";
    return out;
}

std::string plural(std::size_t count, const std::string& one, const std::string& many) {
    return std::to_string(count) + " " + (count == 1 ? one : many);
}

enum class Split { Train, Validation, Test };

const char* splitName(Split split) {
    switch (split) {
        case Split::Train:
            return "train";
        case Split::Validation:
            return "validation";
        default:
            return "test";
    }
}

// "train", "val"/"valid"/"validation", "test" in any case; false for anything else.
bool splitOf(const std::string& name, Split& split) {
    const std::string n = lower(name);
    if (n == "train")
        split = Split::Train;
    else if (n == "val" || n == "valid" || n == "validation")
        split = Split::Validation;
    else if (n == "test")
        split = Split::Test;
    else
        return false;
    return true;
}

std::vector<ImportItem>& itemsOf(ImportListing& listing, Split split) {
    switch (split) {
        case Split::Train:
            return listing.train;
        case Split::Validation:
            return listing.validation;
        default:
            return listing.test;
    }
}

// Directory entries sorted by name (byte order), so every scan visits them in the same order.
std::vector<fs::path> sortedEntries(const fs::path& dir, std::vector<SkippedFile>& skipped) {
    std::vector<fs::path> entries;
    std::error_code error;
    fs::directory_iterator it(dir, error);
    const fs::directory_iterator end;
    while (!error && it != end) {
        entries.push_back(it->path());
        it.increment(error);
    }
    if (error)
        skipped.push_back({toUtf8(dir), "folder cannot be listed (" + error.message() + ")"});
    std::sort(entries.begin(), entries.end(),
              [](const fs::path& a, const fs::path& b) { return a.native() < b.native(); });
    return entries;
}

// Why a path cannot be an image of the import, or empty when it can. Follows symbolic links.
std::string fileProblem(const fs::path& path) {
    std::error_code error;
    const fs::file_status link = fs::symlink_status(path, error);
    if (!fs::exists(link))
        return "no such file";
    const fs::file_status status = fs::status(path, error);
    if (!fs::exists(status))
        return "broken symbolic link";
    if (fs::is_directory(status))
        return "is a folder, not an image";
    if (isHidden(nameOf(path)))
        return "hidden file";
    const std::string extension = extensionOf(toUtf8(path));
    if (!hasImageExtension(toUtf8(path)))
        return extension.empty() ? "not an image file (no extension)" : "not an image file (" + extension + ")";
    if (!fs::is_regular_file(status))
        return "not a regular file";
    const auto size = fs::file_size(path, error);
    if (error)
        return "size cannot be read (" + error.message() + ")";
    if (size == 0)
        return "empty file";
    return "";
}

// Walks class folders. Every folder is entered once by its canonical path, so a symbolic link
// back up the tree (ln -s .. loop) or a second link to the same folder is skipped, never looped.
class FolderWalker {
public:
    FolderWalker(const fs::path& root, ImportListing& listing) : m_listing(listing) {
        std::error_code error;
        m_root = fs::weakly_canonical(root, error);
        if (error)
            m_root = fs::absolute(root, error);
        m_visited.insert(m_root.native());
    }

    // Claims a folder for scanning; false (and the folder named in skipped) when it was
    // scanned already or leads back to the root or above it.
    bool enter(const fs::path& dir) {
        std::error_code error;
        const fs::path canonical = fs::canonical(dir, error);
        if (error) {
            m_listing.skipped.push_back({toUtf8(dir), "folder cannot be resolved (" + error.message() + ")"});
            return false;
        }
        const bool isLink = fs::is_symlink(fs::symlink_status(dir, error));
        const std::string& c = canonical.native();
        const std::string& r = m_root.native();
        const bool ancestorOfRoot =
            r.size() > c.size() && r.compare(0, c.size(), c) == 0 && (c.back() == '/' || r[c.size()] == '/');
        if (ancestorOfRoot || c == r) {
            m_listing.skipped.push_back({toUtf8(dir), "symbolic link loop (leads back to " + toUtf8(canonical) +
                                                          ", which holds this folder); not followed"});
            return false;
        }
        if (!m_visited.insert(c).second) {
            m_listing.skipped.push_back(
                {toUtf8(dir), std::string(isLink ? "symbolic link loop or second link to " : "already scanned: ") +
                                  toUtf8(canonical) + "; scanned once only"});
            return false;
        }
        return true;
    }

    // The images under a class folder (and its subfolders), sorted by path.
    std::vector<std::string> images(const fs::path& classDir) {
        std::vector<std::string> files;
        collect(classDir, files, 0);
        std::sort(files.begin(), files.end());
        return files;
    }

private:
    void collect(const fs::path& dir, std::vector<std::string>& files, int depth) {
        for (const fs::path& entry : sortedEntries(dir, m_listing.skipped)) {
            const std::string name = nameOf(entry);
            std::error_code error;
            if (fs::is_directory(fs::status(entry, error))) {
                if (isHidden(name) || name == "__MACOSX") {
                    m_listing.skipped.push_back({toUtf8(entry), "hidden folder"});
                } else if (depth + 1 > kMaxDepth) {
                    m_listing.skipped.push_back({toUtf8(entry), "folder nested more than " + std::to_string(kMaxDepth) +
                                                                    " deep; not followed"});
                } else if (enter(entry)) {
                    collect(entry, files, depth + 1);
                }
                continue;
            }
            const std::string problem = fileProblem(entry);
            if (problem.empty())
                files.push_back(toUtf8(entry));
            else
                m_listing.skipped.push_back({toUtf8(entry), problem});
        }
    }

    ImportListing& m_listing;
    fs::path m_root;
    std::set<std::string> m_visited;
};

bool isDirectoryPath(const fs::path& path) {
    std::error_code error;
    return fs::is_directory(fs::status(path, error));
}

bool isClassFolder(const fs::path& entry) {
    const std::string name = nameOf(entry);
    return isDirectoryPath(entry) && !isHidden(name) && name != "__MACOSX";
}

bool hasClassFolder(const fs::path& dir) {
    std::vector<SkippedFile> ignored;
    for (const fs::path& entry : sortedEntries(dir, ignored))
        if (isClassFolder(entry))
            return true;
    return false;
}

// Class folders of one level (ROOT for ClassFolders, ROOT/train for SplitFolders): name -> images.
// Empty class folders are kept here (with no images) so the caller can note them.
std::map<std::string, std::vector<std::string>> scanClassLevel(const fs::path& dir, FolderWalker& walker,
                                                               ImportListing& listing, const std::string& strayReason) {
    std::map<std::string, std::vector<std::string>> classes;
    for (const fs::path& entry : sortedEntries(dir, listing.skipped)) {
        const std::string name = nameOf(entry);
        if (isHidden(name) || name == "__MACOSX") {
            listing.skipped.push_back({toUtf8(entry), isDirectoryPath(entry) ? "hidden folder" : "hidden file"});
        } else if (!isDirectoryPath(entry)) {
            const std::string problem = fileProblem(entry);
            listing.skipped.push_back({toUtf8(entry), problem.empty() ? strayReason : problem});
        } else if (walker.enter(entry)) {
            classes[name] = walker.images(entry);
        }
    }
    return classes;
}

void addClasses(ImportListing& listing, const std::vector<std::string>& names) {
    for (const std::string& name : names)
        listing.classes.push_back({name, glyphForFolderName(name)});
}

void noteEmptyClassFolders(ImportListing& listing, const std::vector<std::string>& empty) {
    if (!empty.empty())
        listing.notes.push_back(plural(empty.size(), "empty class folder", "empty class folders") +
                                " (no usable images), not taken as classes: " + nameList(empty));
}

void noteNoImages(ImportListing& listing, const std::string& root) {
    if (listing.imageCount() == 0)
        listing.notes.push_back(root + ": no usable images found (" + plural(listing.skipped.size(), "file", "files") +
                                " skipped)");
}

ImportListing scanClassFolders(const fs::path& root) {
    ImportListing listing;
    listing.layout = ImportLayout::ClassFolders;
    FolderWalker walker(root, listing);
    const auto found = scanClassLevel(root, walker, listing, "not in a class folder (images go in ROOT/CLASS/)");
    std::vector<std::string> names, empty;
    for (const auto& [name, files] : found)
        (files.empty() ? empty : names).push_back(name);
    addClasses(listing, names);
    for (std::size_t k = 0; k < names.size(); ++k)
        for (const std::string& file : found.at(names[k]))
            listing.pool.push_back({file, static_cast<std::int64_t>(k)});
    noteEmptyClassFolders(listing, empty);
    noteNoImages(listing, toUtf8(root));
    return listing;
}

// Notes, per split that exists, the classes without images in it (a class found only in test
// is still a class, so the class set is the same for every split).
void noteMissingPerSplit(ImportListing& listing, const std::map<Split, std::set<std::int64_t>>& present,
                         const std::vector<Split>& splits) {
    for (const Split split : splits) {
        std::vector<std::string> missing;
        const auto it = present.find(split);
        for (std::size_t k = 0; k < listing.classes.size(); ++k)
            if (it == present.end() || !it->second.count(static_cast<std::int64_t>(k)))
                missing.push_back(listing.classes[k].name);
        if (!missing.empty())
            listing.notes.push_back(plural(missing.size(), "class has", "classes have") + " no images in " +
                                    splitName(split) + ": " + nameList(missing));
    }
}

ImportListing scanSplitFolders(const fs::path& root) {
    ImportListing listing;
    listing.layout = ImportLayout::SplitFolders;
    FolderWalker walker(root, listing);

    std::map<Split, fs::path> splitDirs;
    for (const fs::path& entry : sortedEntries(root, listing.skipped)) {
        const std::string name = nameOf(entry);
        Split split;
        if (isHidden(name)) {
            listing.skipped.push_back({toUtf8(entry), isDirectoryPath(entry) ? "hidden folder" : "hidden file"});
        } else if (!isDirectoryPath(entry)) {
            listing.skipped.push_back({toUtf8(entry), "not in a split folder (images go in ROOT/train/CLASS/)"});
        } else if (!splitOf(name, split)) {
            listing.skipped.push_back({toUtf8(entry), "not a split folder (train, val, valid, validation, test)"});
        } else if (splitDirs.count(split)) {
            listing.skipped.push_back({toUtf8(entry), "a second " + std::string(splitName(split)) + " folder; " +
                                                          nameOf(splitDirs[split]) + "/ is used"});
        } else {
            splitDirs[split] = entry;
        }
    }

    std::map<Split, std::map<std::string, std::vector<std::string>>> found;
    std::set<std::string> withImages, folders;
    std::vector<Split> splits;
    for (const auto& [split, dir] : splitDirs) {
        if (!walker.enter(dir))
            continue;
        splits.push_back(split);
        found[split] = scanClassLevel(dir, walker, listing,
                                      "not in a class folder (images go in ROOT/" + nameOf(dir) + "/CLASS/)");
        for (const auto& [name, files] : found[split]) {
            folders.insert(name);
            if (!files.empty())
                withImages.insert(name);
        }
    }
    const std::vector<std::string> names(withImages.begin(), withImages.end());
    addClasses(listing, names);
    std::map<Split, std::set<std::int64_t>> present;
    for (std::size_t k = 0; k < names.size(); ++k)
        for (const Split split : splits) {
            const auto it = found[split].find(names[k]);
            if (it == found[split].end())
                continue;
            for (const std::string& file : it->second) {
                itemsOf(listing, split).push_back({file, static_cast<std::int64_t>(k)});
                present[split].insert(static_cast<std::int64_t>(k));
            }
        }
    std::vector<std::string> empty;
    for (const std::string& name : folders)
        if (!withImages.count(name))
            empty.push_back(name);
    noteEmptyClassFolders(listing, empty);
    noteMissingPerSplit(listing, present, splits);
    if (!splitDirs.count(Split::Validation))
        listing.notes.push_back("no validation folder (val/, valid/ or validation/)");
    if (!splitDirs.count(Split::Test))
        listing.notes.push_back("no test folder (test/)");
    noteNoImages(listing, toUtf8(root));
    return listing;
}

// --- list files ---------------------------------------------------------------------------------

struct ListLine {
    std::string path;  // resolved, UTF-8
    std::string label;
    int lineNumber = 0;
};

std::string trim(const std::string& text) {
    const std::size_t first = text.find_first_not_of(" \t");
    if (first == std::string::npos)
        return "";
    const std::size_t last = text.find_last_not_of(" \t");
    return text.substr(first, last - first + 1);
}

bool parseInteger(const std::string& text, std::int64_t& value, bool& overflow) {
    overflow = false;
    if (text.empty())
        return false;
    const char* first = text.data();
    const char* last = text.data() + text.size();
    const auto [end, error] = std::from_chars(first, last, value);
    if (end != last)
        return false;
    if (error == std::errc::result_out_of_range) {
        overflow = true;
        return true;
    }
    return error == std::errc();
}

// Splits "PATH LABEL", "\"PATH WITH SPACES\" LABEL" or "PATH<TAB>LABEL" (a label may be quoted
// too: "PATH \"class name\""); false with a reason for a line that is none of these.
bool splitListLine(const std::string& line, std::string& path, std::string& label, std::string& problem) {
    std::string rest;
    bool tabbed = false;
    if (line[0] == '"') {
        const std::size_t close = line.find('"', 1);
        if (close == std::string::npos) {
            problem = "the path's closing double quote is missing";
            return false;
        }
        path = line.substr(1, close - 1);
        rest = trim(line.substr(close + 1));
    } else if (const std::size_t tab = line.find('\t'); tab != std::string::npos) {
        tabbed = true;
        path = trim(line.substr(0, tab));
        rest = trim(line.substr(tab + 1));
        if (rest.find('\t') != std::string::npos) {
            problem = "more than two tab-separated fields (expected PATH<TAB>LABEL)";
            return false;
        }
    } else {
        const std::size_t space = line.find(' ');
        path = line.substr(0, space);
        rest = space == std::string::npos ? "" : trim(line.substr(space));
    }
    if (rest.size() >= 2 && rest.front() == '"' && rest.back() == '"') {
        rest = rest.substr(1, rest.size() - 2);
    } else if (!tabbed && rest.find_first_of(" \t") != std::string::npos) {
        problem = line[0] == '"' ? "more than one label after the path"
                                 : "more than two fields; put a path with spaces in double quotes or "
                                   "separate it from the label by a tab";
        return false;
    }
    if (path.empty()) {
        problem = "no path";
        return false;
    }
    if (rest.empty()) {
        problem = "no label after the path (expected PATH LABEL)";
        return false;
    }
    label = rest;
    return true;
}

// Reads one list file; lines that name no usable image are skipped with their line number.
std::vector<ListLine> readList(const fs::path& listFile, ImportListing& listing) {
    std::vector<ListLine> lines;
    const std::string listName = nameOf(listFile);
    std::ifstream in(listFile);
    if (!in) {
        listing.skipped.push_back({toUtf8(listFile), "list cannot be opened"});
        return lines;
    }
    const fs::path base = listFile.parent_path();
    std::string text;
    int number = 0;
    while (std::getline(in, text)) {
        ++number;
        if (number == 1 && text.compare(0, 3, "\xEF\xBB\xBF") == 0)  // UTF-8 byte order mark
            text.erase(0, 3);
        if (!text.empty() && text.back() == '\r')
            text.pop_back();
        const std::string line = trim(text);
        if (line.empty() || line[0] == '#')
            continue;
        const std::string where = listName + " line " + std::to_string(number) + ": ";
        std::string pathText, label, problem;
        if (!splitListLine(line, pathText, label, problem)) {
            listing.skipped.push_back({toUtf8(listFile), where + problem});
            continue;
        }
        fs::path path = toPath(pathText);
        if (path.is_relative())
            path = base / path;
        path = path.lexically_normal();
        problem = fileProblem(path);
        if (!problem.empty()) {
            listing.skipped.push_back({toUtf8(path), where + problem});
            continue;
        }
        lines.push_back({toUtf8(path), label, number});
    }
    return lines;
}

// classes.txt: one name per line, the n-th name is class n-1. Blank and # lines are not counted.
std::vector<std::string> readClassNames(const fs::path& file, ImportListing& listing) {
    std::vector<std::string> names;
    std::ifstream in(file);
    std::string text;
    int number = 0;
    bool uncounted = false;
    std::map<std::string, int> firstLine;
    while (std::getline(in, text)) {
        ++number;
        if (number == 1 && text.compare(0, 3, "\xEF\xBB\xBF") == 0)
            text.erase(0, 3);
        if (!text.empty() && text.back() == '\r')
            text.pop_back();
        const std::string name = trim(text);
        if (name.empty() || name[0] == '#') {
            uncounted = true;
            continue;
        }
        const auto [it, fresh] = firstLine.emplace(name, number);
        if (!fresh)
            listing.notes.push_back(nameOf(file) + ": " + quoted(name) + " is listed on lines " +
                                    std::to_string(it->second) + " and " + std::to_string(number) +
                                    "; labels by name mean the first");
        names.push_back(name);
    }
    if (uncounted)
        listing.notes.push_back(nameOf(file) + ": blank and # lines are not counted; the n-th name is class n-1");
    return names;
}

struct ListSource {
    fs::path file;
    std::vector<ImportItem>* items;
    std::vector<ListLine> lines;
    Split split;
};

ImportListing scanListFiles(const fs::path& rootOrList) {
    ImportListing listing;
    listing.layout = ImportLayout::ListFiles;

    fs::path dir = rootOrList;
    fs::path single;  // a list given by path that is not train/val/test: read as one pool
    if (!isDirectoryPath(rootOrList)) {
        dir = rootOrList.parent_path();
        if (dir.empty())
            dir = ".";
        Split split;
        const std::string stem = lower(toUtf8(rootOrList.stem()));
        if (!splitOf(stem, split) && stem != "classes")
            single = rootOrList;
    }

    std::vector<ListSource> sources;
    fs::path classesFile;
    std::map<Split, fs::path> found;
    for (const fs::path& entry : sortedEntries(dir, listing.skipped)) {
        const std::string name = lower(nameOf(entry));
        if (isDirectoryPath(entry) || extensionOf(name) != ".txt")
            continue;
        const std::string stem = name.substr(0, name.size() - 4);
        Split split;
        if (stem == "classes")
            classesFile = entry;
        else if (single.empty() && splitOf(stem, split)) {
            if (found.count(split))
                listing.notes.push_back(nameOf(entry) + " ignored: " + nameOf(found[split]) + " is the " +
                                        splitName(split) + " list");
            else
                found[split] = entry;
        }
    }
    if (!single.empty()) {
        sources.push_back({single, &listing.pool, {}, Split::Train});
        listing.notes.push_back(nameOf(single) + " is read as one pool of images, to be split later");
    } else {
        if (found.empty())
            throw Error(toUtf8(dir) +
                        ": has no train.txt, val.txt or test.txt list; write one line "
                        "\"PATH LABEL\" per image in train.txt");
        for (const auto& [split, file] : found)
            sources.push_back({file, &itemsOf(listing, split), {}, split});
    }

    for (ListSource& source : sources)
        source.lines = readList(source.file, listing);

    // Labels to class indices: classes.txt when there is one; else numbers as they are; else
    // the names, sorted, so the same lists always give the same indices.
    std::vector<std::string> names;
    const bool haveClassList = !classesFile.empty();
    bool allNumbers = true, someNumbers = false;
    if (haveClassList) {
        names = readClassNames(classesFile, listing);
    } else {
        std::set<std::string> labels;
        for (const ListSource& source : sources)
            for (const ListLine& line : source.lines) {
                std::int64_t value;
                bool overflow;
                const bool number = parseInteger(line.label, value, overflow);
                allNumbers = allNumbers && number;
                someNumbers = someNumbers || number;
                labels.insert(line.label);
            }
        if (!allNumbers) {
            names.assign(labels.begin(), labels.end());
            if (someNumbers)
                listing.notes.push_back(
                    "labels mix numbers and names and there is no classes.txt: "
                    "every label is taken as a class name");
        }
    }
    std::map<std::string, std::int64_t> indexOfName;
    for (std::size_t k = 0; k < names.size(); ++k)
        indexOfName.emplace(names[k], static_cast<std::int64_t>(k));

    const bool numbered = !haveClassList && allNumbers;
    std::int64_t maxLabel = -1;
    std::map<Split, std::set<std::int64_t>> present;
    std::map<std::string, std::set<int>> splitsOfPath;  // path -> which lists hold it
    std::size_t repeats = 0;
    for (ListSource& source : sources) {
        std::set<std::string> seen;
        for (const ListLine& line : source.lines) {
            const std::string where = nameOf(source.file) + " line " + std::to_string(line.lineNumber) + ": ";
            std::int64_t index = -1;
            bool overflow = false;
            const bool number = parseInteger(line.label, index, overflow);
            if (numbered || (haveClassList && number)) {
                const std::int64_t limit =
                    haveClassList ? static_cast<std::int64_t>(names.size()) : kMaxNumberedClasses;
                if (overflow || index < 0 || index >= limit) {
                    const std::string range =
                        haveClassList
                            ? "classes.txt lists " + plural(names.size(), "class", "classes") + ", numbered from 0"
                            : "labels count from 0, and without a classes.txt up to " +
                                  std::to_string(kMaxNumberedClasses - 1);
                    listing.skipped.push_back(
                        {line.path, where + "label " + line.label + " out of range (" + range + ")"});
                    continue;
                }
            } else {
                const auto it = indexOfName.find(line.label);
                if (it == indexOfName.end()) {
                    listing.skipped.push_back(
                        {line.path, where + "unknown class " + quoted(line.label) + " (not in classes.txt)"});
                    continue;
                }
                index = it->second;
            }
            maxLabel = std::max(maxLabel, index);
            source.items->push_back({line.path, index});
            present[source.split].insert(index);
            splitsOfPath[line.path].insert(static_cast<int>(source.split));
            if (!seen.insert(line.path).second)
                ++repeats;
        }
    }
    if (numbered)
        for (std::int64_t k = 0; k <= maxLabel; ++k)
            names.push_back(std::to_string(k));
    addClasses(listing, names);

    if (repeats)
        listing.notes.push_back(plural(repeats, "image is", "images are") + " listed more than once in the same list");
    std::vector<std::string> shared;
    for (const auto& [path, lists] : splitsOfPath)
        if (lists.size() > 1)
            shared.push_back(path);
    if (!shared.empty())
        listing.notes.push_back(plural(shared.size(), "image is", "images are") +
                                " in more than one split (test scores will be too good): " + nameList(shared));
    if (single.empty()) {
        std::vector<Split> splits;
        for (const auto& [split, file] : found)
            splits.push_back(split);
        noteMissingPerSplit(listing, present, splits);
        if (!found.count(Split::Train))
            listing.notes.push_back("no train.txt list");
    } else {
        std::vector<std::string> unused;
        for (std::size_t k = 0; k < listing.classes.size(); ++k)
            if (!present[Split::Train].count(static_cast<std::int64_t>(k)))
                unused.push_back(listing.classes[k].name);
        if (!unused.empty())
            listing.notes.push_back(plural(unused.size(), "class has", "classes have") +
                                    " no images: " + nameList(unused));
    }
    noteNoImages(listing, toUtf8(rootOrList));
    return listing;
}

// The one folder a root holds when it holds nothing else visible and that folder holds only
// folders (ROOT/kkanji2/U+4E00/...); empty otherwise. A single class could not be trained, so
// reading the folders inside as the classes is never a loss.
fs::path soleWrapperFolder(const fs::path& root) {
    std::vector<SkippedFile> ignored;
    std::vector<fs::path> visible;
    for (const fs::path& entry : sortedEntries(root, ignored))
        if (!isHidden(nameOf(entry)) && nameOf(entry) != "__MACOSX")
            visible.push_back(entry);
    if (visible.size() != 1 || !isClassFolder(visible.front()))
        return {};
    bool anyFolder = false;
    for (const fs::path& entry : sortedEntries(visible.front(), ignored)) {
        if (isHidden(nameOf(entry)))
            continue;
        if (!isDirectoryPath(entry))
            return {};
        anyFolder = true;
    }
    return anyFolder ? visible.front() : fs::path();
}

void checkRootExists(const std::string& root) {
    std::error_code error;
    if (!fs::exists(fs::status(toPath(root), error)))
        throw Error(root + ": no such folder");
}

}  // namespace

std::string glyphForFolderName(const std::string& name) {
    if (name.size() < 6 || name.size() > 8 || (name[0] != 'U' && name[0] != 'u') || name[1] != '+')
        return "";
    std::uint32_t code = 0;
    for (std::size_t i = 2; i < name.size(); ++i) {
        const char c = name[i];
        int digit;
        if (c >= '0' && c <= '9')
            digit = c - '0';
        else if (c >= 'a' && c <= 'f')
            digit = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F')
            digit = c - 'A' + 10;
        else
            return "";
        code = code * 16 + static_cast<std::uint32_t>(digit);
    }
    if (code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF))
        return "";
    std::string out;
    if (code < 0x80) {
        out += static_cast<char>(code);
    } else if (code < 0x800) {
        out += static_cast<char>(0xC0 | (code >> 6));
        out += static_cast<char>(0x80 | (code & 0x3F));
    } else if (code < 0x10000) {
        out += static_cast<char>(0xE0 | (code >> 12));
        out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (code & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (code >> 18));
        out += static_cast<char>(0x80 | ((code >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (code & 0x3F));
    }
    return out;
}

bool hasImageExtension(const std::string& path) {
    static const std::set<std::string> kExtensions = {".png", ".jpg", ".jpeg", ".jpe",  ".jfif",
                                                      ".bmp", ".dib", ".tif",  ".tiff", ".webp",
                                                      ".pbm", ".pgm", ".ppm",  ".pnm",  ".jp2"};
    return kExtensions.count(extensionOf(path)) > 0;
}

ImportLayout detectLayout(const std::string& root) {
    const fs::path path = toPath(root);
    std::error_code error;
    const fs::file_status status = fs::status(path, error);
    if (!fs::exists(status))
        throw Error(root + ": no such folder");
    if (!fs::is_directory(status)) {
        if (extensionOf(root) == ".txt")
            return ImportLayout::ListFiles;
        if (isTarArchive(root))
            return ImportLayout::ClassFolders;
        throw Error(root +
                    ": is a file; choose the folder that holds one folder of images per class "
                    "(or a list file, or a .tar of class folders)");
    }
    std::vector<SkippedFile> ignored;
    const std::vector<fs::path> entries = sortedEntries(path, ignored);
    if (!ignored.empty())
        throw Error(root + ": the folder cannot be read (" + ignored.front().reason + ")");
    bool anyVisible = false, trainDir = false, otherSplitDir = false, classDir = false;
    for (const fs::path& entry : entries) {
        const std::string name = nameOf(entry);
        if (isHidden(name))
            continue;
        anyVisible = true;
        if (!isDirectoryPath(entry)) {
            if (lower(name) == "train.txt")
                return ImportLayout::ListFiles;
            continue;
        }
        if (!isClassFolder(entry))
            continue;
        classDir = true;
        Split split;
        if (splitOf(name, split) && hasClassFolder(entry))
            (split == Split::Train ? trainDir : otherSplitDir) = true;
    }
    if (!anyVisible)
        throw Error(root +
                    ": the folder is empty; put the images of each class in a folder of its own "
                    "(ROOT/CLASS/image.png)");
    if (trainDir && otherSplitDir)
        return ImportLayout::SplitFolders;
    if (!classDir)
        throw Error(root +
                    ": has no class folders; put the images of each class in a folder of its own "
                    "(ROOT/CLASS/image.png)");
    return ImportLayout::ClassFolders;
}

ImportListing scanImport(const std::string& root, ImportLayout layout) {
    checkRootExists(root);
    const fs::path path = toPath(root);
    if (layout == ImportLayout::ClassFolders && !isDirectoryPath(path) && isTarArchive(root))
        return scanTarClassFolders(root);
    if (layout != ImportLayout::ListFiles && !isDirectoryPath(path))
        throw Error(root + ": is a file, not a folder of class folders");
    switch (layout) {
        case ImportLayout::SplitFolders:
            return scanSplitFolders(path);
        case ImportLayout::ListFiles:
            return scanListFiles(path);
        default: {
            // An unpacked archive often keeps its one top folder (kkanji2/): read from inside it.
            const fs::path inner = soleWrapperFolder(path);
            if (inner.empty())
                return scanClassFolders(path);
            ImportListing listing = scanClassFolders(inner);
            listing.wrapper = nameOf(inner);
            listing.notes.insert(listing.notes.begin(),
                                 "the class folders were read from " + nameOf(inner) + "/, the one folder in " + root);
            return listing;
        }
    }
}

}  // namespace kanalab
