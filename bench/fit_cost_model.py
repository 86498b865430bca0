#!/usr/bin/python3
"""Fits the calibrated cost-model constants of a target on the published FPS.

    /usr/bin/python3 bench/fit_cost_model.py PERF_DIR [--targets rk3566,rk3562,rk3588] [--write]

PERF_DIR is what `bench/cost_model.py --keep PERF_DIR` leaves: PERF_DIR/{target}/{model}.perf.json
for the three calibration models. Every perf.json layer carries what the NPU
issues (array_macs, depthwise_macs, element_ops, ddr_bytes); the fit recomputes
each model's time for candidate constants exactly as lib/compiler/cost_model.cpp
does and keeps the candidate with the smallest worst |log(predicted / published)|.

Free constants (the three the published numbers can tell apart): conv_efficiency
(dense Conv / Gemm), depthwise_efficiency and op_overhead_us. The others
(elementwise_per_cycle, bandwidth_efficiency, CPU throughput) stay as the target
file derives them. Target files are read from $RKNNC_DATA_DIR/targets (default:
the source tree). --write puts the fitted values into those files (each constant
in the two-line `key:` / `value:` form).
"""
import argparse
import itertools
import json
import math
import os
import re
import sys

import numpy as np
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "bench"))
from cost_model import PUBLISHED  # noqa: E402

FREE = ("conv_efficiency", "depthwise_efficiency", "op_overhead_us")
GRID = {
    "conv_efficiency": np.geomspace(0.15, 1.0, 60),
    "depthwise_efficiency": np.geomspace(0.005, 0.5, 60),
    "op_overhead_us": np.concatenate([[0.0], np.geomspace(0.5, 60, 59)]),
}


DATA = os.environ.get("RKNNC_DATA_DIR") or ROOT


def load_target(name):
    with open(os.path.join(DATA, "targets", name + ".yaml")) as f:
        return yaml.safe_load(f)


def model_terms(perf, target):
    """Per-model sums the time is linear in, for fixed bandwidth / element rate."""
    npu = target["npu"]
    cost = {k: v["value"] for k, v in target.get("cost_model", {}).items()}
    clock = npu["clock_mhz"]["value"] * 1e6
    bw = npu["ddr_bandwidth_gbps"]["value"] * 1e9 * cost["bandwidth_efficiency"]
    macs = npu["macs_per_cycle"]["value"]
    layers = []
    cpu_us = 0.0
    for l in perf["layers"]:
        if l["target"] != "NPU":
            cpu_us += l["time_us"]
            continue
        peak = macs.get(l["data_type"].lower(), min(macs.values()))
        layers.append((l["array_macs"] / peak, l["depthwise_macs"] / peak,
                       l["element_ops"] / cost["elementwise_per_cycle"],
                       l["ddr_bytes"] / bw * clock, l["largest_share"] or 1.0))
    return np.array(layers), cpu_us, clock


def predict_us(terms, consts):
    layers, cpu_us, clock = terms
    conv, dw, ov = consts
    npu_cycles = (layers[:, 0] / conv + layers[:, 1] / dw + layers[:, 2]) * layers[:, 4]
    cycles = np.maximum(npu_cycles, layers[:, 3])
    return float(cycles.sum() / clock * 1e6 + ov * len(layers) + cpu_us)


def fit(target_name, perf_dir):
    target = load_target(target_name)
    terms = {}
    for model in PUBLISHED:
        with open(os.path.join(perf_dir, target_name, model + ".perf.json")) as f:
            terms[model] = model_terms(json.load(f), target)
    best = None
    for consts in itertools.product(*(GRID[k] for k in FREE)):
        worst = max(abs(math.log(1e6 / predict_us(terms[m], consts) / PUBLISHED[m][target_name])) for m in PUBLISHED)
        if best is None or worst < best[0]:
            best = (worst, consts)
    worst, consts = best
    rows = {m: 1e6 / predict_us(terms[m], consts) for m in PUBLISHED}
    return dict(zip(FREE, (float(c) for c in consts))), rows


def write_constants(target_name, consts):
    path = os.path.join(DATA, "targets", target_name + ".yaml")
    text = open(path).read()
    for key, value in consts.items():
        pattern = re.compile(rf"(\n  {key}:\n    value: )[^\n]+")
        if not pattern.search(text):
            sys.exit(f"{path}: cost_model.{key} is not in the expected two-line form; edit it by hand")
        text = pattern.sub(lambda m: m.group(1) + f"{value:.4g}", text)
    open(path, "w").write(text)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("perf_dir")
    ap.add_argument("--targets", default="rk3566,rk3562,rk3588")
    ap.add_argument("--write", action="store_true", help="write the fitted values into targets/*.yaml")
    args = ap.parse_args()
    for t in args.targets.split(","):
        consts, rows = fit(t, args.perf_dir)
        print(f"{t}: " + ", ".join(f"{k} = {v:.4g}" for k, v in consts.items()))
        for m, fps in rows.items():
            print(f"    {m:<16} predicted {fps:7.1f}  published {PUBLISHED[m][t]:6.1f}  ratio {fps / PUBLISHED[m][t]:.3f}")
        if args.write:
            write_constants(t, consts)


if __name__ == "__main__":
    main()
