// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// NumPy's .npy arrays and .npz archives (a zip of .npy files), as the official Kuzushiji-49 and
// KMNIST downloads ship them: each .npz holds one array arr_0.npy, images uint8 (N, 28, 28) or
// labels uint8 (N,). Only the standard library and zlib: no Python, and never pickle, so a
// hostile file can at worst produce a kanalab::Error. Every size a file claims is checked
// against the bytes actually present before anything is allocated for it.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace kanalab {

// No array or zip entry may claim more than this: K49's training images, the largest file we
// read, are 182 MB, and the cap keeps a corrupt header from asking for an absurd allocation.
constexpr std::uint64_t kNpyMaxPayloadBytes = std::uint64_t(4) << 30;

// One array as stored: the raw element bytes in the file's byte order, C (row-major) order.
struct NpyArray {
    std::string descr;  // the dtype as written, "|u1", "<i8", ">u2", "<f4"
    char kind = 'u';    // 'u' unsigned, 'i' signed, 'b' bool, 'f' float
    int itemBytes = 1;  // bytes per element: 1, 2, 4 or 8
    bool bigEndian = false;
    std::vector<std::int64_t> shape;  // empty for a scalar
    std::vector<std::uint8_t> data;   // exactly elementCount() * itemBytes bytes
    std::string entryName;            // the .npz member it came from ("arr_0.npy"); empty for a .npy file

    // The product of shape (1 for a scalar): what data holds, in elements.
    std::int64_t elementCount() const;
};

// Parses a whole .npy file (versions 1.0, 2.0 and 3.0). displayName is what messages call it.
// Refuses object (pickled) arrays, Fortran order, structured dtypes, and a payload that is not
// exactly what the header describes.
NpyArray readNpy(const std::uint8_t* data, std::size_t size, const std::string& displayName);

// Every member name of a .npz (zip) archive, in directory order: for listings and messages.
std::vector<std::string> npzEntryNames(const std::uint8_t* data, std::size_t size, const std::string& displayName);

// The array named entry ("arr_0" or "arr_0.npy"); with entry empty, the archive must hold
// exactly one .npy (else an error listing what it holds). Stored and deflate members, ZIP64;
// the CRC-32, the sizes and the local header are all checked against the central directory.
NpyArray readNpzArray(const std::uint8_t* data, std::size_t size, const std::string& displayName,
                      const std::string& entry = "");

// Reads a .npz file from disk, or a plain .npy file (told apart by its magic bytes, not its
// name; entry is then ignored). Messages name the file by its last path component.
NpyArray readNpzFile(const std::string& path, const std::string& entry = "");

// Images as the dataset layer holds them.
struct NpyImages {
    std::int64_t count = 0;
    int channels = 1;
    int rows = 0;
    int cols = 0;
    std::vector<std::uint8_t> pixels;  // count x channels x rows x cols (planar, row-major)
};

// uint8 only (anything else is refused, not rescaled: guessing a range would silently change
// what the model sees). Shape (N, H, W), (N, H, W, C) or (N, C, H, W) with C 1 or 3; HWC is
// converted to planar CHW. When both the second and the last dimension could be channels
// ((N, 3, 5, 3)), channels-last wins: it is what NumPy, PIL and OpenCV write.
NpyImages npyToImages(NpyArray&& array, const std::string& displayName);

// Class labels from any integer dtype and byte order, shape (N,) or (N, 1). Negative labels are
// refused; whether a label is below the dataset's class count is the caller's check.
std::vector<std::int64_t> npyToLabels(const NpyArray& array, const std::string& displayName);

// "uint8", "int64", "float32", "bool": NumPy's name for an array's element type, for messages.
std::string npyTypeName(const NpyArray& array);

}  // namespace kanalab
