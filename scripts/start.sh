#!/usr/bin/env bash
# Sets KanaLab up on Debian 12 (installing what is missing) and starts the GUI.
# Extra arguments go to the application.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$here/scripts/setup.sh"
exec "${BUILD_DIR:-$here/build}/app/kanalab" "$@"
