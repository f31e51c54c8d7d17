// SPDX-License-Identifier: GPL-3.0-or-later
#include "common/atomic_file.h"

#include "common/error.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <unistd.h>

namespace kanalab {

void writeFileAtomically(const std::string& path, const std::string& bytes) {
    const std::string temporary = path + ".tmp";
    const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        throw Error("cannot write " + path + ": " + std::strerror(errno));
    auto fail = [&](const char* what) {
        const int saved = errno;
        ::close(fd);
        ::unlink(temporary.c_str());
        throw Error(std::string("cannot ") + what + " " + path + ": " + std::strerror(saved) +
                    (saved == ENOSPC ? " (free some disk space; the previous file is unchanged)" : ""));
    };
    std::size_t written = 0;
    while (written < bytes.size()) {
        const ssize_t n = ::write(fd, bytes.data() + written, bytes.size() - written);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            fail("write");
        }
        written += static_cast<std::size_t>(n);
    }
    if (::fsync(fd) != 0)
        fail("flush");
    if (::close(fd) != 0) {
        const int saved = errno;
        ::unlink(temporary.c_str());
        throw Error("cannot write " + path + ": " + std::strerror(saved));
    }
    if (std::rename(temporary.c_str(), path.c_str()) != 0) {
        const int saved = errno;
        ::unlink(temporary.c_str());
        throw Error("cannot rename " + temporary + " to " + path + ": " + std::strerror(saved));
    }
}

void makeDirectories(const std::string& path) {
    std::error_code error;
    std::filesystem::create_directories(path, error);
    if (error)
        throw Error("cannot create folder " + path + ": " + error.message());
}

}  // namespace kanalab
