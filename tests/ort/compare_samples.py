#!/usr/bin/python3
"""Compares rknnc against onnxruntime (npm onnxruntime-node) on every configs/*.yml.

Inputs: N = 3 deterministic raw (0-255, NCHW float32) samples per config, one
`--batch` run each: the first test images of a sample with a test set
(test_images.npy / test_inputs.npy), otherwise two synthetic images like the
calibration set's (samples/common/synthetic_images.py, seeded by the config
name; no image decoding needed) and one uniform 0-255 noise image (inputs
outside the calibrated ranges: int8 saturation). Normalised = (raw - mean) / std.

Checks per config (JUnit class ort.NAME):
  ort_reference     onnxruntime on the ORIGINAL .onnx (normalised input), fp32;
                    cut outputs (subgraphs.outputs) become extra graph outputs
  onnx_run          `rknnc run MODEL.onnx` vs ort, every graph output, rel err <= 1e-4
                    (the graph optimised first, as onnxruntime does by default)
  onnx_run_level0   the same with `--optimization-level 0` (every node as written)
  convert_T         the config as is (int8, quantize: true) converts for every
                    target of `rknnc targets --json` (two conversions at a time)
  int8_run          `rknnc run` of rk3588's int8 .rknn on the raw inputs
  qdq_export        `rknnc export-qdq NAME.rknn -o NAME.qdq.onnx`
  qdq_lsb           onnxruntime (graph optimisations disabled) runs the QDQ model
                    on the raw input; elements of every output within 1 LSB
                    of `rknnc run NAME.rknn`, 1 LSB = the scale of the
                    DequantizeLinear producing that output (|d| <= 1.0001 s + 1e-6).
                    rknnc's integer sums are exact; onnxruntime's float32 ones are
                    not, so at a near-tie (yolo_mini: an exact 11.4999974 LSB that
                    float32 makes 11.5) the two round apart by 1 LSB, and later
                    layers can widen that. So: at most 0.5 % of an output's
                    elements beyond 1 LSB, none beyond 4 LSB (yolo_mini: 25 of
                    28,800 and 8 of 7,200 at 2-3 LSB; every other sample 0 LSB).
                    The same with onnxruntime's default level (all) is reported,
                    not checked: from `extended` on, onnxruntime fuses the QDQ
                    pattern into its own integer kernels (QLinearConv, ...), which
                    are no reference (up to 12 LSB apart on digits_cnn at `extended`,
                    0 at `basic`).
  int8_cosine       cosine(int8 .rknn, ort fp32) per output >= 0.99 (over the test
                    set when the sample has one); a sample's expectation.txt row for
                    its quantized_algorithm / method lowers the bound to
                    expected cosine - 0.02 (outlier_act: min/max calibration hurts)
  int8_top1         samples with a test set: int8 top-1 within 1 point of the fp32
                    accuracy in accuracy.txt (digits_cnn), or of the expected int8
                    top-1 in expectation.txt within 3 points (outlier_act)
  fp16_*            a copy with quantize: false (float16): rel err <= 1e-2
  fp32_*            a copy with quantize: false, float_dtype: float32 (exact fp32):
                    raw, --pass-through and --nhwc inputs, rel err <= 1e-4
rel err = max|rknnc - ort| / max(max|ort|, 1e-6), equal shapes required.

Env: RKNNC_BIN, RKNNC_SOURCE_DIR, RKNNC_JUNIT_DIR (from meson's test_env),
RKNNC_KEEP_TMP=1 keeps the work folder. Writes $RKNNC_JUNIT_DIR/ort_samples.xml
and $RKNNC_JUNIT_DIR/../ort_errors.md. Exit 0 when every check passed.
Needs /usr/bin/python3 with numpy, onnx, yaml.
"""
import concurrent.futures
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zlib
from xml.sax.saxutils import escape, quoteattr

import numpy as np
import onnx
from onnx import numpy_helper
import yaml

SRC = os.environ.get("RKNNC_SOURCE_DIR") or os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(SRC, "samples", "common"))
from synthetic_images import synthetic_image  # noqa: E402

TOL_FP32 = 1e-4
TOL_FP16 = 1e-2
MIN_COSINE = 0.99
COSINE_MARGIN = 0.02   # below an expectation.txt cosine
TOP1_POINTS = 1.0      # vs the recorded fp32 accuracy
EXPECTED_TOP1_POINTS = 3.0  # vs an expectation.txt int8 top-1 (a numpy simulation, not rknnc)
LSB_SLACK, LSB_EPS = 1.0001, 1e-6
LSB_MAX_BEYOND, LSB_MAX = 0.005, 4.0  # near-tie rounding in onnxruntime's float32 sums (see qdq_lsb)
N_INPUTS = 3
ORT_LEVELS = ("disabled", "all")
TIMEOUT = 300
JOBS = 2  # conversions in parallel (make test runs on 2 cores)
BIN = os.environ.get("RKNNC_BIN") or os.path.join(SRC, "build", "rknnc")
JUNIT = os.environ.get("RKNNC_JUNIT_DIR") or os.path.join(SRC, "build", "junit")
ORT_DIR = os.path.join(SRC, "tests", "ort")
NODE = os.environ.get("NODE") or shutil.which("node") or "node"


class CheckFailed(Exception):
    pass


def safe_file_name(tensor):
    """rknnc run's (and ort_run.js's) output file naming."""
    out = re.sub(r"[^A-Za-z0-9.\-]", "_", tensor)
    return "_" + out if not out or out[0] == "." else out


def sh(args, what):
    try:
        p = subprocess.run(args, capture_output=True, text=True, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        raise CheckFailed(f"{what}: timed out after {TIMEOUT}s: {' '.join(args)}")
    except OSError as e:
        raise CheckFailed(f"{what}: cannot start {args[0]}: {e}")
    if p.returncode != 0:
        msg = (p.stderr.strip() or p.stdout.strip()).splitlines()
        raise CheckFailed(f"{what}: exit {p.returncode}: {msg[-1] if msg else '(no output)'}  [{' '.join(args)}]")
    return p.stdout


def rknnc_run(model, files, out, flags=(), what=None):
    args = [BIN, "run", model, "-o", out, "--batch"] + list(flags)
    for f in files:
        args += ["--input", f]
    sh(args, what or ("rknnc run " + os.path.basename(model) + " " + " ".join(flags)))
    return out


def ort_run(model, files, out, level="disabled"):
    sh([NODE, os.path.join(ORT_DIR, "ort_run.js"), "--batch", "--opt", level, model, out] + files,
       f"onnxruntime-node ({level}; run scripts/install-deps.sh to install it)")
    return out


def max_rel_err(got, ref):
    got, ref = np.asarray(got, np.float64), np.asarray(ref, np.float64)
    denom = max(float(np.max(np.abs(ref))) if ref.size else 0.0, 1e-6)
    if not np.all(np.isfinite(got)):
        return float("inf")
    return float(np.max(np.abs(got - ref))) / denom if ref.size else 0.0


def cosine(a, b):
    a, b = np.asarray(a, np.float64).ravel(), np.asarray(b, np.float64).ravel()
    return float(a @ b / max(np.linalg.norm(a) * np.linalg.norm(b), 1e-30))


def load_outputs(directory, names, what):
    out = {}
    for n in names:
        f = os.path.join(directory, safe_file_name(n) + ".npy")
        if not os.path.exists(f):
            have = sorted(os.listdir(directory)) if os.path.isdir(directory) else []
            raise CheckFailed(f"{what}: no {safe_file_name(n)}.npy for output '{n}' (found {have})")
        out[n] = np.load(f)
    return out


def check_shapes(got, ref, names, what):
    bad = [f"'{n}' shape {list(got[n].shape)} != {list(ref[n].shape)}" for n in names
           if tuple(got[n].shape) != tuple(ref[n].shape)]
    if bad:
        raise CheckFailed(f"{what}: " + "; ".join(bad))


def compare(got, ref, names, what, tol, errors):
    """Relative error per output; errors[name] = error (inf for a shape mismatch)."""
    msgs = []
    for n in names:
        a, b = got[n], ref[n]
        if tuple(a.shape) != tuple(b.shape):
            msgs.append(f"'{n}' shape {list(a.shape)} != onnxruntime {list(b.shape)}")
            errors[n] = float("inf")
            continue
        errors[n] = err = max_rel_err(a, b)
        if not err <= tol:
            msgs.append(f"'{n}' max rel err {err:.3g} > {tol:g}")
    if msgs:
        raise CheckFailed(f"{what}: " + "; ".join(msgs))
    return "max rel err " + ", ".join(f"'{n}' {errors[n]:.2e}" for n in names)


class Sample:
    """One configs/*.yml: its model, inputs, outputs, normalisation and test set."""

    def __init__(self, cfg_path):
        self.cfg_path = os.path.abspath(cfg_path)
        with open(cfg_path) as f:
            doc = yaml.safe_load(f)
        m = doc["models"]
        m = m[0] if isinstance(m, list) else m
        self.name = m["name"]
        self.folder_of_cfg = os.path.dirname(self.cfg_path)
        self.model_path = os.path.normpath(os.path.join(self.folder_of_cfg, m["model_file_path"]))
        self.folder = os.path.dirname(self.model_path)
        model = onnx.load(self.model_path)
        inits = {i.name for i in model.graph.initializer}
        graph_inputs = [i for i in model.graph.input if i.name not in inits]
        self.graph_outputs = [o.name for o in model.graph.output]
        sub = m.get("subgraphs") or {}
        self.inputs = [str(n) for n in sub.get("inputs") or [i.name for i in graph_inputs]]
        self.outputs = [str(n) for n in sub.get("outputs") or self.graph_outputs]
        sizes = sub.get("input_size_list")
        if sizes:
            self.shapes = [[int(d) for d in str(s).split(",")] for s in sizes]
        else:
            by_name = {i.name: i for i in graph_inputs}
            self.shapes = [[d.dim_value for d in by_name[n].type.tensor_type.shape.dim] for n in self.inputs]
        cfg = m.get("configs") or {}
        self.mean = self._per_input(cfg.get("mean_values"), 0.0)
        self.std = self._per_input(cfg.get("std_values"), 1.0)
        self.algorithm = str(cfg.get("quantized_algorithm", "normal"))
        self.method = str(cfg.get("quantized_method", "channel"))
        self.test_set = None  # (images [N, ...input shape], labels [N])
        for stem in ("test_images", "test_inputs"):
            x, y = (os.path.join(self.folder, f"{stem}.npy"), os.path.join(self.folder, "test_labels.npy"))
            if len(self.inputs) == 1 and os.path.exists(x) and os.path.exists(y):
                images = np.load(x).astype(np.float32)
                images = images.reshape([len(images)] + self.shapes[0])
                self.test_set = (images, np.load(y))
                break

    def _per_input(self, values, default):
        if values is None:
            return [[default] for _ in self.inputs]
        if values and not isinstance(values[0], list):
            values = [values]
        if len(values) == 1 and len(self.inputs) > 1:
            values = values * len(self.inputs)
        return [[float(v) for v in vs] for vs in values]

    def raw_inputs(self):
        """Per model input, [N_INPUTS, ...input shape] raw float32 (see the module doc)."""
        if self.test_set is not None:
            return [self.test_set[0][:N_INPUTS]]
        rng = np.random.default_rng(zlib.crc32(self.name.encode()))
        out = []
        for shape in self.shapes:
            if len(shape) != 4:
                out.append(rng.integers(0, 256, size=[N_INPUTS] + shape).astype(np.float32))
                continue
            _, c, h, w = shape
            images = [synthetic_image(rng, h, w, c).transpose(2, 0, 1)[None] for _ in range(N_INPUTS - 1)]
            images.append(rng.integers(0, 256, size=[1, c, h, w]))
            out.append(np.stack(images).astype(np.float32))
        return out

    def normalise(self, raws):
        out = []
        for raw, mean, std in zip(raws, self.mean, self.std):
            shape = [1, 1, -1] + [1] * (raw.ndim - 3)  # [N, 1, C, ...]
            m = np.asarray(mean, np.float32).reshape(shape)
            s = np.asarray(std, np.float32).reshape(shape)
            out.append(((raw - m) / s).astype(np.float32))
        return out

    def recorded_fp32_top1(self):
        """(correct, total) from accuracy.txt, or None."""
        path = os.path.join(self.folder, "accuracy.txt")
        if not os.path.exists(path):
            return None
        with open(path) as f:
            m = re.search(r"\((\d+)/(\d+)\)", f.read())
        if not m:
            raise CheckFailed(f"{path}: no '(correct/total)'")
        return int(m.group(1)), int(m.group(2))

    def expectation(self):
        """{'top1': %, 'cosine': c} of expectation.txt's row for this config's algorithm/method, or None."""
        path = os.path.join(self.folder, "expectation.txt")
        if not os.path.exists(path):
            return None
        with open(path) as f:
            for line in f:
                cells = [c.strip() for c in line.strip().strip("|").split("|")]
                if len(cells) >= 4 and cells[0] == self.algorithm and cells[1] == self.method:
                    return {"top1": float(cells[2].rstrip(" %")), "cosine": float(cells[3])}
        raise CheckFailed(f"{path}: no row for {self.algorithm} / {self.method}")


def derived_config(s, path, float_dtype=None):
    """A copy of the config with quantize: false (and float_dtype) and absolute paths."""
    with open(s.cfg_path) as f:
        doc = yaml.safe_load(f)
    models = doc["models"] if isinstance(doc["models"], list) else [doc["models"]]
    for m in models:
        m["quantize"] = False
        for key in ("model_file_path", "dataset"):
            if m.get(key):
                m[key] = os.path.normpath(os.path.join(s.folder_of_cfg, m[key]))
        if float_dtype:
            m.setdefault("configs", {})["float_dtype"] = float_dtype
    with open(path, "w") as f:
        yaml.safe_dump(doc, f)
    return path


def model_with_outputs(sample, tmp):
    """The original model, with the cut tensors added as graph outputs when needed."""
    extra = [o for o in sample.outputs if o not in sample.graph_outputs]
    if not extra:
        return sample.model_path
    model = onnx.shape_inference.infer_shapes(onnx.load(sample.model_path))
    infos = {v.name: v for v in list(model.graph.value_info) + list(model.graph.output)}
    produced = {o for n in model.graph.node for o in n.output}
    for name in extra:
        if name not in produced:
            raise CheckFailed(f"{sample.cfg_path}: subgraphs.outputs names '{name}', no node produces it")
        model.graph.output.append(infos[name] if name in infos else onnx.helper.make_empty_tensor_value_info(name))
    path = os.path.join(tmp, "ort_model.onnx")
    onnx.save(model, path)
    return path


def output_scales(qdq_path, names):
    """Per graph output: the scale (array) and axis of the DequantizeLinear producing it."""
    model = onnx.load(qdq_path)
    consts = {i.name: numpy_helper.to_array(i) for i in model.graph.initializer}
    for n in model.graph.node:
        if n.op_type == "Constant":
            consts[n.output[0]] = numpy_helper.to_array(n.attribute[0].t)
    producer = {o: n for n in model.graph.node for o in n.output}
    out = {}
    for name in names:
        n = producer.get(name)
        if n is None or n.op_type != "DequantizeLinear":
            raise CheckFailed(f"{qdq_path}: output '{name}' is produced by "
                              f"{n.op_type if n else 'no node'}, not by a DequantizeLinear: no int8 output scale")
        if n.input[1] not in consts:
            raise CheckFailed(f"{qdq_path}: the scale '{n.input[1]}' of output '{name}' is not a constant")
        axis = next((a.i for a in n.attribute if a.name == "axis"), 1)
        out[name] = (np.asarray(consts[n.input[1]], np.float64), axis)
    return out


def lsb_diff(got, ref, scale, axis):
    """|got - ref| / scale per element, got and ref [N, ...output shape]; and the
    mask of elements beyond LSB_SLACK * scale + LSB_EPS."""
    diff = np.abs(np.asarray(got, np.float64) - np.asarray(ref, np.float64))
    if scale.size > 1:  # per-axis: broadcast along the axis (+1 for the batch axis)
        a = axis % (got.ndim - 1) + 1
        shape = [1] * got.ndim
        shape[a] = scale.size
        scale = scale.reshape(shape)
    bad = ~(diff <= LSB_SLACK * scale + LSB_EPS)
    return diff / scale, bad


class Report:
    def __init__(self):
        self.cases = []   # (classname, name, seconds, failure or None, message)
        self.rows = {}    # table name -> list of rows

    def check(self, classname, name, fn):
        t0 = time.monotonic()
        failure, message = None, None
        try:
            message = fn()
        except CheckFailed as e:
            failure = str(e)
        except Exception as e:  # a bug in this script or unexpected data: still one failed case
            failure = f"{type(e).__name__}: {e}"
        secs = time.monotonic() - t0
        self.cases.append((classname, name, secs, failure, message))
        note = failure or message
        print(f"{'FAIL' if failure else 'ok  '} {classname} {name} ({secs:.1f}s)" + (f"\n     {note}" if note else ""),
              flush=True)
        return failure is None

    def add(self, table, row):
        self.rows.setdefault(table, []).append(row)

    def write(self, seconds):
        os.makedirs(JUNIT, exist_ok=True)
        fails = sum(1 for c in self.cases if c[3])
        lines = ['<?xml version="1.0" encoding="UTF-8"?>',
                 f'<testsuite name="ort_samples" tests="{len(self.cases)}" failures="{fails}" errors="0" '
                 f'time="{seconds:.3f}">']
        for cls, name, secs, failure, message in self.cases:
            head = f'  <testcase classname={quoteattr(cls)} name={quoteattr(name)} time="{secs:.3f}"'
            if failure:
                lines.append(f'{head}>\n    <failure message={quoteattr(failure)}>{escape(failure)}</failure>\n'
                             '  </testcase>')
            elif message:
                lines.append(f'{head}>\n    <system-out>{escape(message)}</system-out>\n  </testcase>')
            else:
                lines.append(head + "/>")
        lines.append("</testsuite>")
        with open(os.path.join(JUNIT, "ort_samples.xml"), "w") as f:
            f.write("\n".join(lines) + "\n")

        def cell(v):
            if v is None:
                return "—"
            if isinstance(v, float):
                return "FAIL (shape)" if v == float("inf") else f"{v:.3g}"
            return str(v)

        tables = {
            "qdq": (f"## int8: `rknnc run NAME.rknn` vs onnxruntime on `rknnc export-qdq` (N = {N_INPUTS} raw inputs)\n\n"
                    "Max |rknnc - ort(QDQ)| per output in LSB (1 LSB = the output's scale, from the "
                    "DequantizeLinear producing it); pass: every element <= 1 LSB with onnxruntime's graph "
                    "optimisations disabled; `all` (onnxruntime's default: QDQ fused into its integer kernels) "
                    "is shown, not checked.",
                    ["config", "output", "scale"] + [f"max LSB ({lv})" for lv in ORT_LEVELS]
                    + [f"elements > 1 LSB ({lv})" for lv in ORT_LEVELS]),
            "cosine": ("## int8 `.rknn` vs fp32 onnxruntime: cosine per output",
                       ["config", "output", "inputs", "cosine", "bound"]),
            "top1": ("## int8 top-1 on the sample's test set (`rknnc run --batch`)",
                     ["config", "test images", "int8 top-1", "reference", "bound"]),
            "float": ("## Float: max|rknnc - ort| / max|ort| per output (fp32 onnxruntime on the original .onnx)\n\n"
                      f"`rknnc run .onnx` and the float32 `.rknn` (`float_dtype: float32`): <= {TOL_FP32:g}; "
                      f"float16 `.rknn` (`quantize: false`): <= {TOL_FP16:g}.",
                      ["config", "output", "rknnc run .onnx", "float32 .rknn", "float16 .rknn"]),
        }
        md = ["# rknnc vs onnxruntime", ""]
        for key, (title, header) in tables.items():
            md += [title, "", "| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
            md += ["| " + " | ".join(cell(c) for c in row) + " |" for row in self.rows.get(key, [])]
            md.append("")
        failed = [f"- {c[0]} {c[1]}: {c[3]}" for c in self.cases if c[3]]
        md += (["## Failures", ""] + failed + [""] if failed else [])
        md.append(f"{len(self.cases) - fails} checks passed, {fails} failed ({seconds:.0f} s).")
        with open(os.path.join(JUNIT, "..", "ort_errors.md"), "w") as f:
            f.write("\n".join(md) + "\n")
        return fails


def list_targets(report):
    targets = []

    def get():
        doc = json.loads(sh([BIN, "targets", "--json"], "rknnc targets --json"))
        items = doc.get("targets", doc) if isinstance(doc, dict) else doc
        targets.extend(t["name"] if isinstance(t, dict) else str(t) for t in items)
        if not targets:
            raise CheckFailed("rknnc targets --json lists no targets")
        return f"{len(targets)} targets"
    report.check("ort.targets", "list", get)
    return targets


def convert(cfg, out, name, target="rk3588"):
    sh([BIN, "-t", target, "-i", cfg, "-o", out], f"rknnc -t {target} -i {cfg}")
    rknn = os.path.join(out, name + ".rknn")
    if not os.path.isfile(rknn) or not os.path.isfile(os.path.join(out, name + ".build.json")):
        raise CheckFailed(f"rknnc -t {target}: {name}.rknn or {name}.build.json missing in {out}")
    return rknn


def save_all(tmp, stem, arrays):
    files = []
    for i, a in enumerate(arrays):
        files.append(os.path.join(tmp, f"{stem}{i}.npy"))
        np.save(files[-1], np.ascontiguousarray(a))
    return files


def run_sample(cfg, targets, report, tmp_root):
    cls = "ort." + os.path.splitext(os.path.basename(cfg))[0]
    st = {}

    def load():
        st["s"] = Sample(cfg)
    if not report.check(cls, "load_config", load):
        return
    s = st["s"]
    tmp = tempfile.mkdtemp(prefix=s.name + ".", dir=tmp_root)
    raws = s.raw_inputs()
    raw_files = save_all(tmp, "raw", raws)
    norm_files = save_all(tmp, "norm", s.normalise(raws))
    nhwc_files = save_all(tmp, "nhwc", [r.transpose(0, 1, 3, 4, 2) if r.ndim == 5 else r for r in raws])
    all_outputs = list(dict.fromkeys(s.graph_outputs + s.outputs))
    errs = {"onnx": {}, "fp32": {}, "fp16": {}}

    def need(*keys):
        missing = [k for k in keys if k not in st]
        if missing:
            raise CheckFailed("needs " + ", ".join(missing) + " (failed above)")

    # --- fp32 reference and rknnc run .onnx
    def ort_reference():
        d = ort_run(model_with_outputs(s, tmp), norm_files, os.path.join(tmp, "ort"))
        st["ref"] = load_outputs(d, all_outputs, "onnxruntime")
    report.check(cls, "ort_reference", ort_reference)

    for label, flags in (("onnx_run", []), ("onnx_run_level0", ["--optimization-level", "0"])):
        def onnx_run(label=label, flags=flags):
            need("ref")
            d = rknnc_run(s.model_path, norm_files, os.path.join(tmp, label), flags)
            what = f"rknnc run .onnx {' '.join(flags)}".strip()
            return compare(load_outputs(d, s.graph_outputs, what), st["ref"], s.graph_outputs,
                           what + " vs onnxruntime", TOL_FP32, errs["onnx"] if not flags else {})
        report.check(cls, label, onnx_run)

    # --- int8: the config as is, for every target (two conversions at a time); rk3588's is run below
    def convert_target(t):
        return convert(s.cfg_path, os.path.join(tmp, "int8_" + re.sub(r"[^A-Za-z0-9]", "_", t)), s.name, t)
    with concurrent.futures.ThreadPoolExecutor(max_workers=JOBS) as pool:
        futures = {t: pool.submit(convert_target, t) for t in targets}
        for t in targets:
            # result() raises the job's CheckFailed
            report.check(cls, f"convert_{t}", lambda f=futures[t]: os.path.basename(f.result()) and None)
            if t == "rk3588" and report.cases[-1][3] is None:
                st["rknn"] = futures[t].result()

    def int8_run():
        need("rknn")
        d = rknnc_run(st["rknn"], raw_files, os.path.join(tmp, "int8_run"))
        st["int8"] = load_outputs(d, s.outputs, "rknnc run int8 .rknn")
    report.check(cls, "int8_run", int8_run)

    def qdq_export():
        need("rknn")
        st["qdq"] = os.path.join(tmp, s.name + ".qdq.onnx")
        sh([BIN, "export-qdq", st["rknn"], "-o", st["qdq"]], "rknnc export-qdq")
        st["scales"] = output_scales(st["qdq"], s.outputs)
    report.check(cls, "qdq_export", qdq_export)

    lsb = {}  # (output, level) -> (max LSB, elements beyond 1 LSB)

    def qdq_lsb():
        need("int8", "scales")
        bad_msgs, info = [], []
        for level in ORT_LEVELS:
            d = ort_run(st["qdq"], raw_files, os.path.join(tmp, "qdq_" + level), level)
            q = load_outputs(d, s.outputs, f"onnxruntime ({level}) on the QDQ model")
            check_shapes(st["int8"], q, s.outputs, f"rknnc run .rknn vs onnxruntime QDQ ({level})")
            for n in s.outputs:
                scale, axis = st["scales"][n]
                ratio, bad = lsb_diff(st["int8"][n], q[n], scale, axis)
                worst = float(ratio.max()) if ratio.size else 0.0
                lsb[(n, level)] = (worst, int(bad.sum()))
                info.append(f"'{n}' {worst:.3g} LSB ({level})")
                if level == ORT_LEVELS[0] and (bad.sum() > LSB_MAX_BEYOND * bad.size or worst > LSB_MAX):
                    idx = np.argwhere(bad)
                    first = tuple(int(i) for i in idx[np.argmax(ratio[bad])])
                    bad_msgs.append(f"'{n}': {int(bad.sum())}/{bad.size} elements beyond 1 LSB "
                                    f"(scale {scale.ravel()[0]:.6g}), worst {worst:.3g} LSB at {list(first)} "
                                    f"([input, ...output index]): rknnc {float(st['int8'][n][first]):.6g}, "
                                    f"onnxruntime {float(q[n][first]):.6g}; inputs with such elements: "
                                    f"{sorted(set(int(i[0]) for i in idx))}")
        msg = "max |rknnc - QDQ|: " + ", ".join(info)
        if bad_msgs:
            raise CheckFailed(f"QDQ (onnxruntime, optimisations {ORT_LEVELS[0]}) vs rknnc: " + "; ".join(bad_msgs)
                              + f" [{msg}]")
        return msg
    report.check(cls, "qdq_lsb", qdq_lsb)
    for n in s.outputs:
        sc = st.get("scales", {}).get(n)
        report.add("qdq", [s.name, f"`{n}`", None if sc is None else f"{sc[0].ravel()[0]:.5g}"]
                   + [None if (n, lv) not in lsb else f"{lsb[(n, lv)][0]:.3f}" for lv in ORT_LEVELS]
                   + [None if (n, lv) not in lsb else lsb[(n, lv)][1] for lv in ORT_LEVELS])

    # --- int8 accuracy: over the test set when there is one
    def test_set_outputs():
        need("rknn")
        images, labels = s.test_set
        x = save_all(tmp, "test_raw", [images])
        xn = save_all(tmp, "test_norm", s.normalise([images]))
        st["test_int8"] = load_outputs(rknnc_run(st["rknn"], x, os.path.join(tmp, "test_int8")),
                                       s.outputs[:1], "rknnc run --batch (test set)")
        st["test_ref"] = load_outputs(ort_run(model_with_outputs(s, tmp), xn, os.path.join(tmp, "test_ort")),
                                      s.outputs[:1], "onnxruntime (test set)")
        return f"{len(labels)} test inputs"
    have_test = s.test_set is not None and report.check(cls, "int8_test_set_run", test_set_outputs)

    def int8_cosine():
        need("int8", "ref")
        exp = s.expectation()
        bound = MIN_COSINE if exp is None else min(MIN_COSINE, exp["cosine"] - COSINE_MARGIN)
        msgs, bad = [], []
        for n in s.outputs:
            if have_test and n == s.outputs[0]:
                c, over = cosine(st["test_int8"][n], st["test_ref"][n]), f"{len(s.test_set[1])} test inputs"
            else:
                c, over = cosine(st["int8"][n], st["ref"][n]), f"{N_INPUTS} inputs"
            report.add("cosine", [s.name, f"`{n}`", over, f"{c:.4f}",
                                  f">= {bound:.4f}" + (" (expectation.txt - 0.02)" if exp else "")])
            msgs.append(f"'{n}' {c:.4f}")
            if not c >= bound:
                bad.append(f"'{n}' cosine {c:.4f} < {bound:.4f}")
        note = (f" (bound {bound:.4f}: expectation.txt says {exp['cosine']:.4f} for "
                f"{s.algorithm}/{s.method}, minus {COSINE_MARGIN})" if exp else "")
        if bad:
            raise CheckFailed("int8 vs fp32: " + "; ".join(bad) + note)
        return "cosine " + ", ".join(msgs) + note
    report.check(cls, "int8_cosine", int8_cosine)

    if have_test:
        def int8_top1():
            labels = s.test_set[1]
            pred = st["test_int8"][s.outputs[0]].reshape(len(labels), -1).argmax(1)
            top1 = 100.0 * float((pred == labels).mean())
            rec, exp = s.recorded_fp32_top1(), s.expectation()
            if rec is not None:
                if rec[1] != len(labels):
                    raise CheckFailed(f"accuracy.txt counts {rec[1]} test images, test_labels.npy {len(labels)}")
                ref, tol, what = 100.0 * rec[0] / rec[1], TOP1_POINTS, "fp32 (accuracy.txt)"
            elif exp is not None:
                ref, tol, what = exp["top1"], EXPECTED_TOP1_POINTS, f"expected int8 {s.algorithm}/{s.method} (expectation.txt)"
            else:
                return f"int8 top-1 {top1:.2f} % (no reference)"
            report.add("top1", [s.name, len(labels), f"{top1:.2f} %", f"{ref:.2f} % {what}", f"± {tol:g} points"])
            msg = f"int8 top-1 {top1:.2f} % ({int((pred == labels).sum())}/{len(labels)}), {what} {ref:.2f} %"
            if abs(top1 - ref) > tol:
                raise CheckFailed(msg + f": more than {tol:g} points apart")
            return msg
        report.check(cls, "int8_top1", int8_top1)

    # --- float16 (quantize: false) and float32 (float_dtype: float32)
    for kind, dtype, tol in (("fp16", None, TOL_FP16), ("fp32", "float32", TOL_FP32)):
        def convert_float(kind=kind, dtype=dtype):
            cfg_copy = derived_config(s, os.path.join(tmp, f"{kind}_{s.name}.yml"), dtype)
            st[kind] = convert(cfg_copy, os.path.join(tmp, kind), s.name)
        report.check(cls, f"{kind}_convert", convert_float)

        variants = [("run", raw_files, [])]
        if kind == "fp32":
            variants += [("run_pass_through", norm_files, ["--pass-through"]), ("run_nhwc", nhwc_files, ["--nhwc"])]
        for label, files, flags in variants:
            def float_run(kind=kind, label=label, files=files, flags=flags, tol=tol):
                need(kind, "ref")
                d = rknnc_run(st[kind], files, os.path.join(tmp, f"{kind}_{label}"), flags)
                what = f"rknnc run {kind} .rknn {' '.join(flags)}".strip()
                return compare(load_outputs(d, s.outputs, what), st["ref"], s.outputs, what + " vs onnxruntime", tol,
                               errs[kind] if label == "run" else {})
            report.check(cls, f"{kind}_{label}", float_run)

    for name in all_outputs:
        report.add("float", [s.name, f"`{name}`"] + [errs[k].get(name) for k in ("onnx", "fp32", "fp16")])


def main():
    start = time.monotonic()
    configs = sorted(glob.glob(os.path.join(SRC, "configs", "*.yml")))
    report = Report()

    def present():
        if not configs:
            raise CheckFailed(f"no configs/*.yml under {SRC}")
    report.check("ort.samples", "configs_present", present)
    targets = list_targets(report)
    tmp_root = tempfile.mkdtemp(prefix="rknnc-ort.")
    try:
        for cfg in configs:
            run_sample(cfg, targets, report, tmp_root)
    finally:
        if os.environ.get("RKNNC_KEEP_TMP"):
            print(f"work folder kept: {tmp_root}")
        else:
            shutil.rmtree(tmp_root, ignore_errors=True)
    seconds = time.monotonic() - start
    fails = report.write(seconds)
    print(f"{len(report.cases) - fails} passed, {fails} failed in {seconds:.0f} s "
          f"(report: {os.path.join(JUNIT, 'ort_samples.xml')}, "
          f"tables: {os.path.normpath(os.path.join(JUNIT, '..', 'ort_errors.md'))})")
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
