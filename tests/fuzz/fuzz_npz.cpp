// SPDX-License-Identifier: GPL-3.0-or-later
// libFuzzer target for the .npz / .npy reader: any input must end in a parsed array or a
// kanalab::Error, both as a zip archive and as a bare .npy, and so must converting what was read
// to images and labels. Anything else (another exception, a crash, a sanitizer report, a huge
// allocation) is a bug, so only kanalab::Error is caught and the fuzzer sees the rest.
#include "common/error.h"
#include "data/npz_reader.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <utility>
#include <vector>

namespace {

// A successful read must honour the header exactly: the shape's elements fill the payload.
void checkArray(const kanalab::NpyArray& array) {
    if (array.itemBytes <= 0 || array.data.size() != static_cast<std::uint64_t>(array.elementCount()) *
                                                         static_cast<std::uint64_t>(array.itemBytes))
        std::abort();
}

void convert(kanalab::NpyArray array) {
    try {
        const std::vector<std::int64_t> labels = kanalab::npyToLabels(array, "fuzz-input");
        if (labels.size() != static_cast<std::size_t>(array.shape.front()))
            std::abort();
        for (const std::int64_t label : labels)
            if (label < 0)
                std::abort();
    } catch (const kanalab::Error&) {
    }
    try {
        const kanalab::NpyImages images = kanalab::npyToImages(std::move(array), "fuzz-input");
        const std::uint64_t expected = static_cast<std::uint64_t>(images.count) * images.channels *
                                       static_cast<std::uint64_t>(images.rows) * images.cols;
        if (images.count <= 0 || (images.channels != 1 && images.channels != 3) || expected != images.pixels.size())
            std::abort();
    } catch (const kanalab::Error&) {
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    try {
        kanalab::NpyArray array = kanalab::readNpzArray(data, size, "fuzz-input");
        checkArray(array);
        convert(std::move(array));
    } catch (const kanalab::Error&) {
        // The expected outcome for malformed input.
    }
    try {
        kanalab::NpyArray array = kanalab::readNpy(data, size, "fuzz-input");
        checkArray(array);
        convert(std::move(array));
    } catch (const kanalab::Error&) {
    }
    try {
        kanalab::npzEntryNames(data, size, "fuzz-input");
    } catch (const kanalab::Error&) {
    }
    return 0;
}
