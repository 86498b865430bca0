#!/usr/bin/python3
"""`rknnc hybrid step1 --proposal` (docs/hybrid.md "Proposal"), on rk3588 (JUnit class proposal):

  yolo_scores      samples/yolo_scores (decoded boxes 0-640 and sigmoid scores in one
                   Concat): step1 warns about the Concat, with --proposal it lists
                   it as float16 instead (no warning), step2 builds it; on the 16 test images: score cosine vs fp32 and detections
                   (score > 0.25) kept, for fp32, plain int8, proposal. Plain int8
                   must show the collapse, the proposal must fix it.
  outlier_act      samples/outlier_act: the proposal's layers in float16 raise the
                   logits cosine vs fp32 on the 400 test images (and top-1 is printed)
  max_layers       --max-layers 1 lists exactly one layer
  target_cos       a target the plain model already reaches lists no layer
  comments         every listed layer has a comment with its cosines; the summary
                   names the plain and the proposed output cosine
  deterministic    step1 --proposal twice: byte-identical cfg
  every_config     every configs/*.yml: step1 --proposal --target-cos 0.99999
                   --max-layers 3, then step2 builds exactly the listed layers
  bad_*            bad --target-cos / --max-layers values, the options without
                   --proposal, --proposal on a target without float16: one stderr
                   line, exit 2, nothing written
Prints the tables (the issue asks for the numbers). Env: RKNNC_BIN,
RKNNC_SOURCE_DIR, RKNNC_JUNIT_DIR; RKNNC_KEEP_TMP=1 keeps the work folder."""
import glob
import json
import os
import re
import sys
import tempfile

import numpy as np
import yaml

sys.path.insert(0, os.path.dirname(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "ort"))
from case_runner import SRC, expect, remove_tmp_and_exit, rknnc, run_cases  # noqa: E402
import compare_samples as cs  # noqa: E402

TARGET = "rk3588"
SCORE_THRESHOLD = 0.25
YOLO = os.path.join(SRC, "configs", "yolo_scores.yml")
OUTLIER = os.path.join(SRC, "configs", "outlier_act.yml")


def ok(p, what):
    expect(p.returncode == 0, f"{what}: exit {p.returncode}: {p.stderr.strip()[-300:]}")
    return p


def read(path, mode="r"):
    with open(path, mode) as f:
        return f.read()


def proposal_layers(cfg_text):
    """custom_quantize_layers as (tensor, dtype, comment line above it)."""
    lines = cfg_text.split("\n")
    start = lines.index("custom_quantize_layers:")
    out = []
    for i in range(start + 1, len(lines)):
        if not lines[i].startswith("    "):
            break
        m = re.match(r"^    (\S+): (\w+)$", lines[i])
        if m:
            out.append((m.group(1).strip('"'), m.group(2), lines[i - 1].strip()))
    return out


def step1(ctx, cfg, tag, *flags):
    """step1 with `flags` into a fresh folder; returns (folder, cfg text). Cached per (cfg, flags)."""
    key = (cfg, flags)
    if key not in ctx["step1"]:
        s = cs.Sample(cfg)
        out = os.path.join(ctx["tmp"], f"{s.name}_{tag}")
        ok(rknnc("hybrid", "step1", "-t", TARGET, "-i", cfg, "-o", out, *flags, timeout=900), "hybrid step1")
        ctx["step1"][key] = (out, read(os.path.join(out, s.name + ".quantization.cfg")))
    return ctx["step1"][key]


def build_variants(ctx, cfg, *flags):
    """fp32 (onnxruntime on the source model), plain int8 and proposal (.rknn via step2)
    outputs on the sample's test inputs; returns (outputs by variant, listed layers)."""
    s = cs.Sample(cfg)
    work = os.path.join(ctx["tmp"], s.name + "_variants")
    os.makedirs(work, exist_ok=True)
    raw = np.load(os.path.join(s.folder, "test_inputs.npy")).astype(np.float32).reshape([-1] + s.shapes[0])
    inputs = cs.save_all(work, "raw", [raw])
    ref_dir = cs.ort_run(s.model_path, cs.save_all(work, "norm", s.normalise([raw])), os.path.join(work, "fp32"))
    out = {"fp32": cs.load_outputs(ref_dir, s.outputs, "onnxruntime")[s.outputs[0]]}
    plain = cs.convert(cfg, os.path.join(work, "plain"), s.name, TARGET)
    folder, text = step1(ctx, cfg, "proposal", "--proposal", *flags)
    ok(rknnc("hybrid", "step2", "-t", TARGET, "-i", cfg, "-o", folder), "hybrid step2")
    rknns = {"plain int8": plain, "proposal": os.path.join(folder, s.name + ".rknn")}
    for label, rknn in rknns.items():
        d = cs.rknnc_run(rknn, inputs, os.path.join(work, "run_" + label.replace(" ", "_")))
        out[label] = cs.load_outputs(d, s.outputs, "rknnc run " + label)[s.outputs[0]]
    return out, proposal_layers(text), text


def table(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    return "\n".join(lines)


def yolo_scores(ctx):
    out, layers, text = build_variants(ctx, YOLO)
    listed = [t for t, _, _ in layers]
    expect("output" in listed, f"the proposal does not list the mixed-range Concat 'output': {listed}")
    expect("mixed ranges" in dict((t, c) for t, _, c in layers)["output"], "no mixed-range comment on 'output'")
    warned = {}
    for label, flags in (("plain", []), ("proposal", ["--proposal"])):
        p = ok(rknnc("hybrid", "step1", "-t", TARGET, "-i", YOLO, "-o", os.path.join(ctx["tmp"], "warn_" + label),
                     *flags), "step1")
        warned[label] = "Concat 'output'" in p.stderr
    expect(warned == {"plain": True, "proposal": False},
           f"the mixed-range warning should come without --proposal only (it lists the fix): {warned}")
    n = out["fp32"].size // (8 * 64)
    ys = {k: v.reshape(n, 8, 64) for k, v in out.items()}
    ref_scores, ref_boxes = ys["fp32"][:, 4:, :], ys["fp32"][:, :4, :]
    ref_det = ref_scores > SCORE_THRESHOLD
    rows, stats = [], {}
    for label, y in ys.items():
        det = y[:, 4:, :] > SCORE_THRESHOLD
        kept, extra = int(np.sum(det & ref_det)), int(np.sum(det & ~ref_det))
        stats[label] = (cs.cosine(y[:, 4:, :], ref_scores), kept)
        rows.append([label, f"{cs.cosine(y[:, 4:, :], ref_scores):.6f}", f"{cs.cosine(y[:, :4, :], ref_boxes):.6f}",
                     f"{float(np.max(y[:, 4:, :])):.3f}", f"{kept} / {int(np.sum(ref_det))}", extra])
    rows.append(["per-input requantisation", "not used: rk3588 runs float16 (see docs/quantization.md)", "", "", "", ""])
    ctx["tables"].append(
        f"yolo_scores on {TARGET}, {n} test images, detection = score > {SCORE_THRESHOLD}; proposal layers: {listed}\n"
        + table(["variant", "score cosine vs fp32", "box cosine vs fp32", "max score", "detections kept", "extra"],
                rows))
    expect(stats["plain int8"][0] < 0.5 and stats["plain int8"][1] == 0,
           f"plain int8 does not show the score collapse: {stats['plain int8']}")
    expect(stats["proposal"][0] > 0.999 and stats["proposal"][1] >= 0.95 * int(np.sum(ref_det)),
           f"the proposal does not fix the scores: {stats['proposal']}")


def outlier_act(ctx):
    out, layers, text = build_variants(ctx, OUTLIER)
    expect(layers, "the proposal lists no layer")
    labels = np.load(os.path.join(SRC, "samples", "outlier_act", "test_labels.npy"))
    n = len(labels)
    ys = {k: v.reshape(n, -1) for k, v in out.items()}
    rows, cos = [], {}
    for label, y in ys.items():
        cos[label] = cs.cosine(y, ys["fp32"])
        top1 = int(np.sum(np.argmax(y, 1) == labels))
        rows.append([label, f"{cos[label]:.6f}", f"{100.0 * top1 / n:.2f} % ({top1}/{n})"])
    summary = [l.strip("# ").strip() for l in text.split("\n") if l.startswith("    # ") and "int8" in l][:2]
    ctx["tables"].append(
        f"outlier_act on {TARGET}, {n} test images; proposal layers: {[t for t, _, _ in layers]}\n"
        + "\n".join(f"  {t}: {c}" for t, _, c in layers) + "\n" + "\n".join("  " + s for s in summary) + "\n"
        + table(["variant", "logits cosine vs fp32", "top-1"], rows))
    expect(cos["proposal"] > cos["plain int8"], f"the proposal lowers the cosine: {cos}")


def max_layers(ctx):
    _, text = step1(ctx, OUTLIER, "k1", "--proposal", "--max-layers", "1", "--target-cos", "1")
    layers = proposal_layers(text)
    ctx["numbers"].append(f"--max-layers 1 --target-cos 1 (outlier_act): {[t for t, _, _ in layers]}")
    expect(len(layers) == 1, f"--max-layers 1 listed {len(layers)} layers")
    expect("--max-layers 1 reached" in text, "the summary does not say why it stopped")


def target_cos(ctx):
    _, text = step1(ctx, OUTLIER, "t05", "--proposal", "--target-cos", "0.5")
    layers = proposal_layers(text)
    ctx["numbers"].append(f"--target-cos 0.5 (outlier_act): {len(layers)} layers")
    expect(not layers, f"a target the plain model reaches still listed {layers}")
    expect("target 0.5 reached" in text, "the summary does not say the target was reached")


def comments(ctx):
    _, text = step1(ctx, OUTLIER, "proposal", "--proposal")
    for tensor, dtype, comment in proposal_layers(text):
        expect(dtype == "float16", f"{tensor}: {dtype}")
        expect(re.search(r"output cosine goes [0-9.]+ -> [0-9.]+|output cosine [0-9.]+ -> [0-9.]+", comment)
               or re.search(r"reads '[^']+' \(proposal \d+\)", comment), f"{tensor}: comment without a reason: {comment}")
    expect(re.search(r"[0-9.]+ in plain int8, [0-9.]+ with the \d+ layer", text), "no summary line")
    doc = yaml.safe_load(text)
    expect(isinstance(doc["custom_quantize_layers"], dict), "custom_quantize_layers is not a mapping")


def deterministic(ctx):
    a, _ = step1(ctx, YOLO, "proposal", "--proposal")
    b = os.path.join(ctx["tmp"], "yolo_again")
    ok(rknnc("hybrid", "step1", "-t", TARGET, "-i", YOLO, "-o", b, "--proposal"), "step1 again")
    for suffix in (".quantization.cfg", ".model", ".data"):
        expect(read(os.path.join(a, "yolo_scores" + suffix), "rb") == read(os.path.join(b, "yolo_scores" + suffix), "rb"),
               f"yolo_scores{suffix} differs between two runs")


def every_config(ctx):
    """Each configs/*.yml: a demanding proposal (--target-cos 0.99999 --max-layers 3) goes through step2
    as written, and build.json's float16 layers are the listed ones."""
    for cfg in sorted(glob.glob(os.path.join(SRC, "configs", "*.yml"))):
        name = cs.Sample(cfg).name
        folder, text = step1(ctx, cfg, "demanding", "--proposal", "--target-cos", "0.99999", "--max-layers", "3")
        listed = sorted(t for t, _, _ in proposal_layers(text))
        expect(len(listed) <= 3, f"{name}: {len(listed)} layers listed with --max-layers 3")
        ok(rknnc("hybrid", "step2", "-t", TARGET, "-i", cfg, "-o", folder), f"{name}: step2 with the proposal")
        with open(os.path.join(folder, name + ".build.json")) as f:
            got = sorted(json.load(f)["quantization"]["hybrid"]["float16_layers"])
        ctx["numbers"].append(f"every_config {name}: {listed}")
        expect(got == listed, f"{name}: build.json float16 layers {got}, the cfg lists {listed}")


def bad(ctx, what, args, pattern, target=TARGET):
    out = os.path.join(ctx["tmp"], "bad_" + what)
    p = rknnc("hybrid", "step1", "-t", target, "-i", YOLO, "-o", out, *args)
    err = p.stderr.strip()
    ctx["numbers"].append(f"bad {what}: exit {p.returncode}: {err}")
    expect(p.returncode == 2, f"exit {p.returncode}, expected 2: {err}")
    expect(len(err.splitlines()) == 1 and err.startswith("rknnc: error: "), f"not one error line: {err!r}")
    expect(re.search(pattern, err), f"does not say /{pattern}/: {err}")
    written = os.listdir(out) if os.path.exists(out) else []
    expect(not written, f"files written: {written}")


BAD = [
    ("target_cos_above_1", ["--proposal", "--target-cos", "1.5"], r"--target-cos 1\.5: .*\(0, 1\]"),
    ("target_cos_zero", ["--proposal", "--target-cos", "0"], r"--target-cos 0: "),
    ("target_cos_text", ["--proposal", "--target-cos", "high"], r"--target-cos high: "),
    ("target_cos_nan", ["--proposal", "--target-cos", "nan"], r"--target-cos nan: "),
    ("max_layers_zero", ["--proposal", "--max-layers", "0"], r"--max-layers 0: .*>= 1"),
    ("max_layers_negative", ["--proposal", "--max-layers", "-2"], r"--max-layers -2: "),
    ("max_layers_fraction", ["--proposal", "--max-layers", "1.5"], r"--max-layers 1\.5: "),
    ("target_cos_without_proposal", ["--target-cos", "0.99"], r"--target-cos requires --proposal"),
    ("max_layers_without_proposal", ["--max-layers", "2"], r"--max-layers requires --proposal"),
]


def main():
    tmp = tempfile.mkdtemp(prefix="rknnc-proposal.")
    ctx = {"tmp": tmp, "step1": {}, "numbers": [], "tables": []}
    cases = [("yolo_scores", yolo_scores), ("outlier_act", outlier_act), ("max_layers", max_layers),
             ("target_cos", target_cos), ("comments", comments), ("deterministic", deterministic),
             ("every_config", every_config)]
    for what, args, pattern in BAD:
        cases.append((f"bad_{what}", lambda c, w=what, a=args, p=pattern: bad(c, w, a, p)))
    cases.append(("bad_int8_only_target",
                  lambda c: bad(c, "int8_only_target", ["--proposal"], r"--proposal: rv1106 runs only int8", "rv1106")))
    code = run_cases("proposal", cases, ctx)
    print("\n\n".join(ctx["tables"]))
    print("\n".join(ctx["numbers"]))
    remove_tmp_and_exit(tmp, code)


if __name__ == "__main__":
    main()
