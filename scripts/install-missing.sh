#!/usr/bin/env bash
# Installs with apt-get those of the given Debian packages that are not installed yet; does
# nothing when all are (or when KANALAB_SKIP_APT=1). Shared by setup.sh, train-shipped-models.sh
# and bench/run.sh.
#
#   scripts/install-missing.sh PACKAGE...
set -euo pipefail
missing=()
for p in "$@"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})) && [[ "${KANALAB_SKIP_APT:-0}" != 1 ]]; then
  echo "installing ${missing[*]}" >&2
  sudo=""
  if [[ $(id -u) -ne 0 ]]; then sudo="sudo"; fi
  $sudo apt-get update -q >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q "${missing[@]}" >&2
fi
