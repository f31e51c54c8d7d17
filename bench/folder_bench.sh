#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Your own images, KanaLab against torchvision on this machine (bench/README.md):
#   bench/folder_bench.sh                 speed: 50,000 generated 32x32 colour PNGs, import + 3 epochs
#                                         of lenet5 against ImageFolder + DataLoader(num_workers=0, 2)
#   bench/folder_bench.sh --rounds 2 --threads 1
#   bench/folder_bench.sh memory          peak RSS of one lenet5 epoch on 1,000,000 generated 28x28 images
#   bench/folder_bench.sh memory --variants same-as-speed --runs 1
# Uses build/app/kanalab-cli (or $KANALAB_CLI; KANALAB_BUILD_DIR picks the build folder), building
# it only when it is missing. The generated data goes to a temporary folder ($TMPDIR or /tmp,
# about 250 MB for the PNGs, 800 MB for the million-image cache) and is removed afterwards.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
build="${KANALAB_BUILD_DIR:-$root/build}"
cli="${KANALAB_CLI:-$build/app/kanalab-cli}"
# The Python side: Debian's PyTorch, torchvision and Pillow (same LibTorch 1.13 as KanaLab's).
"$root/scripts/install-missing.sh" python3-torch python3-torchvision python3-pil python3-numpy
if [ ! -x "$cli" ]; then
  [ -f "$build/build.ninja" ] || BUILD_DIR="$build" "$root/scripts/setup.sh" >&2
  ninja -C "$build" -j2 kanalab-cli >&2
fi
mode=speed
if [[ "${1:-}" == speed || "${1:-}" == memory ]]; then mode="$1"; shift; fi
exec /usr/bin/python3 "$here/folder_bench.py" "$mode" --cli "$cli" "$@"
