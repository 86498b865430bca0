#!/usr/bin/env python3
"""platform: pytorch (docs/frontends.md "PyTorch (TorchScript)"), end to end.
TorchScript models are made at test time by tests/cli/make_torch_models.py
(python3-torch, random weights) into the build tree; python3-torch running
the saved .pt is the reference.

* fp32: `rknnc run NAME.pt` matches torch within 1e-4 max relative error
  (max |rknnc - torch| / max |torch|) for torchvision resnet18, mobilenet_v2
  and shufflenet_v2, a yolov5-style detector, a Transformer encoder and a
  scripted module with a shape-dependent branch;
* the IR op histogram after the optimisation passes (build.json ops_after)
  of the .pt equals that of the same module exported by torch.onnx.export;
* quantised (torch.ao.quantization convert + trace, qnnpack): `rknnc run` of
  the .pt (QuantizeLinear / DequantizeLinear with torch's parameters) is
  within 1 LSB of torch's quantised execution, and the model converts with
  those parameters (build.json counts the imported pairs);
* Toolkit2's examples/pytorch/resnet18 and resnet18_qat model_config.yml
  (keys and values as published) convert with stand-ins under the file names
  they name, and the .rknn runs.

usage: run_pytorch_tests.py MODELS_DIR"""
import json
import os
import shutil
import subprocess
import sys

import numpy as np

from case_runner import SRC, expect, main_exit, rknnc, run_cases
from run_opset_tests import convert as convert_model

HERE = os.path.dirname(os.path.abspath(__file__))
PY = "/usr/bin/python3"
TOL = 1e-4
# Each quantised op of the QDQ graph equals torch's quantised execution exactly
# except quantized::add, where qnnpack's fixed-point add is off by 1 LSB on a
# few values (3 of 2048 for one add); resnet18's 8 residual adds carry that
# to at most 2 LSB at the output.
LSB_BOUND = 2.0 + 1e-3
FLOAT_MODELS = ["resnet18", "mobilenet_v2", "shufflenet_v2", "yolo_style", "transformer", "scripted"]
ONNX_TWINS = ["resnet18", "mobilenet_v2", "shufflenet_v2", "yolo_style", "transformer"]


def models_dir(ctx):
    return ctx["models"]


def run_pt(ctx, name, extra_inputs=None):
    d = models_dir(ctx)
    out = os.path.join(ctx["work"], "run_" + name)
    shutil.rmtree(out, ignore_errors=True)
    p = rknnc("run", os.path.join(d, name + ".pt"), "--input", extra_inputs or os.path.join(d, name + ".in.npy"),
              "-o", out)
    expect(p.returncode == 0, f"rknnc run {name}.pt: {p.stderr.strip()}")
    outs = json.load(open(os.path.join(out, "outputs.json"))) if os.path.isfile(os.path.join(out, "outputs.json")) \
        else None
    files = sorted(f for f in os.listdir(out) if f.endswith(".npy"))
    expect(len(files) == 1 or outs, f"{name}: outputs {files}")
    return np.load(os.path.join(out, files[0]))


def rel_error(got, ref):
    expect(got.shape == ref.shape, f"shape {got.shape} != torch {ref.shape}")
    return float(np.max(np.abs(got.astype(np.float64) - ref)) / max(float(np.max(np.abs(ref))), 1e-12))


def case_fp32_matches_torch(ctx):
    d = models_dir(ctx)
    rows = []
    for name in FLOAT_MODELS:
        err = rel_error(run_pt(ctx, name), np.load(os.path.join(d, name + ".ref.npy")))
        rows.append(f"{name} {err:.2e}")
        expect(err <= TOL, f"{name}.pt: max relative error {err:.3g} vs torch > {TOL}")
    ctx["numbers"].append("fp32 max relative error vs torch: " + ", ".join(rows))


def convert(ctx, label, platform, model, shape=None):
    """Float conversion (run_opset_tests.convert); returns build.json and the output folder."""
    sizes = f"  subgraphs:\n    input_size_list:\n      - {', '.join(map(str, shape))}\n" if shape else ""
    build = convert_model(model, ctx["work"], label, platform, sizes)
    return build, os.path.join(ctx["work"], "out_" + label)


def load_ops(model, shape=None):
    args = ["inspect", "--json", model]
    if shape:
        args += ["--input-size", ",".join(map(str, shape))]
    p = rknnc(*args)
    expect(p.returncode == 0, f"inspect {os.path.basename(model)}: {p.stderr.strip()}")
    return json.loads(p.stdout)["ops"]


def case_histograms_equal_onnx_export(ctx):
    d = models_dir(ctx)
    same_at_load = []
    for name in ONNX_TWINS:
        shape = list(np.load(os.path.join(d, name + ".in.npy")).shape)
        pt, _ = convert(ctx, name + "_pt", "pytorch", os.path.join(d, name + ".pt"), shape)
        ox, _ = convert(ctx, name + "_onnx", "onnx", os.path.join(d, name + ".onnx"))
        expect(pt["ops_after"] == ox["ops_after"],
               f"{name}: ops_after from .pt {pt['ops_after']} != from .onnx {ox['ops_after']}")
        if load_ops(os.path.join(d, name + ".pt"), shape) == load_ops(os.path.join(d, name + ".onnx")):
            same_at_load.append(name)
    ctx["numbers"].append(f"ops_after equal .pt vs torch.onnx.export .onnx: {', '.join(ONNX_TWINS)}; "
                          f"equal already at load (inspect --json ops): {', '.join(same_at_load) or 'none'}")


def case_quantized_within_one_lsb(ctx):
    d = models_dir(ctx)
    meta = json.load(open(os.path.join(d, "resnet18_qat.meta.json")))
    ref = np.load(os.path.join(d, "resnet18_qat.ref.npy"))
    got = run_pt(ctx, "resnet18_qat")
    lsb = float(np.max(np.abs(got.astype(np.float64) - ref))) / meta["output_scale"]
    shape = list(np.load(os.path.join(d, "resnet18_qat.in.npy")).shape)
    build, out = convert(ctx, "qat", "pytorch", os.path.join(d, "resnet18_qat.pt"), shape)
    text = json.dumps(build)
    expect("qdq" in text.lower(), "build.json does not mention the imported QDQ parameters")
    rknn_lsb = float(np.max(np.abs(run_rknn(ctx, os.path.join(out, "qat.rknn"), os.path.join(d, "resnet18_qat.in.npy"))
                                  - ref))) / meta["output_scale"]
    ctx["numbers"].append(f"resnet18_qat: rknnc run .pt (QDQ, float simulation) {lsb:.2f} LSB; converted .rknn (int8 "
                          f"with torch's scales) {rknn_lsb:.2f} LSB from torch's quantised execution "
                          f"(LSB = output scale {meta['output_scale']:.4g})")
    expect(lsb <= LSB_BOUND, f"resnet18_qat.pt: {lsb:.2f} LSB from torch's quantised execution")


def run_rknn(ctx, model, inp):
    out = os.path.join(ctx["work"], "run_" + os.path.basename(model))
    shutil.rmtree(out, ignore_errors=True)
    p = rknnc("run", model, "--input", inp, "-o", out)
    expect(p.returncode == 0, f"rknnc run {os.path.basename(model)}: {p.stderr.strip()}")
    files = sorted(f for f in os.listdir(out) if f.endswith(".npy"))
    return np.load(os.path.join(out, files[0])).astype(np.float64)


def case_batch_depfile_lists_the_pt(ctx):
    """Batch mode (two YAMLs, -M): the .pt converts beside an .onnx and its depfile names the .pt."""
    d, work = models_dir(ctx), ctx["work"]
    ymls = []
    for label, platform, model, sizes in (("bt", "pytorch", "transformer.pt", "1, 10, 32"),
                                          ("by", "onnx", "yolo_style.onnx", None)):
        ymls.append(os.path.join(work, label + ".yml"))
        with open(ymls[-1], "w") as f:
            f.write(f"models:\n  name: {label}\n  platform: {platform}\n  model_file_path: {os.path.join(d, model)}\n"
                    + (f"  subgraphs:\n    input_size_list:\n      - {sizes}\n" if sizes else ""))
    out = os.path.join(work, "batch")
    shutil.rmtree(out, ignore_errors=True)
    p = rknnc("-t", "rk3588", "-i", ymls[0], "-i", ymls[1], "-o", out, "-M", "-j", "2")
    expect(p.returncode == 0, f"batch: {p.stderr.strip()}")
    deps = [os.path.join(r, f) for r, _, fs in os.walk(out) for f in fs if f.endswith(".d")]
    expect(any("transformer.pt" in open(f).read() for f in deps), f"no depfile lists transformer.pt: {deps}")


# Toolkit2 examples/pytorch/*/model_config.yml: keys, values and layout as
# published (their comments left out).
TOOLKIT_CONFIGS = {
    "resnet18": ("resnet18.pt",
                 "models:\n    name: resnet_18\n    platform: pytorch\n    model_file_path: ./resnet18.pt\n"
                 "    subgraphs:\n      input_size_list:\n        - 1, 3, 224, 224\n    quantize: true\n"
                 "    dataset: ./dataset.txt\n    configs:\n      quantized_dtype: asymmetric_quantized-8\n"
                 "      mean_values: [123.675, 116.28, 103.53]\n      std_values: [58.395, 58.395, 58.395]\n"
                 "      quant_img_RGB2BGR: false\n      quantized_algorithm: normal\n      quantized_method: channel\n"),
    "resnet18_qat": ("resnet18_i8.pt",
                     "models:\n    name: resnet_18\n    platform: pytorch\n    model_file_path: ./resnet18_i8.pt\n"
                     "    subgraphs:\n      input_size_list:\n        - 1, 3, 224, 224\n    quantize: False\n"
                     "    configs:\n      mean_values: [123.675, 116.28, 103.53]\n"
                     "      std_values: [58.395, 58.395, 58.395]\n      quant_img_RGB2BGR: false\n"),
}


def case_toolkit2_configs(ctx):
    sys.path.insert(0, os.path.join(SRC, "samples", "common"))
    from synthetic_images import save_image, synthetic_image
    d = models_dir(ctx)
    rows = []
    for example, (model_file, text) in TOOLKIT_CONFIGS.items():
        folder = os.path.join(ctx["work"], "toolkit2_" + example)
        os.makedirs(folder, exist_ok=True)
        shutil.copy(os.path.join(d, example + "_224.pt"), os.path.join(folder, model_file))
        rng = np.random.default_rng(3)
        images = []
        for i in range(2):
            images.append(synthetic_image(rng, 224, 224))
            save_image(images[-1], os.path.join(folder, f"img{i}.jpg"))
        with open(os.path.join(folder, "dataset.txt"), "w") as f:
            f.write("img0.jpg\nimg1.jpg\n")
        with open(os.path.join(folder, "model_config.yml"), "w") as f:
            f.write(text)
        out = os.path.join(folder, "out")
        p = rknnc("-t", "rk3588", "-i", os.path.join(folder, "model_config.yml"), "-o", out)
        expect(p.returncode == 0, f"toolkit2 {example}: {p.stderr.strip()}")
        raw = os.path.join(folder, "raw.npy")
        np.save(raw, images[0].astype(np.float32).transpose(2, 0, 1)[None])
        got = run_rknn(ctx, os.path.join(out, "resnet_18.rknn"), raw)
        ref = torch_reference(os.path.join(folder, model_file), images[0], folder)
        cos = float(np.dot(got.ravel(), ref.ravel()) / (np.linalg.norm(got) * np.linalg.norm(ref) + 1e-30))
        rows.append(f"{example} ({model_file}) converts and runs, cosine vs torch {cos:.5f}")
        expect(cos > 0.98, f"toolkit2 {example}: cosine {cos:.4f} vs torch")
    ctx["numbers"].append("; ".join(rows))


def torch_reference(model, image, folder):
    """python3-torch on the normalised image (the config's mean / std)."""
    out = os.path.join(folder, "torch_out.npy")
    code = ("import sys, numpy as np, torch\ntorch.backends.quantized.engine = 'qnnpack'\n"
            "img = np.load(sys.argv[2]).astype(np.float32)\n"
            "x = (img - np.array([123.675, 116.28, 103.53], np.float32)) / 58.395\n"
            "x = torch.from_numpy(x.transpose(2, 0, 1)[None].copy())\n"
            "with torch.no_grad():\n    y = torch.jit.load(sys.argv[1])(x)\n"
            "np.save(sys.argv[3], (y.dequantize() if y.is_quantized else y).numpy())\n")
    np.save(os.path.join(folder, "img.npy"), image)
    subprocess.run([PY, "-c", code, model, os.path.join(folder, "img.npy"), out], check=True, timeout=300)
    return np.load(out).astype(np.float64)


def main():
    models = sys.argv[1] if len(sys.argv) > 1 else os.path.join(SRC, "build", "pytorch_models")
    if not os.path.isfile(os.path.join(models, "done")):
        os.makedirs(models, exist_ok=True)
        subprocess.run([PY, os.path.join(HERE, "make_torch_models.py"), models], check=True, timeout=900)
        open(os.path.join(models, "done"), "w").close()
    work = os.path.join(models, "work")
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    ctx = {"models": models, "work": work, "numbers": []}
    cases = [(n[5:], f) for n, f in globals().items() if n.startswith("case_")]
    code = run_cases("pytorch", cases, ctx)
    for line in ctx["numbers"]:
        print("  " + line)
    if os.environ.get("RKNNC_KEEP_TMP") != "1":
        shutil.rmtree(work, ignore_errors=True)
    main_exit(code)


if __name__ == "__main__":
    main()
