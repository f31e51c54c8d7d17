// SPDX-License-Identifier: GPL-3.0-or-later
// A tar of class folders as an import listing (data/folder_scan.h): Kuzushiji-Kanji ships as
// kkanji.tar, 140,000 PNGs in kkanji2/U+XXXX/ folders, and unpacking it only to read it back
// would double its 310 MB on disk. The listing reads the archive once and decodes nothing; the
// import reads it a second time for the pixels (data/import.cpp).
#include "data/folder_scan.h"

#include "common/error.h"
#include "data/byte_stream.h"
#include "data/tar_reader.h"

#include <algorithm>
#include <fstream>
#include <map>
#include <set>

namespace kanalab {
namespace {

// Signature (8), IHDR length and type (8), width, height, bit depth, colour type.
constexpr std::size_t kPngHeaderBytes = 26;
constexpr std::uint8_t kPngSignature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
constexpr std::size_t kNamesInNote = 8;

struct Member {
    std::string path;
    std::vector<std::string> parts;
    int rows = 0;
    int cols = 0;
    bool gray = false;  // the PNG header's colour type is gray or gray with alpha
};

std::vector<std::string> splitPath(const std::string& path) {
    std::vector<std::string> parts;
    std::size_t start = 0;
    while (start <= path.size()) {
        const std::size_t slash = path.find('/', start);
        const std::string part = path.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
        if (!part.empty())
            parts.push_back(part);
        if (slash == std::string::npos)
            break;
        start = slash + 1;
    }
    return parts;
}

std::string lowerExtension(const std::string& path) {
    const std::size_t slash = path.find_last_of('/');
    const std::size_t dot = path.find_last_of('.');
    if (dot == std::string::npos || (slash != std::string::npos && dot < slash))
        return "";
    std::string ext = path.substr(dot);
    for (char& c : ext)
        if (c >= 'A' && c <= 'Z')
            c = static_cast<char>(c - 'A' + 'a');
    return ext;
}

bool endsWith(const std::string& text, const std::string& suffix) {
    return text.size() >= suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// A part macOS or a dot-file convention hides: such members are never images of the dataset.
bool isHiddenPart(const std::string& part) {
    return part.empty() || part[0] == '.' || part == "__MACOSX";
}

std::uint32_t bigEndian32(const std::uint8_t* p) {
    return std::uint32_t(p[0]) << 24 | std::uint32_t(p[1]) << 16 | std::uint32_t(p[2]) << 8 | std::uint32_t(p[3]);
}

// Why the member cannot be an image, or empty; for a PNG, reads its size from the header.
std::string memberProblem(const TarEntry& entry, TarContents& contents, Member& member) {
    const std::string ext = lowerExtension(entry.path);
    if (!hasImageExtension(entry.path))
        return ext.empty() ? "not an image file (no extension)" : "not an image file (" + ext + ")";
    if (entry.size == 0)
        return "empty file";
    if (ext != ".png")
        return "";  // JPEG, BMP, ...: OpenCV decides when it decodes them
    std::uint8_t header[kPngHeaderBytes];
    const std::size_t got = contents.read(header, sizeof header);
    if (got < sizeof header || !std::equal(kPngSignature, kPngSignature + 8, header) ||
        std::string(reinterpret_cast<const char*>(header + 12), 4) != "IHDR")
        return "not a PNG image (named .png, but its bytes are not a PNG's)";
    const std::uint32_t width = bigEndian32(header + 16);
    const std::uint32_t height = bigEndian32(header + 20);
    if (width == 0 || height == 0 || width > 65535 || height > 65535)
        return "damaged PNG header (" + std::to_string(width) + "x" + std::to_string(height) + " pixels)";
    member.rows = static_cast<int>(height);
    member.cols = static_cast<int>(width);
    member.gray = header[25] == 0 || header[25] == 4;
    return "";
}

std::string nameList(const std::vector<std::string>& names) {
    std::string out;
    for (std::size_t i = 0; i < names.size() && i < kNamesInNote; ++i)
        out += (i ? ", " : "") + ("'" + names[i] + "'");
    if (names.size() > kNamesInNote)
        out += " and " + std::to_string(names.size() - kNamesInNote) + " more";
    return out;
}

}  // namespace

bool isTarArchive(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    char header[512] = {};
    in.read(header, sizeof header);
    if (in.gcount() == 512 && std::string(header + 257, 5) == "ustar")
        return true;
    std::string lower = path;
    for (char& c : lower)
        if (c >= 'A' && c <= 'Z')
            c = static_cast<char>(c - 'A' + 'a');
    return in.gcount() > 0 && (endsWith(lower, ".tar") || endsWith(lower, ".tar.gz") || endsWith(lower, ".tgz"));
}

ImportListing scanTarClassFolders(const std::string& path, const std::atomic<bool>* cancel) {
    const std::unique_ptr<ByteStream> stream = openArchiveStream(path);
    return scanTarClassFolders(*stream, path, cancel);
}

ImportListing scanTarClassFolders(ByteStream& stream, const std::string& archiveName, const std::atomic<bool>* cancel) {
    ImportListing listing;
    listing.layout = ImportLayout::ClassFolders;
    listing.archive = archiveName;
    const auto where = [&](const std::string& member) { return archiveName + "/" + member; };

    std::vector<Member> members;
    std::vector<std::vector<std::string>> folders;  // folder entries, split into parts
    std::set<std::string> seen;
    forEachTarEntry(stream, [&](const TarEntry& entry, TarContents& contents) {
        if (cancel && cancel->load())
            throw Cancelled();
        std::vector<std::string> parts = splitPath(entry.path);
        if (std::any_of(parts.begin(), parts.end(), isHiddenPart)) {
            listing.skipped.push_back({where(entry.path), entry.isDirectory() ? "hidden folder" : "hidden file"});
            return;
        }
        if (entry.isDirectory()) {
            folders.push_back(std::move(parts));
            return;
        }
        if (!entry.isRegular()) {
            listing.skipped.push_back({where(entry.path), "not a regular file (a link or device); not read"});
            return;
        }
        if (!seen.insert(entry.path).second) {
            listing.skipped.push_back({where(entry.path), "in the archive twice; the first copy is used"});
            return;
        }
        Member member;
        const std::string problem = memberProblem(entry, contents, member);
        if (!problem.empty()) {
            listing.skipped.push_back({where(entry.path), problem});
            return;
        }
        member.path = entry.path;
        member.parts = std::move(parts);
        members.push_back(std::move(member));
    });

    // One top folder holding every image two levels down (kkanji2/U+4E00/1.png) is a wrapper:
    // the class folders are inside it.
    std::size_t depth = 0;  // parts before the class folder's name
    if (!members.empty()) {
        const std::string& top = members.front().parts.front();
        const bool wrapped = std::all_of(members.begin(), members.end(), [&](const Member& m) {
            return m.parts.size() >= 3 && m.parts.front() == top;
        });
        if (wrapped) {
            depth = 1;
            listing.wrapper = top;
        }
    }

    std::map<std::string, std::vector<const Member*>> classes;
    listing.allGray = !members.empty();
    for (const Member& member : members) {
        if (member.parts.size() < depth + 2) {
            listing.skipped.push_back({where(member.path), "not in a class folder (images go in CLASS/ folders)"});
            continue;
        }
        classes[member.parts[depth]].push_back(&member);
        listing.allGray = listing.allGray && member.gray;
    }
    std::vector<std::string> empty;
    for (const auto& parts : folders)
        if (parts.size() == depth + 1 && (depth == 0 || parts.front() == listing.wrapper) &&
            !classes.count(parts[depth]))
            empty.push_back(parts[depth]);
    std::sort(empty.begin(), empty.end());
    empty.erase(std::unique(empty.begin(), empty.end()), empty.end());

    for (auto& [name, files] : classes) {
        const auto index = static_cast<std::int64_t>(listing.classes.size());
        listing.classes.push_back({name, glyphForFolderName(name)});
        std::sort(files.begin(), files.end(), [](const Member* a, const Member* b) { return a->path < b->path; });
        for (const Member* m : files)
            listing.pool.push_back({m->path, index, m->rows, m->cols});
    }
    if (!listing.wrapper.empty())
        listing.notes.push_back("the class folders were read from " + listing.wrapper + "/, the one folder in " +
                                fileNameOf(archiveName));
    if (!empty.empty())
        listing.notes.push_back(std::to_string(empty.size()) +
                                (empty.size() == 1 ? " empty class folder" : " empty class folders") +
                                " (no usable images), not taken as classes: " + nameList(empty));
    if (listing.pool.empty())
        listing.notes.push_back(archiveName + ": no usable images found (" + std::to_string(listing.skipped.size()) +
                                (listing.skipped.size() == 1 ? " file" : " files") + " skipped)");
    return listing;
}

}  // namespace kanalab
