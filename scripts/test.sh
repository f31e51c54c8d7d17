#!/usr/bin/env bash
# Sets KanaLab up on Debian 12 (installing what is missing), builds it and runs every test.
# Tests read datasets from ../shared/data beside the checkout (or $KANALAB_TEST_DATA) and skip,
# saying so, what needs data that is absent. GUI tests run offscreen: no display needed.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build_dir="${BUILD_DIR:-$here/build}"
"$here/scripts/setup.sh"
export QT_QPA_PLATFORM="${QT_QPA_PLATFORM:-offscreen}"
cd "$build_dir"
ctest --output-on-failure -j "$(nproc)" "$@"
