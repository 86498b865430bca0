#!/usr/bin/env python3
"""End-to-end CLI tests: bad inputs and command behaviour.

Cases are data: every tests/cli/cases/*.json holds a list of
  {"name": str, "args": [...] | absent, "yaml": "file in cases/" | absent,
   "yaml_text": "inline YAML" | absent, "exit": int, "stderr": "regex",
   "stdout": "regex" (optional), "writes": bool (optional, default false),
   "outputs": {"file.npy": [shape]} (optional: files in {out} and their .npy shapes)}
With a yaml/yaml_text and no args the command is `rknnc -t rk3588 -i YAML -o OUT`.
Placeholders in args and yaml_text: {out} (a fresh output folder), {tmp} (a
scratch folder with generated bad models), {models} (tests/cli/models),
{samples} (samples/), {src} (source root).

Every failing case must: exit with the given code, print exactly one
non-empty stderr line matching the regex (warnings aside), and leave no file
in {out}. No case may crash (signal, sanitizer report, traceback) or print
"internal error" (kept for rknnc's own bugs, never for a bad input).
"""
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

import numpy as np

from case_runner import BIN, CRASH, SRC

HERE = os.path.join(SRC, "tests", "cli")


def make_bad_models(tmp, tiny):
    with open(tiny, "rb") as f:
        good = f.read()
    with open(os.path.join(tmp, "truncated.onnx"), "wb") as f:
        f.write(good[: len(good) // 2])
    with open(os.path.join(tmp, "empty.onnx"), "wb") as f:
        pass
    with open(os.path.join(tmp, "garbage.onnx"), "wb") as f:
        f.write(bytes((i * 7919 + 13) % 256 for i in range(4096)))
    subprocess.run([sys.executable, os.path.join(HERE, "make_fixtures.py"), tmp], check=True)
    subprocess.run([sys.executable, os.path.join(HERE, "make_torch_fixtures.py"), tmp], check=True)


def expand(value, env):
    if isinstance(value, list):
        return [expand(v, env) for v in value]
    return value.format(**env) if isinstance(value, str) else value


def files_in(folder):
    return [p for p in glob.glob(os.path.join(folder, "**", "*"), recursive=True) if os.path.isfile(p)] if os.path.isdir(folder) else []


def run_case(case, env):
    out = os.path.join(env["tmp"], "out_" + re.sub(r"\W", "_", case["name"]))
    shutil.rmtree(out, ignore_errors=True)
    env = dict(env, out=out)
    if "yaml" in case or "yaml_text" in case:
        if "yaml_text" in case:
            yaml_path = os.path.join(env["tmp"], re.sub(r"\W", "_", case["name"]) + ".yml")
            with open(yaml_path, "w") as f:
                f.write(expand(case["yaml_text"], env))
        else:
            yaml_path = os.path.join(HERE, "cases", case["yaml"])
        env["yaml"] = yaml_path
    args = expand(case.get("args", ["-t", "rk3588", "-i", "{yaml}", "-o", "{out}"]), env)
    p = subprocess.run([BIN] + args, capture_output=True, text=True, timeout=120)
    problems = []
    if p.returncode != case["exit"]:
        problems.append(f"exit {p.returncode}, expected {case['exit']}")
    if CRASH.search(p.stderr):
        problems.append("crash: " + p.stderr[-300:])
    errors = [l for l in p.stderr.splitlines() if l.strip() and not l.startswith("rknnc: warning:")]
    if case["exit"] != 0:
        if len(errors) != 1:
            problems.append(f"{len(errors)} error lines, expected 1: {errors[:3]}")
        if "stderr" in case and not re.search(case["stderr"], p.stderr):
            problems.append(f"stderr {p.stderr.strip()!r} does not match {case['stderr']!r}")
        left = files_in(out)
        if left and not case.get("writes"):
            problems.append(f"left files in OUTDIR: {left[:3]}")
    elif "stderr" in case and not re.search(case["stderr"], p.stderr):
        problems.append(f"stderr {p.stderr.strip()!r} does not match {case['stderr']!r}")
    for name, shape in case.get("outputs", {}).items():
        path = os.path.join(out, name)
        got = list(np.load(path).shape) if os.path.isfile(path) else None
        if got != shape:
            problems.append(f"{name}: shape {got}, expected {shape}")
    if "stdout" in case and not re.search(case["stdout"], p.stdout):
        problems.append(f"stdout {p.stdout.strip()[:300]!r} does not match {case['stdout']!r}")
    return problems


def main():
    cases = []
    for path in sorted(glob.glob(os.path.join(HERE, "cases", "*.json"))):
        with open(path) as f:
            cases += [dict(c, file=os.path.basename(path)) for c in json.load(f)]
    tmp = tempfile.mkdtemp(prefix="rknnc_cli_")
    env = {"tmp": tmp, "models": os.path.join(HERE, "models"), "samples": os.path.join(SRC, "samples"), "src": SRC}
    make_bad_models(tmp, os.path.join(HERE, "models", "tiny.onnx"))
    suite = ET.Element("testsuite", name="cli")
    failed = 0
    for case in cases:
        tc = ET.SubElement(suite, "testcase", classname="cli." + case["file"], name=case["name"])
        try:
            problems = run_case(case, env)
        except Exception as e:  # a hung or unrunnable case is a failure, not a crash of the runner
            problems = [f"{type(e).__name__}: {e}"]
        status = "ok" if not problems else "FAIL"
        print(f"{status:4} {case['name']}" + ("" if not problems else ": " + "; ".join(problems)))
        if problems:
            failed += 1
            ET.SubElement(tc, "failure", message="; ".join(problems)[:2000])
    suite.set("tests", str(len(cases)))
    suite.set("failures", str(failed))
    junit = os.environ.get("RKNNC_JUNIT_DIR")
    if junit:
        os.makedirs(junit, exist_ok=True)
        ET.ElementTree(suite).write(os.path.join(junit, "cli.xml"))
    shutil.rmtree(tmp, ignore_errors=True)
    print(f"cli: {len(cases) - failed} passed, {failed} failed")
    return 1 if failed or not cases else 0


if __name__ == "__main__":
    sys.exit(main())
