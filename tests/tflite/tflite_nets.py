"""The TFLite test networks, each written twice from one description: as a
.tflite (tflite_writer.py, NHWC, OHWI weights) and as its ONNX twin
(onnx.helper, NCHW, OIHW weights, the same values), so `rknnc inspect` of the
two must show the same IR op histogram and `rknnc run` the same outputs.

  mobilenet_v1(width, size)    MobileNet v1 (13 separable blocks, RELU6,
                               average pool, 1x1 classifier, reshape, softmax)
  mobilenet_v1_quant(...)      the same graph quantised like TFLite's QAT
                               export: uint8 input + QUANTIZE, int8 per-axis
                               weights, int32 biases, int8 activations,
                               DEQUANTIZE to a float output
  detector()                   an SSD / YOLO-style head: conv trunk, PAD,
                               depth multiplier 2, HARD_SWISH, FPN upsample
                               (RESIZE_NEAREST_NEIGHBOR + ADD), box / class
                               conv heads reshaped and concatenated,
                               LOGISTIC, SPLIT + EXP decode, MEAN + FC
  with_op(code)                a one-conv model followed by `code`
"""
import numpy as np
from onnx import TensorProto, helper, numpy_helper

from tflite_writer import TfliteModel

RELU6, RELU, NONE = 3, 1, 0
SAME, VALID = 0, 1


def same_pads(size, k, s):
    out = (size + s - 1) // s
    total = max((out - 1) * s + k - size, 0)
    return total // 2, total - total // 2, out


class T:
    """A tensor of both graphs: its TFLite index and NHWC shape (the ONNX
    value has the same name, NCHW when 4-D)."""
    def __init__(self, index, name, shape):
        self.index, self.name, self.shape = index, name, list(shape)


class Net:
    def __init__(self, gen_dir, seed, quant=False):
        self.m = TfliteModel(gen_dir)
        self.rng = np.random.default_rng(seed)
        self.nodes, self.inits, self.count = [], [], 0
        self.quant = quant
        self.onnx_inputs, self.onnx_outputs = [], []

    def fresh(self, base):
        self.count += 1
        return f"{base}_{self.count}"

    def init(self, base, array):
        name = self.fresh(base)
        self.inits.append(numpy_helper.from_array(np.asarray(array), name))
        return name

    def node(self, op, inputs, outputs, **attrs):
        self.nodes.append(helper.make_node(op, inputs, outputs, name=outputs[0], **attrs))

    def act_params(self, act):
        """int8 parameters of a fused activation's output: its whole range."""
        if not self.quant:
            return None
        lo, hi = {RELU6: (0.0, 6.0), RELU: (0.0, 8.0), NONE: (-4.0, 4.0)}[act]
        scale = (hi - lo) / 255.0
        return {"scale": [scale], "zero_point": [int(round(-128 - lo / scale))]}

    def tensor(self, name, shape, quant=None):
        dtype = "int8" if quant else "float32"
        return T(self.m.tensor(name, shape, dtype, quant), name, shape)

    def input(self, name, shape, quant=None, dtype=None):
        idx = self.m.tensor(name, shape, dtype or ("int8" if quant else "float32"), quant)
        self.m.inputs.append(idx)
        n, h, w, c = shape
        self.onnx_inputs.append(helper.make_tensor_value_info(name, TensorProto.FLOAT, [n, c, h, w]))
        return T(idx, name, shape)

    def output(self, t):
        self.m.outputs.append(t.index)
        s = t.shape if len(t.shape) != 4 else [t.shape[0], t.shape[3], t.shape[1], t.shape[2]]
        self.onnx_outputs.append(helper.make_tensor_value_info(t.name, TensorProto.FLOAT, s))

    def onnx_act(self, y, act, out):
        if act == RELU6:
            self.node("Clip", [y, self.init("zero", np.float32(0)), self.init("six", np.float32(6))], [out])
        elif act == RELU:
            self.node("Relu", [y], [out])

    def weights(self, name, w, b, in_scale):
        """(weight tensor, bias tensor) in TFLite: float, or int8 per output channel + int32 bias."""
        if not self.quant:
            return self.m.const(name + "/weights", w), self.m.const(name + "/bias", b)
        axis = 3 if w.shape[0] == 1 else 0  # depthwise weights are [1, H, W, C*m]
        red = tuple(i for i in range(4) if i != axis)
        scale = np.maximum(np.abs(w).max(axis=red), 1e-6) / 127.0
        shape = [1, 1, 1, 1]
        shape[axis] = -1
        q = np.clip(np.round(w / scale.reshape(shape)), -127, 127).astype(np.int8)
        bscale = in_scale * scale
        bq = np.round(b / bscale).astype(np.int32)
        wt = self.m.const(name + "/weights", q, "int8", {"scale": scale.tolist(), "dim": axis})
        bt = self.m.const(name + "/bias", bq, "int32", {"scale": bscale.tolist(), "dim": 0})
        return wt, bt

    def conv(self, x, name, cout, k, stride, act=RELU6, depthwise=False, multiplier=1, padding=SAME):
        n, h, wd, cin = x.shape
        fan_in = k * k * (1 if depthwise else cin)
        if depthwise:
            cout = cin * multiplier
            w = self.rng.normal(0, np.sqrt(2.0 / fan_in), (1, k, k, cout)).astype(np.float32)
        else:
            w = self.rng.normal(0, np.sqrt(2.0 / fan_in), (cout, k, k, cin)).astype(np.float32)
        b = self.rng.normal(0, 0.1, cout).astype(np.float32)
        in_scale = self.quant_of(x)["scale"][0] if self.quant else 1.0
        wt, bt = self.weights(name, w, b, in_scale)
        if padding == SAME:
            pt, pb, oh = same_pads(h, k, stride)
            pl, pr, ow = same_pads(wd, k, stride)
        else:
            pt = pb = pl = pr = 0
            oh, ow = (h - k) // stride + 1, (wd - k) // stride + 1
        y = self.tensor(name, [n, oh, ow, cout], self.act_params(act))
        if depthwise:
            self.m.op("DEPTHWISE_CONV_2D", [x.index, wt, bt], [y.index], "DepthwiseConv2DOptions", padding=padding,
                      stride_w=stride, stride_h=stride, depth_multiplier=multiplier, fused_activation_function=act)
            w_onnx = w.transpose(3, 0, 1, 2)
        else:
            self.m.op("CONV_2D", [x.index, wt, bt], [y.index], "Conv2DOptions", padding=padding, stride_w=stride,
                      stride_h=stride, fused_activation_function=act)
            w_onnx = w.transpose(0, 3, 1, 2)
        conv_out = name if act == NONE else self.fresh(name + "_conv")
        self.node("Conv", [x.name, self.init("w", w_onnx), self.init("b", b)], [conv_out], kernel_shape=[k, k],
                  strides=[stride, stride], pads=[pt, pl, pb, pr], group=cin if depthwise else 1)
        self.onnx_act(conv_out, act, name)
        return y

    def quant_of(self, t):
        return self.m.tensors[t.index][4]

    def simple(self, code, onnx_op, x, name, shape=None, quant="same", options=None, onnx_attrs=None, **fields):
        q = self.quant_of(x) if quant == "same" else quant
        y = self.tensor(name, shape or x.shape, q)
        self.m.op(code, [x.index], [y.index], options, **fields)
        self.node(onnx_op, [x.name], [name], **(onnx_attrs or {}))
        return y

    def reshape_head(self, x, name, last):
        """[1, H, W, A*last] → [1, H*W*A, last]; the twin permutes NCHW to NHWC first."""
        n, h, w, c = x.shape
        shape = [n, h * w * c // last, last]
        y = self.tensor(name, shape, self.quant_of(x))
        s = self.m.const(name + "/shape", np.array(shape, np.int32), "int32")
        self.m.op("RESHAPE", [x.index, s], [y.index], "ReshapeOptions", new_shape=shape)
        t = self.fresh(name + "_nhwc")
        self.node("Transpose", [x.name], [t], perm=[0, 2, 3, 1])
        self.node("Reshape", [t, self.init("shape", np.array(shape, np.int64))], [name])
        return y

    def concat(self, xs, name, axis, quant=None):
        shape = list(xs[0].shape)
        shape[axis] = sum(x.shape[axis] for x in xs)
        y = self.tensor(name, shape, quant)
        self.m.op("CONCATENATION", [x.index for x in xs], [y.index], "ConcatenationOptions", axis=axis)
        self.node("Concat", [x.name for x in xs], [name], axis=axis)
        return y

    def onnx_model(self, name):
        g = helper.make_graph(self.nodes, name, self.onnx_inputs, self.onnx_outputs, self.inits)
        m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)], producer_name="rknnc-tflite-twin")
        m.ir_version = 8
        return m


def mobilenet_v1(gen_dir, width=0.25, size=224, classes=1001, quant=False, seed=1):
    """MobileNet v1: returns (tflite bytes, onnx twin, float input NHWC shape)."""
    net = Net(gen_dir, seed, quant)
    in_q = {"scale": [1 / 128], "zero_point": [128]} if quant else None
    x = net.input("input", [1, size, size, 3], in_q, "uint8" if quant else None)
    if quant:  # TFLite's uint8 input: QUANTIZE to int8 with the same real values
        q = net.tensor("input_int8", x.shape, {"scale": [1 / 128], "zero_point": [0]})
        net.m.op("QUANTIZE", [x.index], [q.index])
        x = q
    c = lambda n: max(8, int(n * width))  # noqa: E731
    x = net.conv(x, "Conv2d_0", c(32), 3, 2)
    blocks = [(64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2)] + [(512, 1)] * 5 + [(1024, 2), (1024, 1)]
    for i, (cout, s) in enumerate(blocks, 1):
        x = net.conv(x, f"Conv2d_{i}_depthwise", 0, 3, s, depthwise=True)
        x = net.conv(x, f"Conv2d_{i}_pointwise", c(cout), 1, 1)
    k = x.shape[1]
    pooled = net.tensor("AvgPool_1a", [1, 1, 1, x.shape[3]], net.quant_of(x))
    net.m.op("AVERAGE_POOL_2D", [x.index], [pooled.index], "Pool2DOptions", padding=VALID, stride_w=k, stride_h=k,
             filter_width=k, filter_height=k)
    net.node("AveragePool", [x.name], ["AvgPool_1a"], kernel_shape=[k, k], strides=[k, k])
    logits = net.conv(pooled, "Conv2d_1c_1x1", classes, 1, 1, act=NONE)
    flat = net.tensor("Logits", [1, classes], net.quant_of(logits))
    s = net.m.const("Logits/shape", np.array([1, classes], np.int32), "int32")
    net.m.op("RESHAPE", [logits.index, s], [flat.index], "ReshapeOptions", new_shape=[1, classes])
    net.node("Reshape", ["Conv2d_1c_1x1", net.init("shape", np.array([1, classes], np.int64))], ["Logits"])
    net.output(flat)
    prob = net.tensor("Predictions", [1, classes], {"scale": [1 / 256], "zero_point": [-128]} if quant else None)
    net.m.op("SOFTMAX", [flat.index], [prob.index], "SoftmaxOptions", beta=1.0)
    net.node("Softmax", ["Logits"], ["Predictions"], axis=-1)
    if quant:
        out = net.tensor("Predictions_float", [1, classes])
        net.m.op("DEQUANTIZE", [prob.index], [out.index])
        prob = out
    net.output(prob)
    return net.m.serialize(), net.onnx_model("mobilenet_v1"), [1, size, size, 3]


def detector(gen_dir, seed=2):
    net = Net(gen_dir, seed)
    x = net.input("image", [1, 64, 64, 3])
    c1 = net.conv(x, "stem", 16, 3, 2)
    c2 = net.conv(c1, "dw1", 0, 3, 2, depthwise=True, multiplier=2)
    c3 = net.conv(c2, "pw1", 32, 1, 1, act=NONE)
    c3 = net.simple("HARD_SWISH", "HardSwish", c3, "pw1_hswish")
    padded = net.tensor("pad2", [1, 17, 17, 32])
    pads = [[0, 0], [0, 1], [0, 1], [0, 0]]
    net.m.op("PAD", [c3.index, net.m.const("pad2/paddings", np.array(pads, np.int32), "int32")], [padded.index])
    net.node("Pad", [c3.name, net.init("pads", np.array([0, 0, 0, 0, 0, 0, 1, 1], np.int64))], ["pad2"])
    c4 = net.conv(padded, "dw2", 0, 3, 2, depthwise=True, padding=VALID)
    c5 = net.conv(c4, "pw2", 64, 1, 1)
    p = net.conv(c5, "lateral", 32, 1, 1, act=NONE)
    up = net.tensor("upsample", [1, 16, 16, 32])
    net.m.op("RESIZE_NEAREST_NEIGHBOR", [p.index, net.m.const("upsample/size", np.array([16, 16], np.int32), "int32")],
             [up.index], "ResizeNearestNeighborOptions")
    net.node("Resize", ["lateral", "", net.init("scales", np.array([1, 1, 2, 2], np.float32))], ["upsample"],
             mode="nearest", coordinate_transformation_mode="asymmetric", nearest_mode="floor")
    fused = net.tensor("fpn", [1, 16, 16, 32])
    net.m.op("ADD", [c3.index, up.index], [fused.index], "AddOptions", fused_activation_function=RELU)
    net.node("Add", [c3.name, "upsample"], ["fpn_add"])
    net.node("Relu", ["fpn_add"], ["fpn"])
    anchors, classes = 3, 5
    boxes, scores = [], []
    for name, f in (("p3", fused), ("p4", c5)):
        b = net.conv(f, name + "_box", anchors * 4, 3, 1, act=NONE)
        s = net.conv(f, name + "_cls", anchors * classes, 3, 1, act=NONE)
        boxes.append(net.reshape_head(b, name + "_box_flat", 4))
        scores.append(net.reshape_head(s, name + "_cls_flat", classes))
    raw_boxes = net.concat(boxes, "raw_boxes", 1)
    logits = net.concat(scores, "class_logits", 1)
    net.output(net.simple("LOGISTIC", "Sigmoid", logits, "scores"))
    n = raw_boxes.shape[1]
    xy = net.tensor("xy_raw", [1, n, 2])
    wh = net.tensor("wh_raw", [1, n, 2])
    net.m.op("SPLIT", [net.m.const("split/axis", np.array([2], np.int32), "int32"), raw_boxes.index],
             [xy.index, wh.index], "SplitOptions", num_splits=2)
    net.node("Split", ["raw_boxes", net.init("split", np.array([2, 2], np.int64))], ["xy_raw", "wh_raw"], axis=2)
    xy = net.simple("LOGISTIC", "Sigmoid", xy, "xy")
    wh = net.simple("EXP", "Exp", wh, "wh")
    net.output(net.concat([xy, wh], "boxes", 2))
    mean = net.tensor("pooled", [1, 64])
    net.m.op("MEAN", [c5.index, net.m.const("pooled/axes", np.array([1, 2], np.int32), "int32")], [mean.index],
             "ReducerOptions", keep_dims=False)
    net.node("ReduceMean", [c5.name], ["pooled"], axes=[2, 3], keepdims=0)
    w = net.rng.normal(0, 0.1, (8, 64)).astype(np.float32)
    b = net.rng.normal(0, 0.1, 8).astype(np.float32)
    emb = net.tensor("embedding", [1, 8])
    net.m.op("FULLY_CONNECTED", [mean.index, net.m.const("fc/weights", w), net.m.const("fc/bias", b)], [emb.index],
             "FullyConnectedOptions")
    net.node("Gemm", ["pooled", net.init("fc_w", w), net.init("fc_b", b)], ["embedding"], transB=1)
    net.output(emb)
    return net.m.serialize(), net.onnx_model("detector"), [1, 64, 64, 3]


def with_op(gen_dir, code, seed=3):
    """A conv followed by builtin operator `code` (no options): the unsupported-op case."""
    net = Net(gen_dir, seed)
    x = net.input("input", [1, 8, 8, 3])
    y = net.conv(x, "conv", 4, 3, 1)
    z = net.tensor("after_" + code.lower(), [1, 8, 8, 4])
    net.m.op(code, [y.index], [z.index])
    net.output(z)
    return net.m.serialize()


def op_zoo(gen_dir, seed=4, outputs=None):
    """The operators the other networks do not use, chained so every layout
    path runs (constants over channels, 4-D softmax / concat / transposes in
    NCHW, slices with strides and shrink masks, a flattening FC): TFLite only."""
    net = Net(gen_dir, seed)
    m, rng = net.m, net.rng
    f32 = lambda *s: rng.uniform(0.5, 1.5, s).astype(np.float32)  # noqa: E731
    i32 = lambda v: m.const(net.fresh("const"), np.array(v, np.int32), "int32")  # noqa: E731
    x = net.input("input", [1, 8, 8, 4])
    a = net.conv(x, "conv", 8, 3, 1, act=NONE)

    def op(code, inputs, shape, name, options=None, **fields):
        y = net.tensor(name, shape)
        m.op(code, [t if isinstance(t, int) else t.index for t in inputs], [y.index], options, **fields)
        return y
    b = op("SUB", [a, m.const("sub_c", f32(8))], a.shape, "sub", "SubOptions")
    c = op("MUL", [b, m.const("mul_c", f32(8))], a.shape, "mul", "MulOptions")
    d = op("DIV", [c, m.const("div_c", f32(8))], a.shape, "div", "DivOptions", fused_activation_function=RELU6)
    d = op("SUB", [d, m.const("three", np.float32([3]))], a.shape, "minus3", "SubOptions")  # ArmNN 20.08 has no PRELU
    e = op("TANH", [d], a.shape, "tanh")
    f = op("RELU6", [d], a.shape, "relu6")  # ArmNN 20.08 has no RELU_N1_TO_1
    g = op("LEAKY_RELU", [d], a.shape, "leaky", "LeakyReluOptions", alpha=0.1)
    h = op("CONCATENATION", [e, f, g], [1, 8, 8, 24], "concat", "ConcatenationOptions", axis=-1)
    p = op("MAX_POOL_2D", [h], [1, 4, 4, 24], "maxpool", "Pool2DOptions", padding=SAME, stride_w=2, stride_h=2,
           filter_width=2, filter_height=2)
    # ArmNN 20.08 reads no half_pixel_centers: the TFLite default (asymmetric) is what it checks
    r = op("RESIZE_BILINEAR", [p, i32([8, 8])], [1, 8, 8, 24], "resize", "ResizeBilinearOptions")
    s = op("SOFTMAX", [r], r.shape, "softmax", "SoftmaxOptions", beta=2.0)
    t = op("TRANSPOSE", [s, i32([0, 3, 1, 2])], [1, 24, 8, 8], "transpose")
    u = op("STRIDED_SLICE", [t, i32([0, 0, 0, 1]), i32([1, 24, 8, 7]), i32([1, 2, 1, 2])], [1, 12, 8, 3],
           "strided", "StridedSliceOptions")
    v = op("SLICE", [u, i32([0, 1, 0, 0]), i32([1, 10, 8, 3])], [1, 10, 8, 3], "slice")
    w = op("TRANSPOSE_CONV", [i32([1, 20, 16, 5]), m.const("deconv/weights", f32(5, 3, 3, 3) - 1), v],
           [1, 20, 16, 5], "deconv", "TransposeConvOptions", padding=SAME, stride_w=2, stride_h=2)
    fc = op("FULLY_CONNECTED", [w, m.const("fc/weights", (f32(6, 1600) - 1) * 0.05), m.const("fc/bias", f32(6))], [1, 6], "fc",
            "FullyConnectedOptions")
    mean = op("MEAN", [w, i32([1, 2])], [1, 1, 1, 5], "mean", "ReducerOptions", keep_dims=True)
    sq = op("SQUEEZE", [mean], [1, 5], "squeeze", "SqueezeOptions", squeeze_dims=[1, 2])
    picked = op("STRIDED_SLICE", [fc, i32([0, 1]), i32([1, 5]), i32([1, 1])], [4], "picked", "StridedSliceOptions",
                shrink_axis_mask=1)
    named = {n: ts for n, ts in locals().items() if isinstance(ts, T)}
    for o in [named[n] for n in outputs] if outputs else (fc, sq, picked):
        net.output(o)
    return m.serialize(), None, [1, 8, 8, 4]
