// SPDX-License-Identifier: GPL-3.0-or-later
#include "data/byte_stream.h"

#include "common/error.h"

#include <zlib.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sys/stat.h>

namespace kanalab {
namespace {

bool hasGzipMagic(const std::vector<std::uint8_t>& bytes) {
    return bytes.size() >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b;
}

class PlainStream final : public ByteStream {
public:
    PlainStream(std::vector<std::uint8_t> bytes, std::string name)
        : ByteStream(std::move(name)), m_bytes(std::move(bytes)) {}

    std::size_t read(std::uint8_t* out, std::size_t count) override {
        const std::size_t n = std::min(count, m_bytes.size() - m_position);
        if (n > 0)
            std::memcpy(out, m_bytes.data() + m_position, n);
        m_position += n;
        return n;
    }
    bool isCompressed() const override { return false; }

private:
    std::vector<std::uint8_t> m_bytes;
    std::size_t m_position = 0;
};

class GzipStream final : public ByteStream {
public:
    GzipStream(std::vector<std::uint8_t> compressed, std::string name)
        : ByteStream(std::move(name)), m_compressed(std::move(compressed)) {
        std::memset(&m_zstream, 0, sizeof m_zstream);
        // 16 + MAX_WBITS: expect a gzip header and trailer (CRC and length are checked by zlib).
        if (inflateInit2(&m_zstream, 16 + MAX_WBITS) != Z_OK)
            throw Error(displayName() + ": cannot start the gzip decoder (out of memory?)");
        m_zstream.next_in = m_compressed.data();
        m_zstream.avail_in = static_cast<uInt>(m_compressed.size());
    }
    ~GzipStream() override { inflateEnd(&m_zstream); }

    std::size_t read(std::uint8_t* out, std::size_t count) override {
        std::size_t produced = 0;
        while (produced < count && !m_finished) {
            const std::size_t chunk = std::min<std::size_t>(count - produced, 1u << 30);
            m_zstream.next_out = out + produced;
            m_zstream.avail_out = static_cast<uInt>(chunk);
            const int status = inflate(&m_zstream, Z_NO_FLUSH);
            produced += chunk - m_zstream.avail_out;
            if (status == Z_STREAM_END) {
                // A gzip file may hold several members back to back (gzip -c a b > c); anything
                // else after the first member is trailing garbage that gzip(1) also ignores.
                const bool anotherMember = m_zstream.avail_in >= 2 && m_zstream.next_in[0] == 0x1f &&
                                           m_zstream.next_in[1] == 0x8b;
                if (anotherMember && inflateReset(&m_zstream) == Z_OK)
                    continue;
                m_finished = true;
            } else if (status == Z_BUF_ERROR && m_zstream.avail_in == 0) {
                // The input ran out before the gzip trailer: the download or copy was cut short.
                throw Error(displayName() + ": corrupt gzip stream: the compressed data ends early "
                            "(the file is truncated; download it again)");
            } else if (status != Z_OK && status != Z_BUF_ERROR) {
                const char* why = m_zstream.msg ? m_zstream.msg : "unknown error";
                throw Error(displayName() + ": corrupt gzip stream: " + why +
                            " (the file is damaged; download it again)");
            }
        }
        return produced;
    }

    bool isCompressed() const override { return true; }

private:
    std::vector<std::uint8_t> m_compressed;
    z_stream m_zstream;
    bool m_finished = false;
};

}  // namespace

std::size_t ByteStream::discard(std::size_t limit) {
    std::uint8_t buffer[4096];
    std::size_t total = 0;
    while (total < limit) {
        const std::size_t got = read(buffer, std::min(sizeof buffer, limit - total));
        if (got == 0)
            break;
        total += got;
    }
    return total;
}

namespace {

std::unique_ptr<ByteStream> makeStream(std::vector<std::uint8_t> bytes, const std::string& name) {
    if (hasGzipMagic(bytes))
        return std::make_unique<GzipStream>(std::move(bytes), name);
    return std::make_unique<PlainStream>(std::move(bytes), name);
}

}  // namespace

std::string fileNameOf(const std::string& path) {
    const auto slash = path.find_last_of('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::vector<std::uint8_t> readWholeFile(const std::string& path) {
    const std::string name = fileNameOf(path);
    struct stat info {};
    if (::stat(path.c_str(), &info) != 0) {
        if (errno == ENOENT)
            throw Error(path + ": no such file");
        throw Error(path + ": cannot read: " + std::strerror(errno));
    }
    if (S_ISDIR(info.st_mode))
        throw Error(path + ": is a directory, not a file");
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw Error(path + ": cannot open for reading: " + std::strerror(errno));
    std::vector<std::uint8_t> bytes(static_cast<std::size_t>(info.st_size));
    if (!bytes.empty() && !in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(bytes.size())))
        throw Error(path + ": read failed after " + std::to_string(in.gcount()) + " bytes");
    return bytes;
}

std::unique_ptr<ByteStream> ByteStream::openFile(const std::string& path) {
    return makeStream(readWholeFile(path), fileNameOf(path));
}

std::unique_ptr<ByteStream> ByteStream::fromMemory(const std::uint8_t* data, std::size_t size,
                                                   const std::string& displayName) {
    return makeStream(std::vector<std::uint8_t>(data, data + size), displayName);
}

}  // namespace kanalab
