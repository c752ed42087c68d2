"""Turning a picture of a handwritten digit into the input format a network was trained on.

MNIST's images were made from larger black-and-white scans: the ink's bounding box was scaled
(keeping its aspect ratio, with anti-aliasing) to fit a 20x20 box, and that box was placed in a
28x28 field so that the ink's centre of mass sits at the field's centre. :func:`to_mnist` does
the same to any image, so a digit drawn on a pad or photographed on paper reaches the network
in the shape it learned from.

Coordinates: pixel ``(i, j)`` is row ``i``, column ``j``; its centre is at ``(i, j)``. The
centre of mass of a 28x28 MNIST image sits at (14, 14) on average in these coordinates
(measured on the 10,000 test images: 13.99, 14.01), so that is where :func:`to_mnist` puts it.

No Qt here: callers load files themselves and hand over numpy arrays.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

MNIST_SIDE = 28
MNIST_BOX = 20  # the longer side of the ink's bounding box after scaling
DIGITS8_SIDE = 8
DIGITS8_BITMAP = 32  # the 8x8 digits were counted from 32x32 bitmaps in 4x4 blocks

# n_inputs -> (image side, scale that turns stored values into network inputs)
INPUT_FORMATS: dict[int, tuple[int, float]] = {
    MNIST_SIDE * MNIST_SIDE: (MNIST_SIDE, 1.0 / 255.0),
    DIGITS8_SIDE * DIGITS8_SIDE: (DIGITS8_SIDE, 1.0 / 16.0),
}


def image_to_ink(
    image: np.ndarray | str | os.PathLike[str], dark_on_light: bool = True, noise: float = 0.1
) -> np.ndarray:
    """An ink map (H, W) of floats in 0..1 (1 = full ink) from a grey or colour image.

    ``image``: (H, W) grey, (H, W, 3) RGB or (H, W, 4) RGBA; uint8 (0..255) or floats in
    0..1; or the path of a ``.npy`` file holding such an array (the core reads no image
    formats: PNG and JPEG are decoded by the caller, e.g. ``nnviz.ui.image_file.read_image``
    with Qt). Transparent pixels count as paper. ``dark_on_light``: True for dark strokes on light
    paper (a pen drawing, a scan), False for light on dark (MNIST's own storage).

    Photos and JPEGs rarely have pure white paper, so the paper level (the median pixel: most
    of a digit picture is background) is subtracted and the strongest ink stretched to 1.
    Whatever is then below ``noise`` is set to 0, so specks do not widen the bounding box.
    """
    if isinstance(image, str | os.PathLike):
        path = Path(image)
        if path.suffix.lower() != ".npy":
            raise ValueError(
                f"{path.name}: only .npy arrays can be read here; decode PNG or JPEG files "
                "first (nnviz.ui.image_file.read_image does it with Qt)"
            )
        try:
            image = np.load(path, allow_pickle=False)
        except (OSError, ValueError) as exc:
            raise ValueError(f"cannot read {path}: {exc}") from None
    a = np.asarray(image)
    if a.ndim not in (2, 3) or (a.ndim == 3 and a.shape[2] not in (1, 3, 4)):
        raise ValueError(
            f"expected an image of shape (H, W), (H, W, 3) or (H, W, 4), got {a.shape}"
        )
    if a.size == 0:
        raise ValueError("the image is empty (zero width or height)")
    if a.dtype == np.uint8:
        f = a.astype(np.float64) / 255.0
    elif a.dtype.kind in "fiu":
        f = a.astype(np.float64)
        if np.nanmax(f) > 1.0 or np.nanmin(f) < 0.0:
            raise ValueError("float images must hold values in 0..1; pass uint8 for 0..255")
    else:
        raise ValueError(f"unsupported image data type {a.dtype}")
    f = np.nan_to_num(f, nan=1.0 if dark_on_light else 0.0)
    alpha = None
    if f.ndim == 3:
        if f.shape[2] == 4:
            alpha = f[:, :, 3]
        if f.shape[2] == 1:
            f = f[:, :, 0]
        else:
            # Rec. 601 luma: how bright a colour looks, which is what a scanner would record.
            f = f[:, :, 0] * 0.299 + f[:, :, 1] * 0.587 + f[:, :, 2] * 0.114
    ink = 1.0 - f if dark_on_light else f
    if alpha is not None:
        ink = ink * alpha  # transparent means no ink, whatever its colour
    ink = ink - np.median(ink)
    np.clip(ink, 0.0, None, out=ink)
    top = ink.max()
    if top <= 0:
        return np.zeros_like(ink)
    ink /= top
    ink[ink < noise] = 0.0
    return ink


def _as_ink(gray: np.ndarray) -> np.ndarray:
    g = np.asarray(gray)
    if g.ndim != 2:
        raise ValueError(f"expected a 2-D ink map (H, W), got shape {g.shape}")
    if g.dtype == np.uint8:
        return g.astype(np.float64) / 255.0
    g = np.nan_to_num(g.astype(np.float64), nan=0.0)
    return np.clip(g, 0.0, 1.0)


def _bounding_box(ink: np.ndarray) -> tuple[int, int, int, int] | None:
    rows = np.flatnonzero(ink.any(axis=1))
    cols = np.flatnonzero(ink.any(axis=0))
    if rows.size == 0:
        return None
    return int(rows[0]), int(rows[-1]) + 1, int(cols[0]), int(cols[-1]) + 1


def area_weights(n_src: int, n_dst: int, scale: float, offset: float) -> np.ndarray:
    """(n_dst, n_src) overlaps for area-average resampling along one axis.

    Source pixel ``j`` covers ``[offset + j*scale, offset + (j+1)*scale)`` in destination
    units; entry ``[i, j]`` is how much of destination pixel ``[i, i+1)`` it covers. With two
    such matrices ``A_y @ img @ A_x.T`` gives each destination pixel the area-weighted mean
    of the source pixels over it (anti-aliased: grey where ink covers part of a pixel).
    """
    lo = offset + np.arange(n_src) * scale
    hi = lo + scale
    i = np.arange(n_dst)[:, None]
    return np.clip(np.minimum(hi[None, :], i + 1) - np.maximum(lo[None, :], i), 0.0, None)


def _fit_in_box(ink: np.ndarray, box: int, fill_height: bool = False) -> np.ndarray:
    """Crop ``ink`` to its bounding box and scale it into a ``box`` x ``box`` square, keeping
    the aspect ratio and centring the shorter side. Returns floats 0..1 (zeros if no ink)."""
    bb = _bounding_box(ink)
    out = np.zeros((box, box))
    if bb is None:
        return out
    r0, r1, c0, c1 = bb
    crop = ink[r0:r1, c0:c1]
    h, w = crop.shape
    s = box / (h if fill_height else max(h, w))
    s = min(s, box / w)  # never wider than the box
    a_y = area_weights(h, box, s, (box - h * s) / 2)
    a_x = area_weights(w, box, s, (box - w * s) / 2)
    out = a_y @ crop @ a_x.T
    return np.clip(out, 0.0, 1.0)


def centre_of_mass(img: np.ndarray) -> tuple[float, float]:
    """(row, column) of the intensity-weighted mean pixel position; pixel centres at integers."""
    img = np.asarray(img, dtype=np.float64)
    total = img.sum()
    if total <= 0:
        raise ValueError("an image without ink has no centre of mass")
    rows = np.arange(img.shape[0])
    cols = np.arange(img.shape[1])
    return float(img.sum(axis=1) @ rows / total), float(img.sum(axis=0) @ cols / total)


def to_mnist(gray: np.ndarray) -> np.ndarray:
    """An MNIST-style (28, 28) uint8 image (ink high, 0..255) from an ink map of any size.

    ``gray``: (H, W) floats in 0..1 with ink = 1, or uint8 with ink = 255 (see
    :func:`image_to_ink` for pictures of dark ink on paper). The ink's bounding box is scaled
    to fit 20x20 keeping its aspect ratio (area-average resampling, so edges come out grey),
    then shifted by whole pixels, as MNIST was, so its centre of mass is as near (14, 14) as
    it can be without any ink leaving the field. No ink gives an all-zero image.
    """
    box = _fit_in_box(_as_ink(gray), MNIST_BOX)
    out = np.zeros((MNIST_SIDE, MNIST_SIDE))
    if not box.any():
        return out.astype(np.uint8)
    pad = (MNIST_SIDE - MNIST_BOX) // 2
    out[pad : pad + MNIST_BOX, pad : pad + MNIST_BOX] = box
    cy, cx = centre_of_mass(out)
    r0, r1, c0, c1 = _bounding_box(out)
    centre = MNIST_SIDE // 2
    # Whole-pixel shift, clipped so the ink stays inside the field.
    dy = int(np.clip(round(centre - cy), -r0, MNIST_SIDE - r1))
    dx = int(np.clip(round(centre - cx), -c0, MNIST_SIDE - c1))
    shifted = np.zeros_like(out)
    shifted[r0 + dy : r1 + dy, c0 + dx : c1 + dx] = out[r0:r1, c0:c1]
    return np.round(shifted * 255.0).astype(np.uint8)


def to_digits8(gray: np.ndarray) -> np.ndarray:
    """An (8, 8) uint8 image in the format of scikit-learn's 8x8 digits (values 0..16).

    Those digits were made by counting the set pixels of a 32x32 bitmap in each 4x4 block.
    The approximation here: crop the ink, scale it so its height fills 32 pixels (the data's
    digits touch the top and bottom rows; their columns 0 and 7 are nearly empty), never
    wider than 32, centred by its bounding box; then take each 4x4 block's mean ink times 16.
    Grey anti-aliased ink stands in for the fraction of set pixels, and stroke width is
    whatever the drawing had, so thin or thick pens look different from the data set's.
    """
    box = _fit_in_box(_as_ink(gray), DIGITS8_BITMAP, fill_height=True)
    k = DIGITS8_BITMAP // DIGITS8_SIDE
    blocks = box.reshape(DIGITS8_SIDE, k, DIGITS8_SIDE, k).mean(axis=(1, 3))
    return np.round(blocks * 16.0).astype(np.uint8)


def input_format(n_inputs: int) -> tuple[int, float]:
    """(image side, value scale) for a network with ``n_inputs`` inputs (784 or 64)."""
    try:
        return INPUT_FORMATS[int(n_inputs)]
    except KeyError:
        raise ValueError(
            f"a network with {n_inputs} inputs cannot read digit images: only 784 (28x28 "
            "MNIST) and 64 (8x8 digits) are supported"
        ) from None


def to_network_format(gray: np.ndarray, n_inputs: int) -> np.ndarray:
    """The digit as the stored uint8 image a network with ``n_inputs`` inputs was trained on:
    (28, 28) with values 0..255 for 784 inputs, (8, 8) with values 0..16 for 64."""
    side, _ = input_format(n_inputs)
    return to_mnist(gray) if side == MNIST_SIDE else to_digits8(gray)


def network_input(image: np.ndarray, dtype=np.float64) -> np.ndarray:
    """Column input (n_0, 1) for a stored-format image from :func:`to_network_format`."""
    image = np.asarray(image)
    _, scale = input_format(image.size)
    return (image.reshape(-1, 1).astype(dtype)) * np.asarray(scale, dtype=dtype)
