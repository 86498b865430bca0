#!/usr/bin/python3
"""Two-input, two-output model with random but fixed weights (seed 4), opset 13.

  two_input.onnx  inputs  'rgb'   1x3x32x32 (normalised RGB)
                          'depth' 1x1x32x32 (normalised grey)
                  outputs 'class_logits' 1x5, 'score' 1x1 (Sigmoid)
    rgb   -> Conv3x3-BN-Relu (8)  \
                                   Concat -> Conv3x3 s2 + Relu -> Mul with a
    depth -> Conv3x3-Relu (8)     /         Sigmoid gate of the depth branch
    (pooled) -> GlobalAveragePool -> Flatten -> Gemm -> class_logits
                                             -> Gemm -> Sigmoid -> score
  configs/two_input.yml gives per-input mean/std lists ([[r,g,b],[d]]).
  calib/rgb_X.png + calib/depth_X.png + dataset.txt (two files per line, as
  rknn_convert expects for multi-input models).

Run:  /usr/bin/python3 samples/two_input/make_two_input.py
"""
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "common"))
from onnx_builder import GraphBuilder, save_model, write_dataset_txt  # noqa: E402
from synthetic_images import save_image, synthetic_image  # noqa: E402

SEED = 4
SIZE = 32


def build():
    g = GraphBuilder(SEED)
    a = g.op("Relu", [g.bn(g.conv("rgb", 3, 8, 3, bias=False), 8)])
    b = g.op("Relu", [g.conv("depth", 1, 8, 3)])
    x = g.op("Relu", [g.conv(g.op("Concat", [a, b], axis=1), 16, 16, 3, stride=2)])
    gate = g.op("Sigmoid", [g.conv(b, 8, 16, 1, stride=2, pad=0)])
    x = g.op("Flatten", [g.op("GlobalAveragePool", [g.op("Mul", [x, gate])])], axis=1)
    g.gemm(x, 16, 5, name="class_logits")
    g.op("Sigmoid", [g.gemm(x, 16, 1)], outputs=["score"], name="score")
    return g.model([("rgb", [1, 3, SIZE, SIZE]), ("depth", [1, 1, SIZE, SIZE])],
                   [("class_logits", [1, 5]), ("score", [1, 1])], 13, "two_input",
                   doc="two-input sample, random fixed weights (seed 4)")


def main():
    save_model(build(), os.path.join(HERE, "two_input.onnx"))
    rng = np.random.default_rng(SEED + 100)
    os.makedirs(os.path.join(HERE, "calib"), exist_ok=True)
    lines = []
    for i in range(4):
        rgb, depth = f"calib/rgb_{i}.png", f"calib/depth_{i}.png"
        save_image(synthetic_image(rng, SIZE, SIZE, 3), os.path.join(HERE, rgb))
        save_image(synthetic_image(rng, SIZE, SIZE, 1), os.path.join(HERE, depth))
        lines.append(f"{rgb} {depth}")
    write_dataset_txt(os.path.join(HERE, "dataset.txt"), lines)


if __name__ == "__main__":
    main()
