// SPDX-License-Identifier: GPL-3.0-or-later
// libFuzzer target for the listing of a tar of class folders (Kuzushiji-Kanji's kkanji.tar, read
// by `import` and by the download's structure check): any input must end in a listing or a
// kanalab::Error. Anything else (another exception, a crash, a sanitizer report) is a bug, so
// only kanalab::Error is caught and the fuzzer sees the rest.
#include "common/error.h"
#include "data/byte_stream.h"
#include "data/folder_scan.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto stream = kanalab::ByteStream::fromMemory(data, size, "fuzz.tar");
    try {
        const kanalab::ImportListing listing = kanalab::scanTarClassFolders(*stream, "fuzz.tar");
        // Every listed image belongs to a listed class and has a size only when its header gave one.
        for (const auto& item : listing.pool)
            if (item.classIndex < 0 || item.classIndex >= static_cast<std::int64_t>(listing.classes.size()) ||
                (item.rows > 0) != (item.cols > 0))
                std::abort();
    } catch (const kanalab::Error&) {
        // The expected outcome for malformed input.
    }
    return 0;
}
