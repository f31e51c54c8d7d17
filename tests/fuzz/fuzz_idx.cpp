// SPDX-License-Identifier: GPL-3.0-or-later
// libFuzzer target for the IDX parser: any input must end in a parsed array or a kanalab::Error.
// Anything else (another exception, a crash, a sanitizer report, a huge allocation) is a bug,
// so only kanalab::Error is caught and the fuzzer sees the rest.
#include "common/error.h"
#include "data/byte_stream.h"
#include "data/idx_reader.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>

namespace {

void parse(const std::uint8_t* data, std::size_t size, kanalab::IdxKind kind) {
    try {
        auto stream = kanalab::ByteStream::fromMemory(data, size, "fuzz-input");
        const kanalab::IdxArray array = kanalab::readIdx(*stream, kind);
        // A successful read must honour the header exactly: dims multiply to the payload size.
        std::uint64_t expected = 1;
        for (const std::int64_t dim : array.dims)
            expected *= static_cast<std::uint64_t>(dim);
        if (array.dims.empty() || expected != array.data.size())
            std::abort();
    } catch (const kanalab::Error&) {
        // The expected outcome for malformed input.
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    parse(data, size, kanalab::IdxKind::Images);
    parse(data, size, kanalab::IdxKind::Labels);
    return 0;
}
