#!/usr/bin/env bash
# Regenerates the accuracy table: every model with its default recipe on KMNIST (test-80-20),
# MNIST (test-80-20) and the full Fashion-MNIST (official 60k/10k split), with the training time.
# Each cell is one `kanalab-cli train` run whose exact command is printed in the table.
#
#   bench/accuracy_table.sh [--models "mlp lenet5 ..."] [--datasets "kmnist mnist fashion-mnist kmnist-full"]
#                           [--seeds "1 2 3"] [--threads N] [--out DIR]
#
# kmnist-full trains on the official 60k KMNIST train set (download it first:
# `kanalab-cli download kmnist`) and is not in the default list.
# Writes DIR/table.md (Markdown, one row per model and dataset) and DIR/results.tsv; run
# directories stay under DIR/runs for inspection (kanalab-cli eval DIR/runs/...).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cli="${KANALAB_CLI:-$here/build/app/kanalab-cli}"
shared="${KANALAB_TEST_DATA:-$here/../shared/data}"
models="mlp mlp-deep lenet5 cnn-vgg sep1d resnet18 resnet34 kanalab-best"
datasets="kmnist mnist fashion-mnist"
seeds="42"
threads=2
out="$here/bench/results/accuracy"
while (($#)); do
  case "$1" in
    --models) models="$2"; shift 2 ;;
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

tsv="$out/results.tsv"
[[ -f "$tsv" ]] || printf "model\tdataset\tseed\ttest_accuracy\ttrain_seconds\tthreads\tcommand\n" > "$tsv"
for dataset in $datasets; do
  for model in $models; do
    for seed in $seeds; do
      run="$out/runs/$dataset-$model-seed$seed"
      rm -rf "$run"
      # The whole training split is used (no validation set): these are final models.
      command="kanalab-cli train $(data_flags "$dataset") --model $model --val-split 0 --seed $seed --threads $threads"
      command="${command//$shared/../shared/data}"  # as a reader types it from the top of the checkout
      echo "== $command" >&2
      log="$run.log"
      # shellcheck disable=SC2086
      if "$cli" train $(data_flags "$dataset") --model "$model" --val-split 0 --seed "$seed" --threads "$threads" \
           --out "$run" > "$log" 2>&1; then
        accuracy=$(sed -n 's/.*"testAccuracy": \([0-9.]*\).*/\1/p' "$run/status.json")
        seconds=$(sed -n 's/.*"trainSeconds": \([0-9.]*\).*/\1/p' "$run/status.json")
        used=$(sed -n 's/^threads: \(.*\)/\1/p' "$log" | head -n 1)
        printf "%s\t%s\t%s\t%s\t%s\t%s\t%s\n" "$model" "$dataset" "$seed" "$accuracy" "$seconds" "$used" \
          "$command" >> "$tsv"
        echo "   test accuracy $accuracy in ${seconds}s" >&2
      else
        echo "   failed: $(tail -n 1 "$log")" >&2
        printf "%s\t%s\t%s\tfailed\t\t\t%s\n" "$model" "$dataset" "$seed" "$command" >> "$tsv"
      fi
    done
  done
done

# Markdown: one row per model and dataset, mean over seeds (and the spread when several).
python3 - "$tsv" > "$out/table.md" <<'PY'
import csv, sys, statistics
rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
cells = {}
for r in rows:
    if r["test_accuracy"] in ("", "failed"):
        continue
    cells.setdefault((r["model"], r["dataset"]), []).append(r)
print("| model | dataset | test accuracy | training time | threads | command |")
print("|---|---|---|---|---|---|")
for (model, dataset), rs in cells.items():
    acc = [100 * float(r["test_accuracy"]) for r in rs]
    secs = [float(r["train_seconds"]) for r in rs]
    spread = f" (±{statistics.pstdev(acc):.2f}, {len(acc)} seeds)" if len(acc) > 1 else ""
    command = rs[-1]["command"].replace("--seed " + rs[-1]["seed"], "--seed S") if len(rs) > 1 else rs[-1]["command"]
    print(f"| {model} | {dataset} | {statistics.mean(acc):.2f} %{spread} | {statistics.mean(secs):.0f} s | "
          f"{rs[-1]['threads']} | `{command}` |")
PY
cat "$out/table.md"
