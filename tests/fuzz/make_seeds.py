#!/usr/bin/env python3
"""Collects the fuzz seed corpus into OUT/<harness>/ (docs/fuzzing.md).

usage: make_seeds.py OUT [--rknnc BIN]

Seeds are the project's own samples and test fixtures (configs/*.yml,
tests/cli/cases/*.yml, small samples/*/*.onnx and tests/cli/models/*.onnx, the
ONNX node-test models rknnc claims, .npy files, calibration images,
dataset.txt files) plus a few hand-made inputs written below (npy dtypes and
header versions, a BMP, YAML anchors and merge keys, dataset list syntax).
With --rknnc (or $RKNNC_BIN), small models are converted to .rknn for the
.rknn reader: float, quantised, compressed weights, removed weights, two
inputs, and the float and two-input models encrypted at levels 1-3 with the
fixed test key of fuzz_rknn.cpp. Only the standard library: `make fuzz` needs no test packages.
"""
import argparse
import glob
import os
import shutil
import struct
import subprocess
import sys
import tempfile

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
MAX_ONNX_BYTES = 64 * 1024  # bigger models slow every execution down
IMAGES_PER_FOLDER = 4


def rel(*pattern):
    return sorted(glob.glob(os.path.join(ROOT, *pattern)))


def put(out, harness, name, data):
    os.makedirs(os.path.join(out, harness), exist_ok=True)
    with open(os.path.join(out, harness, name), "wb") as f:
        f.write(data)


def read(path):
    with open(path, "rb") as f:
        return f.read()


def seed_name(path):
    return os.path.relpath(path, ROOT).replace(os.sep, "__")


def npy(descr, shape, data, version=1, fortran=False):
    header = "{'descr': '%s', 'fortran_order': %s, 'shape': (%s), }" % (
        descr, "True" if fortran else "False", "".join(f"{d}," for d in shape))
    size_bytes = 2 if version == 1 else 4
    pad = (-(6 + 2 + size_bytes + len(header) + 1)) % 64
    header = header + " " * pad + "\n"
    return (b"\x93NUMPY" + bytes([version, 0]) + len(header).to_bytes(size_bytes, "little")
            + header.encode("latin1") + data)


def bmp(width, height):
    row = bytes((x * 40 + y * 20) % 256 for x in range(width) for y in range(3))
    row += b"\0" * ((-len(row)) % 4)
    pixels = row * height
    info = struct.pack("<IiiHHIIiiII", 40, width, height, 1, 24, 0, len(pixels), 2835, 2835, 0, 0)
    return b"BM" + struct.pack("<IHHI", 14 + len(info) + len(pixels), 0, 0, 14 + len(info)) + info + pixels


YAML_SEEDS = {
    "anchors.yml": b"""base: &cfg
  quantized_dtype: asymmetric_quantized-8
  mean_values: [[0, 0, 0]]
models:
  name: tiny
  platform: onnx
  model_file_path: tiny.onnx
  subgraphs: {input_size_list: ["1,3,8,8"], inputs: [images], outputs: [out]}
  configs:
    <<: *cfg
    std_values: [[1, 1, 1]]
""",
    "list.yml": b"""models:
  - {name: a, platform: onnx, model_file_path: a.onnx, quantize: false}
  - name: b
    platform: onnx
    model_file_path: b.onnx
    quantize: true
    dataset: dataset.txt
    configs: {dynamic_input: [[[1,3,8,8]], [[1,3,16,16]]], op_target: {out: cpu}}
""",
    "aliases.yml": b"a: &a [x, x]\nb: &b [*a, *a]\nc: &c [*b, *b]\nmodels: {name: m, platform: onnx, model_file_path: m.onnx}\n",
}

DATASET_SEEDS = {  # first byte: the model's input count
    "one.txt": b"\x01a.jpg\n# comment\n\nb.png\r\nc.npy\n d.bmp\n",
    "two.txt": b"\x02a.jpg c.npy\nb.png\td.bmp\n",
    "missing.txt": b"\x01nothere.jpg\n",
}


def collect_files(out):
    for p in rel("configs", "*.yml") + rel("tests", "cli", "cases", "*.yml"):
        put(out, "fuzz_yaml_config", seed_name(p), read(p))
    for name, data in YAML_SEEDS.items():
        put(out, "fuzz_yaml_config", "hand__" + name, data)

    for p in rel("samples", "*", "*.onnx") + rel("tests", "cli", "models", "*.onnx"):
        if os.path.getsize(p) <= MAX_ONNX_BYTES:
            put(out, "fuzz_onnx", seed_name(p), read(p))
    node_data = os.environ.get("ONNX_TESTDATA", "/usr/share/libonnx-testdata/data")
    with open(os.path.join(ROOT, "tests", "onnx_node", "cases.txt")) as f:
        cases = [line.strip() for line in f if line.strip() and not line.startswith("#")]
    for case in cases:
        model = os.path.join(node_data, "node", case, "model.onnx")
        if os.path.isfile(model):
            put(out, "fuzz_onnx", "node__" + case + ".onnx", read(model))

    for p in rel("samples", "*", "*.npy"):
        if os.path.getsize(p) <= 16 * 1024:
            put(out, "fuzz_npy", seed_name(p), read(p))
    for descr, size in [("<f4", 4), ("<f8", 8), ("<f2", 2), ("|i1", 1), ("|u1", 1), ("<i2", 2), ("<i4", 4),
                        ("<i8", 8), ("|b1", 1), (">f4", 4)]:
        put(out, "fuzz_npy", f"hand__{descr[1:]}.npy", npy(descr, (1, 3, 2, 2), bytes(range(12 * size))))
    put(out, "fuzz_npy", "hand__scalar.npy", npy("<f4", (), b"\0\0\x80?"))
    put(out, "fuzz_npy", "hand__v2.npy", npy("<f4", (2,), bytes(8), version=2))
    put(out, "fuzz_npy", "hand__fortran.npy", npy("<f4", (2, 2), bytes(16), fortran=True))

    images = []
    for folder in rel("samples", "*", "calib"):
        for ext in ("*.jpg", "*.png", "*.bmp"):
            images += sorted(glob.glob(os.path.join(folder, ext)))[:IMAGES_PER_FOLDER]
    for i, p in enumerate(images):  # first byte: channels and resize target
        put(out, "fuzz_image", seed_name(p), bytes([i * 7 % 256]) + read(p))
    put(out, "fuzz_image", "hand__rgb.bmp", b"\x01" + bmp(5, 3))

    for p in rel("samples", "*", "dataset.txt"):
        with open(p, "rb") as f:
            first = f.readline().split()
        put(out, "fuzz_dataset_list", seed_name(p), bytes([len(first)]) + read(p))
    for name, data in DATASET_SEEDS.items():
        put(out, "fuzz_dataset_list", "hand__" + name, data)


RKNN_CONFIGS = {
    "float": "",
    "quant": "  quantize: true\n  dataset: dataset.txt\n",
    "compressed": "  configs: {compress_weight: true}\n",
    "removed": "  configs: {remove_weight: true}\n",
}


# The key material fuzz_rknn.cpp opens encrypted files with (kTestKey there).
TEST_KEY = b"rknnc fuzz test key, not a secret: 0123456789"


def encrypt_rknn(out, rknnc, work):
    """The float and two-input models encrypted at each level with the test key."""
    key = os.path.join(work, "test.key")
    with open(key, "wb") as f:
        f.write(TEST_KEY)
    for kind in ("float", "two_input"):
        for level in (1, 2, 3):
            dest = os.path.join(out, "fuzz_rknn", f"{kind}.level{level}.crypt.rknn")
            run([rknnc, "encrypt", os.path.join(out, "fuzz_rknn", kind + ".rknn"), "-o", dest,
                 "--level", str(level), "--key-file", key])


def run(cmd):
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"make_seeds: {' '.join(cmd)} failed: {p.stderr.strip()}")


def convert_rknn(out, rknnc):
    """Small .rknn files of several kinds, converted now (the format changes with the code)."""
    with tempfile.TemporaryDirectory(prefix="rknnc-seeds-") as work:
        shutil.copy(os.path.join(ROOT, "tests", "cli", "models", "tiny.onnx"), work)
        with open(os.path.join(work, "calib.npy"), "wb") as f:
            f.write(npy("<f4", (1, 3, 8, 8), struct.pack("<192f", *[(i % 17) / 8.0 for i in range(192)])))
        with open(os.path.join(work, "dataset.txt"), "w") as f:
            f.write("calib.npy\n")
        jobs = []
        for kind, extra in RKNN_CONFIGS.items():
            yml = os.path.join(work, kind + ".yml")
            with open(yml, "w") as f:
                f.write(f"models:\n  name: {kind}\n  platform: onnx\n  model_file_path: tiny.onnx\n{extra}")
            jobs.append((kind, yml))
        jobs.append(("two_input", os.path.join(ROOT, "configs", "two_input.yml")))
        for kind, yml in jobs:
            run([rknnc, "-t", "rk3588", "-i", yml, "-o", os.path.join(work, "out")])
            put(out, "fuzz_rknn", kind + ".rknn", read(os.path.join(work, "out", kind + ".rknn")))
        encrypt_rknn(out, rknnc, work)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--rknnc", default=os.environ.get("RKNNC_BIN"))
    args = ap.parse_args()
    shutil.rmtree(args.out, ignore_errors=True)
    collect_files(args.out)
    if args.rknnc:
        convert_rknn(args.out, args.rknnc)
    os.makedirs(os.path.join(args.out, "fuzz_rknn"), exist_ok=True)
    for h in sorted(os.listdir(args.out)):
        print(f"make_seeds: {h}: {len(os.listdir(os.path.join(args.out, h)))} seeds")


if __name__ == "__main__":
    main()
