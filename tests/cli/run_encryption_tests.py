#!/usr/bin/env python3
"""Model encryption from the command line (docs/encryption.md): for each level,
`rknnc encrypt` then `rknnc run` gives outputs byte-identical to the plain
model; encryption during conversion (configs.encrypt_level); determinism;
key errors (missing, wrong, short, level 4) as one-line errors; a level-3 file
holds no tensor name and no 16-byte run of any weight; build.json holds no key
material; a sample of byte flips and truncations of plain and encrypted files
through `run` / `inspect` are one-line exit-1 errors.

The 1,000-flip / 100-truncation runs are in-process in the unit tests
(tests/unit/test_envelope.cpp); this is the CLI's share."""
import json
import os
import random
import struct
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
from case_runner import SRC, expect, main_exit, rknnc, run_cases  # noqa: E402

CONFIG = os.path.join(SRC, "configs", "digits_cnn.yml")
SAMPLE = os.path.join(SRC, "samples", "digits_cnn")
INPUT = os.path.join(SAMPLE, "demo_input.npy")


def one_line_error(p, code, *needles):
    lines = p.stderr.strip().splitlines()
    expect(p.returncode == code, f"exit {p.returncode}, expected {code}: {p.stderr.strip()[:300]}")
    expect(len(lines) == 1 and lines[0].startswith("rknnc: error: "), f"not one error line: {p.stderr[:400]!r}")
    for n in needles:
        expect(n in lines[0], f"{n!r} not in {lines[0]!r}")
    return lines[0]


def run_outputs(ctx, model, out, *extra, env=None):
    p = rknnc("run", model, "--input", INPUT, "-o", out, *extra, env=env)
    expect(p.returncode == 0, f"run {os.path.basename(model)} failed: {p.stderr.strip()}")
    return {f: open(os.path.join(out, f), "rb").read() for f in sorted(os.listdir(out))}


def encrypt(ctx, level, out, key=None):
    p = rknnc("encrypt", ctx["plain"], "--level", level, "--key-file", key or ctx["key"], "-o", out)
    expect(p.returncode == 0, f"encrypt --level {level} failed: {p.stderr.strip()}")
    expect(p.stdout.strip() == out, f"encrypt printed {p.stdout!r}")
    return open(out, "rb").read()


def write_yaml(path, extra):
    text = (f"models:\n  name: digits_cnn\n  platform: onnx\n  model_file_path: {SAMPLE}/digits_cnn.onnx\n"
            f"  subgraphs:\n    input_size_list:\n      - 1,1,8,8\n  quantize: true\n"
            f"  dataset: {SAMPLE}/dataset.txt\n  configs:\n    mean_values: [77.83]\n    std_values: [95.88]\n{extra}")
    with open(path, "w") as f:
        f.write(text)
    return path


# --- a minimal reader of the plain container (docs/rknn-format.md §1, §4, §5), independent of rknnc ---

def sections(data):
    count = struct.unpack_from("<H", data, 10)[0]
    out = {}
    for i in range(count):
        kind, _, offset, length = struct.unpack_from("<IIQQ", data, 24 + 32 * i)
        out[kind] = data[offset:offset + length]
    return out


def tensors_and_weights(data):
    """[(name, stored bytes or None)] of the tensors section; weights from the weights section."""
    sec = sections(data)
    t, weights = sec[3], sec[4]
    pos = 0

    def take(fmt):
        nonlocal pos
        v = struct.unpack_from(fmt, t, pos)
        pos += struct.calcsize(fmt)
        return v[0] if len(v) == 1 else v

    def string():
        nonlocal pos
        n = take("<I")
        s = t[pos:pos + n]
        pos += n
        return s

    out = []
    for _ in range(take("<I")):
        name = string()
        flags = take("<B")
        take("<B")  # dtype
        rank = take("<I")
        pos += 8 * rank  # dims
        string()  # layout
        take("<B")  # c2
        string()  # qtype
        take("<i")  # axis
        scales = take("<I")
        pos += 4 * scales
        zero_points = take("<I")
        pos += 4 * zero_points
        stored = None
        if flags & 4:
            offset, length = take("<Q"), take("<Q")
            stored = weights[offset:offset + length]
        out.append((name, stored))
    expect(pos == len(t), "tensors section not fully read")
    return out


def name_leaks(data, entries):
    """Tensor names of the plain model found in `data`: as stored (u32 length + bytes), or bare when 6+ bytes long."""
    return [f"name {n.decode(errors='replace')!r}" for n, _ in entries
            if struct.pack("<I", len(n)) + n in data or (len(n) >= 6 and n in data)]


def weight_leaks(data, entries):
    """Constants of which some 16-byte run (at a multiple of 16; not one repeated byte, which padding also
    is) is found in `data`."""
    found = []
    for name, stored in entries:
        for at in range(0, len(stored or b"") - 15, 16):
            run = stored[at:at + 16]
            if len(set(run)) > 1 and run in data:
                found.append(f"16 bytes of {name.decode(errors='replace')!r} at {at}")
                break
    return found


# --- cases ---

def setup(ctx):
    tmp = ctx["tmp"]
    rng = random.Random(12)
    for name, size in (("k.key", 32), ("other.key", 48)):
        with open(os.path.join(tmp, name), "wb") as f:
            f.write(bytes(rng.randrange(256) for _ in range(size)))
    ctx["key"], ctx["other"] = os.path.join(tmp, "k.key"), os.path.join(tmp, "other.key")
    p = rknnc("-t", "rk3588", "-i", CONFIG, "-o", os.path.join(tmp, "plain"))
    expect(p.returncode == 0, f"conversion failed: {p.stderr.strip()}")
    ctx["plain"] = os.path.join(tmp, "plain", "digits_cnn.rknn")
    ctx["plain_outputs"] = run_outputs(ctx, ctx["plain"], os.path.join(tmp, "plain_out"))


def round_trip(level):
    def check(ctx):
        out = os.path.join(ctx["tmp"], f"l{level}.crypt.rknn")
        encrypt(ctx, level, out)
        got = run_outputs(ctx, out, os.path.join(ctx["tmp"], f"l{level}_out"), "--key-file", ctx["key"])
        expect(got == ctx["plain_outputs"], f"level {level}: outputs differ from the plain model's")
        info = json.loads(rknnc("inspect", out, "--json", "--key-file", ctx["key"]).stdout)
        expect(info["encryption"] == {"level": level, "cipher": "AES-256-GCM"}, f"inspect: {info['encryption']}")
        expect(info["model_name"] == "digits_cnn", "inspect does not show the decrypted metadata")
    return check


def default_name_and_determinism(ctx):
    p = rknnc("encrypt", ctx["plain"], "--key-file", ctx["key"])
    expected = os.path.join(os.path.dirname(ctx["plain"]), "digits_cnn.crypt.rknn")
    expect(p.returncode == 0 and p.stdout.strip() == expected, f"default output: {p.stdout!r} {p.stderr!r}")
    first = open(expected, "rb").read()
    expect(first == encrypt(ctx, 1, os.path.join(ctx["tmp"], "again.crypt.rknn")), "level 1 twice differs")
    for level in (2, 3):
        a = encrypt(ctx, level, os.path.join(ctx["tmp"], f"d{level}a.rknn"))
        b = encrypt(ctx, level, os.path.join(ctx["tmp"], f"d{level}b.rknn"))
        expect(a == b, f"level {level}: encrypting twice gives different bytes")
    other = encrypt(ctx, 3, os.path.join(ctx["tmp"], "other3.rknn"), key=ctx["other"])
    expect(other != a, "another key gives the same bytes")


def key_from_environment(ctx):
    out = os.path.join(ctx["tmp"], "env.crypt.rknn")
    encrypt(ctx, 2, out)
    env = dict(os.environ, RKNNC_KEY_FILE=ctx["key"])
    got = run_outputs(ctx, out, os.path.join(ctx["tmp"], "env_out"), env=env)
    expect(got == ctx["plain_outputs"], "RKNNC_KEY_FILE: outputs differ")
    p = rknnc("inspect", out, env=env)
    expect(p.returncode == 0 and "encryption:     level 2 (AES-256-GCM)" in p.stdout, f"inspect text: {p.stdout[:300]}")
    qdq = os.path.join(ctx["tmp"], "env.qdq.onnx")
    p = rknnc("export-qdq", out, "-o", qdq, "--key-file", ctx["key"])
    expect(p.returncode == 0 and os.path.getsize(qdq) > 1000, f"export-qdq with the key: {p.stderr.strip()}")


def missing_key(ctx):
    out = os.path.join(ctx["tmp"], "l3.crypt.rknn")
    for args in (("run", out, "--input", INPUT, "-o", os.path.join(ctx["tmp"], "nokey")), ("inspect", out),
                 ("export-qdq", out, "-o", os.path.join(ctx["tmp"], "nokey.onnx"))):
        p = rknnc(*args)
        one_line_error(p, 2, out, "encrypted (level 3)", "--key-file", "RKNNC_KEY_FILE")
    expect(not os.path.exists(os.path.join(ctx["tmp"], "nokey")), "run without key wrote outputs")
    p = rknnc("encrypt", ctx["plain"])
    one_line_error(p, 2, "--key-file")


def wrong_key(ctx):
    out = os.path.join(ctx["tmp"], "l3.crypt.rknn")
    for args in (("run", out, "--input", INPUT, "-o", os.path.join(ctx["tmp"], "wrong")), ("inspect", out)):
        one_line_error(rknnc(*args, "--key-file", ctx["other"]), 2, out, "another key", "other.key")


def bad_key_files(ctx):
    tmp = ctx["tmp"]
    secret = b"0123456789"
    for name, content, needle in (("short.key", secret, "has 10 bytes"), ("empty.key", b"", "is empty")):
        path = os.path.join(tmp, name)
        with open(path, "wb") as f:
            f.write(content)
        for args in (("encrypt", ctx["plain"], "--key-file", path, "-o", os.path.join(tmp, "short.rknn")),
                     ("inspect", ctx["plain"], "--key-file", path)):
            line = one_line_error(rknnc(*args), 2, name, needle, "at least 32")
            expect(content == b"" or secret.decode() not in line, "the key's bytes are in the message")
    expect(not os.path.exists(os.path.join(tmp, "short.rknn")), "a refused key still wrote a file")
    one_line_error(rknnc("encrypt", ctx["plain"], "--key-file", os.path.join(tmp, "none.key")), 2, "none.key",
                   "not found")


def level_4(ctx):
    tmp = ctx["tmp"]
    one_line_error(rknnc("encrypt", ctx["plain"], "--level", "4", "--key-file", ctx["key"]), 2, "--level")
    y = write_yaml(os.path.join(tmp, "level4.yml"), f"    encrypt_level: 4\n    encrypt_key_file: {ctx['key']}\n")
    one_line_error(rknnc("-t", "rk3588", "-i", y, "-o", os.path.join(tmp, "level4")), 2, "configs.encrypt_level")
    y = write_yaml(os.path.join(tmp, "nokey.yml"), "    encrypt_level: 2\n")
    one_line_error(rknnc("-t", "rk3588", "-i", y, "-o", os.path.join(tmp, "level2")), 2, "configs.encrypt_key_file")
    expect(not os.path.exists(os.path.join(tmp, "level4")) and not os.path.exists(os.path.join(tmp, "level2")),
           "a refused config wrote outputs")


def refused_inputs(ctx):
    out = os.path.join(ctx["tmp"], "l3.crypt.rknn")
    one_line_error(rknnc("encrypt", out, "--key-file", ctx["key"], "-o", os.path.join(ctx["tmp"], "twice.rknn")), 2,
                   "already encrypted (level 3)")
    one_line_error(rknnc("encrypt", CONFIG, "--key-file", ctx["key"]), 2, "not a .rknn file")
    y = write_yaml(os.path.join(ctx["tmp"], "rv.yml"), f"    encrypt_level: 1\n    encrypt_key_file: {ctx['key']}\n")
    one_line_error(rknnc("-t", "rv1106", "-i", y, "-o", os.path.join(ctx["tmp"], "rv")), 2, "rv1106",
                   "no model encryption")


def convert_encrypted(ctx):
    tmp = ctx["tmp"]
    y = write_yaml(os.path.join(tmp, "enc.yml"), "    encrypt_level: 3\n    encrypt_key_file: k.key\n")
    for d in ("yaml_a", "yaml_b"):
        p = rknnc("-t", "rk3588", "-i", y, "-o", os.path.join(tmp, d))
        expect(p.returncode == 0, f"conversion with encrypt_level failed: {p.stderr.strip()}")
    files = sorted(os.listdir(os.path.join(tmp, "yaml_a")))
    expect("digits_cnn.crypt.rknn" in files and "digits_cnn.rknn" not in files, f"outputs: {files}")
    a = open(os.path.join(tmp, "yaml_a", "digits_cnn.crypt.rknn"), "rb").read()
    expect(a == open(os.path.join(tmp, "yaml_b", "digits_cnn.crypt.rknn"), "rb").read(), "two conversions differ")
    got = run_outputs(ctx, os.path.join(tmp, "yaml_a", "digits_cnn.crypt.rknn"), os.path.join(tmp, "yaml_out"),
                      "--key-file", ctx["key"])
    expect(got == ctx["plain_outputs"], "converted encrypted model: outputs differ from the plain model's")
    # No key material in build.json (raw, hex or base64-ish), no key path in the .rknn.
    key = open(ctx["key"], "rb").read()
    report = open(os.path.join(tmp, "yaml_a", "digits_cnn.build.json"), "rb").read()
    for form in (key, key.hex().encode(), key[:16], key[16:]):
        expect(form not in report, "build.json holds key material")
    doc = json.loads(report)
    expect(doc["config"]["configs"]["encrypt_level"] == 3, "build.json does not echo encrypt_level")
    expect(b"k.key" not in a, "the encrypted .rknn holds the key file's name")
    expect(key not in a and key.hex().encode() not in a, "the .rknn holds the key")


def batch_rebuilds_on_another_key(ctx):
    tmp = os.path.join(ctx["tmp"], "batch")
    os.makedirs(tmp)
    key = os.path.join(tmp, "b.key")
    y = write_yaml(os.path.join(tmp, "b.yml"), "    encrypt_level: 1\n    encrypt_key_file: b.key\n")

    def counts(key_bytes):
        if key_bytes is not None:
            with open(key, "wb") as f:
                f.write(key_bytes)
        p = rknnc("-t", "rk3588,rk3566", "-i", y, "-o", os.path.join(tmp, "out"), "--json", "-q")
        expect(p.returncode == 0, f"batch failed: {p.stderr.strip()}")
        doc = json.loads(p.stdout)
        files = sorted(o["file"] for j in doc["jobs"] for o in j["outputs"] if o["file"].endswith("rknn"))
        expect(files == ["rk3566/digits_cnn.crypt.rknn", "rk3588/digits_cnn.crypt.rknn"], f"outputs {files}")
        return doc["counts"]["converted"], doc["counts"]["skipped"]

    expect(counts(b"A" * 32) == (2, 0), "first batch did not convert")
    expect(counts(None) == (0, 2), "unchanged inputs were not skipped")
    expect(counts(b"B" * 32) == (2, 0), "another key did not convert again")


def no_leaks_at_level_3(ctx):
    plain = open(ctx["plain"], "rb").read()
    entries = tensors_and_weights(plain)
    weights = [e for e in entries if e[1] is not None and len(e[1]) >= 16]
    expect(len(entries) > 10 and len(weights) >= 4, f"{len(entries)} tensors, {len(weights)} weights")
    expect(len(name_leaks(plain, entries)) == len(entries) and len(weight_leaks(plain, weights)) == len(weights),
           "the leak check does not find the names and weights in the plain file")
    level1 = open(os.path.join(ctx["tmp"], "l1.crypt.rknn"), "rb").read()
    expect(len(name_leaks(level1, entries)) == len(entries), "level 1 hides the names (it should not)")
    expect(not weight_leaks(level1, weights), "level 1 shows weight bytes")
    for path in (os.path.join(ctx["tmp"], "l3.crypt.rknn"), os.path.join(ctx["tmp"], "yaml_a", "digits_cnn.crypt.rknn")):
        data = open(path, "rb").read()
        found = name_leaks(data, entries) + weight_leaks(data, weights)
        expect(not found, f"{os.path.basename(path)}: {found[:5]}")
    print(f"     checked {len(entries)} tensor names and {len(weights)} weights "
          f"({sum(len(w) // 16 for _, w in weights)} 16-byte runs) against level 3")


def tamper_sample(ctx):
    rng = random.Random(20261204)
    tmp = ctx["tmp"]
    counts = {"flips": 0, "truncations": 0}
    for label, path, extra in (("plain", ctx["plain"], ()), ("level3", os.path.join(tmp, "l3.crypt.rknn"),
                                                            ("--key-file", ctx["key"]))):
        data = open(path, "rb").read()
        for i in range(25):
            bad = bytearray(data)
            if i < 20:
                at = rng.randrange(len(bad))
                bad[at] ^= rng.randrange(1, 256)
                counts["flips"] += 1
            else:
                bad = bad[:rng.randrange(len(bad))]
                counts["truncations"] += 1
            f = os.path.join(tmp, f"bad_{label}.rknn")
            with open(f, "wb") as out:
                out.write(bad)
            cmd = ("run", f, "--input", INPUT, "-o", os.path.join(tmp, "bad_out")) if i % 2 else ("inspect", f)
            one_line_error(rknnc(*cmd, *extra), 1, f)
            expect(not os.path.exists(os.path.join(tmp, "bad_out")), "a damaged model wrote outputs")
    print(f"     {counts['flips']} flips, {counts['truncations']} truncations: each exit 1, one stderr line")


def main():
    with tempfile.TemporaryDirectory() as tmp:
        ctx = {"tmp": tmp}
        cases = [("setup: convert digits_cnn, run the plain model", setup)]
        cases += [(f"round trip level {lv}: encrypt, run = plain outputs", round_trip(lv)) for lv in (1, 2, 3)]
        cases += [
            ("default name {name}.crypt.rknn, deterministic", default_name_and_determinism),
            ("RKNNC_KEY_FILE opens the model; export-qdq --key-file", key_from_environment),
            ("missing key: one line, exit 2", missing_key),
            ("wrong key: one line, exit 2", wrong_key),
            ("short / empty / absent key file: one line, exit 2", bad_key_files),
            ("level 4 and half the YAML keys: one line, exit 2", level_4),
            ("encrypted input, non-.rknn input, target without encryption: exit 2", refused_inputs),
            ("configs.encrypt_level converts to {name}.crypt.rknn only; no key in build.json", convert_encrypted),
            ("batch: {name}.crypt.rknn per target, another key converts again", batch_rebuilds_on_another_key),
            ("level 3 holds no tensor name and no 16-byte run of any weight", no_leaks_at_level_3),
            ("20 flips + 5 truncations of plain and level-3 files via run/inspect: exit 1, one line", tamper_sample),
        ]
        main_exit(run_cases("encryption", cases, ctx))


if __name__ == "__main__":
    main()
