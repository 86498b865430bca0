#!/usr/bin/env python3
"""`make demo`'s last step: the predicted digit (argmax of a float32 logits .npy)
and the label (element 0 of an int64 labels .npy), read with the standard
library only so that `make demo` needs no test packages (numpy).

    npy_argmax.py LOGITS.npy LABELS.npy"""
import ast
import struct
import sys


def read_npy(path):
    """(dtype descr, flat values) of a little-endian C-order .npy of '<f4' or '<i8'."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:6] != b"\x93NUMPY":
        sys.exit(f"{path}: not a .npy file")
    header_len = struct.unpack("<H", data[8:10])[0] if data[6] == 1 else struct.unpack("<I", data[8:12])[0]
    start = 10 if data[6] == 1 else 12
    header = ast.literal_eval(data[start:start + header_len].decode("latin1"))
    fmt = {"<f4": "f", "<i8": "q"}.get(header["descr"])
    if fmt is None or header["fortran_order"]:
        sys.exit(f"{path}: expected a C-order <f4 or <i8 array, got {header}")
    body = data[start + header_len:]
    return list(struct.unpack(f"<{len(body) // struct.calcsize(fmt)}{fmt}", body))


if __name__ == "__main__":
    logits, labels = read_npy(sys.argv[1]), read_npy(sys.argv[2])
    print(f"predicted digit {max(range(len(logits)), key=logits.__getitem__)} (label {labels[0]})")
