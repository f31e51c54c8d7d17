// SPDX-License-Identifier: GPL-3.0-or-later
#include "support/tar_writer.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <stdexcept>

namespace kanalab::test {
namespace {

// size digits of octal, NUL-terminated, into a field of size + 1 bytes.
void putOctal(std::uint8_t* field, std::size_t length, std::uint64_t value) {
    char text[32];
    std::snprintf(text, sizeof text, "%0*llo", static_cast<int>(length - 1), static_cast<unsigned long long>(value));
    if (std::strlen(text) != length - 1)
        throw std::runtime_error("tar_writer: value does not fit the field");
    std::memcpy(field, text, length);  // with its NUL
}

void putBase256(std::uint8_t* field, std::size_t length, std::uint64_t value) {
    std::memset(field, 0, length);
    field[0] = 0x80;
    for (std::size_t i = length; i-- > 1 && value;) {
        field[i] = static_cast<std::uint8_t>(value & 0xff);
        value >>= 8;
    }
}

void putString(std::uint8_t* field, std::size_t length, const std::string& value) {
    std::memset(field, 0, length);
    std::memcpy(field, value.data(), std::min(length, value.size()));
}

int decimalDigits(std::size_t value) {
    int digits = 1;
    while (value >= 10) {
        value /= 10;
        ++digits;
    }
    return digits;
}

// The last component of a path, for the names of metadata headers.
std::string baseName(const std::string& path) {
    std::string trimmed = path;
    while (!trimmed.empty() && trimmed.back() == '/')
        trimmed.pop_back();
    const auto slash = trimmed.find_last_of('/');
    return slash == std::string::npos ? trimmed : trimmed.substr(slash + 1);
}

}  // namespace

std::string paxRecord(const std::string& key, const std::string& value) {
    const std::size_t body = 1 + key.size() + 1 + value.size() + 1;  // " key=value\n"
    std::size_t length = body + static_cast<std::size_t>(decimalDigits(body));
    if (static_cast<std::size_t>(decimalDigits(length)) + body != length)
        length = body + static_cast<std::size_t>(decimalDigits(length));
    return std::to_string(length) + " " + key + "=" + value + "\n";
}

void fixTarChecksum(std::vector<std::uint8_t>& archive, std::size_t headerOffset) {
    std::uint8_t* header = archive.data() + headerOffset;
    std::memset(header + kTarChecksumField, ' ', 8);
    unsigned sum = 0;
    for (std::size_t i = 0; i < kTarBlock; ++i)
        sum += header[i];
    char text[16];
    std::snprintf(text, sizeof text, "%06o", sum);
    std::memcpy(header + kTarChecksumField, text, 6);
    header[kTarChecksumField + 6] = 0;
    header[kTarChecksumField + 7] = ' ';
}

void setTarField(std::vector<std::uint8_t>& archive, std::size_t headerOffset, std::size_t fieldOffset,
                 std::size_t fieldLength, const std::string& value, bool fixChecksum) {
    if (headerOffset + kTarBlock > archive.size() || fieldOffset + fieldLength > kTarBlock)
        throw std::runtime_error("tar_writer: field outside the archive");
    putString(archive.data() + headerOffset + fieldOffset, fieldLength, value);
    if (fixChecksum)
        fixTarChecksum(archive, headerOffset);
}

TarWriter::TarWriter(TarFormat format, TarLongNames longNames) : m_format(format), m_longNames(longNames) {}

std::size_t TarWriter::writeHeader(const std::string& name, char type, std::uint64_t size, std::int64_t mtime,
                                   const std::string& linkTarget, const std::string& prefix, bool base256Size) {
    const std::size_t offset = m_bytes.size();
    m_bytes.resize(offset + kTarBlock, 0);
    std::uint8_t* header = m_bytes.data() + offset;
    putString(header + kTarNameField, kTarNameLength, name);
    putOctal(header + 100, 8, type == '5' ? 0755 : 0644);
    putOctal(header + 108, 8, 1000);
    putOctal(header + 116, 8, 1000);
    if (base256Size || size >= (std::uint64_t(1) << 33))
        putBase256(header + kTarSizeField, kTarSizeLength, size);
    else
        putOctal(header + kTarSizeField, kTarSizeLength, size);
    putOctal(header + 136, 12, static_cast<std::uint64_t>(mtime));
    header[kTarTypeField] = static_cast<std::uint8_t>(type);
    putString(header + 157, 100, linkTarget);
    if (m_format == TarFormat::Ustar) {
        std::memcpy(header + 257,
                    "ustar\0"
                    "00",
                    8);
        putString(header + 345, 155, prefix);
    } else if (m_format == TarFormat::Gnu) {
        std::memcpy(header + 257, "ustar  \0", 8);
    }
    if (m_format != TarFormat::V7) {
        putString(header + 265, 32, "kanalab");
        putString(header + 297, 32, "kanalab");
    }
    fixTarChecksum(m_bytes, offset);
    return offset;
}

void TarWriter::writeData(const std::vector<std::uint8_t>& data) {
    m_bytes.insert(m_bytes.end(), data.begin(), data.end());
    m_bytes.resize((m_bytes.size() + kTarBlock - 1) / kTarBlock * kTarBlock, 0);
}

void TarWriter::writePax(char type, const PaxRecordList& records, const std::string& forPath) {
    std::string text;
    for (const auto& [key, value] : records)
        text += paxRecord(key, value);
    const std::string name = type == 'g' ? "pax_global_header" : "PaxHeaders/" + baseName(forPath).substr(0, 80);
    writeHeader(name, type, text.size(), 0, "", "", false);
    writeData(std::vector<std::uint8_t>(text.begin(), text.end()));
}

std::size_t TarWriter::add(const TarEntrySpec& entry) {
    std::string path = entry.path;
    char type = entry.type;
    if (m_format == TarFormat::V7 && (type == '0' || type == '5')) {
        if (type == '5' && (path.empty() || path.back() != '/'))
            path += '/';
        type = '\0';
    }

    PaxRecordList pax = entry.pax;
    std::string name = path, prefix;
    if (path.size() > kTarNameLength) {
        bool split = false;
        if (m_longNames == TarLongNames::Prefix && m_format == TarFormat::Ustar) {
            // The shortest name part that fits: any '/' at or after size - 101 with a prefix of
            // at most 155 bytes.
            for (std::size_t slash = path.find('/', path.size() - kTarNameLength - 1); slash != std::string::npos;
                 slash = path.find('/', slash + 1)) {
                if (slash <= 155 && slash + 1 < path.size()) {
                    prefix = path.substr(0, slash);
                    name = path.substr(slash + 1);
                    split = true;
                    break;
                }
            }
        }
        if (!split && m_longNames == TarLongNames::Gnu) {
            const std::string stored = path + '\0';
            writeHeader("././@LongLink", 'L', stored.size(), 0, "", "", false);
            writeData(std::vector<std::uint8_t>(stored.begin(), stored.end()));
            name = path.substr(0, kTarNameLength);
        } else if (!split) {
            pax.insert(pax.begin(), {"path", path});
            name = path.substr(0, kTarNameLength);
        }
    }
    if (!pax.empty())
        writePax('x', pax, path);
    const std::size_t offset =
        writeHeader(name, type, entry.contents.size(), entry.mtime, entry.linkTarget, prefix, entry.base256Size);
    writeData(entry.contents);
    return offset;
}

std::size_t TarWriter::addFile(const std::string& path, const std::vector<std::uint8_t>& contents) {
    TarEntrySpec entry;
    entry.path = path;
    entry.contents = contents;
    return add(entry);
}

std::size_t TarWriter::addText(const std::string& path, const std::string& text) {
    return addFile(path, std::vector<std::uint8_t>(text.begin(), text.end()));
}

std::size_t TarWriter::addDirectory(const std::string& path) {
    TarEntrySpec entry;
    entry.path = path;
    entry.type = '5';
    return add(entry);
}

std::size_t TarWriter::addGlobalPax(const PaxRecordList& records) {
    const std::size_t offset = m_bytes.size();
    writePax('g', records, "");
    return offset;
}

std::vector<std::uint8_t> TarWriter::finish(std::size_t recordSize) const {
    std::vector<std::uint8_t> archive = m_bytes;
    archive.resize(archive.size() + 2 * kTarBlock, 0);
    if (recordSize > 0)
        archive.resize((archive.size() + recordSize - 1) / recordSize * recordSize, 0);
    return archive;
}

}  // namespace kanalab::test
