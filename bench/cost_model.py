#!/usr/bin/python3
"""The NPU cost model against Rockchip's measured FPS.

    /usr/bin/python3 bench/cost_model.py [RKNNC_BIN] [--check] [--models DIR] [-j N]
                                         [--no-single-core] [--json FILE] [--keep DIR]

Generates mobilenetv2-12, resnet50-v2-7 and yolov5s_relu (random weights,
bench/models/make_cost_models.py) into --models DIR (default: a temp folder;
an existing DIR is reused when it was made by the same generator script),
converts the three for rk3566, rk3562 and rk3588 in one batch call
(`rknnc -e -t rk3566,rk3562,rk3588 -i A.yml B.yml C.yml -o OUT -j N`), reads
OUT/{target}/{name}.perf.json (`{"summary": {"total_time_us": .., "fps": ..}}`)
and prints model x target: predicted FPS, published FPS (rknn_model_zoo, int8,
single core), ratio predicted / published and ok / FAIL at +-25 %.

--check: exit 1 when a cell is outside +-25 % (or has no prediction) and write
a JUnit report, one test case per cell, to $RKNNC_JUNIT_DIR/cost_model.xml when
that variable is set. Without --check the exit code is 0 whenever the table
could be printed (numbers, not pass/fail).
"""
import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GENERATOR = os.path.join(ROOT, "bench", "models", "make_cost_models.py")
sys.path.insert(0, os.path.join(ROOT, "tests", "cli"))
from case_runner import run_cases  # noqa: E402  (JUnit writer shared with the CLI tests)

TARGETS = ["rk3566", "rk3562", "rk3588"]
# rknn_model_zoo, measured int8 FPS, single NPU core (RK3566/68 share one column)
PUBLISHED = {
    "mobilenetv2-12": {"rk3566": 197.4, "rk3562": 266.8, "rk3588": 433.0},
    "resnet50-v2-7": {"rk3566": 40.6, "rk3562": 54.5, "rk3588": 108.6},
    "yolov5s_relu": {"rk3566": 26.7, "rk3562": 31.6, "rk3588": 63.3},
}
TOLERANCE = 0.25
STAMP = "generator.sha256"


def generator_key(single_core):
    with open(GENERATOR, "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()
    return f"{digest} single_core={int(single_core)}\n"


def ensure_models(folder, single_core):
    """Generates the models into folder unless a previous run of the same generator left them there."""
    key = generator_key(single_core)
    stamp = os.path.join(folder, STAMP)
    wanted = [name + ext for name in PUBLISHED for ext in (".onnx", ".npy", ".dataset.txt", ".yml")]
    if os.path.exists(stamp) and open(stamp).read() == key and all(
            os.path.exists(os.path.join(folder, f)) for f in wanted):
        print(f"cost_model: models in {folder} are up to date", flush=True)
        return
    os.makedirs(folder, exist_ok=True)
    if os.path.exists(stamp):
        os.remove(stamp)
    cmd = [sys.executable, GENERATOR, folder] + ([] if single_core else ["--no-single-core"])
    start = time.monotonic()
    subprocess.run(cmd, check=True)
    print(f"cost_model: generated the models in {time.monotonic() - start:.1f} s", flush=True)
    with open(stamp, "w") as f:
        f.write(key)


def convert(binary, models, out, jobs):
    """One batch call; returns ({(name, target): error line}, seconds)."""
    ymls = [os.path.join(models, name + ".yml") for name in PUBLISHED]
    cmd = [binary, "-e", "-t", ",".join(TARGETS), "-i", *ymls, "-o", out, "-j", str(jobs), "--force"]
    print("cost_model: " + " ".join(cmd), flush=True)
    start = time.monotonic()
    p = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    seconds = time.monotonic() - start
    errors = {}
    summary = os.path.join(out, "summary.json")
    if os.path.exists(summary):
        with open(summary) as f:
            for job in json.load(f)["jobs"]:
                if job["status"] not in ("converted", "skipped"):
                    errors[(job["name"], job["target"])] = job.get("error") or job["status"]
    elif p.returncode != 0:  # usage error before any job ran (e.g. -e refused): every cell gets it
        line = p.stderr.strip().splitlines()[-1] if p.stderr.strip() else f"exit {p.returncode}"
        errors = {(n, t): line for n in PUBLISHED for t in TARGETS}
    if p.returncode != 0:
        sys.stderr.write(p.stderr[-3000:])
    return errors, seconds


def read_prediction(out, name, target):
    """(fps, total_time_us) from OUT/target/name.perf.json; raises with the reason."""
    path = os.path.join(out, target, name + ".perf.json")
    if not os.path.exists(path):
        raise ValueError(f"no {target}/{name}.perf.json")
    with open(path) as f:
        summary = json.load(f)["summary"]
    fps, us = summary.get("fps"), summary.get("total_time_us")
    if fps is None and us:
        fps = 1e6 / us
    if not isinstance(fps, (int, float)) or fps <= 0:
        raise ValueError(f"{target}/{name}.perf.json: summary.fps is {fps!r}")
    return float(fps), us


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("rknnc", nargs="?", default=os.environ.get("RKNNC_BIN") or os.path.join(ROOT, "build", "rknnc"),
                    help="binary under test (default: $RKNNC_BIN, else build/rknnc)")
    ap.add_argument("--check", action="store_true", help="exit 1 when a cell is off by more than 25 %%; JUnit")
    ap.add_argument("--models", help="folder for the generated models (reused when up to date)")
    ap.add_argument("-j", "--jobs", type=int, default=2)
    ap.add_argument("--no-single-core", action="store_true", help="YAMLs without single_core_mode: true")
    ap.add_argument("--json", help="write the table as JSON to this file")
    ap.add_argument("--keep", help="convert into this folder and keep it (default: a temp folder)")
    args = ap.parse_args()

    tmp = tempfile.mkdtemp(prefix="rknnc_cost_")
    try:
        models = os.path.abspath(args.models) if args.models else os.path.join(tmp, "models")
        ensure_models(models, not args.no_single_core)
        out = os.path.abspath(args.keep) if args.keep else os.path.join(tmp, "out")
        errors, seconds = convert(os.path.abspath(args.rknnc), models, out, args.jobs)
        print(f"cost_model: converted {len(PUBLISHED)} models x {len(TARGETS)} targets in {seconds:.1f} s "
              f"(-j {args.jobs})", flush=True)
        rows = []
        for name in PUBLISHED:
            for target in TARGETS:
                row = {"model": name, "target": target, "published_fps": PUBLISHED[name][target],
                       "predicted_fps": None, "total_time_us": None, "ratio": None, "ok": False, "error": None}
                if (name, target) in errors:
                    row["error"] = errors[(name, target)]
                else:
                    try:
                        row["predicted_fps"], row["total_time_us"] = read_prediction(out, name, target)
                        row["ratio"] = row["predicted_fps"] / row["published_fps"]
                        row["ok"] = abs(row["ratio"] - 1) <= TOLERANCE
                    except (ValueError, KeyError, json.JSONDecodeError) as e:
                        row["error"] = f"{type(e).__name__}: {e}" if not isinstance(e, ValueError) else str(e)
                rows.append(row)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    print(f"\n{'model':16s} {'target':7s} {'predicted':>10s} {'published':>10s} {'ratio':>6s}  +-{TOLERANCE:.0%}")
    for r in rows:
        if r["predicted_fps"] is None:
            print(f"{r['model']:16s} {r['target']:7s} {'-':>10s} {r['published_fps']:10.1f} {'-':>6s}  "
                  f"FAIL  {r['error']}")
        else:
            print(f"{r['model']:16s} {r['target']:7s} {r['predicted_fps']:10.1f} {r['published_fps']:10.1f} "
                  f"{r['ratio']:6.2f}  {'ok' if r['ok'] else 'FAIL'}")
    within = sum(r["ok"] for r in rows)
    print(f"{within}/{len(rows)} cells within +-{TOLERANCE:.0%} of the published FPS", flush=True)
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"tolerance": TOLERANCE, "cells": rows}, f, indent=2)
            f.write("\n")

    if not args.check:
        return 0 if any(r["predicted_fps"] is not None for r in rows) else 1

    def cell_check(row):
        def check(_ctx):
            if row["predicted_fps"] is None:
                raise AssertionError(row["error"])
            if not row["ok"]:
                raise AssertionError(f"predicted {row['predicted_fps']:.1f} FPS, published {row['published_fps']} "
                                     f"(ratio {row['ratio']:.2f}, outside +-{TOLERANCE:.0%})")
        return check

    print()
    return run_cases("cost_model", [(f"{r['model']}@{r['target']}", cell_check(r)) for r in rows], {})


if __name__ == "__main__":
    sys.stdout.flush()
    sys.exit(main())
