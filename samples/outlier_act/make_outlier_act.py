#!/usr/bin/python3
"""A small CNN with a long-tailed activation, where min/max (normal) int8
calibration visibly hurts and a clipped range does not. Writes:

  outlier_act.onnx            input 'input' 1x1x16x16 (raw grey 0-255), output 'logits' 1x6
  calib/img_XX.png + dataset.txt   50 calibration images (16x16 grey PNG), some with hot pixels
  test_inputs.npy             float32 [400,1,16,16] held-out images, raw 0-255
  test_labels.npy             int64 [400]
  expectation.txt             fp32 accuracy and the numpy int8 simulation (samples/common/fake_quant.py)

Task: 16x16 grey images of one of six shapes (disc, square, ring, horizontal
bar, vertical bar, cross) on a gradient background with noise. About a quarter
of the images (as from a camera sensor) have one hot pixel (230-255 on the
darker background).

Graph (opset 13):
  F = Relu(Conv3x3(1->16)(input))                        <- the long-tailed tensor
  G = Relu(F + Conv3x3(Relu(Conv3x3(F))))                residual block: F is read twice, G inherits the tail
  P = MaxPool2(G); H = MaxPool2(Relu(Conv3x3(16->32)(P)))
  logits = Gemm(Flatten(H))
Channel 15 of F is a fixed hot-pixel detector (centre minus the mean of its 8
neighbours, gain GAIN, threshold THRESHOLD on the 0-255 scale): zero almost
everywhere, up to ~100x the range of the other 15 channels on the ~0.1 % of
positions that hold a hot pixel. The rest of the network is trained with it in
place (it carries no class information, so training learns to give it little
weight). With per-tensor [min, max] the int8 step of F and G is set by the
spikes and the 15 ordinary channels get a handful of levels; a clipped range
(KL divergence) keeps them.

Needs (only to remake the sample): python3-torch python3-pil python3-onnx.
Run from anywhere:  /usr/bin/python3 samples/outlier_act/make_outlier_act.py
"""
import os
import sys

import numpy as np
import torch
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "common"))
import fake_quant  # noqa: E402
from onnx_builder import GraphBuilder, save_model, write_dataset_txt  # noqa: E402
from torch_train import train_classifier  # noqa: E402

SEED = 5
SIZE = 16
CLASSES = ("disc", "square", "ring", "hbar", "vbar", "cross")
N_TRAIN, N_TEST, N_CALIB = 3000, 400, 50
HOT_PIXEL_RATE = 0.25          # fraction of images with one hot pixel
GAIN, THRESHOLD = 4.5, 110.0   # hot-pixel detector on the raw 0-255 scale
CONTRAST, NOISE = 40.0, 12.0   # shape contrast (x 0.5-1) and pixel noise: a task with small margins
EPOCHS = 12


def draw(rng, cls):
    yy, xx = np.mgrid[0:SIZE, 0:SIZE].astype(np.float32)
    a, b = rng.uniform(-1, 1, 2)
    img = rng.uniform(30, 70) + 15 * (a * xx + b * yy) / SIZE
    fg = img.mean() + CONTRAST * rng.uniform(0.5, 1.0)
    cy, cx = rng.uniform(5, SIZE - 5, 2)
    r = rng.uniform(3, 5)
    d = np.sqrt((yy - cy) ** 2 + (xx - cx) ** 2)
    half = rng.uniform(1.5, 2.5)  # bar half-width, >= 3 px wide
    mask = {
        "disc": d < r,
        "square": (np.abs(yy - cy) < r) & (np.abs(xx - cx) < r),
        "ring": (d < r + 1) & (d > r - 1.5),
        "hbar": (np.abs(yy - cy) < half) & (np.abs(xx - cx) < r + 2),
        "vbar": (np.abs(xx - cx) < half) & (np.abs(yy - cy) < r + 2),
        "cross": ((np.abs(yy - cy) < half - 0.5) & (np.abs(xx - cx) < r + 1))
        | ((np.abs(xx - cx) < half - 0.5) & (np.abs(yy - cy) < r + 1)),
    }[CLASSES[cls]]
    img = np.where(mask, fg, img) + rng.normal(0, NOISE, img.shape)
    if rng.random() < HOT_PIXEL_RATE:
        bg = np.argwhere(~mask)
        y, x = bg[rng.integers(len(bg))]
        img[y, x] = rng.uniform(230, 255)
    return np.clip(np.rint(img), 0, 255).astype(np.float32)


def make_set(rng, n):
    labels = rng.integers(0, len(CLASSES), n)
    return np.stack([draw(rng, int(c)) for c in labels])[:, None], labels.astype(np.int64)


def hot_pixel_kernel():
    k = np.full((3, 3), -1.0 / 8.0, np.float32)
    k[1, 1] = 1.0
    return k


class Net(torch.nn.Module):
    """Trained with BatchNormalization; inference and export use the folded weights."""

    def __init__(self):
        super().__init__()
        nn = torch.nn
        self.c1, self.b1 = nn.Conv2d(1, 15, 3, padding=1), nn.BatchNorm2d(15)
        self.c2a, self.b2a = nn.Conv2d(16, 16, 3, padding=1), nn.BatchNorm2d(16)
        self.c2b, self.b2b = nn.Conv2d(16, 16, 3, padding=1), nn.BatchNorm2d(16)
        self.c3, self.b3 = nn.Conv2d(16, 32, 3, padding=1), nn.BatchNorm2d(32)
        self.fc = nn.Linear(32 * 4 * 4, len(CLASSES))
        self.hot = None  # (weight, bias) of channel 15, set by train()

    def forward(self, x):
        f = torch.nn.functional
        F = torch.cat([f.relu(self.b1(self.c1(x))), f.relu(f.conv2d(x, *self.hot, padding=1))], 1)
        G = f.relu(F + self.b2b(self.c2b(f.relu(self.b2a(self.c2a(F))))))
        h = f.max_pool2d(f.relu(self.b3(self.c3(f.max_pool2d(G, 2)))), 2)
        return self.fc(h.flatten(1))

    def folded(self):
        """{layer: (weight, bias)} float32 numpy, BatchNormalization folded into the convolutions."""
        out = {}
        for name, conv, bn in (("c1", self.c1, self.b1), ("c2a", self.c2a, self.b2a), ("c2b", self.c2b, self.b2b),
                               ("c3", self.c3, self.b3)):
            k = (bn.weight / torch.sqrt(bn.running_var + bn.eps)).detach()
            out[name] = ((conv.weight * k[:, None, None, None]).detach(), (conv.bias - bn.running_mean) * k + bn.bias)
        out["c1"] = (torch.cat([out["c1"][0], self.hot[0]]), torch.cat([out["c1"][1], self.hot[1]]))
        out["fc"] = (self.fc.weight, self.fc.bias)
        return {k: (w.detach().numpy().astype(np.float32), b.detach().numpy().astype(np.float32))
                for k, (w, b) in out.items()}


def infer(params, x, act=lambda name, t: t, weight=lambda w: w):
    """The exported graph on normalised input x (torch), with `act(name, tensor)` at
    every tensor an int8 runtime would quantise and `weight(w)` on every weight."""
    f = torch.nn.functional
    conv = lambda t, k: f.conv2d(t, torch.from_numpy(weight(params[k][0])), torch.from_numpy(params[k][1]), padding=1)
    x = act("input", x)
    F = act("F", f.relu(conv(x, "c1")))
    a = act("A", f.relu(conv(F, "c2a")))
    G = act("G", f.relu(F + act("B", conv(a, "c2b"))))
    h = act("H", f.relu(conv(f.max_pool2d(G, 2), "c3")))
    h = f.max_pool2d(h, 2).flatten(1)
    return act("logits", f.linear(h, torch.from_numpy(weight(params["fc"][0])), torch.from_numpy(params["fc"][1])))


def train(x, y, std):
    """x normalised; channel 15 of F is fixed: GAIN * (centre - mean of neighbours
    on the 0-255 scale) - GAIN * THRESHOLD."""
    def make_net():
        net = Net()
        net.hot = (torch.from_numpy(hot_pixel_kernel() * GAIN * std)[None, None],
                   torch.tensor([-GAIN * THRESHOLD], dtype=torch.float32))
        return net

    return train_classifier(make_net, x, y, SEED, EPOCHS, 64, 3e-3, weight_decay=1e-4,
                            label_smoothing=0.1).folded()


def export(params, mean, std):
    g = GraphBuilder(SEED)
    conv = lambda t, k: g.conv(t, 0, 0, 3, w=params[k][0], b=params[k][1])
    # The graph takes normalised input (raw - mean) / std; the config's mean_values/std_values do that.
    F = g.op("Relu", [conv("input", "c1")], name="F")
    a = g.op("Relu", [conv(F, "c2a")])
    G = g.op("Relu", [g.op("Add", [F, conv(a, "c2b")])], name="G")
    h = g.op("Relu", [conv(g.op("MaxPool", [G], kernel_shape=[2, 2], strides=[2, 2]), "c3")])
    h = g.op("Flatten", [g.op("MaxPool", [h], kernel_shape=[2, 2], strides=[2, 2])], axis=1)
    g.gemm(h, 0, 0, w=params["fc"][0], b=params["fc"][1], name="logits")
    return g.model([("input", [1, 1, SIZE, SIZE])], [("logits", [1, len(CLASSES)])], 13, "outlier_act",
                   doc="shape classifier with a long-tailed activation (hot-pixel channel); "
                       f"input (raw 0-255 - {mean}) / {std}")


def collect(params, x):
    """Activation values of every quantised tensor over x (normalised)."""
    seen = {}

    def act(name, t):
        seen.setdefault(name, []).append(t.detach().numpy().ravel())
        return t

    with torch.no_grad():
        infer(params, torch.from_numpy(x), act)
    return {k: np.concatenate(v) for k, v in seen.items()}


def simulate(params, calib, test_x, algorithm, method):
    ranges = {k: fake_quant.calibrate(v, algorithm) for k, v in collect(params, calib).items()}
    act = lambda name, t: torch.from_numpy(fake_quant.fake_quant(t.detach().numpy(), *ranges[name]))
    with torch.no_grad():
        logits = infer(params, torch.from_numpy(test_x), act, lambda w: fake_quant.quant_weight(w, method)).numpy()
    return logits, ranges


def main():
    rng = np.random.default_rng(SEED)
    x_train, y_train = make_set(rng, N_TRAIN)
    x_test, y_test = make_set(rng, N_TEST)
    x_calib, _ = make_set(rng, N_CALIB)
    mean, std = round(float(x_train.mean()), 2), round(float(x_train.std()), 2)
    norm = lambda x: ((x - mean) / std).astype(np.float32)
    params = train(norm(x_train), y_train, std)
    with torch.no_grad():
        fp32 = infer(params, torch.from_numpy(norm(x_test))).numpy()
    correct = int((fp32.argmax(1) == y_test).sum())
    f = collect(params, norm(x_test))["F"].reshape(N_TEST, 16, SIZE, SIZE)
    ordinary = float(np.percentile(f[:, :15], 99.9))
    spikes = f[:, 15]
    calib_spiky = int((collect(params, norm(x_calib))["F"].reshape(N_CALIB, 16, -1)[:, 15].max(1) > 0).sum())
    lines = [f"mean_values {mean} std_values {std}",
             f"fp32 test accuracy {correct / N_TEST:.4f} ({correct}/{N_TEST})",
             f"F: channels 0-14 99.9th percentile {ordinary:.2f}; channel 15 max {spikes.max():.1f} "
             f"({spikes.max() / ordinary:.0f}x), non-zero on {100 * (spikes > 0).mean():.2f} % of its positions",
             f"calibration images with a hot-pixel spike: {calib_spiky}/{N_CALIB}",
             "numpy int8 simulation (activations per-tensor asymmetric, weights symmetric), test set:",
             "| algorithm | method | top-1 | cosine(logits) vs fp32 | F range |", "|---|---|---|---|---|"]
    for algorithm in ("normal", "kl_divergence", "mmse"):
        for method in ("layer", "channel"):
            q, ranges = simulate(params, norm(x_calib), norm(x_test), algorithm, method)
            lines.append(f"| {algorithm} | {method} | {100 * (q.argmax(1) == y_test).mean():.2f} % | "
                         f"{fake_quant.cosine(q, fp32):.4f} | [{ranges['F'][0]:.2f}, {ranges['F'][1]:.2f}] |")
    print("\n".join(lines))

    save_model(export(params, mean, std), os.path.join(HERE, "outlier_act.onnx"))
    np.save(os.path.join(HERE, "test_inputs.npy"), x_test)
    np.save(os.path.join(HERE, "test_labels.npy"), y_test)
    with open(os.path.join(HERE, "expectation.txt"), "w") as fh:
        fh.write("\n".join(lines) + "\n")
    os.makedirs(os.path.join(HERE, "calib"), exist_ok=True)
    rels = []
    for i in range(N_CALIB):
        rel = f"calib/img_{i:02d}.png"
        Image.fromarray(x_calib[i, 0].astype(np.uint8), mode="L").save(os.path.join(HERE, rel), optimize=False)
        rels.append(rel)
    write_dataset_txt(os.path.join(HERE, "dataset.txt"), rels)


if __name__ == "__main__":
    main()
