// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Builds .npz (zip) archives and .npy arrays in memory for the reader's tests and the fuzzer's
// seeds: the layouts numpy.savez / savez_compressed write (stored or deflate members, ZIP64
// extras), with the offsets of every record returned so a test can damage exactly one field.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace kanalab::test {

enum class ZipMethod { Stored, Deflate };

struct ZipMember {
    std::string name;
    std::vector<std::uint8_t> bytes;  // the uncompressed content
    ZipMethod method = ZipMethod::Deflate;
    // As numpy writes large arrays (zipfile's force_zip64): the local header's sizes and the
    // directory's sizes and offset saturated (0xFFFFFFFF), the real values in ZIP64 extra fields.
    bool zip64 = false;
};

struct ZipOptions {
    bool zip64End = false;  // a ZIP64 end record and locator before the classic end record
    std::string comment;    // the archive comment after the end record
};

// The archive and where its records lie, for tests that edit bytes afterwards.
struct BuiltZip {
    std::vector<std::uint8_t> bytes;
    std::vector<std::size_t> localHeaders;    // per member: its local header ("PK\3\4")
    std::vector<std::size_t> dataOffsets;     // per member: its (compressed) data
    std::vector<std::size_t> dataSizes;       // per member: compressed bytes
    std::vector<std::size_t> centralHeaders;  // per member: its directory header ("PK\1\2")
    std::size_t zip64EndRecord = 0;           // 0 when there is none
    std::size_t endRecord = 0;                // the classic end record ("PK\5\6")
};

BuiltZip buildZip(const std::vector<ZipMember>& members, const ZipOptions& options = {});
// Just the bytes of buildZip.
std::vector<std::uint8_t> zipBytes(const std::vector<ZipMember>& members, const ZipOptions& options = {});

// A .npy file as numpy.save writes it: magic, version (1, 2 or 3), header length, the header
// dict padded with spaces to a multiple of 64 bytes and ended by '\n', then payload verbatim.
std::vector<std::uint8_t> npyBytes(const std::string& descr, const std::vector<std::int64_t>& shape, bool fortran,
                                   const std::vector<std::uint8_t>& payload, int version = 1);
// The same with any header text, for malformed headers (padded and ended by '\n' likewise
// unless pad is false).
std::vector<std::uint8_t> npyWithHeader(const std::string& header, const std::vector<std::uint8_t>& payload,
                                        int version = 1, bool pad = true);

// Raw deflate (no zlib or gzip wrapper), as zip members hold it.
std::vector<std::uint8_t> deflateRaw(const std::vector<std::uint8_t>& bytes, int level = 6);

// Little-endian field edits for damaging an archive in place.
void setLe16(std::vector<std::uint8_t>& bytes, std::size_t offset, std::uint16_t value);
void setLe32(std::vector<std::uint8_t>& bytes, std::size_t offset, std::uint32_t value);
void setLe64(std::vector<std::uint8_t>& bytes, std::size_t offset, std::uint64_t value);
std::uint32_t getLe32(const std::vector<std::uint8_t>& bytes, std::size_t offset);

}  // namespace kanalab::test
