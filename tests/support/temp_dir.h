// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace kanalab::test {

// A fresh folder under $TMPDIR, removed with everything in it when the object goes.
class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    const std::string& path() const { return m_path; }
    std::string file(const std::string& name) const { return m_path + "/" + name; }

private:
    std::string m_path;
};

void writeBytes(const std::string& path, const std::vector<std::uint8_t>& bytes);
std::vector<std::uint8_t> readBytes(const std::string& path);
// gzip-compresses bytes (a real .gz file, as the datasets ship). Level 0 stores the bytes
// verbatim ("stored" deflate blocks), so a test can damage one chosen byte of content.
std::vector<std::uint8_t> gzipBytes(const std::vector<std::uint8_t>& bytes, int level = 9);

}  // namespace kanalab::test
