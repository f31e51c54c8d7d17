// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace kanalab {

class ByteStream;

// The IDX format of MNIST, KMNIST and Fashion-MNIST: a big-endian header (two zero bytes, an
// element type, the number of dimensions, then each dimension as a 32-bit integer) followed by
// the elements in row-major order. These datasets only use unsigned bytes (type 0x08).
enum class IdxKind {
    Images,  // magic 0x00000803 (2051): count x rows x cols
    Labels,  // magic 0x00000801 (2049): count
};

constexpr std::uint32_t kIdxImagesMagic = 0x00000803;
constexpr std::uint32_t kIdxLabelsMagic = 0x00000801;
// A header may not claim more than this: it keeps a corrupt or hostile file from asking for
// an absurd allocation. The largest official file (Fashion-MNIST train) is 47 MB.
constexpr std::uint64_t kIdxMaxPayloadBytes = std::uint64_t(1) << 31;

struct IdxArray {
    std::vector<std::int64_t> dims;  // {count, rows, cols} or {count}
    std::vector<std::uint8_t> data;  // exactly the product of dims bytes

    std::int64_t count() const { return dims.empty() ? 0 : dims.front(); }
};

// Reads and validates a whole IDX file (plain or gzip). Throws kanalab::Error with the file
// name and the problem in words: wrong magic, zero or absurd dimensions, truncation (with how
// many complete items the file does hold), trailing bytes, corrupt gzip, empty file...
IdxArray readIdx(ByteStream& stream, IdxKind kind);
IdxArray readIdxFile(const std::string& path, IdxKind kind);

// Validates only the header and returns the dimensions: cheap, for listings.
std::vector<std::int64_t> readIdxDims(const std::string& path, IdxKind kind);

// "images" / "labels", for messages.
const char* idxKindName(IdxKind kind);

}  // namespace kanalab
