// SPDX-License-Identifier: GPL-3.0-or-later
#include "data/idx_reader.h"

#include "common/error.h"
#include "common/format.h"
#include "data/byte_stream.h"

#include <cstdio>

namespace kanalab {
namespace {

constexpr std::uint8_t kUnsignedByteType = 0x08;

std::string hex32(std::uint32_t value) {
    char buffer[16];
    std::snprintf(buffer, sizeof buffer, "0x%08X", value);
    return buffer;
}

std::uint32_t bigEndian32(const std::uint8_t* p) {
    return (std::uint32_t(p[0]) << 24) | (std::uint32_t(p[1]) << 16) | (std::uint32_t(p[2]) << 8) | p[3];
}

std::uint32_t magicFor(IdxKind kind) { return kind == IdxKind::Images ? kIdxImagesMagic : kIdxLabelsMagic; }
std::size_t rankFor(IdxKind kind) { return kind == IdxKind::Images ? 3 : 1; }

// "10000 images of 28x28" / "10000 labels"
std::string describeShape(IdxKind kind, const std::vector<std::int64_t>& dims, std::int64_t count) {
    std::string text = std::to_string(count) + " " + idxKindName(kind);
    if (kind == IdxKind::Images && dims.size() == 3)
        text += " of " + std::to_string(dims[1]) + "x" + std::to_string(dims[2]);
    return text;
}

std::vector<std::int64_t> readHeader(ByteStream& stream, IdxKind kind) {
    const std::string& name = stream.displayName();
    std::uint8_t magicBytes[4];
    const std::size_t got = stream.read(magicBytes, 4);
    if (got == 0)
        throw Error(name + ": file is empty (expected an IDX " + idxKindName(kind) + " file)");
    if (got < 4)
        throw Error(name + ": truncated header: an IDX file starts with a 4-byte magic number, the file holds " +
                    std::to_string(got) + (got == 1 ? " byte" : " bytes"));
    const std::uint32_t magic = bigEndian32(magicBytes);
    if (magicBytes[0] != 0 || magicBytes[1] != 0)
        throw Error(name + ": not an IDX file: magic number " + hex32(magic) + ", expected " + hex32(magicFor(kind)) +
                    " (" + std::to_string(magicFor(kind)) + ") for IDX " + idxKindName(kind));
    if (magicBytes[2] != kUnsignedByteType)
        throw Error(name + ": unsupported IDX element type 0x" + hex32(magicBytes[2]).substr(8) +
                    ": these datasets store unsigned bytes (type 0x08)");
    if (magic != magicFor(kind)) {
        const bool swapped = magic == kIdxImagesMagic || magic == kIdxLabelsMagic;
        throw Error(name + ": wrong magic number " + hex32(magic) + " (" + std::to_string(magic) + "), expected " +
                    hex32(magicFor(kind)) + " (" + std::to_string(magicFor(kind)) + ") for IDX " +
                    idxKindName(kind) + (swapped ? ": images and labels files look swapped" : ""));
    }

    const std::size_t rank = rankFor(kind);
    std::uint8_t dimBytes[12];
    const std::size_t dimGot = stream.read(dimBytes, 4 * rank);
    if (dimGot < 4 * rank)
        throw Error(name + ": truncated header: needs " + std::to_string(4 + 4 * rank) + " bytes, the file holds " +
                    std::to_string(4 + dimGot));

    std::vector<std::int64_t> dims(rank);
    std::uint64_t payload = 1;
    for (std::size_t i = 0; i < rank; ++i) {
        dims[i] = bigEndian32(dimBytes + 4 * i);
        if (dims[i] == 0) {
            std::string shape;
            for (std::size_t j = 0; j < rank; ++j)
                shape += (j ? " x " : "") + std::to_string(bigEndian32(dimBytes + 4 * j));
            throw Error(name + ": header gives a zero dimension (" + shape + "): the file holds no " +
                        idxKindName(kind));
        }
        payload *= static_cast<std::uint64_t>(dims[i]);  // each factor < 2^32, checked below
        if (payload > kIdxMaxPayloadBytes)
            throw Error(name + ": header claims more than " + formatBytes(kIdxMaxPayloadBytes) +
                        " of data: the header is corrupt");
    }
    return dims;
}

}  // namespace

const char* idxKindName(IdxKind kind) { return kind == IdxKind::Images ? "images" : "labels"; }

IdxArray readIdx(ByteStream& stream, IdxKind kind) {
    const std::string& name = stream.displayName();
    IdxArray array;
    array.dims = readHeader(stream, kind);

    const std::int64_t count = array.dims.front();
    std::int64_t itemBytes = 1;
    for (std::size_t i = 1; i < array.dims.size(); ++i)
        itemBytes *= array.dims[i];

    array.data.resize(static_cast<std::size_t>(count * itemBytes));
    const std::size_t got = stream.read(array.data.data(), array.data.size());
    if (got < array.data.size()) {
        const std::int64_t complete = static_cast<std::int64_t>(got) / itemBytes;
        throw Error(name + ": truncated: header says " + describeShape(kind, array.dims, count) + ", file holds " +
                    std::to_string(complete) + "; the file is incomplete, download or copy it again");
    }
    // Cap the count so a gzip bomb appended to a valid file costs at most 1 MB of inflating.
    const std::size_t extra = stream.discard(1 << 20);
    if (extra > 0)
        throw Error(name + ": file is longer than its header says: header says " +
                    describeShape(kind, array.dims, count) + ", then " + (extra >= (1u << 20) ? "over " : "") +
                    formatBytes(static_cast<std::int64_t>(extra)) + " more follow");
    return array;
}

IdxArray readIdxFile(const std::string& path, IdxKind kind) {
    auto stream = ByteStream::openFile(path);
    return readIdx(*stream, kind);
}

std::vector<std::int64_t> readIdxDims(const std::string& path, IdxKind kind) {
    auto stream = ByteStream::openFile(path);
    return readHeader(*stream, kind);
}

}  // namespace kanalab
