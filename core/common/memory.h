// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

namespace kanalab {

// While one of these exists, memory the process frees stays in the process for reuse instead of
// going back to the kernel. Training allocates the same large buffers every batch (activations,
// their gradients, convolution workspaces: 51 MB for one cnn-vgg layer at batch 256); glibc
// serves blocks above 32 MB, and by default smaller ones too, with fresh mmap()s, and each
// fresh page costs a page fault and zeroing. Measured here: cnn-vgg at batch 256 trained at
// 290 img/s with fresh pages and 590 img/s with reused ones; mlp and LeNet-5 at batch 256 gained
// 17-23%. The price: the heap keeps its high-water mark until the last scope ends, when it is
// trimmed. Nests; process-wide (glibc only; elsewhere it does nothing).
class ReuseFreedMemoryScope {
public:
    ReuseFreedMemoryScope();
    ~ReuseFreedMemoryScope();
    ReuseFreedMemoryScope(const ReuseFreedMemoryScope&) = delete;
    ReuseFreedMemoryScope& operator=(const ReuseFreedMemoryScope&) = delete;
};

}  // namespace kanalab
