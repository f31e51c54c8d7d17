// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace kanalab {

// SHA-256 (FIPS 180-4), for the files whose publisher gives no checksum (Kuzushiji-Kanji's
// kkanji.tar): KanaLab records the digest of the first download and checks later copies against
// it. Written here because nothing KanaLab links offers it (OpenSSL is not a dependency). Fed in
// pieces, like Md5, so a download is hashed while it streams.
class Sha256 {
public:
    Sha256() { reset(); }

    void update(const void* data, std::size_t size);
    void update(const std::string& text) { update(text.data(), text.size()); }
    // The digest as 64 lowercase hex digits; the object starts over afterwards.
    std::string finish();
    void reset();

private:
    void transform(const std::uint8_t* block);

    std::uint32_t m_state[8];
    std::uint64_t m_length = 0;  // bytes fed so far
    std::uint8_t m_buffer[64];
    std::size_t m_buffered = 0;
};

// SHA-256 of a whole string, lowercase hex.
std::string sha256Hex(const std::string& bytes);

// SHA-256 of a file's bytes, lowercase hex. Throws kanalab::Error naming the file when it cannot be read.
std::string sha256OfFile(const std::string& path);

}  // namespace kanalab
