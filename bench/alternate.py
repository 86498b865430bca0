#!/usr/bin/python3
"""Two `rknnc run` setups timed in alternating rounds, for A/B comparisons on a
machine whose speed drifts (a neighbour taking a core for minutes at a time):
each round runs both, in turns of order, as `rknnc run MODEL --input INPUT
--repeat REPEAT`, and the script prints, per setup, the median, the lower
quartile and the minimum of the rounds' means, then B / A of each.

    bench/alternate.py --bin build/rknnc --models A.onnx B.rknn --input x.npy
    bench/alternate.py --bin old/rknnc new/rknnc --models m.onnx --input x.npy

Two binaries with one model compare code; one binary with two models compares
models (a float16 .rknn against its fp32 source, say). RKNNC_THREADS applies.
"""
import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile


def mean_ms(binary, model, inputs, repeat, out):
    args = [binary, "run", model, *sum((["--input", i] for i in inputs), []), "-o", out, "--repeat", str(repeat)]
    p = subprocess.run(args, capture_output=True, text=True)
    m = re.search(r"mean ([\d.]+) ms", p.stderr + p.stdout)
    if p.returncode != 0 or not m:
        sys.exit(f"alternate: {' '.join(args)} failed: {(p.stderr or p.stdout).strip()[-300:]}")
    return float(m.group(1))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--bin", nargs="+", required=True, help="one rknnc, or two to compare")
    ap.add_argument("--models", nargs="+", required=True, help="one model, or two to compare")
    ap.add_argument("--input", nargs="+", required=True, help=".npy per model input")
    ap.add_argument("--rounds", type=int, default=20)
    ap.add_argument("--repeat", type=int, default=20, help="runs per round (rknnc run --repeat)")
    a = ap.parse_args()
    if len(a.bin) * len(a.models) != 2:
        sys.exit("alternate: give two binaries and one model, or one binary and two models")
    setups = [(b, m) for b in a.bin for m in a.models]
    times = {s: [] for s in setups}
    with tempfile.TemporaryDirectory() as out:
        for r in range(a.rounds):
            for s in setups if r % 2 == 0 else reversed(setups):
                times[s].append(mean_ms(s[0], s[1], a.input, a.repeat, out))
    stats = []
    for b, m in setups:
        v = sorted(times[(b, m)])
        stats.append((statistics.median(v), v[len(v) // 4], v[0]))
        print(f"{b} {os.path.basename(m)}: median {stats[-1][0]:.3f} ms, q1 {stats[-1][1]:.3f}, min {stats[-1][2]:.3f}")
    print("B / A: median {:.3f}, q1 {:.3f}, min {:.3f}".format(*(y / x for x, y in zip(*stats))))


if __name__ == "__main__":
    main()
