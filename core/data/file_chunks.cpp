// SPDX-License-Identifier: GPL-3.0-or-later
#include "data/file_chunks.h"

#include "common/error.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace kanalab {

void forEachFileChunk(const std::string& path, const std::function<void(const std::uint8_t*, std::size_t)>& consume) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        throw Error("cannot read " + path + ": " + std::strerror(errno));
    std::uint8_t chunk[1 << 16];
    for (;;) {
        const ssize_t got = ::read(fd, chunk, sizeof chunk);
        if (got == 0)
            break;
        if (got < 0) {
            if (errno == EINTR)
                continue;
            const int error = errno;
            ::close(fd);
            throw Error("cannot read " + path + ": " + std::strerror(error));
        }
        try {
            consume(chunk, static_cast<std::size_t>(got));
        } catch (...) {
            ::close(fd);
            throw;
        }
    }
    ::close(fd);
}

}  // namespace kanalab
