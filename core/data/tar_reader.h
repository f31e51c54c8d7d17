// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace kanalab {

class ByteStream;

// Reads tar archives front to back without holding them: CIFAR-10 ships as a 170 MB .tar.gz and
// Kuzushiji-Kanji as a 310 MB .tar of 140,000 small PNGs. Understands POSIX ustar (with the name
// prefix), old GNU and v7 headers, GNU long names ('L', 'K') and pax extended headers ('x', 'g':
// path, linkpath, size, mtime). Every path a caller sees is relative and free of '..': an archive
// holding anything else is refused as a whole, so no caller can be led to write outside a folder.

// Entry types, as in the header's typeflag. Regular files are always reported as kTarRegular
// (the old '\0' and the contiguous '7' included), v7 folders ('\0' with a trailing '/') as
// kTarDirectory.
constexpr char kTarRegular = '0';
constexpr char kTarHardLink = '1';
constexpr char kTarSymlink = '2';
constexpr char kTarDirectory = '5';

// More than any dataset file; a header asking for more is corrupt or hostile.
constexpr std::uint64_t kTarMaxEntryBytes = std::uint64_t(4) << 30;
// GNU long names and pax headers are read into memory: a few bytes in practice.
constexpr std::uint64_t kTarMaxMetadataBytes = std::uint64_t(1) << 20;

struct TarEntry {
    std::string path;  // normalised: relative, '/'-separated, no '.', '..' or empty parts
    char type = kTarRegular;
    std::uint64_t size = 0;  // bytes of content; 0 for every type that carries none
    std::int64_t mtime = 0;  // seconds since 1970
    std::string linkTarget;  // for hard and symbolic links, as stored (not checked)

    bool isRegular() const { return type == kTarRegular; }
    bool isDirectory() const { return type == kTarDirectory; }
};

// The content of the entry being visited, valid during the visit only. What the visitor leaves
// unread is skipped (and still checked for truncation) when it returns.
class TarContents {
public:
    virtual ~TarContents() = default;
    // Copies up to count bytes into out; fewer only at the end of the entry. Throws
    // kanalab::Error naming the archive and the entry when the archive ends first.
    virtual std::size_t read(std::uint8_t* out, std::size_t count) = 0;
    // The rest of the entry (all of it when nothing was read yet).
    virtual std::vector<std::uint8_t> readAll() = 0;
    virtual std::uint64_t remaining() const = 0;
};

using TarVisitor = std::function<void(const TarEntry& entry, TarContents& contents)>;

// Calls visit for every entry in archive order and returns how many there were (the metadata
// entries 'L', 'K', 'x', 'g' and the archive's own root "./" are consumed, not reported). Throws
// kanalab::Error naming the archive (stream.displayName()) and the entry for a bad header
// checksum, a size that is neither octal nor base-256 or is over kTarMaxEntryBytes, an absolute
// path or one with '..', a malformed long name or pax header, a GNU sparse file, truncation
// anywhere, an archive without its end-of-archive marker, and a corrupt gzip stream (checked to
// the end, and blamed first when the inflated bytes were what failed). Exceptions from visit
// pass through.
std::size_t forEachTarEntry(ByteStream& stream, const TarVisitor& visit);

// Opens a .tar or .tar.gz (told apart by the gzip magic, not the name) as a stream that reads
// the file a piece at a time, unlike ByteStream::openFile, which reads it whole into memory.
// Errors name the file as ByteStream's do ("corrupt gzip stream: ...").
std::unique_ptr<ByteStream> openArchiveStream(const std::string& path);

struct TarProgress {
    std::uint64_t archiveBytesRead = 0;   // of the file on disk (compressed bytes for .tar.gz)
    std::uint64_t archiveBytesTotal = 0;  // its size
    std::uint64_t filesWritten = 0;
    std::uint64_t bytesWritten = 0;
};

struct TarExtractOptions {
    // Which entries to write (regular files and folders only); empty: all of them.
    std::function<bool(const TarEntry&)> filter;
    // Called after each entry; the caller throttles if it must.
    std::function<void(const TarProgress&)> progress;
    // Checked before each entry and every MiB written; when set, throws kanalab::Cancelled.
    const std::atomic<bool>* cancel = nullptr;
};

struct TarExtractResult {
    std::uint64_t files = 0;
    std::uint64_t folders = 0;  // created, including those only implied by file paths
    std::uint64_t bytes = 0;
    std::uint64_t skipped = 0;  // links, devices and other entries that are never written
};

// Writes the archive's regular files and folders under targetFolder (created when missing).
// Links are never created and no path component that is a symbolic link is followed, so nothing
// lands outside targetFolder. Files are written with mode 0644 and folders 0755 whatever the
// archive says; a file already there under an entry's name is replaced. On any error or cancel,
// the files and folders this call created are removed before the exception leaves (a crash can
// still leave a partial tree: extract into a staging folder and rename it when that matters).
TarExtractResult extractTar(const std::string& archivePath, const std::string& targetFolder,
                            const TarExtractOptions& options = {});

}  // namespace kanalab
