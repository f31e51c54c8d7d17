// SPDX-License-Identifier: GPL-3.0-or-later
#include "support/zip_writer.h"

#include <zlib.h>

#include <stdexcept>

namespace kanalab::test {
namespace {

using Bytes = std::vector<std::uint8_t>;

constexpr std::uint32_t kSaturated32 = 0xFFFFFFFF;
constexpr std::uint16_t kDosDate = 0x0021;  // 1980-01-01, what zipfile writes for a zero date

void put16(Bytes& out, std::uint16_t value) {
    out.push_back(static_cast<std::uint8_t>(value));
    out.push_back(static_cast<std::uint8_t>(value >> 8));
}
void put32(Bytes& out, std::uint32_t value) {
    put16(out, static_cast<std::uint16_t>(value));
    put16(out, static_cast<std::uint16_t>(value >> 16));
}
void put64(Bytes& out, std::uint64_t value) {
    put32(out, static_cast<std::uint32_t>(value));
    put32(out, static_cast<std::uint32_t>(value >> 32));
}
void putBytes(Bytes& out, const void* data, std::size_t size) {
    const auto* p = static_cast<const std::uint8_t*>(data);
    out.insert(out.end(), p, p + size);
}

std::uint32_t crcOf(const Bytes& bytes) {
    return static_cast<std::uint32_t>(crc32(crc32(0L, Z_NULL, 0), bytes.data(), static_cast<uInt>(bytes.size())));
}

std::string shapeText(const std::vector<std::int64_t>& shape) {
    std::string out = "(";
    for (std::size_t i = 0; i < shape.size(); ++i)
        out += (i ? ", " : "") + std::to_string(shape[i]);
    return out + (shape.size() == 1 ? ",)" : ")");
}

}  // namespace

Bytes deflateRaw(const Bytes& bytes, int level) {
    z_stream stream{};
    if (deflateInit2(&stream, level, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        throw std::runtime_error("deflateInit2 failed");
    Bytes out(deflateBound(&stream, static_cast<uLong>(bytes.size())) + 64);
    stream.next_in = const_cast<Bytef*>(bytes.data());
    stream.avail_in = static_cast<uInt>(bytes.size());
    stream.next_out = out.data();
    stream.avail_out = static_cast<uInt>(out.size());
    const int status = deflate(&stream, Z_FINISH);
    deflateEnd(&stream);
    if (status != Z_STREAM_END)
        throw std::runtime_error("deflate failed");
    out.resize(stream.total_out);
    return out;
}

BuiltZip buildZip(const std::vector<ZipMember>& members, const ZipOptions& options) {
    BuiltZip zip;
    Bytes& out = zip.bytes;
    struct Written {
        std::uint32_t crc;
        std::uint64_t compressed, uncompressed, offset;
    };
    std::vector<Written> written;

    for (const ZipMember& member : members) {
        const Bytes data = member.method == ZipMethod::Deflate ? deflateRaw(member.bytes) : member.bytes;
        const Written w{crcOf(member.bytes), data.size(), member.bytes.size(), out.size()};
        written.push_back(w);
        zip.localHeaders.push_back(out.size());
        put32(out, 0x04034b50);
        put16(out, member.zip64 ? 45 : 20);  // version needed: 4.5 for ZIP64
        put16(out, 0);                       // flags
        put16(out, member.method == ZipMethod::Deflate ? 8 : 0);
        put16(out, 0);  // time
        put16(out, kDosDate);
        put32(out, w.crc);
        put32(out, member.zip64 ? kSaturated32 : static_cast<std::uint32_t>(w.compressed));
        put32(out, member.zip64 ? kSaturated32 : static_cast<std::uint32_t>(w.uncompressed));
        put16(out, static_cast<std::uint16_t>(member.name.size()));
        put16(out, member.zip64 ? 20 : 0);
        putBytes(out, member.name.data(), member.name.size());
        if (member.zip64) {
            put16(out, 0x0001);
            put16(out, 16);
            put64(out, w.uncompressed);
            put64(out, w.compressed);
        }
        zip.dataOffsets.push_back(out.size());
        zip.dataSizes.push_back(data.size());
        putBytes(out, data.data(), data.size());
    }

    const std::size_t directoryStart = out.size();
    for (std::size_t i = 0; i < members.size(); ++i) {
        const ZipMember& member = members[i];
        const Written& w = written[i];
        zip.centralHeaders.push_back(out.size());
        put32(out, 0x02014b50);
        put16(out, 0x0300 | (member.zip64 ? 45 : 20));  // made by: Unix
        put16(out, member.zip64 ? 45 : 20);
        put16(out, 0);
        put16(out, member.method == ZipMethod::Deflate ? 8 : 0);
        put16(out, 0);
        put16(out, kDosDate);
        put32(out, w.crc);
        put32(out, member.zip64 ? kSaturated32 : static_cast<std::uint32_t>(w.compressed));
        put32(out, member.zip64 ? kSaturated32 : static_cast<std::uint32_t>(w.uncompressed));
        put16(out, static_cast<std::uint16_t>(member.name.size()));
        put16(out, member.zip64 ? 28 : 0);
        put16(out, 0);           // comment
        put16(out, 0);           // disk
        put16(out, 0);           // internal attributes
        put32(out, 0x81A40000);  // external: -rw-r--r--
        put32(out, member.zip64 ? kSaturated32 : static_cast<std::uint32_t>(w.offset));
        putBytes(out, member.name.data(), member.name.size());
        if (member.zip64) {
            put16(out, 0x0001);
            put16(out, 24);
            put64(out, w.uncompressed);
            put64(out, w.compressed);
            put64(out, w.offset);
        }
    }
    const std::size_t directoryBytes = out.size() - directoryStart;

    if (options.zip64End) {
        zip.zip64EndRecord = out.size();
        put32(out, 0x06064b50);
        put64(out, 44);  // the record's size after this field
        put16(out, 0x032D);
        put16(out, 45);
        put32(out, 0);  // this disk
        put32(out, 0);  // the directory's disk
        put64(out, members.size());
        put64(out, members.size());
        put64(out, directoryBytes);
        put64(out, directoryStart);
        // The locator.
        put32(out, 0x07064b50);
        put32(out, 0);
        put64(out, zip.zip64EndRecord);
        put32(out, 1);
    }
    zip.endRecord = out.size();
    put32(out, 0x06054b50);
    put16(out, 0);
    put16(out, 0);
    put16(out, options.zip64End ? 0xFFFF : static_cast<std::uint16_t>(members.size()));
    put16(out, options.zip64End ? 0xFFFF : static_cast<std::uint16_t>(members.size()));
    put32(out, options.zip64End ? kSaturated32 : static_cast<std::uint32_t>(directoryBytes));
    put32(out, options.zip64End ? kSaturated32 : static_cast<std::uint32_t>(directoryStart));
    put16(out, static_cast<std::uint16_t>(options.comment.size()));
    putBytes(out, options.comment.data(), options.comment.size());
    return zip;
}

Bytes zipBytes(const std::vector<ZipMember>& members, const ZipOptions& options) {
    return buildZip(members, options).bytes;
}

Bytes npyWithHeader(const std::string& header, const Bytes& payload, int version, bool pad) {
    const std::size_t preamble = version == 1 ? 10 : 12;
    std::string text = header;
    if (pad) {
        // numpy pads with spaces so the data starts 64-byte aligned, and ends the header with '\n'.
        const std::size_t total = preamble + text.size() + 1;
        text.append((64 - total % 64) % 64, ' ');
        text += '\n';
    }
    Bytes out = {0x93, 'N', 'U', 'M', 'P', 'Y', static_cast<std::uint8_t>(version), 0};
    if (version == 1)
        put16(out, static_cast<std::uint16_t>(text.size()));
    else
        put32(out, static_cast<std::uint32_t>(text.size()));
    putBytes(out, text.data(), text.size());
    putBytes(out, payload.data(), payload.size());
    return out;
}

Bytes npyBytes(const std::string& descr, const std::vector<std::int64_t>& shape, bool fortran, const Bytes& payload,
               int version) {
    const std::string header = "{'descr': '" + descr + "', 'fortran_order': " + (fortran ? "True" : "False") +
                               ", 'shape': " + shapeText(shape) + ", }";
    return npyWithHeader(header, payload, version);
}

void setLe16(Bytes& bytes, std::size_t offset, std::uint16_t value) {
    bytes.at(offset) = static_cast<std::uint8_t>(value);
    bytes.at(offset + 1) = static_cast<std::uint8_t>(value >> 8);
}

void setLe32(Bytes& bytes, std::size_t offset, std::uint32_t value) {
    setLe16(bytes, offset, static_cast<std::uint16_t>(value));
    setLe16(bytes, offset + 2, static_cast<std::uint16_t>(value >> 16));
}

void setLe64(Bytes& bytes, std::size_t offset, std::uint64_t value) {
    setLe32(bytes, offset, static_cast<std::uint32_t>(value));
    setLe32(bytes, offset + 4, static_cast<std::uint32_t>(value >> 32));
}

std::uint32_t getLe32(const Bytes& bytes, std::size_t offset) {
    return std::uint32_t(bytes.at(offset)) | (std::uint32_t(bytes.at(offset + 1)) << 8) |
           (std::uint32_t(bytes.at(offset + 2)) << 16) | (std::uint32_t(bytes.at(offset + 3)) << 24);
}

}  // namespace kanalab::test
