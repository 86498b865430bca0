#!/usr/bin/python3
"""The three cost-model calibration models, random weights, real architectures.

    /usr/bin/python3 bench/models/make_cost_models.py OUTDIR [--no-single-core] [--only NAME[,NAME]]

writes into OUTDIR, for NAME in mobilenetv2-12, resnet50-v2-7, yolov5s_relu:

  NAME.onnx          the graph (torch.onnx.export, opset 12, batch 1, eval mode,
                     torch.manual_seed(0), do_constant_folding=True)
  NAME.npy           one calibration image, float32 NCHW, values 0..255 (numpy seed 0)
  NAME.dataset.txt   lists NAME.npy
  NAME.yml           rknn_convert-style config (as configs/*.yml): int8, channel,
                     optimization_level 3, single_core_mode: true (omitted with
                     --no-single-core)

and prints the MAC count (multiply-accumulates of Conv / Gemm / MatMul, from
the ONNX graph's inferred shapes) of each model.

The architectures are those of rknn_model_zoo's models, whose published int8
single-core FPS calibrate the compiler's cost model (bench/cost_model.py):

  mobilenetv2-12  MobileNetV2 1.0 (ONNX model zoo): input 'input' 1x3x224x224,
                  Conv-BN-ReLU6 (Clip), inverted residuals, 1x1 Conv 1280,
                  GlobalAveragePool, Gemm 1000. BatchNormalization nodes kept.
  resnet50-v2-7   ResNet50 v2 (ONNX model zoo, from gluon): input 'data'
                  1x3x224x224, BN on the input, Conv 7x7 s2, BN-ReLU, MaxPool,
                  pre-activation bottlenecks BN-ReLU-Conv (3,4,6,3; stride on
                  the 3x3; 1x1 projection shortcut from the activated input),
                  BN-ReLU, GlobalAveragePool, Gemm 1000. BN nodes kept.
  yolov5s_relu    YOLOv5s v6.0 (depth 0.33, width 0.50) with ReLU for SiLU:
                  input 'images' 1x3x640x640, Conv 6x6 s2 stem, C3, SPPF, PANet
                  neck (nearest Resize x2, Concat), three 1x1 detect convs of
                  255 channels at strides 8/16/32, raw outputs 'output0..2'
                  (no Detect decode in the graph, as rknn_model_zoo exports it).
                  Conv+BN fused on export, as yolov5's export.py does.

Graphs are never committed (tens of MB): tests and benches generate them into
the build tree. Only python3-torch (no torchvision), numpy, onnx, yaml.
"""
import argparse
import hashlib
import os
import sys
import warnings

import numpy as np
import onnx
import torch
from onnx import numpy_helper, shape_inference
from torch import nn

OPSET = 12
IMAGENET_MEAN = [123.675, 116.28, 103.53]
IMAGENET_STD = [58.395, 57.12, 57.375]


def randomize_bn(model):
    """Non-trivial BN statistics (torch's defaults are the identity); same seed, same values."""
    g = torch.Generator().manual_seed(1)
    for m in model.modules():
        if isinstance(m, nn.BatchNorm2d):
            c = m.num_features
            with torch.no_grad():
                if m.weight is not None:
                    m.weight.copy_(0.5 + torch.rand(c, generator=g))
                    m.bias.copy_(0.1 * torch.randn(c, generator=g))
                m.running_mean.copy_(0.1 * torch.randn(c, generator=g))
                m.running_var.copy_(0.5 + torch.rand(c, generator=g))


# ---------------------------------------------------------------- MobileNetV2

def conv_bn_relu6(cin, cout, k, stride=1, groups=1):
    return nn.Sequential(nn.Conv2d(cin, cout, k, stride, (k - 1) // 2, groups=groups, bias=False),
                         nn.BatchNorm2d(cout), nn.ReLU6())


class InvertedResidual(nn.Module):
    def __init__(self, cin, cout, stride, t):
        super().__init__()
        hidden = cin * t
        layers = [conv_bn_relu6(cin, hidden, 1)] if t != 1 else []
        layers += [conv_bn_relu6(hidden, hidden, 3, stride, hidden),
                   nn.Conv2d(hidden, cout, 1, bias=False), nn.BatchNorm2d(cout)]
        self.conv = nn.Sequential(*layers)
        self.residual = stride == 1 and cin == cout

    def forward(self, x):
        return x + self.conv(x) if self.residual else self.conv(x)


class MobileNetV2(nn.Module):
    # (expand ratio t, channels c, repeats n, first stride s): MobileNetV2 paper, table 2
    CFG = [(1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1), (6, 160, 3, 2),
           (6, 320, 1, 1)]

    def __init__(self, classes=1000):
        super().__init__()
        layers, cin = [conv_bn_relu6(3, 32, 3, 2)], 32
        for t, c, n, s in self.CFG:
            for i in range(n):
                layers.append(InvertedResidual(cin, c, s if i == 0 else 1, t))
                cin = c
        layers.append(conv_bn_relu6(cin, 1280, 1))
        self.features = nn.Sequential(*layers)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.classifier = nn.Linear(1280, classes)

    def forward(self, x):
        return self.classifier(torch.flatten(self.pool(self.features(x)), 1))


# ------------------------------------------------------------- ResNet50 v2

class BottleneckV2(nn.Module):
    """gluon BottleneckV2: pre-activation, stride on the 3x3 conv."""

    def __init__(self, cin, cout, stride):
        super().__init__()
        mid = cout // 4
        self.bn1 = nn.BatchNorm2d(cin)
        self.conv1 = nn.Conv2d(cin, mid, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(mid)
        self.conv2 = nn.Conv2d(mid, mid, 3, stride, 1, bias=False)
        self.bn3 = nn.BatchNorm2d(mid)
        self.conv3 = nn.Conv2d(mid, cout, 1, bias=False)
        self.relu = nn.ReLU()
        self.downsample = nn.Conv2d(cin, cout, 1, stride, bias=False) if stride != 1 or cin != cout else None

    def forward(self, x):
        residual = x
        x = self.relu(self.bn1(x))
        if self.downsample is not None:
            residual = self.downsample(x)
        x = self.conv1(x)
        x = self.conv2(self.relu(self.bn2(x)))
        x = self.conv3(self.relu(self.bn3(x)))
        return x + residual


class ResNet50V2(nn.Module):
    def __init__(self, classes=1000):
        super().__init__()
        self.bn_data = nn.BatchNorm2d(3, affine=False)  # gluon: BatchNorm(scale=False, center=False)
        self.stem = nn.Sequential(nn.Conv2d(3, 64, 7, 2, 3, bias=False), nn.BatchNorm2d(64), nn.ReLU(),
                                  nn.MaxPool2d(3, 2, 1))
        layers, cin = [], 64
        for n, cout, stride in [(3, 256, 1), (4, 512, 2), (6, 1024, 2), (3, 2048, 2)]:
            for i in range(n):
                layers.append(BottleneckV2(cin, cout, stride if i == 0 else 1))
                cin = cout
        self.layers = nn.Sequential(*layers)
        self.post = nn.Sequential(nn.BatchNorm2d(cin), nn.ReLU(), nn.AdaptiveAvgPool2d(1))
        self.fc = nn.Linear(cin, classes)

    def forward(self, x):
        x = self.post(self.layers(self.stem(self.bn_data(x))))
        return self.fc(torch.flatten(x, 1))


# ------------------------------------------------------------ YOLOv5s (ReLU)

class Conv(nn.Module):
    def __init__(self, cin, cout, k=1, s=1, p=None):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, k, s, k // 2 if p is None else p, bias=False)
        self.bn = nn.BatchNorm2d(cout)
        self.act = nn.ReLU()

    def forward(self, x):
        return self.act(self.bn(self.conv(x)))


class Bottleneck(nn.Module):
    def __init__(self, c, shortcut):
        super().__init__()
        self.cv1, self.cv2, self.add = Conv(c, c, 1), Conv(c, c, 3), shortcut

    def forward(self, x):
        y = self.cv2(self.cv1(x))
        return x + y if self.add else y


class C3(nn.Module):
    def __init__(self, cin, cout, n=1, shortcut=True):
        super().__init__()
        c = cout // 2
        self.cv1, self.cv2, self.cv3 = Conv(cin, c), Conv(cin, c), Conv(2 * c, cout)
        self.m = nn.Sequential(*[Bottleneck(c, shortcut) for _ in range(n)])

    def forward(self, x):
        return self.cv3(torch.cat([self.m(self.cv1(x)), self.cv2(x)], 1))


class SPPF(nn.Module):
    def __init__(self, cin, cout, k=5):
        super().__init__()
        c = cin // 2
        self.cv1, self.cv2 = Conv(cin, c), Conv(4 * c, cout)
        self.m = nn.MaxPool2d(k, 1, k // 2)

    def forward(self, x):
        x = self.cv1(x)
        y1 = self.m(x)
        y2 = self.m(y1)
        return self.cv2(torch.cat([x, y1, y2, self.m(y2)], 1))


class YOLOv5sReLU(nn.Module):
    """yolov5s.yaml v6.0 (depth_multiple 0.33, width_multiple 0.50), 80 classes, 3 anchors."""

    def __init__(self, classes=80, anchors=3):
        super().__init__()
        no = anchors * (classes + 5)  # 255
        self.b0, self.b1, self.b2 = Conv(3, 32, 6, 2, 2), Conv(32, 64, 3, 2), C3(64, 64, 1)
        self.b3, self.b4 = Conv(64, 128, 3, 2), C3(128, 128, 2)
        self.b5, self.b6 = Conv(128, 256, 3, 2), C3(256, 256, 3)
        self.b7, self.b8, self.b9 = Conv(256, 512, 3, 2), C3(512, 512, 1), SPPF(512, 512, 5)
        self.h10, self.h13 = Conv(512, 256, 1), C3(512, 256, 1, False)
        self.h14, self.h17 = Conv(256, 128, 1), C3(256, 128, 1, False)
        self.h18, self.h20 = Conv(128, 128, 3, 2), C3(256, 256, 1, False)
        self.h21, self.h23 = Conv(256, 256, 3, 2), C3(512, 512, 1, False)
        self.up = nn.Upsample(scale_factor=2.0, mode="nearest")
        self.detect = nn.ModuleList(nn.Conv2d(c, no, 1) for c in (128, 256, 512))

    def forward(self, x):
        p4 = self.b4(self.b3(self.b2(self.b1(self.b0(x)))))
        p6 = self.b6(self.b5(p4))
        x10 = self.h10(self.b9(self.b8(self.b7(p6))))
        x14 = self.h14(self.h13(torch.cat([self.up(x10), p6], 1)))
        x17 = self.h17(torch.cat([self.up(x14), p4], 1))
        x20 = self.h20(torch.cat([self.h18(x17), x14], 1))
        x23 = self.h23(torch.cat([self.h21(x20), x10], 1))
        return tuple(m(y) for m, y in zip(self.detect, (x17, x20, x23)))


# ------------------------------------------------------------------ export

# name: (constructor, input name, input size, output names, keep BN nodes, mean, std)
MODELS = {
    "mobilenetv2-12": (MobileNetV2, "input", 224, ["output"], True, IMAGENET_MEAN, IMAGENET_STD),
    "resnet50-v2-7": (ResNet50V2, "data", 224, ["resnetv24_dense0_fwd"], True, IMAGENET_MEAN, IMAGENET_STD),
    "yolov5s_relu": (YOLOv5sReLU, "images", 640, ["output0", "output1", "output2"], False, [0, 0, 0],
                     [255, 255, 255]),
}
# published rknn_model_zoo figures, for the printout
KNOWN_GMAC = {"mobilenetv2-12": 0.30, "resnet50-v2-7": 4.1, "yolov5s_relu": 8.2}


def export(name, path):
    ctor, input_name, size, outputs, keep_bn, _, _ = MODELS[name]
    torch.manual_seed(0)
    model = ctor().eval()
    randomize_bn(model)
    x = torch.zeros(1, 3, size, size)
    # TrainingMode.EVAL folds BatchNormalization into the Conv before it; PRESERVE with the
    # module in eval mode keeps inference BatchNormalization nodes (as in the ONNX zoo graphs).
    mode = torch.onnx.TrainingMode.PRESERVE if keep_bn else torch.onnx.TrainingMode.EVAL
    with torch.no_grad(), warnings.catch_warnings():
        # the constant-folding warning is about modules in training mode; these are in eval mode
        warnings.filterwarnings("ignore", message=".*constant folding.*")
        torch.onnx.export(model, x, path, opset_version=OPSET, input_names=[input_name], output_names=outputs,
                          do_constant_folding=True, training=mode)
    m = onnx.load(path)
    m.producer_name = "rknnc bench/models/make_cost_models.py"
    m.doc_string = f"{name}: architecture of rknn_model_zoo's model, random weights (torch seed 0)"
    onnx.save(m, path)


def count_macs(path):
    """Multiply-accumulates of Conv, ConvTranspose, Gemm and MatMul, batch 1."""
    m = shape_inference.infer_shapes(onnx.load(path))
    g = m.graph
    shapes = {}
    for vi in list(g.input) + list(g.value_info) + list(g.output):
        dims = [d.dim_value for d in vi.type.tensor_type.shape.dim]
        shapes[vi.name] = dims
    for init in g.initializer:
        shapes[init.name] = list(init.dims)
    total = 0
    for node in g.node:
        if node.op_type in ("Conv", "ConvTranspose"):
            w = shapes[node.input[1]]
            out = shapes[node.output[0]]
            kernel = int(np.prod(w[2:]))
            if node.op_type == "Conv":  # w: [Cout, Cin/group, k...]
                total += int(np.prod(out)) * w[1] * kernel
            else:  # w: [Cin, Cout/group, k...]; each input element meets Cout/group * kernel weights
                total += int(np.prod(shapes[node.input[0]])) * w[1] * kernel
        elif node.op_type in ("Gemm", "MatMul"):
            a, out = shapes[node.input[0]], shapes[node.output[0]]
            trans_a = next((at.i for at in node.attribute if at.name == "transA"), 0)
            k = a[-2] if (node.op_type == "Gemm" and trans_a) else a[-1]
            total += int(np.prod(out)) * k
    return total


def write_config(out, name, single_core):
    _, input_name, _, _, _, mean, std = MODELS[name]
    lines = [
        "# rknn_convert configuration (RKNN SDK user guide v2.3.0, section 3.1.6)",
        f"#   rknnc -t rk3588 -i {name}.yml -o out",
        f"# Generated by bench/models/make_cost_models.py: {name} with random weights, for the",
        "# cost model's calibration against rknn_model_zoo's published int8 single-core FPS.",
        "models:",
        "    # model output name",
        f"    name: {name}",
        "    # Original model framework",
        "    platform: onnx",
        "    # Model input file path (relative to this yml)",
        f"    model_file_path: {name}.onnx",
        "    # quantification flag",
        "    quantize: true",
        "    # Quantify dataset file path (relative yml path)",
        f"    dataset: {name}.dataset.txt",
        "    configs:",
        "      quantized_dtype: asymmetric_quantized-8",
        "      # rknn.config mean_values",
        f"      mean_values: [{', '.join(str(v) for v in mean)}]",
        "      # rknn.config std_values",
        f"      std_values: [{', '.join(str(v) for v in std)}]",
        "      # rknn.config quantized_algorithm",
        "      quantized_algorithm: normal",
        "      quantized_method: channel",
        "      optimization_level: 3",
    ]
    if single_core:
        lines += ["      # measured FPS are single-core figures", "      single_core_mode: true"]
    with open(os.path.join(out, name + ".yml"), "w") as f:
        f.write("\n".join(lines) + "\n")


def write_dataset(out, name):
    size = MODELS[name][2]
    rng = np.random.default_rng(0)
    image = rng.uniform(0.0, 255.0, size=(1, 3, size, size)).astype(np.float32)
    np.save(os.path.join(out, name + ".npy"), image)
    with open(os.path.join(out, name + ".dataset.txt"), "w") as f:
        f.write(name + ".npy\n")


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("outdir")
    ap.add_argument("--no-single-core", action="store_true", help="omit single_core_mode: true from the YAMLs")
    ap.add_argument("--only", default="", help="comma list of model names (default: all three)")
    args = ap.parse_args()
    names = [n for n in args.only.split(",") if n] or list(MODELS)
    for n in names:
        if n not in MODELS:
            sys.exit(f"make_cost_models: unknown model {n!r}; one of {', '.join(MODELS)}")
    os.makedirs(args.outdir, exist_ok=True)
    torch.set_num_threads(1)
    for name in names:
        onnx_path = os.path.join(args.outdir, name + ".onnx")
        tmp = onnx_path + ".tmp"
        export(name, tmp)
        os.replace(tmp, onnx_path)
        write_dataset(args.outdir, name)
        write_config(args.outdir, name, not args.no_single_core)
        macs = count_macs(onnx_path)
        print(f"{name:16s} {macs / 1e9:6.3f} GMAC (published ~{KNOWN_GMAC[name]} GMAC)  "
              f"{os.path.getsize(onnx_path) / 1e6:6.1f} MB  sha256 {sha256(onnx_path)[:16]}", flush=True)


if __name__ == "__main__":
    main()
