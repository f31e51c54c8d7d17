#!/usr/bin/env bash
# Installs what KanaLab needs from Debian 12 (only what is missing), then configures and builds.
# Used by scripts/start.sh and scripts/test.sh; safe to run again (it only does what is left).
#   BUILD_DIR   build folder (default: build)
#   KANALAB_SKIP_APT=1   never call apt-get (for machines where someone else manages packages)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build_dir="${BUILD_DIR:-$here/build}"

packages=(
  build-essential cmake ninja-build pkg-config
  libtorch-dev libopenblas0-pthread      # LibTorch 1.13; OpenBLAS instead of the slow reference BLAS
  libdnnl-dev                            # oneDNN headers: Winograd 3x3 convolutions (core/models/winograd_conv.h)
  qt6-base-dev qt6-qpa-plugins libqcustomplot-dev
  libopencv-dev zlib1g-dev libcurl4-openssl-dev nlohmann-json3-dev libfreetype-dev
  libgtest-dev googletest
  libjpeg-dev                            # tests write CMYK JPEGs (tests/test_image_folder.cpp)
  fonts-noto-cjk                         # hiragana glyphs in the GUI
  dataset-fashion-mnist                  # the full Fashion-MNIST, 70k images
)

"$here/scripts/install-missing.sh" "${packages[@]}"

jobs="$(nproc)"
cmake -S "$here" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE="${CMAKE_BUILD_TYPE:-RelWithDebInfo}" ${KANALAB_CMAKE_ARGS:-}
# Each torch translation unit needs close to 1 GB of memory to compile: cap the jobs on small machines.
mem_gb=$(awk '/MemTotal/ {print int($2 / 1048576)}' /proc/meminfo)
if ((mem_gb < 2 * jobs)); then jobs=$((mem_gb / 2 > 0 ? mem_gb / 2 : 1)); fi
cmake --build "$build_dir" -j "$jobs"
