// SPDX-License-Identifier: GPL-3.0-or-later
#include "data/idx_reader.h"

#include "common/error.h"
#include "common/format.h"
#include "data/byte_stream.h"

#include <algorithm>
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
    std::string shape;
    for (std::size_t i = 0; i < rank; ++i) {
        dims[i] = bigEndian32(dimBytes + 4 * i);
        shape += (i ? " x " : "") + std::to_string(dims[i]);
    }
    // Zero dimensions first: "5 x 0 x 4000000000" holds nothing, which says more than "too big".
    for (const std::int64_t dim : dims)
        if (dim == 0)
            throw Error(name + ": header gives a zero dimension (" + shape + "): the file holds no " +
                        idxKindName(kind));
    std::uint64_t payload = 1;
    for (std::size_t i = 0; i < rank; ++i) {
        payload *= static_cast<std::uint64_t>(dims[i]);  // each factor < 2^32, checked below
        if (payload > kIdxMaxPayloadBytes)
            throw Error(name + ": header claims more than " + formatBytes(kIdxMaxPayloadBytes) + " of data (" + shape +
                        "): the header is corrupt");
    }
    return dims;
}

// A damaged gzip file can inflate to a wrong but plausible header before zlib notices: the CRC
// is only checked at the end of the stream. "unsupported IDX element type 0x03" would then send
// the user looking for a format problem in what is a damaged download. So when the header of a
// gzip stream is rejected, inflate on (bounded: more than any catalogued file, so a gzip bomb
// costs little) and let the gzip error speak if there is one; otherwise the header error stands.
constexpr std::size_t kGzipCheckLimit = std::size_t(64) << 20;

std::vector<std::int64_t> readHeaderOrBlameGzip(ByteStream& stream, IdxKind kind) {
    try {
        return readHeader(stream, kind);
    } catch (const Error&) {
        if (stream.isCompressed())
            stream.discard(kGzipCheckLimit);  // throws "corrupt gzip stream" when it is
        throw;
    }
}

}  // namespace

const char* idxKindName(IdxKind kind) { return kind == IdxKind::Images ? "images" : "labels"; }

IdxArray readIdx(ByteStream& stream, IdxKind kind) {
    const std::string& name = stream.displayName();
    IdxArray array;
    array.dims = readHeaderOrBlameGzip(stream, kind);

    const std::int64_t count = array.dims.front();
    std::int64_t itemBytes = 1;
    for (std::size_t i = 1; i < array.dims.size(); ++i)
        itemBytes *= array.dims[i];

    // Grow the buffer as bytes arrive instead of trusting the header: a 16-byte file claiming
    // 2 GB must cost a 1 MB buffer, not a 2 GB allocation (the fuzzer found such inputs taking
    // seconds and gigabytes each). Doubling keeps a real 47 MB file at a handful of reallocations.
    const std::size_t expected = static_cast<std::size_t>(count * itemBytes);
    std::size_t got = 0;
    while (got < expected) {
        const std::size_t want = std::min(expected - got, std::max<std::size_t>(got, std::size_t(1) << 20));
        array.data.resize(got + want);
        const std::size_t arrived = stream.read(array.data.data() + got, want);
        got += arrived;
        if (arrived < want)
            break;
    }
    if (got < expected) {
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
    return readHeaderOrBlameGzip(*stream, kind);
}

}  // namespace kanalab
