#!/usr/bin/python3
"""QDQ / QAT import (docs/quantization.md, "QDQ / QAT import"): models that
carry QuantizeLinear / DequantizeLinear nodes convert with quantize: false
into int8 .rknn files with the model's own parameters.

Checks (JUnit class qdq.NAME):
  round_trip       per configs/*.yml: the int8 conversion (rk3588), then
                   `rknnc export-qdq`, then that QDQ model converted with
                   quantize: false. Same int8 parameters (every tensor of
                   `rknnc inspect --json` by name; every quantised constant of
                   the two QDQ exports, as a multiset of values + scales + zero
                   points) and bit-identical outputs of `rknnc run` on the
                   compare_samples.py inputs; build.json says the parameters
                   came from the model and lists no warning.
  torch            a model quantised by PyTorch (make_torch_qdq.py: eager
                   post-training quantisation, uint8 activations, per-channel
                   and per-tensor int8 weights) and exported with
                   torch.onnx.export converts with quantize: false; `rknnc run`
                   vs onnxruntime-node (optimisations disabled) running the
                   same QDQ model: >= 99.5 % of the output elements within
                   1 LSB (the scale of the output's DequantizeLinear).
  quantize_true    the same model with quantize: true and a data set keeps the
                   model's parameters of every tensor it quantises.
  unsupported      a QDQ model with a per-axis activation pair and a pair whose
                   halves disagree converts, with one warning per pattern
                   naming its node (stderr and build.json), and no int8
                   parameters for those tensors.
Env as compare_samples.py (RKNNC_BIN, RKNNC_SOURCE_DIR, RKNNC_JUNIT_DIR,
RKNNC_KEEP_TMP). Writes $RKNNC_JUNIT_DIR/qdq_import.xml.
"""
import glob
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper
import yaml

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import compare_samples as cs  # noqa: E402

MIN_WITHIN_1LSB = 0.995


def write_yml(path, name, model, shapes, quantize=False, extra=None):
    m = {"name": name, "platform": "onnx", "model_file_path": model, "quantize": quantize,
         "subgraphs": {"input_size_list": [",".join(str(d) for d in s) for s in shapes]},
         "configs": dict(extra or {})}
    with open(path, "w") as f:
        yaml.safe_dump({"models": m}, f)
    return path


def build_json(out, name):
    with open(os.path.join(out, name + ".build.json")) as f:
        return json.load(f)


def tensor_params(rknn):
    doc = json.loads(cs.sh([cs.BIN, "inspect", rknn, "--json"], "rknnc inspect"))
    return {t["name"]: t.get("quant") for t in doc.get("tensors", []) if t.get("quant")}


def constant_params(qdq_path):
    """Sorted digests of every DequantizeLinear of an initializer: values, scale, zero point."""
    model = onnx.load(qdq_path)
    inits = {i.name: numpy_helper.to_array(i) for i in model.graph.initializer}
    out = []
    for n in model.graph.node:
        if n.op_type == "DequantizeLinear" and n.input[0] in inits:
            h = hashlib.sha256()
            for name in n.input:
                a = inits.get(name)
                h.update(b"-" if a is None else a.tobytes() + str(a.dtype).encode())
            out.append(h.hexdigest())
    return sorted(out)


def run_outputs(rknn, files, out):
    cs.rknnc_run(rknn, files, out)
    return {f: np.load(os.path.join(out, f)) for f in sorted(os.listdir(out)) if f.endswith(".npy")}


def round_trip(cfg, tmp, report):
    sample = cs.Sample(cfg)
    name = sample.name
    work = os.path.join(tmp, name)
    os.makedirs(work)
    rknn_a = cs.convert(cfg, os.path.join(work, "a"), name)
    qdq_a = os.path.join(work, name + ".qdq.onnx")
    cs.sh([cs.BIN, "export-qdq", rknn_a, "-o", qdq_a], "rknnc export-qdq")
    yml = write_yml(os.path.join(work, "import.yml"), name, qdq_a, sample.shapes)
    rknn_b = cs.convert(yml, os.path.join(work, "b"), name)
    pa, pb = tensor_params(rknn_a), tensor_params(rknn_b)
    if not pa:
        raise cs.CheckFailed(f"{name}: the int8 .rknn lists no quantised tensor")
    diff = sorted(t for t in set(pa) | set(pb) if pa.get(t) != pb.get(t))
    if diff:
        t = diff[0]
        raise cs.CheckFailed(f"{name}: {len(diff)} tensor(s) with other int8 parameters after import, first "
                             f"'{t}': {pa.get(t)} vs {pb.get(t)}")
    qdq_b = os.path.join(work, name + ".import.qdq.onnx")
    cs.sh([cs.BIN, "export-qdq", rknn_b, "-o", qdq_b], "rknnc export-qdq (imported)")
    ca, cb = constant_params(qdq_a), constant_params(qdq_b)
    if ca != cb:
        raise cs.CheckFailed(f"{name}: quantised constants differ after import ({len(ca)} vs {len(cb)}, "
                             f"{len(set(ca) ^ set(cb))} not shared)")
    files = cs.save_all(work, "in", sample.raw_inputs())
    oa, ob = run_outputs(rknn_a, files, os.path.join(work, "run_a")), run_outputs(rknn_b, files, os.path.join(work, "run_b"))
    if oa.keys() != ob.keys():
        raise cs.CheckFailed(f"{name}: outputs {sorted(oa)} vs {sorted(ob)}")
    for k in oa:
        if oa[k].shape != ob[k].shape or oa[k].tobytes() != ob[k].tobytes():
            raise cs.CheckFailed(f"{name}: output {k} differs after import (max |d| "
                                 f"{float(np.max(np.abs(oa[k].astype(np.float64) - ob[k]))):.6g})")
    quant = build_json(os.path.join(work, "b"), name)
    q, warnings = quant["quantization"], quant["warnings"]
    if q.get("algorithm") != "none" or "qdq" not in q or warnings:
        raise cs.CheckFailed(f"{name}: build.json quantization {q.get('parameters')!r}, warnings {warnings}")
    row = (f"| {name} | {len(pa)} | {len(ca)} | {q['qdq']['pairs_removed']} | "
           f"{sum(v.size for v in oa.values())} | bit-identical |")
    report.add("round_trip", row)
    return (f"{len(pa)} tensors and {len(ca)} constants with the same parameters, "
            f"{sum(v.size for v in oa.values())} output values bit-identical")


def torch_model(tmp, report):
    work = os.path.join(tmp, "torch")
    cs.sh(["/usr/bin/python3", os.path.join(cs.ORT_DIR, "make_torch_qdq.py"), work], "make_torch_qdq.py")
    model = os.path.join(work, "torch_qdq.onnx")
    inputs = os.path.join(work, "torch_qdq_inputs.npy")
    yml = write_yml(os.path.join(work, "torch.yml"), "torch_qdq", model, [[1, 3, 16, 16]])
    out = os.path.join(work, "out")
    rknn = cs.convert(yml, out, "torch_qdq")
    info = build_json(out, "torch_qdq")
    q = info["quantization"]
    if q.get("int8_nodes", 0) < 5 or q.get("algorithm") != "none":
        raise cs.CheckFailed(f"torch_qdq: int8_nodes {q.get('int8_nodes')}, float ops {q.get('float_ops')}")
    got = cs.load_outputs(cs.rknnc_run(rknn, [inputs], os.path.join(work, "run")), ["logits"], "rknnc run")
    ref = cs.load_outputs(cs.ort_run(model, [inputs], os.path.join(work, "ort")), ["logits"], "onnxruntime")
    cs.check_shapes(got, ref, ["logits"], "torch_qdq")
    scale, axis = cs.output_scales(model, ["logits"])["logits"]
    lsb, _ = cs.lsb_diff(got["logits"], ref["logits"], scale, axis)
    within = float(np.mean(lsb <= cs.LSB_SLACK + cs.LSB_EPS / float(np.min(scale))))
    report.add("torch", f"| torch_qdq | {q['int8_nodes']} | {q['float_nodes']} | {lsb.size} | {within * 100:.2f} % | "
                        f"{float(np.max(lsb)):.3f} | {len(info['warnings'])} |")
    if within < MIN_WITHIN_1LSB:
        raise cs.CheckFailed(f"torch_qdq: {within * 100:.2f} % of {lsb.size} elements within 1 LSB "
                             f"(max {float(np.max(lsb)):.2f} LSB); needed {MIN_WITHIN_1LSB * 100} %")
    return (f"{within * 100:.2f} % of {lsb.size} elements within 1 LSB of onnxruntime, max "
            f"{float(np.max(lsb)):.3f} LSB; int8 nodes {q['int8_nodes']}, float nodes {q['float_nodes']}, "
            f"warnings {info['warnings']}")


def torch_quantize_true(tmp, report):
    """quantize: true on the QDQ model: the model's parameters stay, calibration fills only the rest."""
    work = os.path.join(tmp, "torch")
    model = os.path.join(work, "torch_qdq.onnx")
    if not os.path.exists(model):
        raise cs.CheckFailed("torch_qdq.onnx was not made (see the torch check)")
    samples = np.load(os.path.join(work, "torch_qdq_inputs.npy"))
    lines = []
    for i, x in enumerate(samples):
        lines.append(os.path.join(work, f"calib{i}.npy"))
        np.save(lines[-1], x)
    dataset = os.path.join(work, "dataset.txt")
    with open(dataset, "w") as f:
        f.write("\n".join(lines) + "\n")
    yml = write_yml(os.path.join(work, "torch_q.yml"), "torch_qdq", model, [[1, 3, 16, 16]], quantize=True)
    with open(yml) as f:
        doc = yaml.safe_load(f)
    doc["models"]["dataset"] = dataset
    with open(yml, "w") as f:
        yaml.safe_dump(doc, f)
    rknn = cs.convert(yml, os.path.join(work, "out_q"), "torch_qdq")
    q = build_json(os.path.join(work, "out_q"), "torch_qdq")["quantization"]
    if "calibration for the rest" not in q.get("parameters", "") or q.get("calibration_samples") != len(samples):
        raise cs.CheckFailed(f"torch_qdq quantize: true: build.json quantization {q}")
    plain, calibrated = tensor_params(os.path.join(work, "out", "torch_qdq.rknn")), tensor_params(rknn)
    diff = sorted(t for t in plain if calibrated.get(t) != plain[t])
    if diff:
        raise cs.CheckFailed(f"torch_qdq quantize: true changed the model's parameters of {diff}")
    return f"the model's parameters of {len(plain)} tensors kept, {q['calibration_samples']} calibration samples"


def unsupported_model(path):
    """x -> Q/DQ (per axis: not an activation's per-tensor form) -> Relu -> Q/DQ with halves that disagree -> Conv."""
    rng = np.random.default_rng(3)
    w = rng.normal(0, 0.3, (4, 3, 3, 3)).astype(np.float32)
    inits = [numpy_helper.from_array(w, "w"),
             numpy_helper.from_array(np.array([0.02, 0.03, 0.04], np.float32), "s_axis"),
             numpy_helper.from_array(np.array([0, 0, 0], np.uint8), "z_axis"),
             numpy_helper.from_array(np.array(0.05, np.float32), "s1"),
             numpy_helper.from_array(np.array(0.07, np.float32), "s2"),
             numpy_helper.from_array(np.array(10, np.uint8), "z")]
    nodes = [helper.make_node("QuantizeLinear", ["x", "s_axis", "z_axis"], ["xq"], name="q_per_axis", axis=1),
             helper.make_node("DequantizeLinear", ["xq", "s_axis", "z_axis"], ["xd"], name="dq_per_axis", axis=1),
             helper.make_node("Relu", ["xd"], ["r"], name="relu"),
             helper.make_node("QuantizeLinear", ["r", "s1", "z"], ["rq"], name="q_r"),
             helper.make_node("DequantizeLinear", ["rq", "s2", "z"], ["rd"], name="dq_mismatch"),
             helper.make_node("Conv", ["rd", "w"], ["y"], name="conv", pads=[1, 1, 1, 1])]
    graph = helper.make_graph(nodes, "unsupported_qdq", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 8, 8])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 4, 8, 8])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    onnx.checker.check_model(model)
    onnx.save(model, path)


def unsupported(tmp, report):
    work = os.path.join(tmp, "unsupported")
    os.makedirs(work)
    model = os.path.join(work, "unsupported_qdq.onnx")
    unsupported_model(model)
    yml = write_yml(os.path.join(work, "u.yml"), "unsupported_qdq", model, [[1, 3, 8, 8]])
    out = os.path.join(work, "out")
    p = subprocess.run([cs.BIN, "-t", "rk3588", "-i", yml, "-o", out], capture_output=True, text=True,
                       timeout=cs.TIMEOUT)
    if p.returncode != 0:
        raise cs.CheckFailed(f"unsupported_qdq: exit {p.returncode}: {p.stderr.strip()}")
    warnings = build_json(out, "unsupported_qdq")["warnings"]
    for node, words in (("q_per_axis", "per-axis"), ("dq_mismatch", "differ")):
        hits = [w for w in warnings if f"'{node}'" in w and words in w]
        if not hits:
            raise cs.CheckFailed(f"unsupported_qdq: no warning naming node '{node}' ({words}); warnings: {warnings}")
        if hits[0] not in p.stderr:
            raise cs.CheckFailed(f"unsupported_qdq: warning '{hits[0]}' not on stderr")
    return "; ".join(warnings)


def main():
    start = time.monotonic()
    report = cs.Report()
    tmp = tempfile.mkdtemp(prefix="rknnc-qdq.")
    try:
        for cfg in sorted(glob.glob(os.path.join(cs.SRC, "configs", "*.yml"))):
            name = os.path.splitext(os.path.basename(cfg))[0]
            report.check("qdq." + name, "round_trip", lambda c=cfg: round_trip(c, tmp, report))
        report.check("qdq.torch_qdq", "torch", lambda: torch_model(tmp, report))
        report.check("qdq.torch_qdq", "quantize_true", lambda: torch_quantize_true(tmp, report))
        report.check("qdq.unsupported_qdq", "unsupported", lambda: unsupported(tmp, report))
    finally:
        if os.environ.get("RKNNC_KEEP_TMP"):
            print(f"work folder kept: {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    fails = sum(1 for c in report.cases if c[3])
    os.makedirs(cs.JUNIT, exist_ok=True)
    write_junit(report, os.path.join(cs.JUNIT, "qdq_import.xml"), time.monotonic() - start)
    for table, rows in report.rows.items():
        print(f"\n{table}:\n" + "\n".join(rows))
    print(f"{len(report.cases) - fails} passed, {fails} failed in {time.monotonic() - start:.0f} s")
    return 1 if fails else 0


def write_junit(report, path, seconds):
    from xml.sax.saxutils import escape, quoteattr
    lines = [f'<testsuite name="qdq_import" tests="{len(report.cases)}" time="{seconds:.1f}">']
    for cls, name, secs, failure, message in report.cases:
        lines.append(f'  <testcase classname={quoteattr(cls)} name={quoteattr(name)} time="{secs:.2f}">')
        if failure:
            lines.append(f'    <failure message={quoteattr(failure)}/>')
        elif message:
            lines.append(f'    <system-out>{escape(message)}</system-out>')
        lines.append('  </testcase>')
    lines.append('</testsuite>')
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    sys.exit(main())
