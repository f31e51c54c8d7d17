#!/usr/bin/env bash
# Regenerates the accuracy table: every model with its default recipe on KMNIST (test-80-20),
# MNIST (test-80-20) and the full Fashion-MNIST (official 60k/10k split), with the training time;
# optionally named recipes (the published presets) and the plain-PyTorch reference recipe
# (bench/pytorch_reference.py) on the same machine, whose training time is the budget
# kanalab-best is held to. Each cell is one `kanalab-cli train` run whose exact command is printed.
#
#   bench/accuracy_table.sh [--models "mlp lenet5 ..."] [--recipes "mlp-published ..."] [--reference]
#                           [--datasets "kmnist mnist fashion-mnist kmnist-full"] [--seeds "1 2 3"]
#                           [--threads N] [--out DIR]
#
# --models "" with --recipes runs only those recipes. kmnist-full trains on the official 60k KMNIST
# train set (download it first: `kanalab-cli download kmnist`) and is not in the default list.
# Writes DIR/table.md (a grid, then every cell with its command) and DIR/results.tsv, where a cell
# run again replaces its earlier line; run directories stay under DIR/runs for inspection
# (kanalab-cli eval DIR/runs/...).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cli="${KANALAB_CLI:-$here/build/app/kanalab-cli}"
shared="${KANALAB_TEST_DATA:-$here/../shared/data}"
models="mlp mlp-deep lenet5 cnn-vgg sep1d resnet18 resnet34 kanalab-best"
recipes=""
reference=0
datasets="kmnist mnist fashion-mnist"
seeds="42"
threads=2
out="$here/bench/results/accuracy"
while (($#)); do
  case "$1" in
    --models) models="$2"; shift 2 ;;
    --recipes) recipes="$2"; shift 2 ;;
    --reference) reference=1; shift ;;
    --datasets) datasets="$2"; shift 2 ;;
    --seeds) seeds="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    *) echo "accuracy_table.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
[[ -x "$cli" ]] || cmake --build "$here/build" --target kanalab-cli
mkdir -p "$out/runs"

data_flags() {
  case "$1" in
    kmnist|mnist) echo "--dataset $1 --split-protocol test-80-20 --data-dir $shared" ;;
    kmnist-full) echo "--dataset kmnist --split-protocol official" ;;
    fashion-mnist) echo "--dataset fashion-mnist --split-protocol official" ;;
    *) echo "accuracy_table.sh: unknown dataset $1" >&2; exit 2 ;;
  esac
}

# Where bench/pytorch_reference.py finds each dataset's IDX files.
reference_flags() {
  case "$1" in
    kmnist|mnist) echo "--dataset $1 --protocol test-80-20 --data-dir $shared" ;;
    kmnist-full) echo "--dataset kmnist --protocol official --data-dir ${KANALAB_DATA_DIR:-$HOME/.local/share/KanaLab}" ;;
    fashion-mnist) echo "--dataset fashion-mnist --protocol official --data-dir /usr/share/datasets" ;;
  esac
}

# The whole training split is used (no validation set): these are final models. A recipe that
# stops early on a falling validation accuracy keeps its validation split (10 %).
split_flags() {
  case "$1" in
    sep1d-published) echo "" ;;
    *) echo "--val-split 0" ;;
  esac
}

tsv="$out/results.tsv"
[[ -f "$tsv" ]] || printf "entry\tdataset\tseed\ttest_accuracy\ttrain_seconds\tthreads\tcommand\n" > "$tsv"
record() {  # entry dataset seed accuracy seconds threads command: replaces the cell's earlier line
  local tmp="$tsv.tmp"
  awk -F'\t' -v e="$1" -v d="$2" -v s="$3" '!($1 == e && $2 == d && $3 == s)' "$tsv" > "$tmp"
  printf "%s\t%s\t%s\t%s\t%s\t%s\t%s\n" "$@" >> "$tmp"
  mv "$tmp" "$tsv"
}
readable() { echo "${1//$shared/../shared/data}"; }  # as a reader types it from the top of the checkout

train_cell() {  # entry dataset seed selector-flags...
  local entry="$1" dataset="$2" seed="$3"
  shift 3
  local run="$out/runs/$dataset-$entry-seed$seed"
  rm -rf "$run"
  local flags
  flags="$(data_flags "$dataset") $* $(split_flags "$entry") --seed $seed --threads $threads"
  local command
  command="$(readable "kanalab-cli train $flags")"
  echo "== $command" >&2
  local log="$run.log"
  # shellcheck disable=SC2086
  if "$cli" train $flags --out "$run" > "$log" 2>&1; then
    local accuracy seconds used
    accuracy=$(sed -n 's/.*"testAccuracy": \([0-9.]*\).*/\1/p' "$run/status.json")
    seconds=$(sed -n 's/.*"trainSeconds": \([0-9.]*\).*/\1/p' "$run/status.json")
    used=$(sed -n 's/^threads: \(.*\)/\1/p' "$log" | head -n 1)
    record "$entry" "$dataset" "$seed" "$accuracy" "$seconds" "$used" "$command"
    echo "   test accuracy $accuracy in ${seconds}s" >&2
  else
    echo "   failed: $(tail -n 1 "$log")" >&2
    record "$entry" "$dataset" "$seed" "failed" "" "" "$command"
  fi
}

reference_cell() {  # dataset seed
  local dataset="$1" seed="$2"
  local flags
  flags="$(reference_flags "$dataset") --seed $seed --threads $threads"
  local command
  command="$(readable "OPENBLAS_NUM_THREADS=1 bench/pytorch_reference.py $flags")"
  echo "== $command" >&2
  local log="$out/runs/$dataset-pytorch-reference-seed$seed.log" line
  # shellcheck disable=SC2086
  if OPENBLAS_NUM_THREADS=1 /usr/bin/python3 "$here/bench/pytorch_reference.py" $flags > "$log" 2>&1 &&
     line=$(grep '^dataset=' "$log"); then
    local accuracy seconds
    accuracy=$(sed -n 's/.*test_accuracy=\([0-9.]*\).*/\1/p' <<< "$line")
    seconds=$(sed -n 's/.*train_seconds=\([0-9.]*\).*/\1/p' <<< "$line")
    record "pytorch-reference" "$dataset" "$seed" "$accuracy" "$seconds" "$threads torch threads, 1 OpenBLAS thread" \
      "$command"
    echo "   test accuracy $accuracy in ${seconds}s" >&2
  else
    echo "   failed: $(tail -n 1 "$log")" >&2
    record "pytorch-reference" "$dataset" "$seed" "failed" "" "" "$command"
  fi
}

for dataset in $datasets; do
  for seed in $seeds; do
    ((reference)) && reference_cell "$dataset" "$seed"
    for model in $models; do
      train_cell "$model" "$dataset" "$seed" --model "$model"
    done
    for recipe in $recipes; do
      train_cell "$recipe" "$dataset" "$seed" --recipe "$recipe"
    done
  done
done

# Markdown: a grid (entries x datasets, mean over seeds with the spread when several), then every
# cell with its command.
python3 - "$tsv" > "$out/table.md" <<'PY'
import csv, sys, statistics
rows = [r for r in csv.DictReader(open(sys.argv[1]), delimiter="\t") if r["test_accuracy"] not in ("", "failed")]
cells, entries, datasets = {}, [], []
for r in rows:
    cells.setdefault((r["entry"], r["dataset"]), []).append(r)
    entries += [r["entry"]] if r["entry"] not in entries else []
    datasets += [r["dataset"]] if r["dataset"] not in datasets else []

def duration(seconds):
    return f"{seconds:.0f} s" if seconds < 600 else f"{seconds / 60:.1f} min"

def summary(rs):
    acc = [100 * float(r["test_accuracy"]) for r in rs]
    secs = [float(r["train_seconds"]) for r in rs]
    spread = f" (±{statistics.pstdev(acc):.2f}, {len(acc)} seeds)" if len(acc) > 1 else ""
    return f"{statistics.mean(acc):.2f} %{spread}, {duration(statistics.mean(secs))}"

print("| entry | " + " | ".join(datasets) + " |")
print("|---|" + "---|" * len(datasets))
for e in entries:
    print(f"| {e} | " + " | ".join(summary(cells[(e, d)]) if (e, d) in cells else "–" for d in datasets) + " |")
print()
print("| entry | dataset | test accuracy | training time | threads | command |")
print("|---|---|---|---|---|---|")
for (entry, dataset), rs in cells.items():
    command = rs[-1]["command"].replace("--seed " + rs[-1]["seed"], "--seed S") if len(rs) > 1 else rs[-1]["command"]
    print(f"| {entry} | {dataset} | {summary(rs)} | {rs[-1]['threads']} | `{command}` |")
PY
cat "$out/table.md"
