#!/usr/bin/python3
"""Hybrid quantisation (docs/hybrid.md): `rknnc hybrid step1` / `step2`.

Per configs/*.yml on rk3588 (JUnit class hybrid):
  round_trip_NAME  step1, then step2 with the cfg unedited: the .rknn is
                   byte-identical to the plain int8 conversion
  model_NAME       {name}.model passes onnx.checker (external data {name}.data
                   included), names every cfg tensor, and onnxruntime-node runs
                   it on raw inputs with the outputs of the source model on
                   normalised inputs within 1e-4 (max |d| / max |ref|)
On digits_cnn:
  edit_range       max edited alone: scale / zero_point derived from the range
  edits            one layer to float16 and one scale by hand: `rknnc inspect
                   --json` shows the float16 tensor and the new scale; `rknnc
                   run` output lies on the new scale's grid, differs from the
                   unedited model, and the float16 layer does not lower the
                   cosine to fp32
  yaml_key         configs.hybrid_cfg in the model YAML converts like step2
  bad_*            unknown layer, unknown tensor, bad dtype, a dtype the target
                   lacks, scale 0, min > max, min/max and scale both edited and
                   disagreeing, broken YAML, a cfg of another
                   model: one stderr line naming the cfg and its line, exit 2,
                   nothing written
Env: RKNNC_BIN, RKNNC_SOURCE_DIR, RKNNC_JUNIT_DIR; RKNNC_KEEP_TMP=1 keeps the
work folder. Prints the numbers of every check (the issue asks for them)."""
import glob
import json
import os
import re
import sys
import tempfile

import numpy as np
import onnx
import yaml

sys.path.insert(0, os.path.dirname(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "ort"))
from case_runner import SRC, expect, remove_tmp_and_exit, rknnc, run_cases  # noqa: E402
import compare_samples as cs  # noqa: E402

TARGET = "rk3588"
TOL = 1e-4


def ok(p, what):
    expect(p.returncode == 0, f"{what}: exit {p.returncode}: {p.stderr.strip()[-300:]}")
    return p


def step1(cfg, out):
    return ok(rknnc("hybrid", "step1", "-t", TARGET, "-i", cfg, "-o", out), "hybrid step1")


def step2(cfg, out, *extra):
    return rknnc("hybrid", "step2", "-t", TARGET, "-i", cfg, "-o", out, *extra)


def config_name(cfg):
    return cs.Sample(cfg).name


def read(path, mode="r"):
    with open(path, mode) as f:
        return f.read()


def round_trip(ctx, cfg):
    name = config_name(cfg)
    work = os.path.join(ctx["tmp"], name)
    ok(rknnc("-t", TARGET, "-i", cfg, "-o", os.path.join(work, "plain"), "--force"), "plain conversion")
    hy = os.path.join(work, "hybrid")
    step1(cfg, hy)
    for suffix in (".model", ".data", ".quantization.cfg"):
        expect(os.path.exists(os.path.join(hy, name + suffix)), f"step1 wrote no {name}{suffix}")
    ok(step2(cfg, hy), "hybrid step2")
    a, b = read(os.path.join(work, "plain", name + ".rknn"), "rb"), read(os.path.join(hy, name + ".rknn"), "rb")
    ctx["numbers"].append(f"round trip {name}: {len(a)} bytes plain, {len(b)} bytes step2, identical: {a == b}")
    expect(a == b, f"step2 .rknn differs from the plain conversion ({len(a)} vs {len(b)} bytes)")
    ctx["step1"][cfg] = hy


def check_model(ctx, cfg):
    name = config_name(cfg)
    hy = ctx["step1"].get(cfg)
    expect(hy, "needs round_trip (failed above)")
    path = os.path.join(hy, name + ".model")
    onnx.checker.check_model(path, full_check=True)
    model = onnx.load(path, load_external_data=False)
    externals = sum(1 for i in model.graph.initializer if i.data_location == onnx.TensorProto.EXTERNAL)
    tensors = {i.name for i in model.graph.input} | {o for n in model.graph.node for o in n.output}
    cfg_doc = yaml.safe_load(read(os.path.join(hy, name + ".quantization.cfg")))
    missing = [t for t in cfg_doc["quantize_parameters"] if t not in tensors]
    expect(not missing, f"cfg tensors not in {name}.model: {missing[:5]}")
    s = cs.Sample(cfg)
    tmp = os.path.join(ctx["tmp"], name, "ort")
    os.makedirs(tmp, exist_ok=True)
    raws = s.raw_inputs()
    ref_dir = cs.ort_run(cs.model_with_outputs(s, tmp), cs.save_all(tmp, "norm", s.normalise(raws)),
                         os.path.join(tmp, "source"))
    got_dir = cs.ort_run(path, cs.save_all(tmp, "raw", raws), os.path.join(tmp, "model"))
    ref = cs.load_outputs(ref_dir, s.outputs, "onnxruntime on the source model")
    got = cs.load_outputs(got_dir, s.outputs, f"onnxruntime on {name}.model")
    errs = {o: cs.max_rel_err(got[o], ref[o]) for o in s.outputs}
    ctx["numbers"].append(f"{name}.model: onnx.checker ok, {externals} initializers in {name}.data "
                          f"({os.path.getsize(os.path.join(hy, name + '.data'))} bytes), onnxruntime vs source: "
                          + ", ".join(f"{o} {e:.2e}" for o, e in errs.items()))
    bad = {o: e for o, e in errs.items() if not e <= TOL}
    expect(not bad, f"outputs beyond {TOL}: {bad}")


# --- edits on digits_cnn

def digits(ctx):
    cfg = os.path.join(SRC, "configs", "digits_cnn.yml")
    if "digits" not in ctx:
        out = os.path.join(ctx["tmp"], "digits_base")
        step1(cfg, out)
        ctx["digits"] = (cfg, out, read(os.path.join(out, "digits_cnn.quantization.cfg")))
    return ctx["digits"]


def entry_lines(text, tensor):
    """Line index of `tensor:` under quantize_parameters and of its keys."""
    lines = text.split("\n")
    start = next(i for i, l in enumerate(lines) if l == f"    {tensor}:")
    keys = {}
    for i in range(start + 1, len(lines)):
        m = re.match(r"^        (\w+):", lines[i])
        if not m:
            if not lines[i].startswith("        -"):
                break
            continue
        keys[m.group(1)] = i
    return start, keys


def edited(text, tensor, key, value):
    lines = text.split("\n")
    _, keys = entry_lines(text, tensor)
    lines[keys[key] + 1] = f"        - {value}"
    return "\n".join(lines)


def with_layer(text, layer, dtype="float16"):
    return text.replace("custom_quantize_layers:\n", f"custom_quantize_layers:\n    {layer}: {dtype}\n", 1)


def cfg_tensors(text):
    doc = yaml.safe_load(text)
    return doc["quantize_parameters"]


def conv_layers(text):
    return re.findall(r"# Conv: single-layer cosine [0-9.]+.*\n    (\S+):", text)


def run_rknn(rknn, inputs, out):
    cs.rknnc_run(rknn, inputs, out)
    return {f: np.load(os.path.join(out, f)) for f in os.listdir(out) if f.endswith(".npy")}


def inspect_tensors(rknn):
    info = json.loads(ok(rknnc("inspect", "--json", rknn), "inspect").stdout)
    return info


def find_tensor(info, name):
    """The tensor entry named `name` anywhere in inspect's JSON."""
    stack = [info]
    while stack:
        v = stack.pop()
        if isinstance(v, dict):
            if v.get("name") == name:
                return v
            stack.extend(v.values())
        elif isinstance(v, list):
            stack.extend(v)
    return None


def edits(ctx):
    cfg, base, text = digits(ctx)
    layer = conv_layers(text)[0]
    out_tensor = "logits"
    params = cfg_tensors(text)[out_tensor]
    new_scale = params["scale"][0] * 2
    text2 = with_layer(edited(text, out_tensor, "scale", repr(new_scale)), layer)
    work = os.path.join(ctx["tmp"], "edits")
    os.makedirs(work, exist_ok=True)
    cfg_file = os.path.join(work, "edited.cfg")
    with open(cfg_file, "w") as f:
        f.write(text2)
    ok(step2(cfg, os.path.join(work, "edited"), "--cfg", cfg_file), "step2 with edits")
    ok(step2(cfg, os.path.join(work, "plain"), "--cfg", os.path.join(base, "digits_cnn.quantization.cfg")), "step2")
    rknn_e, rknn_p = os.path.join(work, "edited", "digits_cnn.rknn"), os.path.join(work, "plain", "digits_cnn.rknn")
    info = inspect_tensors(rknn_e)
    half = find_tensor(info, layer + "__f16")
    expect(half is not None and "float16" in json.dumps(half).lower(), f"inspect shows no float16 tensor {layer}__f16: {half}")
    q = find_tensor(info, out_tensor + "__int8")
    got_scale = q["quant"]["scale"][0] if q and "quant" in q else None
    expect(got_scale is not None and abs(got_scale - new_scale) <= 1e-6 * new_scale,
           f"inspect shows {out_tensor}__int8 as {q}, expected scale {new_scale}")
    build = json.loads(read(os.path.join(work, "edited", "digits_cnn.build.json")))
    hy = build["quantization"]["hybrid"]
    expect(hy["float16_layers"] == [layer] and hy["edited_tensors"] == [out_tensor], f"build.json hybrid: {hy}")
    # rknnc run: the edited scale's grid, a different output, fp16 not worse than int8
    s = cs.Sample(cfg)
    raws = s.raw_inputs()
    inputs = cs.save_all(work, "raw", raws)
    ref = cs.load_outputs(cs.ort_run(s.model_path, cs.save_all(work, "norm", s.normalise(raws)),
                                     os.path.join(work, "ort")), [out_tensor], "onnxruntime")[out_tensor]
    ye = run_rknn(rknn_e, inputs, os.path.join(work, "run_edited"))["logits.npy"]
    yp = run_rknn(rknn_p, inputs, os.path.join(work, "run_plain"))["logits.npy"]
    zp = params["zero_point"][0]
    steps = ye / new_scale + zp
    off_grid = float(np.max(np.abs(steps - np.round(steps))))
    expect(off_grid < 1e-3, f"edited output is not on the edited scale's grid (off by {off_grid} steps)")
    expect(not np.array_equal(ye, yp), "edited and unedited outputs are identical")
    # float16 layer alone: compare its cosine with the plain int8 one
    text3 = with_layer(text, layer)
    cfg3 = os.path.join(work, "half_only.cfg")
    with open(cfg3, "w") as f:
        f.write(text3)
    ok(step2(cfg, os.path.join(work, "half"), "--cfg", cfg3), "step2 float16 only")
    yh = run_rknn(os.path.join(work, "half", "digits_cnn.rknn"), inputs, os.path.join(work, "run_half"))["logits.npy"]
    cp, ch = cs.cosine(yp, ref), cs.cosine(yh, ref)
    ctx["numbers"].append(
        f"edits (digits_cnn): layer {layer} -> float16, {out_tensor} scale {params['scale'][0]} -> {new_scale}; "
        f"max |edited - unedited| = {float(np.max(np.abs(ye - yp))):.4g}, edited output on the new grid "
        f"(max {off_grid:.1e} steps off); cosine vs fp32: int8 {cp:.6f}, {layer} float16 {ch:.6f}")
    expect(not np.array_equal(yh, yp), "the float16 layer did not change the output")
    expect(ch >= cp - 1e-4, f"the float16 layer lowered the cosine to fp32: {ch} < {cp}")


def edit_range(ctx):
    """max edited alone: scale and zero_point are derived from the new range."""
    cfg, base, text = digits(ctx)
    params = cfg_tensors(text)["logits"]
    lo, hi = params["min"][0], params["max"][0] * 2
    work = os.path.join(ctx["tmp"], "edit_range")
    os.makedirs(work, exist_ok=True)
    with open(os.path.join(work, "range.cfg"), "w") as f:
        f.write(edited(text, "logits", "max", repr(hi)))
    ok(step2(cfg, os.path.join(work, "out"), "--cfg", os.path.join(work, "range.cfg")), "step2 with max edited")
    q = find_tensor(inspect_tensors(os.path.join(work, "out", "digits_cnn.rknn")), "logits__int8")
    scale = np.float32(np.float32(hi) - np.float32(lo)) / 255.0
    zero = int(np.clip(np.round(-128 - lo / scale), -128, 127))
    got = (q["quant"]["scale"][0], q["quant"]["zero_point"][0])
    ctx["numbers"].append(f"edit_range (digits_cnn): logits max {params['max'][0]} -> {hi}: scale "
                          f"{params['scale'][0]} -> {got[0]}, zero_point {params['zero_point'][0]} -> {got[1]}")
    expect(abs(got[0] - scale) <= 1e-6 * scale and got[1] == zero, f"got {got}, expected ({scale}, {zero})")


def yaml_key(ctx):
    cfg, base, text = digits(ctx)
    work = os.path.join(ctx["tmp"], "yaml_key")
    os.makedirs(work, exist_ok=True)
    layer = conv_layers(text)[0]
    with open(os.path.join(work, "edited.cfg"), "w") as f:
        f.write(with_layer(text, layer))
    doc = yaml.safe_load(read(cfg))
    m = doc["models"]
    for key in ("model_file_path", "dataset"):
        m[key] = os.path.join(SRC, "configs", m[key])
    m["configs"]["hybrid_cfg"] = "edited.cfg"
    with open(os.path.join(work, "model.yml"), "w") as f:
        yaml.safe_dump(doc, f)
    ok(rknnc("-t", TARGET, "-i", os.path.join(work, "model.yml"), "-o", os.path.join(work, "out")), "convert")
    info = inspect_tensors(os.path.join(work, "out", "digits_cnn.rknn"))
    expect(find_tensor(info, layer + "__f16") is not None, f"no float16 tensor {layer}__f16 with configs.hybrid_cfg")


# --- bad cfg: one line naming the cfg line, exit 2, nothing written

def bad_case(ctx, what, mutate, pattern):
    cfg, base, text = digits(ctx)
    bad_text, line = mutate(text)
    work = os.path.join(ctx["tmp"], "bad_" + what)
    os.makedirs(work, exist_ok=True)
    cfg_file = os.path.join(work, "bad.quantization.cfg")
    with open(cfg_file, "w") as f:
        f.write(bad_text)
    out = os.path.join(work, "out")
    p = step2(cfg, out, "--cfg", cfg_file)
    err = p.stderr.strip()
    ctx["numbers"].append(f"bad {what}: exit {p.returncode}: {err}")
    expect(p.returncode == 2, f"exit {p.returncode}, expected 2: {err}")
    expect(len(err.splitlines()) == 1 and err.startswith("rknnc: error: "), f"not one error line: {err!r}")
    expect(f"bad.quantization.cfg: line {line}" in err, f"does not name line {line}: {err}")
    expect(re.search(pattern, err), f"does not say /{pattern}/: {err}")
    written = os.listdir(out) if os.path.exists(out) else []
    expect(not written, f"files written: {written}")


def line_of(text, needle, after=0):
    lines = text.split("\n")
    return next(i for i in range(after, len(lines)) if needle in lines[i]) + 1


def bad_unknown_layer(text):
    t = with_layer(text, "no_such_layer")
    return t, line_of(t, "    no_such_layer: float16")


def bad_unknown_tensor(text):
    t = text.replace("    logits:\n", "    logitz:\n", 1)
    return t, line_of(t, "    logitz:")


def bad_dtype(text):
    t = with_layer(text, conv_layers(text)[0], "bfloat16")
    return t, line_of(t, ": bfloat16")


def bad_target_dtype(text):
    t = with_layer(text, conv_layers(text)[0], "int16")
    return t, line_of(t, ": int16")


def bad_scale_zero(text):
    t = edited(text, "logits", "scale", "0.0")
    _, keys = entry_lines(t, "logits")
    return t, keys["scale"] + 2


def bad_min_max(text):
    t = edited(text, "logits", "min", "100.0")
    _, keys = entry_lines(t, "logits")
    return t, keys["min"] + 1


def bad_both_pairs(text):
    t = edited(edited(text, "logits", "max", "50.0"), "logits", "scale", "0.5")
    _, keys = entry_lines(t, "logits")
    return t, keys["scale"] + 1


def bad_yaml(text):
    t = text.replace("        qtype: asymmetric_quantized\n", "        qtype: [asymmetric_quantized\n", 1)
    return t, line_of(t, "qtype: [asymmetric_quantized") + 1  # the parser stops on the next line


def other_model(ctx):
    """mobilenetv2_mini's cfg given to digits_cnn."""
    cfg = os.path.join(SRC, "configs", "mobilenetv2_mini.yml")
    out = ctx["step1"].get(cfg) or os.path.join(ctx["tmp"], "mobilenet_step1")
    if cfg not in ctx["step1"]:
        step1(cfg, out)
    t = read(os.path.join(out, "mobilenetv2_mini.quantization.cfg"))
    return t, line_of(t, "model_sha256:")


def main():
    configs = sorted(glob.glob(os.path.join(SRC, "configs", "*.yml")))
    tmp = tempfile.mkdtemp(prefix="rknnc-hybrid.")
    ctx = {"tmp": tmp, "step1": {}, "numbers": []}
    cases = []
    for cfg in configs:
        stem = os.path.splitext(os.path.basename(cfg))[0]
        cases.append((f"round_trip_{stem}", lambda c, cfg=cfg: round_trip(c, cfg)))
        cases.append((f"model_{stem}", lambda c, cfg=cfg: check_model(c, cfg)))
    cases += [("edits", edits), ("edit_range", edit_range), ("yaml_key", yaml_key)]
    bad = [("unknown_layer", bad_unknown_layer, r"not the output of a layer"),
           ("unknown_tensor", bad_unknown_tensor, r"did you mean 'logits'"),
           ("dtype", bad_dtype, r"float16 or int16"),
           ("target_dtype", bad_target_dtype, r"int16 is not a data type of rk3588"),
           ("scale_zero", bad_scale_zero, r"scale > 0"),
           ("min_above_max", bad_min_max, r"min 100 is above max"),
           ("both_pairs_disagree", bad_both_pairs, r"both changed and disagree"),
           ("broken_yaml", bad_yaml, r"YAML syntax error"),
           ("other_model", None, r"made for another model")]
    for what, mutate, pattern in bad:
        if mutate is None:
            cases.append((f"bad_{what}", lambda c, w=what, p=pattern: bad_case(c, w, lambda t: other_model(c), p)))
        else:
            cases.append((f"bad_{what}", lambda c, w=what, m=mutate, p=pattern: bad_case(c, w, m, p)))
    code = run_cases("hybrid", cases, ctx)
    print("\n".join(ctx["numbers"]))
    remove_tmp_and_exit(tmp, code)


if __name__ == "__main__":
    main()
