// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace kanalab {

// Reads a file front to back, inflating it on the fly when it starts with the gzip magic
// (1f 8b). Readers ask for exactly the bytes they need, so a lying header can never make us
// inflate more than it claims plus one byte. Errors throw kanalab::Error naming the file.
class ByteStream {
public:
    // Opens a file on disk. displayName is what messages call it (usually the file name).
    static std::unique_ptr<ByteStream> openFile(const std::string& path);
    // Reads bytes already in memory (the fuzzer and tests use this).
    static std::unique_ptr<ByteStream> fromMemory(const std::uint8_t* data, std::size_t size,
                                                  const std::string& displayName);

    virtual ~ByteStream() = default;

    // Copies up to count bytes into out; returns how many arrived (fewer only at the end).
    virtual std::size_t read(std::uint8_t* out, std::size_t count) = 0;
    // Reads and drops up to limit further bytes; returns how many there were. Used to tell
    // "the file is longer than its header says" without inflating a gzip bomb.
    std::size_t discard(std::size_t limit);
    virtual bool isCompressed() const = 0;

    const std::string& displayName() const { return m_displayName; }

protected:
    explicit ByteStream(std::string displayName) : m_displayName(std::move(displayName)) {}

private:
    std::string m_displayName;
};

// Reads a whole file into memory with a clear error when it cannot.
std::vector<std::uint8_t> readWholeFile(const std::string& path);

// The last path component: messages name files, not full paths, unless the path is short.
std::string fileNameOf(const std::string& path);

}  // namespace kanalab
