#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Writes a tiny seed corpus for fuzz_idx: valid IDX images and labels files, plain and
gzipped, plus a few near misses. Generated, never copied from the datasets (the official files
are far too large to be useful seeds, and they must not enter the repository)."""
import gzip
import os
import struct
import sys


def idx(magic, dims, payload):
    return struct.pack(">I", magic) + b"".join(struct.pack(">I", d) for d in dims) + payload


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "seeds"
    os.makedirs(out, exist_ok=True)
    seeds = {
        "images-1x1x1": idx(0x803, [1, 1, 1], b"\x7f"),
        "images-2x3x2": idx(0x803, [2, 3, 2], bytes(range(12))),
        "images-3x4x4": idx(0x803, [3, 4, 4], bytes((i * 37) & 0xFF for i in range(48))),
        "labels-1": idx(0x801, [1], b"\x09"),
        "labels-10": idx(0x801, [10], bytes(range(10))),
        # Near misses that reach the deeper checks quickly.
        "images-truncated": idx(0x803, [4, 2, 2], bytes(9)),
        "images-trailing": idx(0x803, [1, 2, 2], bytes(4) + b"xyz"),
        "labels-zero": idx(0x801, [0], b""),
    }
    for name, data in seeds.items():
        with open(os.path.join(out, name + ".idx"), "wb") as f:
            f.write(data)
        # mtime=0 keeps the corpus byte-identical from run to run.
        with open(os.path.join(out, name + ".idx.gz"), "wb") as f:
            f.write(gzip.compress(data, compresslevel=9, mtime=0))
    # Two gzip members back to back, as `gzip -c a b` writes them.
    data = idx(0x801, [6], bytes(range(6)))
    with open(os.path.join(out, "labels-two-members.gz"), "wb") as f:
        f.write(gzip.compress(data[:7], mtime=0) + gzip.compress(data[7:], mtime=0))
    print(f"{len(os.listdir(out))} seed files in {out}")


if __name__ == "__main__":
    main()
