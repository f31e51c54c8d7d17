#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Writes a deterministic folder of small colour PNGs, ROOT/CLASS/NNNNN.png, for
bench/folder_bench.py (see bench/README.md). Never inside the repository: the data is made on
the fly in a temporary folder and thrown away.

Each class has its own pair of colours, stripe angle and frequency and a blob in its own corner;
every image gets a random phase, a shift of up to 3 pixels, colour jitter and pixel noise, so a
LeNet-5 has something to learn but not a lookup table. Seeded: the same arguments write the same
bytes.

  make_image_folder.py ROOT [--classes 50] [--per-class 1000] [--size 32] [--seed 1]
"""

import argparse
import os
import sys
import time

import numpy as np
from PIL import Image


def class_styles(classes, rng):
    styles = []
    for _ in range(classes):
        styles.append({
            "fg": rng.randint(40, 256, size=3),
            "bg": rng.randint(0, 216, size=3),
            "angle": rng.uniform(0, np.pi),
            "freq": rng.uniform(0.15, 0.6),
            "blob": rng.uniform(0.25, 0.75, size=2),
        })
    return styles


def make_class_images(style, count, size, rng):
    """count images [count, size, size, 3] uint8 for one class."""
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float32)
    phase = rng.uniform(0, 2 * np.pi, size=(count, 1, 1)).astype(np.float32)
    shift = rng.randint(-3, 4, size=(count, 2)).astype(np.float32)
    x = xx[None] - shift[:, 0, None, None]
    y = yy[None] - shift[:, 1, None, None]
    a = style["angle"]
    u = x * np.cos(a) + y * np.sin(a)
    stripes = 0.5 + 0.5 * np.sin(style["freq"] * u + phase)
    cx, cy = style["blob"] * size
    blob = np.exp(-(((x - cx) ** 2 + (y - cy) ** 2) / (2 * (size / 8.0) ** 2)))
    mix = np.clip(0.6 * stripes + 0.8 * blob, 0, 1)[..., None]  # [count, size, size, 1]
    jitter = rng.randint(-25, 26, size=(count, 1, 1, 3))
    fg = np.clip(style["fg"][None, None, None, :] + jitter, 0, 255)
    bg = np.clip(style["bg"][None, None, None, :] - jitter, 0, 255)
    image = bg + (fg - bg) * mix + rng.normal(0, 10, size=(count, size, size, 3))
    return np.clip(image, 0, 255).astype(np.uint8)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("root")
    parser.add_argument("--classes", type=int, default=50)
    parser.add_argument("--per-class", type=int, default=1000)
    parser.add_argument("--size", type=int, default=32)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    started = time.time()
    rng = np.random.RandomState(args.seed)
    styles = class_styles(args.classes, rng)
    written = 0
    for c, style in enumerate(styles):
        folder = os.path.join(args.root, f"class{c:02d}")
        os.makedirs(folder, exist_ok=True)
        images = make_class_images(style, args.per_class, args.size, np.random.RandomState(args.seed * 1000 + c))
        for i in range(args.per_class):
            Image.fromarray(images[i], "RGB").save(os.path.join(folder, f"{i:05d}.png"))
        written += args.per_class
    print(f"wrote {written} {args.size}x{args.size} colour PNGs in {args.classes} classes to {args.root} "
          f"in {time.time() - started:.1f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
