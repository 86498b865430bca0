#!/usr/bin/env python3
"""Converting the same config three times, on 1 thread, on 2 (RKNNC_THREADS)
and on 2 with the AVX2 kernels (RKNNC_ISA=avx2; the same as the others on a
machine without AVX-512), gives byte-identical outputs (.rknn, perf / memory
reports), except build.json, which may differ only in its "timings" field. Every
sample config, and outlier_act with each quantized_algorithm (the histogram
algorithms gather statistics in parts on the thread pool)."""
import glob
import json
import os
import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

from case_runner import CRASH

SRC = os.environ["RKNNC_SOURCE_DIR"]
BIN = os.environ["RKNNC_BIN"]


def convert(cfg, out, threads, isa=None):
    env = dict(os.environ, RKNNC_THREADS=str(threads))
    if isa:
        env["RKNNC_ISA"] = isa
    p = subprocess.run([BIN, "-t", "rk3588", "-i", cfg, "-o", out], capture_output=True, text=True, timeout=300,
                       env=env)
    if p.returncode != 0 or CRASH.search(p.stderr):
        raise RuntimeError(f"conversion failed: {p.stderr.strip()}")


def check(cfg, tmp):
    name = os.path.splitext(os.path.basename(cfg))[0]
    a, b, c = (os.path.join(tmp, name, x) for x in "abc")
    convert(cfg, a, 1)
    convert(cfg, b, 2)
    convert(cfg, c, 2, "avx2")
    return same_outputs(a, b, "1 and 2 threads") or same_outputs(a, c, "the default and the AVX2 kernels")


def same_outputs(a, b, between):
    files = sorted(os.listdir(a))
    if files != sorted(os.listdir(b)):
        return f"different file sets {files} vs {sorted(os.listdir(b))}"
    for f in files:
        da, db = open(os.path.join(a, f), "rb").read(), open(os.path.join(b, f), "rb").read()
        if f.endswith(".build.json"):
            ja, jb = json.loads(da), json.loads(db)
            if "timings" not in ja:
                return f"{f} has no timings field"
            ja.pop("timings"), jb.pop("timings")
            if ja != jb:
                return f"{f} differs outside timings between {between}"
        elif da != db:
            return f"{f} differs between {between}"
    return None


def algorithm_variants(tmp):
    """configs/outlier_act.yml with kl_divergence and with mmse, beside the original (paths made absolute)."""
    src = os.path.join(SRC, "configs", "outlier_act.yml")
    text = open(src).read()
    out = []
    for algorithm in ("kl_divergence", "mmse"):
        t = text.replace("quantized_algorithm: normal", "quantized_algorithm: " + algorithm)
        for key in ("model_file_path", "dataset"):
            t = re.sub(rf"({key}: )(\S+)", lambda m: m.group(1) + os.path.normpath(
                os.path.join(os.path.dirname(src), m.group(2))), t)
        path = os.path.join(tmp, f"outlier_act_{algorithm}.yml")
        with open(path, "w") as f:
            f.write(t)
        out.append(path)
    return out


def main():
    configs = sorted(glob.glob(os.path.join(SRC, "configs", "*.yml")))
    suite = ET.Element("testsuite", name="determinism")
    failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        for cfg in configs + algorithm_variants(tmp):
            tc = ET.SubElement(suite, "testcase", classname="determinism", name=os.path.basename(cfg))
            try:
                problem = check(cfg, tmp)
            except Exception as e:
                problem = str(e)
            print(("ok   " if not problem else "FAIL ") + os.path.basename(cfg) + ("" if not problem else ": " + problem))
            if problem:
                failed += 1
                ET.SubElement(tc, "failure", message=problem)
    junit = os.environ.get("RKNNC_JUNIT_DIR")
    if junit:
        os.makedirs(junit, exist_ok=True)
        ET.ElementTree(suite).write(os.path.join(junit, "determinism.xml"))
    return 1 if failed or not configs else 0


if __name__ == "__main__":
    sys.exit(main())
