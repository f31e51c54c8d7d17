// SPDX-License-Identifier: GPL-3.0-or-later
// libFuzzer target for the CIFAR-10 batch and meta parsers and the tar reader: any input must end
// in a result or a kanalab::Error. Anything else (another exception, a crash, a sanitizer report,
// a huge allocation) is a bug, so only kanalab::Error is caught and the fuzzer sees the rest.
#include "common/error.h"
#include "data/byte_stream.h"
#include "data/cifar_reader.h"
#include "data/tar_reader.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

namespace {

void parseBatch(const std::uint8_t* data, std::size_t size, const std::string& name) {
    try {
        const kanalab::ImageSet set = kanalab::readCifarBatch(data, size, name);
        // A successful read holds every record: a label below 10 and 3,072 pixels each.
        if (set.labels.empty() || set.labels.size() * 3072 != set.pixels.size() || set.labels.size() * 3073 != size ||
            set.channels != 3 || set.rows != 32 || set.cols != 32)
            std::abort();
        for (const std::int64_t label : set.labels)
            if (label < 0 || label > 9)
                std::abort();
    } catch (const kanalab::Error&) {
        // The expected outcome for malformed input.
    }
}

void parseMeta(const std::string& text) {
    try {
        if (kanalab::parseCifarMeta(text, "fuzz-meta").size() != 10)
            std::abort();
    } catch (const kanalab::Error&) {
    }
}

void parseTar(const std::uint8_t* data, std::size_t size) {
    try {
        auto stream = kanalab::ByteStream::fromMemory(data, size, "fuzz-input");
        std::size_t visited = 0;
        const std::size_t count =
            kanalab::forEachTarEntry(*stream, [&](const kanalab::TarEntry& entry, kanalab::TarContents& contents) {
                ++visited;
                // The reader promises relative paths without '.', '..' or empty parts.
                const std::string& path = entry.path;
                if (path.empty() || path.front() == '/' || path.back() == '/' || path.find("//") != std::string::npos ||
                    ("/" + path + "/").find("/../") != std::string::npos ||
                    ("/" + path + "/").find("/./") != std::string::npos || entry.size > kanalab::kTarMaxEntryBytes)
                    std::abort();
                // Links, devices, folders and FIFOs carry no content (other types may).
                if (entry.type >= '1' && entry.type <= '6' && entry.size != 0)
                    std::abort();
                const std::vector<std::uint8_t> bytes = contents.readAll();
                if (bytes.size() != entry.size || contents.remaining() != 0)
                    std::abort();
                // Feed what the archive holds to the CIFAR parsers, as readCifar10Archive does.
                if (path.size() > 4 && path.compare(path.size() - 4, 4, ".bin") == 0)
                    parseBatch(bytes.data(), bytes.size(), path);
                else if (path.size() > 4 && path.compare(path.size() - 4, 4, ".txt") == 0)
                    parseMeta(std::string(bytes.begin(), bytes.end()));
            });
        if (count != visited)
            std::abort();
    } catch (const kanalab::Error&) {
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    parseBatch(data, size, "fuzz-input");
    parseMeta(std::string(reinterpret_cast<const char*>(data), size));
    parseTar(data, size);
    return 0;
}
