"""Where each neuron of a layered network sits on the canvas (pure numpy, no Qt).

Layers are columns from left to right, as in the book's diagrams. A layer too big to show in
full (the 784 MNIST inputs, or a hidden layer of a few hundred) keeps its first and last few
units with an ellipsis between them; every other part of the canvas only ever deals with the
*shown* units, found through ``LayerLayout.shown``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

LAYER_DX = 260.0  # horizontal distance between layer columns, scene units (default)
MAX_SPACING = 34.0  # vertical distance between neighbours in a layer of ten or so
FEW_SPACING = 64.0  # ... in a layer of a handful (tiny circuits get room for labels)
MAX_COLUMN = 900.0  # a column never gets taller than this (default)
MAX_RADIUS = 12.0
MAX_FULL = 40  # layers up to this size are drawn in full; 100 and more as the book does
KEEP_INPUT = 8  # units kept at each end of an elided input layer
KEEP_OTHER = 10  # ... of an elided hidden or output layer
MIN_KEEP = 2  # however little room there is, an elided layer keeps this many at each end


@dataclass(frozen=True)
class LayerLayout:
    """One column. ``shown``: unit indices drawn; ``ys``: their centres (same order).

    ``ellipsis_y`` is the centre of the "..." between the kept head and tail, or None when the
    layer is drawn in full.
    """

    size: int
    x: float
    radius: float
    shown: np.ndarray  # (n_shown,) int
    ys: np.ndarray  # (n_shown,) float
    ellipsis_y: float | None

    @property
    def elided(self) -> bool:
        return self.ellipsis_y is not None

    @property
    def top(self) -> float:
        return float(self.ys.min()) - self.radius

    @property
    def bottom(self) -> float:
        return float(self.ys.max()) + self.radius

    def slot_of(self, index: int) -> int | None:
        """Position of unit ``index`` among the shown units, or None if it is elided."""
        hits = np.flatnonzero(self.shown == index)
        return int(hits[0]) if hits.size else None


def shown_units(size: int, keep: int, max_full: int = MAX_FULL) -> np.ndarray:
    """Indices drawn for a layer of ``size``: all of them, or ``keep`` from each end."""
    if size <= max_full or 2 * keep >= size:
        return np.arange(size)
    return np.concatenate([np.arange(keep), np.arange(size - keep, size)])


def layout_layers(
    sizes: Sequence[int],
    max_full: int = MAX_FULL,
    column: float = MAX_COLUMN,
    dx: float = LAYER_DX,
    max_rows: int | Sequence[int | None] | None = None,
    max_spacing: float = MAX_SPACING,
    max_radius: float = MAX_RADIUS,
) -> list[LayerLayout]:
    """Column layouts for ``sizes``, each column centred on y = 0.

    ``column`` is the tallest a column may be and ``dx`` the distance between columns (the
    canvas passes what fills its view). ``max_rows`` caps the rows of any column, the ellipsis
    counted as two: a layer that would need more keeps its first and last few units, so the
    rows stay far enough apart for readable labels. It is one number for all layers or one
    per layer (layers without labels can have more, closer rows).
    """
    out = []
    for l, n in enumerate(sizes):
        keep = KEEP_INPUT if l == 0 else KEEP_OTHER
        cap = max_rows if max_rows is None or isinstance(max_rows, int) else max_rows[l]
        if cap is not None and n > cap:
            keep = min(keep, max(MIN_KEEP, (cap - 2) // 2))
            shown = shown_units(int(n), keep, max_full=min(max_full, cap))
        else:
            shown = shown_units(int(n), keep, max_full)
        elided = shown.size < n
        # The ellipsis takes the room of two neurons so the gap reads as "many more here".
        slots = shown.size + (2 if elided else 0)
        spacing = min(
            FEW_SPACING * max_spacing / MAX_SPACING if slots <= 6 else max_spacing,
            column / max(slots, 1),
        )
        radius = min(max_radius, 0.36 * spacing)
        pos = np.arange(shown.size, dtype=float)
        ellipsis_y = None
        if elided:
            half = shown.size // 2
            pos[half:] += 2
            ellipsis_y = (half + 0.5 - (slots - 1) / 2) * spacing
        ys = (pos - (slots - 1) / 2) * spacing
        out.append(LayerLayout(int(n), l * dx, radius, shown, ys, ellipsis_y))
    return out


def segment_distances(px: float, py: float, seg: np.ndarray) -> np.ndarray:
    """Distance from point (px, py) to each segment ``seg`` (E, 4) = x1, y1, x2, y2."""
    x1, y1, x2, y2 = seg[:, 0], seg[:, 1], seg[:, 2], seg[:, 3]
    dx, dy = x2 - x1, y2 - y1
    length2 = dx * dx + dy * dy
    with np.errstate(invalid="ignore", divide="ignore"):
        t = ((px - x1) * dx + (py - y1) * dy) / length2
    t = np.clip(np.nan_to_num(t), 0.0, 1.0)
    cx, cy = x1 + t * dx, y1 + t * dy
    return np.hypot(px - cx, py - cy)
