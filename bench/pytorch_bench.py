#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The PyTorch side of KanaLab's benchmarks (bench/run.sh runs it; see bench/README.md).

The same three models as core/models (same layers, same parameter counts), trained with
torch.optim.Adam and cross-entropy exactly the way a PyTorch user writes it. One measurement
per process, printed as one `key=value` line on stdout so run.sh can interleave it with
KanaLab's executable.

Thread settings: OPENBLAS_NUM_THREADS must be set in the environment before this process
starts (OpenBLAS reads it when it loads); --threads sets torch.set_num_threads.

  pytorch_bench.py throughput --model lenet5 --batch 32 [--seconds 2] [--threads 1]
  pytorch_bench.py epoch --form torchvision|tensors --root DIR [--threads 1] [--batch 64]
  pytorch_bench.py rss --root DIR [--model cnn-vgg] [--batch 32] [--threads 2]
"""

import argparse
import os
import resource
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


def make_model(name, classes=10):
    """The layer sequences of core/models/{mlp,lenet5,cnn_vgg}.cpp (default options)."""
    if name == "mlp":  # 784-100-100-10, 89,610 parameters
        return nn.Sequential(
            nn.Flatten(),
            nn.Linear(784, 100), nn.ReLU(),
            nn.Linear(100, 100), nn.ReLU(),
            nn.Linear(100, classes))
    if name == "lenet5":  # 61,706 parameters
        return nn.Sequential(
            nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(),
            nn.Linear(16 * 5 * 5, 120), nn.ReLU(),
            nn.Linear(120, 84), nn.ReLU(),
            nn.Linear(84, classes))
    if name == "cnn-vgg":  # 540,298 parameters
        return nn.Sequential(
            nn.Conv2d(1, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(64, 128, 3, padding=1), nn.ReLU(),
            nn.Conv2d(128, 128, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(128, 256, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Dropout(0.5),
            nn.Flatten(),
            nn.Linear(256 * 3 * 3, classes))
    raise SystemExit("unknown model " + name)


EXPECTED_PARAMETERS = {"mlp": 89610, "lenet5": 61706, "cnn-vgg": 540298}


def checked_model(name):
    model = make_model(name)
    count = sum(p.numel() for p in model.parameters())
    if count != EXPECTED_PARAMETERS[name]:
        raise SystemExit(f"{name}: {count} parameters, KanaLab's has {EXPECTED_PARAMETERS[name]}")
    return model


def peak_rss_mb():
    # ru_maxrss is in KiB on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def train_step(model, optimizer, x, y):
    optimizer.zero_grad()
    loss = F.cross_entropy(model(x), y)
    loss.backward()
    optimizer.step()
    return loss


def throughput(args):
    torch.manual_seed(0)
    model = checked_model(args.model)
    model.train()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    # Random data of MNIST's shape, already normalised, made once: this case measures the
    # training step alone (the epoch cases measure the data path).
    x = torch.randn(args.batch, 1, 28, 28)
    y = torch.randint(0, 10, (args.batch,))
    for _ in range(args.warmup):
        train_step(model, optimizer, x, y)
    steps = 0
    start = time.perf_counter()
    elapsed = 0.0
    while elapsed < args.seconds or steps < args.min_steps:
        train_step(model, optimizer, x, y)
        steps += 1
        elapsed = time.perf_counter() - start
    print(f"img_s={steps * args.batch / elapsed:.1f} steps={steps} seconds={elapsed:.3f}")


def fashion_mnist_torchvision(root, train=True):
    import torchvision
    from torchvision import transforms
    return torchvision.datasets.FashionMNIST(root, train=train, download=False, transform=transforms.ToTensor())


def train_one_epoch(model, optimizer, batches):
    """The usual loop, with the running loss and accuracy a training script prints."""
    model.train()
    loss_sum, correct, seen = 0.0, 0, 0
    for x, y in batches:
        optimizer.zero_grad()
        logits = model(x)
        loss = F.cross_entropy(logits, y)
        loss.backward()
        optimizer.step()
        loss_sum += loss.item()
        correct += (logits.argmax(1) == y).sum().item()
        seen += y.numel()
    return loss_sum, correct / max(1, seen)


def tensor_batches(images, labels, batch, generator):
    order = torch.randperm(images.shape[0], generator=generator)
    images, labels = images[order], labels[order]
    for i in range(0, images.shape[0], batch):
        yield images[i:i + batch], labels[i:i + batch]


def run_epoch(args, model_name):
    """Reads the set, builds the model and trains one epoch; returns seconds from the first
    file read to the last optimizer step."""
    torch.manual_seed(0)
    if args.warmup > 0:
        # Warm-up on a throwaway model of the same shapes: thread pools start, oneDNN compiles
        # its kernels for these shapes. The timed part then starts from a warm process.
        warm = checked_model(model_name)
        warm_optimizer = torch.optim.Adam(warm.parameters(), lr=1e-3)
        x = torch.randn(args.batch, 1, 28, 28)
        y = torch.randint(0, 10, (args.batch,))
        for _ in range(args.warmup):
            train_step(warm, warm_optimizer, x, y)
        del warm, warm_optimizer
    start = time.perf_counter()
    model = checked_model(model_name)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    if args.form == "torchvision":
        dataset = fashion_mnist_torchvision(args.root)
        loader = torch.utils.data.DataLoader(dataset, batch_size=args.batch, shuffle=True,
                                             num_workers=args.workers)
        _, accuracy = train_one_epoch(model, optimizer, loader)
        images = len(dataset)
    else:
        from torchvision.datasets.mnist import read_image_file, read_label_file
        raw = os.path.join(args.root, "FashionMNIST", "raw")
        images_u8 = read_image_file(os.path.join(raw, "train-images-idx3-ubyte"))
        labels = read_label_file(os.path.join(raw, "train-labels-idx1-ubyte"))
        # The whole set as one float tensor in memory (188 MB for 60k), 0..1 like ToTensor.
        images_f = images_u8.unsqueeze(1).float().div_(255.0)
        del images_u8
        generator = torch.Generator().manual_seed(0)
        _, accuracy = train_one_epoch(model, optimizer, tensor_batches(images_f, labels, args.batch, generator))
        images = images_f.shape[0]
    seconds = time.perf_counter() - start
    return seconds, images, accuracy


def epoch(args):
    seconds, images, accuracy = run_epoch(args, args.model)
    print(f"seconds={seconds:.3f} images={images} train_accuracy={accuracy:.4f} "
          f"peak_rss_mb={peak_rss_mb():.1f}")


def rss(args):
    seconds, images, accuracy = run_epoch(args, args.model)
    print(f"peak_rss_mb={peak_rss_mb():.1f} seconds={seconds:.3f} images={images} "
          f"train_accuracy={accuracy:.4f}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)

    def common(p):
        p.add_argument("--threads", type=int, default=1, help="torch.set_num_threads")

    p = sub.add_parser("throughput")
    common(p)
    p.add_argument("--model", required=True, choices=sorted(EXPECTED_PARAMETERS))
    p.add_argument("--batch", type=int, required=True)
    p.add_argument("--seconds", type=float, default=2.0)
    p.add_argument("--min-steps", type=int, default=3)
    p.add_argument("--warmup", type=int, default=5)
    p.set_defaults(func=throughput)

    for name, func in (("epoch", epoch), ("rss", rss)):
        p = sub.add_parser(name)
        common(p)
        p.add_argument("--root", required=True, help="folder holding FashionMNIST/raw/ (uncompressed IDX files)")
        p.add_argument("--form", choices=["torchvision", "tensors"], default="torchvision")
        p.add_argument("--model", default="lenet5" if name == "epoch" else "cnn-vgg",
                       choices=sorted(EXPECTED_PARAMETERS))
        p.add_argument("--batch", type=int, default=64 if name == "epoch" else 32)
        p.add_argument("--workers", type=int, default=0, help="DataLoader num_workers")
        p.add_argument("--warmup", type=int, default=5 if name == "epoch" else 0,
                       help="training steps on a throwaway model before the timed part")
        p.set_defaults(func=func)

    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    args.func(args)
    blas = os.environ.get("OPENBLAS_NUM_THREADS", "unset")
    print(f"threads: torch={torch.get_num_threads()} OPENBLAS_NUM_THREADS={blas}", file=sys.stderr)


if __name__ == "__main__":
    main()
