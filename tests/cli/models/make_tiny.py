#!/usr/bin/python3
"""Writes tiny.onnx: images[1,3,8,8] -> Conv(3->4, 3x3, pad 1) -> Relu -> Add(bias) -> out[1,4,8,8].

The CLI bad-input fixtures (tests/cli/cases/config_*.yml) point at it. Weights
come from a fixed formula, so re-running gives the same bytes.
Run with Debian's python: /usr/bin/python3 tests/cli/models/make_tiny.py
"""
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def main():
    w = (np.arange(4 * 3 * 3 * 3, dtype=np.float32).reshape(4, 3, 3, 3) % 7 - 3.0) / 10.0
    b = np.array([0.1, -0.2, 0.3, 0.0], dtype=np.float32)
    bias2 = (np.arange(4, dtype=np.float32).reshape(1, 4, 1, 1) - 1.5) / 4.0
    nodes = [
        helper.make_node("Conv", ["images", "w", "b"], ["conv"], name="conv", kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
        helper.make_node("Relu", ["conv"], ["relu"], name="relu"),
        helper.make_node("Add", ["relu", "bias2"], ["out"], name="add"),
    ]
    graph = helper.make_graph(
        nodes, "tiny",
        [helper.make_tensor_value_info("images", TensorProto.FLOAT, [1, 3, 8, 8])],
        [helper.make_tensor_value_info("out", TensorProto.FLOAT, [1, 4, 8, 8])],
        initializer=[numpy_helper.from_array(w, "w"), numpy_helper.from_array(b, "b"),
                     numpy_helper.from_array(bias2, "bias2")])
    model = helper.make_model(graph, producer_name="rknnc-tests", opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 7
    onnx.checker.check_model(model)
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "tiny.onnx")
    with open(out, "wb") as f:
        f.write(model.SerializeToString())
    print(out)


if __name__ == "__main__":
    main()
