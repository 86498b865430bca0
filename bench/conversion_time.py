#!/usr/bin/env python3
"""Conversion time and peak RSS of int8 conversions with a calibration set of
N images (default 100) for each quantized_algorithm, on the cost-model graphs
(bench/models/make_cost_models.py).

    /usr/bin/python3 bench/conversion_time.py [build/rknnc] [--models DIR] [--images N] [--model NAME]

The calibration images are random 0-255 arrays (numpy seed 0) written once
into DIR/calib<N>/. Each conversion is one `rknnc -t rk3588 -i X.yml -o OUT`
process; its wall time and peak RSS are reported (bench/quant.py's Rknnc).
`make bench` prints these columns, and times the int8 .rknn of the normal
conversion (keep_dir) beside the fp32 latencies.
"""
import argparse
import os
import re
import shutil
import sys
import tempfile

import numpy as np

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.join(ROOT, "bench"))
from cost_model import PUBLISHED, ensure_models  # noqa: E402
from quant import Rknnc  # noqa: E402  (wall time and peak RSS of one conversion, run latency)

ALGORITHMS = ("normal", "kl_divergence", "mmse")


def calibration_set(models, name, images):
    """DIR/calib<N>/<name>.txt listing N random images shaped like the model's sample."""
    folder = os.path.join(models, f"calib{images}")
    listing = os.path.join(folder, name + ".txt")
    if os.path.exists(listing):
        return listing
    os.makedirs(folder, exist_ok=True)
    shape = np.load(os.path.join(models, name + ".npy")).shape
    rng = np.random.default_rng(0)
    paths = []
    for i in range(images):
        p = os.path.join(folder, f"{name}_{i}.npy")
        np.save(p, rng.uniform(0, 255, shape).astype(np.float32))
        paths.append(p)
    with open(listing + ".tmp", "w") as f:
        f.write("\n".join(paths) + "\n")
    os.replace(listing + ".tmp", listing)
    return listing


def config_variant(models, name, listing, algorithm, out_dir, quantize=True):
    """The generated NAME.yml with absolute paths, the calibration listing and the algorithm;
    quantize=False: the float16 conversion instead."""
    text = open(os.path.join(models, name + ".yml")).read()
    text = text.replace(f"model_file_path: {name}.onnx", f"model_file_path: {os.path.join(models, name + '.onnx')}")
    text = re.sub(r"dataset: \S+", f"dataset: {listing}", text)
    text = re.sub(r"quantized_algorithm: \S+", f"quantized_algorithm: {algorithm}", text)
    text = re.sub(r"quantize: \S+", f"quantize: {'true' if quantize else 'false'}", text)
    path = os.path.join(out_dir, f"{name}.{algorithm if quantize else 'float16'}.yml")
    with open(path, "w") as f:
        f.write(text)
    return path


def measure(binary, models, images=100, names=None, keep_dir=None):
    """Rows: {model, algorithm, convert_s, rss_mb} for each model and algorithm.
    With keep_dir, each model's normal .rknn is copied there as NAME.rknn (for later runs)."""
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        rknnc = Rknnc(binary, tmp)
        for name in names or PUBLISHED:
            listing = calibration_set(models, name, images)
            for algorithm in ALGORITHMS:
                yml = config_variant(models, name, listing, algorithm, tmp)
                out = os.path.join(tmp, f"{name}.{algorithm}")
                rknn, seconds, rss = rknnc.convert(yml, out)
                if keep_dir and algorithm == "normal":
                    shutil.copy(rknn, os.path.join(keep_dir, name + ".rknn"))
                rows.append({"model": name, "algorithm": algorithm, "convert_s": seconds, "rss_mb": rss})
                print(f"  {name} {algorithm}: {seconds:.1f} s, {rss:.0f} MB", file=sys.stderr, flush=True)
    return rows


def print_rows(rows, images):
    print(f"{'model':<16} {'algorithm':<14} {'convert s':>10} {'vs normal':>10} {'peak RSS MB':>12}")
    normal = {r["model"]: r["convert_s"] for r in rows if r["algorithm"] == "normal"}
    for r in rows:
        print(f"{r['model']:<16} {r['algorithm']:<14} {r['convert_s']:>10.1f} "
              f"{r['convert_s'] / normal[r['model']]:>9.2f}x {r['rss_mb']:>12.0f}")
    print(f"(one rknnc process per conversion, rk3588, {images} random calibration images)")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("binary", nargs="?", default=os.path.join(ROOT, "build", "rknnc"))
    ap.add_argument("--models", default=os.path.join(ROOT, "build", "cost_models"))
    ap.add_argument("--images", type=int, default=100)
    ap.add_argument("--model", action="append", help="only this model (repeatable)")
    a = ap.parse_args()
    a.models = os.path.abspath(a.models)
    ensure_models(a.models, True)
    print_rows(measure(a.binary, a.models, a.images, names=a.model), a.images)


if __name__ == "__main__":
    main()
