"""Small helper to write ONNX graphs layer by layer with numpy weights.

Used by the sample scripts (samples/*/make_*.py). Everything is seeded, so a
script run twice writes byte-identical files. Only numpy + python3-onnx.
"""
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


class GraphBuilder:
    def __init__(self, seed):
        self.rng = np.random.default_rng(seed)
        self.nodes = []
        self.initializers = []
        self.counts = {}

    # -- naming ---------------------------------------------------------
    def fresh(self, prefix):
        n = self.counts.get(prefix, 0)
        self.counts[prefix] = n + 1
        return f"{prefix}_{n}"

    def const(self, prefix, array):
        name = self.fresh(prefix)
        self.initializers.append(numpy_helper.from_array(np.asarray(array), name))
        return name

    def op(self, op_type, inputs, n_out=1, name=None, outputs=None, **attrs):
        name = name or self.fresh(op_type.lower())
        outs = outputs or ([name] if n_out == 1 else [f"{name}_out{i}" for i in range(n_out)])
        self.nodes.append(helper.make_node(op_type, inputs, outs, name=name, **attrs))
        return outs[0] if len(outs) == 1 else outs

    # -- layers with random (or given) weights ---------------------------
    def conv(self, x, cin, cout, k, stride=1, pad=None, group=1, bias=True, w=None, b=None, name=None,
             outputs=None):
        pad = k // 2 if pad is None else pad
        if w is None:
            fan_in = cin // group * k * k
            w = self.rng.normal(0, np.sqrt(2.0 / fan_in), (cout, cin // group, k, k))
        ins = [x, self.const("w", np.asarray(w, np.float32))]
        if bias:
            b = self.rng.normal(0, 0.05, cout) if b is None else b
            ins.append(self.const("b", np.asarray(b, np.float32)))
        return self.op("Conv", ins, name=name, outputs=outputs, kernel_shape=[k, k], strides=[stride, stride],
                       pads=[pad] * 4, group=group, dilations=[1, 1])

    def bn(self, x, c, scale=None, bias=None, mean=None, var=None, eps=1e-5, name=None):
        r = self.rng
        scale = r.uniform(0.5, 1.5, c) if scale is None else scale
        bias = r.normal(0, 0.1, c) if bias is None else bias
        mean = r.normal(0, 0.1, c) if mean is None else mean
        var = r.uniform(0.5, 1.5, c) if var is None else var
        ins = [x] + [self.const(p, np.asarray(a, np.float32))
                     for p, a in (("bn_scale", scale), ("bn_bias", bias), ("bn_mean", mean), ("bn_var", var))]
        return self.op("BatchNormalization", ins, name=name, epsilon=float(eps))

    def relu6(self, x, opset):
        if opset >= 11:
            lo = self.const("clip_min", np.array(0.0, np.float32))
            hi = self.const("clip_max", np.array(6.0, np.float32))
            return self.op("Clip", [x, lo, hi])
        return self.op("Clip", [x], min=0.0, max=6.0)

    def silu(self, x):
        return self.op("Mul", [x, self.op("Sigmoid", [x])])

    def gemm(self, x, fin, fout, w=None, b=None, name=None):
        w = self.rng.normal(0, np.sqrt(1.0 / fin), (fout, fin)) if w is None else w
        b = self.rng.normal(0, 0.05, fout) if b is None else b
        return self.op("Gemm", [x, self.const("fc_w", np.asarray(w, np.float32)),
                                self.const("fc_b", np.asarray(b, np.float32))], name=name, transB=1)

    def shape_const(self, dims):
        return self.const("shape", np.asarray(dims, np.int64))

    # -- model ----------------------------------------------------------
    def model(self, inputs, outputs, opset, graph_name, doc=""):
        """inputs/outputs: list of (name, shape); shape None = let inference fill it."""
        def vi(name, shape):
            return helper.make_tensor_value_info(name, TensorProto.FLOAT, shape)
        graph = helper.make_graph(self.nodes, graph_name, [vi(n, s) for n, s in inputs],
                                  [vi(n, s) for n, s in outputs], self.initializers)
        m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)],
                              producer_name="rknnc-samples", doc_string=doc)
        m.ir_version = 7 if opset <= 14 else 8
        onnx.checker.check_model(m, full_check=True)
        m = onnx.shape_inference.infer_shapes(m, strict_mode=True)
        return m


def save_model(model, path):
    onnx.save_model(model, path)


def write_dataset_txt(path, rel_files):
    with open(path, "w", newline="\n") as f:
        for r in rel_files:
            f.write(r + "\n")
