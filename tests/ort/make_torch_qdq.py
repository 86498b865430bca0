#!/usr/bin/python3
"""A QDQ model made by PyTorch's own post-training quantisation (eager mode,
torch.ao.quantization), exported with torch.onnx.export: QuantizeLinear /
DequantizeLinear around every quantised op, uint8 activations with zero
points, int8 symmetric weights per output channel (conv1, fbgemm's
per-channel observer) and per tensor (conv2 and fc, qnnpack's observer),
int32 biases. Used by qdq_import.py (tests/ort/meson.build, suite qdq).

    make_torch_qdq.py OUTDIR   -> OUTDIR/torch_qdq.onnx, OUTDIR/torch_qdq_inputs.npy ([32, 1, 3, 16, 16])
"""
import os
import sys
import warnings

import numpy as np
import torch
import torch.ao.quantization as tq
from torch import nn

SHAPE = (1, 3, 16, 16)


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.quant, self.dequant = tq.QuantStub(), tq.DeQuantStub()
        self.conv1 = nn.Conv2d(3, 8, 3, padding=1)
        self.bn1 = nn.BatchNorm2d(8)
        self.relu1 = nn.ReLU()
        self.pool = nn.MaxPool2d(2)
        self.conv2 = nn.Conv2d(8, 16, 3, padding=1)
        self.relu2 = nn.ReLU()
        self.gap = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(16, 10)

    def forward(self, x):
        x = self.pool(self.relu1(self.bn1(self.conv1(self.quant(x)))))
        x = self.gap(self.relu2(self.conv2(x))).flatten(1)
        return self.dequant(self.fc(x))


def main(out_dir):
    torch.manual_seed(0)
    torch.backends.quantized.engine = "qnnpack"
    net = Net().eval()
    with torch.no_grad():  # a trained-looking batch norm
        net.bn1.running_mean.uniform_(-0.2, 0.2)
        net.bn1.running_var.uniform_(0.5, 2.0)
    per_tensor = tq.get_default_qconfig("qnnpack")  # uint8 activations, per-tensor symmetric int8 weights
    net.qconfig = per_tensor
    net.conv1.qconfig = tq.QConfig(activation=per_tensor.activation,
                                   weight=tq.default_per_channel_weight_observer)
    tq.fuse_modules(net, [["conv1", "bn1", "relu1"], ["conv2", "relu2"]], inplace=True)
    tq.prepare(net, inplace=True)
    rng = np.random.default_rng(7)
    for _ in range(16):
        net(torch.from_numpy(rng.normal(0.5, 1.0, SHAPE).astype(np.float32)))
    tq.convert(net, inplace=True)
    os.makedirs(out_dir, exist_ok=True)
    model = os.path.join(out_dir, "torch_qdq.onnx")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(net, torch.zeros(SHAPE), model, opset_version=13, input_names=["input"],
                          output_names=["logits"])
    inputs = rng.normal(0.5, 1.0, (32,) + SHAPE).astype(np.float32)
    np.save(os.path.join(out_dir, "torch_qdq_inputs.npy"), inputs)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
