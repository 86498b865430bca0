#!/usr/bin/env python3
"""Benchmarks (not tests), measured in one run against onnxruntime-node:

  1. for every sample config: conversion wall time and CPU latency of
     `rknnc run` on the converted .rknn vs onnxruntime-node on the source .onnx;
  2. the three generated graphs of bench/models/make_cost_models.py
     (mobilenetv2 224, resnet50-v2 224, yolov5s 640, generated into
     build/cost_models as `make bench-cost` does): fp32 `rknnc run` of the
     .onnx vs onnxruntime-node, both at BENCH_THREADS threads (default 2),
     int8 `rknnc run` of the converted .rknn, and the float16 simulation
     (`rknnc run` of the .rknn converted with quantize: false);
  3. the same graphs converted to int8 with BENCH_IMAGES (default 100) random
     calibration images, for each quantized_algorithm: wall time and peak RSS
     (bench/conversion_time.py).

    bench/run.sh [path/to/rknnc]   (or: make bench)

Each table is a list of row dicts printed by print_table(); a new measurement
is a new column (a key plus a format) or a new row.
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
THREADS = int(os.environ.get("BENCH_THREADS", "2"))
IMAGES = int(os.environ.get("BENCH_IMAGES", "100"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
GENERATED = ["mobilenetv2-12", "resnet50-v2-7", "yolov5s_relu"]
sys.path.insert(0, os.path.join(SRC, "bench"))


def best_of(n, fn):
    times = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def median(values):
    return sorted(values)[len(values) // 2]


def print_table(title, columns, rows, note=""):
    """columns: (key, header, format) triples; a row without a key prints '-'."""
    print(f"\n{title}")
    cells = [[h for _, h, _ in columns]]
    for row in rows:
        cells.append([fmt.format(row[k]) if row.get(k) is not None else "-" for k, _, fmt in columns])
    widths = [max(len(r[i]) for r in cells) for i in range(len(columns))]
    for r in cells:
        print("  ".join(c.ljust(widths[0]) if i == 0 else c.rjust(widths[i]) for i, c in enumerate(r)))
    if note:
        print(note)


def rknnc_run_ms(model, inputs, out, extra=()):
    """Mean latency that `rknnc run --repeat` prints on stderr."""
    args = [BIN, "run", model, "-o", out, "--repeat", str(REPEAT), *extra]
    for path in inputs:
        args += ["--input", path]
    env = dict(os.environ, RKNNC_THREADS=str(THREADS))
    err = subprocess.run(args, check=True, capture_output=True, text=True, env=env).stderr
    return float(err.split("mean ")[1].split(" ms")[0])


def ort_ms(model, inputs):
    out = subprocess.run(["node", os.path.join(SRC, "bench", "ort_bench.js"), model, str(REPEAT), *inputs],
                         check=True, capture_output=True, text=True, env=dict(os.environ, BENCH_THREADS=str(THREADS)))
    return float(out.stdout.split()[0])


def sample_rows(tmp):
    rows = []
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
        ours = rknnc_run_ms(rknn, raw, os.path.join(tmp, name + "_run"))
        peer = ort_ms(source, norm)
        rows.append({"model": name, "convert_ms": convert_s * 1e3, "ours_ms": ours, "ort_ms": peer,
                     "ratio": peer / ours})
    return rows


def float16_rknn(models, name, tmp):
    """NAME converted with quantize: false (the float16 simulation)."""
    from conversion_time import config_variant
    yml = config_variant(models, name, os.path.join(models, name + ".dataset.txt"), "normal", tmp, quantize=False)
    out = os.path.join(tmp, name + "_float16")
    subprocess.run([BIN, "-t", "rk3588", "-i", yml, "-o", out], check=True, capture_output=True)
    return glob.glob(os.path.join(out, "*.rknn"))[0]


def generated_rows(tmp):
    """(latency rows, conversion rows) of the generated graphs."""
    from conversion_time import measure
    from cost_model import ensure_models  # the cost-model test's generator and cache
    models = os.path.join(SRC, "build", "cost_models")
    ensure_models(models, single_core=True)
    latency, conversion = [], []
    for name in GENERATED:
        onnx = os.path.join(models, name + ".onnx")
        image = os.path.join(models, name + ".npy")
        converted = measure(BIN, models, images=IMAGES, names=[name], keep_dir=tmp)
        rknn = os.path.join(tmp, name + ".rknn")
        half_rknn = float16_rknn(models, name, tmp)
        fp32, peer, int8, half = [], [], [], []
        for _ in range(ROUNDS):  # interleaved: a burst from a neighbour on a shared machine hits a round, not a column
            fp32.append(rknnc_run_ms(onnx, [image], os.path.join(tmp, name + "_fp32")))
            peer.append(ort_ms(onnx, [image]))
            int8.append(rknnc_run_ms(rknn, [image], os.path.join(tmp, name + "_int8")))
            half.append(rknnc_run_ms(half_rknn, [image], os.path.join(tmp, name + "_fp16")))
        ours, ort, q, h = median(fp32), median(peer), median(int8), median(half)
        latency.append({"model": name, "fp32_ms": ours, "ort_fp32_ms": ort, "fp32_ratio": ort / ours,
                        "int8_ms": q, "int8_speedup": ours / q, "fp16_ms": h, "fp16_vs_fp32": h / ours,
                        "ratio_range": f"{min(p / f for p, f in zip(peer, fp32)):.2f}-{max(p / f for p, f in zip(peer, fp32)):.2f}"})
        row = {"model": name}
        for r in converted:
            row[r["algorithm"] + "_s"] = r["convert_s"]
            row[r["algorithm"] + "_x"] = r["convert_s"] / converted[0]["convert_s"]
            row[r["algorithm"] + "_mb"] = r["rss_mb"]
        conversion.append(row)
    return latency, conversion


def main():
    os.environ["RKNNC_THREADS"] = str(THREADS)  # every rknnc this script starts
    with tempfile.TemporaryDirectory() as tmp:
        samples = sample_rows(tmp)
        generated, conversion = generated_rows(tmp)
    print_table("Sample configs (rk3588 .rknn on the CPU simulator)",
                [("model", "model", "{}"), ("convert_ms", "convert ms", "{:.1f}"), ("ours_ms", "rknnc run ms", "{:.3f}"),
                 ("ort_ms", "onnxruntime ms", "{:.3f}"), ("ratio", "ort/rknnc", "{:.2f}x")], samples,
                f"(latency: mean of {REPEAT} runs after load and one warm-up run, {THREADS} threads each; onnxruntime-node with default "
                "graph optimisations runs the full source model, incl. any tail that the config cuts off)")
    print_table(f"Generated graphs, latency, {THREADS} threads",
                [("model", "model", "{}"), ("fp32_ms", "rknnc fp32 ms", "{:.2f}"), ("ort_fp32_ms", "onnxruntime ms", "{:.2f}"),
                 ("fp32_ratio", "ort/rknnc", "{:.2f}x"), ("ratio_range", "per round", "{}"),
                 ("int8_ms", "rknnc int8 ms", "{:.2f}"), ("int8_speedup", "fp32/int8", "{:.2f}x"),
                 ("fp16_ms", "rknnc fp16 ms", "{:.2f}"), ("fp16_vs_fp32", "fp16/fp32", "{:.2f}x")], generated,
                f"(medians of {ROUNDS} interleaved rounds of fp32, onnxruntime, int8 and fp16, each the mean of {REPEAT} "
                f"runs: `rknnc run model.onnx --repeat {REPEAT}` vs bench/ort_bench.js, ort/rknnc >= 1 means rknnc is as "
                "fast or faster; int8: `rknnc run` of the .rknn converted with quantized_algorithm normal; fp16: of the "
                ".rknn converted with quantize: false (the float16 simulation), fp16/fp32 <= 1 means no slower than fp32)")
    columns = [("model", "model", "{}")]
    for algorithm in ("normal", "kl_divergence", "mmse"):
        columns += [(algorithm + "_s", algorithm + " s", "{:.1f}"), (algorithm + "_x", "x normal", "{:.2f}x"),
                    (algorithm + "_mb", "peak MB", "{:.0f}")]
    print_table(f"Generated graphs, int8 conversion with {IMAGES} calibration images, {THREADS} threads", columns,
                conversion, "(one `rknnc -t rk3588` process each: wall time and peak RSS; bench/conversion_time.py)")


if __name__ == "__main__":
    main()
