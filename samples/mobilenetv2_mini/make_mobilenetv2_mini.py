#!/usr/bin/python3
"""MobileNetV2-style classifier with random but fixed weights (seed 2).

  mobilenetv2_mini.onnx   input 'input' 1x3x96x96 (normalised RGB), output 'logits' 1x10.
                          Stem Conv-BN-Relu6, inverted residual blocks (1x1 expand,
                          3x3 depthwise, 1x1 linear project, residual Add when the
                          shape allows), 1x1 Conv-BN-Relu6, GlobalAveragePool, Flatten,
                          Gemm. Convs have no bias; every BatchNormalization is a node
                          (so BN folding is exercised); Relu6 is Clip(0, 6) (opset 13 inputs).
  calib/*.jpg|png + dataset.txt   6 synthetic 96x96 RGB images.

Only numpy + python3-onnx (+ python3-pil for the images).
Run:  /usr/bin/python3 samples/mobilenetv2_mini/make_mobilenetv2_mini.py
"""
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "common"))
from onnx_builder import GraphBuilder, save_model, write_dataset_txt  # noqa: E402
from synthetic_images import save_image, synthetic_image  # noqa: E402

SEED = 2
OPSET = 13
SIZE = 96
# (expand ratio t, output channels c, repeats n, first stride s), as in MobileNetV2 table 2
BLOCKS = [(1, 16, 1, 1), (4, 24, 2, 2), (4, 32, 2, 2), (4, 48, 2, 2), (4, 64, 1, 1)]


def conv_bn(g, x, cin, cout, k, stride=1, group=1, act=True):
    y = g.bn(g.conv(x, cin, cout, k, stride=stride, group=group, bias=False), cout)
    return g.relu6(y, OPSET) if act else y


def inverted_residual(g, x, cin, cout, stride, t):
    hidden = cin * t
    y = conv_bn(g, x, cin, hidden, 1) if t != 1 else x
    y = conv_bn(g, y, hidden, hidden, 3, stride=stride, group=hidden)
    y = conv_bn(g, y, hidden, cout, 1, act=False)
    if stride == 1 and cin == cout:
        y = g.op("Add", [x, y])
    return y


def build():
    g = GraphBuilder(SEED)
    x = conv_bn(g, "input", 3, 16, 3, stride=2)
    cin = 16
    for t, c, n, s in BLOCKS:
        for i in range(n):
            x = inverted_residual(g, x, cin, c, s if i == 0 else 1, t)
            cin = c
    x = conv_bn(g, x, cin, 128, 1)
    x = g.op("GlobalAveragePool", [x])
    x = g.op("Flatten", [x], axis=1)
    g.gemm(x, 128, 10, name="logits")
    return g.model([("input", [1, 3, SIZE, SIZE])], [("logits", [1, 10])], OPSET, "mobilenetv2_mini",
                   doc="MobileNetV2-style classifier, random fixed weights (seed 2)")


def main():
    save_model(build(), os.path.join(HERE, "mobilenetv2_mini.onnx"))
    rng = np.random.default_rng(SEED + 100)
    os.makedirs(os.path.join(HERE, "calib"), exist_ok=True)
    rels = []
    for i in range(6):
        rel = f"calib/img_{i}.{'jpg' if i % 2 == 0 else 'png'}"
        save_image(synthetic_image(rng, SIZE, SIZE), os.path.join(HERE, rel))
        rels.append(rel)
    write_dataset_txt(os.path.join(HERE, "dataset.txt"), rels)


if __name__ == "__main__":
    main()
