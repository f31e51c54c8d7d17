#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# KanaLab vs PyTorch, side by side on this machine: builds kanalab-bench if needed, then runs
# both sides interleaved with repeats and prints one line per case (bench/README.md).
#   bench/run.sh            full run (3 rounds, ~20 minutes on 2 cores)
#   bench/run.sh --quick    one round, shorter measurements
#   bench/run.sh --cases lenet5-b32,mlp-b32 [--rounds 5] [--combos 1x1,2x1]
# KANALAB_BUILD_DIR picks the build folder (default: build/ at the top of the project).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
build="${KANALAB_BUILD_DIR:-$root/build}"
# The Python side: Debian's PyTorch and torchvision (same LibTorch 1.13 as KanaLab's).
"$root/scripts/install-missing.sh" python3-torch python3-torchvision
# A fresh machine: the packages and a first build (scripts/setup.sh, the README's setup).
[ -f "$build/build.ninja" ] || BUILD_DIR="$build" "$root/scripts/setup.sh" >&2
ninja -C "$build" -j2 kanalab-bench >&2
exec /usr/bin/python3 "$here/compare.py" --kanalab "$build/bench/kanalab-bench" "$@"
