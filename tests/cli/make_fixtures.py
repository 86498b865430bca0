#!/usr/bin/env python3
"""Writes fixtures into argv[1]: ONNX models that are valid protobuf but wrong
for rknnc, dataset lists and .npy inputs."""
import os
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
save("opset_22", [helper.make_node("Relu", ["images"], ["out"])], [x], [y], opset=22)
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

# ---- Bad inputs, one file per class (issue 12: readers that never crash) ----
import os
import struct
import zlib

SRC = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def write(name, data):
    with open(f"{out}/{name}", "wb" if isinstance(data, bytes) else "w") as f:
        f.write(data)


def model_yaml(name, model, extra=""):
    write(name, f"models:\n  name: t\n  platform: onnx\n  model_file_path: {model}\n{extra}")


# YAML: an alias bomb (9 levels of 9 aliases: 9^9 values), aliases nested 200
# deep, flow sequences nested 100000 deep, a file over the size limit, merge
# keys that merge a scalar, a name over the file name limit, huge dims.
tiny = os.path.join(SRC, "tests", "cli", "models", "tiny.onnx")
bomb = "a0: &a0 [x, x, x, x, x, x, x, x, x]\n"
for i in range(1, 10):
    bomb += f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]\n"
write("yaml_alias_bomb.yml", bomb + f"models:\n  name: t\n  platform: onnx\n  model_file_path: {tiny}\n  extra: *a9\n")
chain = "l0: &l0 [x]\n" + "".join(f"l{i}: &l{i} [*l{i - 1}]\n" for i in range(1, 200))
write("yaml_alias_deep.yml", chain + f"models:\n  name: t\n  platform: onnx\n  model_file_path: {tiny}\n")
write("yaml_flow_deep.yml", "models: " + "[" * 100000 + "]" * 100000 + "\n")
write("yaml_huge.yml", f"models:\n  name: t\n  platform: onnx\n  model_file_path: {tiny}\n" + "# padding\n" * 900000)
write("yaml_merge_scalar.yml", f"base: &b 7\nmodels:\n  <<: *b\n  name: t\n  platform: onnx\n  model_file_path: {tiny}\n")
write("yaml_merge_ok.yml", f"base: &b {{platform: onnx, model_file_path: {tiny}}}\nmodels:\n  <<: *b\n  name: merged\n")
write("yaml_long_name.yml", f"models:\n  name: {'n' * 300}\n  platform: onnx\n  model_file_path: {tiny}\n")
model_yaml("yaml_huge_size_list.yml", tiny, "  subgraphs:\n    input_size_list:\n      - 1,3,99999999999999999999,8\n")
save("relu_only", [helper.make_node("Relu", ["images"], ["out"], name="relu0")], [x], [y])
model_yaml("yaml_input_too_big.yml", f"{out}/relu_only.onnx", "  subgraphs:\n    input_size_list:\n      - 1,3,100000,100000\n")
write("yaml_float_overflow.yml", f"models:\n  name: t\n  platform: onnx\n  model_file_path: {tiny}\n"
      "  configs:\n    mean_values: [1e999, 0, 0]\n")

# ONNX: an output no node produces, a 10^9 dim, initializers whose data does not
# fit their shape (raw_data short / long, typed values, external data), a
# shape inference result over the element limit, a Constant without output.
save("output_not_produced", [helper.make_node("Relu", ["images"], ["out"], name="relu0")], [x],
     [y, helper.make_tensor_value_info("ghost_out", TensorProto.FLOAT, [1])])
big = helper.make_tensor_value_info("images", TensorProto.FLOAT, [1, 3, 10**9, 10**9])
save("dim_1e9", [helper.make_node("Relu", ["images"], ["out"], name="relu0")], [big], [y])


def bias_tensor(dims, raw=None, floats=()):
    """An initializer 'bias' written as given, without onnx.helper's size check."""
    t = TensorProto(name="bias", data_type=TensorProto.FLOAT, dims=dims)
    if raw is not None:
        t.raw_data = raw
    t.float_data.extend(floats)
    return t


add_bias = [helper.make_node("Add", ["images", "bias"], ["out"], name="add0")]
save("raw_short", add_bias, [x], [y], [bias_tensor([1, 3, 8, 8], raw=bytes(100))])
save("raw_long", add_bias, [x], [y], [bias_tensor([1, 3, 8, 8], raw=bytes(800))])
save("typed_short", add_bias, [x], [y], [bias_tensor([1, 3, 8, 8], floats=[0.0] * 5)])
save("init_huge_dims", add_bias, [x], [y], [bias_tensor([10**6, 10**6], raw=bytes(16))])
external = bias_tensor([1, 3, 8, 8])
external.data_location = TensorProto.EXTERNAL
external.external_data.add(key="location", value="weights.bin")
save("external_data", add_bias, [x], [y], [external])


def external_model(name, location, data=None, offset=None, length=None, folder=out):
    """add_bias with its bias in external data at `location` (bytes `data` written there when given)."""
    t = bias_tensor([1, 3, 8, 8])
    t.data_location = TensorProto.EXTERNAL
    t.external_data.add(key="location", value=location)
    if offset is not None:
        t.external_data.add(key="offset", value=str(offset))
    if length is not None:
        t.external_data.add(key="length", value=str(length))
    if data is not None:
        write(location, data)
    onnx.save(helper.make_model(helper.make_graph(add_bias, name, [x], [y], [t]),
                                opset_imports=[helper.make_opsetid("", 13)]), os.path.join(folder, f"{name}.onnx"))


# External data (the bias, 192 float32 = 768 bytes): good, and every way its
# location or extent can be wrong. ext_sub/ holds models whose data file is a
# link out of their folder or names a path above it.
bias_bytes = np.arange(192, dtype=np.float32).tobytes()
external_model("ext_ok", "ext_ok.data", bias_bytes)
external_model("ext_offset", "ext_offset.data", b"\0" * 64 + bias_bytes, offset=64, length=768)
external_model("ext_short", "ext_short.data", bias_bytes[:700])
external_model("ext_bad_length", "ext_bad_length.data", bias_bytes, length=700)
external_model("ext_bad_offset", "ext_bad_offset.data", bias_bytes, offset=2**62)
external_model("ext_absolute", os.path.join(out, "ext_ok.data"))
os.makedirs(f"{out}/ext_sub", exist_ok=True)
external_model("ext_dotdot", "../ext_ok.data", folder=f"{out}/ext_sub")
if os.path.lexists(f"{out}/ext_sub/link.data"):
    os.remove(f"{out}/ext_sub/link.data")
os.symlink(f"{out}/ext_ok.data", f"{out}/ext_sub/link.data")
external_model("ext_symlink", "link.data", folder=f"{out}/ext_sub")
huge_shape = helper.make_tensor("shape", TensorProto.INT64, [5], [100000, 100000, 1, 1, 1])
save("inferred_too_big", [helper.make_node("Expand", ["images", "shape"], ["e"], name="expand0"),
                          helper.make_node("ReduceSum", ["e"], ["out"], name="sum0")], [x], [y], [huge_shape])
# strides 0: libonnx's shape inference divides by it (SIGFPE before it was checked).
wc3 = helper.make_tensor("wc3", TensorProto.FLOAT, [4, 3, 3, 3], [0.0] * 108)
save("conv_strides_0", [helper.make_node("Conv", ["images", "wc3"], ["out"], name="conv0", strides=[0, 0])], [x], [y], [wc3])
save("pool_strides_0", [helper.make_node("AveragePool", ["images"], ["out"], name="pool0", kernel_shape=[2, 2],
                                         strides=[1, 0])], [x], [y])
# blocksize² overflows to 0 and libonnx divides by it (SIGFPE); Scan without a
# body made libonnx read a null graph (SIGSEGV).
save("blocksize_huge", [helper.make_node("DepthToSpace", ["images"], ["out"], name="d2s0", blocksize=2**40)], [x], [y])
save("scan_no_body", [helper.make_node("Scan", ["images"], ["out"], name="scan0", num_scan_inputs=1,
                                       scan_input_axes=[0])], [x], [y])
with open(f"{out}/over_2gib.onnx", "wb") as f:  # sparse: takes no disk space
    f.truncate(2**31 + 10)
const = helper.make_node("Constant", [], [], name="const0", value=helper.make_tensor("v", TensorProto.FLOAT, [1], [1.0]))
save("constant_no_output", [const, helper.make_node("Relu", ["images"], ["out"], name="relu0")], [x], [y])

# .npy calibration samples (input 1x3x8x8): dtypes that do not convert exactly,
# and every way the file itself can be wrong.
np.save(f"{out}/npy_f64.npy", np.full((1, 3, 8, 8), 0.1, np.float64))
np.save(f"{out}/npy_f64_exact.npy", np.full((1, 3, 8, 8), 0.5, np.float64))
np.save(f"{out}/npy_i64.npy", np.full((1, 3, 8, 8), 2**40 + 1, np.int64))
np.save(f"{out}/npy_u8.npy", np.full((1, 3, 8, 8), 200, np.uint8))
np.save(f"{out}/npy_fortran.npy", np.asfortranarray(np.zeros((1, 3, 8, 8), np.float32)))
np.save(f"{out}/npy_bigendian.npy", np.zeros((1, 3, 8, 8), ">f4"))
good_npy = open(f"{out}/calib_ok.npy", "rb").read()
write("npy_bad_magic.npy", b"\x93NUMPX" + good_npy[6:])
write("npy_truncated.npy", good_npy[:-10])
write("npy_extra.npy", good_npy + b"\0" * 8)


def npy_with_header(header, data=b""):
    h = header.encode() + b"\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(h)) + h + data


write("npy_bad_dict.npy", npy_with_header("{'descr': '<f4', 'shape' (1, 3, 8, 8), }", bytes(768)))
write("npy_no_shape.npy", npy_with_header("{'descr': '<f4', 'fortran_order': False, }", bytes(768)))
write("npy_huge_shape.npy", npy_with_header("{'descr': '<f4', 'fortran_order': False, 'shape': (1099511627776, 1099511627776, 16), }", bytes(64)))
write("npy_header_past_end.npy", b"\x93NUMPY\x01\x00\xff\xff{'descr'")

# Images (the tiny model takes 1x3x8x8): truncated and corrupt JPEG / PNG, a PNG
# of zero width, headers declaring huge sizes (decompression bombs), a folder.
jpeg = open(os.path.join(SRC, "samples", "yolo_mini", "calib", "img_1.jpg"), "rb").read()
write("img_trunc.jpg", jpeg[: len(jpeg) // 3])
write("img_corrupt.jpg", jpeg[:2] + bytes((i * 37) % 256 for i in range(600)) + jpeg[602:])
sof = jpeg.index(b"\xff\xc0")  # baseline SOF0: length(2) precision(1) height(2) width(2)
write("img_bomb.jpg", jpeg[: sof + 5] + struct.pack(">HH", 60000, 60000) + jpeg[sof + 9:])


def png(width, height, rows):
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


good_png = png(8, 8, b"".join(b"\0" + bytes(range(24)) for _ in range(8)))
write("img_ok.png", good_png)
write("img_trunc.png", good_png[: len(good_png) - 30])
write("img_zero.png", png(0, 8, b""))
write("img_bomb.png", png(100000, 100000, b"\0" * 100))
os.makedirs(f"{out}/img_folder.png", exist_ok=True)
write("img_empty.jpg", b"")
for name in ["npy_f64", "npy_f64_exact", "npy_i64", "npy_u8", "npy_fortran", "npy_bigendian", "npy_bad_magic",
             "npy_truncated", "npy_extra", "npy_bad_dict", "npy_no_shape", "npy_huge_shape", "npy_header_past_end"]:
    write(f"ds_{name}.txt", f"calib_ok.npy\n{name}.npy\n")
for name in ["img_trunc.jpg", "img_corrupt.jpg", "img_bomb.jpg", "img_ok.png", "img_trunc.png", "img_zero.png",
             "img_bomb.png", "img_folder.png", "img_empty.jpg"]:
    write(f"ds_{name.replace('.', '_')}.txt", f"calib_ok.npy\n{name}\n")
# Dataset lists: a byte order mark before the first path, a binary file.
write("ds_bom.txt", b"\xef\xbb\xbfcalib_ok.npy\ncalib_ok.npy\n")
write("ds_binary.txt", b"calib_ok.npy\n\0\0\0")

# TFLite (tests/tflite/tflite_nets.py writes them): a valid conv + RELU model,
# the same truncated, with its root offset pointing past the end (corrupt),
# and with an operator rknnc does not read (FLOOR).
sys.path.insert(0, os.path.join(SRC, "tests", "tflite"))
import tflite_nets  # noqa: E402

tfl = tflite_nets.with_op(f"{out}/flatc_python", "RELU")
write("tfl_ok.tflite", tfl)
write("tfl_truncated.tflite", tfl[: len(tfl) // 2])
write("tfl_corrupt.tflite", struct.pack("<I", len(tfl) * 4) + tfl[4:])
write("tfl_unsupported_op.tflite", tflite_nets.with_op(f"{out}/flatc_python", "FLOOR"))
for name in ["tfl_ok", "tfl_truncated", "tfl_corrupt", "tfl_unsupported_op"]:
    write(f"{name}.yml", f"models:\n  name: t\n  platform: tflite\n  model_file_path: {name}.tflite\n")
write("tfl_unknown_output.yml", "models:\n  name: t\n  platform: tflite\n  model_file_path: tfl_ok.tflite\n"
      "  subgraphs:\n    outputs: [no_such_tensor]\n")
write("tfl_unknown_input.yml", "models:\n  name: t\n  platform: tflite\n  model_file_path: tfl_ok.tflite\n"
      "  subgraphs:\n    inputs: [no_such_tensor]\n")
write("tfl_onnx.tflite", open(tiny, "rb").read())
