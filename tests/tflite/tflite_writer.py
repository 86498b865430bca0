"""Writes .tflite files from Python with the flatbuffers code that
`flatc --python` generates from rknnc's own schema subset
(lib/frontends/tflite/tflite_subset.fbs), so the test models share no code
with TensorFlow.

    m = TfliteModel()
    x = m.tensor("input", [1, 8, 8, 3])
    w = m.const("w", weights_ohwi)
    y = m.tensor("y", [1, 8, 8, 4])
    m.op("CONV_2D", [x, w, -1], [y], "Conv2DOptions", padding=0, stride_w=1, stride_h=1)
    m.inputs, m.outputs = [x], [y]
    open("net.tflite", "wb").write(m.serialize())
"""
import importlib
import os
import subprocess
import sys

import flatbuffers
import numpy as np

SRC = os.environ.get("RKNNC_SOURCE_DIR") or os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SCHEMA = os.path.join(SRC, "lib", "frontends", "tflite", "tflite_subset.fbs")

_fb = None


def schema(gen_dir):
    """The generated Python package rknnc.tflite_fb (flatc --python into gen_dir)."""
    global _fb
    if _fb is None:
        os.makedirs(gen_dir, exist_ok=True)
        subprocess.run(["flatc", "--python", "-o", gen_dir, SCHEMA], check=True)
        sys.path.insert(0, gen_dir)
        _fb = importlib.import_module("rknnc.tflite_fb")
        _fb.mod = lambda name: importlib.import_module("rknnc.tflite_fb." + name)
    return _fb


TYPES = {"float32": (0, np.float32), "float16": (1, np.float16), "int32": (2, np.int32), "uint8": (3, np.uint8),
         "int64": (4, np.int64), "int8": (9, np.int8)}


def _camel(field):
    return "".join(p.capitalize() for p in field.split("_"))


class TfliteModel:
    def __init__(self, gen_dir):
        self.fb = schema(gen_dir)
        self.tensors = []   # (name, shape, type, buffer, quant)
        self.buffers = [b""]
        self.ops = []       # (opcode index, inputs, outputs, options name, fields)
        self.codes = []
        self.inputs, self.outputs = [], []

    def tensor(self, name, shape, dtype="float32", quant=None, data=None):
        buf = 0
        if data is not None:
            self.buffers.append(np.ascontiguousarray(data, TYPES[dtype][1]).tobytes())
            buf = len(self.buffers) - 1
        self.tensors.append((name, list(shape), dtype, buf, quant))
        return len(self.tensors) - 1

    def const(self, name, array, dtype="float32", quant=None):
        array = np.asarray(array)
        return self.tensor(name, array.shape, dtype, quant, array)

    def op(self, code, inputs, outputs, options=None, **fields):
        value = getattr(self.fb.mod("BuiltinOperator").BuiltinOperator, code)
        if value not in self.codes:
            self.codes.append(value)
        self.ops.append((self.codes.index(value), list(inputs), list(outputs), options, fields))
        return outputs[0] if len(outputs) == 1 else outputs

    # -- serialisation --
    @staticmethod
    def _vector(b, offsets):
        b.StartVector(4, len(offsets), 4)
        for o in reversed(offsets):
            b.PrependUOffsetTRelative(o)
        return b.EndVector()

    def serialize(self):
        b = flatbuffers.Builder(1024)
        buffers = []
        for data in self.buffers:
            fields = {}
            if data:
                b.StartVector(1, len(data), 16)
                b.head = b.head - len(data)
                b.Bytes[b.head:b.head + len(data)] = data
                fields["data"] = b.EndVector()
            buffers.append(self._table(b, "Buffer", fields))
        tensors = []
        for name, shape, dtype, buf, quant in self.tensors:
            fields = {"shape": np.array(shape, np.int32), "type": TYPES[dtype][0], "buffer": buf, "name": name}
            if quant:
                q = {"scale": np.array(quant["scale"], np.float32),
                     "zero_point": np.array(quant.get("zero_point", [0] * len(quant["scale"])), np.int64),
                     "quantized_dimension": quant.get("dim", 0)}
                fields["quantization"] = self._table(b, "QuantizationParameters", q)
            tensors.append(self._table(b, "Tensor", fields))
        ops = []
        for code, inputs, outputs, options, fields in self.ops:
            f = {"opcode_index": code, "inputs": np.array(inputs, np.int32), "outputs": np.array(outputs, np.int32)}
            if options:
                f["builtin_options_type"] = getattr(self.fb.mod("BuiltinOptions").BuiltinOptions, options)
                f["builtin_options"] = self._table(b, options, {k: (np.array(v, np.int32) if isinstance(v, list)
                                                                    else v) for k, v in fields.items()})
            ops.append(self._table(b, "Operator", f))
        codes = [self._table(b, "OperatorCode", {"deprecated_builtin_code": min(c, 127), "builtin_code": c,
                                                  "version": 1}) for c in self.codes]
        sub = self._table(b, "SubGraph", {"tensors": self._vector(b, tensors),
                                              "inputs": b.CreateNumpyVector(np.array(self.inputs, np.int32)),
                                              "outputs": b.CreateNumpyVector(np.array(self.outputs, np.int32)),
                                              "operators": self._vector(b, ops), "name": b.CreateString("main")})
        model = self._table(b, "Model", {"version": 3, "operator_codes": self._vector(b, codes),
                                             "subgraphs": self._vector(b, [sub]),
                                             "description": b.CreateString("rknnc test model"),
                                             "buffers": self._vector(b, buffers)})
        b.Finish(model, file_identifier=b"TFL3")
        return bytes(b.Output())

    def _table(self, b, name, fields):
        """A table from {field: value}; strings and numpy arrays become vectors first."""
        mod = self.fb.mod(name)
        for k, v in list(fields.items()):
            if isinstance(v, str):
                fields[k] = b.CreateString(v)
            elif isinstance(v, np.ndarray):
                fields[k] = b.CreateNumpyVector(v)
        getattr(mod, name + "Start")(b)
        for k, v in fields.items():
            getattr(mod, name + "Add" + _camel(k))(b, v)
        return getattr(mod, name + "End")(b)
