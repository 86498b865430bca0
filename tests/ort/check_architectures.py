#!/usr/bin/python3
"""Real architectures (tests/ort/make_architectures.py) through rknnc, at opsets 13, 17, 18 and 21.

    /usr/bin/python3 tests/ort/check_architectures.py [--all | --models a,b] [--opsets 13,17,18,21]
        [--models-dir DIR] [--rknnc BIN] [--keep DIR] [-j N] [--json FILE]

Default: the quick subset (QUICK below, every opset; `meson test --suite archs`).
--all: every architecture, vit_b_16 and efficientnet_v2_s at full width included
(`make bench-arch`). Models are generated into --models-dir (default
BUILD/arch_models, reused while newer than make_architectures.py).

Per model x opset, on 4 random normal inputs (seeded by the model name):
  fp32     `rknnc run MODEL.onnx --batch` vs onnxruntime-node (graph optimisations
           disabled) on the same .onnx: max |rknnc - ort| / max |ort| <= 1e-4 per output
  int8     a model YAML with quantize: true and a dataset of 8 other random inputs
           converts for rk3588; `rknnc run` of the .rknn on the 4 inputs: the lowest
           per-input output cosine vs onnxruntime fp32, >= MIN_COSINE
  npu      share of the MACs the rk3588 compiler placed on the NPU ({name}.perf.json,
           as bench/npu_share.py counts them), with the op types left on the CPU;
           a second table sums up where build.json places MatMul, LayerNormalization,
           LSTM, ... (PLACEMENT_OPS) and why
Prints a table (also as Markdown to --json's .md sibling when --json is given);
writes $RKNNC_JUNIT_DIR/archs.xml. Exit 0 when every check passed.
"""
import argparse
import concurrent.futures
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zlib

import numpy as np
import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.environ.get("RKNNC_SOURCE_DIR") or os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(SRC, "tests", "cli"))
sys.path.insert(0, os.path.join(SRC, "bench"))
from case_runner import CRASH, run_cases  # noqa: E402
from npu_share import share  # noqa: E402

QUICK = ["crnn", "gru_cls", "tdecoder", "sr_tail", "vit_tiny", "convnext"]
OPSETS = (13, 17, 18, 21)
TOL_FP32 = 1e-4
MIN_COSINE = 0.95
N_INPUTS, N_CALIB = 4, 8
# The ops whose rk3588 placement (build.json) the second table sums up.
PLACEMENT_OPS = {"MatMul", "Gemm", "LayerNormalization", "InstanceNormalization", "GroupNormalization", "LSTM", "GRU",
                 "RNN", "Gelu", "Softmax", "DepthToSpace", "Einsum"}
TARGET = "rk3588"
TIMEOUT = 900
NODE = shutil.which("node") or "/usr/bin/node"
ORT_RUN = os.path.join(SRC, "tests", "ort", "ort_run.js")


def sh(args, what):
    try:
        p = subprocess.run([str(a) for a in args], capture_output=True, text=True, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        raise AssertionError(f"{what}: timed out after {TIMEOUT} s")
    except OSError as e:
        raise AssertionError(f"{what}: cannot start {args[0]}: {e}")
    if CRASH.search(p.stderr):
        raise AssertionError(f"{what}: crash: {p.stderr.strip()[-600:]}")
    if p.returncode != 0:
        lines = (p.stderr.strip() or p.stdout.strip()).splitlines()
        raise AssertionError(f"{what}: exit {p.returncode}: {lines[-1] if lines else '(no output)'}")
    return p.stdout


def outputs_in(directory, names):
    return {n: np.load(os.path.join(directory, n + ".npy")) for n in names}


def max_rel_err(got, ref):
    if got.shape != ref.shape:
        raise AssertionError(f"shape {list(got.shape)} != onnxruntime {list(ref.shape)}")
    if not np.all(np.isfinite(got)):
        return float("inf")
    got, ref = got.astype(np.float64), ref.astype(np.float64)
    return float(np.max(np.abs(got - ref))) / max(float(np.max(np.abs(ref))), 1e-6)


def cosine(a, b):
    a, b = np.asarray(a, np.float64).ravel(), np.asarray(b, np.float64).ravel()
    return float(a @ b / max(np.linalg.norm(a) * np.linalg.norm(b), 1e-30))


class Arch:
    """One model x opset: its files, inputs and results."""

    def __init__(self, name, opset, entry, models_dir, work):
        self.name, self.opset = name, opset
        self.model = os.path.join(models_dir, entry["files"][str(opset)])
        self.inputs = entry["inputs"]
        self.outputs = entry["outputs"]
        self.work = os.path.join(work, f"{name}_op{opset}")
        os.makedirs(self.work, exist_ok=True)
        self.row = {"model": name, "opset": opset}

    def random_inputs(self, stem, count, seed):
        """Per input, a [count, ...shape] .npy of standard normal values."""
        rng = np.random.default_rng(seed)
        files = []
        for name, shape in self.inputs:
            path = os.path.join(self.work, f"{stem}_{name}.npy")
            np.save(path, rng.standard_normal([count] + shape).astype(np.float32))
            files.append(path)
        return files

    def dataset(self):
        """dataset.txt of N_CALIB lines, one .npy per input each (other values than the test inputs)."""
        rng = np.random.default_rng(zlib.crc32(self.name.encode()) + 1)
        lines = []
        for k in range(N_CALIB):
            files = []
            for name, shape in self.inputs:
                path = os.path.join(self.work, f"calib{k}_{name}.npy")
                np.save(path, rng.standard_normal(shape).astype(np.float32))
                files.append(os.path.basename(path))
            lines.append(" ".join(files))
        path = os.path.join(self.work, "dataset.txt")
        with open(path, "w") as f:
            f.write("\n".join(lines) + "\n")
        return path

    def config(self):
        doc = {"models": {
            "name": self.stem(), "platform": "onnx", "model_file_path": self.model,
            "subgraphs": {"input_size_list": [",".join(map(str, s)) for _, s in self.inputs],
                          "inputs": [n for n, _ in self.inputs], "outputs": self.outputs},
            "quantize": True, "dataset": self.dataset(),
            "configs": {"quantized_dtype": "asymmetric_quantized-8", "quantized_algorithm": "normal",
                        "quantized_method": "channel", "optimization_level": 3}}}
        path = os.path.join(self.work, self.stem() + ".yml")
        with open(path, "w") as f:
            yaml.safe_dump(doc, f, sort_keys=False)
        return path

    def stem(self):
        return f"{self.name}_op{self.opset}"


def run_arch(a, rknnc_bin):
    """The three checks of one model x opset; fills a.row; raises with every problem found."""
    x = a.random_inputs("input", N_INPUTS, zlib.crc32(a.name.encode()))
    ref_dir = os.path.join(a.work, "ort")
    sh([NODE, ORT_RUN, "--batch", a.model, ref_dir, *x], "onnxruntime-node (run scripts/install-deps.sh)")
    ref = outputs_in(ref_dir, a.outputs)
    problems = []

    def rknnc_run(model, out):
        args = [rknnc_bin, "run", model, "-o", os.path.join(a.work, out), "--batch"]
        for f in x:
            args += ["--input", f]
        return args

    def fp32():
        sh(rknnc_run(a.model, "fp32"), "rknnc run .onnx")
        got = outputs_in(os.path.join(a.work, "fp32"), a.outputs)
        a.row["fp32_err"] = max(max_rel_err(got[n], ref[n]) for n in a.outputs)
        if not a.row["fp32_err"] <= TOL_FP32:
            raise AssertionError(f"fp32 max rel err {a.row['fp32_err']:.3g} > {TOL_FP32:g}")

    def int8():
        out = os.path.join(a.work, "int8")
        sh([rknnc_bin, "-t", TARGET, "-i", a.config(), "-o", out], f"int8 conversion for {TARGET}")
        s = share(os.path.join(out, a.stem() + ".perf.json"))
        with open(os.path.join(out, a.stem() + ".build.json")) as f:
            a.row["placement"] = [[n["op_type"], n["device"], n["dtype"], n.get("reason", "")]
                                  for n in json.load(f)["placement"]["nodes"] if n["op_type"] in PLACEMENT_OPS]
        a.row["npu_macs"] = 100.0 * s["npu_macs"] / max(s["macs"], 1)
        a.row["macs"] = s["macs"]
        a.row["cpu_ops"] = s["cpu_op_types"]
        sh(rknnc_run(os.path.join(out, a.stem() + ".rknn"), "int8_run"), "rknnc run int8 .rknn")
        q = outputs_in(os.path.join(a.work, "int8_run"), a.outputs)
        a.row["int8_cos"] = min(cosine(q[n][i], ref[n][i]) for n in a.outputs for i in range(N_INPUTS))
        if not a.row["int8_cos"] >= MIN_COSINE:
            raise AssertionError(f"int8 cosine {a.row['int8_cos']:.4f} < {MIN_COSINE}")

    for stage in (fp32, int8):
        try:
            stage()
        except AssertionError as e:
            problems.append(str(e))
    if problems:
        raise AssertionError("; ".join(problems))


def table(rows):
    head = "| model | opset | fp32 max rel err vs ORT | int8 cosine (min of 4) | NPU MAC share (rk3588) | MACs | CPU ops |"
    lines = [head, "|---|---|---|---|---|---|---|"]
    for r in rows:
        def num(key, fmt):
            return format(r[key], fmt) if key in r else "-"
        cpu = ", ".join(f"{k} x{v}" for k, v in r.get("cpu_ops", {}).items()) or "-"
        if "error" in r:
            cpu = "FAILED: " + " ".join(r["error"].split())[:300]
        lines.append(f"| {r['model']} | {r['opset']} | {num('fp32_err', '.2e')} | {num('int8_cos', '.5f')} | "
                     f"{num('npu_macs', '.2f')} % | {num('macs', ',d')} | {cpu} |")
    return "\n".join(lines)


def placement_table(rows):
    """Per op type of PLACEMENT_OPS: where the rk3588 int8 conversions put it, with the reason."""
    seen = {}
    for r in rows:
        for op, device, dtype, reason in r.get("placement", []):
            key = (op, device, dtype, reason)
            seen.setdefault(key, [0, set()])
            seen[key][0] += 1
            seen[key][1].add(r["model"])
    lines = ["| op | device | dtype | nodes | models | reason |", "|---|---|---|---|---|---|"]
    for (op, device, dtype, reason), (count, models) in sorted(seen.items()):
        lines.append(f"| {op} | {device} | {dtype} | {count} | {', '.join(sorted(models))} | {reason or '-'} |")
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--all", action="store_true", help="every architecture (default: the quick subset)")
    ap.add_argument("--models", help="comma-separated architectures")
    ap.add_argument("--opsets", default=",".join(map(str, OPSETS)))
    ap.add_argument("--models-dir", help="where the .onnx files are generated (default: BUILD/arch_models)")
    ap.add_argument("--rknnc", default=os.environ.get("RKNNC_BIN") or os.path.join(SRC, "build", "cli", "rknnc"))
    ap.add_argument("--keep", help="work folder to keep (default: a temporary one)")
    ap.add_argument("-j", "--jobs", type=int, default=2, help="model x opset checks in parallel (default 2)")
    ap.add_argument("--json", help="write the rows as JSON here (and the table as Markdown beside it)")
    args = ap.parse_args()
    rknnc_bin = os.path.abspath(args.rknnc)
    models_dir = os.path.abspath(args.models_dir or os.path.join(os.path.dirname(os.path.dirname(os.path.realpath(rknnc_bin))),
                                                                 "arch_models"))
    make = [sys.executable, os.path.join(HERE, "make_architectures.py"), models_dir, "--opsets", args.opsets]
    if args.models or not args.all:
        make += ["--models", args.models or ",".join(QUICK)]
    subprocess.run(make, check=True)
    with open(os.path.join(models_dir, "manifest.json")) as f:
        manifest = json.load(f)
    names = args.models.split(",") if args.models else (list(manifest) if args.all else QUICK)
    opsets = [int(o) for o in args.opsets.split(",")]
    work = os.path.abspath(args.keep) if args.keep else tempfile.mkdtemp(prefix="rknnc-archs.")
    archs = [Arch(name, opset, manifest[name], models_dir, work) for name in names for opset in opsets]

    def attempt(a):
        try:
            run_arch(a, rknnc_bin)
        except AssertionError as e:
            a.row["error"] = str(e)

    def case(_ctx, a):
        if "error" in a.row:
            raise AssertionError(a.row["error"])
    try:
        with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
            list(pool.map(attempt, archs))
        code = run_cases("archs", [(a.stem(), lambda ctx, a=a: case(ctx, a)) for a in archs], None)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    rows = [a.row for a in archs]
    md = table(rows) + "\n\nPlacement on rk3588 (int8 conversions, build.json):\n\n" + placement_table(rows)
    print("\n" + md)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(rows, f, indent=1)
            f.write("\n")
        with open(os.path.splitext(args.json)[0] + ".md", "w") as f:
            f.write(md + "\n")
    return code


if __name__ == "__main__":
    sys.exit(main())
