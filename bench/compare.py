#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Runs KanaLab's kanalab-bench and bench/pytorch_bench.py side by side and prints one line per
case. Called by bench/run.sh (which builds first); see bench/README.md.

Every measurement is a fresh process. KanaLab and PyTorch alternate (A B, then B A in the next
round), each case is repeated, and the median of the repeats is reported. Each side is
measured at every thread setting (LibTorch intra-op threads 1 and 2 x OpenBLAS threads 1 and 2)
and reported at its own best.

The machine is shared: a measurement during which other processes used more than
--max-foreign of a core (from /proc/stat, minus what our own child used) is thrown away and
repeated, because OpenMP threads that share a core with another program slow down many-fold.
"""

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
PYTHON = "/usr/bin/python3"
FASHION = "/usr/share/datasets/fashion-mnist"
FILES = ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"]

THROUGHPUT_CASES = [("mlp", 32), ("mlp", 256), ("lenet5", 32), ("lenet5", 256), ("cnn-vgg", 32), ("cnn-vgg", 256)]
ALL_CASES = [f"{m}-b{b}" for m, b in THROUGHPUT_CASES] + [
    "epoch-lenet5-torchvision", "epoch-lenet5-tensors", "rss-cnn-vgg"]
COMBOS = [(1, 1), (2, 1), (1, 2), (2, 2)]  # (LibTorch threads, OpenBLAS threads)


def log(text):
    print(text, file=sys.stderr, flush=True)


def cpu_busy_seconds():
    """Seconds of CPU time the whole machine spent not idle (all cores), and stolen by the host."""
    with open("/proc/stat") as f:
        fields = f.readline().split()[1:]
    values = [int(v) for v in fields]
    user, nice, system, idle, iowait, irq, softirq, steal = (values + [0] * 8)[:8]
    tick = os.sysconf("SC_CLK_TCK")
    return (user + nice + system + irq + softirq + steal) / tick


def own_cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def children_cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def foreign_cores(seconds=1.0):
    """Cores other programs use now (this process is idle meanwhile): a /proc/stat sample."""
    busy0, own0, wall0 = cpu_busy_seconds(), own_cpu_seconds(), time.time()
    time.sleep(seconds)
    return max(0.0, (cpu_busy_seconds() - busy0) - (own_cpu_seconds() - own0)) / (time.time() - wall0)


def wait_for_idle_cores(max_foreign, max_wait):
    """Waits (at most max_wait s) until other programs use at most max_foreign of a core."""
    start = time.time()
    while time.time() - start < max_wait:
        if foreign_cores() <= max_foreign:
            return True
    return False


class Runner:
    def __init__(self, args):
        self.args = args
        self.discarded = 0

    def run_once(self, command, env):
        busy0, child0, wall0 = cpu_busy_seconds(), children_cpu_seconds(), time.time()
        proc = subprocess.run(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        busy1, child1, wall1 = cpu_busy_seconds(), children_cpu_seconds(), time.time()
        if proc.returncode != 0:
            raise SystemExit(f"failed ({proc.returncode}): {' '.join(command)}\n{proc.stderr}")
        foreign = max(0.0, (busy1 - busy0) - (child1 - child0)) / max(1e-6, wall1 - wall0)
        values = {}
        for token in proc.stdout.split():
            if "=" in token:
                key, value = token.split("=", 1)
                try:
                    values[key] = float(value)
                except ValueError:
                    values[key] = value
        return values, foreign, proc.stderr

    def measure(self, command, env):
        """Runs until a measurement is not disturbed by other programs (or tries run out)."""
        for attempt in range(self.args.retries + 1):
            values, foreign, stderr = self.run_once(command, env)
            if foreign <= self.args.max_foreign:
                return values
            self.discarded += 1
            log(f"  discarded (other programs used {foreign:.2f} cores): {' '.join(command[1:])}")
            if not wait_for_idle_cores(self.args.max_foreign, 180):
                log("  the machine stayed busy for 3 minutes; measuring anyway")
        log("  kept a disturbed measurement: the machine stayed busy")
        return values


def prepare_data(root):
    """Uncompressed Fashion-MNIST files, in the layouts both sides expect:
    root/fashion-mnist/ (KanaLab's data folder) and root/FashionMNIST/raw/ (torchvision)."""
    import gzip
    ours = os.path.join(root, "fashion-mnist")
    raw = os.path.join(root, "FashionMNIST", "raw")
    os.makedirs(ours, exist_ok=True)
    os.makedirs(raw, exist_ok=True)
    for name in FILES:
        with gzip.open(os.path.join(FASHION, name + ".gz"), "rb") as src, open(os.path.join(ours, name), "wb") as dst:
            shutil.copyfileobj(src, dst)
        os.symlink(os.path.join(ours, name), os.path.join(raw, name))


def median(values):
    return statistics.median(values) if values else float("nan")


def fmt_threads(combo, side):
    t, b = combo
    return f"{'libtorch' if side == 'kanalab' else 'torch'}={t},openblas={b}"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kanalab", required=True, help="path of the kanalab-bench executable")
    parser.add_argument("--quick", action="store_true", help="one round, shorter measurements")
    parser.add_argument("--rounds", type=int, help="repeats per case (default 3, --quick 1)")
    parser.add_argument("--seconds", type=float, help="timed seconds per throughput measurement (default 2)")
    parser.add_argument("--cases", help="comma-separated subset of: " + ",".join(ALL_CASES))
    parser.add_argument("--combos", help="thread settings to try, e.g. 1x1,2x1 (LibTorch x OpenBLAS; default all four)")
    parser.add_argument("--max-foreign", type=float, default=0.2,
                        help="cores other programs may use during a measurement before it is repeated")
    parser.add_argument("--retries", type=int, default=3)
    args = parser.parse_args()
    rounds = args.rounds or (1 if args.quick else 3)
    seconds = args.seconds or (1.0 if args.quick else 2.0)
    cases = args.cases.split(",") if args.cases else ALL_CASES
    for c in cases:
        if c not in ALL_CASES:
            raise SystemExit(f"unknown case {c}; cases are {', '.join(ALL_CASES)}")
    combos = COMBOS
    if args.combos:
        combos = [tuple(int(v) for v in c.split("x")) for c in args.combos.split(",")]

    others = foreign_cores(2.0)
    if others > args.max_foreign:
        log(f"other programs use {others:.2f} cores: waiting up to 10 minutes for the machine to quieten")
        if not wait_for_idle_cores(args.max_foreign, 600):
            log("warning: the machine stayed busy; disturbed measurements will be repeated or flagged")

    runner = Runner(args)
    base_env = dict(os.environ)
    for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS", "GOTO_NUM_THREADS"):
        base_env.pop(var, None)

    def kanalab_cmd(sub, combo, *extra):
        return [args.kanalab, sub, "--threads", str(combo[0]), "--blas", str(combo[1]), *extra]

    def pytorch_cmd(sub, combo, *extra):
        return [PYTHON, os.path.join(HERE, "pytorch_bench.py"), sub, "--threads", str(combo[0]), *extra]

    def env_for(combo):
        env = dict(base_env)
        env["OPENBLAS_NUM_THREADS"] = str(combo[1])  # read by OpenBLAS when it loads (Python side)
        return env

    results = {}  # (case, side, combo) -> [values]
    started = time.time()
    tput = [(m, b) for m, b in THROUGHPUT_CASES if f"{m}-b{b}" in cases]
    for r in range(rounds):
        for model, batch in tput:
            case = f"{model}-b{batch}"
            warmup = "2" if (model == "cnn-vgg" and batch >= 256) else "5"
            extra = ["--model", model, "--batch", str(batch), "--seconds", str(seconds), "--warmup", warmup]
            for combo in combos:
                sides = ["kanalab", "pytorch"] if r % 2 == 0 else ["pytorch", "kanalab"]
                for side in sides:
                    cmd = (kanalab_cmd if side == "kanalab" else pytorch_cmd)("throughput", combo, *extra)
                    values = runner.measure(cmd, env_for(combo))
                    results.setdefault((case, side, combo), []).append(values["img_s"])
            log(f"round {r + 1}/{rounds} {case}: " + "  ".join(
                f"{side[0].upper()}{t}x{b}={results[(case, side, (t, b))][-1]:.0f}"
                for (t, b) in combos for side in ("kanalab", "pytorch")))

    def best(case, side):
        candidates = [(median(results[(case, side, c)]), c) for c in combos if (case, side, c) in results]
        return max(candidates) if candidates else (float("nan"), None)

    lines, thread_lines, detail = [], [], []
    for model, batch in tput:
        case = f"{model}-b{batch}"
        (k, kc), (p, pc) = best(case, "kanalab"), best(case, "pytorch")
        lines.append(f"case={case} kanalab_img_s={k:.0f} pytorch_img_s={p:.0f} ratio={k / p:.2f}")
        thread_lines.append(f"threads case={case} kanalab={fmt_threads(kc, 'kanalab')} pytorch={fmt_threads(pc, 'pytorch')}")
        for combo in combos:
            detail.append(f"detail case={case} threads={combo[0]}x{combo[1]} "
                          f"kanalab_img_s={median(results[(case, 'kanalab', combo)]):.0f} "
                          f"pytorch_img_s={median(results[(case, 'pytorch', combo)]):.0f} "
                          f"runs={len(results[(case, 'kanalab', combo)])}")

    need_data = any(c.startswith("epoch-") or c.startswith("rss-") for c in cases)
    data_root = tempfile.mkdtemp(prefix="kanalab-bench-data-") if need_data else None
    try:
        if need_data:
            prepare_data(data_root)
        epoch_cases = [c for c in cases if c.startswith("epoch-")]
        if epoch_cases:
            # LeNet-5 is convolutional: OpenBLAS threads hardly matter (its dense layers are tiny),
            # so the epoch is timed at 1 and 2 LibTorch threads with 1 OpenBLAS thread.
            epoch_combos = [(1, 1), (2, 1)]
            forms = [c.split("-")[-1] for c in epoch_cases]
            for r in range(rounds):
                for combo in epoch_combos:
                    jobs = [("kanalab", None)] + [("pytorch", f) for f in forms]
                    if r % 2 == 1:
                        jobs.reverse()
                    for side, form in jobs:
                        if side == "kanalab":
                            cmd = kanalab_cmd("epoch", combo, "--data-dir", data_root)
                        else:
                            cmd = pytorch_cmd("epoch", combo, "--root", data_root, "--form", form)
                        values = runner.measure(cmd, env_for(combo))
                        key = "epoch" if side == "kanalab" else f"epoch-{form}"
                        results.setdefault((key, side, combo), []).append(values["seconds"])
                    log(f"round {r + 1}/{rounds} epoch {combo[0]}x{combo[1]}: " + "  ".join(
                        f"{k[0]}:{k[1]}={v[-1]:.2f}s" for k, v in results.items()
                        if k[2] == combo and k[0].startswith("epoch")))

            def fastest(key, side):
                return min((median(results[(key, side, c)]), c) for c in epoch_combos)

            k, kc = fastest("epoch", "kanalab")
            for form in forms:
                p, pc = fastest(f"epoch-{form}", "pytorch")
                case = f"epoch-lenet5-{form}"
                lines.append(f"case={case} kanalab_s={k:.2f} pytorch_s={p:.2f} ratio={p / k:.2f}")
                thread_lines.append(f"threads case={case} kanalab={fmt_threads(kc, 'kanalab')} "
                                    f"pytorch={fmt_threads(pc, 'pytorch')}")
            for combo in epoch_combos:
                detail.append(f"detail case=epoch-lenet5 threads={combo[0]}x{combo[1]} "
                              f"kanalab_s={median(results[('epoch', 'kanalab', combo)]):.2f} " + " ".join(
                                  f"pytorch_{form}_s={median(results[(f'epoch-{form}', 'pytorch', combo)]):.2f}"
                                  for form in forms) + f" runs={len(results[('epoch', 'kanalab', combo)])}")

        if "rss-cnn-vgg" in cases:
            # Peak RSS barely depends on threads: each side runs at its best cnn-vgg-b32 setting
            # when that case ran, else 2 LibTorch threads and 1 OpenBLAS thread. Once per side
            # (a full epoch of cnn-vgg takes minutes), each in a fresh process.
            kc = best("cnn-vgg-b32", "kanalab")[1] if "cnn-vgg-b32" in cases else (2, 1)
            pc = best("cnn-vgg-b32", "pytorch")[1] if "cnn-vgg-b32" in cases else (2, 1)
            kv = runner.measure(kanalab_cmd("rss", kc, "--data-dir", data_root), env_for(kc))
            log(f"rss kanalab: {kv}")
            pv = runner.measure(pytorch_cmd("rss", pc, "--root", data_root, "--form", "torchvision"), env_for(pc))
            log(f"rss pytorch: {pv}")
            k, p = kv["peak_rss_mb"], pv["peak_rss_mb"]
            lines.append(f"case=rss-cnn-vgg kanalab_mb={k:.0f} pytorch_mb={p:.0f} ratio={p / k:.2f}")
            thread_lines.append(f"threads case=rss-cnn-vgg kanalab={fmt_threads(kc, 'kanalab')} "
                                f"pytorch={fmt_threads(pc, 'pytorch')}")
            detail.append(f"detail case=rss-cnn-vgg kanalab_epoch_s={kv['seconds']:.1f} "
                          f"pytorch_epoch_s={pv['seconds']:.1f} kanalab_train_accuracy={kv['train_accuracy']} "
                          f"pytorch_train_accuracy={pv['train_accuracy']}")
    finally:
        if data_root:
            shutil.rmtree(data_root, ignore_errors=True)

    auto = subprocess.run([args.kanalab, "threads"], stdout=subprocess.PIPE, text=True).stdout.strip()
    print("\n".join(lines))
    print("\n".join(thread_lines))
    print("\n".join(detail))
    print(f"info rounds={rounds} seconds_per_measurement={seconds} discarded_measurements={runner.discarded} "
          f"minutes={(time.time() - started) / 60:.1f} kanalab_automatic: {auto}")


if __name__ == "__main__":
    main()
