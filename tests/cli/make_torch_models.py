#!/usr/bin/env python3
"""TorchScript test models for tests/cli/run_pytorch_tests.py and
bench/pytorch_load.py, made with python3-torch (random weights, seeded):
each NAME.pt (torch.jit.trace or script + save), NAME.onnx (torch.onnx.export
of the same module, opset 17) where torch can export it, NAME.in.npy (input)
and NAME.ref.npy (python3-torch running the saved .pt on that input).

usage: make_torch_models.py OUT_DIR [NAME ...]"""
import json
import os
import sys
import warnings

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision

warnings.filterwarnings("ignore")
torch.backends.quantized.engine = "qnnpack"


def conv_bn_act(c_in, c_out, k=1, s=1, act=nn.SiLU):
    return nn.Sequential(nn.Conv2d(c_in, c_out, k, s, k // 2, bias=False), nn.BatchNorm2d(c_out), act())


class C3(nn.Module):
    """yolov5's CSP block: two 1x1 branches, bottlenecks with a shortcut, concat."""

    def __init__(self, c_in, c_out, n=1):
        super().__init__()
        h = c_out // 2
        self.cv1, self.cv2, self.cv3 = conv_bn_act(c_in, h), conv_bn_act(c_in, h), conv_bn_act(2 * h, c_out)
        self.m = nn.Sequential(*[nn.Sequential(conv_bn_act(h, h), conv_bn_act(h, h, 3)) for _ in range(n)])

    def forward(self, x):
        y = self.cv1(x)
        for b in self.m:
            y = y + b(y)
        return self.cv3(torch.cat([y, self.cv2(x)], 1))


class SPPF(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.cv1, self.cv2 = conv_bn_act(c, c // 2), conv_bn_act(c * 2, c)
        self.pool = nn.MaxPool2d(5, 1, 2)

    def forward(self, x):
        x = self.cv1(x)
        y1 = self.pool(x)
        y2 = self.pool(y1)
        return self.cv2(torch.cat([x, y1, y2, self.pool(y2)], 1))


class YoloStyle(nn.Module):
    """yolov5-style detector: CSP backbone, SPPF, FPN neck (nearest upsample,
    concat), detect heads whose outputs are reshaped with sizes read from the
    tensors (bs, _, ny, nx = x.shape) and decoded with sigmoid."""

    def __init__(self, nc=3, na=3):
        super().__init__()
        self.na, self.no = na, nc + 5
        self.stem = conv_bn_act(3, 16, 3, 2)
        self.b1 = nn.Sequential(conv_bn_act(16, 32, 3, 2), C3(32, 32))
        self.b2 = nn.Sequential(conv_bn_act(32, 64, 3, 2), C3(64, 64), SPPF(64))
        self.lat = conv_bn_act(64, 32)
        self.up = nn.Upsample(scale_factor=2, mode="nearest")
        self.n1 = C3(64, 32)
        self.heads = nn.ModuleList([nn.Conv2d(32, na * self.no, 1), nn.Conv2d(64, na * self.no, 1)])

    def forward(self, x):
        p3 = self.b1(self.stem(x))
        p4 = self.b2(p3)
        n3 = self.n1(torch.cat([self.up(self.lat(p4)), p3], 1))
        out = []
        for head, f in zip(self.heads, (n3, p4)):
            y = head(f)
            bs, _, ny, nx = y.shape
            y = y.view(bs, self.na, self.no, ny, nx).permute(0, 1, 3, 4, 2).contiguous()
            out.append(y.sigmoid().view(bs, -1, self.no))
        return torch.cat(out, 1)


class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        layer = nn.TransformerEncoderLayer(d_model=32, nhead=4, dim_feedforward=64, dropout=0.1, batch_first=True,
                                           activation="gelu")
        self.enc = nn.TransformerEncoder(layer, num_layers=2, enable_nested_tensor=False)
        self.head = nn.Linear(32, 8)

    def forward(self, x):
        return self.head(self.enc(x)).softmax(-1)


class Scripted(nn.Module):
    """A scripted module (not traced): a shape-dependent branch, in-place
    activations, chunk, hardswish / hardsigmoid, bilinear resize, mean."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3, padding=1)
        self.dw = nn.Conv2d(8, 8, 3, padding=1, groups=8)

    def forward(self, x):
        y = F.relu_(self.conv(x))
        if y.size(2) > 8:
            y = F.avg_pool2d(y, 2)
        a, b = y.chunk(2, dim=1)
        y = torch.cat([F.hardswish(a), F.hardsigmoid(b) * a], 1)
        y = F.leaky_relu(self.dw(y), 0.1) - 0.5 * y
        y = F.interpolate(y, scale_factor=2.0, mode="bilinear", align_corners=False)
        return y.mean([2, 3], keepdim=False)


class UsesUnsupportedOp(nn.Module):
    def forward(self, x):
        return torch.cumsum(x, 1)


def quantized_resnet18(sample):
    """torchvision's quantisable resnet18: fuse, prepare (qnnpack), calibrate, convert."""
    m = torchvision.models.quantization.resnet18(weights=None, quantize=False).eval()
    m.fuse_model()
    m.qconfig = torch.ao.quantization.get_default_qconfig("qnnpack")
    torch.ao.quantization.prepare(m, inplace=True)
    with torch.no_grad():
        for i in range(4):
            m(torch.randn_like(sample) * (1 + 0.2 * i))
    torch.ao.quantization.convert(m, inplace=True)
    return m


def sample_input(shape, seed):
    return torch.from_numpy(np.random.default_rng(seed).standard_normal(shape).astype(np.float32))


# name: (builder, input shape, "trace" | "script", export to ONNX)
MODELS = {
    "resnet18": (lambda x: torchvision.models.resnet18(weights=None), (1, 3, 64, 64), "trace", True),
    "mobilenet_v2": (lambda x: torchvision.models.mobilenet_v2(weights=None), (1, 3, 64, 64), "trace", True),
    "shufflenet_v2": (lambda x: torchvision.models.shufflenet_v2_x0_5(weights=None), (1, 3, 64, 64), "trace", True),
    "yolo_style": (lambda x: YoloStyle(), (1, 3, 64, 64), "trace", True),
    "transformer": (lambda x: Encoder(), (1, 10, 32), "trace", True),
    "scripted": (lambda x: Scripted(), (1, 3, 16, 16), "script", False),
    "resnet18_qat": (quantized_resnet18, (1, 3, 64, 64), "trace", False),
    "unsupported_op": (lambda x: UsesUnsupportedOp(), (1, 4), "trace", False),
    # Stand-ins for Toolkit2's examples/pytorch/resnet18 and resnet18_qat (224x224).
    "resnet18_224": (lambda x: torchvision.models.resnet18(weights=None), (1, 3, 224, 224), "trace", False),
    "resnet18_qat_224": (quantized_resnet18, (1, 3, 224, 224), "trace", False),
    "resnet50": (lambda x: torchvision.models.resnet50(weights=None), (1, 3, 224, 224), "trace", True),
}


def make(name, out_dir):
    build, shape, how, export = MODELS[name]
    torch.manual_seed(0)
    x = sample_input(shape, 1)
    model = build(x).eval()
    with torch.no_grad():  # attention biases start at zero: give them values, as a trained model has
        for pname, param in model.named_parameters():
            if pname.endswith("in_proj_bias") or pname.endswith("out_proj.bias"):
                param.uniform_(-0.1, 0.1)
    for mod in model.modules():  # non-trivial BatchNorm statistics, so folding them is tested
        if isinstance(mod, nn.BatchNorm2d):
            with torch.no_grad():
                mod.running_mean.uniform_(-0.2, 0.2)
                mod.running_var.uniform_(0.5, 1.5)
    path = os.path.join(out_dir, name + ".pt")
    # Traced with autograd on: nn.TransformerEncoderLayer then records its
    # ops, not the fused inference kernel.
    script = torch.jit.script(model) if how == "script" else torch.jit.trace(model, x, check_trace=False)
    script.save(path)
    if export:  # with autograd on, for the same reason
        torch.onnx.export(model, x, os.path.join(out_dir, name + ".onnx"), opset_version=17, input_names=["x"],
                          output_names=["y"])
    with torch.no_grad():
        ref = torch.jit.load(path)(x)
    ref = ref.dequantize() if ref.is_quantized else ref
    np.save(os.path.join(out_dir, name + ".in.npy"), x.numpy())
    np.save(os.path.join(out_dir, name + ".ref.npy"), ref.numpy())
    if hasattr(getattr(model, "fc", None), "scale"):  # a quantised classifier: the size of one output step
        with open(os.path.join(out_dir, name + ".meta.json"), "w") as f:
            json.dump({"output_scale": float(model.fc.scale)}, f)
    return path


def main():
    out_dir = sys.argv[1]
    os.makedirs(out_dir, exist_ok=True)
    names = sys.argv[2:] or [n for n in MODELS if n != "resnet50"]
    for name in names:
        make(name, out_dir)


if __name__ == "__main__":
    main()
