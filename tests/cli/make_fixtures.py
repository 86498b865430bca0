#!/usr/bin/env python3
"""Writes fixtures into argv[1]: ONNX models that are valid protobuf but wrong
for rknnc, dataset lists and .npy inputs."""
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper

out = sys.argv[1]


def save(name, nodes, inputs, outputs, inits=(), opset=13):
    g = helper.make_graph(nodes, name, inputs, outputs, list(inits))
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", opset)], producer_name="rknnc-tests")
    onnx.save(m, f"{out}/{name}.onnx")


x = helper.make_tensor_value_info("images", TensorProto.FLOAT, [1, 3, 8, 8])
y = helper.make_tensor_value_info("out", TensorProto.FLOAT, None)
# An op rknnc has no kernel for, from a custom domain.
save("unknown_op", [helper.make_node("Relu", ["images"], ["r"], name="relu0"),
                    helper.make_node("FancyOp", ["r"], ["out"], name="fancy1", domain="com.example")], [x], [y])
# A standard op with no kernel.
save("unsupported_std_op", [helper.make_node("Relu", ["images"], ["r"], name="relu0"),
                            helper.make_node("LpNormalization", ["r"], ["out"], name="lpnorm1")], [x], [y])
# Opset far too new and far too old.
save("opset_99", [helper.make_node("Relu", ["images"], ["out"])], [x], [y], opset=99)
save("opset_5", [helper.make_node("Relu", ["images"], ["out"])], [x], [y], opset=5)
# Shapes that do not fit: Add of 1x3x8x8 and 1x4x8x8.
w = helper.make_tensor("w", TensorProto.FLOAT, [1, 4, 8, 8], [0.0] * 256)
save("bad_broadcast", [helper.make_node("Add", ["images", "w"], ["out"], name="add0")], [x], [y], [w])
# A Conv whose weight has the wrong input channel count.
wc = helper.make_tensor("wc", TensorProto.FLOAT, [4, 5, 3, 3], [0.0] * 180)
save("bad_conv", [helper.make_node("Conv", ["images", "wc"], ["out"], name="conv0", kernel_shape=[3, 3])], [x], [y], [wc])
# A graph whose node reads a value nobody produces.
save("dangling", [helper.make_node("Add", ["images", "ghost"], ["out"], name="add0")], [x], [y])

# Inputs for `rknnc run` and dataset lists.
np.save(f"{out}/in_1x3x8x8.npy", np.full((1, 3, 8, 8), 100, np.float32))
np.save(f"{out}/in_wrong_shape.npy", np.zeros((1, 3, 4, 4), np.float32))
np.save(f"{out}/in_int.npy", np.zeros((1, 3, 8, 8), np.int32))
# `rknnc run --batch`: N samples with and without the input's leading 1; two inputs that disagree on N.
np.save(f"{out}/batch_5x1x3x8x8.npy", np.arange(5 * 3 * 64, dtype=np.float32).reshape(5, 1, 3, 8, 8) % 251)
np.save(f"{out}/batch_5x3x8x8.npy", np.arange(5 * 3 * 64, dtype=np.float32).reshape(5, 3, 8, 8) % 251)
np.save(f"{out}/batch_rgb_3.npy", np.full((3, 1, 3, 32, 32), 100, np.float32))
np.save(f"{out}/batch_depth_3.npy", np.full((3, 1, 32, 32), 50, np.float32))
np.save(f"{out}/batch_depth_2.npy", np.full((2, 1, 1, 32, 32), 50, np.float32))
with open(f"{out}/in_corrupt.npy", "wb") as f:
    f.write(b"\x93NUMPY\x01\x00\x20\x00{'descr': '<f4', 'shape': (1, 3")
with open(f"{out}/ds_missing.txt", "w") as f:
    f.write("in_1x3x8x8.npy\nnot_there.npy\n")
with open(f"{out}/ds_empty.txt", "w") as f:
    f.write("\n# nothing here\n")
with open(f"{out}/ds_two_files.txt", "w") as f:
    f.write("in_1x3x8x8.npy\nin_1x3x8x8.npy in_1x3x8x8.npy\n")
with open(f"{out}/ds_bad_ext.txt", "w") as f:
    f.write("unknown_op.onnx\n")
with open(f"{out}/fake.rknn", "wb") as f:
    f.write(b"RKNNC\x00\x01\x00\x00\x00" + bytes(range(200)))
# Calibration data sets (quantize: true) with one bad sample each.
np.save(f"{out}/calib_ok.npy", (np.arange(3 * 64, dtype=np.float32).reshape(1, 3, 8, 8) * 7) % 255)
np.save(f"{out}/calib_shape.npy", np.zeros((1, 3, 4, 4), np.float32))
nan = np.zeros((1, 3, 8, 8), np.float32)
nan[0, 1, 2, 3] = np.nan
np.save(f"{out}/calib_nan.npy", nan)
with open(f"{out}/calib_corrupt.png", "wb") as f:
    f.write(b"\x89PNG\r\n\x1a\n" + bytes((i * 31 + 7) % 256 for i in range(300)))
for name, lines in {"ok": ["calib_ok.npy", "calib_ok.npy"], "shape": ["calib_ok.npy", "calib_shape.npy"],
                    "nan": ["calib_ok.npy", "calib_nan.npy"], "corrupt": ["calib_ok.npy", "calib_corrupt.png"],
                    "missing": ["calib_ok.npy", "calib_gone.npy"]}.items():
    with open(f"{out}/calib_{name}.txt", "w") as f:
        f.write("\n".join(lines) + "\n")
