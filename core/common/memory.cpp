// SPDX-License-Identifier: GPL-3.0-or-later
#include "common/memory.h"

#include <mutex>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace kanalab {
namespace {

std::mutex g_mutex;
int g_depth = 0;

}  // namespace

ReuseFreedMemoryScope::ReuseFreedMemoryScope() {
    std::lock_guard<std::mutex> lock(g_mutex);
    if (g_depth++ > 0)
        return;
#if defined(__GLIBC__)
    mallopt(M_MMAP_MAX, 0);  // every block from the heap, where freed blocks are reused
    mallopt(M_TRIM_THRESHOLD, 1 << 30);  // and the heap's top is not handed back between batches
#endif
}

ReuseFreedMemoryScope::~ReuseFreedMemoryScope() {
    std::lock_guard<std::mutex> lock(g_mutex);
    if (--g_depth > 0)
        return;
#if defined(__GLIBC__)
    mallopt(M_MMAP_MAX, 65536);         // glibc's defaults
    mallopt(M_TRIM_THRESHOLD, 128 * 1024);
    malloc_trim(0);
#endif
}

}  // namespace kanalab
