#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Writes the KMNIST test-80-20 protocol as an image folder, for the README's seed-style runs.

    bench/kmnist_png_copy.py OUT_DIR [--idx-dir ../shared/data/kmnist]

OUT_DIR/train/NN-label/IIIII.png holds the first 80 % of each class of the official 10,000 test
images (file order), OUT_DIR/test/... the last 20 %: exactly the split KanaLab's
`--split-protocol test-80-20` makes from the IDX files. Class folders are numbered so that their
sorted order is KMNIST's class order, and file names are the image's index in the IDX file, so the
seeded validation split taken from train/ picks the same images as on the IDX files. Pure Python
(gzip + zlib), no imaging library needed.
"""
import argparse
import gzip
import os
import struct
import sys
import zlib

LABELS = ["o", "ki", "su", "tsu", "na", "ha", "ma", "ya", "re", "wo"]


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    magic, count = struct.unpack(">II", data[:8])
    if magic == 0x803:
        rows, cols = struct.unpack(">II", data[8:16])
        return count, rows, cols, data[16:]
    if magic == 0x801:
        return count, 0, 0, data[8:]
    sys.exit(f"{path}: not an IDX file (magic {magic:#x})")


def png_gray(width, height, pixels):
    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + pixels[r * width:(r + 1) * width] for r in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out")
    here = os.path.dirname(os.path.abspath(__file__))
    parser.add_argument("--idx-dir", default=os.path.join(here, "..", "..", "shared", "data", "kmnist"))
    args = parser.parse_args()
    count, rows, cols, images = read_idx(os.path.join(args.idx_dir, "t10k-images-idx3-ubyte.gz"))
    labels_count, _, _, labels = read_idx(os.path.join(args.idx_dir, "t10k-labels-idx1-ubyte.gz"))
    if labels_count != count:
        sys.exit(f"{count} images but {labels_count} labels")
    by_class = [[] for _ in LABELS]
    for i in range(count):
        by_class[labels[i]].append(i)
    size = rows * cols
    written = 0
    for c, members in enumerate(by_class):
        head = int(round(0.8 * len(members)))  # as perClassHeadTail in core/data/splits.cpp
        for split, part in (("train", members[:head]), ("test", members[head:])):
            folder = os.path.join(args.out, split, f"{c:02d}-{LABELS[c]}")
            os.makedirs(folder, exist_ok=True)
            for i in part:
                with open(os.path.join(folder, f"{i:05d}.png"), "wb") as f:
                    f.write(png_gray(cols, rows, images[i * size:(i + 1) * size]))
                written += 1
    print(f"wrote {written} PNG files under {args.out} (train: first 80 % of each class, test: the rest)")


if __name__ == "__main__":
    main()
