#!/usr/bin/python3
"""YOLOv5-style detector with random but fixed weights (seed 3), ONNX opset 11.

  yolo_mini.onnx  input 'images' 1x3x160x160 (normalised RGB), 3 classes, 3 anchors/level.
    backbone: Conv+SiLU (x*Sigmoid(x)) stride-2 stages, a residual bottleneck, an
              SPPF block (MaxPool 5x5 s1 twice + Concat)
    neck:     1x1 Conv+LeakyRelu, Resize (nearest, x2, opset-11 roi/scales inputs),
              Concat with the stride-8 feature, 3x3 Conv+SiLU
    heads:    two 1x1 Convs -> '/model/head/p3/Conv_output_0' [1,24,20,20] (stride 8)
                             and '/model/head/p4/Conv_output_0' [1,24,10,10] (stride 16)
    tail:     per head Reshape(1,3,8,H,W) -> Transpose -> Sigmoid -> Split(2,2,4) ->
              xy=(2s-0.5+grid)*stride, wh=(2s)^2*anchor -> Concat -> Reshape(1,3HW,8);
              final Concat -> 'output' [1,1500,8]
  configs/yolo_mini.yml cuts the tail off with subgraphs.outputs naming the two head
  outputs, as rknn_model_zoo does for YOLOv5 (post-processing runs on the CPU).
  calib/*.jpg + dataset.txt   4 synthetic 160x160 RGB images.

Run:  /usr/bin/python3 samples/yolo_mini/make_yolo_mini.py
"""
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "common"))
from onnx_builder import GraphBuilder, save_model, write_dataset_txt  # noqa: E402
from synthetic_images import save_image, synthetic_image  # noqa: E402

SEED = 3
OPSET = 11
SIZE = 160
NC = 3
NA = 3
NO = 5 + NC
HEADS = [  # (output name, stride, anchors w,h in pixels)
    ("/model/head/p3/Conv_output_0", 8, [(10, 13), (16, 30), (33, 23)]),
    ("/model/head/p4/Conv_output_0", 16, [(30, 61), (62, 45), (59, 119)]),
]


def conv_silu(g, x, cin, cout, k, stride=1):
    return g.silu(g.conv(x, cin, cout, k, stride=stride))


def backbone_and_neck(g):
    x = conv_silu(g, "images", 3, 16, 3, 2)            # 80
    x = conv_silu(g, x, 16, 32, 3, 2)                  # 40
    y = conv_silu(g, conv_silu(g, x, 32, 16, 1), 16, 32, 3)
    x = g.op("Add", [x, y])                            # bottleneck residual
    p3 = conv_silu(g, x, 32, 48, 3, 2)                 # 20, stride 8
    x = conv_silu(g, p3, 48, 64, 3, 2)                 # 10, stride 16
    # SPPF
    s = conv_silu(g, x, 64, 32, 1)
    m1 = g.op("MaxPool", [s], kernel_shape=[5, 5], strides=[1, 1], pads=[2, 2, 2, 2])
    m2 = g.op("MaxPool", [m1], kernel_shape=[5, 5], strides=[1, 1], pads=[2, 2, 2, 2])
    p4 = conv_silu(g, g.op("Concat", [s, m1, m2], axis=1), 96, 64, 1)
    # FPN top-down
    lat = g.op("LeakyRelu", [g.conv(p4, 64, 32, 1)], alpha=0.1)
    roi = g.const("roi", np.zeros(0, np.float32))
    scales = g.const("scales", np.array([1, 1, 2, 2], np.float32))
    up = g.op("Resize", [lat, roi, scales], mode="nearest",
              coordinate_transformation_mode="asymmetric", nearest_mode="floor")
    f3 = conv_silu(g, g.op("Concat", [up, p3], axis=1), 80, 32, 3)
    return [(f3, 32), (p4, 64)]


def decode(g, head, stride, anchors):
    h = w = SIZE // stride
    r = g.op("Reshape", [head, g.shape_const([1, NA, NO, h, w])])
    s = g.op("Sigmoid", [g.op("Transpose", [r], perm=[0, 1, 3, 4, 2])])
    xy, wh, conf = g.op("Split", [s], n_out=3, axis=4, split=[2, 2, NO - 4])
    yy, xx = np.meshgrid(np.arange(h), np.arange(w), indexing="ij")
    grid = np.stack([xx, yy], -1).reshape(1, 1, h, w, 2).astype(np.float32) - 0.5
    two = g.const("two", np.array(2.0, np.float32))
    xy = g.op("Mul", [g.op("Add", [g.op("Mul", [xy, two]), g.const("grid", grid)]),
                      g.const("stride", np.array(float(stride), np.float32))])
    anchor = np.array(anchors, np.float32).reshape(1, NA, 1, 1, 2)
    wh = g.op("Mul", [g.op("Pow", [g.op("Mul", [wh, two]), two]), g.const("anchor", anchor)])
    box = g.op("Concat", [xy, wh, conf], axis=4)
    return g.op("Reshape", [box, g.shape_const([1, NA * h * w, NO])])


def build():
    g = GraphBuilder(SEED)
    feats = backbone_and_neck(g)
    decoded = []
    for (name, stride, anchors), (f, c) in zip(HEADS, feats):
        head = g.conv(f, c, NA * NO, 1, name=name.rsplit("/", 1)[0] + "/Conv", outputs=[name])
        decoded.append(decode(g, head, stride, anchors))
    g.op("Concat", decoded, outputs=["output"], name="/model/Concat_out", axis=1)
    n = sum(NA * (SIZE // s) ** 2 for _, s, _ in HEADS)
    return g.model([("images", [1, 3, SIZE, SIZE])], [("output", [1, n, NO])], OPSET, "yolo_mini",
                   doc="YOLOv5-style detector, random fixed weights (seed 3), with decode tail")


def main():
    save_model(build(), os.path.join(HERE, "yolo_mini.onnx"))
    rng = np.random.default_rng(SEED + 100)
    os.makedirs(os.path.join(HERE, "calib"), exist_ok=True)
    rels = []
    for i in range(4):
        rel = f"calib/img_{i}.jpg"
        save_image(synthetic_image(rng, SIZE, SIZE), os.path.join(HERE, rel))
        rels.append(rel)
    write_dataset_txt(os.path.join(HERE, "dataset.txt"), rels)


if __name__ == "__main__":
    main()
