#!/usr/bin/env python3
"""Batch conversion end to end: a small zoo (digits_cnn, two_input and one
broken config) for two targets. Checks the layout, summary.json (against
schemas/batch_summary.schema.json), failure isolation, exit codes, incremental
skips, --json, -q, colour, depfiles, the Makefile of docs/make.md (make twice:
nothing rebuilt; touch a dataset: that model rebuilt) and Ctrl-C (SIGINT after
the first job: exit 130, no half-written file)."""
import glob
import json
import os
import pty
import re
import shutil
import signal
import subprocess
import tempfile
import time

from case_runner import BIN, CRASH, SRC, expect, main_exit, rknnc, run_cases, schema_errors

TARGETS = "rk3588,rk3566"


def make_zoo(root):
    """configs/{broken,digits_cnn,two_input}.yml + samples/ as in the repository."""
    os.makedirs(os.path.join(root, "configs"))
    for name in ("digits_cnn", "two_input"):
        shutil.copy(os.path.join(SRC, "configs", name + ".yml"), os.path.join(root, "configs"))
        shutil.copytree(os.path.join(SRC, "samples", name), os.path.join(root, "samples", name),
                        ignore=shutil.ignore_patterns("*.py", "test_*.npy"))
    with open(os.path.join(root, "samples", "broken.onnx"), "wb") as f:
        f.write(b"this is not an ONNX protobuf\x00\xff" * 8)
    with open(os.path.join(root, "configs", "broken.yml"), "w") as f:
        f.write("models:\n  name: broken\n  platform: onnx\n  model_file_path: ../samples/broken.onnx\n")


def zoo_run(ctx, *extra, env=None):
    return rknnc("-t", TARGETS, "-i", ctx["configs"], "-o", ctx["out"], "-j", "2", *extra, env=env)


def summary(ctx):
    with open(os.path.join(ctx["out"], "summary.json")) as f:
        return json.load(f)


def statuses(doc):
    return {(j["name"], j["target"]): j["status"] for j in doc["jobs"]}


def error_lines(stderr):
    return [l for l in stderr.splitlines() if l.startswith("rknnc: error:")]


def stray_temp_files(folder):
    return [p for p in glob.glob(os.path.join(folder, "**", ".*.tmp*"), recursive=True)]


def check_first_run(ctx):
    p = zoo_run(ctx)
    expect(p.returncode == 1, f"exit {p.returncode}, expected 1 (one config broken): {p.stderr[-300:]}")
    errs = error_lines(p.stderr)
    expect(len(errs) == 2 and all("broken.onnx" in e for e in errs), f"expected one error line per target: {errs}")
    doc = summary(ctx)
    with open(os.path.join(SRC, "schemas", "batch_summary.schema.json")) as f:
        problems = schema_errors(doc, json.load(f))
    expect(not problems, f"summary.json vs schema: {problems[:3]}")
    want = {("broken", "rk3588"): "failed", ("broken", "rk3566"): "failed", ("digits_cnn", "rk3588"): "converted",
            ("digits_cnn", "rk3566"): "converted", ("two_input", "rk3588"): "converted",
            ("two_input", "rk3566"): "converted"}
    expect(statuses(doc) == want, f"statuses {statuses(doc)}")
    expect([j["name"] for j in doc["jobs"]][:2] == ["broken", "broken"], "jobs not in sorted config order")
    expect(doc["counts"] == {"converted": 4, "skipped": 0, "failed": 2, "cancelled": 0}, f"counts {doc['counts']}")
    for j in doc["jobs"]:
        for o in j["outputs"]:
            path = os.path.join(ctx["out"], o["file"])
            expect(os.path.getsize(path) == o["bytes"], f"{o['file']}: size {o['bytes']} in summary")
    for t in TARGETS.split(","):
        for name in ("digits_cnn", "two_input"):
            for ext in (".rknn", ".build.json", ".inputs.sha256"):
                expect(os.path.isfile(os.path.join(ctx["out"], t, name + ext)), f"missing {t}/{name}{ext}")
        expect(not glob.glob(os.path.join(ctx["out"], t, "broken.*")), "the broken job left files")
    expect("TARGET" in p.stderr and "4 converted" in p.stderr, "no final table on stderr")
    expect("digits_cnn.rknn" in p.stdout, "stdout does not list the outputs")
    expect(not stray_temp_files(ctx["out"]), "temp files left")
    ctx["first"] = {f: open(f, "rb").read() for f in glob.glob(os.path.join(ctx["out"], "*", "*.rknn"))}


def check_unchanged_rerun_skips(ctx):
    before = summary(ctx)
    p = zoo_run(ctx)
    expect(p.returncode == 1, f"exit {p.returncode}")
    doc = summary(ctx)
    good = {k: v for k, v in statuses(doc).items() if k[0] != "broken"}
    expect(set(good.values()) == {"skipped"}, f"unchanged jobs not skipped: {good}")
    for f, data in ctx["first"].items():
        expect(open(f, "rb").read() == data, f"{f} changed on a skipped run")
    strip = lambda d: [{k: v for k, v in j.items() if k != "status"} for j in d["jobs"]]  # noqa: E731
    expect(strip(doc) == strip(before), "summary.json differs outside status and timings")


def check_changed_dataset_converts_that_model(ctx):
    with open(os.path.join(ctx["zoo"], "samples", "two_input", "dataset.txt"), "a") as f:
        f.write("# a comment changes the list's content\n")
    zoo_run(ctx)
    got = {k: v for k, v in statuses(summary(ctx)).items() if k[0] != "broken"}
    expect(got == {("digits_cnn", "rk3588"): "skipped", ("digits_cnn", "rk3566"): "skipped",
                   ("two_input", "rk3588"): "converted", ("two_input", "rk3566"): "converted"}, f"statuses {got}")


def check_force(ctx):
    zoo_run(ctx, "--force")
    got = {v for k, v in statuses(summary(ctx)).items() if k[0] != "broken"}
    expect(got == {"converted"}, f"--force: {got}")


def check_json_stdout(ctx):
    p = zoo_run(ctx, "--json")
    doc = json.loads(p.stdout)
    file_doc = summary(ctx)
    doc.pop("timings"), file_doc.pop("timings")
    expect(doc == file_doc, "--json output differs from summary.json")
    expect("{" not in p.stderr, "JSON on stderr")


def check_quiet(ctx):
    p = zoo_run(ctx, "-q")
    expect(p.stdout == "", f"-q printed on stdout: {p.stdout[:200]!r}")
    lines = [l for l in p.stderr.splitlines() if l.strip()]
    expect(lines and all(l.startswith("rknnc: error:") for l in lines), f"-q stderr: {lines[:4]}")


def run_on_tty(args, env):
    """stderr on a pseudo-terminal; returns what rknnc wrote there."""
    master, slave = pty.openpty()
    p = subprocess.Popen([BIN, *args], stdout=subprocess.DEVNULL, stderr=slave, env=env)
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    p.wait(timeout=120)
    os.close(master)
    return b"".join(chunks).decode(errors="replace")


def check_colour(ctx):
    args = ["-t", TARGETS, "-i", ctx["configs"], "-o", ctx["out"]]
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "TERM")}
    expect("\033[" in run_on_tty(args, env), "no colour on a terminal")
    expect("\033[" not in run_on_tty(args, dict(env, NO_COLOR="1")), "colour despite NO_COLOR")
    expect("\033[" not in zoo_run(ctx, env=env).stderr, "colour on a pipe")


def check_duplicate_names(ctx):
    folder = os.path.join(ctx["tmp"], "dups")
    os.makedirs(folder)
    for n in ("a.yml", "b.yml"):
        shutil.copy(os.path.join(ctx["configs"], "digits_cnn.yml"), os.path.join(folder, n))
        # ../samples relative to the copies
    os.symlink(os.path.join(ctx["zoo"], "samples"), os.path.join(ctx["tmp"], "samples"))
    p = rknnc("-t", "rk3588", "-i", folder, "-o", os.path.join(ctx["tmp"], "dups_out"))
    expect(p.returncode == 2, f"exit {p.returncode}, expected 2")
    errs = error_lines(p.stderr)
    expect(len(errs) == 1 and "b.yml" in errs[0] and "a.yml" in errs[0] and "models.name" in errs[0], f"{errs}")


def check_targets_dedupe_and_flat_layout(ctx):
    out = os.path.join(ctx["tmp"], "flat")
    p = rknnc("-t", "rk3588", "-t", "RK3588", "-i", os.path.join(ctx["configs"], "digits_cnn.yml"), "-o", out)
    expect(p.returncode == 0, p.stderr)
    expect(os.path.isfile(os.path.join(out, "digits_cnn.rknn")), "one model + one target is not flat")
    expect(not os.path.exists(os.path.join(out, "summary.json")), "summary.json for a single job")


def check_usage_errors(ctx):
    p = rknnc("-t", "rk3588,rk9999", "-i", ctx["configs"], "-o", os.path.join(ctx["tmp"], "u"))
    expect(p.returncode == 2 and len(error_lines(p.stderr)) == 1 and "rk9999" in p.stderr, p.stderr)
    empty = os.path.join(ctx["tmp"], "empty_folder")
    os.makedirs(empty)
    p = rknnc("-t", "rk3588", "-i", empty, "-o", os.path.join(ctx["tmp"], "u"))
    expect(p.returncode == 2 and "no *.yml" in p.stderr, p.stderr)
    expect(not os.path.exists(os.path.join(ctx["tmp"], "u")), "a usage error wrote files")


def check_depfiles(ctx):
    out = os.path.join(ctx["tmp"], "dep")
    dep = os.path.join(ctx["tmp"], "all.d")
    p = rknnc("-t", "rk3588", "-i", os.path.join(ctx["configs"], "two_input.yml"), "-o", out, "-M", "--depfile", dep)
    expect(p.returncode == 0, p.stderr)
    text = open(dep).read()
    for needle in ("two_input.rknn", "two_input.yml", "two_input.onnx", "dataset.txt", "calib/depth_3.png",
                   "targets/rk3588.yaml"):
        expect(needle in text, f"depfile lacks {needle}")
    expect(open(os.path.join(out, "two_input.d")).read() == text, "-M and --depfile differ for one job")
    # A depfile that cannot be written is refused before any conversion runs.
    blocker = os.path.join(ctx["tmp"], "a_file")
    open(blocker, "w").close()
    for bad, says in ((os.path.join(blocker, "all.d"), "is a file, so no folder can be made there"),
                      (ctx["tmp"], "is a folder; give a file path")):
        out2 = os.path.join(ctx["tmp"], "dep_bad")
        p = rknnc("-t", "rk3588", "-i", os.path.join(ctx["configs"], "two_input.yml"), "-o", out2, "--depfile", bad)
        expect(p.returncode == 2 and says in p.stderr and len(p.stderr.strip().splitlines()) == 1, p.stderr)
        expect(not os.path.exists(out2), f"--depfile {bad} failed after writing outputs")


def makefile_from_docs():
    text = open(os.path.join(SRC, "docs", "make.md")).read()
    m = re.search(r"<!-- BEGIN Makefile.*?```make\n(.*?)```", text, re.S)
    expect(m, "docs/make.md has no Makefile block")
    return m.group(1)


def make(folder):
    p = subprocess.run(["make", "-j2", f"RKNNC={BIN}"], cwd=folder, capture_output=True, text=True, timeout=300)
    expect(p.returncode == 0, f"make failed: {(p.stdout + p.stderr)[-400:]}")
    return sorted(re.findall(r"-t (\S+) -i configs/(\S+)\.yml", p.stdout))


def check_make_twice(ctx):
    folder = os.path.join(ctx["tmp"], "makezoo")
    make_zoo(folder)
    os.remove(os.path.join(folder, "configs", "broken.yml"))
    with open(os.path.join(folder, "Makefile"), "w") as f:
        f.write(makefile_from_docs())
    all_jobs = sorted((t, m) for t in ("rk3566", "rk3588") for m in ("digits_cnn", "two_input"))
    expect(make(folder) == all_jobs, "first make did not convert every model for every target")
    expect(make(folder) == [], "second make rebuilt something")
    time.sleep(0.01)
    os.utime(os.path.join(folder, "samples", "digits_cnn", "dataset.txt"))
    expect(make(folder) == [("rk3566", "digits_cnn"), ("rk3588", "digits_cnn")], "touching a dataset")
    expect(make(folder) == [], "make after the rebuild is not idle")
    os.utime(os.path.join(folder, "samples", "two_input", "calib", "rgb_2.png"))
    expect(make(folder) == [("rk3566", "two_input"), ("rk3588", "two_input")], "touching a sample")


def check_interrupt(ctx):
    """Many slow-enough jobs on one worker; SIGINT right after the first finishes."""
    out = os.path.join(ctx["tmp"], "interrupt")
    p = subprocess.Popen([BIN, "-t", "rk3588,rk3566,rk3576,rk3562,rv1106,rv1103", "-i", os.path.join(SRC, "configs"),
                          "-o", out, "-j", "1"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    seen = []
    for line in p.stderr:
        seen.append(line)
        if re.match(r"rknnc: \[1/\d+\]", line):
            break
    p.send_signal(signal.SIGINT)
    sent = time.monotonic()
    rest = p.stderr.read()
    code = p.wait(timeout=60)
    stop = time.monotonic() - sent
    ctx["interrupt_seconds"] = stop
    expect(code == 130, f"exit {code}, expected 130: {rest[-300:]}")
    expect(stop < 1.0, f"took {stop:.2f} s to stop after SIGINT")
    expect(not stray_temp_files(out), f"temp files left: {stray_temp_files(out)}")
    doc = summary({"out": out})
    expect(doc["counts"]["cancelled"] > 0 and doc["counts"]["converted"] >= 1, f"counts {doc['counts']}")
    for j in doc["jobs"]:
        complete = j["status"] == "converted"
        for ext in (".rknn", ".build.json", ".inputs.sha256"):
            present = os.path.exists(os.path.join(out, j["target"], j["name"] + ext))
            expect(present == complete, f"{j['target']}/{j['name']}{ext}: {j['status']} but present={present}")
    first = next(j for j in doc["jobs"] if j["status"] == "converted")
    json.load(open(os.path.join(out, first["target"], first["name"] + ".build.json")))
    q = rknnc("inspect", os.path.join(out, first["target"], first["name"] + ".rknn"))
    expect(q.returncode == 0, f"a finished .rknn does not read back: {q.stderr}")
    expect("CRASH" not in rest and not CRASH.search(rest), rest[-300:])


def main():
    tmp = tempfile.mkdtemp(prefix="rknnc_batch_")
    zoo = os.path.join(tmp, "zoo")
    make_zoo(zoo)
    ctx = {"tmp": tmp, "zoo": zoo, "configs": os.path.join(zoo, "configs"), "out": os.path.join(tmp, "out")}
    cases = [
        ("every config for every target, one broken failing alone", check_first_run),
        ("unchanged rerun skips every job", check_unchanged_rerun_skips),
        ("changed dataset converts only that model", check_changed_dataset_converts_that_model),
        ("--force converts again", check_force),
        ("--json prints the summary on stdout", check_json_stdout),
        ("-q prints errors only", check_quiet),
        ("colour only on a terminal, never with NO_COLOR", check_colour),
        ("two configs with one models.name", check_duplicate_names),
        ("-t repeated and case-insensitive, flat layout for one job", check_targets_dedupe_and_flat_layout),
        ("unknown target and empty folder are usage errors", check_usage_errors),
        ("-M and --depfile list every input", check_depfiles),
        ("docs/make.md Makefile: make twice rebuilds nothing, touch rebuilds one model", check_make_twice),
        ("SIGINT after the first job: exit 130, no half-written file", check_interrupt),
    ]
    code = run_cases("batch", cases, ctx)
    if "interrupt_seconds" in ctx:
        print(f"batch: stopped {ctx['interrupt_seconds']:.3f} s after SIGINT")
    shutil.rmtree(tmp, ignore_errors=True)
    return code


if __name__ == "__main__":
    main_exit(main())
