#!/usr/bin/python3
"""Trains a small CNN on sklearn's digits (8x8 grey, 10 classes) and writes:

  digits_cnn.onnx             Conv-BN-Relu, MaxPool, Conv-BN-Relu, MaxPool, Gemm-Relu, Gemm
                              (opset 13, BatchNormalization kept as its own node)
  test_images.npy             float32 [N,1,8,8], raw pixels on the 0-255 scale (value*255/16)
  test_labels.npy             int64 [N]
  calib/digit_XX.png + dataset.txt   20 training images, 8x8 grey PNG, 0-255
  accuracy.txt                fp32 test accuracy of the exported model

The model expects (raw - MEAN) / STD where MEAN/STD below are the training
set's pixel statistics; configs/digits_cnn.yml holds the same numbers as
mean_values/std_values so raw 0-255 input gives the training normalisation.

Needs (only to remake the sample): python3-torch python3-sklearn python3-pil python3-onnx.
Run from anywhere:  /usr/bin/python3 samples/digits_cnn/make_digits_cnn.py
"""
import os
import sys

import numpy as np
import torch
from PIL import Image
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "common"))
from onnx_builder import GraphBuilder, save_model, write_dataset_txt  # noqa: E402
from torch_train import train_classifier  # noqa: E402

SEED = 0
MEAN, STD = 77.83, 95.88  # training-set pixel mean / std on the 0-255 scale (printed below)
EPOCHS = 40


class Net(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.c1 = torch.nn.Conv2d(1, 16, 3, padding=1)
        self.b1 = torch.nn.BatchNorm2d(16)
        self.c2 = torch.nn.Conv2d(16, 32, 3, padding=1)
        self.b2 = torch.nn.BatchNorm2d(32)
        self.f1 = torch.nn.Linear(32 * 2 * 2, 64)
        self.f2 = torch.nn.Linear(64, 10)

    def forward(self, x):
        x = torch.nn.functional.max_pool2d(torch.relu(self.b1(self.c1(x))), 2)
        x = torch.nn.functional.max_pool2d(torch.relu(self.b2(self.c2(x))), 2)
        x = torch.relu(self.f1(torch.flatten(x, 1)))
        return self.f2(x)


def train(x_train, y_train):
    return train_classifier(Net, ((x_train - MEAN) / STD), y_train, SEED, EPOCHS, 32, 3e-3)


def export(net):
    g = GraphBuilder(SEED)
    p = {k: v.detach().numpy().astype(np.float64) for k, v in net.state_dict().items()}

    def conv_bn_relu(x, c, b):
        y = g.conv(x, 0, 0, 3, w=p[f"{c}.weight"], b=p[f"{c}.bias"])
        y = g.bn(y, 0, scale=p[f"{b}.weight"], bias=p[f"{b}.bias"], mean=p[f"{b}.running_mean"],
                 var=p[f"{b}.running_var"], eps=1e-5)
        return g.op("Relu", [y])

    x = conv_bn_relu("input", "c1", "b1")
    x = g.op("MaxPool", [x], kernel_shape=[2, 2], strides=[2, 2])
    x = conv_bn_relu(x, "c2", "b2")
    x = g.op("MaxPool", [x], kernel_shape=[2, 2], strides=[2, 2])
    x = g.op("Flatten", [x], axis=1)
    x = g.op("Relu", [g.gemm(x, 0, 0, w=p["f1.weight"], b=p["f1.bias"])])
    g.gemm(x, 0, 0, w=p["f2.weight"], b=p["f2.bias"], name="logits")
    return g.model([("input", [1, 1, 8, 8])], [("logits", [1, 10])], 13, "digits_cnn",
                   doc="CNN trained on sklearn digits; input (raw 0-255 - 77.83) / 95.88")


def main():
    digits = load_digits()
    raw = (digits.images.astype(np.float32) * (255.0 / 16.0)).reshape(-1, 1, 8, 8)
    labels = digits.target.astype(np.int64)
    x_train, x_test, y_train, y_test = train_test_split(
        raw, labels, test_size=0.25, random_state=SEED, stratify=labels)
    print(f"train pixel mean {x_train.mean():.2f} std {x_train.std():.2f} (config uses {MEAN} / {STD})")
    net = train(x_train, y_train)
    with torch.no_grad():
        pred = net(torch.from_numpy((x_test - MEAN) / STD)).argmax(1).numpy()
    acc = float((pred == y_test).mean())
    print(f"fp32 test accuracy: {acc * 100:.2f}% ({int((pred == y_test).sum())}/{len(y_test)})")

    save_model(export(net), os.path.join(HERE, "digits_cnn.onnx"))
    np.save(os.path.join(HERE, "test_images.npy"), x_test.astype(np.float32))
    np.save(os.path.join(HERE, "test_labels.npy"), y_test)
    np.save(os.path.join(HERE, "demo_input.npy"), x_test[:1].astype(np.float32))  # `make demo` runs it
    with open(os.path.join(HERE, "accuracy.txt"), "w") as f:
        f.write(f"fp32 test accuracy {acc:.4f} ({int((pred == y_test).sum())}/{len(y_test)})\n")

    os.makedirs(os.path.join(HERE, "calib"), exist_ok=True)
    rels = []
    for i in range(20):
        img = np.clip(np.rint(x_train[i, 0]), 0, 255).astype(np.uint8)
        rel = f"calib/digit_{i:02d}.png"
        Image.fromarray(img, mode="L").save(os.path.join(HERE, rel), optimize=False)
        rels.append(rel)
    write_dataset_txt(os.path.join(HERE, "dataset.txt"), rels)


if __name__ == "__main__":
    main()
