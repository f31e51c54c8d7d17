// SPDX-License-Identifier: GPL-3.0-or-later
#include "data/tar_reader.h"

#include "common/error.h"
#include "common/format.h"
#include "data/byte_stream.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <map>
#include <unordered_set>

namespace kanalab {
namespace {

constexpr std::size_t kBlock = 512;
// After the end-of-archive marker, at most this much more is read: the zero padding to the
// 10 KiB record, and for .tar.gz the gzip trailer, whose CRC is the only check of the content.
constexpr std::size_t kTrailerCheckLimit = std::size_t(1) << 20;
constexpr std::size_t kFileChunk = std::size_t(1) << 20;
// How far a failed read of a .tar.gz inflates on to see whether the gzip layer is at fault:
// more than CIFAR-10's 185 MB, so a gzip bomb costs a second at worst.
constexpr std::size_t kGzipCheckLimit = std::size_t(256) << 20;

std::string systemError() {
    return std::strerror(errno);
}

// ---------------------------------------------------------------------------------------------
// Reading a file a piece at a time

class ArchiveFileStream final : public ByteStream {
public:
    explicit ArchiveFileStream(const std::string& path) : ByteStream(fileNameOf(path)), m_buffer(kFileChunk) {
        struct stat info {};
        if (::stat(path.c_str(), &info) != 0)
            throw Error(path + (errno == ENOENT ? ": no such file" : ": cannot read: " + systemError()));
        if (S_ISDIR(info.st_mode))
            throw Error(path + ": is a directory, not a file");
        m_file = std::fopen(path.c_str(), "rb");
        if (!m_file)
            throw Error(path + ": cannot open for reading: " + systemError());
        m_fileSize = static_cast<std::uint64_t>(info.st_size);
        fillFrom(0);
        m_compressed = m_end >= 2 && m_buffer[0] == 0x1f && m_buffer[1] == 0x8b;
        if (m_compressed) {
            std::memset(&m_zstream, 0, sizeof m_zstream);
            if (inflateInit2(&m_zstream, 16 + MAX_WBITS) != Z_OK) {
                std::fclose(m_file);
                throw Error(displayName() + ": cannot start the gzip decoder (out of memory?)");
            }
            m_zstream.next_in = m_buffer.data();
            m_zstream.avail_in = static_cast<uInt>(m_end);
        }
    }
    ~ArchiveFileStream() override {
        if (m_compressed)
            inflateEnd(&m_zstream);
        std::fclose(m_file);
    }

    std::size_t read(std::uint8_t* out, std::size_t count) override {
        return m_compressed ? inflateInto(out, count) : copyInto(out, count);
    }
    bool isCompressed() const override { return m_compressed; }

    // Bytes of the file consumed so far, for progress against its size.
    std::uint64_t fileBytesRead() const {
        const std::size_t unread = m_compressed ? m_zstream.avail_in : m_end - m_position;
        return m_fetched - unread;
    }
    std::uint64_t fileSize() const { return m_fileSize; }

private:
    // Keeps buffer[0, keep) and reads after it until the buffer is full or the file ends.
    void fillFrom(std::size_t keep) {
        m_end = keep;
        while (m_end < m_buffer.size() && !m_eof) {
            const std::size_t got = std::fread(m_buffer.data() + m_end, 1, m_buffer.size() - m_end, m_file);
            if (got == 0) {
                if (std::ferror(m_file))
                    throw Error(displayName() + ": read failed after " + std::to_string(m_fetched) +
                                " bytes: " + systemError());
                m_eof = true;
            }
            m_end += got;
            m_fetched += got;
        }
    }

    std::size_t copyInto(std::uint8_t* out, std::size_t count) {
        std::size_t produced = 0;
        while (produced < count) {
            if (m_position == m_end) {
                m_position = 0;
                fillFrom(0);
                if (m_end == 0)
                    break;
            }
            const std::size_t n = std::min(count - produced, m_end - m_position);
            std::memcpy(out + produced, m_buffer.data() + m_position, n);
            m_position += n;
            produced += n;
        }
        return produced;
    }

    // Makes at least want compressed bytes available unless the file ends first.
    void ensureInput(std::size_t want) {
        if (m_zstream.avail_in >= want || m_eof)
            return;
        const std::size_t keep = m_zstream.avail_in;
        std::memmove(m_buffer.data(), m_zstream.next_in, keep);
        fillFrom(keep);
        m_zstream.next_in = m_buffer.data();
        m_zstream.avail_in = static_cast<uInt>(m_end);
    }

    // ByteStream's gzip reader, fed from the file instead of from memory: same messages.
    std::size_t inflateInto(std::uint8_t* out, std::size_t count) {
        std::size_t produced = 0;
        while (produced < count && !m_finished) {
            ensureInput(1);
            const std::size_t chunk = std::min<std::size_t>(count - produced, 1u << 30);
            m_zstream.next_out = out + produced;
            m_zstream.avail_out = static_cast<uInt>(chunk);
            const int status = inflate(&m_zstream, Z_NO_FLUSH);
            produced += chunk - m_zstream.avail_out;
            if (status == Z_STREAM_END) {
                // Another gzip member may follow (gzip -c a b > c); anything else is ignored.
                ensureInput(2);
                const bool anotherMember =
                    m_zstream.avail_in >= 2 && m_zstream.next_in[0] == 0x1f && m_zstream.next_in[1] == 0x8b;
                if (anotherMember && inflateReset(&m_zstream) == Z_OK)
                    continue;
                m_finished = true;
            } else if (status == Z_BUF_ERROR && m_zstream.avail_in == 0) {
                throw Error(displayName() +
                            ": corrupt gzip stream: the compressed data ends early "
                            "(the file is truncated; download it again)");
            } else if (status != Z_OK && status != Z_BUF_ERROR) {
                const char* why = m_zstream.msg ? m_zstream.msg : "unknown error";
                throw Error(displayName() + ": corrupt gzip stream: " + why +
                            " (the file is damaged; download it again)");
            }
        }
        return produced;
    }

    std::FILE* m_file = nullptr;
    std::vector<std::uint8_t> m_buffer;
    std::size_t m_position = 0;  // plain files: next unread byte of the buffer
    std::size_t m_end = 0;       // bytes in the buffer
    std::uint64_t m_fetched = 0;
    std::uint64_t m_fileSize = 0;
    bool m_eof = false;
    bool m_compressed = false;
    bool m_finished = false;
    z_stream m_zstream;
};

// ---------------------------------------------------------------------------------------------
// Header fields

// A path as it may appear in a message: control bytes shown as '?', very long ones shortened.
std::string quoted(const std::string& text) {
    std::string out = "'";
    for (std::size_t i = 0; i < text.size() && i < 200; ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        out += (c < 0x20 || c == 0x7f) ? '?' : static_cast<char>(c);
    }
    if (text.size() > 200)
        out += "...";
    return out + "'";
}

std::string field(const std::uint8_t* block, std::size_t offset, std::size_t length) {
    const auto* begin = reinterpret_cast<const char*>(block + offset);
    return std::string(begin, strnlen(begin, length));
}

// A numeric field: octal digits padded with spaces or NULs (empty is 0), or GNU's base-256,
// marked by the top bit of the first byte. False when it is neither or does not fit 63 bits.
bool parseNumeric(const std::uint8_t* bytes, std::size_t length, std::int64_t& value) {
    if (length > 0 && (bytes[0] & 0x80)) {
        const std::uint8_t invert = (bytes[0] & 0x40) ? 0xff : 0x00;  // negative: two's complement
        std::uint64_t x = 0;
        for (std::size_t i = 0; i < length; ++i) {
            std::uint8_t c = bytes[i] ^ invert;
            if (i == 0)
                c &= 0x7f;
            if ((x >> 56) != 0)
                return false;
            x = (x << 8) | c;
        }
        if ((x >> 63) != 0)
            return false;
        value = invert ? ~static_cast<std::int64_t>(x) : static_cast<std::int64_t>(x);
        return true;
    }
    std::size_t begin = 0, end = length;
    while (begin < end && (bytes[begin] == ' ' || bytes[begin] == 0))
        ++begin;
    while (end > begin && (bytes[end - 1] == ' ' || bytes[end - 1] == 0))
        --end;
    std::uint64_t x = 0;
    for (std::size_t i = begin; i < end; ++i) {
        if (bytes[i] < '0' || bytes[i] > '7' || (x >> 60) != 0)
            return false;
        x = (x << 3) | static_cast<std::uint64_t>(bytes[i] - '0');
    }
    if ((x >> 63) != 0)
        return false;
    value = static_cast<std::int64_t>(x);
    return true;
}

// The printable form of a bad numeric field for a message.
std::string fieldText(const std::uint8_t* bytes, std::size_t length) {
    std::string text;
    for (std::size_t i = 0; i < length; ++i) {
        const std::uint8_t c = bytes[i];
        if (c >= 0x20 && c < 0x7f)
            text += static_cast<char>(c);
        else {
            char hex[8];
            std::snprintf(hex, sizeof hex, "\\x%02X", c);
            text += hex;
        }
    }
    return text;
}

// The header checksum: the sum of its bytes with the checksum field read as spaces. Some old
// tars summed signed chars, which POSIX says readers should accept too.
bool checksumMatches(const std::uint8_t* block) {
    std::int64_t stored = 0;
    if (!parseNumeric(block + 148, 8, stored) || (block[148] & 0x80))
        return false;
    std::int64_t unsignedSum = 0, signedSum = 0;
    for (std::size_t i = 0; i < kBlock; ++i) {
        const bool inField = i >= 148 && i < 156;
        unsignedSum += inField ? ' ' : block[i];
        signedSum += inField ? ' ' : static_cast<std::int8_t>(block[i]);
    }
    return stored == unsignedSum || stored == signedSum;
}

bool isZeroBlock(const std::uint8_t* block) {
    return std::all_of(block, block + kBlock, [](std::uint8_t b) { return b == 0; });
}

// Types that never carry content, whatever their size field says (as Go and Python read them).
bool isHeaderOnly(char type) {
    return type >= '1' && type <= '6';
}

using PaxRecords = std::map<std::string, std::string>;

// ---------------------------------------------------------------------------------------------
// The reader

class TarReader;

class EntryContents final : public TarContents {
public:
    EntryContents(TarReader& reader, const TarEntry& entry, std::uint64_t size)
        : m_reader(reader), m_entry(entry), m_size(size), m_remaining(size) {}

    std::size_t read(std::uint8_t* out, std::size_t count) override;
    std::vector<std::uint8_t> readAll() override;
    std::uint64_t remaining() const override { return m_remaining; }
    // Drops what the visitor left unread.
    void skipRest();

private:
    TarReader& m_reader;
    const TarEntry& m_entry;
    std::uint64_t m_size;
    std::uint64_t m_remaining;
};

class TarReader {
public:
    explicit TarReader(ByteStream& stream) : m_stream(stream), m_name(stream.displayName()) {}

    std::size_t run(const TarVisitor& visit);

    // Reads count bytes of content; throws when the archive ends first.
    std::size_t readContent(std::uint8_t* out, std::size_t count) {
        const std::size_t got = m_stream.read(out, count);
        m_offset += got;
        return got;
    }
    std::uint64_t discardContent(std::uint64_t count) {
        std::uint64_t total = 0;
        while (total < count) {
            const std::size_t step = static_cast<std::size_t>(std::min<std::uint64_t>(count - total, 1u << 30));
            const std::size_t got = m_stream.discard(step);
            total += got;
            m_offset += got;
            if (got < step)
                break;
        }
        return total;
    }

    [[noreturn]] void truncatedInside(const TarEntry& entry, std::uint64_t size, std::uint64_t arrived) const {
        throw Error(m_name + ": truncated inside entry " + quoted(entry.path) + ": it holds " + std::to_string(size) +
                    " bytes, the archive ends after " + std::to_string(arrived) +
                    "; the archive is incomplete, download it again");
    }

private:
    std::string afterLast() const { return m_lastPath.empty() ? "" : " (after entry " + quoted(m_lastPath) + ")"; }
    [[noreturn]] void damaged(const std::string& what) const {
        throw Error(m_name + ": " + what + ": the archive is damaged, download it again");
    }

    std::string readMetadata(std::uint64_t size, const char* what, std::uint64_t headerOffset);
    void parsePax(const std::string& data, PaxRecords& into, std::uint64_t headerOffset);
    std::string normalisePath(const std::string& raw) const;
    // Skips the zeros that fill the last block of what (an entry, a pax header...).
    void skipPadding(std::uint64_t size, const std::string& what);
    void finish();

    ByteStream& m_stream;
    const std::string& m_name;
    std::uint64_t m_offset = 0;  // bytes of the tar stream consumed, for messages
    std::string m_lastPath;
    // Metadata entries that apply to the next real entry (the global pax one to all that follow).
    bool m_haveLongName = false, m_haveLongLink = false;
    std::string m_longName, m_longLink;
    PaxRecords m_pax, m_globalPax;
};

std::size_t EntryContents::read(std::uint8_t* out, std::size_t count) {
    const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(count, m_remaining));
    const std::size_t got = want == 0 ? 0 : m_reader.readContent(out, want);
    m_remaining -= got;
    if (got < want)
        m_reader.truncatedInside(m_entry, m_size, m_size - m_remaining);
    return got;
}

std::vector<std::uint8_t> EntryContents::readAll() {
    // Grows as bytes arrive rather than trusting the header: a 1 kB archive claiming a 4 GB
    // entry must cost a 1 MB buffer before it is found truncated, not a 4 GB allocation.
    std::vector<std::uint8_t> bytes;
    while (m_remaining > 0) {
        const std::size_t have = bytes.size();
        const std::size_t step = static_cast<std::size_t>(
            std::min<std::uint64_t>(m_remaining, std::max<std::size_t>(have, std::size_t(1) << 20)));
        bytes.resize(have + step);
        read(bytes.data() + have, step);
    }
    return bytes;
}

void EntryContents::skipRest() {
    const std::uint64_t got = m_reader.discardContent(m_remaining);
    m_remaining -= got;
    if (m_remaining > 0)
        m_reader.truncatedInside(m_entry, m_size, m_size - m_remaining);
}

void TarReader::skipPadding(std::uint64_t size, const std::string& what) {
    const std::uint64_t padding = (kBlock - size % kBlock) % kBlock;
    if (discardContent(padding) < padding)
        throw Error(m_name + ": truncated in the padding after " + what +
                    ": the archive is incomplete, download it again");
}

std::string TarReader::readMetadata(std::uint64_t size, const char* what, std::uint64_t headerOffset) {
    if (size > kTarMaxMetadataBytes)
        damaged(std::string("the ") + what + " at byte " + std::to_string(headerOffset) + afterLast() + " claims " +
                std::to_string(size) + " bytes, more than the " + formatBytes(kTarMaxMetadataBytes) + " allowed");
    std::string data(static_cast<std::size_t>(size), '\0');
    const std::size_t got = size == 0 ? 0 : readContent(reinterpret_cast<std::uint8_t*>(&data[0]), data.size());
    if (got < size)
        throw Error(m_name + ": truncated inside the " + what + " at byte " + std::to_string(headerOffset) +
                    afterLast() + ": the archive is incomplete, download it again");
    skipPadding(size, std::string("the ") + what + " at byte " + std::to_string(headerOffset));
    return data;
}

// Records are "LENGTH KEY=VALUE\n", LENGTH counting the whole record in bytes.
void TarReader::parsePax(const std::string& data, PaxRecords& into, std::uint64_t headerOffset) {
    const auto malformed = [&](const std::string& why) {
        damaged("the pax header at byte " + std::to_string(headerOffset) + afterLast() + " is malformed (" + why + ")");
    };
    std::size_t pos = 0;
    while (pos < data.size()) {
        if (data.find_first_not_of('\0', pos) == std::string::npos)
            break;  // NUL padding some writers leave
        std::size_t digits = pos;
        std::uint64_t length = 0;
        while (digits < data.size() && data[digits] >= '0' && data[digits] <= '9' && length < data.size()) {
            length = length * 10 + static_cast<std::uint64_t>(data[digits] - '0');
            ++digits;
        }
        if (digits == pos || digits >= data.size() || data[digits] != ' ')
            malformed("a record does not start with its length");
        if (length < digits - pos + 3 || length > data.size() - pos)
            malformed("a record length of " + std::to_string(length) + " does not fit");
        const std::string record = data.substr(digits + 1, pos + static_cast<std::size_t>(length) - digits - 1);
        if (record.back() != '\n')
            malformed("a record does not end with a newline");
        const std::size_t equals = record.find('=');
        if (equals == std::string::npos || equals == 0)
            malformed("a record has no key=value");
        const std::string key = record.substr(0, equals);
        const std::string value = record.substr(equals + 1, record.size() - equals - 2);
        if (value.empty())
            into.erase(key);  // an empty value cancels the key
        else
            into[key] = value;
        pos += static_cast<std::size_t>(length);
    }
}

std::string TarReader::normalisePath(const std::string& raw) const {
    const auto refuse = [&](const std::string& why) {
        throw Error(m_name + ": entry " + quoted(raw) + " " + why +
                    ": refusing the archive, which may be hostile; get it from the official source");
    };
    if (raw.find('\0') != std::string::npos)
        refuse("has a NUL byte in its path");
    if (!raw.empty() && raw[0] == '/')
        refuse("has an absolute path");
    std::string path;
    std::size_t start = 0;
    while (start <= raw.size()) {
        std::size_t slash = raw.find('/', start);
        if (slash == std::string::npos)
            slash = raw.size();
        const std::string part = raw.substr(start, slash - start);
        if (part == "..")
            refuse("has a path that climbs out of its folder with '..'");
        if (!part.empty() && part != ".")
            path += (path.empty() ? "" : "/") + part;
        start = slash + 1;
    }
    return path;
}

void TarReader::finish() {
    // Only what follows the marker is left: the record's zero padding and, for .tar.gz, the
    // gzip trailer, whose CRC is checked when the stream reaches it.
    m_stream.discard(kTrailerCheckLimit);
}

std::size_t TarReader::run(const TarVisitor& visit) {
    std::size_t count = 0;
    std::uint8_t block[kBlock];
    for (;;) {
        const std::uint64_t headerOffset = m_offset;
        const std::size_t got = m_stream.read(block, kBlock);
        m_offset += got;
        if (got == 0) {
            if (headerOffset == 0)
                throw Error(m_name + ": file is empty (expected a tar archive)");
            throw Error(m_name + ": the archive ends without its end-of-archive marker" + afterLast() +
                        ": it is truncated, download it again");
        }
        if (got < kBlock)
            throw Error(m_name + ": truncated inside the header at byte " + std::to_string(headerOffset) + afterLast() +
                        ": the archive is incomplete, download it again");
        if (isZeroBlock(block)) {
            finish();
            return count;
        }
        if (!checksumMatches(block)) {
            if (headerOffset == 0)
                throw Error(m_name +
                            ": not a tar archive (bad checksum in the first header): check that this is "
                            "the right file, or download it again");
            damaged("bad checksum in the header at byte " + std::to_string(headerOffset) + " (entry " +
                    quoted(field(block, 0, 100)) + (m_lastPath.empty() ? "" : ", after " + quoted(m_lastPath)) + ")");
        }

        const bool posix = std::memcmp(block + 257, "ustar\0", 6) == 0;
        std::string rawPath = field(block, 0, 100);
        const std::string prefix = posix ? field(block, 345, 155) : std::string();
        if (!prefix.empty())
            rawPath = prefix + "/" + rawPath;
        char type = static_cast<char>(block[156]);

        std::int64_t headerSize = 0;
        if (!parseNumeric(block + 124, 12, headerSize))
            damaged("entry " + quoted(rawPath) + " has a size field ('" + fieldText(block + 124, 12) +
                    "') that is not an octal or base-256 number");
        if (headerSize < 0)
            damaged("entry " + quoted(rawPath) + " has a negative size (" + std::to_string(headerSize) + ")");
        std::uint64_t size = static_cast<std::uint64_t>(headerSize);
        const auto checkSize = [&](const std::string& path) {
            if (size > kTarMaxEntryBytes)
                damaged("entry " + quoted(path) + " claims " + std::to_string(size) + " bytes, more than the " +
                        formatBytes(static_cast<std::int64_t>(kTarMaxEntryBytes)) + " any dataset file needs");
        };

        if (type == 'L' || type == 'K' || type == 'x' || type == 'g') {
            const char* what = type == 'L' ? "GNU long name" : type == 'K' ? "GNU long link name" : "pax header";
            const std::string data = readMetadata(size, what, headerOffset);
            if (type == 'L' || type == 'K') {
                const std::string name = data.substr(0, data.find('\0'));
                (type == 'L' ? m_longName : m_longLink) = name;
                (type == 'L' ? m_haveLongName : m_haveLongLink) = true;
            } else {
                parsePax(data, type == 'x' ? m_pax : m_globalPax, headerOffset);
            }
            continue;
        }

        TarEntry entry;
        std::string linkTarget = field(block, 157, 100);
        std::int64_t mtime = 0;
        if (parseNumeric(block + 136, 12, mtime))
            entry.mtime = mtime;  // a damaged date is no reason to refuse the data
        if (m_haveLongName)
            rawPath = m_longName;
        if (m_haveLongLink)
            linkTarget = m_longLink;
        for (const PaxRecords* pax : {&m_globalPax, &m_pax}) {  // per-entry records win
            if (auto it = pax->find("path"); it != pax->end())
                rawPath = it->second;
            if (auto it = pax->find("linkpath"); it != pax->end())
                linkTarget = it->second;
            if (auto it = pax->find("size"); it != pax->end()) {
                const std::string& text = it->second;
                if (text.size() > 19 || text.find_first_not_of("0123456789") != std::string::npos)
                    damaged("entry " + quoted(rawPath) + " has a pax size ('" + text.substr(0, 40) +
                            "') that is not a decimal number");
                size = std::stoull(text);
            }
            if (auto it = pax->find("mtime"); it != pax->end()) {
                char* end = nullptr;
                const long long seconds = std::strtoll(it->second.c_str(), &end, 10);
                if (end != it->second.c_str() && (*end == '\0' || *end == '.'))
                    entry.mtime = seconds;
            }
        }
        m_haveLongName = m_haveLongLink = false;
        m_pax.clear();

        if (type == '\0' || type == '7')
            type = kTarRegular;
        if (type == kTarRegular && !rawPath.empty() && rawPath.back() == '/')
            type = kTarDirectory;  // v7 marks folders with a trailing slash only
        entry.path = normalisePath(rawPath);
        entry.type = type;
        entry.linkTarget = linkTarget;
        entry.size = isHeaderOnly(type) ? 0 : size;
        size = entry.size;
        checkSize(rawPath);
        if (type == 'S')
            throw Error(m_name + ": entry " + quoted(entry.path) +
                        " is a GNU sparse file, which this reader does not support: re-create the archive without "
                        "--sparse");
        if (entry.path.empty() && type != kTarDirectory)
            damaged("the entry at byte " + std::to_string(headerOffset) + afterLast() + " has no name");

        EntryContents contents(*this, entry, entry.size);
        if (!entry.path.empty()) {  // "./", the archive's own root, names nothing
            visit(entry, contents);
            ++count;
        }
        contents.skipRest();
        skipPadding(entry.size, "entry " + quoted(entry.path));
        m_lastPath = entry.path;
    }
}

// ---------------------------------------------------------------------------------------------
// Extraction

class Extractor {
public:
    Extractor(std::string target, std::string archiveName)
        : m_target(std::move(target)), m_archive(std::move(archiveName)) {}

    void prepareTarget() {
        if (m_target.empty())
            throw Error("no target folder given to extract " + m_archive + " into");
        while (m_target.size() > 1 && m_target.back() == '/')
            m_target.pop_back();
        // Create the missing folders down to the target, remembering them for the cleanup.
        std::vector<std::string> missing;
        for (std::string path = m_target; !path.empty();) {
            struct stat info {};
            if (::stat(path.c_str(), &info) == 0) {
                if (!S_ISDIR(info.st_mode))
                    throw Error(path + ": is a file, not a folder: cannot extract " + m_archive + " into " + m_target);
                break;
            }
            missing.push_back(path);
            const std::size_t slash = path.find_last_of('/');
            path = slash == std::string::npos || slash == 0 ? std::string() : path.substr(0, slash);
        }
        for (auto it = missing.rbegin(); it != missing.rend(); ++it) {
            if (::mkdir(it->c_str(), 0755) != 0 && errno != EEXIST)
                throw Error(*it + ": cannot create the folder to extract " + m_archive + " into: " + systemError());
            m_createdFolders.push_back(*it);
        }
    }

    // Makes sure every folder of relative (a path inside the target) exists and is a real folder.
    void ensureFolder(const std::string& relative, const TarEntry& entry) {
        std::size_t end = 0;
        while (end != std::string::npos && !relative.empty()) {
            end = relative.find('/', end + 1);
            const std::string part = relative.substr(0, end);
            if (m_knownFolders.count(part))
                continue;
            const std::string full = m_target + "/" + part;
            struct stat info {};
            if (::lstat(full.c_str(), &info) != 0) {
                if (errno != ENOENT || ::mkdir(full.c_str(), 0755) != 0)
                    throw Error(full + ": cannot create this folder for entry " + quoted(entry.path) + " of " +
                                m_archive + ": " + systemError());
                m_createdFolders.push_back(full);
                ++m_result.folders;
            } else if (S_ISLNK(info.st_mode)) {
                throw Error(full + ": is a symbolic link: refusing to write entry " + quoted(entry.path) + " of " +
                            m_archive + " through it; remove the link or extract into an empty folder");
            } else if (!S_ISDIR(info.st_mode)) {
                throw Error(full + ": is a file where entry " + quoted(entry.path) + " of " + m_archive +
                            " needs a folder; remove it or extract into an empty folder");
            }
            m_knownFolders.insert(part);
        }
    }

    void writeFile(const TarEntry& entry, TarContents& contents, const std::atomic<bool>* cancel) {
        const std::size_t slash = entry.path.find_last_of('/');
        if (slash != std::string::npos)
            ensureFolder(entry.path.substr(0, slash), entry);
        const std::string full = m_target + "/" + entry.path;
        struct stat info {};
        if (::lstat(full.c_str(), &info) == 0) {
            if (S_ISDIR(info.st_mode))
                throw Error(full + ": is a folder where entry " + quoted(entry.path) + " of " + m_archive +
                            " is a file; remove it or extract into an empty folder");
            if (S_ISLNK(info.st_mode))
                ::unlink(full.c_str());  // replace the link itself, never what it points to
        }
        const int fd = ::open(full.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
        if (fd < 0)
            throw Error(full + ": cannot create this file from " + m_archive + ": " + systemError());
        if (m_writtenSet.insert(full).second)
            m_written.push_back(full);
        std::vector<std::uint8_t> buffer(static_cast<std::size_t>(std::min<std::uint64_t>(entry.size, kFileChunk)));
        try {
            while (contents.remaining() > 0) {
                if (cancel && cancel->load())
                    throw Cancelled();
                const std::size_t n = contents.read(buffer.data(), buffer.size());
                for (std::size_t done = 0; done < n;) {
                    const ssize_t wrote = ::write(fd, buffer.data() + done, n - done);
                    if (wrote < 0 && errno == EINTR)
                        continue;
                    if (wrote <= 0)
                        throw Error(full + ": cannot write this file from " + m_archive + ": " + systemError());
                    done += static_cast<std::size_t>(wrote);
                }
                m_result.bytes += n;
            }
        } catch (...) {
            ::close(fd);
            throw;
        }
        if (::close(fd) != 0)
            throw Error(full + ": cannot write this file from " + m_archive + ": " + systemError());
        ++m_result.files;
    }

    // Removes what this extraction created; never throws.
    void rollback() noexcept {
        for (const std::string& path : m_written)
            ::unlink(path.c_str());
        for (auto it = m_createdFolders.rbegin(); it != m_createdFolders.rend(); ++it)
            ::rmdir(it->c_str());  // fails, as it should, where something else is inside
    }

    TarExtractResult& result() { return m_result; }

private:
    std::string m_target;
    std::string m_archive;
    std::unordered_set<std::string> m_knownFolders;  // relative to the target, checked real folders
    std::vector<std::string> m_createdFolders;       // full paths, in creation order
    std::vector<std::string> m_written;              // full paths of files written
    std::unordered_set<std::string> m_writtenSet;
    TarExtractResult m_result;
};

}  // namespace

std::size_t forEachTarEntry(ByteStream& stream, const TarVisitor& visit) {
    try {
        return TarReader(stream).run(visit);
    } catch (const Cancelled&) {
        throw;
    } catch (const Error&) {
        // A damaged .tar.gz can inflate to plausible garbage (a bad header checksum, a wrong
        // label) long before zlib checks the CRC at the end: inflate on, bounded, and let the
        // gzip error speak if there is one, or the first error stands.
        if (stream.isCompressed())
            stream.discard(kGzipCheckLimit);
        throw;
    }
}

std::unique_ptr<ByteStream> openArchiveStream(const std::string& path) {
    return std::make_unique<ArchiveFileStream>(path);
}

TarExtractResult extractTar(const std::string& archivePath, const std::string& targetFolder,
                            const TarExtractOptions& options) {
    ArchiveFileStream stream(archivePath);
    Extractor extractor(targetFolder, stream.displayName());
    TarProgress progress;
    progress.archiveBytesTotal = stream.fileSize();
    try {
        extractor.prepareTarget();
        forEachTarEntry(stream, [&](const TarEntry& entry, TarContents& contents) {
            if (options.cancel && options.cancel->load())
                throw Cancelled();
            if (!entry.isRegular() && !entry.isDirectory())
                ++extractor.result().skipped;
            else if (!options.filter || options.filter(entry)) {
                if (entry.isDirectory())
                    extractor.ensureFolder(entry.path, entry);
                else
                    extractor.writeFile(entry, contents, options.cancel);
            }
            if (options.progress) {
                progress.archiveBytesRead = stream.fileBytesRead();
                progress.filesWritten = extractor.result().files;
                progress.bytesWritten = extractor.result().bytes;
                options.progress(progress);
            }
        });
    } catch (...) {
        extractor.rollback();
        throw;
    }
    if (options.progress) {
        progress.archiveBytesRead = stream.fileBytesRead();
        options.progress(progress);
    }
    return extractor.result();
}

}  // namespace kanalab
