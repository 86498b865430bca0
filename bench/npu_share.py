#!/usr/bin/python3
"""Share of MACs and of ops the compiler places on the NPU (numbers, not pass/fail).

    /usr/bin/python3 bench/npu_share.py [RKNNC_BIN] [--models DIR] [--keep DIR] [-j N] [--json FILE]

Converts the three cost-model graphs (mobilenetv2-12, resnet50-v2-7,
yolov5s_relu: bench/models/make_cost_models.py, generated into --models DIR or
reused from there, as bench/cost_model.py does) for rk3566 and rk3588 with
`rknnc -e` and reads the per-step placement of OUT/{target}/{name}.perf.json.
Prints per model x target: ops on the NPU / all ops, and MACs on the NPU / all
MACs (the cost model's `macs` of each step), plus the CPU op types.

The conversions at the model boundary (QuantizeLinear, DequantizeLinear,
Cast, and Reorder between the NPU's NC1HWC2 and the caller's NCHW: always
the CPU's, as Toolkit2's InputOperator / OutputOperator) are not counted as
ops. --no-convert reads the .perf.json files a previous run left in --keep DIR.
"""
import argparse
import collections
import json
import os
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "bench"))
from cost_model import PUBLISHED, ensure_models  # noqa: E402

TARGETS = ["rk3566", "rk3588"]
BOUNDARY = {"QuantizeLinear", "DequantizeLinear", "Cast", "Reorder"}


def share(perf_path):
    with open(perf_path) as f:
        layers = json.load(f)["layers"]
    ops = [row for row in layers if row["op_type"] not in BOUNDARY]
    npu = [row for row in ops if row["target"].upper() == "NPU"]
    macs = sum(row.get("macs", 0) for row in ops)
    npu_macs = sum(row.get("macs", 0) for row in npu)
    cpu_types = collections.Counter(row["op_type"] for row in ops if row["target"].upper() != "NPU")
    return {"ops": len(ops), "npu_ops": len(npu), "macs": macs, "npu_macs": npu_macs,
            "cpu_op_types": dict(sorted(cpu_types.items()))}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("rknnc", nargs="?", default=os.environ.get("RKNNC_BIN") or os.path.join(ROOT, "build", "rknnc"))
    ap.add_argument("--models", help="folder for the generated models (reused when up to date)")
    ap.add_argument("--keep", help="convert into this folder and keep it (default: a temp folder)")
    ap.add_argument("-j", "--jobs", type=int, default=2)
    ap.add_argument("--json", help="write the table as JSON to this file")
    ap.add_argument("--no-convert", action="store_true", help="only read the .perf.json files in --keep DIR")
    args = ap.parse_args()
    if args.no_convert and not args.keep:
        ap.error("--no-convert needs --keep DIR")
    tmp = tempfile.mkdtemp(prefix="rknnc_share_")
    try:
        out = os.path.abspath(args.keep) if args.keep else os.path.join(tmp, "out")
        if not args.no_convert:
            models = os.path.abspath(args.models) if args.models else os.path.join(tmp, "models")
            ensure_models(models, True)
            ymls = [os.path.join(models, name + ".yml") for name in PUBLISHED]
            cmd = [os.path.abspath(args.rknnc), "-e", "-t", ",".join(TARGETS), "-i", *ymls, "-o", out,
                   "-j", str(args.jobs), "--force"]
            print("npu_share: " + " ".join(cmd), flush=True)
            subprocess.run(cmd, stdout=subprocess.DEVNULL, check=True)
        rows = []
        for name in PUBLISHED:
            for target in TARGETS:
                row = {"model": name, "target": target}
                row.update(share(os.path.join(out, target, name + ".perf.json")))
                rows.append(row)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"\n{'model':16s} {'target':7s} {'NPU ops':>13s} {'op share':>9s} {'NPU MACs':>9s}  CPU ops")
    for r in rows:
        op_share = 100.0 * r["npu_ops"] / max(r["ops"], 1)
        mac_share = 100.0 * r["npu_macs"] / max(r["macs"], 1)
        cpu = ", ".join(f"{k} x{v}" for k, v in r["cpu_op_types"].items()) or "-"
        print(f"{r['model']:16s} {r['target']:7s} {r['npu_ops']:>5d} / {r['ops']:<5d} {op_share:8.2f}% "
              f"{mac_share:8.3f}%  {cpu}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(rows, f, indent=2)
            f.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
