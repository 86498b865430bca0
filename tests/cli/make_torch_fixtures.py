#!/usr/bin/env python3
"""Writes the TorchScript fixtures of tests/cli/cases/pytorch_cases.json into
argv[1]: a small traced net, the same file cut in half, a pickled state_dict
(torch.save, not TorchScript) and a net with an op rknnc does not map."""
import os
import sys

import torch
import torch.nn as nn

out = sys.argv[1]
torch.manual_seed(0)


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3, padding=1)

    def forward(self, x):
        return torch.relu(self.conv(x)).flatten(1)


class Cumsum(nn.Module):
    def forward(self, x):
        return torch.cumsum(x * 2, 1)


x = torch.zeros(1, 3, 8, 8)
net = Net().eval()
torch.jit.trace(net, x).save(os.path.join(out, "tiny_net.pt"))
with open(os.path.join(out, "tiny_net.pt"), "rb") as f:
    data = f.read()
with open(os.path.join(out, "truncated.pt"), "wb") as f:
    f.write(data[: len(data) // 2])
torch.save(net.state_dict(), os.path.join(out, "state_dict.pt"))
torch.jit.trace(Cumsum(), torch.zeros(1, 4)).save(os.path.join(out, "cumsum.pt"))
