#!/usr/bin/python3
"""The TFLite reader (docs/frontends.md, "TFLite") against ArmNN's TfLite
parser on its reference CPU backend (armnn_run.py), with models written at
test time by tflite_nets.py into a temporary folder.

Checks (JUnit class tflite.NAME, printed table at the end):
  fp32        `rknnc run X.tflite --nhwc` vs ArmNN, max relative error per
              output <= 1e-4: MobileNet v1 (width 0.25, 224), the detector
              head and the op zoo (every other operator ArmNN 20.08 reads);
              the ONNX twin of the first two through `rknnc run` too.
  histogram   `rknnc inspect --json` op histogram of X.tflite == that of its
              ONNX twin (the same network written with onnx.helper).
  official    rknn-toolkit2's examples/tflite/mobilenet_v1 and
              mobilenet_v1_qat model_config.yml, byte for byte, beside a
              stand-in under the file name they name: both convert (rk3588)
              and run. mobilenet_v1 (quantize: True, rknnc calibrates): int8
              .rknn vs ArmNN float, cosine >= 0.99. mobilenet_v1_qat
              (quantize: False, the model's own int8 parameters): the .rknn vs
              ArmNN's int8 execution, every output element within 1 LSB, and
              every node but the mean / std input stage int8 with the model's
              own parameters (build.json).
  cut         subgraphs.outputs naming a TFLite tensor ends the graph there.
  batch       a folder of YAMLs with a tflite model converts in batch mode
              (-M) and the depfile lists the .tflite.
Env as compare_samples.py (RKNNC_BIN, RKNNC_SOURCE_DIR, RKNNC_JUNIT_DIR,
RKNNC_KEEP_TMP)."""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "ort"))
import compare_samples as cs  # noqa: E402
import onnx  # noqa: E402
import tflite_nets as nets  # noqa: E402

TOL_FP32 = 1e-4
MIN_COSINE = 0.99
PY = "/usr/bin/python3"

# rknn-toolkit2 examples/tflite/{mobilenet_v1,mobilenet_v1_qat}/model_config.yml (airockchip/rknn-toolkit2,
# commit 59a913d), unchanged: the configs a Toolkit2 user already has.
OFFICIAL = {
    "mobilenet_v1": (
        "models:\n"
        "    name: mobilenet_v1                # 模型输出名称\n"
        "    platform: tflite                  # 原始模型使用的框架\n"
        "    model_file_path: ./mobilenet_v1_1.0_224.tflite # 原模型路径\n"
        "    quantize: True                    # 开启量化\n"
        "    dataset: ./dataset.txt            # 量化dataset文件路径（相对yml路径）\n"
        "    configs:\n"
        "      mean_values: [128, 128, 128]    # rknn.config的mean_values参数\n"
        "      std_values: [128, 128, 128]     # rknn.config的std_values参数\n"
        "      quant_img_RGB2BGR: false        # 不进行RGB2BGR转换\n"),
    "mobilenet_v1_qat": (
        "models:\n"
        "    name: mobilenet_v1                # 模型输出名称\n"
        "    platform: tflite                  # 原始模型使用的框架\n"
        "    model_file_path: ./mobilenet_v1_1.0_224_quant.tflite # 原模型路径\n"
        "    quantize: False                   # QAT量化过\n"
        "    configs:\n"
        "      mean_values: [128, 128, 128]    # rknn.config的mean_values参数\n"
        "      std_values: [128, 128, 128]     # rknn.config的std_values参数\n"
        "      quant_img_RGB2BGR: false        # 不进行RGB2BGR转换\n"),
}


def armnn(model, inputs, out):
    cs.sh([PY, os.path.join(HERE, "armnn_run.py"), model, out] + inputs, "ArmNN TfLite parser " +
          os.path.basename(model))
    return [np.load(os.path.join(out, f"{i}.npy")) for i in range(len(os.listdir(out)))]


def rknnc_outputs(model, inputs, out, names, flags=()):
    args = [cs.BIN, "run", model, "-o", out] + list(flags)
    for f in inputs:
        args += ["--input", f]
    cs.sh(args, "rknnc run " + os.path.basename(model))
    return [np.load(os.path.join(out, cs.safe_file_name(n) + ".npy")) for n in names]


def output_names(model):
    info = json.loads(cs.sh([cs.BIN, "inspect", "--json", model], "rknnc inspect " + os.path.basename(model)))
    return [o["name"] for o in info["outputs"]], info["ops"]


class Suite:
    def __init__(self, tmp):
        self.tmp = tmp
        self.gen = os.path.join(tmp, "flatc_python")
        self.rows = []
        self.report = cs.Report()

    def path(self, *parts):
        p = os.path.join(self.tmp, *parts)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        return p

    def write_model(self, folder, file_name, made):
        data, twin, shape = made
        path = self.path(folder, file_name)
        with open(path, "wb") as f:
            f.write(data)
        twin_path = path.replace(".tflite", ".twin.onnx") if twin else None
        if twin:
            onnx.save(twin, twin_path)
        return path, twin_path, shape

    def fp32(self, name, made):
        model, twin, shape = self.write_model(name, name + ".tflite", made)
        x = np.random.default_rng(7).uniform(-1, 1, shape).astype(np.float32)
        xf = self.path(name, "input_nhwc.npy")
        np.save(xf, x)
        names, _ = output_names(model)
        ref = armnn(model, [xf], self.path(name, "armnn", "x"))
        got = rknnc_outputs(model, [xf], self.path(name, "rknnc", "x"), names, ["--nhwc"])
        got_twin = rknnc_outputs(twin, [xf], self.path(name, "twin", "x"), names, ["--nhwc"]) if twin else [None] * 9
        msgs = []
        for n, r, g, t in zip(names, ref, got, got_twin):
            if r.shape != g.shape:
                raise cs.CheckFailed(f"'{n}': rknnc shape {list(g.shape)} != ArmNN {list(r.shape)}")
            err = cs.max_rel_err(g, r)
            twin_note = f"twin .onnx {cs.max_rel_err(t, r):.2e}" if t is not None else "no twin"
            self.rows.append((name, n, "fp32 rknnc run .tflite vs ArmNN", f"max rel err {err:.2e}", twin_note))
            if not err <= TOL_FP32:
                raise cs.CheckFailed(f"'{n}': max rel err {err:.3g} > {TOL_FP32:g}")
            msgs.append(f"'{n}' {err:.2e}")
        return "max rel err vs ArmNN " + ", ".join(msgs)

    def histogram(self, name):
        model, twin = self.path(name, name + ".tflite"), self.path(name, name + ".twin.onnx")
        _, ops = output_names(model)
        _, twin_ops = output_names(twin)
        self.rows.append((name, "", "IR op histogram .tflite vs ONNX twin", "equal" if ops == twin_ops else "DIFFERENT",
                          json.dumps(ops, sort_keys=True)))
        if ops != twin_ops:
            raise cs.CheckFailed(f".tflite {json.dumps(ops, sort_keys=True)} != ONNX twin "
                                 f"{json.dumps(twin_ops, sort_keys=True)}")
        return json.dumps(ops, sort_keys=True)

    def official(self, example, made, quantised):
        folder = os.path.join("official", example)
        cfg = self.path(folder, "model_config.yml")
        with open(cfg, "w", encoding="utf-8") as f:
            f.write(OFFICIAL[example])
        file_name = "mobilenet_v1_1.0_224_quant.tflite" if quantised else "mobilenet_v1_1.0_224.tflite"
        model, _, shape = self.write_model(folder, file_name, made)
        pixels = np.random.default_rng(11).integers(0, 256, shape).astype(np.uint8)
        if not quantised:
            from PIL import Image
            Image.fromarray(pixels[0]).save(self.path(folder, "dog_224x224.jpg"), quality=95)
            with open(self.path(folder, "dataset.txt"), "w") as f:
                f.write("dog_224x224.jpg")
            pixels = np.asarray(Image.open(self.path(folder, "dog_224x224.jpg")).convert("RGB"))[None]
        out = self.path(folder, "out", "x")[:-2]
        cs.sh([cs.BIN, "-t", "rk3588", "-i", cfg, "-o", out], "rknnc -t rk3588 -i " + cfg)
        rknn = os.path.join(out, "mobilenet_v1.rknn")
        raw = self.path(folder, "pixels_nhwc.npy")
        np.save(raw, pixels.astype(np.float32))
        names, _ = output_names(model)
        got = rknnc_outputs(rknn, [raw], self.path(folder, "rknn_run", "x"), names, ["--nhwc"])
        msgs = []
        if quantised:  # ArmNN runs the int8 graph on the uint8 pixels
            with open(os.path.join(out, "mobilenet_v1.build.json")) as f:
                build = json.load(f)
            q = build["quantization"]
            float_ops = set(q.get("float_ops", {}))
            if build["warnings"] or not q["parameters"].startswith("model") or float_ops - {"Sub", "Div"}:
                raise cs.CheckFailed(f"the model's own int8 parameters are not used throughout: parameters "
                                     f"{q['parameters']!r}, float ops {sorted(float_ops)}, warnings {build['warnings']}")
            msgs.append(f"{q['int8_nodes']} int8 nodes with the model's parameters")
            u8 = self.path(folder, "pixels_u8.npy")
            np.save(u8, pixels)
            ref = armnn(model, [u8], self.path(folder, "armnn", "x"))
            for n, r, g, (lsb, zp) in zip(names, ref, got, self.output_params(names)):
                if r.dtype != np.float32:
                    r = (r.astype(np.float64) - zp) * lsb
                worst = float(np.max(np.abs(g.astype(np.float64) - r.astype(np.float64)))) / lsb
                self.rows.append((example, n, "int8 .rknn vs ArmNN int8", f"max {worst:.2f} LSB",
                                  f"LSB {lsb:.4g}, {len(np.unique(r))} distinct values"))
                if worst > 1.0 + 1e-6:
                    raise cs.CheckFailed(f"'{n}': {worst:.2f} LSB from ArmNN's int8 execution (> 1)")
                msgs.append(f"'{n}' {worst:.2f} LSB")
        else:  # rknnc calibrated: compare with ArmNN's float run on the normalised image
            xf = self.path(folder, "normalised.npy")
            np.save(xf, ((pixels.astype(np.float32) - 128) / 128))
            ref = armnn(model, [xf], self.path(folder, "armnn", "x"))
            for n, r, g in zip(names, ref, got):
                c = cs.cosine(g, r)
                self.rows.append((example, n, "int8 .rknn (rknnc calibration) vs ArmNN fp32", f"cosine {c:.5f}",
                                  f">= {MIN_COSINE}"))
                if not c >= MIN_COSINE:
                    raise cs.CheckFailed(f"'{n}': cosine {c:.4f} < {MIN_COSINE}")
                msgs.append(f"'{n}' cosine {c:.5f}")
        return "; ".join(msgs)

    @staticmethod
    def output_params(names):
        """(scale, zero point) of the int8 tensor each output is or dequantises (tflite_nets.py)."""
        params = {"Logits": (8.0 / 255.0, 0), "Predictions_float": (1 / 256, -128)}
        return [params[n] for n in names]

    def cut(self, name):
        model = self.path(name, name + ".tflite")
        cfg = self.path(name, "cut.yml")
        with open(cfg, "w") as f:
            f.write(f"models:\n  name: cut\n  platform: tflite\n  model_file_path: {name}.tflite\n  quantize: false\n"
                    "  subgraphs:\n    outputs: [Conv2d_13_pointwise]\n")
        out = self.path(name, "cut_out", "x")[:-2]
        cs.sh([cs.BIN, "-t", "rk3588", "-i", cfg, "-o", out], "rknnc (subgraphs.outputs)")
        info = json.loads(cs.sh([cs.BIN, "inspect", "--json", os.path.join(out, "cut.rknn")], "rknnc inspect cut.rknn"))
        got = [o["name"] for o in info["outputs"]]
        if got != ["Conv2d_13_pointwise"]:
            raise cs.CheckFailed(f"outputs {got}, expected ['Conv2d_13_pointwise']")
        return f"outputs {got}"

    def batch(self):
        folder = self.path("batch", "configs", "x")[:-2]
        with open(os.path.join(folder, "det.yml"), "w") as f:
            f.write("models:\n  name: det\n  platform: tflite\n  model_file_path: ../../detector/detector.tflite\n"
                    "  quantize: false\n")
        out = self.path("batch", "out", "x")[:-2]
        cs.sh([cs.BIN, "-t", "rk3588", "-i", folder, "-o", out, "-M"], "rknnc batch -M")
        deps = [os.path.join(r, f) for r, _, fs in os.walk(out) for f in fs if f.endswith(".d")]
        if len(deps) != 1:
            raise cs.CheckFailed(f"expected one depfile in {out}, found {deps}")
        text = open(deps[0]).read()
        if "detector.tflite" not in text:
            raise cs.CheckFailed(f"{deps[0]} does not list detector.tflite: {text[:300]!r}")
        return f"{os.path.relpath(deps[0], out)} lists detector.tflite"


def main():
    t0 = time.monotonic()
    tmp = tempfile.mkdtemp(prefix="rknnc_tflite_")
    s = Suite(tmp)
    gen = s.gen
    mobilenet = nets.mobilenet_v1(gen)
    detector = nets.detector(gen)
    quant = nets.mobilenet_v1(gen, quant=True)
    zoo = nets.op_zoo(gen)
    s.report.check("tflite.fp32", "mobilenet_v1", lambda: s.fp32("mobilenet_v1", mobilenet))
    s.report.check("tflite.fp32", "detector", lambda: s.fp32("detector", detector))
    s.report.check("tflite.fp32", "op_zoo", lambda: s.fp32("op_zoo", zoo))
    s.report.check("tflite.histogram", "mobilenet_v1", lambda: s.histogram("mobilenet_v1"))
    s.report.check("tflite.histogram", "detector", lambda: s.histogram("detector"))
    s.report.check("tflite.official", "mobilenet_v1", lambda: s.official("mobilenet_v1", mobilenet, False))
    s.report.check("tflite.official", "mobilenet_v1_qat", lambda: s.official("mobilenet_v1_qat", quant, True))
    s.report.check("tflite.cut", "mobilenet_v1", lambda: s.cut("mobilenet_v1"))
    s.report.check("tflite.batch", "depfile", s.batch)
    print("\n| model | output | comparison | result | note |\n|---|---|---|---|---|")
    for row in s.rows:
        print("| " + " | ".join(row) + " |")
    fails = sum(1 for c in s.report.cases if c[3])
    print(f"{len(s.report.cases) - fails} passed, {fails} failed ({time.monotonic() - t0:.0f} s)")
    if os.environ.get("RKNNC_KEEP_TMP"):
        print("kept", tmp)
    else:
        shutil.rmtree(tmp, ignore_errors=True)
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
