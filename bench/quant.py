#!/usr/bin/python3
"""Quantisation benchmark and accuracy tables (numbers, not pass/fail).

    bench/quant.py [path/to/rknnc] [--work DIR]      (or: make bench-quant)

Everything generated (calibration sets, YAMLs, .rknn files, outputs, the JSON
of results) goes to DIR, by default `bench-quant/` next to the rknnc binary's
build folder, never into the source tree. Sections:

  1. conversion wall time of mobilenetv2_mini, 100 calibration images, per
     quantized_algorithm (normal, kl_divergence, mmse)
  2. peak RSS of that conversion at 20, 100, 1000 images (ru_maxrss of rknnc, via
     GNU time, else os.wait4) and the 1000/100 ratio (target <= 1.2)
  3. `rknnc run --repeat` latency of int8 vs fp32 mobilenetv2_mini (target >= 1.5x)
  4. digits_cnn top-1 on its 450 test images, fp32 and int8 per algorithm x method
  5. outlier_act top-1 and logits cosine vs fp32 per algorithm
  6. per-output cosine int8 vs fp32 for mobilenetv2_mini and yolo_mini

A step that fails (e.g. while `quantize: true` is still refused) gives
"n/a (reason)" in its cells; the script never stops on it.
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time

import numpy as np

SRC = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.join(SRC, "samples", "common"))
from fake_quant import cosine  # noqa: E402
from synthetic_images import save_image, synthetic_image  # noqa: E402

ALGORITHMS = ("normal", "kl_divergence", "mmse")
METHODS = ("layer", "channel")
CALIB_SIZES = (20, 100, 1000)
REPEAT = int(os.environ.get("BENCH_REPEAT", "20"))
GNU_TIME = "/usr/bin/time" if os.access("/usr/bin/time", os.X_OK) else None
RSS_TAG = "rknnc-peak-rss-kib"


class Unavailable(Exception):
    """A step that could not run; str() is the reason shown as n/a (reason)."""


def na(exc):
    return f"n/a ({str(exc)[:120]})"


def first_error(stderr):
    lines = [l for l in stderr.splitlines() if l.strip() and "warning:" not in l]
    return re.sub(r"^rknnc: error: ", "", lines[-1]) if lines else "failed without a message"


class Rknnc:
    def __init__(self, binary, work):
        self.bin, self.work = binary, work

    def convert(self, yml, out):
        """Runs a conversion; returns (path of the .rknn, wall seconds, peak RSS MiB of rknnc).

        The child of a Python process starts with Python's own RSS as its high-water
        mark (it survives exec), so ru_maxrss of a direct child is at least Python's
        size. GNU time in between reports its child, rknnc, alone; without it the
        os.wait4 figure is an upper bound."""
        shutil.rmtree(out, ignore_errors=True)  # a fresh folder: no incremental skip of an unchanged job
        args = [self.bin, "-t", "rk3588", "-i", yml, "-o", out]
        start = time.perf_counter()
        if GNU_TIME:
            p = subprocess.run([GNU_TIME, "-f", RSS_TAG + " %M"] + args, capture_output=True, text=True)
            code, stdout, stderr = p.returncode, p.stdout, p.stderr
            tagged = re.search(RSS_TAG + r" (\d+)", stderr)
            rss_kib = int(tagged.group(1)) if tagged else 0
            stderr = re.sub(r"(Command exited with non-zero status \d+|" + RSS_TAG + r" \d+)\n?", "", stderr)
        else:
            p = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            _, status, usage = os.wait4(p.pid, 0)  # small outputs: the pipes cannot fill up
            code, stdout, stderr, rss_kib = os.waitstatus_to_exitcode(status), p.stdout.read(), p.stderr.read(), usage.ru_maxrss
            p.stdout.close()
            p.stderr.close()
        wall = time.perf_counter() - start
        if code != 0:
            raise Unavailable(first_error(stderr))
        rknn = [l for l in stdout.split() if l.endswith(".rknn")]
        if not rknn:
            raise Unavailable("no .rknn written")
        return rknn[0], wall, rss_kib / 1024.0

    def run(self, model, inputs, out, batch=False, repeat=1):
        """Runs a model; returns ({output file stem: array}, mean ms per execution or None)."""
        args = [self.bin, "run", model, "-o", out] + (["--batch"] if batch else [])
        args += ["--repeat", str(repeat)] if repeat > 1 else []
        for x in inputs:
            args += ["--input", x]
        p = subprocess.run(args, capture_output=True, text=True)
        if p.returncode != 0:
            raise Unavailable(first_error(p.stderr))
        ms = re.search(r"mean ([0-9.]+) ms", p.stderr)
        outs = {f[:-4]: np.load(os.path.join(out, f)) for f in sorted(os.listdir(out)) if f.endswith(".npy")}
        return outs, float(ms.group(1)) if ms else None


def derive_config(base, path, dataset=None, quantize=False, algorithm="normal", method="channel", float32=False):
    """A copy of configs/<base>.yml with absolute paths and the given quantisation keys."""
    src = os.path.join(SRC, "configs", base + ".yml")
    with open(src) as f:
        text = f.read()
    here = os.path.dirname(src)
    text = re.sub(r"(model_file_path:\s*)(\S+)", lambda m: m.group(1) + os.path.normpath(os.path.join(here, m.group(2))), text)
    text = re.sub(r"(\n\s*dataset:\s*)(\S+)",
                  lambda m: m.group(1) + (dataset or os.path.normpath(os.path.join(here, m.group(2)))), text)
    text = re.sub(r"(\n\s*quantize:\s*)\S+", lambda m: m.group(1) + ("true" if quantize else "false"), text)
    text = re.sub(r"(quantized_algorithm:\s*)\S+", lambda m: m.group(1) + algorithm, text)
    text = re.sub(r"(\n(\s*)quantized_method:\s*)\S+",
                  lambda m: m.group(1) + method + (f"\n{m.group(2)}float_dtype: float32" if float32 else ""), text)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)
    return path


def make_calibration(work, sizes):
    """Deterministic synthetic 96x96 RGB PNGs for mobilenetv2_mini; one dataset.txt per size."""
    folder = os.path.join(work, "calib_mobilenetv2_mini")
    os.makedirs(folder, exist_ok=True)
    rng = np.random.default_rng(1000)
    for i in range(max(sizes)):
        img = synthetic_image(rng, 96, 96)  # always drawn, so image i is the same whatever exists
        path = os.path.join(folder, f"img_{i:04d}.png")
        if not os.path.exists(path):
            save_image(img, path)
    lists = {}
    for n in sizes:
        lists[n] = os.path.join(folder, f"dataset_{n}.txt")
        with open(lists[n], "w") as f:
            f.write("".join(f"img_{i:04d}.png\n" for i in range(n)))
    return lists


def load_images(sample, count=None):
    """The sample's calibration images (dataset.txt, first file per line) as raw float32 NCHW."""
    from PIL import Image
    folder = os.path.join(SRC, "samples", sample)
    with open(os.path.join(folder, "dataset.txt")) as f:
        files = [l.split()[0] for l in f if l.strip()][:count]
    arrays = []
    for name in files:
        a = np.asarray(Image.open(os.path.join(folder, name)), np.float32)
        arrays.append((a[None] if a.ndim == 2 else a.transpose(2, 0, 1))[None])
    return np.stack(arrays)  # [N, 1, C, H, W]


class Bench:
    def __init__(self, rknnc, work):
        self.r, self.work, self.results = rknnc, work, {}
        self.models = {}

    def model(self, key, base, **cfg):
        """Converts configs/<base>.yml with cfg once; returns (rknn, wall s, RSS MiB) or raises Unavailable."""
        if key not in self.models:
            try:
                yml = derive_config(base, os.path.join(self.work, "configs", key + ".yml"), **cfg)
                self.models[key] = self.r.convert(yml, os.path.join(self.work, "out", key))
            except Unavailable as e:
                self.models[key] = e
        if isinstance(self.models[key], Exception):
            raise self.models[key]
        return self.models[key]

    def fp32(self, base):
        try:
            return self.model(base + "_fp32f32", base, float32=True)
        except Unavailable:  # float_dtype: float32 not accepted: the default float model
            return self.model(base + "_fp32", base)

    def batch_outputs(self, key, rknn, inputs):
        out = os.path.join(self.work, "run", key)
        os.makedirs(out, exist_ok=True)
        for f in os.listdir(out):
            os.remove(os.path.join(out, f))
        return self.r.run(rknn, inputs, out, batch=True)[0]

    # -- sections ------------------------------------------------------------
    def conversion_time(self, lists):
        rows, res = [], {}
        for algo in ALGORITHMS:
            try:
                _, wall, rss = self.model(f"mnv2_{algo}_100", "mobilenetv2_mini", dataset=lists[100], quantize=True,
                                          algorithm=algo)
                res[algo] = {"seconds": wall, "peak_rss_mib": rss}
                rows.append([algo, f"{wall:.2f}", f"{rss:.1f}"])
            except Unavailable as e:
                res[algo] = {"error": str(e)}
                rows.append([algo, na(e), na(e)])
        self.results["conversion_time_100"] = res
        table("1. mobilenetv2_mini conversion, 100 calibration images", ["algorithm", "wall s", "peak RSS MiB"], rows)

    def peak_rss(self, lists):
        rows, res = [], {}
        for n in CALIB_SIZES:
            try:
                _, wall, rss = self.model(f"mnv2_normal_{n}", "mobilenetv2_mini", dataset=lists[n], quantize=True)
                res[n] = {"seconds": wall, "peak_rss_mib": rss}
                rows.append([str(n), f"{wall:.2f}", f"{rss:.1f}"])
            except Unavailable as e:
                res[n] = {"error": str(e)}
                rows.append([str(n), na(e), na(e)])
        if all("peak_rss_mib" in res[n] for n in (100, 1000)):
            ratio = res[1000]["peak_rss_mib"] / res[100]["peak_rss_mib"]
            rows.append(["1000/100", "", f"{ratio:.2f} (target <= 1.2)"])
            res["ratio_1000_100"] = ratio
        else:
            rows.append(["1000/100", "", "n/a (a conversion failed)"])
        self.results["peak_rss"] = {str(k): v for k, v in res.items()}
        table("2. mobilenetv2_mini conversion (normal) by calibration set size", ["images", "wall s", "peak RSS MiB"],
              rows)

    def throughput(self, lists):
        x = os.path.join(self.work, "mnv2_input.npy")
        np.save(x, load_images("mobilenetv2_mini", 1)[0])
        res, rows = {}, []
        for label, get in (("fp32", lambda: self.fp32("mobilenetv2_mini")),
                           ("int8 (normal, channel)", lambda: self.model(
                               "mnv2_normal_100", "mobilenetv2_mini", dataset=lists[100], quantize=True))):
            try:
                out = os.path.join(self.work, "run", "latency_" + label.split()[0])
                os.makedirs(out, exist_ok=True)
                res[label] = self.r.run(get()[0], [x], out, repeat=REPEAT)[1]
                rows.append([label, f"{res[label]:.3f}"])
            except Unavailable as e:
                res[label] = None
                rows.append([label, na(e)])
        values = list(res.values())
        ratio = values[0] / values[1] if all(values) else None
        rows.append(["fp32 / int8", f"{ratio:.2f}x (target >= 1.5x)" if ratio else "n/a (a model did not run)"])
        self.results["latency_ms"] = dict(res, ratio=ratio)
        table(f"3. mobilenetv2_mini `rknnc run --repeat {REPEAT}` latency", ["model", "mean ms"], rows)

    def digits_accuracy(self):
        images = os.path.join(SRC, "samples", "digits_cnn", "test_images.npy")
        labels = np.load(os.path.join(SRC, "samples", "digits_cnn", "test_labels.npy"))

        def top1(key, get):
            try:
                logits = self.batch_outputs(key, get()[0], [images])["logits"].reshape(len(labels), -1)
                return float((logits.argmax(1) == labels).mean())
            except Unavailable as e:
                return e

        res = {"fp32": top1("digits_fp32", lambda: self.fp32("digits_cnn"))}
        rows = [["fp32", "", pct(res["fp32"])]]
        for algo in ALGORITHMS:
            for method in METHODS:
                key = f"digits_{algo}_{method}"
                res[f"{algo}/{method}"] = top1(key, lambda: self.model(key, "digits_cnn", quantize=True, algorithm=algo,
                                                                      method=method))
                rows.append([algo, method, pct(res[f"{algo}/{method}"])])
        self.results["digits_cnn_top1"] = {k: v if isinstance(v, float) else na(v) for k, v in res.items()}
        table(f"4. digits_cnn top-1, {len(labels)} test images (`rknnc run --batch`)", ["algorithm", "method", "top-1"],
              rows)

    def outlier(self):
        folder = os.path.join(SRC, "samples", "outlier_act")
        images, labels = os.path.join(folder, "test_inputs.npy"), np.load(os.path.join(folder, "test_labels.npy"))
        try:
            ref = self.batch_outputs("outlier_fp32", self.fp32("outlier_act")[0], [images])["logits"]
            ref = ref.reshape(len(labels), -1)
        except Unavailable as e:
            ref = e
        rows, res = [], {}
        rows.append(["fp32", na(ref) if isinstance(ref, Exception) else pct(float((ref.argmax(1) == labels).mean())),
                     "1"])
        for algo in ALGORITHMS:
            try:
                if isinstance(ref, Exception):
                    raise ref
                key = f"outlier_{algo}"
                q = self.batch_outputs(key, self.model(key, "outlier_act", quantize=True, algorithm=algo)[0], [images])
                q = q["logits"].reshape(len(labels), -1)
                res[algo] = {"top1": float((q.argmax(1) == labels).mean()), "cosine": cosine(q, ref)}
                rows.append([algo, pct(res[algo]["top1"]), f"{res[algo]['cosine']:.4f}"])
            except Unavailable as e:
                res[algo] = {"error": str(e)}
                rows.append([algo, na(e), na(e)])
        self.results["outlier_act"] = res
        table(f"5. outlier_act, {len(labels)} test images (expectation: samples/outlier_act/expectation.txt)",
              ["algorithm", "top-1", "cosine(logits) vs fp32"], rows)

    def output_cosines(self, lists):
        rows, res = [], {}
        for sample, cfg in (("mobilenetv2_mini", {"dataset": lists[100]}), ("yolo_mini", {})):
            x = os.path.join(self.work, f"{sample}_inputs.npy")
            np.save(x, load_images(sample))
            try:
                ref = self.batch_outputs(sample + "_fp32", self.fp32(sample)[0], [x])
            except Unavailable as e:
                ref = e
            for algo in ALGORITHMS:
                key = f"{sample}_{algo}_cos"
                try:
                    if isinstance(ref, Exception):
                        raise ref
                    q = self.batch_outputs(key, self.model(key, sample, quantize=True, algorithm=algo, **cfg)[0], [x])
                    for name in ref:
                        # per output, the worst sample
                        c = min(cosine(a, b) for a, b in zip(q[name], ref[name]))
                        res[f"{sample}/{algo}/{name}"] = c
                        rows.append([sample, algo, name, f"{c:.4f}"])
                except Unavailable as e:
                    res[f"{sample}/{algo}"] = na(e)
                    rows.append([sample, algo, "", na(e)])
        self.results["output_cosine"] = res
        table("6. per-output cosine int8 vs fp32 (min over the calibration images as inputs)",
              ["sample", "algorithm", "output", "cosine"], rows)


def pct(v):
    return f"{100 * v:.2f} %" if isinstance(v, float) else na(v)


def table(title, header, rows):
    print(f"\n### {title}\n")
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for r in rows:
        print("| " + " | ".join(r) + " |")
    sys.stdout.flush()


def default_work(binary):
    d = os.path.dirname(os.path.abspath(binary))
    for _ in range(3):  # build/rknnc or build/cli/rknnc: the folder with build.ninja
        if os.path.exists(os.path.join(d, "build.ninja")):
            return os.path.join(d, "bench-quant")
        d = os.path.dirname(d)
    return os.path.join(os.path.dirname(os.path.abspath(binary)), "bench-quant")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("rknnc", nargs="?", default=os.path.join(SRC, "build", "rknnc"))
    ap.add_argument("--work", help="folder for generated data (default: <build>/bench-quant)")
    a = ap.parse_args()
    work = os.path.abspath(a.work or default_work(a.rknnc))
    os.makedirs(work, exist_ok=True)
    bench = Bench(Rknnc(os.path.abspath(a.rknnc), work), work)
    lists = make_calibration(work, CALIB_SIZES)
    for section in (lambda: bench.conversion_time(lists), lambda: bench.peak_rss(lists),
                    lambda: bench.throughput(lists), bench.digits_accuracy, bench.outlier,
                    lambda: bench.output_cosines(lists)):
        section()
    path = os.path.join(work, "quant_bench.json")
    with open(path, "w") as f:
        json.dump(bench.results, f, indent=1, sort_keys=True)
    print(f"\nresults: {path}")


if __name__ == "__main__":
    main()
