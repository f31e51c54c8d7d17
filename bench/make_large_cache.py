#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Writes a large generated 28x28 grayscale dataset straight into KanaLab's imported-dataset
cache format, DATA_DIR/imported/NAME/{dataset.json,images.u8,labels.i32}, for the memory
benchmark of bench/folder_bench.py (see bench/README.md). Decoding a million PNGs through
`kanalab-cli import` would take far longer than the training being measured; the cache written
here is exactly what an import writes (core/data/import.cpp, core/data/imported_source.cpp:
images as count x channels x rows x cols bytes, train then validation then test; labels as
little-endian int32), so training reads it through the same code path and the same memory map.

Images: ten stroke templates (one per class: bars, crosses, a ring, diagonals), each image
shifted by up to 3 pixels, its strokes' brightness jittered, plus noise. Seeded.

  make_large_cache.py DATA_DIR [--name large1m] [--count 1000000] [--seed 1]
"""

import argparse
import datetime
import json
import os
import sys
import time

import numpy as np

SIZE = 28
CLASSES = 10


def templates():
    yy, xx = np.mgrid[0:SIZE + 6, 0:SIZE + 6].astype(np.float32) - (SIZE + 6) / 2.0
    r = np.sqrt(xx ** 2 + yy ** 2)
    shapes = [
        np.abs(xx) < 2,                                    # vertical bar
        np.abs(yy) < 2,                                    # horizontal bar
        (np.abs(xx) < 2) | (np.abs(yy) < 2),               # cross
        np.abs(r - 8) < 1.6,                               # ring
        np.abs(xx - yy) < 2.2,                             # diagonal
        np.abs(xx + yy) < 2.2,                             # other diagonal
        (np.abs(xx - yy) < 2.2) | (np.abs(xx + yy) < 2.2),  # x
        (np.abs(yy + 6) < 2) | (np.abs(yy - 6) < 2),       # two bars
        (r < 5),                                           # dot
        (np.abs(xx) < 2) & (yy < 0) | (np.abs(yy) < 2) & (xx > 0),  # corner
    ]
    return np.stack([s.astype(np.float32) for s in shapes])  # [10, 34, 34]


def write_cache(folder, name, count, seed):
    os.makedirs(folder, exist_ok=True)
    rng = np.random.RandomState(seed)
    base = templates()
    labels = (np.arange(count) % CLASSES).astype(np.int32)
    rng.shuffle(labels)
    chunk = 50000
    with open(os.path.join(folder, "images.u8"), "wb") as out:
        for begin in range(0, count, chunk):
            end = min(count, begin + chunk)
            n = end - begin
            dx = rng.randint(0, 7, size=n)
            dy = rng.randint(0, 7, size=n)
            rows = (dy[:, None] + np.arange(SIZE)[None, :])[:, :, None]
            cols = (dx[:, None] + np.arange(SIZE)[None, :])[:, None, :]
            ink = base[labels[begin:end][:, None, None], rows, cols]  # [n, 28, 28]
            brightness = rng.uniform(150, 255, size=(n, 1, 1)).astype(np.float32)
            image = ink * brightness + rng.normal(0, 12, size=(n, SIZE, SIZE)).astype(np.float32)
            out.write(np.clip(image, 0, 255).astype(np.uint8).tobytes())
    with open(os.path.join(folder, "labels.i32"), "wb") as out:
        out.write(labels.astype("<i4").tobytes())
    meta = {
        "kanalabImportedDataset": 1,
        "name": name,
        "title": name,
        "description": f"{CLASSES} classes, {count} generated images (bench/make_large_cache.py)",
        "kind": "handwriting",
        "channels": 1,
        "rows": SIZE,
        "cols": SIZE,
        "classes": [{"label": f"shape{c}", "glyph": "", "romaji": ""} for c in range(CLASSES)],
        "sourcePath": "bench/make_large_cache.py",
        "layout": "generated",
        "fit": "pad",
        "train": {"first": 0, "count": count},
        "validation": {"first": count, "count": 0},
        "test": {"first": count, "count": 0},
        "fingerprint": "",
        "skipped": [],
        "notes": [],
        "importedAt": datetime.datetime.utcnow().strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    with open(os.path.join(folder, "dataset.json"), "w") as out:
        out.write(json.dumps(meta, indent=1) + "\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("data_dir")
    parser.add_argument("--name", default="large1m")
    parser.add_argument("--count", type=int, default=1000000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    started = time.time()
    folder = os.path.join(args.data_dir, "imported", args.name)
    write_cache(folder, args.name, args.count, args.seed)
    print(f"wrote {args.count} 28x28 gray images ({args.count * SIZE * SIZE / 1e6:.0f} MB) into {folder} "
          f"in {time.time() - started:.1f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
