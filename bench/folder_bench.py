#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Your own images, KanaLab against torchvision on this machine (bench/folder_bench.sh runs it;
see bench/README.md).

  speed:  a generated folder of 50,000 32x32 colour PNGs (50 classes x 1,000, bench/make_image_folder.py).
          KanaLab: `kanalab-cli import` (timed: images/s) then `kanalab-cli train --model lenet5`
          for 3 epochs. PyTorch: ImageFolder + ToTensor + Normalize + DataLoader with
          num_workers=0 and =2 (bench/folder_pytorch.py). Same model, batch, optimizer, thread
          setting; no validation, no augmentation, no test split on either side.
          first epoch = from launching the commands to the end of epoch 1 (KanaLab: the import
          command + the train command up to its epoch-1 line; PyTorch: the script, Python's
          start-up and `import torch` included); later epochs = mean of epochs 2..N.
  memory: a generated 1,000,000-image 28x28 gray set written straight into the imported-dataset
          cache (bench/make_large_cache.py); `kanalab-cli train --model lenet5` one epoch under
          /usr/bin/time -v: peak RSS, and the largest RssAnon / RssFile seen in /proc meanwhile.

Every measurement is a fresh process; the sides alternate (A B C, then C B A); before each one
the script waits (up to --max-wait s) for the machine to quieten and notes the load average, and
during each it measures how many cores other programs used (/proc/stat, as bench/compare.py).

  folder_bench.py speed --cli build/app/kanalab-cli [--rounds 3] [--threads 2] [--epochs 3]
  folder_bench.py memory --cli build/app/kanalab-cli [--count 1000000] [--runs 2]
"""

import argparse
import csv
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from compare import cpu_busy_seconds, children_cpu_seconds, foreign_cores  # noqa: E402

PYTHON = "/usr/bin/python3"
DATASET = "folderbench"


def log(text):
    print(text, file=sys.stderr, flush=True)


def loadavg():
    with open("/proc/loadavg") as f:
        return float(f.read().split()[0])


def wait_quiet(max_foreign, max_wait):
    """Waits until other programs use at most max_foreign cores (a 2 s sample), at most max_wait s.
    Returns (seconds waited, the last sample)."""
    start = time.time()
    while True:
        sample = foreign_cores(2.0)
        if sample <= max_foreign or time.time() - start >= max_wait:
            return time.time() - start, sample
        log(f"  waiting: other programs use {sample:.2f} cores (load {loadavg():.2f})")
        time.sleep(10)


CLOCK_TICK = os.sysconf("SC_CLK_TCK")


def tree_cpu_seconds(pid):
    """CPU seconds used so far by pid and all its descendants (the reaped ones included, through
    cutime/cstime): DataLoader workers are child processes of the PyTorch script."""
    total, stack, seen = 0, [pid], set()
    while stack:
        p = stack.pop()
        if p in seen:
            continue
        seen.add(p)
        try:
            with open(f"/proc/{p}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += sum(int(v) for v in fields[11:15])  # utime stime cutime cstime
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as f:
                    stack.extend(int(c) for c in f.read().split())
        except (FileNotFoundError, ProcessLookupError, ValueError, IndexError):
            pass
    return total / CLOCK_TICK


def run_streaming(command, env, marker):
    """Runs command. Returns (marks, wall seconds, stdout lines): one mark per stdout line
    starting with marker, (seconds since launch, cores other programs used since the previous
    mark or the launch). stderr is shown only on failure."""
    start = time.perf_counter()
    err = tempfile.TemporaryFile(mode="w+")
    busy_prev, child0 = cpu_busy_seconds(), children_cpu_seconds()
    proc = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=err, text=True, bufsize=1)
    tree_prev, wall_prev = 0.0, 0.0
    marks, lines = [], []
    for line in proc.stdout:
        if line.startswith(marker):
            now, busy, tree = time.perf_counter() - start, cpu_busy_seconds(), tree_cpu_seconds(proc.pid)
            foreign = max(0.0, (busy - busy_prev) - (tree - tree_prev)) / max(1e-6, now - wall_prev)
            marks.append((now, foreign))
            busy_prev, tree_prev, wall_prev = busy, tree, now
        lines.append(line.rstrip("\n"))
    proc.wait()
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        err.seek(0)
        raise SystemExit(f"failed ({proc.returncode}): {' '.join(command)}\n" + "\n".join(lines) + "\n" + err.read())
    err.close()
    return marks, wall, lines


def run_counted(command, env):
    """subprocess.run, returning (completed process, wall seconds, cores other programs used)."""
    busy0, child0, start = cpu_busy_seconds(), children_cpu_seconds(), time.perf_counter()
    proc = subprocess.run(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - start
    foreign = max(0.0, (cpu_busy_seconds() - busy0) - (children_cpu_seconds() - child0)) / max(1e-6, wall)
    return proc, wall, foreign


class Measured:
    """Runs a job until its first epoch and its later epochs were each measured undisturbed once
    (at most --retries extra tries), waiting for a quiet machine before every try. A job returns
    a dict with first_foreign (cores other programs used up to the end of epoch 1) and
    later_foreign (the most they used during any later epoch); a part measured while they used
    more than --max-foreign is marked disturbed and left out of the medians."""

    def __init__(self, args):
        self.args = args
        self.records = []

    def __call__(self, label, job):
        for attempt in range(self.args.retries + 1):
            waited, _ = wait_quiet(self.args.max_foreign, self.args.max_wait)
            result = {"load_before": loadavg()}
            result.update(job())
            result["load_after"] = loadavg()
            result["waited_s"] = waited
            result["label"] = label + (f" retry {attempt}" if attempt else "")
            result["first_ok"] = result["first_foreign"] <= self.args.max_foreign
            result["later_ok"] = result.get("later_foreign", 0.0) <= self.args.max_foreign
            self.records.append(result)
            log(f"  {result['label']}: " + " ".join(f"{k}={v:.3f}" if isinstance(v, float) else f"{k}={v}"
                                                    for k, v in result.items() if k not in ("label", "epochs")))
            if result["first_ok"] and result["later_ok"]:
                break
            if attempt < self.args.retries:
                log("  disturbed by other programs: measuring again")
        return result


def read_metrics(run_dir):
    with open(os.path.join(run_dir, "metrics.csv")) as f:
        return [{k: float(v) if v not in ("", None) else float("nan") for k, v in row.items()} for row in csv.DictReader(f)]


def count_number(text):
    return float(text.replace(",", ""))


def model_parameters(cli, channels, size, classes):
    out = subprocess.run([cli, "models", "lenet5", "--channels", str(channels), "--size", str(size),
                          "--classes", str(classes)], stdout=subprocess.PIPE, text=True, check=True).stdout
    return int(re.search(r"total parameters: ([\d,]+)", out).group(1).replace(",", ""))


def clean_env(threads):
    env = dict(os.environ)
    for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS", "GOTO_NUM_THREADS", "KANALAB_DATA_DIR"):
        env.pop(var, None)
    env["OPENBLAS_NUM_THREADS"] = "1"  # the Python side; KanaLab gets --blas-threads 1
    return env


def median(values):
    values = [v for v in values if v == v]
    return statistics.median(values) if values else float("nan")


def speed(args):
    work = tempfile.mkdtemp(prefix="kanalab-folder-bench-", dir=args.tmp)
    try:
        images = args.images or os.path.join(work, "images")
        data_dir = os.path.join(work, "data")
        if not args.images:
            log(f"generating {args.classes} x {args.per_class} {args.size}x{args.size} colour PNGs in {images}")
            subprocess.run([PYTHON, os.path.join(HERE, "make_image_folder.py"), images, "--classes", str(args.classes),
                            "--per-class", str(args.per_class), "--size", str(args.size)], check=True)
        total = args.classes * args.per_class
        folder_mb = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(images) for f in fs) / 1e6
        params = model_parameters(args.cli, 3, args.size, args.classes)
        env = clean_env(args.threads)
        t = str(args.threads)
        common_train = ["--model", "lenet5", "--epochs", str(args.epochs), "--batch-size", str(args.batch),
                        "--optimizer", "adam", "--lr", "0.001", "--schedule", "constant", "--augment", "none",
                        "--val-split", "0", "--threads", t, "--blas-threads", "1", "--data-dir", data_dir]

        def kanalab():
            proc, import_wall, import_foreign = run_counted(
                [args.cli, "import", images, "--name", DATASET, "--size", str(args.size), "--channels", "3",
                 "--test-fraction", "0", "--threads", t, "--force", "--data-dir", data_dir], env)
            if proc.returncode != 0:
                raise SystemExit("import failed:\n" + proc.stdout + proc.stderr)
            report = re.search(r"imported ([\d,]+) images in .*? \(([\d,]+) images/s\)", proc.stdout)
            if not report or int(count_number(report.group(1))) != total:
                raise SystemExit("unexpected import report:\n" + proc.stdout)
            run_dir = os.path.join(work, "run")
            shutil.rmtree(run_dir, ignore_errors=True)
            marks, wall, lines = run_streaming([args.cli, "train", "--dataset", DATASET, *common_train, "--out", run_dir],
                                               env, "epoch ")
            metrics = read_metrics(run_dir)
            if len(metrics) != args.epochs or len(marks) != args.epochs:
                raise SystemExit(f"expected {args.epochs} epochs in metrics.csv:\n" + "\n".join(lines))
            seconds = [row["seconds"] for row in metrics]
            first = marks[0][0]
            return {"import_s": import_wall, "import_img_s": total / import_wall,
                    "import_reported_img_s": count_number(report.group(2)),
                    "train_to_epoch1_s": first, "first_epoch_s": import_wall + first,
                    "epoch1_s": seconds[0], "later_s": statistics.mean(seconds[1:]) if len(seconds) > 1 else float("nan"),
                    "train_wall_s": wall, "last_train_accuracy": metrics[-1]["train_accuracy"], "epochs": seconds,
                    "first_foreign": (import_foreign * import_wall + marks[0][1] * first) / (import_wall + first),
                    "later_foreign": max([f for _, f in marks[1:]], default=0.0)}

        def pytorch(workers):
            def job():
                marks, wall, lines = run_streaming(
                    [PYTHON, os.path.join(HERE, "folder_pytorch.py"), "--root", images, "--workers", str(workers),
                     "--threads", t, "--epochs", str(args.epochs), "--batch", str(args.batch), "--size", str(args.size),
                     "--expect-parameters", str(params)], env, "epoch=")
                values = []
                ready = float("nan")
                for line in lines:
                    fields = dict(tok.split("=", 1) for tok in line.split() if "=" in tok)
                    if line.startswith("ready"):
                        ready = float(fields["seconds"])
                    elif line.startswith("epoch="):
                        values.append(fields)
                seconds = [float(v["seconds"]) for v in values]
                if len(seconds) != args.epochs or len(marks) != args.epochs or int(values[0]["images"]) != total:
                    raise SystemExit("unexpected PyTorch output:\n" + "\n".join(lines))
                first = marks[0][0]
                return {"first_epoch_s": first, "startup_s": ready, "first_epoch_after_startup_s": first - ready,
                        "epoch1_s": seconds[0], "later_s": statistics.mean(seconds[1:]) if len(seconds) > 1 else float("nan"),
                        "train_wall_s": wall, "last_train_accuracy": float(values[-1]["train_accuracy"]),
                        "epochs": seconds, "first_foreign": marks[0][1],
                        "later_foreign": max([f for _, f in marks[1:]], default=0.0)}
            return job

        sides = [("kanalab", kanalab)] + [(f"pytorch-w{w}", pytorch(w)) for w in args.workers]
        measured = Measured(args)
        started = time.time()
        for r in range(args.rounds):
            order = sides if r % 2 == 0 else list(reversed(sides))
            for name, job in order:
                measured(f"round {r + 1} {name}", job)

        def records(name, part):
            # Only the parts measured undisturbed (first epoch, later epochs) enter the medians;
            # every try is still listed as a `run` line.
            mine = [x for x in measured.records if x["label"].split()[2] == name]
            quiet = [x for x in mine if x[part + "_ok"]]
            return quiet or mine

        def med(name, key, part):
            return median([x[key] for x in records(name, part)])

        k_first, k_later = med("kanalab", "first_epoch_s", "first"), med("kanalab", "later_s", "later")
        print(f"info images={total} classes={args.classes} size={args.size} folder_mb={folder_mb:.0f} "
              f"parameters={params} batch={args.batch} epochs={args.epochs} threads={args.threads} "
              f"openblas=1 rounds={args.rounds} minutes={(time.time() - started) / 60:.1f} max_foreign={args.max_foreign} " +
              " ".join(f"{name}_runs_first={len(records(name, 'first'))},later={len(records(name, 'later'))}"
                       for name, _ in sides))
        import_s = med("kanalab", "import_s", "first")
        print(f"case=folder-import kanalab_s={import_s:.2f} kanalab_img_s={total / import_s:.0f} "
              f"kanalab_reported_img_s={med('kanalab', 'import_reported_img_s', 'first'):.0f}")
        for name, _ in sides[1:]:
            p_first, p_later = med(name, "first_epoch_s", "first"), med(name, "later_s", "later")
            print(f"case=folder-first-epoch-{name} kanalab_s={k_first:.2f} pytorch_s={p_first:.2f} "
                  f"ratio={p_first / k_first:.2f} target=1.2")
            print(f"case=folder-later-epochs-{name} kanalab_s={k_later:.2f} pytorch_s={p_later:.2f} "
                  f"ratio={p_later / k_later:.2f} target=3")
        print(f"detail kanalab import_s={import_s:.2f} "
              f"train_to_epoch1_s={med('kanalab', 'train_to_epoch1_s', 'first'):.2f} "
              f"epoch1_s={med('kanalab', 'epoch1_s', 'first'):.2f} later_s={k_later:.2f} "
              f"train_accuracy={med('kanalab', 'last_train_accuracy', 'later'):.4f}")
        for name, _ in sides[1:]:
            print(f"detail {name} startup_s={med(name, 'startup_s', 'first'):.2f} "
                  f"first_epoch_after_startup_s={med(name, 'first_epoch_after_startup_s', 'first'):.2f} "
                  f"epoch1_s={med(name, 'epoch1_s', 'first'):.2f} later_s={med(name, 'later_s', 'later'):.2f} "
                  f"train_accuracy={med(name, 'last_train_accuracy', 'later'):.4f}")
        for rec in measured.records:
            print(f"run {rec['label'].replace(' ', '_')} first_epoch_s={rec['first_epoch_s']:.2f} "
                  f"later_s={rec['later_s']:.2f} epochs=" + ",".join(f"{s:.2f}" for s in rec["epochs"]) +
                  (f" import_s={rec['import_s']:.2f}" if "import_s" in rec else "") +
                  f" load_before={rec['load_before']:.2f} load_after={rec['load_after']:.2f} "
                  f"foreign_first={rec['first_foreign']:.2f} foreign_later={rec['later_foreign']:.2f} "
                  f"used={'first' if rec['first_ok'] else ''}{',' if rec['first_ok'] and rec['later_ok'] else ''}"
                  f"{'later' if rec['later_ok'] else ''}{'none' if not (rec['first_ok'] or rec['later_ok']) else ''}")
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
        else:
            log(f"kept {work}")


def rss_sampler(pid_holder, stop, peaks):
    """Samples /proc/PID/status of the process in pid_holder every 50 ms: the largest RssAnon,
    RssFile and VmRSS seen (KiB)."""
    while not stop.is_set():
        pid = pid_holder.get("pid")
        if pid:
            try:
                with open(f"/proc/{pid}/status") as f:
                    for line in f:
                        key = line.split(":")[0]
                        if key in ("VmRSS", "RssAnon", "RssFile", "RssShmem"):
                            peaks[key] = max(peaks.get(key, 0), int(line.split()[1]))
            except (FileNotFoundError, ProcessLookupError, IndexError, ValueError):
                pass
        time.sleep(0.05)


def memory(args):
    work = tempfile.mkdtemp(prefix="kanalab-memory-bench-", dir=args.tmp)
    try:
        data_dir = os.path.join(work, "data")
        name = "large1m"
        log(f"writing {args.count} 28x28 gray images into the imported cache in {data_dir}")
        subprocess.run([PYTHON, os.path.join(HERE, "make_large_cache.py"), data_dir, "--name", name,
                        "--count", str(args.count)], check=True)
        listed = subprocess.run([args.cli, "datasets", "--data-dir", data_dir], stdout=subprocess.PIPE, text=True,
                                check=True).stdout
        line = next((l for l in listed.splitlines() if l.startswith(name + " ")), None)
        if not line or f"train: {args.count} images" not in line:
            raise SystemExit(f"kanalab-cli datasets does not list {name} with {args.count} images:\n{listed}")
        log("datasets: " + line)
        inspected = subprocess.run([args.cli, "inspect", name, "--data-dir", data_dir], stdout=subprocess.PIPE,
                                   text=True, check=True).stdout
        log("inspect: " + inspected.splitlines()[0])
        env = clean_env(args.threads)
        variants = {
            "same-as-speed": ["--model", "lenet5", "--epochs", "1", "--batch-size", "64", "--optimizer", "adam",
                              "--lr", "0.001", "--schedule", "constant", "--augment", "none", "--val-split", "0"],
            "default-recipe": ["--model", "lenet5", "--epochs", "1"],
        }
        measured = Measured(args)
        for r in range(args.runs):
            for variant in args.variants:
                run_dir = os.path.join(work, "run")
                shutil.rmtree(run_dir, ignore_errors=True)
                time_file = os.path.join(work, "time.txt")
                command = ["/usr/bin/time", "-v", "-o", time_file, args.cli, "train", "--dataset", name,
                           *variants[variant], "--threads", str(args.threads), "--blas-threads", "1",
                           "--data-dir", data_dir, "--out", run_dir]

                def job():
                    holder, peaks, stop = {}, {}, threading.Event()
                    sampler = threading.Thread(target=rss_sampler, args=(holder, stop, peaks), daemon=True)
                    sampler.start()
                    start, busy0, child0 = time.perf_counter(), cpu_busy_seconds(), children_cpu_seconds()
                    proc = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
                    # /usr/bin/time forks the real process: sample that one.
                    for _ in range(200):
                        try:
                            with open(f"/proc/{proc.pid}/task/{proc.pid}/children") as f:
                                kids = f.read().split()
                            if kids:
                                holder["pid"] = int(kids[0])
                                break
                        except FileNotFoundError:
                            break
                        time.sleep(0.01)
                    out, _ = proc.communicate()
                    wall = time.perf_counter() - start
                    foreign = max(0.0, (cpu_busy_seconds() - busy0) - (children_cpu_seconds() - child0)) / wall
                    stop.set()
                    sampler.join()
                    if proc.returncode != 0:
                        raise SystemExit(f"failed: {' '.join(command)}\n{out}")
                    with open(time_file) as f:
                        timing = f.read()
                    maxrss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", timing).group(1))
                    metrics = read_metrics(run_dir)
                    # MB = 10^6 bytes throughout (the target, 1.2 GB, is 1,200 MB); KiB from the kernel.
                    return {"variant": variant, "peak_rss_mb": maxrss * 1024 / 1e6,
                            "peak_rss_anon_mb": peaks.get("RssAnon", 0) * 1024 / 1e6,
                            "peak_rss_file_mb": peaks.get("RssFile", 0) * 1024 / 1e6,
                            "epoch_s": metrics[0]["seconds"], "wall_s": wall,
                            "train_accuracy": metrics[0]["train_accuracy"],
                            "val_accuracy": metrics[0]["val_accuracy"], "first_foreign": foreign}

                measured(f"run {r + 1} {variant}", job)
        print(f"info images={args.count} size=28x28x1 cache_mb={args.count * 784 / 1e6:.0f} threads={args.threads} "
              f"openblas=1 runs={args.runs} limit_mb=1200 (MB = 10^6 bytes)")
        for variant in args.variants:
            recs = [x for x in measured.records if x["variant"] == variant]
            print(f"case=rss-lenet5-1m-{variant} peak_rss_mb={median([x['peak_rss_mb'] for x in recs]):.0f} "
                  f"rss_anon_mb={median([x['peak_rss_anon_mb'] for x in recs]):.0f} "
                  f"rss_file_mb={median([x['peak_rss_file_mb'] for x in recs]):.0f} "
                  f"epoch_s={median([x['epoch_s'] for x in recs]):.1f} "
                  f"train_accuracy={median([x['train_accuracy'] for x in recs]):.4f} runs={len(recs)}")
        for rec in measured.records:
            print(f"run {rec['label'].replace(' ', '_')} peak_rss_mb={rec['peak_rss_mb']:.0f} "
                  f"rss_anon_mb={rec['peak_rss_anon_mb']:.0f} rss_file_mb={rec['peak_rss_file_mb']:.0f} "
                  f"epoch_s={rec['epoch_s']:.1f} load_before={rec['load_before']:.2f} "
                  f"load_after={rec['load_after']:.2f} foreign_cores={rec['first_foreign']:.2f}")
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
        else:
            log(f"kept {work}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)

    def common(p):
        p.add_argument("--cli", required=True, help="the kanalab-cli executable")
        p.add_argument("--threads", type=int, default=2, help="LibTorch threads on both sides (OpenBLAS: 1)")
        p.add_argument("--tmp", default=None, help="where the generated data goes (default: $TMPDIR or /tmp)")
        p.add_argument("--keep", action="store_true", help="keep the generated data and runs")
        p.add_argument("--max-foreign", type=float, default=0.3,
                       help="wait before a measurement until other programs use at most this many cores")
        p.add_argument("--max-wait", type=float, default=300, help="seconds to wait for that at most")
        p.add_argument("--retries", type=int, default=3 if p.prog.endswith("speed") else 0,
                       help="extra tries of a measurement that other programs disturbed")

    p = sub.add_parser("speed")
    common(p)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--epochs", type=int, default=3)
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--classes", type=int, default=50)
    p.add_argument("--per-class", type=int, default=1000)
    p.add_argument("--size", type=int, default=32)
    p.add_argument("--images", help="an existing folder written by make_image_folder.py with these --classes, "
                                     "--per-class and --size (default: generate one, removed afterwards)")
    p.add_argument("--workers", type=lambda s: [int(v) for v in s.split(",")], default=[0, 2],
                   help="DataLoader num_workers settings, comma-separated (default 0,2)")
    p.set_defaults(func=speed)

    p = sub.add_parser("memory")
    common(p)
    p.add_argument("--count", type=int, default=1000000)
    p.add_argument("--runs", type=int, default=2)
    p.add_argument("--variants", type=lambda s: s.split(","), default=["same-as-speed", "default-recipe"],
                   help="same-as-speed (Adam 1e-3, batch 64, no validation, no augmentation) and/or "
                        "default-recipe (lenet5's default: validation 10 %%, augmentation)")
    p.set_defaults(func=memory)

    args = parser.parse_args()
    args.func(args)


if __name__ == "__main__":
    main()
