#!/usr/bin/python3
"""YOLOv8-style detection output with random but fixed weights (seed 6), ONNX opset 13.

  yolo_scores.onnx  input 'images' 1x3x64x64 (RGB, the 640x640 image scaled by 1/10),
                    output 'output' 1x8x64: per grid cell (8x8, stride 80 in 640-pixel
                    coordinates) 4 box values then 4 class scores, as YOLOv8's
                    'output0' 1x84x8400:
    backbone: three 3x3 stride-2 Conv+Relu (16, 32, 32 channels)
    boxes:    1x1 Conv -> Sigmoid -> xy = (2s - 0.5 + grid) * 80, wh = (2s)^2 * 120
              -> Concat -> Reshape 1x4x64: decoded pixels, about 0-640
    scores:   1x1 Conv -> Sigmoid -> Reshape 1x4x64: class scores 0-1 (biases set so
              that ~8 % of the (cell, class) pairs of the images below exceed 0.25)
    output:   Concat(boxes, scores, axis 1)
  Box coordinates and scores share the output's one int8 scale (~2.6 per step), so
  plain int8 rounds every score to 0 and keeps no detection; see samples/README.md.
  calib/img_0.png .. img_7.png + dataset.txt   8 synthetic 64x64 RGB images.
  test_inputs.npy   float32 [16, 3, 64, 64], raw 0-255 (16 more synthetic images).

Run:  /usr/bin/python3 samples/yolo_scores/make_yolo_scores.py   (numpy, onnx, PIL, torch)
"""
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "common"))
from onnx_builder import GraphBuilder, save_model, write_dataset_txt  # noqa: E402
from synthetic_images import save_image, synthetic_image  # noqa: E402

SEED = 6
OPSET = 13
SIZE = 64
GRID = 8
STRIDE = 80.0     # one cell in 640-pixel coordinates
ANCHOR = 120.0    # box size for s = 0.5
NC = 4
SCORE_SHARE = 0.08  # (cell, class) pairs above 0.25 on the generated images
N_CALIB, N_TEST = 8, 16


def he(rng, cout, cin, k):
    return rng.normal(0, np.sqrt(2.0 / (cin * k * k)), (cout, cin, k, k)).astype(np.float32)


def backbone_weights(rng):
    chans = [(3, 16), (16, 32), (32, 32)]
    return [(he(rng, co, ci, 3), rng.normal(0, 0.05, co).astype(np.float32)) for ci, co in chans]


def features(ws, x):
    """fp32 forward of the backbone (torch), x: [N,3,64,64] raw 0-255."""
    import torch
    import torch.nn.functional as F
    t = torch.from_numpy(x / 255.0)
    for w, b in ws:
        t = F.relu(F.conv2d(t, torch.from_numpy(w), torch.from_numpy(b), stride=2, padding=1))
    return t.numpy().astype(np.float64)


def score_head(rng, feats):
    """1x1 Conv weights and biases: logits with std ~2.5, shifted so SCORE_SHARE pass 0.25."""
    w = rng.normal(0, 1, (NC, 32)).astype(np.float64)
    logits = np.einsum("oc,nchw->nohw", w, feats)
    w *= 2.5 / logits.std()
    logits = np.einsum("oc,nchw->nohw", w, feats)
    b = np.log(0.25 / 0.75) - np.quantile(logits.transpose(1, 0, 2, 3).reshape(NC, -1), 1 - SCORE_SHARE, axis=1)
    return w.astype(np.float32).reshape(NC, 32, 1, 1), b.astype(np.float32)


def build(ws, score_w, score_b):
    g = GraphBuilder(SEED)
    x = "images"
    cin = 3
    for w, b in ws:
        x = g.op("Relu", [g.conv(x, cin, w.shape[0], 3, stride=2, w=w, b=b)])
        cin = w.shape[0]
    s = g.op("Sigmoid", [g.conv(x, cin, 4, 1, w=g.rng.normal(0, 0.3, (4, cin, 1, 1)))])
    sxy, swh = g.op("Split", [s, g.const("split", np.array([2, 2], np.int64))], n_out=2, axis=1)
    yy, xx = np.meshgrid(np.arange(GRID), np.arange(GRID), indexing="ij")
    grid = np.stack([xx, yy]).reshape(1, 2, GRID, GRID).astype(np.float32) - 0.5
    two = g.const("two", np.array(2.0, np.float32))
    xy = g.op("Mul", [g.op("Add", [g.op("Mul", [sxy, two]), g.const("grid", grid)]),
                      g.const("stride", np.array(STRIDE, np.float32))])
    wh2 = g.op("Mul", [swh, two])
    wh = g.op("Mul", [g.op("Mul", [wh2, wh2]), g.const("anchor", np.array(ANCHOR, np.float32))])
    boxes = g.op("Reshape", [g.op("Concat", [xy, wh], axis=1), g.shape_const([1, 4, GRID * GRID])], name="boxes")
    logits = g.conv(x, cin, NC, 1, w=score_w, b=score_b)
    scores = g.op("Reshape", [g.op("Sigmoid", [logits]), g.shape_const([1, NC, GRID * GRID])], name="scores")
    g.op("Concat", [boxes, scores], outputs=["output"], name="output_concat", axis=1)
    return g.model([("images", [1, 3, SIZE, SIZE])], [("output", [1, 4 + NC, GRID * GRID])], OPSET,
                   "yolo_scores", doc="YOLOv8-style output: decoded boxes (0-640) and sigmoid scores in one Concat")


def main():
    rng = np.random.default_rng(SEED)
    ws = backbone_weights(rng)
    img_rng = np.random.default_rng(SEED + 100)
    images = [synthetic_image(img_rng, SIZE, SIZE) for _ in range(N_CALIB + N_TEST)]
    x = np.stack([im.transpose(2, 0, 1) for im in images]).astype(np.float32)
    score_w, score_b = score_head(rng, features(ws, x))
    save_model(build(ws, score_w, score_b), os.path.join(HERE, "yolo_scores.onnx"))
    os.makedirs(os.path.join(HERE, "calib"), exist_ok=True)
    rels = []
    for i in range(N_CALIB):
        rel = f"calib/img_{i}.png"
        save_image(images[i], os.path.join(HERE, rel))
        rels.append(rel)
    write_dataset_txt(os.path.join(HERE, "dataset.txt"), rels)
    np.save(os.path.join(HERE, "test_inputs.npy"), x[N_CALIB:])


if __name__ == "__main__":
    main()
