#!/usr/bin/python3
"""The int8 kernels of single ops against onnxruntime (npm onnxruntime-node).

    /usr/bin/python3 tests/ort/compare_ops.py [--work DIR] [--only OP[,OP]]

Generates one single-op ONNX model per op (opset 13, random weights and
inputs, numpy seed per op; Pad and Resize keep their input's int8 parameters,
so a Relu feeds them) with 16 random calibration samples and 3 random test
samples into the work folder (default: a temp folder; never the source
tree), converts each for rk3588 (int8, normal, channel) and checks:

  int8          the op runs int8: in `rknnc export-qdq`'s model every input of
                the op comes from a DequantizeLinear and its output goes to a
                QuantizeLinear
  cosine        `rknnc run` of the .rknn vs fp32 onnxruntime on the original
                model, over the 3 test samples: cosine >= 0.999
  qdq_lsb       onnxruntime (graph optimisations disabled) on the QDQ export vs
                `rknnc run`: every element within 1 LSB (the output's scale)

and prints the table (op, cosine vs fp32, max LSB vs the QDQ export, elements
beyond 1 LSB), also written to $RKNNC_JUNIT_DIR/../ort_ops.md. JUnit:
$RKNNC_JUNIT_DIR/ort_ops.xml. Env as compare_samples.py (RKNNC_BIN, ...).
"""
import argparse
import os
import shutil
import sys
import tempfile

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "cli"))
import compare_samples as cs  # noqa: E402
from case_runner import run_cases  # noqa: E402

MIN_COSINE = 0.999
CALIB, TESTS = 16, 3


def tensor(name, shape):
    return helper.make_tensor_value_info(name, TensorProto.FLOAT, shape)


def init(name, array):
    return numpy_helper.from_array(np.asarray(array), name)


class Op:
    """A one-op model: inputs {name: (shape, lo, hi)}, nodes, output shape, initializers."""

    def __init__(self, op, inputs, nodes, out_shape, inits=(), relu_first=False):
        self.op, self.inputs, self.nodes, self.out_shape, self.inits = op, inputs, nodes, out_shape, list(inits)
        self.relu_first = relu_first

    def model(self):
        nodes = list(self.nodes)
        if self.relu_first:  # Pad / Resize keep their input's int8 parameters: an int8 op feeds them
            nodes.insert(0, helper.make_node("Relu", ["x"], ["x_relu"], name="relu"))
        graph = helper.make_graph(nodes, self.op.lower(), [tensor(n, s) for n, (s, _, _) in self.inputs.items()],
                                  [tensor("y", self.out_shape)], self.inits)
        m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], producer_name="compare_ops.py")
        m.ir_version = 8
        onnx.checker.check_model(m)
        return m


def cases(rng):
    def w(*shape, lo=-0.5, hi=0.5):
        return rng.uniform(lo, hi, shape).astype(np.float32)

    x4 = {"x": ([1, 4, 8, 8], -2.0, 3.0)}
    ab = {"a": ([1, 4, 8, 8], -2.0, 3.0), "b": ([1, 4, 8, 8], 0.5, 2.0)}
    return [
        Op("Sub", ab, [helper.make_node("Sub", ["a", "b"], ["y"])], [1, 4, 8, 8]),
        Op("Div", ab, [helper.make_node("Div", ["a", "b"], ["y"])], [1, 4, 8, 8]),
        Op("PRelu", x4, [helper.make_node("PRelu", ["x", "slope"], ["y"])], [1, 4, 8, 8],
           [init("slope", np.array([0.1, 0.25, 0.5, 0.05], np.float32).reshape(4, 1, 1))]),
        Op("Softmax", {"x": ([1, 4, 10, 16], -4.0, 4.0)}, [helper.make_node("Softmax", ["x"], ["y"], axis=-1)],
           [1, 4, 10, 16]),
        Op("ReduceMean", {"x": ([1, 8, 6, 6], -1.0, 2.0)},
           [helper.make_node("ReduceMean", ["x"], ["y"], axes=[2, 3], keepdims=1)], [1, 8, 1, 1]),
        Op("Pad", {"x": ([1, 3, 8, 8], -1.0, 2.0)},
           [helper.make_node("Pad", ["x_relu", "pads", "value"], ["y"], mode="constant")], [1, 3, 11, 11],
           [init("pads", np.array([0, 0, 1, 2, 0, 0, 2, 1], np.int64)), init("value", np.array(0.5, np.float32))],
           relu_first=True),
        Op("Resize", {"x": ([1, 3, 8, 8], -1.0, 2.0)},
           [helper.make_node("Resize", ["x_relu", "", "scales"], ["y"], mode="linear",
                             coordinate_transformation_mode="half_pixel")], [1, 3, 16, 16],
           [init("scales", np.array([1, 1, 2, 2], np.float32))], relu_first=True),
        Op("ConvTranspose", {"x": ([1, 4, 5, 5], -1.0, 1.0)},
           [helper.make_node("ConvTranspose", ["x", "w", "bias"], ["y"], strides=[2, 2], pads=[1, 1, 0, 0])],
           [1, 6, 10, 10], [init("w", w(4, 6, 3, 3)), init("bias", w(6, lo=-0.2, hi=0.2))]),
        Op("DepthToSpace", {"x": ([1, 8, 4, 4], -1.0, 2.0)},
           [helper.make_node("DepthToSpace", ["x_relu"], ["y"], blocksize=2, mode="CRD")], [1, 2, 8, 8],
           relu_first=True),
        Op("SpaceToDepth", {"x": ([1, 2, 8, 8], -1.0, 2.0)},
           [helper.make_node("SpaceToDepth", ["x_relu"], ["y"], blocksize=2)], [1, 8, 4, 4], relu_first=True),
        Op("MatMul", {"a": ([1, 2, 6, 16], -1.0, 1.0), "b": ([1, 2, 16, 5], -1.0, 1.0)},
           [helper.make_node("MatMul", ["a", "b"], ["y"])], [1, 2, 6, 5]),
    ]


def write_case(op, folder, rng):
    """model.onnx, calib/*.npy, dataset.txt, test_*.npy ([N, ...] per input), op.yml."""
    os.makedirs(os.path.join(folder, "calib"), exist_ok=True)
    onnx.save(op.model(), os.path.join(folder, "model.onnx"))
    lines = []
    for i in range(CALIB):
        files = []
        for name, (shape, lo, hi) in op.inputs.items():
            files.append(f"calib/{name}_{i}.npy")
            np.save(os.path.join(folder, files[-1]), rng.uniform(lo, hi, shape).astype(np.float32))
        lines.append(" ".join(files))
    with open(os.path.join(folder, "dataset.txt"), "w") as f:
        f.write("\n".join(lines) + "\n")
    tests = []
    for name, (shape, lo, hi) in op.inputs.items():
        tests.append(os.path.join(folder, f"test_{name}.npy"))
        np.save(tests[-1], rng.uniform(lo, hi, [TESTS] + shape).astype(np.float32))
    with open(os.path.join(folder, "op.yml"), "w") as f:
        f.write("models:\n    name: op\n    platform: onnx\n    model_file_path: model.onnx\n"
                "    quantize: true\n    dataset: dataset.txt\n    configs:\n"
                "      quantized_dtype: asymmetric_quantized-8\n      quantized_algorithm: normal\n"
                "      quantized_method: channel\n")
    return tests


def check_int8(qdq_path, op_type):
    model = onnx.load(qdq_path)
    producer = {o: n.op_type for n in model.graph.node for o in n.output}
    consumers = {}
    for n in model.graph.node:
        for i in n.input:
            consumers.setdefault(i, []).append(n.op_type)
    nodes = [n for n in model.graph.node if n.op_type == op_type]
    if not nodes:
        raise AssertionError(f"no {op_type} node in the QDQ export")
    constants = {i.name for i in model.graph.initializer}
    constants |= {o for n in model.graph.node if n.op_type == "Constant" for o in n.output}
    for n in nodes:  # activations (not constants such as Pad's pads) come from DequantizeLinear
        if any(producer.get(i) != "DequantizeLinear" for i in n.input if i and i not in constants):
            raise AssertionError(f"{op_type} '{n.name}' has an input not from a DequantizeLinear: it stayed float")
        if consumers.get(n.output[0]) != ["QuantizeLinear"]:
            raise AssertionError(f"{op_type} '{n.name}' output does not go to a QuantizeLinear: it stayed float")


def run_op(op, work, rng, rows):
    folder = os.path.join(work, op.op)
    state = {}

    def prepare(_ctx):
        state["tests"] = write_case(op, folder, rng)
        state["rknn"] = cs.convert(os.path.join(folder, "op.yml"), os.path.join(folder, "out"), "op")
        state["qdq"] = os.path.join(folder, "op.qdq.onnx")
        cs.sh([cs.BIN, "export-qdq", state["rknn"], "-o", state["qdq"]], "rknnc export-qdq")
        d = cs.rknnc_run(state["rknn"], state["tests"], os.path.join(folder, "int8"))
        state["int8"] = cs.load_outputs(d, ["y"], "rknnc run int8 .rknn")["y"]
        check_int8(state["qdq"], op.op)

    def cosine(_ctx):
        d = cs.ort_run(os.path.join(folder, "model.onnx"), state["tests"], os.path.join(folder, "ort"))
        ref = cs.load_outputs(d, ["y"], "onnxruntime fp32")["y"]
        state["cosine"] = c = cs.cosine(state["int8"], ref)
        if not c >= MIN_COSINE:
            raise AssertionError(f"cosine {c:.6f} < {MIN_COSINE}")

    def qdq_lsb(_ctx):
        d = cs.ort_run(state["qdq"], state["tests"], os.path.join(folder, "qdq"))
        q = cs.load_outputs(d, ["y"], "onnxruntime on the QDQ export")["y"]
        scale, axis = cs.output_scales(state["qdq"], ["y"])["y"]
        ratio, bad = cs.lsb_diff(state["int8"], q, scale, axis)
        state["lsb"] = (float(ratio.max()), int(bad.sum()), bad.size, float(scale.ravel()[0]))
        if bad.any():
            raise AssertionError(f"{int(bad.sum())}/{bad.size} elements beyond 1 LSB, worst {ratio.max():.3g} LSB")

    def row(_ctx):
        rows.append((op.op, state.get("cosine"), state.get("lsb")))

    def guarded(fn, needs):
        def check(ctx):
            missing = [k for k in needs if k not in state]
            if missing:
                raise AssertionError("needs " + ", ".join(missing) + " (failed above)")
            fn(ctx)
        return check

    return [(f"{op.op}.int8", prepare), (f"{op.op}.cosine", guarded(cosine, ["int8"])),
            (f"{op.op}.qdq_lsb", guarded(qdq_lsb, ["int8", "qdq"])), (f"{op.op}.row", row)]


def table(rows):
    md = ["| op | cosine vs fp32 (onnxruntime) | max LSB vs QDQ export (onnxruntime) | elements > 1 LSB | output scale |",
          "|---|---|---|---|---|"]
    for op, c, lsb in rows:
        md.append(f"| {op} | {'—' if c is None else f'{c:.6f}'} | " +
                  ("— | — | —" if lsb is None else f"{lsb[0]:.3f} | {lsb[1]} / {lsb[2]} | {lsb[3]:.6g}") + " |")
    return "\n".join(md)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--work", help="keep the generated models and outputs in this folder")
    ap.add_argument("--only", help="comma-separated op types")
    args = ap.parse_args()
    work = os.path.abspath(args.work) if args.work else tempfile.mkdtemp(prefix="rknnc-ort-ops.")
    rows = []
    try:
        all_cases = []
        for i, op in enumerate(cases(np.random.default_rng(0))):
            if args.only and op.op not in args.only.split(","):
                continue
            all_cases += run_op(op, work, np.random.default_rng(100 + i), rows)
        code = run_cases("ort_ops", all_cases, {})
    finally:
        if not args.work:
            shutil.rmtree(work, ignore_errors=True)
    md = ("# int8 single ops: rknnc vs onnxruntime\n\nPer op: `rknnc run` of the rk3588 int8 .rknn on "
          f"{TESTS} random samples; cosine vs fp32 onnxruntime on the original model, and |rknnc - onnxruntime "
          "(graph optimisations disabled) on `rknnc export-qdq`| in LSB of the output scale.\n\n" + table(rows) + "\n")
    print("\n" + md)
    os.makedirs(cs.JUNIT, exist_ok=True)
    with open(os.path.join(cs.JUNIT, "..", "ort_ops.md"), "w") as f:
        f.write(md)
    return code


if __name__ == "__main__":
    sys.exit(main())
