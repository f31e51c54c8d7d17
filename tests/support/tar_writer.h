// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace kanalab::test {

// Builds tar archives in memory, so tests can make dataset archives (and damaged ones) without
// shipping any: the header layout of POSIX ustar, old GNU and v7, GNU long names and pax
// extended headers. Paths are stored as given, "../evil" included.
enum class TarFormat {
    Ustar,  // magic "ustar\0" version "00", with the 155-byte name prefix
    Gnu,    // magic "ustar  \0" (what GNU tar writes by default)
    V7,     // no magic; regular files typed '\0', folders marked by a trailing '/'
};

// How a path longer than the 100-byte name field is stored.
enum class TarLongNames {
    Prefix,  // ustar's prefix field when the path splits at a '/', else a pax header
    Gnu,     // a '././@LongLink' entry of type 'L' before the header
    Pax,     // a pax 'x' header with a path record before the header
};

using PaxRecordList = std::vector<std::pair<std::string, std::string>>;

struct TarEntrySpec {
    std::string path;
    std::vector<std::uint8_t> contents;
    char type = '0';
    std::string linkTarget;
    std::int64_t mtime = 1700000000;
    bool base256Size = false;  // GNU base-256 size field even where octal would do
    PaxRecordList pax;         // records of a pax 'x' header written just before the entry
};

class TarWriter {
public:
    explicit TarWriter(TarFormat format = TarFormat::Ustar, TarLongNames longNames = TarLongNames::Prefix);

    // Returns the byte offset of the entry's own header (after any long-name or pax header),
    // for tests that damage it.
    std::size_t add(const TarEntrySpec& entry);
    std::size_t addFile(const std::string& path, const std::vector<std::uint8_t>& contents);
    std::size_t addText(const std::string& path, const std::string& text);
    std::size_t addDirectory(const std::string& path);
    // A pax 'g' header: its records apply to every entry after it.
    std::size_t addGlobalPax(const PaxRecordList& records);

    // The archive with its end-of-archive marker (two zero blocks), zero-padded to a multiple
    // of recordSize as tar(1) does (0: no padding).
    std::vector<std::uint8_t> finish(std::size_t recordSize = 10240) const;
    // The entries written so far, without the marker: an archive cut at an entry boundary.
    const std::vector<std::uint8_t>& bytesSoFar() const { return m_bytes; }

private:
    std::size_t writeHeader(const std::string& name, char type, std::uint64_t size, std::int64_t mtime,
                            const std::string& linkTarget, const std::string& prefix, bool base256Size);
    void writeData(const std::vector<std::uint8_t>& data);
    void writePax(char type, const PaxRecordList& records, const std::string& forPath);

    TarFormat m_format;
    TarLongNames m_longNames;
    std::vector<std::uint8_t> m_bytes;
};

// Header fields, for tests that damage one.
constexpr std::size_t kTarBlock = 512;
constexpr std::size_t kTarNameField = 0, kTarNameLength = 100;
constexpr std::size_t kTarSizeField = 124, kTarSizeLength = 12;
constexpr std::size_t kTarChecksumField = 148;
constexpr std::size_t kTarTypeField = 156;

// Overwrites a header field with value (NUL-padded, truncated to the field) and, unless told
// not to, recomputes the header's checksum so the field is the only thing wrong.
void setTarField(std::vector<std::uint8_t>& archive, std::size_t headerOffset, std::size_t fieldOffset,
                 std::size_t fieldLength, const std::string& value, bool fixChecksum = true);
void fixTarChecksum(std::vector<std::uint8_t>& archive, std::size_t headerOffset);

// "LENGTH key=value\n", LENGTH counting itself.
std::string paxRecord(const std::string& key, const std::string& value);

}  // namespace kanalab::test
