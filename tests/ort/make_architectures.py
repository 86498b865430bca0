#!/usr/bin/python3
"""Generates the architecture models of tests/ort/check_architectures.py.

    /usr/bin/python3 tests/ort/make_architectures.py OUT_DIR [--models a,b,...] [--opsets 13,17,18,21]

Builds each architecture with torch / torchvision (random weights, seed 0, no
downloads) and writes OUT_DIR/{name}_op{opset}.onnx for every opset, plus
OUT_DIR/manifest.json ({model: {inputs: [[name, shape]], outputs: [names], ...}}).
Opsets 13 and 17 come from torch.onnx.export; 18 from the opset-13 export (LayerNorm
decomposed into ReduceMean & co.) and 21 from the opset-17 one (LayerNormalization),
through to_newer_opset() below (Debian's onnx 1.12 has no version converter beyond
opset 17), which rewrites the nodes whose form changed.
A model whose files are newer than this script is reused.

Architectures (widths reduced so that every run takes seconds):
  vit_b_16       torchvision vit_b_16 as is, image_size 32 (2x2 patches)
  vit_tiny       torchvision VisionTransformer, 2 layers, hidden 64 (vit_b_16's structure)
  effnetv2_s     torchvision efficientnet_v2_s as is, 64x64 input
  maxvit         torchvision MaxVit, 2 stages of 1 block, partition 2, 64x64 input
  convnext       torchvision ConvNeXt (LayerNorm2d, LayerNorm), 2 stages, 32x32 input
  swin           torchvision SwinTransformer (shifted windows, LayerNorm), 2 stages, 32x32
  crnn           CRNN OCR head: conv stack, bidirectional LSTM, Linear, LogSoftmax
  gru_cls        2-layer GRU + 1-layer tanh RNN sequence classifier
  tdecoder       nn.TransformerDecoder (2 layers) with a causal tgt_mask and a memory mask
  sr_tail        super-resolution tail: InstanceNorm2d, GroupNorm, PixelShuffle (DepthToSpace)
"""
import argparse
import io
import json
import os
import sys

import numpy as np
import onnx
from onnx import helper, numpy_helper
import torch
from torch import nn

OPSETS = (13, 17, 18, 21)
IR_VERSION = {13: 7, 17: 8, 18: 8, 19: 9, 20: 9, 21: 10}
# Opsets above 17 are rewritten from this torch export: from 13, LayerNorm is
# decomposed (ReduceMean, whose axes become an input at 18); from 17 it is one
# LayerNormalization node.
NEWER_FROM = {18: 13, 19: 13, 20: 17, 21: 17}
# Reduce ops whose axes attribute became an input at opset 18 (ReduceSum: at 13).
REDUCE_AXES_INPUT = {"ReduceL1", "ReduceL2", "ReduceLogSum", "ReduceLogSumExp", "ReduceMax", "ReduceMean",
                     "ReduceMin", "ReduceProd", "ReduceSumSquare"}


class Crnn(nn.Module):
    """CRNN-style OCR head: 1x32x64 grey line image -> [16 time steps, 1, 12 classes] log-probabilities."""

    def __init__(self, classes=12, hidden=24):
        super().__init__()
        self.cnn = nn.Sequential(
            nn.Conv2d(1, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(16, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(32, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d((2, 1)),
            nn.Conv2d(32, 32, (4, 1)), nn.ReLU())
        self.rnn = nn.LSTM(32, hidden, bidirectional=True)
        self.fc = nn.Linear(2 * hidden, classes)

    def forward(self, x):
        f = self.cnn(x)                        # [1, 32, 1, 16]
        seq = f.squeeze(2).permute(2, 0, 1)    # [16, 1, 32] (time major)
        y, _ = self.rnn(seq)
        return torch.log_softmax(self.fc(y), dim=2)


class GruClassifier(nn.Module):
    """[1, 20, 16] feature sequence -> 5 class logits: 2-layer GRU, then a tanh RNN, last step."""

    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(16, 32, num_layers=2, batch_first=True)
        self.rnn = nn.RNN(32, 24, batch_first=True)
        self.fc = nn.Linear(24, 5)

    def forward(self, x):
        y, _ = self.gru(x)
        y, _ = self.rnn(y)
        return self.fc(y[:, -1])


class Decoder(nn.Module):
    """nn.TransformerDecoder over a [1, 8, 32] target and a [1, 10, 32] memory, a causal
    tgt_mask and a memory_mask hiding the last two memory positions."""

    def __init__(self, d=32, tgt_len=8, mem_len=10):
        super().__init__()
        layer = nn.TransformerDecoderLayer(d, 4, dim_feedforward=64, dropout=0.0, batch_first=True)
        self.dec = nn.TransformerDecoder(layer, 2, norm=nn.LayerNorm(d))
        self.register_buffer("tgt_mask", nn.Transformer.generate_square_subsequent_mask(tgt_len))
        mem_mask = torch.zeros(tgt_len, mem_len)
        mem_mask[:, -2:] = float("-inf")
        self.register_buffer("mem_mask", mem_mask)
        self.out = nn.Linear(d, 16)

    def forward(self, tgt, memory):
        return self.out(self.dec(tgt, memory, tgt_mask=self.tgt_mask, memory_mask=self.mem_mask))


class SrTail(nn.Module):
    """Super-resolution tail: [1, 3, 16, 16] -> [1, 3, 32, 32] with InstanceNorm, GroupNorm and PixelShuffle."""

    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(3, 16, 3, padding=1), nn.InstanceNorm2d(16, affine=True), nn.ReLU(),
            nn.Conv2d(16, 16, 3, padding=1), nn.GroupNorm(4, 16), nn.ReLU(),
            nn.Conv2d(16, 12, 3, padding=1), nn.PixelShuffle(2))

    def forward(self, x):
        return torch.sigmoid(self.body(x))


def torchvision_models():
    import torchvision.models as tvm
    from torchvision.models.convnext import CNBlockConfig, ConvNeXt
    from torchvision.models.maxvit import MaxVit
    from torchvision.models.swin_transformer import SwinTransformer
    from torchvision.models.vision_transformer import VisionTransformer
    return {
        "vit_b_16": (lambda: tvm.vit_b_16(weights=None, image_size=32, num_classes=10), [("image", [1, 3, 32, 32])]),
        "vit_tiny": (lambda: VisionTransformer(image_size=32, patch_size=16, num_layers=2, num_heads=4, hidden_dim=64,
                                               mlp_dim=128, num_classes=10), [("image", [1, 3, 32, 32])]),
        "effnetv2_s": (lambda: tvm.efficientnet_v2_s(weights=None, num_classes=10), [("image", [1, 3, 64, 64])]),
        "maxvit": (lambda: MaxVit(input_size=(64, 64), stem_channels=16, partition_size=2, block_channels=[16, 32],
                                  block_layers=[1, 1], head_dim=8, stochastic_depth_prob=0.0, num_classes=10),
                   [("image", [1, 3, 64, 64])]),
        "convnext": (lambda: ConvNeXt([CNBlockConfig(16, 32, 1), CNBlockConfig(32, None, 1)], num_classes=10),
                     [("image", [1, 3, 32, 32])]),
        "swin": (lambda: SwinTransformer(patch_size=[4, 4], embed_dim=16, depths=[1, 1], num_heads=[2, 4],
                                         window_size=[2, 2], stochastic_depth_prob=0.0, num_classes=10),
                 [("image", [1, 3, 32, 32])]),
    }


def architectures():
    archs = {
        "crnn": (Crnn, [("image", [1, 1, 32, 64])]),
        "gru_cls": (GruClassifier, [("features", [1, 20, 16])]),
        "tdecoder": (Decoder, [("tgt", [1, 8, 32]), ("memory", [1, 10, 32])]),
        "sr_tail": (SrTail, [("lowres", [1, 3, 16, 16])]),
    }
    archs.update(torchvision_models())
    return archs


def randomise_norms(module, gen):
    """Non-trivial BatchNorm statistics and norm affine parameters (fresh ones are 0/1), and
    random weights for layers initialised to zero (ViT's head: its output would be 0)."""
    for p in module.parameters():
        if p.dim() >= 2 and not p.detach().any():
            p.data.normal_(0.0, 0.05, generator=gen)
    for m in module.modules():
        if isinstance(m, nn.modules.batchnorm._BatchNorm):
            m.running_mean.uniform_(-0.2, 0.2, generator=gen)
            m.running_var.uniform_(0.5, 1.5, generator=gen)
        if isinstance(m, (nn.LayerNorm, nn.GroupNorm, nn.InstanceNorm2d, nn.modules.batchnorm._BatchNorm)) \
                and getattr(m, "weight", None) is not None:
            m.weight.data.uniform_(0.5, 1.5, generator=gen)
            m.bias.data.uniform_(-0.2, 0.2, generator=gen)


def export(module, inputs, opset):
    args = tuple(torch.randn(*shape) for _, shape in inputs)
    buf = io.BytesIO()
    torch.onnx.export(module, args, buf, opset_version=opset, input_names=[n for n, _ in inputs],
                      output_names=["output"], do_constant_folding=True)
    model = onnx.load_from_string(buf.getvalue())
    model.producer_name = "rknnc-tests/make_architectures.py"
    return model


def constants(graph):
    out = {i.name: numpy_helper.to_array(i) for i in graph.initializer}
    for n in graph.node:
        if n.op_type == "Constant" and n.attribute and n.attribute[0].name == "value":
            out[n.output[0]] = numpy_helper.to_array(n.attribute[0].t)
    return out


def to_newer_opset(model, opset):
    """An opset-13..17 model rewritten to `opset` (18..21): Reduce* axes become an input,
    a Split into equal parts uses num_outputs (the other opset 18-21 changes add attributes
    or types that torch's opset-17 export does not write)."""
    model = onnx.ModelProto.FromString(model.SerializeToString())
    g = model.graph
    consts = constants(g)
    shapes = {}
    inferred = onnx.shape_inference.infer_shapes(model)
    for v in list(inferred.graph.value_info) + list(inferred.graph.input) + list(inferred.graph.output):
        dims = v.type.tensor_type.shape.dim
        if all(d.HasField("dim_value") for d in dims):
            shapes[v.name] = [d.dim_value for d in dims]
    for i, n in enumerate(g.node):
        attrs = {a.name: a for a in n.attribute}
        if n.op_type in REDUCE_AXES_INPUT and "axes" in attrs:
            name = f"{n.name or n.op_type + str(i)}_axes"
            g.initializer.append(numpy_helper.from_array(np.array(attrs["axes"].ints, np.int64), name))
            n.input.append(name)
            n.attribute.remove(attrs["axes"])
        elif n.op_type == "Split" and len(n.input) == 2 and n.input[1] in consts:
            split = consts[n.input[1]]
            if len(set(split.tolist())) == 1 and n.input[0] in shapes:
                n.input.pop()
                n.attribute.append(helper.make_attribute("num_outputs", len(split)))
    del model.opset_import[:]
    model.opset_import.append(helper.make_opsetid("", opset))
    model.ir_version = IR_VERSION[opset]
    return model


def build(name, factory, inputs, out_dir, opsets):
    torch.manual_seed(0)
    gen = torch.Generator().manual_seed(1)
    module = factory()
    randomise_norms(module, gen)
    module.eval()
    files = {}
    # Not under torch.no_grad(): there, nn.MultiheadAttention takes its fused inference
    # path (aten::_native_multi_head_attention), which torch.onnx cannot export.
    base = {}
    for opset in sorted({NEWER_FROM.get(o, o) for o in opsets}):
        base[opset] = export(module, inputs, opset)
    for opset in opsets:
        model = base[opset] if opset <= 17 else to_newer_opset(base[NEWER_FROM[opset]], opset)
        path = os.path.join(out_dir, f"{name}_op{opset}.onnx")
        onnx.save(model, path)
        files[str(opset)] = os.path.basename(path)
    outputs = [o.name for o in base[min(base)].graph.output]
    return {"inputs": inputs, "outputs": outputs, "files": files}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out_dir")
    ap.add_argument("--models", help="comma-separated subset (default: all)")
    ap.add_argument("--opsets", default=",".join(map(str, OPSETS)))
    args = ap.parse_args()
    archs = architectures()
    names = args.models.split(",") if args.models else list(archs)
    unknown = [n for n in names if n not in archs]
    if unknown:
        ap.error(f"unknown model(s) {', '.join(unknown)}; known: {', '.join(archs)}")
    opsets = [int(o) for o in args.opsets.split(",")]
    os.makedirs(args.out_dir, exist_ok=True)
    manifest_path = os.path.join(args.out_dir, "manifest.json")
    manifest = {}
    if os.path.exists(manifest_path):
        with open(manifest_path) as f:
            manifest = json.load(f)
    stamp = os.path.getmtime(__file__)
    for name in names:
        entry = manifest.get(name)
        if entry and all(str(o) in entry["files"] and os.path.exists(os.path.join(args.out_dir, entry["files"][str(o)]))
                         and os.path.getmtime(os.path.join(args.out_dir, entry["files"][str(o)])) > stamp
                         for o in opsets):
            continue
        factory, inputs = archs[name]
        print(f"make_architectures: {name} at opsets {','.join(map(str, opsets))}", flush=True)
        built = build(name, factory, inputs, args.out_dir, opsets)
        if entry:
            built["files"] = {**entry["files"], **built["files"]}
        manifest[name] = built
    with open(manifest_path, "w") as f:
        json.dump(manifest, f, indent=1, sort_keys=True)
        f.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
