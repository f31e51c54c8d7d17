#!/usr/bin/env bash
# Fuzzes the IDX parser with libFuzzer for SECONDS (default 60) and reports the number of
# executions and any crash, leak, timeout or out-of-memory input it found.
#   scripts/fuzz-idx.sh 600
# Builds in build-fuzz/ (clang, ASan + UBSan, no GUI; only the fuzz_idx target is compiled) and
# keeps the growing corpus in build-fuzz/fuzz-corpus/ between runs. Exits 1 when it found something.
set -euo pipefail
seconds="${1:-60}"
if ! [[ "$seconds" =~ ^[0-9]+$ ]] || [ "$seconds" -lt 1 ]; then
    echo "usage: $0 SECONDS" >&2
    exit 2
fi
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build_dir="${FUZZ_BUILD_DIR:-$here/build-fuzz}"

if ! command -v clang++ >/dev/null; then
    echo "fuzz-idx: clang++ is needed (apt-get install clang)" >&2
    exit 1
fi

CC=clang CXX=clang++ cmake -S "$here" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DKANALAB_BUILD_FUZZERS=ON -DKANALAB_BUILD_GUI=OFF -DKANALAB_BUILD_BENCH=OFF -DKANALAB_USE_PCH=OFF >/dev/null
# Two cores are shared: build just the fuzzer and its seeds.
ninja -C "$build_dir" -j2 fuzz_idx fuzz_idx_seeds >/dev/null

fuzz_dir="$build_dir/tests/fuzz"
corpus="$build_dir/fuzz-corpus"
artifacts="$build_dir/fuzz-artifacts"
log="$build_dir/fuzz-idx.log"
mkdir -p "$corpus" "$artifacts"
known="$(find "$artifacts" -type f | sort)"

echo "fuzz-idx: fuzzing the IDX parser for $seconds s (log: $log)"
status=0
"$fuzz_dir/fuzz_idx" -max_total_time="$seconds" -print_final_stats=1 -timeout=10 -rss_limit_mb=1024 \
    -dict="$here/tests/fuzz/fuzz_idx.dict" -artifact_prefix="$artifacts/" \
    "$corpus" "$fuzz_dir/fuzz_idx_seeds" >"$log" 2>&1 || status=$?

execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
rss=$(sed -n 's/^stat::peak_rss_mb: *//p' "$log" | tail -n 1)
inputs=$(find "$corpus" -type f | wc -l)
echo "fuzz-idx: ${execs:-?} executions (${rate:-?}/s, peak RSS ${rss:-?} MB), corpus $inputs inputs"

new_artifacts="$(comm -13 <(echo "$known") <(find "$artifacts" -type f | sort) | sed '/^$/d')"
if [ "$status" -ne 0 ] || [ -n "$new_artifacts" ]; then
    echo "fuzz-idx: FOUND a problem (exit status $status); new inputs:" >&2
    sed 's/^/  /' <<<"$new_artifacts" >&2
    grep -m 5 -E "ERROR|SUMMARY|runtime error|deadly signal|out-of-memory|timeout" "$log" >&2 || true
    echo "fuzz-idx: reproduce with $fuzz_dir/fuzz_idx INPUT" >&2
    exit 1
fi
echo "fuzz-idx: no crash, leak, timeout or out-of-memory input found"
