#!/usr/bin/env python3
"""Opsets 18-21, external data and the pattern fusions (docs/onnx.md,
docs/passes.md), end to end. Models are written at test time into a scratch
folder: by hand with onnx.helper for opsets 18-21 (Debian's onnx 1.12 knows
opsets up to 17, so its version converter cannot make them), by torch.onnx for
the fusions.

* opset 18-21 node forms (Reduce*/Pad axes inputs, Split num_outputs, Resize
  axes / keep_aspect_ratio_policy / antialias / half_pixel_symmetric, Pad wrap,
  GroupNormalization-21, Gelu-20, GridSample-20 mode names): `rknnc run` of the
  .onnx matches onnxruntime-node within 1e-4, and the model converts;
* float8 Cast and blocked quantisation are one-line errors naming the node;
* external data: a model stored as .onnx + .data converts and `rknnc run`
  matches onnxruntime-node;
* fusions: the decomposed (opset 13) and LayerNormalization (opset 17) exports
  of one LayerNorm module, and GELU approximate 'none' / 'tanh' / Gelu-20, give
  the same IR op histogram (build.json ops_after) and match onnxruntime-node;
  attention blocks are named in build.json."""
import json
import os
import shutil
import subprocess
import sys
import tempfile

import numpy as np
import onnx
import torch
from onnx import TensorProto, helper, numpy_helper

from case_runner import SRC, expect, main_exit, rknnc, run_cases

NODE = shutil.which("node") or "/usr/bin/node"
ORT_RUN = os.path.join(SRC, "tests", "ort", "ort_run.js")
TOL = 1e-4


def save_model(path, nodes, inputs, outputs, inits=(), opset=18, extra_opsets=()):
    graph = helper.make_graph(nodes, os.path.basename(path), inputs, outputs, list(inits))
    imports = [helper.make_opsetid("", opset), *extra_opsets]
    model = helper.make_model(graph, opset_imports=imports, producer_name="rknnc-tests")
    model.ir_version = 8 if opset <= 18 else 9 if opset <= 20 else 10
    onnx.save(model, path)
    return path


def tensor_info(name, shape, dtype=TensorProto.FLOAT):
    return helper.make_tensor_value_info(name, dtype, shape)


def ints(name, values):
    return numpy_helper.from_array(np.array(values, np.int64), name)


def floats(name, values):
    return numpy_helper.from_array(np.asarray(values, np.float32), name)


def ort_outputs(model, inputs, work):
    out = os.path.join(work, "ort")
    shutil.rmtree(out, ignore_errors=True)
    p = subprocess.run([NODE, ORT_RUN, model, out, *inputs], capture_output=True, text=True, timeout=300)
    expect(p.returncode == 0, f"onnxruntime-node on {os.path.basename(model)}: {p.stderr.strip()[-400:]}")
    return {e["name"]: np.load(os.path.join(out, e["file"])) for e in json.load(open(os.path.join(out, "outputs.json")))}


def rknnc_outputs(model, inputs, work, names):
    out = os.path.join(work, "rknnc")
    shutil.rmtree(out, ignore_errors=True)
    args = ["run", model, "-o", out]
    for f in inputs:
        args += ["--input", f]
    p = rknnc(*args)
    expect(p.returncode == 0, f"rknnc run {os.path.basename(model)}: {p.stderr.strip()}")
    return {n: np.load(os.path.join(out, n + ".npy")) for n in names}


def save_inputs(work, arrays):
    files = []
    for i, a in enumerate(arrays):
        files.append(os.path.join(work, f"in{i}.npy"))
        np.save(files[-1], np.ascontiguousarray(a))
    return files


def matches_ort(model, arrays, work):
    """`rknnc run` of the .onnx vs onnxruntime-node; returns the largest abs error."""
    files = save_inputs(work, arrays)
    ref = ort_outputs(model, files, work)
    got = rknnc_outputs(model, files, work, list(ref))
    worst = 0.0
    for name, r in ref.items():
        g = got[name]
        expect(g.shape == r.shape, f"{name}: shape {g.shape} != onnxruntime {r.shape}")
        err = float(np.max(np.abs(g.astype(np.float64) - r))) if r.size else 0.0
        expect(err <= TOL * max(1.0, float(np.max(np.abs(r)))), f"{name}: max abs error {err:.3g} vs onnxruntime")
        worst = max(worst, err)
    return worst


def convert(model, work, name="m", platform="onnx", extra_yaml=""):
    """rknnc -t rk3588 (float) of the model into WORK/out_NAME; returns build.json."""
    yml = os.path.join(work, name + ".yml")
    with open(yml, "w") as f:
        f.write(f"models:\n  name: {name}\n  platform: {platform}\n  model_file_path: {model}\n{extra_yaml}")
    out = os.path.join(work, "out_" + name)
    shutil.rmtree(out, ignore_errors=True)
    p = rknnc("-t", "rk3588", "-i", yml, "-o", out)
    expect(p.returncode == 0, f"convert {os.path.basename(model)}: {p.stderr.strip()}")
    return json.load(open(os.path.join(out, name + ".build.json")))


def rng(seed=0):
    return np.random.default_rng(seed)


# ---- opset 18-21 node forms --------------------------------------------------

def case_reduce_18(ctx):
    w = ctx["work"]
    x = tensor_info("x", [2, 3, 4, 5])
    nodes = [
        helper.make_node("ReduceMean", ["x", "ax1"], ["mean"], name="mean"),
        helper.make_node("ReduceMax", ["x", "ax_last"], ["max"], name="max", keepdims=0),
        helper.make_node("ReduceL2", ["x", "ax23"], ["l2"], name="l2"),
        helper.make_node("ReduceMin", ["x"], ["min_all"], name="min_all", keepdims=0),
        # axes computed at run time (not a constant in the file): the node is kept in its opset-18 form
        helper.make_node("Sub", ["three", "one"], ["ax_computed"], name="ax_sub"),
        helper.make_node("ReduceProd", ["x", "ax_computed"], ["prod"], name="prod"),
        helper.make_node("ReduceLogSumExp", ["x", "ax1"], ["lse"], name="lse"),
    ]
    outs = [tensor_info(n, None) for n in ["mean", "max", "l2", "min_all", "prod", "lse"]]
    inits = [ints("ax1", [1]), ints("ax_last", [-1]), ints("ax23", [2, 3]), ints("three", [3]), ints("one", [1])]
    m = save_model(os.path.join(w, "reduce18.onnx"), nodes, [x], outs, inits, opset=18)
    ctx["numbers"].append(f"reduce18: max abs err {matches_ort(m, [rng().standard_normal((2, 3, 4, 5), np.float32)], w):.2e}")
    convert(m, w, "reduce18")
    # No axes with noop_with_empty_axes=1 is the identity (onnxruntime 1.20 reduces every axis here: numpy is the
    # reference).
    noop = helper.make_node("ReduceSumSquare", ["x"], ["ssq"], name="ssq_noop", noop_with_empty_axes=1)
    m = save_model(os.path.join(w, "noop18.onnx"), [noop], [x], [tensor_info("ssq", None)], opset=18)
    a = rng(5).standard_normal((2, 3, 4, 5), np.float32)
    got = rknnc_outputs(m, save_inputs(w, [a]), w, ["ssq"])["ssq"]
    expect(got.shape == a.shape and np.array_equal(got, a), f"noop_with_empty_axes: shape {got.shape}, not the input")


def case_pad_split_18(ctx):
    w = ctx["work"]
    x = tensor_info("x", [1, 7, 4, 5])
    nodes = [
        helper.make_node("Pad", ["x", "pads", "value", "axes"], ["padded"], name="pad_axes", mode="constant"),
        helper.make_node("Split", ["padded"], ["s0", "s1", "s2"], name="split3", axis=1, num_outputs=3),
        helper.make_node("Relu", ["s2"], ["r2"], name="relu"),
    ]
    inits = [ints("pads", [1, 2, 0, 3]), floats("value", 0.5), ints("axes", [3, 2])]  # axes out of order
    outs = [tensor_info(n, None) for n in ["s0", "s1", "r2"]]
    m = save_model(os.path.join(w, "pad_split18.onnx"), nodes, [x], outs, inits, opset=18)
    ctx["numbers"].append(f"pad_split18: max abs err {matches_ort(m, [rng(1).standard_normal((1, 7, 4, 5), np.float32)], w):.2e}")
    convert(m, w, "pad_split18")


def case_resize_18_19(ctx):
    w = ctx["work"]
    x = tensor_info("x", [1, 2, 6, 8])
    nodes = [
        helper.make_node("Resize", ["x", "", "sc"], ["up_axes"], name="resize_axes", mode="linear", axes=[2, 3]),
        helper.make_node("Resize", ["x", "", "", "sz"], ["fit"], name="resize_fit", mode="nearest",
                         keep_aspect_ratio_policy="not_larger", axes=[2, 3]),
        helper.make_node("Resize", ["x", "", "", "sz"], ["cover"], name="resize_cover", mode="linear",
                         keep_aspect_ratio_policy="not_smaller", axes=[2, 3]),
        helper.make_node("Resize", ["x", "", "sc4"], ["sym"], name="resize_sym", mode="linear",
                         coordinate_transformation_mode="half_pixel_symmetric"),
        helper.make_node("Resize", ["x", "", "sc4"], ["aa_up"], name="resize_antialias_up", mode="linear", antialias=1),
        helper.make_node("Resize", ["x", "", "down"], ["aa_linear"], name="aa_linear", mode="linear", antialias=1),
        helper.make_node("Resize", ["x", "", "down"], ["aa_cubic"], name="aa_cubic", mode="cubic", antialias=1),
        helper.make_node("Resize", ["x", "", "down"], ["aa_cubic_excl"], name="aa_cubic_excl", mode="cubic", antialias=1,
                         exclude_outside=1),
    ]
    inits = [floats("sc", [2.0, 1.5]), ints("sz", [9, 10]), floats("sc4", [1, 1, 1.7, 2.3]),
             floats("down", [1, 1, 0.5, 0.3])]
    outs = [tensor_info(n, None) for n in ["up_axes", "fit", "cover", "sym", "aa_up", "aa_linear", "aa_cubic",
                                           "aa_cubic_excl"]]
    m = save_model(os.path.join(w, "resize19.onnx"), nodes, [x], outs, inits, opset=19)
    ctx["numbers"].append(f"resize19: max abs err {matches_ort(m, [rng(2).standard_normal((1, 2, 6, 8), np.float32)], w):.2e}")
    convert(m, w, "resize19")


def case_opset_21(ctx):
    """Ops whose form changed at 19-21 and ops new since 18, in one opset-21 model."""
    w = ctx["work"]
    x = tensor_info("x", [2, 4, 6, 6])
    grid = tensor_info("grid", [2, 5, 5, 2])
    r = rng(3)
    nodes = [
        helper.make_node("GroupNormalization", ["x", "gn_scale", "gn_bias"], ["gn"], name="gn", num_groups=2, epsilon=1e-5),
        helper.make_node("Gelu", ["gn"], ["gelu"], name="gelu"),
        helper.make_node("Gelu", ["gn"], ["gelu_tanh"], name="gelu_tanh", approximate="tanh"),
        helper.make_node("Add", ["gelu", "gelu_tanh"], ["sum"], name="add"),
        helper.make_node("Pad", ["sum", "pads"], ["wrapped"], name="pad_wrap", mode="wrap"),
        helper.make_node("GridSample", ["wrapped", "grid"], ["sampled"], name="grid_linear", mode="linear"),
        helper.make_node("GridSample", ["wrapped", "grid"], ["sampled_cubic"], name="grid_cubic", mode="cubic"),
        helper.make_node("ReduceMean", ["sampled", "ax"], ["mean"], name="mean", keepdims=1),
        helper.make_node("Flatten", ["mean"], ["flat"], name="flatten", axis=1),
        helper.make_node("Mish", ["flat"], ["mish"], name="mish"),
        helper.make_node("Cast", ["mish"], ["cast"], name="cast", to=TensorProto.FLOAT, saturate=1),
    ]
    inits = [floats("gn_scale", r.uniform(0.5, 1.5, 4)), floats("gn_bias", r.uniform(-0.5, 0.5, 4)),
             ints("pads", [0, 0, 1, 2, 0, 0, 2, 1]), ints("ax", [2, 3])]
    outs = [tensor_info(n, None) for n in ["cast", "sampled_cubic"]]
    m = save_model(os.path.join(w, "mixed21.onnx"), nodes, [x, grid], outs, inits, opset=21)
    arrays = [r.standard_normal((2, 4, 6, 6), np.float32), r.uniform(-1, 1, (2, 5, 5, 2)).astype(np.float32)]
    ctx["numbers"].append(f"mixed21: max abs err {matches_ort(m, arrays, w):.2e}")
    convert(m, w, "mixed21")


def expect_one_line_error(model, pattern, work):
    import re
    p = rknnc("run", model, "--input", save_inputs(work, [np.zeros((1, 3, 4, 4), np.float32)])[0], "-o",
              os.path.join(work, "err_out"))
    lines = [l for l in p.stderr.splitlines() if l.strip() and not l.startswith("rknnc: warning:")]
    expect(p.returncode != 0 and len(lines) == 1 and re.search(pattern, lines[0]),
           f"{os.path.basename(model)}: exit {p.returncode}, stderr {lines[:3]}; expected one line matching {pattern}")


def case_unsupported_new_forms(ctx):
    w = ctx["work"]
    x = tensor_info("x", [1, 3, 4, 4])
    m = save_model(os.path.join(w, "cast_f8.onnx"), [helper.make_node("Cast", ["x"], ["y"], name="to_f8", to=17)],
                   [x], [tensor_info("y", None, 17)], opset=19)
    expect_one_line_error(m, r"cast_f8\.onnx: node 'to_f8' \(Cast\) attribute 'to': ONNX element type 17 \(float8e4m3fn\) is not supported", w)
    nodes = [helper.make_node("QuantizeLinear", ["x", "s"], ["q"], name="q_blocked", axis=1, block_size=2)]
    m = save_model(os.path.join(w, "q_block.onnx"), nodes, [x], [tensor_info("q", None, TensorProto.UINT8)],
                   [floats("s", np.ones((1, 3, 2, 4)))], opset=21)
    expect_one_line_error(m, r"q_block\.onnx: node 'q_blocked' \(QuantizeLinear\): blocked quantisation \(block_size 2\) is not supported", w)


# ---- external data -------------------------------------------------------------

def case_external_data(ctx):
    w = os.path.join(ctx["work"], "external")
    os.makedirs(w, exist_ok=True)
    r = rng(4)
    x = tensor_info("x", [1, 3, 16, 16])
    nodes = [helper.make_node("Conv", ["x", "w1", "b1"], ["c1"], name="conv1", kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
             helper.make_node("Relu", ["c1"], ["r1"], name="relu1"),
             helper.make_node("Conv", ["r1", "w2"], ["y"], name="conv2", kernel_shape=[1, 1])]
    inits = [floats("w1", r.standard_normal((32, 3, 3, 3)) * 0.2), floats("b1", r.standard_normal(32) * 0.1),
             floats("w2", r.standard_normal((8, 32, 1, 1)) * 0.2)]
    graph = helper.make_graph(nodes, "ext", [x], [tensor_info("y", None)], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    path = os.path.join(w, "ext.onnx")
    onnx.save(model, path, save_as_external_data=True, all_tensors_to_one_file=True, location="ext.data",
              size_threshold=0)
    stored = onnx.load(path, load_external_data=False)
    external = [t.name for t in stored.graph.initializer if t.data_location == TensorProto.EXTERNAL]
    expect(len(external) == 3 and os.path.getsize(os.path.join(w, "ext.data")) > 3000,
           f"the model was not stored with external data: {external}")
    err = matches_ort(path, [r.standard_normal((1, 3, 16, 16), np.float32)], w)
    convert(path, w, "ext")
    ctx["numbers"].append(f"external data: {len(external)} initializers in ext.data "
                          f"({os.path.getsize(os.path.join(w, 'ext.data'))} bytes), max abs err {err:.2e}, converts")


# ---- fusions -------------------------------------------------------------------

class LayerNormBlock(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = torch.nn.Linear(16, 16)
        self.ln = torch.nn.LayerNorm(16)

    def forward(self, x):
        return self.ln(self.fc(x))


class GeluBlock(torch.nn.Module):
    def __init__(self, approximate):
        super().__init__()
        self.fc = torch.nn.Linear(16, 16)
        self.act = torch.nn.GELU(approximate=approximate)

    def forward(self, x):
        return self.act(self.fc(x))


class Attention(torch.nn.Module):
    def __init__(self, d=16):
        super().__init__()
        self.q, self.k, self.v = (torch.nn.Linear(d, d) for _ in range(3))
        self.scale = d ** -0.5

    def forward(self, x, mask):
        scores = torch.matmul(self.q(x), self.k(x).transpose(-2, -1)) * self.scale
        return torch.matmul(torch.softmax(scores + mask, dim=-1), self.v(x))


def export(module, args, path, opset):
    torch.manual_seed(0)
    with torch.no_grad():
        torch.onnx.export(module, args, path, opset_version=opset, input_names=[f"in{i}" for i in range(len(args))],
                          output_names=["y"])
    return path


def op_types(path):
    return sorted({n.op_type for n in onnx.load(path).graph.node})


def histograms_equal(ctx, label, models, sample):
    """Every model: same ops_after, matches onnxruntime-node; returns the histogram."""
    w = ctx["work"]
    hist = None
    for i, m in enumerate(models):
        matches_ort(m, sample, w)
        ops = convert(m, w, f"{label}{i}")["ops_after"]
        expect(hist is None or ops == hist, f"{label}: {os.path.basename(m)} gives {ops}, {os.path.basename(models[0])} {hist}")
        hist = ops
    ctx["numbers"].append(f"{label}: {', '.join(os.path.basename(m) + ' ' + '/'.join(op_types(m)) for m in models)} "
                          f"-> ops_after {hist}")
    return hist


def case_fuse_layer_norm(ctx):
    w = ctx["work"]
    torch.manual_seed(0)
    block = LayerNormBlock().eval()
    with torch.no_grad():
        block.ln.weight.uniform_(0.5, 1.5)
        block.ln.bias.uniform_(-0.5, 0.5)
    x = torch.randn(2, 5, 16)
    decomposed = export(block, (x,), os.path.join(w, "ln13.onnx"), 13)
    fused = export(block, (x,), os.path.join(w, "ln17.onnx"), 17)
    expect("ReduceMean" in op_types(decomposed) and "LayerNormalization" in op_types(fused),
           f"exports are not the two forms: {op_types(decomposed)} / {op_types(fused)}")
    hist = histograms_equal(ctx, "layernorm", [decomposed, fused], [x.numpy()])
    expect(hist.get("LayerNormalization") == 1 and "ReduceMean" not in hist, f"not fused: {hist}")


def case_fuse_gelu(ctx):
    w = ctx["work"]
    torch.manual_seed(0)
    x = torch.randn(2, 5, 16)
    exact = GeluBlock("none").eval()
    tanh = GeluBlock("tanh").eval()
    tanh.load_state_dict(exact.state_dict())
    models = [export(exact, (x,), os.path.join(w, "gelu_erf13.onnx"), 13),
              export(tanh, (x,), os.path.join(w, "gelu_tanh13.onnx"), 13),
              export(tanh, (x,), os.path.join(w, "gelu_tanh17.onnx"), 17)]
    expect("Erf" in op_types(models[0]) and "Tanh" in op_types(models[1]), "exports lack Erf / Tanh")
    # The same module with the opset-20 Gelu op, written by hand.
    fc_w = exact.fc.weight.detach().numpy().T.copy()
    fc_b = exact.fc.bias.detach().numpy()
    nodes = [helper.make_node("MatMul", ["in0", "w"], ["mm"], name="mm"), helper.make_node("Add", ["mm", "b"], ["fc"], name="bias"),
             helper.make_node("Gelu", ["fc"], ["y"], name="gelu")]
    models.append(save_model(os.path.join(w, "gelu20.onnx"), nodes, [tensor_info("in0", [2, 5, 16])],
                             [tensor_info("y", None)], [floats("w", fc_w), floats("b", fc_b)], opset=20))
    hist = histograms_equal(ctx, "gelu", models, [x.numpy()])
    expect(hist.get("Gelu") == 1 and "Erf" not in hist and "Tanh" not in hist, f"not fused: {hist}")


def case_attention_blocks(ctx):
    w = ctx["work"]
    torch.manual_seed(0)
    x = torch.randn(1, 6, 16)
    mask = torch.triu(torch.full((6, 6), -1e4), diagonal=1)
    model = export(Attention().eval(), (x, mask), os.path.join(w, "attention13.onnx"), 13)
    matches_ort(model, [x.numpy(), mask.numpy()], w)
    report = convert(model, w, "attention")
    blocks = report["patterns"].get("attention_blocks", [])
    names = {n.name: n.op_type for n in onnx.load(model).graph.node}
    expect(len(blocks) == 1, f"expected 1 attention block, build.json has {blocks}")
    b = blocks[0]
    roles = {"matmul_qk": "MatMul", "scale": "Mul", "mask_add": "Add", "softmax": "Softmax", "matmul_v": "MatMul"}
    for role, op in roles.items():
        expect(names.get(b.get(role)) == op, f"{role}: {b.get(role)!r} is not a {op} of the model ({b})")
    # batch_first=False: torch exports the batch-first eval layer as one fused aten op
    layer = torch.nn.TransformerEncoderLayer(16, 2, 32, dropout=0.0).eval()
    seq = x.transpose(0, 1).contiguous()
    enc = export(layer, (seq,), os.path.join(w, "encoder13.onnx"), 13)
    matches_ort(enc, [seq.numpy()], w)
    rep = convert(enc, w, "encoder")
    enc_blocks = rep["patterns"].get("attention_blocks", [])
    expect(len(enc_blocks) == 1 and rep["ops_after"].get("LayerNormalization") == 2,
           f"encoder layer: {len(enc_blocks)} attention blocks, ops {rep['ops_after']}")
    ctx["numbers"].append(f"attention: {b}; TransformerEncoderLayer opset 13: {len(enc_blocks)} block, "
                          f"LayerNormalization x{rep['ops_after'].get('LayerNormalization')}")


def main():
    work = tempfile.mkdtemp(prefix="rknnc_opsets_")
    ctx = {"work": work, "numbers": []}
    cases = [("opset 18: Reduce* axes as inputs", case_reduce_18),
             ("opset 18: Pad axes, Split num_outputs", case_pad_split_18),
             ("opset 18/19: Resize axes, keep_aspect_ratio_policy, antialias, half_pixel_symmetric", case_resize_18_19),
             ("opset 21: GroupNormalization-21, Gelu, Pad wrap, GridSample-20, Mish", case_opset_21),
             ("opset 19/21: float8 and blocked quantisation refused", case_unsupported_new_forms),
             ("external data converts and matches", case_external_data),
             ("fusion: decomposed LayerNorm = LayerNormalization", case_fuse_layer_norm),
             ("fusion: GELU erf / tanh forms = Gelu", case_fuse_gelu),
             ("attention blocks named in build.json", case_attention_blocks)]
    code = run_cases("opsets", cases, ctx)
    for line in ctx["numbers"]:
        print("  " + line)
    shutil.rmtree(work, ignore_errors=True)
    main_exit(code)


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(__file__))
    main()
