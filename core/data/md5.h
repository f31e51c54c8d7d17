// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace kanalab {

// MD5 (RFC 1321), only to compare downloads with the checksums the datasets publish: it is
// not a defence against a malicious mirror, and nothing else in KanaLab should rely on it.
// Fed in pieces so a download is checked while it streams, without reading the file again.
class Md5 {
public:
    Md5() { reset(); }

    void update(const void* data, std::size_t size);
    void update(const std::string& text) { update(text.data(), text.size()); }
    // The digest as 32 lowercase hex digits; the object starts over afterwards.
    std::string finish();
    void reset();

private:
    void transform(const std::uint8_t* block);

    std::uint32_t m_state[4];
    std::uint64_t m_length = 0;  // bytes fed so far
    std::uint8_t m_buffer[64];
    std::size_t m_buffered = 0;
};

// MD5 of a whole string, lowercase hex.
std::string md5Hex(const std::string& bytes);

// MD5 of a file's bytes, lowercase hex. Throws kanalab::Error naming the file when it cannot be read.
std::string md5OfFile(const std::string& path);

}  // namespace kanalab
