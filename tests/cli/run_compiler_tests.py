#!/usr/bin/env python3
"""The NPU compiler end to end (issue 6 must-shows):

* every sample converts for every target, and `rknnc run` of its compiled
  Program equals `rknnc run --ir-graph` (the IR simulator) bit for bit;
* memory.json: internal memory <= 60 % of the naive sum on the MobileNetV2-style
  and detector samples;
* dynamic_input with three shapes converts once and runs all three; a fourth
  shape is a clean error; a target without dynamic shapes and a fixed axis that
  varies are config errors;
* an op beyond the target's limit (Conv kernel > max_kernel) runs on the CPU
  with a warning and still matches;
* rknn_batch_size, single_core_mode (WorkLoad 100/0/0) and op_target."""
import glob
import json
import os
import re
import shutil
import tempfile

import numpy as np
import onnx
import yaml
from onnx import TensorProto, helper, numpy_helper

from case_runner import SRC, expect, main_exit, rknnc, run_cases

SAMPLES = ["digits_cnn", "mobilenetv2_mini", "outlier_act", "two_input", "yolo_mini"]


def all_targets():
    p = rknnc("targets", "--json")
    expect(p.returncode == 0, f"rknnc targets --json: {p.stderr.strip()}")
    return [t["name"] for t in json.loads(p.stdout)]


def random_inputs(rknn, folder, seed=0, shapes=None):
    """One random .npy per model input (shapes from the .rknn's inputs, or given)."""
    p = rknnc("inspect", rknn, "--json")
    expect(p.returncode == 0, f"inspect {rknn}: {p.stderr.strip()}")
    inputs = json.loads(p.stdout)["inputs"]
    files = []
    os.makedirs(folder, exist_ok=True)
    rng = np.random.RandomState(seed)
    for i, inp in enumerate(inputs):
        shape = shapes[i] if shapes else inp["shape"]
        path = os.path.join(folder, f"in{seed}_{i}.npy")
        np.save(path, (rng.rand(*shape) * 255).astype(np.float32))
        files.append(path)
    return files


def run_both(rknn, inputs, folder):
    """Runs the Program and the IR graph; returns {output file: (program array, ir array)}."""
    outs = {}
    for mode, extra in (("program", []), ("ir", ["--ir-graph"])):
        args = ["run", rknn, *sum((["--input", f] for f in inputs), []), "-o", os.path.join(folder, mode), *extra]
        p = rknnc(*args)
        expect(p.returncode == 0, f"rknnc {' '.join(args)}: {p.stderr.strip()}")
    files = sorted(glob.glob(os.path.join(folder, "program", "*.npy")))
    expect(files, f"no outputs in {folder}/program")
    for f in files:
        outs[os.path.basename(f)] = (np.load(f), np.load(os.path.join(folder, "ir", os.path.basename(f))))
    return outs


def expect_bit_exact(outs, what):
    for name, (a, b) in outs.items():
        expect(a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes(),
               f"{what}: output {name} differs from the IR simulator (max |diff| "
               f"{np.abs(a.astype(np.float64) - b.astype(np.float64)).max()})")


def program_vs_ir_every_target(ymls, names, out, kind=""):
    """Converts `ymls` for every target in one batch call into `out`, runs each .rknn (`names`, one per yml) as
    the Program and as the IR simulator, and expects the same bits. Returns (targets, {(target, name): outs})."""
    targets = all_targets()
    p = rknnc("-t", ",".join(targets), "-i", *ymls, "-o", out, "-j", "2", "-q", timeout=1200)
    expect(p.returncode == 0, f"{kind}batch conversion failed: {p.stderr.strip()[-600:]}")
    # A model's input shapes do not depend on the target: one `rknnc inspect`
    # and one set of random inputs per model (not per model and target), the
    # same seed-0 arrays as before.
    inputs, results = {}, {}
    for t in targets:
        for name in names:
            rknn = os.path.join(out, t, name + ".rknn")
            expect(os.path.exists(rknn), f"{rknn} missing")
            if name not in inputs:
                inputs[name] = random_inputs(rknn, os.path.join(out, name + "_inputs"))
            results[(t, name)] = run_both(rknn, inputs[name], os.path.join(out, t, name + "_run"))
            expect_bit_exact(results[(t, name)], f"{name} {kind}on {t}")
    return targets, results


def check_every_sample_every_target(ctx):
    out = os.path.join(ctx["tmp"], "zoo")
    ymls = [os.path.join(SRC, "configs", s + ".yml") for s in SAMPLES]
    ctx["targets"], _ = program_vs_ir_every_target(ymls, SAMPLES, out)
    ctx["zoo_out"] = out


def check_memory_reuse(ctx):
    out = ctx.get("zoo_out")
    expect(out, "needs the conversion of the previous case")
    for s in ("mobilenetv2_mini", "yolo_mini"):
        for t in ("rk3588", "rk3566"):
            with open(os.path.join(out, t, s + ".memory.json")) as f:
                m = json.load(f)
            ratio = m["internal_bytes"] / m["naive_internal_bytes"]
            print(f"    memory {s} {t}: internal {m['internal_bytes']} B, naive {m['naive_internal_bytes']} B, "
                  f"ratio {ratio:.3f}")
            expect(ratio <= 0.60, f"{s} on {t}: internal memory is {ratio:.0%} of the naive sum (> 60 %)")


def write_yaml(folder, name, body):
    path = os.path.join(folder, name + ".yml")
    with open(path, "w") as f:
        f.write(body)
    return path


def save_model(folder, name, nodes, x_shape, weights, calib, calib_shape, rng):
    """folder/{name}.onnx (input x, output y) plus one calibration sample {calib}.npy listed in {calib}.txt."""
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, x_shape)
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, None)
    g = helper.make_graph(nodes, name, [x], [y], weights)
    onnx.save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)]), os.path.join(folder, name + ".onnx"))
    np.save(os.path.join(folder, calib + ".npy"), (rng.rand(*calib_shape) * 255).astype(np.float32))
    with open(os.path.join(folder, calib + ".txt"), "w") as f:
        f.write(calib + ".npy\n")


def make_dynamic_model(folder):
    """x[1,3,h,w] → Conv 3x3 → Relu → Conv 3x3 → GlobalAveragePool → y[1,8,1,1]."""
    rng = np.random.RandomState(3)
    w1 = numpy_helper.from_array((rng.rand(8, 3, 3, 3) - 0.5).astype(np.float32), "w1")
    w2 = numpy_helper.from_array((rng.rand(8, 8, 3, 3) - 0.5).astype(np.float32), "w2")
    nodes = [helper.make_node("Conv", ["x", "w1"], ["c1"], name="conv1", pads=[1, 1, 1, 1]),
             helper.make_node("Relu", ["c1"], ["r1"], name="relu1"),
             helper.make_node("Conv", ["r1", "w2"], ["c2"], name="conv2", pads=[1, 1, 1, 1]),
             helper.make_node("GlobalAveragePool", ["c2"], ["y"], name="gap")]
    save_model(folder, "dyn", nodes, [1, 3, "h", "w"], [w1, w2], "calib", [1, 3, 32, 32], rng)


DYN_SETS = "[[[1, 3, 32, 32]], [[1, 3, 24, 24]], [[1, 3, 16, 20]]]"


def dyn_yaml(folder, sets=DYN_SETS, name="dyn"):
    return write_yaml(folder, name, f"models:\n  name: {name}\n  platform: onnx\n  model_file_path: dyn.onnx\n"
                                    f"  quantize: true\n  dataset: calib.txt\n  configs:\n    dynamic_input: {sets}\n")


def check_dynamic_input(ctx):
    folder = ctx["dyn"]
    out = os.path.join(folder, "out")
    p = rknnc("-t", "rk3588", "-i", dyn_yaml(folder), "-o", out)
    expect(p.returncode == 0, f"convert: {p.stderr.strip()}")
    rknn = os.path.join(out, "dyn.rknn")
    for i, shape in enumerate(([1, 3, 32, 32], [1, 3, 24, 24], [1, 3, 16, 20])):
        run = os.path.join(out, f"run{i}")
        outs = run_both(rknn, random_inputs(rknn, run, i, [shape]), run)
        expect_bit_exact(outs, f"dynamic shape {shape}")
    bad = os.path.join(out, "bad")
    os.makedirs(bad)
    files = random_inputs(rknn, bad, 9, [[1, 3, 20, 20]])
    p = rknnc("run", rknn, "--input", files[0], "-o", os.path.join(bad, "o"))
    expect(p.returncode == 2, f"fourth shape: exit {p.returncode}, expected 2 ({p.stderr.strip()})")
    expect(re.search(r"match no shape the model was compiled for; it accepts .*1,3,32,32.*1,3,24,24.*1,3,16,20",
                     p.stderr), f"fourth shape: {p.stderr.strip()}")
    expect(len(p.stderr.strip().splitlines()) == 1, f"fourth shape: more than one line: {p.stderr!r}")
    expect(not os.path.exists(os.path.join(bad, "o")) or not os.listdir(os.path.join(bad, "o")),
           "fourth shape left output files")


def check_dynamic_input_errors(ctx):
    folder = ctx["dyn"]
    cases = [
        (["-t", "rv1103b", "-i", dyn_yaml(folder)], r"configs\.dynamic_input is not supported for rv1103b"),
        (["-t", "rk3588", "-i", dyn_yaml(folder, "[[[1, 4, 32, 32]], [[1, 3, 24, 24]]]", "dyn_c")],
         r"dynamic_input\[0\]\[0\] sets dim 1 of input 'x' to 4, but the model fixes it at 3"),
        (["-t", "rk3588", "-i", dyn_yaml(folder, "[[[1, 3, 32]]]", "dyn_rank")], r"has 3 dims, input 'x' has 4"),
    ]
    for args, pattern in cases:
        out = os.path.join(folder, "err_out")
        p = rknnc(*args, "-o", out)
        expect(p.returncode == 2, f"{args}: exit {p.returncode}, expected 2 ({p.stderr.strip()})")
        expect(re.search(pattern, p.stderr), f"{args}: {p.stderr.strip()!r} does not match {pattern!r}")
        expect(not os.path.exists(out) or not os.listdir(out), f"{args}: wrote files")


def make_big_kernel_model(folder, k):
    rng = np.random.RandomState(5)
    w = numpy_helper.from_array(((rng.rand(4, 2, k, k) - 0.5) * 0.1).astype(np.float32), "w")
    w2 = numpy_helper.from_array((rng.rand(4, 4, 3, 3) - 0.5).astype(np.float32), "w2")
    nodes = [helper.make_node("Conv", ["x", "w"], ["c1"], name="big_conv", pads=[k // 2] * 4),
             helper.make_node("Conv", ["c1", "w2"], ["y"], name="small_conv", pads=[1, 1, 1, 1])]
    save_model(folder, "big", nodes, [1, 2, 40, 40], [w, w2], "big_calib", [1, 2, 40, 40], rng)


def check_kernel_beyond_limit(ctx):
    folder = ctx["dyn"]
    make_big_kernel_model(folder, 33)
    yml = write_yaml(folder, "big", "models:\n  name: big\n  platform: onnx\n  model_file_path: big.onnx\n"
                                    "  quantize: true\n  dataset: big_calib.txt\n")
    out = os.path.join(folder, "big_out")
    p = rknnc("-t", "rk3588", "-i", yml, "-o", out)
    expect(p.returncode == 0, f"convert: {p.stderr.strip()}")
    expect(re.search(r"warning: 1 node\(s\) run on the CPU: kernel 33x33 exceeds rk3588's NPU limit max_kernel = 31 "
                     r"\(node 'big_conv'", p.stderr), f"no limit warning: {p.stderr.strip()!r}")
    with open(os.path.join(out, "big.build.json")) as f:
        placement = {n["node"]: n for n in json.load(f)["placement"]["nodes"]}
    expect(placement["big_conv"]["device"] == "CPU", f"big_conv placed on {placement['big_conv']}")
    expect(placement["small_conv"]["device"] == "NPU", f"small_conv placed on {placement['small_conv']}")
    rknn = os.path.join(out, "big.rknn")
    expect_bit_exact(run_both(rknn, random_inputs(rknn, out), out), "kernel beyond the limit")


def sample_config(sample, name, folder, entry=None, configs=None):
    """configs/{sample}.yml renamed to `name`, with absolute paths and extra keys, written into folder."""
    with open(os.path.join(SRC, "configs", sample + ".yml")) as f:
        doc = yaml.safe_load(f)
    m = doc["models"]
    m["name"] = name
    for key in ("model_file_path", "dataset"):
        m[key] = os.path.normpath(os.path.join(SRC, "configs", m[key]))
    m.update(entry or {})
    m.setdefault("configs", {}).update(configs or {})
    return write_yaml(folder, name, yaml.safe_dump(doc))


def check_batch_size(ctx):
    folder = ctx["tmp"]
    yml = sample_config("mobilenetv2_mini", "mbatch", folder, entry={"rknn_batch_size": 2})
    out = os.path.join(folder, "mbatch_out")
    p = rknnc("-t", "rk3588", "-i", yml, "-o", out)
    expect(p.returncode == 0, f"convert: {p.stderr.strip()}")
    expect("a multiple of 3 keeps every NPU core busy" in p.stderr, f"no batch-size warning: {p.stderr.strip()!r}")
    rknn = os.path.join(out, "mbatch.rknn")
    shape = json.loads(rknnc("inspect", rknn, "--json").stdout)["inputs"][0]["shape"]
    expect(shape[0] == 2, f"input shape {shape}, expected a batch of 2")
    expect_bit_exact(run_both(rknn, random_inputs(rknn, out), out), "rknn_batch_size 2")


def check_float16_every_sample(ctx):
    """quantize: false: the Program holds float16 values in floats, rounded by the kernels themselves (gemm
    tiles, depthwise blocks, element-wise pieces); the IR simulator holds Float16 tensors and rounds in passes.
    Both must give the same bits, on every target's NC1HWC2 layout."""
    folder = ctx["tmp"]
    ymls = [sample_config(s, s + "_f16", folder, entry={"quantize": False}) for s in SAMPLES]
    _, results = program_vs_ir_every_target(ymls, [s + "_f16" for s in SAMPLES], os.path.join(folder, "f16"),
                                            "float16 ")
    for (t, model), outs in results.items():
        for name, (a, _) in outs.items():
            expect(np.isfinite(a).any(), f"{model} float16 on {t}: output {name} has no finite value")


def check_single_core_mode(ctx):
    folder = ctx["tmp"]
    results = {}
    for mode in (False, True):
        name = f"single_{str(mode).lower()}"
        out = os.path.join(folder, name)
        p = rknnc("-t", "rk3588", "-i", sample_config("yolo_mini", name, folder, configs={"single_core_mode": mode}),
                  "-o", out)
        expect(p.returncode == 0, f"convert: {p.stderr.strip()}")
        with open(os.path.join(out, name + ".perf.json")) as f:
            results[mode] = json.load(f)
    one, three = results[True], results[False]
    expect(one["cores"] == 1 and three["cores"] == 3, f"cores {one['cores']} / {three['cores']}")
    expect(all(len(l["workload"]) == 1 for l in one["layers"]), "single_core_mode: a layer has several cores")
    expect(any(l["target"] == "NPU" and l["workload"][1] > 0 for l in three["layers"]), "3 cores: no layer split")
    expect(three["summary"]["total_time_us"] < one["summary"]["total_time_us"], "3 cores are not faster than 1")


def main():
    tmp = tempfile.mkdtemp(prefix="rknnc_compiler_")
    dyn = os.path.join(tmp, "dyn")
    os.makedirs(dyn)
    make_dynamic_model(dyn)
    ctx = {"tmp": tmp, "dyn": dyn}
    cases = [
        ("every sample for every target: Program = IR simulator bit for bit", check_every_sample_every_target),
        ("memory.json: internal <= 60 % of naive on mobilenetv2_mini and yolo_mini", check_memory_reuse),
        ("dynamic_input: three shapes in one .rknn, a fourth is a clean error", check_dynamic_input),
        ("dynamic_input: unsupported target, fixed axis, wrong rank", check_dynamic_input_errors),
        ("Conv kernel beyond max_kernel runs on the CPU with a warning and matches", check_kernel_beyond_limit),
        ("quantize: false, every sample, every target: float16 Program = IR simulator bit for bit",
         check_float16_every_sample),
        ("rknn_batch_size 2: batched input, warning on rk3588, matches", check_batch_size),
        ("single_core_mode: WorkLoad 100/0/0; 3 cores split and are faster", check_single_core_mode),
    ]
    code = run_cases("compiler", cases, ctx)
    shutil.rmtree(tmp, ignore_errors=True)
    return code


if __name__ == "__main__":
    main_exit(main())
