"""How big a network drawing is laid out for a view: column heights, layer distances,
label sizes and how many rows a layer keeps, from the view's size and the presenter scale."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from nnviz.ui.canvas.items import LABEL_PX, TITLE_GAP, TITLE_PX
from nnviz.ui.canvas.weights import guess_image_shape

IMAGE_PX = 112.0  # the input picture beside the input layer, at presenter scale 1


def fill_geometry(
    viewport: tuple[int, int],
    text_scale: float,
    shrink: float,
    legend_room: Callable[[float], float],
    sizes: Sequence[int],
    unit_names: Sequence[Sequence[str] | None],
) -> dict[str, Any]:
    """Where columns go so the network fills the view with labels of a readable size.

    Scene units are screen pixels when the view is fitted: the columns are as tall and as
    far apart as the viewport allows, labels are ``LABEL_PX`` times the presenter scale
    tall, and a layer keeps only as many rows as leave room for such labels (the others
    behind an ellipsis, as the book draws a big layer).
    """
    k = text_scale
    w, h = max(viewport[0], 320.0), max(viewport[1], 200.0)
    # A first layout that came out a little too big for the view is shrunk by the
    # factor fitting needed (``shrink``), so that text is drawn at its size, not scaled down.
    w, h = w * shrink, h * shrink
    label = LABEL_PX * k
    reserve = legend_room(h)  # kept free below the network for the colour key
    top = 2.6 * TITLE_PX * k + TITLE_GAP * k + 8  # two lines of layer title above the columns
    column = max(4 * label, h - reserve - top - label - 20)
    # Ten rows at least: the ten digits of an output layer are never elided. A column too
    # short for ten labels of this size gets smaller labels rather than labels over labels.
    # (A digit's ink is about 73% of its font's pixel size, so rows ``column / 10`` apart
    # take a font of ``column / 7.3`` before the digits touch; ``column / 8`` leaves a
    # gap. Rows, labels and margins are all in scene units, so the view's zoom changes
    # nothing here. Rows and margins keep the full size: only the font shrinks.)
    fitted_label = min(label, max(6.0, column / 8.0))
    rows = max(10, int(column / (1.1 * label)) + 1)
    dots = max(rows, int(column / (0.85 * label)) + 1)  # unlabelled layers: closer rows
    per_layer = [rows if names else dots for names in unit_names]
    n = max(2, len(sizes))
    image = sizes and guess_image_shape(sizes[0])[0] > 1 and sizes[0] >= 16
    image_side = min(IMAGE_PX * k, 0.4 * column) if image else 0.0
    left = 4.5 * label + 32 + (image_side + 1.5 * label if image else 0.0)
    right = 4.0 * label + 32  # (the fitted view keeps 20 px around the drawing)
    dx = (w - left - right) / (n - 1)
    dx = float(min(max(dx, 8 * label), 3 * column))
    return {
        "layout": {
            "column": float(column),
            "dx": dx,
            "max_rows": per_layer if len(per_layer) == len(sizes) else rows,
            "max_spacing": max(34.0, 3.2 * label),
            "max_radius": max(12.0, label),
        },
        "label_px": fitted_label,
        "image_side": image_side,
    }
