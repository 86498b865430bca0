#!/usr/bin/env python3
"""Load time of one network from TorchScript and from ONNX, side by side:
torchvision resnet50 (random weights, 1x3x224x224) traced and saved as .pt
and exported by torch.onnx.export as .onnx (tests/cli/make_torch_models.py),
each loaded by `rknnc inspect --json` (read, translate, shape inference,
checks; no conversion). Prints the best of RUNS wall times and the ratio.

usage: pytorch_load.py RKNNC [MODELS_DIR] [RUNS]"""
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
PY = "/usr/bin/python3"


def best_time(cmd, runs):
    best = None
    for _ in range(runs):
        start = time.perf_counter()
        p = subprocess.run(cmd, capture_output=True, text=True)
        elapsed = time.perf_counter() - start
        if p.returncode != 0:
            sys.exit(f"{' '.join(cmd)}: {p.stderr.strip()}")
        best = elapsed if best is None else min(best, elapsed)
    return best


def main():
    rknnc = sys.argv[1]
    models = sys.argv[2] if len(sys.argv) > 2 else os.path.join(HERE, "..", "build", "bench_models")
    runs = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    os.makedirs(models, exist_ok=True)
    pt, onnx = os.path.join(models, "resnet50.pt"), os.path.join(models, "resnet50.onnx")
    if not (os.path.isfile(pt) and os.path.isfile(onnx)):
        subprocess.run([PY, os.path.join(HERE, "..", "tests", "cli", "make_torch_models.py"), models, "resnet50"],
                       check=True)
    t_pt = best_time([rknnc, "inspect", "--json", "--input-size", "1,3,224,224", pt], runs)
    t_onnx = best_time([rknnc, "inspect", "--json", onnx], runs)
    print(f"resnet50 load (rknnc inspect, best of {runs}): .pt {t_pt:.2f} s, .onnx {t_onnx:.2f} s, "
          f"ratio .pt/.onnx {t_pt / t_onnx:.2f}")


if __name__ == "__main__":
    main()
