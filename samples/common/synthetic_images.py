"""Deterministic synthetic RGB / grey images for calibration data sets (no downloads).

Each image is a smooth colour gradient with a few filled rectangles and discs
and a little noise, so activations see edges, flat areas and texture.
"""
import numpy as np


def synthetic_image(rng, h, w, channels=3):
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    img = np.empty((h, w, channels), np.float32)
    for c in range(channels):
        a, b, p = rng.uniform(-1, 1, 3)
        img[..., c] = 128 + 90 * np.sin(a * xx / w * 6 + b * yy / h * 6 + p * 3)
    for _ in range(int(rng.integers(2, 5))):
        colour = rng.uniform(0, 255, channels)
        if rng.random() < 0.5:
            y0, x0 = int(rng.integers(0, h - 4)), int(rng.integers(0, w - 4))
            y1, x1 = y0 + int(rng.integers(4, h // 2)), x0 + int(rng.integers(4, w // 2))
            img[y0:y1, x0:x1] = colour
        else:
            cy, cx, r = rng.uniform(0, h), rng.uniform(0, w), rng.uniform(3, min(h, w) / 4)
            img[(yy - cy) ** 2 + (xx - cx) ** 2 < r * r] = colour
    img += rng.normal(0, 6, img.shape)
    return np.clip(np.rint(img), 0, 255).astype(np.uint8)


def save_image(img, path, quality=90):
    from PIL import Image  # python3-pil, only needed to remake samples
    im = Image.fromarray(img[..., 0] if img.shape[2] == 1 else img, mode="L" if img.shape[2] == 1 else "RGB")
    if path.endswith(".jpg"):
        im.save(path, quality=quality, optimize=False)
    else:
        im.save(path, optimize=False)
