#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The plain-PyTorch recipe that kanalab-best has to beat (issue 6), written the way a skilled
PyTorch user writes it, so its accuracy and its training time can be measured on the machine at
hand, next to `kanalab-cli train --model kanalab-best`.

The recipe: a BN-VGG of five 3x3 conv layers 32-32-64-64-128 (each conv-BN-ReLU, 2x2 max pooling
after the 2nd, 4th and 5th), dropout 0.1 and one dense layer on the 3x3 map; random affine
augmentation of every batch through affine_grid / grid_sample (rotation 10 degrees, shift 8 %,
scale 0.9-1.1, shear 8 degrees); AdamW 3e-3 with weight decay 5e-4 and a one-cycle schedule;
cross-entropy with label smoothing 0.1; batch 64; 20 epochs.

Data: the official IDX files (gzipped or not) under DATA_DIR/DATASET/, split like KanaLab's
protocols: test-80-20 trains on the first 80 % of each class of the test file (file order) and
tests on the rest; official trains on the train file and tests on the test file.

Prints one `key=value` line: test_accuracy, train_seconds (the training loop only, like
KanaLab's trainSeconds), epochs, threads. Thread settings: set OPENBLAS_NUM_THREADS=1 in the
environment (bench/reference.sh does); --threads sets torch.set_num_threads.

  pytorch_reference.py --dataset kmnist --protocol test-80-20 --data-dir ../shared/data [--threads 2]
"""

import argparse
import gzip
import math
import os
import struct
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def read_idx(path):
    for candidate in (path, path + ".gz"):
        if os.path.exists(candidate):
            opener = gzip.open if candidate.endswith(".gz") else open
            with opener(candidate, "rb") as f:
                data = f.read()
            magic, = struct.unpack(">I", data[:4])
            dims = struct.unpack(">" + "I" * (magic & 0xFF), data[4:4 + 4 * (magic & 0xFF)])
            return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * len(dims)).reshape(dims)
    raise SystemExit(f"pytorch_reference.py: {path}[.gz] is missing")


def load(data_dir, dataset, protocol):
    folder = os.path.join(data_dir, dataset)
    test_x = read_idx(os.path.join(folder, "t10k-images-idx3-ubyte"))
    test_y = read_idx(os.path.join(folder, "t10k-labels-idx1-ubyte"))
    if protocol == "official":
        train_x = read_idx(os.path.join(folder, "train-images-idx3-ubyte"))
        train_y = read_idx(os.path.join(folder, "train-labels-idx1-ubyte"))
        return train_x, train_y, test_x, test_y
    head = np.zeros(len(test_y), dtype=bool)
    for c in range(10):
        members = np.flatnonzero(test_y == c)
        head[members[:int(round(0.8 * len(members)))]] = True
    return test_x[head], test_y[head], test_x[~head], test_y[~head]


def conv_bn_relu(cin, cout):
    return [nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True)]


def make_model():
    return nn.Sequential(
        *conv_bn_relu(1, 32), *conv_bn_relu(32, 32), nn.MaxPool2d(2),
        *conv_bn_relu(32, 64), *conv_bn_relu(64, 64), nn.MaxPool2d(2),
        *conv_bn_relu(64, 128), nn.MaxPool2d(2),
        nn.Flatten(), nn.Dropout(0.1), nn.Linear(128 * 3 * 3, 10))


def random_affine(x, generator):
    b = x.shape[0]
    u = lambda lo, hi: torch.empty(b).uniform_(lo, hi, generator=generator)
    angle = u(-10, 10) * math.pi / 180
    shear = u(-8, 8) * math.pi / 180
    scale = u(0.9, 1.1)
    tx, ty = u(-0.08, 0.08) * 2, u(-0.08, 0.08) * 2
    cos, sin, tan = torch.cos(angle), torch.sin(angle), torch.tan(shear)
    theta = torch.stack([torch.stack([cos / scale, (cos * tan - sin) / scale, tx], 1),
                         torch.stack([sin / scale, (sin * tan + cos) / scale, ty], 1)], 1)
    grid = F.affine_grid(theta, list(x.shape), align_corners=False)
    return F.grid_sample(x, grid, align_corners=False, padding_mode="zeros")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--dataset", default="kmnist")
    p.add_argument("--protocol", default="test-80-20", choices=["test-80-20", "official"])
    p.add_argument("--data-dir", default=os.path.join(os.path.dirname(__file__), "..", "..", "shared", "data"))
    p.add_argument("--epochs", type=int, default=20)
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--seed", type=int, default=42)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    generator = torch.Generator().manual_seed(a.seed)

    train_x, train_y, test_x, test_y = load(a.data_dir, a.dataset, a.protocol)
    train_x = torch.from_numpy(train_x.copy()).float().div_(255).unsqueeze(1)
    test_x = torch.from_numpy(test_x.copy()).float().div_(255).unsqueeze(1)
    train_y = torch.from_numpy(train_y.astype(np.int64))
    test_y = torch.from_numpy(test_y.astype(np.int64))
    mean, std = train_x.mean().item(), train_x.std().item()

    model = make_model()
    steps_per_epoch = math.ceil(len(train_y) / a.batch)
    optimizer = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=5e-4)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=3e-3, epochs=a.epochs,
                                                   steps_per_epoch=steps_per_epoch)
    start = time.perf_counter()
    for epoch in range(a.epochs):
        model.train()
        order = torch.randperm(len(train_y), generator=generator)
        for i in range(0, len(order), a.batch):
            index = order[i:i + a.batch]
            x = (random_affine(train_x[index], generator) - mean) / std
            loss = F.cross_entropy(model(x), train_y[index], label_smoothing=0.1)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            schedule.step()
        print(f"epoch {epoch + 1}/{a.epochs} loss {loss.item():.4f} {time.perf_counter() - start:.1f} s",
              file=sys.stderr, flush=True)
    seconds = time.perf_counter() - start

    model.eval()
    correct = 0
    with torch.no_grad():
        for i in range(0, len(test_y), 500):
            correct += (model((test_x[i:i + 500] - mean) / std).argmax(1) == test_y[i:i + 500]).sum().item()
    print(f"dataset={a.dataset} protocol={a.protocol} test_accuracy={correct / len(test_y):.4f} "
          f"train_seconds={seconds:.1f} epochs={a.epochs} threads={a.threads}")


if __name__ == "__main__":
    main()
