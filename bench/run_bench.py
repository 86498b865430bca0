#!/usr/bin/env python3
"""Benchmarks (not tests): for every sample config, conversion wall time and
CPU inference latency of `rknnc run` on the converted .rknn against
onnxruntime-node on the source .onnx, measured in the same run; prints ratios.

    bench/run.sh [path/to/rknnc]   (or: make bench)
"""
import glob
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

SRC = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
BIN = sys.argv[1] if len(sys.argv) > 1 else os.path.join(SRC, "build", "rknnc")
REPEAT = int(os.environ.get("BENCH_REPEAT", "20"))


def best_of(n, fn):
    times = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main():
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for cfg in sorted(glob.glob(os.path.join(SRC, "configs", "*.yml"))):
            name = os.path.splitext(os.path.basename(cfg))[0]
            out = os.path.join(tmp, name)
            convert = lambda: subprocess.run([BIN, "-t", "rk3588", "-i", cfg, "-o", out], check=True, capture_output=True)
            convert_s = best_of(3, convert)
            rknn = glob.glob(os.path.join(out, "*.rknn"))[0]
            info = json.loads(subprocess.run([BIN, "inspect", "--json", rknn], check=True, capture_output=True, text=True).stdout)
            source = os.path.join(os.path.dirname(cfg), info["config"]["model_file_path"])
            rng = np.random.default_rng(0)
            raw, norm = [], []
            for i, inp in enumerate(info["inputs"]):
                x = rng.uniform(0, 255, inp["shape"]).astype(np.float32)
                pre = info["preprocess"][i] if i < len(info["preprocess"]) else {}
                shape = [1] * len(inp["shape"])
                shape[1] = -1
                mean = np.array(pre.get("mean") or [0.0], np.float32).reshape(shape)
                std = np.array(pre.get("std") or [1.0], np.float32).reshape(shape)
                raw.append(os.path.join(tmp, f"{name}_raw{i}.npy"))
                norm.append(os.path.join(tmp, f"{name}_norm{i}.npy"))
                np.save(raw[-1], x)
                np.save(norm[-1], ((x - mean) / std).astype(np.float32))
            args = [BIN, "run", rknn, "-o", os.path.join(tmp, name + "_run"), "--repeat", str(REPEAT)]
            for r in raw:
                args += ["--input", r]
            err = subprocess.run(args, check=True, capture_output=True, text=True).stderr
            ours = float(err.split("mean ")[1].split(" ms")[0])
            peer = subprocess.run(["node", os.path.join(SRC, "bench", "ort_bench.js"), source, str(REPEAT)] + norm,
                                  check=True, capture_output=True, text=True).stdout.split()
            rows.append((name, convert_s * 1e3, ours, float(peer[0])))
    print(f"{'model':<20} {'convert ms':>11} {'rknnc run ms':>13} {'onnxruntime ms':>15} {'ort/rknnc':>10}")
    for name, conv, ours, peer in rows:
        print(f"{name:<20} {conv:>11.1f} {ours:>13.3f} {peer:>15.3f} {peer / ours:>10.2f}x")
    print(f"(latency: mean of {REPEAT} runs after load; onnxruntime-node with default graph optimisations and "
          f"{os.cpu_count()} threads runs the full source model, incl. any tail that the config cuts off)")


if __name__ == "__main__":
    main()
