#!/usr/bin/python3
"""Compares rknnc against onnxruntime (npm onnxruntime-node) on every configs/*.yml.

For each config, with a deterministic raw input (the first digits test image, or
a seeded random 0-255 image) and its normalisation (raw - mean) / std:
  ort        onnxruntime on the ORIGINAL .onnx with the normalised input; cut
             outputs (subgraphs.outputs) are added as extra graph outputs
  onnx_run   `rknnc run MODEL.onnx --input normalised.npy` vs ort, every graph output
  convert    `rknnc -t rk3588 -i CONFIG -o TMP` writes NAME.rknn + NAME.build.json
  rknn_run   `rknnc run TMP/NAME.rknn --input raw.npy` vs ort, every (cut) output
  target_T   conversion succeeds for every target of `rknnc targets --json`
Pass: max|rknnc - ort| / max(max|ort|, 1e-6) <= 1e-4 and equal shapes.

Env: RKNNC_BIN, RKNNC_SOURCE_DIR, RKNNC_JUNIT_DIR (from meson's test_env).
Writes $RKNNC_JUNIT_DIR/ort_samples.xml and $RKNNC_JUNIT_DIR/../ort_errors.md.
Exit 0 when every check passed. Needs /usr/bin/python3 with numpy, onnx, yaml.
"""
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
import yaml

TOL = 1e-4
TIMEOUT = 300
SRC = os.environ.get("RKNNC_SOURCE_DIR") or os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
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


def max_rel_err(got, ref):
    got, ref = np.asarray(got, np.float64), np.asarray(ref, np.float64)
    denom = max(float(np.max(np.abs(ref))) if ref.size else 0.0, 1e-6)
    if not np.all(np.isfinite(got)):
        return float("inf")
    return float(np.max(np.abs(got - ref))) / denom if ref.size else 0.0


class Sample:
    """One configs/*.yml: its model, inputs, outputs and normalisation."""

    def __init__(self, cfg_path):
        self.cfg_path = cfg_path
        with open(cfg_path) as f:
            doc = yaml.safe_load(f)
        m = doc["models"]
        m = m[0] if isinstance(m, list) else m
        self.name = m["name"]
        self.model_path = os.path.normpath(os.path.join(os.path.dirname(cfg_path), m["model_file_path"]))
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

    def _per_input(self, values, default):
        if values is None:
            return [[default] for _ in self.inputs]
        if values and not isinstance(values[0], list):
            values = [values]
        if len(values) == 1 and len(self.inputs) > 1:
            values = values * len(self.inputs)
        return [[float(v) for v in vs] for vs in values]

    def raw_inputs(self):
        """Deterministic raw (0-255 scale, NCHW float32) inputs."""
        test_images = os.path.join(os.path.dirname(self.model_path), "test_images.npy")
        if len(self.inputs) == 1 and os.path.exists(test_images):
            img = np.load(test_images)[:1].astype(np.float32)
            if list(img.shape) == self.shapes[0]:
                return [img]
        rng = np.random.default_rng(zlib.crc32(self.name.encode()))
        return [rng.integers(0, 256, size=s).astype(np.float32) for s in self.shapes]

    def normalise(self, raws):
        out = []
        for raw, mean, std in zip(raws, self.mean, self.std):
            shape = [1, -1] + [1] * (raw.ndim - 2)
            m = np.asarray(mean, np.float32).reshape(shape)
            s = np.asarray(std, np.float32).reshape(shape)
            out.append(((raw - m) / s).astype(np.float32))
        return out


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


def load_outputs(directory, names, what):
    out = {}
    for n in names:
        f = os.path.join(directory, safe_file_name(n) + ".npy")
        if not os.path.exists(f):
            have = sorted(os.listdir(directory)) if os.path.isdir(directory) else []
            raise CheckFailed(f"{what}: no {safe_file_name(n)}.npy for output '{n}' (found {have})")
        out[n] = np.load(f)
    return out


def compare(got, ref, names, what, errors):
    worst, msgs = 0.0, []
    for n in names:
        a, b = got[n], ref[n]
        if tuple(a.shape) != tuple(b.shape):
            msgs.append(f"'{n}' shape {list(a.shape)} != onnxruntime {list(b.shape)}")
            errors[n] = float("inf")
            continue
        err = max_rel_err(a, b)
        errors[n] = err
        worst = max(worst, err)
        if not err <= TOL:
            msgs.append(f"'{n}' max rel err {err:.3g} > {TOL:g}")
    if msgs:
        raise CheckFailed(f"{what}: " + "; ".join(msgs))
    return worst


class Report:
    def __init__(self):
        self.cases = []  # (classname, name, seconds, failure or None)
        self.table = []  # (config, output, onnx_run err, rknn_run err)

    def check(self, classname, name, fn):
        t0 = time.monotonic()
        failure = None
        try:
            fn()
        except CheckFailed as e:
            failure = str(e)
        except Exception as e:  # a bug in this script or unexpected data: still one failed case
            failure = f"{type(e).__name__}: {e}"
        self.cases.append((classname, name, time.monotonic() - t0, failure))
        print(f"{'FAIL' if failure else 'ok  '} {classname} {name}" + (f"\n     {failure}" if failure else ""))
        return failure is None

    def write(self):
        os.makedirs(JUNIT, exist_ok=True)
        fails = sum(1 for c in self.cases if c[3])
        lines = ['<?xml version="1.0" encoding="UTF-8"?>',
                 f'<testsuite name="ort_samples" tests="{len(self.cases)}" failures="{fails}" errors="0">']
        for cls, name, secs, failure in self.cases:
            lines.append(f'  <testcase classname={quoteattr(cls)} name={quoteattr(name)} time="{secs:.3f}"'
                         + ('/>' if not failure else
                            f'>\n    <failure message={quoteattr(failure)}>{escape(failure)}</failure>\n  </testcase>'))
        lines.append("</testsuite>")
        with open(os.path.join(JUNIT, "ort_samples.xml"), "w") as f:
            f.write("\n".join(lines) + "\n")

        def fmt(e):
            return "—" if e is None else ("FAIL (shape)" if e == float("inf") else f"{e:.2e}")
        md = ["# rknnc vs onnxruntime: max relative error per output", "",
              f"max|rknnc - ort| / max(max|ort|, 1e-6); tolerance {TOL:g}. "
              "`onnx` = `rknnc run model.onnx` (normalised input), "
              "`rknn` = `rknnc run NAME.rknn` (raw input, mean/std applied by rknnc).", "",
              "| config | output | rknnc run .onnx | rknnc run .rknn |", "|---|---|---|---|"]
        md += [f"| {c} | `{o}` | {fmt(a)} | {fmt(b)} |" for c, o, a, b in self.table]
        md += ["", f"{len(self.cases) - fails} checks passed, {fails} failed."]
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
    report.check("ort.targets", "list", get)
    return targets


def test_accuracy(s, rknn, tmp):
    """A sample with test_images.npy + test_labels.npy + accuracy.txt: the .rknn,
    fed every raw test image, must reach the fp32 accuracy recorded when it was trained."""
    folder = os.path.dirname(s.model_path)
    images = np.load(os.path.join(folder, "test_images.npy")).astype(np.float32)
    labels = np.load(os.path.join(folder, "test_labels.npy"))
    with open(os.path.join(folder, "accuracy.txt")) as f:
        m = re.search(r"\((\d+)/(\d+)\)", f.read())
    if not m or int(m.group(2)) != len(labels):
        raise CheckFailed(f"{folder}/accuracy.txt: no '(correct/total)' matching {len(labels)} test labels")
    expected = int(m.group(1))
    correct = 0
    for i in range(len(images)):
        f = os.path.join(tmp, "acc_in.npy")
        np.save(f, images[i:i + 1])
        d = os.path.join(tmp, "acc_out")
        sh([BIN, "run", rknn, "--input", f, "-o", d], f"rknnc run .rknn (test image {i})")
        correct += int(np.argmax(np.load(os.path.join(d, safe_file_name(s.outputs[0]) + ".npy"))) == labels[i])
    # fp32 within 1e-4 of onnxruntime: the same predictions, up to one near-tie
    if abs(correct - expected) > 1:
        raise CheckFailed(f"{s.name}: .rknn test accuracy {correct}/{len(labels)}, "
                          f"recorded fp32 accuracy {expected}/{len(labels)} (samples/README.md)")
    print(f"     {s.name}: .rknn test accuracy {correct}/{len(labels)} (recorded {expected})")


def float_config(cfg, tmp):
    """A `quantize: true` config (an int8 sample) is compared here as its float
    model, a copy with quantize: false; int8 accuracy is bench/quant.py's job."""
    with open(cfg) as f:
        doc = yaml.safe_load(f)
    models = doc["models"] if isinstance(doc["models"], list) else [doc["models"]]
    if not any(m.get("quantize") for m in models):
        return cfg
    here = os.path.dirname(os.path.abspath(cfg))
    for m in models:
        m["quantize"] = False
        for key in ("model_file_path", "dataset"):
            if m.get(key):
                m[key] = os.path.join(here, m[key])
    path = os.path.join(tmp, "float_" + os.path.basename(cfg))
    with open(path, "w") as f:
        yaml.safe_dump(doc, f)
    return path


def run_sample(cfg, targets, report, tmp_root):
    cls = "ort." + os.path.splitext(os.path.basename(cfg))[0]
    state = {}

    def load():
        state["s"] = Sample(cfg)
    if not report.check(cls, "load_config", load):
        return
    s = state["s"]
    tmp = tempfile.mkdtemp(prefix=s.name + ".", dir=tmp_root)
    cfg = float_config(cfg, tmp)
    raws = s.raw_inputs()
    norms = s.normalise(raws)
    raw_files, norm_files = [], []
    for i, (r, n) in enumerate(zip(raws, norms)):
        raw_files.append(os.path.join(tmp, f"raw{i}.npy"))
        norm_files.append(os.path.join(tmp, f"norm{i}.npy"))
        np.save(raw_files[-1], r)
        np.save(norm_files[-1], n)
    errs_onnx, errs_rknn = {}, {}

    def ort():
        model = model_with_outputs(s, tmp)
        sh([NODE, os.path.join(ORT_DIR, "ort_run.js"), model, os.path.join(tmp, "ort")] + norm_files,
           "onnxruntime-node (run scripts/install-deps.sh to install it)")
        state["ref"] = load_outputs(os.path.join(tmp, "ort"), list(dict.fromkeys(s.graph_outputs + s.outputs)),
                                    "onnxruntime")
    have_ref = report.check(cls, "ort_reference", ort)

    def onnx_run():
        if not have_ref:
            raise CheckFailed("no onnxruntime reference")
        d = os.path.join(tmp, "onnx_run")
        args = [BIN, "run", s.model_path, "-o", d]
        for f in norm_files:
            args += ["--input", f]
        sh(args, "rknnc run .onnx")
        compare(load_outputs(d, s.graph_outputs, "rknnc run .onnx"), state["ref"], s.graph_outputs,
                "rknnc run .onnx vs onnxruntime", errs_onnx)
    report.check(cls, "onnx_run_vs_ort", onnx_run)

    out = os.path.join(tmp, "convert")

    def convert():
        sh([BIN, "-t", "rk3588", "-i", cfg, "-o", out], "rknnc convert")
        for ext in (".rknn", ".build.json"):
            if not os.path.isfile(os.path.join(out, s.name + ext)):
                raise CheckFailed(f"rknnc convert: {s.name}{ext} missing in {out}")
    converted = report.check(cls, "convert_rk3588", convert)

    rknn = os.path.join(out, s.name + ".rknn")
    nhwc_files = []
    for i, r in enumerate(raws):
        nhwc_files.append(os.path.join(tmp, f"raw{i}_nhwc.npy"))
        np.save(nhwc_files[-1], np.ascontiguousarray(r.transpose(0, 2, 3, 1)) if r.ndim == 4 else r)

    def rknn_run(label, files, flags, errs):
        if not converted or not have_ref:
            raise CheckFailed("needs convert_rk3588 and ort_reference")
        d = os.path.join(tmp, label)
        args = [BIN, "run", rknn, "-o", d] + flags
        for f in files:
            args += ["--input", f]
        what = "rknnc run .rknn " + " ".join(flags)
        sh(args, what)
        compare(load_outputs(d, s.outputs, what), state["ref"], s.outputs, what + " vs onnxruntime", errs)
    # raw 0-255 input, rknnc applies the config's mean/std
    report.check(cls, "rknn_run_vs_ort", lambda: rknn_run("rknn_run", raw_files, [], errs_rknn))
    # already normalised input
    report.check(cls, "rknn_run_pass_through_vs_ort",
                 lambda: rknn_run("rknn_pass", norm_files, ["--pass-through"], {}))
    # raw input in NHWC layout
    report.check(cls, "rknn_run_nhwc_vs_ort", lambda: rknn_run("rknn_nhwc", nhwc_files, ["--nhwc"], {}))
    if converted and os.path.exists(os.path.join(os.path.dirname(s.model_path), "accuracy.txt")):
        report.check(cls, "rknn_test_accuracy", lambda: test_accuracy(s, rknn, tmp))

    for name in list(dict.fromkeys(s.graph_outputs + s.outputs)):
        report.table.append((s.name, name, errs_onnx.get(name), errs_rknn.get(name)))

    for t in targets:
        def convert_target(t=t):
            d = os.path.join(tmp, "target_" + re.sub(r"[^A-Za-z0-9]", "_", t))
            sh([BIN, "-t", t, "-i", cfg, "-o", d], f"rknnc -t {t}")
            if not os.path.isfile(os.path.join(d, s.name + ".rknn")):
                raise CheckFailed(f"rknnc -t {t}: {s.name}.rknn missing")
        report.check(cls, f"convert_{t}", convert_target)


def main():
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
        if not os.environ.get("RKNNC_KEEP_TMP"):
            shutil.rmtree(tmp_root, ignore_errors=True)
    fails = report.write()
    print(f"{len(report.cases) - fails} passed, {fails} failed "
          f"(report: {os.path.join(JUNIT, 'ort_samples.xml')}, table: {os.path.normpath(os.path.join(JUNIT, '..', 'ort_errors.md'))})")
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
