"""Numpy model of int8 post-training quantisation, to predict what a calibration
algorithm does to a model before the converter implements it.

Activations: per-tensor asymmetric uint8-style (256 levels over [lo, hi], 0 exact).
Weights: symmetric int8 (±127), one scale per output channel ("channel") or per
tensor ("layer"). Ranges come from calibration values with one of the three
rknn_convert `quantized_algorithm`s, each modelled in its textbook form:

  normal         [min, max] of everything seen
  kl_divergence  TensorRT-style entropy calibration: 2048-bin histogram of |x| != 0,
                 the threshold (>= 128 bins) whose 128-level quantised
                 distribution has the smallest KL divergence to the original
  mmse           the clipping ratio r (grid 1/256 .. 1) of [min, max] that
                 minimises the mean squared quantisation error on the histogram

Only numpy; the sample scripts feed it activations from PyTorch.
"""
import numpy as np

LEVELS = 256
BINS = 2048


def fake_quant(x, lo, hi):
    """Quantise-dequantise x with 256 levels over [lo, hi] (widened to hold 0)."""
    lo, hi = min(float(lo), 0.0), max(float(hi), 0.0)
    scale = max(hi - lo, 1e-12) / (LEVELS - 1)
    zero = np.round(-lo / scale)
    q = np.clip(np.round(x / scale) + zero, 0, LEVELS - 1)
    return ((q - zero) * scale).astype(x.dtype)


def quant_weight(w, method):
    """Symmetric int8 weights: one scale per output channel (axis 0) or per tensor."""
    axes = tuple(range(1, w.ndim)) if method == "channel" else None
    scale = np.maximum(np.abs(w).max(axis=axes, keepdims=method == "channel"), 1e-12) / 127.0
    return (np.clip(np.round(w / scale), -127, 127) * scale).astype(w.dtype)


def _kl_threshold(absval):
    """TensorRT entropy calibration on |x|: returns the clipping threshold."""
    amax = float(absval.max())
    if amax <= 0:
        return 0.0
    hist, edges = np.histogram(absval, bins=BINS, range=(0.0, amax))
    hist = hist.astype(np.float64)
    target = LEVELS // 2
    best, best_i = np.inf, BINS
    for i in range(target, BINS + 1):
        p = hist[:i].copy()
        p[i - 1] += hist[i:].sum()  # clipped values pile up in the last bin
        nz = p > 0
        # Merge the i bins into `target` levels; spread each level evenly over its non-empty bins.
        starts = np.array([c[0] for c in np.array_split(np.arange(i), target)])
        level = np.add.reduceat(hist[:i], starts)
        count = np.add.reduceat(nz.astype(np.float64), starts)
        owner = np.repeat(np.arange(target), np.diff(np.append(starts, i)))
        q = np.where(nz, level[owner] / np.maximum(count[owner], 1), 0.0)
        ps, qs = p / p.sum(), q / max(q.sum(), 1e-30)
        qs = np.where(nz & (qs == 0), 1e-10, qs)  # smoothing, as the reference implementations do
        kl = float(np.sum(ps[nz] * np.log(ps[nz] / qs[nz])))
        if kl < best:
            best, best_i = kl, i
    return float(edges[best_i])


def _mmse_ratio(values, lo, hi):
    hist, edges = np.histogram(values, bins=BINS, range=(lo, hi))
    centres = (edges[:-1] + edges[1:]) / 2
    best, best_r = np.inf, 1.0
    for r in np.arange(1, 257) / 256.0:
        err = float(np.sum(hist * (fake_quant(centres, lo * r, hi * r) - centres) ** 2))
        if err < best:
            best, best_r = err, r
    return best_r


def calibrate(values, algorithm):
    """[lo, hi] for one activation tensor from all its calibration values (flat array)."""
    values = np.asarray(values, np.float64).ravel()
    lo, hi = min(float(values.min()), 0.0), max(float(values.max()), 0.0)
    if algorithm == "normal" or hi == lo:
        return lo, hi
    if algorithm == "kl_divergence":
        nonzero = np.abs(values[values != 0])  # ReLU zeros would swamp the histogram (as ncnn, skip them)
        t = _kl_threshold(nonzero) if nonzero.size else 0.0
        return max(lo, -t), min(hi, t)
    if algorithm == "mmse":
        r = _mmse_ratio(values, lo, hi)
        return lo * r, hi * r
    raise ValueError(algorithm)


def cosine(a, b):
    a, b = np.asarray(a, np.float64).ravel(), np.asarray(b, np.float64).ravel()
    return float(a @ b / max(np.linalg.norm(a) * np.linalg.norm(b), 1e-30))
