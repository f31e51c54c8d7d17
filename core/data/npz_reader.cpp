// SPDX-License-Identifier: GPL-3.0-or-later
#include "data/npz_reader.h"

#include "common/error.h"
#include "common/format.h"
#include "data/byte_stream.h"

#include <zlib.h>

#include <algorithm>
#include <cctype>
#include <climits>
#include <cstring>
#include <limits>
#include <utility>

namespace kanalab {
namespace {

using Bytes = std::vector<std::uint8_t>;

// Zip record signatures and sizes (APPNOTE.TXT 4.3).
constexpr std::uint32_t kLocalHeaderSignature = 0x04034b50;
constexpr std::uint32_t kCentralHeaderSignature = 0x02014b50;
constexpr std::uint32_t kEndSignature = 0x06054b50;
constexpr std::uint32_t kZip64EndSignature = 0x06064b50;
constexpr std::uint32_t kZip64LocatorSignature = 0x07064b50;
constexpr std::size_t kLocalHeaderBytes = 30;
constexpr std::size_t kCentralHeaderBytes = 46;
constexpr std::size_t kEndBytes = 22;
constexpr std::size_t kZip64EndBytes = 56;
constexpr std::size_t kZip64LocatorBytes = 20;
constexpr std::size_t kMaxCommentBytes = 0xFFFF;
constexpr std::uint16_t kZip64ExtraId = 0x0001;
constexpr std::uint32_t kSaturated32 = 0xFFFFFFFF;
constexpr std::uint16_t kSaturated16 = 0xFFFF;
constexpr std::uint16_t kFlagEncrypted = 0x0001;
constexpr std::uint16_t kFlagDataDescriptor = 0x0008;
constexpr std::uint16_t kFlagStrongEncryption = 0x0040;
constexpr std::uint16_t kMethodStored = 0;
constexpr std::uint16_t kMethodDeflate = 8;

constexpr char kNpyMagic[] = "\x93NUMPY";
constexpr std::size_t kNpyMagicBytes = 6;
// Python literals in a .npy header are never deep; the cap keeps "((((((..." off the stack.
constexpr int kMaxLiteralDepth = 32;

std::uint16_t le16(const std::uint8_t* p) {
    return static_cast<std::uint16_t>(p[0] | (p[1] << 8));
}
std::uint32_t le32(const std::uint8_t* p) {
    return std::uint32_t(p[0]) | (std::uint32_t(p[1]) << 8) | (std::uint32_t(p[2]) << 16) | (std::uint32_t(p[3]) << 24);
}
std::uint64_t le64(const std::uint8_t* p) {
    return std::uint64_t(le32(p)) | (std::uint64_t(le32(p + 4)) << 32);
}

bool startsWith(const std::uint8_t* data, std::size_t size, const char* prefix, std::size_t length) {
    return size >= length && std::memcmp(data, prefix, length) == 0;
}

bool endsWith(const std::string& text, const std::string& suffix) {
    return text.size() >= suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Member names come from the file: keep control characters and runaway lengths out of messages.
std::string printable(const std::string& name) {
    std::string out;
    for (const char c : name.substr(0, 120))
        out += (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) ? '?' : c;
    if (name.size() > 120)
        out += "...";
    return out.empty() ? "(unnamed member)" : out;
}

// "arr_0.npy, arr_1.npy and 3 more"
std::string listNames(const std::vector<std::string>& names) {
    constexpr std::size_t kShown = 6;
    std::string out;
    for (std::size_t i = 0; i < names.size() && i < kShown; ++i)
        out += (i ? ", " : "") + printable(names[i]);
    if (names.size() > kShown)
        out += " and " + std::to_string(names.size() - kShown) + " more";
    return out;
}

// "1 byte", "7,840,000 bytes", "2 entries"
std::string countOf(std::uint64_t value, const std::string& unit) {
    std::string plural = unit + "s";
    if (endsWith(unit, "y"))
        plural = unit.substr(0, unit.size() - 1) + "ies";
    return formatCount(static_cast<std::int64_t>(std::min<std::uint64_t>(value, INT64_MAX))) + " " +
           (value == 1 ? unit : plural);
}

std::uint32_t crcOf(const std::uint8_t* data, std::size_t size) {
    uLong crc = crc32(0L, Z_NULL, 0);
    while (size > 0) {
        const auto chunk = static_cast<uInt>(std::min<std::size_t>(size, std::size_t(1) << 30));
        crc = crc32(crc, data, chunk);
        data += chunk;
        size -= chunk;
    }
    return static_cast<std::uint32_t>(crc);
}

const char* methodName(std::uint16_t method) {
    switch (method) {
        case 1:
            return "shrink";
        case 6:
            return "implode";
        case 9:
            return "deflate64";
        case 12:
            return "bzip2";
        case 14:
            return "LZMA";
        case 93:
            return "Zstandard";
        case 95:
            return "xz";
        case 98:
            return "PPMd";
        case 99:
            return "AES encryption";
        default:
            return "unknown";
    }
}

// ---------------------------------------------------------------------------------------------
// Zip

struct ZipEntry {
    std::string name;
    std::uint16_t flags = 0;
    std::uint16_t method = 0;
    std::uint32_t crc = 0;
    std::uint64_t compressedSize = 0;
    std::uint64_t uncompressedSize = 0;
    std::uint64_t localOffset = 0;
};

// The 8-byte values of a ZIP64 extra field (id 0x0001) among a header's extra fields, or
// nothing when there is none. Malformed extra blocks are an error: they mean a damaged header.
bool zip64Values(const std::uint8_t* extra, std::size_t length, std::vector<std::uint64_t>& values, bool& tooShort) {
    std::size_t at = 0;
    tooShort = false;
    while (at + 4 <= length) {
        const std::uint16_t id = le16(extra + at);
        const std::uint16_t blockBytes = le16(extra + at + 2);
        at += 4;
        if (blockBytes > length - at) {
            tooShort = id == kZip64ExtraId;
            return id == kZip64ExtraId;
        }
        if (id == kZip64ExtraId) {
            values.clear();
            for (std::size_t i = 0; i + 8 <= blockBytes; i += 8)
                values.push_back(le64(extra + at + i));
            return true;
        }
        at += blockBytes;
    }
    return false;
}

class ZipArchive {
public:
    ZipArchive(const std::uint8_t* data, std::size_t size, const std::string& displayName)
        : m_data(data), m_size(size), m_name(displayName) {
        readDirectory();
    }

    const std::vector<ZipEntry>& entries() const { return m_entries; }
    Bytes extract(const ZipEntry& entry) const;

private:
    bool fits(std::uint64_t offset, std::uint64_t length) const {
        return offset <= m_size && length <= m_size - offset;
    }
    [[noreturn]] void notAnArchive() const;
    std::size_t findEndRecord() const;
    void readDirectory();
    std::string member(const ZipEntry& entry) const { return m_name + ": " + printable(entry.name); }

    const std::uint8_t* m_data;
    std::size_t m_size;
    std::string m_name;
    std::vector<ZipEntry> m_entries;
};

void ZipArchive::notAnArchive() const {
    const std::string& name = m_name;
    if (m_size == 0)
        throw Error(name + ": file is empty (expected a .npz archive)");
    if (startsWith(m_data, m_size, kNpyMagic, kNpyMagicBytes))
        throw Error(name + ": is a single .npy array, not a .npz (zip) archive");
    if (m_size >= 2 && m_data[0] == 0x1f && m_data[1] == 0x8b)
        throw Error(name + ": not a .npz archive: it is gzip-compressed (an IDX .gz file?), not a zip archive");
    if (m_size >= 4 && m_data[0] == 0 && m_data[1] == 0 && m_data[2] == 0x08 && (m_data[3] == 1 || m_data[3] == 3))
        throw Error(name + ": not a .npz archive: it is an IDX file, not a zip archive");
    if (m_size >= 4 && le32(m_data) == kLocalHeaderSignature)
        throw Error(name +
                    ": truncated: the zip archive's directory at its end is missing (the file is incomplete; "
                    "download it again)");
    throw Error(name + ": not a .npz archive: it is not a zip file (no end-of-archive record in its last 64 KiB)");
}

// The end-of-central-directory record sits in the last 22 bytes plus up to a 64 KiB comment.
// One whose comment length reaches exactly the end of the file is preferred: a comment may itself
// hold the signature bytes.
std::size_t ZipArchive::findEndRecord() const {
    if (m_size < kEndBytes)
        notAnArchive();
    const std::size_t lowest = m_size > kEndBytes + kMaxCommentBytes ? m_size - kEndBytes - kMaxCommentBytes : 0;
    for (const bool exact : {true, false}) {
        for (std::size_t pos = m_size - kEndBytes + 1; pos-- > lowest;) {
            if (le32(m_data + pos) != kEndSignature)
                continue;
            const std::size_t end = pos + kEndBytes + le16(m_data + pos + 20);
            if (exact ? end == m_size : end <= m_size)
                return pos;
        }
    }
    notAnArchive();
}

void ZipArchive::readDirectory() {
    const std::size_t endPos = findEndRecord();
    const std::uint8_t* end = m_data + endPos;
    std::uint64_t disk = le16(end + 4);
    std::uint64_t directoryDisk = le16(end + 6);
    std::uint64_t entriesHere = le16(end + 8);
    std::uint64_t entryCount = le16(end + 10);
    std::uint64_t directoryBytes = le32(end + 12);
    std::uint64_t directoryOffset = le32(end + 16);
    std::uint64_t directoryLimit = endPos;  // the directory must end before this

    if (endPos >= kZip64LocatorBytes && le32(end - kZip64LocatorBytes) == kZip64LocatorSignature) {
        const std::uint8_t* locator = end - kZip64LocatorBytes;
        const std::uint64_t recordOffset = le64(locator + 8);
        if (recordOffset > endPos - kZip64LocatorBytes || endPos - kZip64LocatorBytes - recordOffset < kZip64EndBytes)
            throw Error(m_name +
                        ": the ZIP64 end record lies outside the file (the file is truncated or damaged; "
                        "download it again)");
        const std::uint8_t* record = m_data + recordOffset;
        if (le32(record) != kZip64EndSignature)
            throw Error(m_name +
                        ": the ZIP64 end record is missing where the archive says it is (the file is "
                        "damaged; download it again)");
        disk = le32(record + 16);
        directoryDisk = le32(record + 20);
        entriesHere = le64(record + 24);
        entryCount = le64(record + 32);
        directoryBytes = le64(record + 40);
        directoryOffset = le64(record + 48);
        directoryLimit = recordOffset;
    } else if (directoryBytes == kSaturated32 || directoryOffset == kSaturated32) {
        throw Error(m_name +
                    ": the zip end record points to a ZIP64 record that is not there (the file is damaged; "
                    "download it again)");
    }

    if (disk != 0 || directoryDisk != 0 || entriesHere != entryCount)
        throw Error(m_name +
                    ": the zip archive spans several disks (a split archive); KanaLab reads single-file "
                    "archives");
    if (directoryOffset > directoryLimit || directoryBytes > directoryLimit - directoryOffset)
        throw Error(m_name +
                    ": the zip directory runs past the end of the file (the file is truncated or damaged; "
                    "download it again)");
    if (entryCount > directoryBytes / kCentralHeaderBytes)
        throw Error(m_name + ": the zip directory claims " + countOf(entryCount, "entry") + " but has room for " +
                    std::to_string(directoryBytes / kCentralHeaderBytes) + " (the file is damaged)");

    const std::uint8_t* at = m_data + directoryOffset;
    const std::uint8_t* directoryEnd = at + directoryBytes;
    m_entries.reserve(static_cast<std::size_t>(entryCount));
    for (std::uint64_t i = 0; i < entryCount; ++i) {
        auto which = [&] { return m_name + ": zip directory entry " + std::to_string(i + 1); };
        if (static_cast<std::size_t>(directoryEnd - at) < kCentralHeaderBytes || le32(at) != kCentralHeaderSignature)
            throw Error(which() + " is damaged (no directory header where one should be; download the file again)");
        const std::size_t nameBytes = le16(at + 28);
        const std::size_t extraBytes = le16(at + 30);
        const std::size_t commentBytes = le16(at + 32);
        if (static_cast<std::size_t>(directoryEnd - at) < kCentralHeaderBytes + nameBytes + extraBytes + commentBytes)
            throw Error(which() + " runs past the end of the zip directory (the file is damaged; download it again)");

        ZipEntry entry;
        entry.flags = le16(at + 8);
        entry.method = le16(at + 10);
        entry.crc = le32(at + 16);
        entry.compressedSize = le32(at + 20);
        entry.uncompressedSize = le32(at + 24);
        std::uint64_t startDisk = le16(at + 34);
        entry.localOffset = le32(at + 42);
        entry.name.assign(reinterpret_cast<const char*>(at + kCentralHeaderBytes), nameBytes);

        // The ZIP64 extra field holds, in this order, only the values whose 32-bit field is saturated.
        const bool needsZip64 = entry.uncompressedSize == kSaturated32 || entry.compressedSize == kSaturated32 ||
                                entry.localOffset == kSaturated32 || startDisk == kSaturated16;
        if (needsZip64) {
            std::vector<std::uint64_t> values;
            bool tooShort = false;
            if (!zip64Values(at + kCentralHeaderBytes + nameBytes, extraBytes, values, tooShort))
                throw Error(m_name + ": " + printable(entry.name) +
                            " says its sizes are in a ZIP64 extra field, but it has none (the file is damaged)");
            std::size_t next = 0;
            auto take = [&](std::uint64_t& field) {
                if (tooShort || next >= values.size())
                    throw Error(m_name + ": " + printable(entry.name) +
                                " has a ZIP64 extra field too short for the sizes it must hold (the file is damaged)");
                field = values[next++];
            };
            if (entry.uncompressedSize == kSaturated32)
                take(entry.uncompressedSize);
            if (entry.compressedSize == kSaturated32)
                take(entry.compressedSize);
            if (entry.localOffset == kSaturated32)
                take(entry.localOffset);
            if (startDisk == kSaturated16) {
                // A 4-byte disk number follows the 8-byte values; only disk 0 is ever valid here.
                startDisk = 0;
            }
        }
        if (startDisk != 0)
            throw Error(m_name +
                        ": the zip archive spans several disks (a split archive); KanaLab reads single-file "
                        "archives");
        m_entries.push_back(std::move(entry));
        at += kCentralHeaderBytes + nameBytes + extraBytes + commentBytes;
    }
}

// Inflates a raw deflate stream that must come to exactly outSize bytes. The buffer grows as
// output arrives, so a directory that lies about the size costs what the data really holds.
Bytes inflateRaw(const std::uint8_t* in, std::uint64_t inSize, std::uint64_t outSize, const std::string& what) {
    z_stream z{};
    if (inflateInit2(&z, -MAX_WBITS) != Z_OK)
        throw Error(what + ": cannot start the deflate decoder (out of memory?)");
    struct End {
        z_stream* z;
        ~End() { inflateEnd(z); }
    } end{&z};

    constexpr std::uint64_t kFirstBuffer = std::uint64_t(1) << 16;
    constexpr std::size_t kChunk = std::size_t(1) << 30;  // zlib counts in 32-bit uInt
    Bytes out(static_cast<std::size_t>(std::min(outSize, std::max(kFirstBuffer, inSize * 4))));
    std::size_t produced = 0;
    std::uint64_t fed = 0;
    std::uint8_t probe = 0;
    for (;;) {
        if (z.avail_in == 0 && fed < inSize) {
            const auto chunk = static_cast<uInt>(std::min<std::uint64_t>(inSize - fed, kChunk));
            z.next_in = const_cast<Bytef*>(in + fed);
            z.avail_in = chunk;
            fed += chunk;
        }
        // Once the buffer holds all the directory promised, offer one spare byte: if the stream
        // fills it, the member is larger than its directory entry says.
        bool probing = false;
        if (produced == out.size()) {
            if (out.size() < outSize)
                out.resize(static_cast<std::size_t>(std::min<std::uint64_t>(outSize, out.size() * 2 + kFirstBuffer)));
            else
                probing = true;
        }
        z.next_out = probing ? &probe : out.data() + produced;
        z.avail_out = probing ? 1 : static_cast<uInt>(std::min(out.size() - produced, kChunk));
        const uInt room = z.avail_out;
        const int status = inflate(&z, Z_NO_FLUSH);
        const std::size_t got = room - z.avail_out;
        if (probing && got > 0)
            throw Error(what + " inflates to more than the " + countOf(outSize, "byte") +
                        " the zip directory gives (the archive is damaged; download it again)");
        produced += got;
        if (status == Z_STREAM_END)
            break;
        if (status == Z_BUF_ERROR && z.avail_in == 0 && fed == inSize)
            throw Error(what +
                        ": its deflate data ends early (the archive is truncated or damaged; download it again)");
        if (status != Z_OK && status != Z_BUF_ERROR)
            throw Error(what + " has a corrupt deflate stream (" + (z.msg ? z.msg : "unknown error") +
                        "); the file is damaged, download it again");
    }
    if (produced != outSize)
        throw Error(what + " inflates to " + countOf(produced, "byte") + " where the zip directory says " +
                    countOf(outSize, "byte") + " (the archive is damaged; download it again)");
    return out;
}

Bytes ZipArchive::extract(const ZipEntry& entry) const {
    const std::string what = member(entry);
    if (entry.flags & (kFlagEncrypted | kFlagStrongEncryption))
        throw Error(what + " is encrypted; KanaLab reads only unencrypted archives (numpy.savez never encrypts)");
    if (entry.method != kMethodStored && entry.method != kMethodDeflate)
        throw Error(what + " uses compression method " + std::to_string(entry.method) + " (" +
                    methodName(entry.method) +
                    "); KanaLab reads stored and deflate members, what numpy.savez and savez_compressed write");
    if (entry.uncompressedSize > kNpyMaxPayloadBytes)
        throw Error(what + " claims " + formatBytes(static_cast<std::int64_t>(entry.uncompressedSize)) +
                    " uncompressed, more than the " + formatBytes(kNpyMaxPayloadBytes) +
                    " KanaLab reads (the archive is damaged)");

    if (!fits(entry.localOffset, kLocalHeaderBytes))
        throw Error(what +
                    ": its local header lies past the end of the file (the file is truncated; download it "
                    "again)");
    const std::uint8_t* local = m_data + entry.localOffset;
    if (le32(local) != kLocalHeaderSignature)
        throw Error(what +
                    ": no local header where the zip directory says it starts (the file is damaged; download "
                    "it again)");
    const std::uint16_t localFlags = le16(local + 6);
    const std::size_t nameBytes = le16(local + 26);
    const std::size_t extraBytes = le16(local + 28);
    if (!fits(entry.localOffset + kLocalHeaderBytes, nameBytes + extraBytes))
        throw Error(what +
                    ": its local header runs past the end of the file (the file is truncated; download it "
                    "again)");
    if (localFlags & (kFlagEncrypted | kFlagStrongEncryption))
        throw Error(what + " is encrypted; KanaLab reads only unencrypted archives (numpy.savez never encrypts)");
    const std::string localName(reinterpret_cast<const char*>(local + kLocalHeaderBytes), nameBytes);
    if (localName != entry.name)
        throw Error(what + ": its local header names it " + printable(localName) +
                    ", which disagrees with the zip directory (the file is damaged)");
    if (le16(local + 8) != entry.method)
        throw Error(what +
                    ": its local header gives another compression method than the zip directory (the file "
                    "is damaged)");

    // With a data descriptor (flag bit 3) the local CRC and sizes may be zero; the directory rules.
    if (!(localFlags & kFlagDataDescriptor)) {
        std::uint64_t compressed = le32(local + 18);
        std::uint64_t uncompressed = le32(local + 22);
        if (compressed == kSaturated32 || uncompressed == kSaturated32) {
            std::vector<std::uint64_t> values;
            bool tooShort = false;
            const bool found = zip64Values(local + kLocalHeaderBytes + nameBytes, extraBytes, values, tooShort);
            const std::size_t needed = (compressed == kSaturated32) + (uncompressed == kSaturated32);
            if (!found || tooShort || values.size() < needed)
                throw Error(what + ": its local header lacks the ZIP64 sizes it refers to (the file is damaged)");
            // The field holds both sizes (uncompressed first) as the format asks; older writers
            // put only the saturated one.
            if (values.size() >= 2) {
                if (uncompressed == kSaturated32)
                    uncompressed = values[0];
                if (compressed == kSaturated32)
                    compressed = values[1];
            } else if (uncompressed == kSaturated32) {
                uncompressed = values[0];
            } else {
                compressed = values[0];
            }
        }
        if (le32(local + 14) != entry.crc || compressed != entry.compressedSize ||
            uncompressed != entry.uncompressedSize)
            throw Error(what +
                        ": its local header disagrees with the zip directory about its CRC or sizes (the file "
                        "is damaged; download it again)");
    }

    const std::uint64_t dataStart = entry.localOffset + kLocalHeaderBytes + nameBytes + extraBytes;
    if (!fits(dataStart, entry.compressedSize))
        throw Error(what + " runs past the end of the file: " + countOf(entry.compressedSize, "byte") +
                    " of data from offset " + std::to_string(dataStart) + " in a file of " + countOf(m_size, "byte") +
                    " (the file is truncated; download it again)");

    Bytes bytes;
    const std::uint8_t* data = m_data + dataStart;
    if (entry.method == kMethodStored) {
        if (entry.compressedSize != entry.uncompressedSize)
            throw Error(what +
                        " is stored uncompressed, yet the zip directory gives it two different sizes (the "
                        "file is damaged)");
        bytes.assign(data, data + entry.compressedSize);
    } else {
        bytes = inflateRaw(data, entry.compressedSize, entry.uncompressedSize, what);
    }
    if (crcOf(bytes.data(), bytes.size()) != entry.crc)
        throw Error(what + " fails its CRC-32 check: the data is damaged (download the file again)");
    return bytes;
}

// ---------------------------------------------------------------------------------------------
// The .npy header: a Python dict literal such as
//   {'descr': '|u1', 'fortran_order': False, 'shape': (10000, 28, 28), }
// parsed as the literal it is (any key order, spacing, trailing commas, either quote).

struct PyValue {
    enum class Type { String, Integer, Bool, None, Tuple, List, Dict };
    Type type = Type::None;
    std::string text;            // String; for others, the source text (for messages)
    std::int64_t integer = 0;    // Integer
    bool tooLarge = false;       // Integer beyond int64
    bool boolean = false;        // Bool
    std::vector<PyValue> items;  // Tuple, List; Dict: key, value, key, value...
};

class LiteralParser {
public:
    LiteralParser(const char* text, std::size_t size, const std::string& name)
        : m_text(text), m_size(size), m_name(name) {}

    PyValue parseHeader() {
        skipSpace();
        if (m_pos >= m_size || m_text[m_pos] != '{')
            fail("it does not start with '{'");
        PyValue value = parseValue(0);
        skipSpace();
        if (m_pos < m_size)
            fail("unexpected text after the closing '}'");
        return value;
    }

private:
    [[noreturn]] void fail(const std::string& what) const {
        throw Error(m_name + ": the .npy header is not a valid Python dictionary (" + what + ", at character " +
                    std::to_string(std::min(m_pos, m_size) + 1) + ")");
    }

    void skipSpace() {
        while (m_pos < m_size && std::strchr(" \t\r\n\f\v", m_text[m_pos]) && m_text[m_pos] != '\0')
            ++m_pos;
    }

    bool atWord(const char* word) const {
        const std::size_t length = std::strlen(word);
        if (m_size - m_pos < length || std::memcmp(m_text + m_pos, word, length) != 0)
            return false;
        const std::size_t after = m_pos + length;
        return after >= m_size || !(std::isalnum(static_cast<unsigned char>(m_text[after])) || m_text[after] == '_');
    }

    PyValue parseValue(int depth) {
        if (depth > kMaxLiteralDepth)
            fail("values nested too deeply");
        skipSpace();
        if (m_pos >= m_size)
            fail("the header ends where a value should be");
        const char c = m_text[m_pos];
        const std::size_t start = m_pos;
        PyValue value;
        if (c == '\'' || c == '"') {
            value.type = PyValue::Type::String;
            value.text = parseString();
            return value;
        }
        if (c == '{' || c == '(' || c == '[') {
            const char close = c == '{' ? '}' : c == '(' ? ')' : ']';
            value.type = c == '{' ? PyValue::Type::Dict : c == '(' ? PyValue::Type::Tuple : PyValue::Type::List;
            ++m_pos;
            bool sawComma = false;
            bool commaAfterLast = false;
            for (;;) {
                skipSpace();
                if (m_pos >= m_size)
                    fail(std::string("the header ends before the closing '") + close + "'");
                if (m_text[m_pos] == close) {
                    ++m_pos;
                    break;
                }
                if (!value.items.empty() && !commaAfterLast)
                    fail(std::string("expected ',' or '") + close + "'");
                PyValue item = parseValue(depth + 1);
                if (value.type == PyValue::Type::Dict) {
                    if (item.type != PyValue::Type::String)
                        fail("a dictionary key is not a string");
                    skipSpace();
                    if (m_pos >= m_size || m_text[m_pos] != ':')
                        fail("expected ':' after the key '" + printable(item.text) + "'");
                    ++m_pos;
                    value.items.push_back(std::move(item));
                    value.items.push_back(parseValue(depth + 1));
                } else {
                    value.items.push_back(std::move(item));
                }
                skipSpace();
                commaAfterLast = m_pos < m_size && m_text[m_pos] == ',';
                if (commaAfterLast) {
                    ++m_pos;
                    sawComma = true;
                }
            }
            // (5) is the number 5 in Python; only (5,) or () is a tuple.
            if (value.type == PyValue::Type::Tuple && value.items.size() == 1 && !sawComma)
                return std::move(value.items.front());
            value.text.assign(m_text + start, m_pos - start);
            return value;
        }
        if (atWord("True") || atWord("False")) {
            value.type = PyValue::Type::Bool;
            value.boolean = c == 'T';
            m_pos += value.boolean ? 4 : 5;
            value.text = value.boolean ? "True" : "False";
            return value;
        }
        if (atWord("None")) {
            m_pos += 4;
            value.text = "None";
            return value;
        }
        if (c == '-' || c == '+' || std::isdigit(static_cast<unsigned char>(c))) {
            value.type = PyValue::Type::Integer;
            const bool negative = c == '-';
            if (c == '-' || c == '+')
                ++m_pos;
            if (m_pos >= m_size || !std::isdigit(static_cast<unsigned char>(m_text[m_pos])))
                fail("a sign without a number");
            std::uint64_t magnitude = 0;
            while (m_pos < m_size && std::isdigit(static_cast<unsigned char>(m_text[m_pos]))) {
                const unsigned digit = static_cast<unsigned>(m_text[m_pos++] - '0');
                if (magnitude > (std::uint64_t(INT64_MAX) - digit) / 10)
                    value.tooLarge = true;
                else
                    magnitude = magnitude * 10 + digit;
            }
            // Python 2's long suffix: numpy writes (10000L, 28L) in old files and reads them still.
            if (m_pos < m_size && (m_text[m_pos] == 'L' || m_text[m_pos] == 'l'))
                ++m_pos;
            if (m_pos < m_size && (std::isalnum(static_cast<unsigned char>(m_text[m_pos])) || m_text[m_pos] == '.'))
                fail("a number KanaLab cannot read (only whole numbers belong here)");
            value.integer = negative ? -static_cast<std::int64_t>(magnitude) : static_cast<std::int64_t>(magnitude);
            value.text.assign(m_text + start, m_pos - start);
            return value;
        }
        fail(std::string("unexpected character '") + (std::isprint(static_cast<unsigned char>(c)) ? c : '?') + "'");
    }

    std::string parseString() {
        const char quote = m_text[m_pos++];
        std::string out;
        while (m_pos < m_size && m_text[m_pos] != quote) {
            char c = m_text[m_pos++];
            if (c == '\n')
                fail("a string runs past the end of its line");
            if (c == '\\') {
                if (m_pos >= m_size)
                    break;
                c = m_text[m_pos++];
            }
            out += c;
        }
        if (m_pos >= m_size)
            fail("a string is not closed");
        ++m_pos;
        return out;
    }

    const char* m_text;
    std::size_t m_size;
    const std::string& m_name;
    std::size_t m_pos = 0;
};

const PyValue* lookup(const PyValue& dict, const std::string& key) {
    const PyValue* found = nullptr;
    for (std::size_t i = 0; i + 1 < dict.items.size(); i += 2)
        if (dict.items[i].text == key)
            found = &dict.items[i + 1];  // a repeated key: the last wins, as in Python
    return found;
}

bool mentionsObject(const PyValue& value) {
    if (value.type == PyValue::Type::String)
        return value.text.find('O') != std::string::npos;
    return std::any_of(value.items.begin(), value.items.end(), mentionsObject);
}

std::string shapeText(const std::vector<std::int64_t>& shape) {
    std::string out = "(";
    for (std::size_t i = 0; i < shape.size(); ++i)
        out += (i ? ", " : "") + std::to_string(shape[i]);
    return out + (shape.size() == 1 ? ",)" : ")");
}

bool hostIsLittleEndian() {
    const std::uint16_t one = 1;
    std::uint8_t first;
    std::memcpy(&first, &one, 1);
    return first == 1;
}

std::string typeName(char kind, int itemBytes) {
    switch (kind) {
        case 'u':
            return "uint" + std::to_string(itemBytes * 8);
        case 'i':
            return "int" + std::to_string(itemBytes * 8);
        case 'f':
            return "float" + std::to_string(itemBytes * 8);
        case 'b':
            return "bool";
        default:
            return std::string(1, kind);
    }
}

// Sets kind, itemBytes and bigEndian from a descr string such as "<u2", or says why not.
void parseDescr(NpyArray& array, const std::string& name) {
    const std::string& descr = array.descr;
    std::size_t at = 0;
    char order = '|';
    if (!descr.empty() && std::strchr("<>|=", descr[0]) && descr[0] != '\0')
        order = descr[at++];
    const char kind = at < descr.size() ? descr[at++] : '\0';
    int bytes = 0;
    const std::size_t digitsStart = at;
    while (at < descr.size() && std::isdigit(static_cast<unsigned char>(descr[at])) && at - digitsStart < 4)
        bytes = bytes * 10 + (descr[at++] - '0');
    const bool wellFormed = at == descr.size() && at > digitsStart;
    const std::string quoted = "'" + printable(descr) + "'";

    const bool integer = (kind == 'u' || kind == 'i') && (bytes == 1 || bytes == 2 || bytes == 4 || bytes == 8);
    const bool boolean = kind == 'b' && bytes == 1;
    const bool floating = kind == 'f' && (bytes == 2 || bytes == 4 || bytes == 8);
    if (wellFormed && (integer || boolean || floating)) {
        array.kind = kind;
        array.itemBytes = bytes;
        array.bigEndian = bytes > 1 && (order == '>' || (order == '=' && !hostIsLittleEndian()));
        return;
    }
    const char* what = nullptr;
    switch (kind) {
        case 'c':
            what = "complex numbers";
            break;
        case 'U':
            what = "Unicode strings";
            break;
        case 'S':
        case 'a':
            what = "byte strings";
            break;
        case 'V':
            what = "raw records (void)";
            break;
        case 'M':
            what = "dates (datetime64)";
            break;
        case 'm':
            what = "time spans (timedelta64)";
            break;
        default:
            break;
    }
    if (what && wellFormed)
        throw Error(name + " holds " + what + " (dtype " + quoted +
                    "); KanaLab reads arrays of integers, booleans or floats");
    throw Error(name + " has a dtype KanaLab does not know: " + quoted +
                " (it reads integers such as '|u1' or '<i8', '|b1' and floats such as '<f4')");
}

struct NpyLayout {
    NpyArray array;  // everything but data
    std::size_t dataOffset = 0;
    std::size_t payloadBytes = 0;
};

NpyLayout parseNpy(const std::uint8_t* data, std::size_t size, const std::string& name) {
    if (size == 0)
        throw Error(name + ": file is empty (expected a .npy array)");
    if (!startsWith(data, size, kNpyMagic, kNpyMagicBytes)) {
        if (size < kNpyMagicBytes && startsWith(data, size, kNpyMagic, size))
            throw Error(name + ": truncated: a .npy file starts with a 10-byte preamble, this one holds " +
                        countOf(size, "byte"));
        throw Error(name + ": not a .npy array: it does not start with NumPy's magic bytes \\x93NUMPY");
    }
    const std::size_t preamble = size > 6 && (data[6] == 2 || data[6] == 3) ? 12 : 10;
    if (size < preamble)
        throw Error(name + ": truncated: the .npy preamble needs " + std::to_string(preamble) +
                    " bytes, the file holds " + countOf(size, "byte"));
    const int major = data[6];
    const int minor = data[7];
    if ((major < 1 || major > 3) || minor != 0)
        throw Error(name + ": unsupported .npy format version " + std::to_string(major) + "." + std::to_string(minor) +
                    "; KanaLab reads versions 1.0, 2.0 and 3.0");
    const std::uint64_t headerBytes = major == 1 ? le16(data + 8) : le32(data + 8);
    if (headerBytes > size - preamble)
        throw Error(name + ": truncated: the .npy header says it takes " + countOf(headerBytes, "byte") + " but only " +
                    countOf(size - preamble, "byte") + " follow (the file is incomplete)");

    const auto* text = reinterpret_cast<const char*>(data + preamble);
    const PyValue header = LiteralParser(text, static_cast<std::size_t>(headerBytes), name).parseHeader();
    if (header.type != PyValue::Type::Dict)
        throw Error(name + ": the .npy header is not a valid Python dictionary (it is not a dictionary)");

    NpyLayout layout;
    NpyArray& array = layout.array;
    const PyValue* descr = lookup(header, "descr");
    const PyValue* fortran = lookup(header, "fortran_order");
    const PyValue* shape = lookup(header, "shape");
    for (const auto& [key, value] :
         {std::pair<const char*, const PyValue*>{"descr", descr}, {"fortran_order", fortran}, {"shape", shape}})
        if (!value)
            throw Error(name + ": the .npy header has no '" + key + "' entry (it is damaged or not from NumPy)");

    // Objects first, whatever else the header says: those bytes are a pickle, and unpickling runs code.
    if (mentionsObject(*descr))
        throw Error(name + " holds Python objects (dtype " + printable(descr->text.empty() ? "O" : descr->text) +
                    "); pickled object arrays are never loaded, as unpickling a file can run any code in it");
    if (descr->type != PyValue::Type::String)
        throw Error(name + " holds a structured (record) dtype " + printable(descr->text) +
                    "; KanaLab reads plain arrays of numbers");
    array.descr = descr->text;
    parseDescr(array, name);

    if (fortran->type != PyValue::Type::Bool)
        throw Error(name + ": the .npy header's 'fortran_order' is " + printable(fortran->text) +
                    ", not True or False");
    if (fortran->boolean)
        throw Error(name +
                    " is stored in Fortran (column-major) order; KanaLab reads C-order arrays (save it with "
                    "numpy.ascontiguousarray first)");

    if (shape->type != PyValue::Type::Tuple)
        throw Error(name + ": the .npy header's 'shape' is " + printable(shape->text) +
                    ", not a tuple such as (10000, 28, 28)");
    bool anyZero = false;
    for (const PyValue& dim : shape->items) {
        if (dim.type != PyValue::Type::Integer)
            throw Error(name + ": the .npy header's 'shape' holds " + printable(dim.text) + ", not a whole number");
        if (dim.tooLarge)
            throw Error(name + ": the .npy header's shape holds the dimension " + printable(dim.text) +
                        ", far more data than any file holds (the header is corrupt)");
        if (dim.integer < 0)
            throw Error(name + ": the .npy header's shape holds the negative dimension " + printable(dim.text));
        anyZero = anyZero || dim.integer == 0;
        array.shape.push_back(dim.integer);
    }
    // Zero elements need no bytes, however large the other dimensions; otherwise multiply with
    // the cap checked at every step, so (2**40, 2**40) cannot wrap around to something small.
    std::uint64_t payload = 0;
    if (!anyZero) {
        payload = static_cast<std::uint64_t>(array.itemBytes);
        for (const std::int64_t dim : array.shape) {
            if (payload > kNpyMaxPayloadBytes / static_cast<std::uint64_t>(dim))
                throw Error(name + ": the .npy header's shape " + shapeText(array.shape) + " of " +
                            typeName(array.kind, array.itemBytes) + " claims more than " +
                            formatBytes(kNpyMaxPayloadBytes) + " of data (the header is corrupt)");
            payload *= static_cast<std::uint64_t>(dim);
        }
    }

    layout.dataOffset = preamble + static_cast<std::size_t>(headerBytes);
    layout.payloadBytes = static_cast<std::size_t>(payload);
    const std::size_t present = size - layout.dataOffset;
    const std::string described = typeName(array.kind, array.itemBytes) + " " + shapeText(array.shape);
    if (present < payload)
        throw Error(name + ": truncated: the header describes " + described + ", " + countOf(payload, "byte") +
                    ", but only " + countOf(present, "byte") +
                    " follow it (the file is incomplete; download it again)");
    if (present > payload)
        throw Error(name + ": " + countOf(present - payload, "more byte") + " follow the " + described +
                    " array its header describes (the file is damaged or not written by NumPy)");
    return layout;
}

// Parses the header and keeps the bytes it came in: the payload is moved, not copied.
NpyArray npyFromBytes(Bytes&& bytes, const std::string& name) {
    NpyLayout layout = parseNpy(bytes.data(), bytes.size(), name);
    bytes.erase(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(layout.dataOffset));
    layout.array.data = std::move(bytes);
    return std::move(layout.array);
}

std::string who(const NpyArray& array, const std::string& displayName) {
    return array.entryName.empty() ? displayName : displayName + ": " + printable(array.entryName);
}

std::uint64_t rawValue(const std::uint8_t* p, int bytes, bool bigEndian) {
    std::uint64_t value = 0;
    for (int i = 0; i < bytes; ++i)
        value = (value << 8) | p[bigEndian ? i : bytes - 1 - i];
    return value;
}

}  // namespace

std::int64_t NpyArray::elementCount() const {
    std::uint64_t count = 1;
    for (const std::int64_t dim : shape)
        count *= static_cast<std::uint64_t>(dim);
    return static_cast<std::int64_t>(count);
}

std::string npyTypeName(const NpyArray& array) {
    return typeName(array.kind, array.itemBytes);
}

NpyArray readNpy(const std::uint8_t* data, std::size_t size, const std::string& displayName) {
    NpyLayout layout = parseNpy(data, size, displayName);
    const std::uint8_t* payload = data + layout.dataOffset;
    layout.array.data.assign(payload, payload + layout.payloadBytes);
    return std::move(layout.array);
}

std::vector<std::string> npzEntryNames(const std::uint8_t* data, std::size_t size, const std::string& displayName) {
    const ZipArchive archive(data, size, displayName);
    std::vector<std::string> names;
    for (const ZipEntry& entry : archive.entries())
        names.push_back(entry.name);
    return names;
}

NpyArray readNpzArray(const std::uint8_t* data, std::size_t size, const std::string& displayName,
                      const std::string& entry) {
    const ZipArchive archive(data, size, displayName);
    std::vector<std::string> names;
    for (const ZipEntry& e : archive.entries())
        names.push_back(e.name);
    const std::string holds = names.empty() ? "the archive is empty" : "it holds " + listNames(names);

    std::vector<const ZipEntry*> matches;
    if (!entry.empty()) {
        const std::string withSuffix = endsWith(entry, ".npy") ? entry : entry + ".npy";
        for (const ZipEntry& e : archive.entries())
            if (e.name == entry || e.name == withSuffix)
                matches.push_back(&e);
        if (matches.empty())
            throw Error(displayName + " holds no array " + printable(entry) + " (" + holds + ")");
        if (matches.size() > 1)
            throw Error(displayName + " holds " + std::to_string(matches.size()) + " members named " +
                        printable(matches.front()->name) + " (the archive is damaged)");
    } else {
        std::vector<std::string> arrays;
        for (const ZipEntry& e : archive.entries())
            if (endsWith(e.name, ".npy")) {
                matches.push_back(&e);
                arrays.push_back(e.name);
            }
        if (matches.empty())
            throw Error(displayName + " holds no .npy array (" + holds + ")");
        if (matches.size() > 1)
            throw Error(displayName + " holds " + std::to_string(matches.size()) + " arrays (" + listNames(arrays) +
                        ") where one was expected; say which one to read");
    }

    const ZipEntry& chosen = *matches.front();
    NpyArray array = npyFromBytes(archive.extract(chosen), displayName + ": " + printable(chosen.name));
    array.entryName = chosen.name;
    return array;
}

NpyArray readNpzFile(const std::string& path, const std::string& entry) {
    Bytes bytes = readWholeFile(path);
    const std::string name = fileNameOf(path);
    if (startsWith(bytes.data(), bytes.size(), kNpyMagic, kNpyMagicBytes))
        return npyFromBytes(std::move(bytes), name);
    return readNpzArray(bytes.data(), bytes.size(), name, entry);
}

NpyImages npyToImages(NpyArray&& array, const std::string& displayName) {
    const std::string name = who(array, displayName);
    if (array.kind != 'u' || array.itemBytes != 1)
        throw Error(name + " holds " + npyTypeName(array) + " values; KanaLab reads images stored as uint8 (0-255)");
    const std::vector<std::int64_t>& s = array.shape;
    const std::string shape = shapeText(s);
    std::int64_t channels = 1;
    std::int64_t rows = 0;
    std::int64_t cols = 0;
    bool channelsLast = false;
    if (s.size() == 3) {
        rows = s[1];
        cols = s[2];
    } else if (s.size() == 4) {
        const bool lastIsChannels = s[3] == 1 || s[3] == 3;
        const bool secondIsChannels = s[1] == 1 || s[1] == 3;
        if (!lastIsChannels && !secondIsChannels)
            throw Error(name + " has shape " + shape + ": images with " + std::to_string(s[3]) +
                        " channels; KanaLab reads grey (1 channel) or colour (3 channels) images");
        channelsLast = lastIsChannels;
        channels = channelsLast ? s[3] : s[1];
        rows = channelsLast ? s[1] : s[2];
        cols = channelsLast ? s[2] : s[3];
    } else {
        throw Error(name + " has shape " + shape +
                    "; KanaLab reads images shaped (N, H, W), (N, H, W, C) or (N, C, H, W)");
    }
    if (s[0] == 0)
        throw Error(name + " holds no images (shape " + shape + ")");
    if (rows == 0 || cols == 0)
        throw Error(name + " holds images of " + std::to_string(rows) + "x" + std::to_string(cols) +
                    " pixels, which are empty (shape " + shape + ")");
    if (rows > INT_MAX || cols > INT_MAX)
        throw Error(name + " holds images of " + std::to_string(rows) + "x" + std::to_string(cols) +
                    " pixels, too large to be images KanaLab can use");

    NpyImages images;
    images.count = s[0];
    images.channels = static_cast<int>(channels);
    images.rows = static_cast<int>(rows);
    images.cols = static_cast<int>(cols);
    if (!channelsLast || channels == 1) {
        images.pixels = std::move(array.data);  // already planar
    } else {
        const std::size_t plane = static_cast<std::size_t>(rows * cols);
        const std::size_t imageBytes = plane * static_cast<std::size_t>(channels);
        images.pixels.resize(array.data.size());
        for (std::int64_t i = 0; i < images.count; ++i) {
            const std::uint8_t* from = array.data.data() + static_cast<std::size_t>(i) * imageBytes;
            std::uint8_t* to = images.pixels.data() + static_cast<std::size_t>(i) * imageBytes;
            for (std::size_t p = 0; p < plane; ++p)
                for (std::size_t c = 0; c < static_cast<std::size_t>(channels); ++c)
                    to[c * plane + p] = from[p * static_cast<std::size_t>(channels) + c];
        }
        array.data.clear();
    }
    return images;
}

std::vector<std::int64_t> npyToLabels(const NpyArray& array, const std::string& displayName) {
    const std::string name = who(array, displayName);
    if (array.kind != 'u' && array.kind != 'i')
        throw Error(name + " holds " + npyTypeName(array) + " values; KanaLab reads labels stored as integers");
    const std::vector<std::int64_t>& s = array.shape;
    if (!(s.size() == 1 || (s.size() == 2 && s[1] == 1)))
        throw Error(name + " has shape " + shapeText(s) + "; KanaLab reads labels shaped (N,) or (N, 1)");
    if (s[0] == 0)
        throw Error(name + " holds no labels (shape " + shapeText(s) + ")");
    if (array.data.size() != static_cast<std::size_t>(s[0]) * static_cast<std::size_t>(array.itemBytes))
        throw Error(name + " holds " + countOf(array.data.size(), "byte") + " for " + countOf(s[0], "label") + " of " +
                    npyTypeName(array) + " (the array is inconsistent)");

    std::vector<std::int64_t> labels(static_cast<std::size_t>(s[0]));
    const int bytes = array.itemBytes;
    const int bits = bytes * 8;
    for (std::size_t i = 0; i < labels.size(); ++i) {
        std::uint64_t raw = rawValue(array.data.data() + i * static_cast<std::size_t>(bytes), bytes, array.bigEndian);
        const bool negative = array.kind == 'i' && ((raw >> (bits - 1)) & 1);
        if (negative) {
            if (bits < 64)
                raw |= ~std::uint64_t(0) << bits;  // sign-extend
            throw Error(name + ": label " + std::to_string(static_cast<std::int64_t>(raw)) + " at index " +
                        std::to_string(i) + " is negative; class labels count from 0");
        }
        if (raw > static_cast<std::uint64_t>(INT64_MAX))
            throw Error(name + ": label " + std::to_string(raw) + " at index " + std::to_string(i) +
                        " is far beyond any class count (the labels are damaged)");
        labels[i] = static_cast<std::int64_t>(raw);
    }
    return labels;
}

}  // namespace kanalab
