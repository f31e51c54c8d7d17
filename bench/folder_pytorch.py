#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The PyTorch side of bench/folder_bench.py (see bench/README.md): LeNet-5 trained on a folder
of PNGs the way the torchvision tutorials do it, ImageFolder (PIL decode) + ToTensor +
Normalize + DataLoader(shuffle=True, num_workers=W).

The model is KanaLab's lenet5 (core/models/lenet5.cpp, default options) for C x S x S inputs:
conv 6@5x5 pad 2, ReLU, max pool 2, conv 16@5x5, ReLU, max pool 2, 120, 84, classes; LibTorch's
default initialisation is PyTorch's. Adam (lr 1e-3, betas 0.9/0.999, eps 1e-8, no weight decay),
cross-entropy, batch 64, the running loss (`loss.item()`) and correct count every batch, and the
model with its optimizer state saved after every epoch (KanaLab writes checkpoints/last.pt).

Prints one line per finished epoch on stdout, flushed, so the driver can timestamp it:
  epoch=1 seconds=12.3 train_loss=... train_accuracy=... images=50000
and before the first: `ready seconds=S` (S: from the first line of this script to just before
the dataset is opened, i.e. Python's start-up and `import torch`).

OPENBLAS_NUM_THREADS must be set in the environment (OpenBLAS reads it when it loads);
--threads sets torch.set_num_threads in the main process (DataLoader workers run 1 thread).

  folder_pytorch.py --root IMAGES [--workers 0|2] [--threads 2] [--epochs 3] [--batch 64]
"""

import time

_started = time.perf_counter()

import argparse
import os
import sys
import tempfile

import torch
import torch.nn as nn
import torch.nn.functional as F


def lenet5(channels, size, classes):
    after = (size // 2 - 4) // 2  # conv1 keeps the size (pad 2), pool halves, conv2 takes 4, pool halves
    return nn.Sequential(
        nn.Conv2d(channels, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(16 * after * after, 120), nn.ReLU(),
        nn.Linear(120, 84), nn.ReLU(),
        nn.Linear(84, classes))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--root", required=True, help="ROOT/CLASS/*.png")
    parser.add_argument("--workers", type=int, default=0, help="DataLoader num_workers")
    parser.add_argument("--threads", type=int, default=2, help="torch.set_num_threads")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--size", type=int, default=32)
    parser.add_argument("--expect-parameters", type=int, default=0, help="fail unless the model has this many")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)

    import torchvision
    from torchvision import transforms

    print(f"ready seconds={time.perf_counter() - _started:.3f}", flush=True)
    transform = transforms.Compose([
        transforms.ToTensor(),
        # Constants, as a tutorial writes them: per-batch work is the same whatever the values.
        transforms.Normalize((0.5, 0.5, 0.5), (0.25, 0.25, 0.25)),
    ])
    dataset = torchvision.datasets.ImageFolder(args.root, transform=transform)
    classes = len(dataset.classes)
    model = lenet5(3, args.size, classes)
    parameters = sum(p.numel() for p in model.parameters())
    if args.expect_parameters and parameters != args.expect_parameters:
        raise SystemExit(f"lenet5: {parameters} parameters, KanaLab's has {args.expect_parameters}")
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loader = torch.utils.data.DataLoader(dataset, batch_size=args.batch, shuffle=True, num_workers=args.workers)
    checkpoint = os.path.join(tempfile.mkdtemp(prefix="kanalab-folder-pytorch-"), "last.pt")
    for epoch in range(1, args.epochs + 1):
        start = time.perf_counter()
        model.train()
        loss_sum, correct, seen, batches = 0.0, 0, 0, 0
        for x, y in loader:
            optimizer.zero_grad()
            logits = model(x)
            loss = F.cross_entropy(logits, y)
            loss.backward()
            optimizer.step()
            loss_sum += loss.item()
            correct += (logits.argmax(1) == y).sum().item()
            seen += y.numel()
            batches += 1
        torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(), "epoch": epoch}, checkpoint)
        seconds = time.perf_counter() - start
        print(f"epoch={epoch} seconds={seconds:.3f} train_loss={loss_sum / max(1, batches):.4f} "
              f"train_accuracy={correct / max(1, seen):.4f} images={seen} parameters={parameters}", flush=True)
    os.remove(checkpoint)
    os.rmdir(os.path.dirname(checkpoint))
    print(f"threads: torch={torch.get_num_threads()} OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS', 'unset')} "
          f"workers={args.workers}", file=sys.stderr)


if __name__ == "__main__":
    main()
