"""Colours and the legend shared by the network canvas and the weight heatmap.

Weights and biases use the Okabe-Ito blue / vermilion pair, which stays distinguishable for
the common forms of colour blindness; activations are ink on paper (0 white, 1 near black),
the same way the digit images are drawn.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QLinearGradient, QPainter, QPen, QPixmap

POSITIVE = QColor(0, 114, 178)  # Okabe-Ito blue
NEGATIVE = QColor(213, 94, 0)  # Okabe-Ito vermilion
INK = QColor(28, 28, 28)
PAPER = QColor(250, 250, 250)
NO_ACTIVATION = QColor(238, 238, 238)
OUTLINE = QColor(120, 120, 120)
HIGHLIGHT = QColor(230, 159, 0)  # Okabe-Ito orange, for the hovered / selected neuron
TEXT = QColor(40, 40, 40)

N_LEVELS = 8  # magnitude buckets per sign for edges


def robust_max(values: np.ndarray, q: float = 99.0) -> float:
    """A scale for |values| that one outlier cannot dominate (the q-th percentile of |v|)."""
    a = np.abs(np.asarray(values, dtype=float)).ravel()
    a = a[np.isfinite(a)]
    if a.size == 0:
        return 1.0
    m = float(np.percentile(a, q)) if a.size > 20 else float(a.max())
    return m if m > 1e-12 else 1.0


def magnitude_levels(values: np.ndarray, scale: float, n_levels: int = N_LEVELS) -> np.ndarray:
    """Bucket index 0..n_levels-1 of |v| / scale (clipped), for each value."""
    v = np.nan_to_num(np.abs(np.asarray(values, dtype=float)) / scale, nan=0.0, posinf=1.0)
    return np.minimum((v * n_levels).astype(np.int64), n_levels - 1)


# On the dark canvas the ramp runs the other way: a = 1 is the brightest thing drawn (the
# network's answer must not be the one neuron you cannot see), a = 0 a grey a little lighter
# than the background, so an idle neuron still shows its disc.
DARK_ZERO = QColor(58, 62, 70)
DARK_ONE = QColor(255, 255, 255)
NO_ACTIVATION_DARK = QColor(44, 48, 56)


def activation_color(a: float | None, dark: bool = False) -> QColor:
    """Fill for a neuron with activation ``a`` in [0, 1] (None: no input chosen): paper to
    ink on the light canvas, dark grey to white on the dark one."""
    if a is None or not np.isfinite(a):
        return NO_ACTIVATION_DARK if dark else NO_ACTIVATION
    a = min(max(float(a), 0.0), 1.0)
    zero, one = (DARK_ZERO, DARK_ONE) if dark else (PAPER, INK)
    r = zero.red() + (one.red() - zero.red()) * a
    g = zero.green() + (one.green() - zero.green()) * a
    b = zero.blue() + (one.blue() - zero.blue()) * a
    return QColor(int(r), int(g), int(b))


def edge_pen(positive: bool, level: int, n_levels: int = N_LEVELS, fade: float = 1.0) -> QPen:
    """Pen for an edge of the given sign and magnitude bucket: stronger = wider and darker.

    The colour is opaque, pre-mixed with the white background: Qt's raster engine draws
    translucent lines 10-20 times slower than opaque ones (measured in benchmarks/), and with
    weak edges painted first the strong ones still read clearly on top.
    """
    f = (level + 0.5) / n_levels
    colour = mix_with_white(POSITIVE if positive else NEGATIVE, fade * (0.10 + 0.90 * f))
    pen = QPen(colour, 0.35 + 2.4 * f)
    pen.setCapStyle(Qt.PenCapStyle.FlatCap)
    return pen


def mix_with_white(c: QColor, f: float) -> QColor:
    """Opaque colour that is ``f`` of ``c`` and ``1 - f`` white."""
    return QColor(
        int(255 + (c.red() - 255) * f),
        int(255 + (c.green() - 255) * f),
        int(255 + (c.blue() - 255) * f),
    )


def bias_pen(b: float | None, scale: float, size: float = 1.0) -> QPen:
    """Ring around a neuron: colour by the sign of its bias, width by |b| (None: no bias).

    ``size`` scales the width for small circles."""
    if b is None or not np.isfinite(b):
        return QPen(OUTLINE, 1.0 * max(size, 0.5))
    f = min(abs(float(b)) / scale, 1.0)
    c = QColor(POSITIVE if b >= 0 else NEGATIVE)
    return QPen(c, (0.8 + 3.6 * f) * size)


LEGEND_POINTS = 9.0  # the key's type at scale 1: 18 px at the presenter's 1.5
LEGEND_SIZES = {"box": (250.0, 106.0), "strip": (680.0, 24.0), "short": (420.0, 24.0)}


def legend_size(mode: str = "box") -> tuple[float, float]:
    """The colour key's size in pixels at scale 1: a box of four lines, one strip, or a
    short strip (without the words on widths and rings, which the canvas's tooltip has)."""
    return LEGEND_SIZES[mode]


def dashed_for_negative(pen: QPen, positive: bool) -> QPen:
    """``pen`` with a second cue for the sign besides its colour: negative weights dashed
    (on by default in the high-contrast theme; View > Dashed Negative Weights)."""
    if positive:
        return pen
    dashed = QPen(pen)
    dashed.setStyle(Qt.PenStyle.CustomDashLine)
    dashed.setDashPattern([3.0, 2.0])  # in pen widths: short dashes even on thin edges
    return dashed


def _weight_sample(
    painter: QPainter, x: float, y: float, positive: bool, dashes: bool = False
) -> None:
    """Three lines of growing weight, 30 px long, centred on height ``y``."""
    for i, level in enumerate((1, 4, 7)):
        pen = edge_pen(positive, level)
        painter.setPen(dashed_for_negative(pen, positive) if dashes else pen)
        yy = y - 4 + i * 4
        painter.drawLine(QPointF(x, yy), QPointF(x + 30, yy))


def _activation_sample(painter: QPainter, x: float, y: float, dark: bool = False) -> None:
    """A 60 px bar from activation 0 to 1, its top at ``y``."""
    grad = QLinearGradient(x, 0, x + 60, 0)
    grad.setColorAt(0.0, activation_color(0.0, dark))
    grad.setColorAt(1.0, activation_color(1.0, dark))
    painter.setPen(QPen(OUTLINE, 0.8))
    painter.setBrush(grad)
    painter.drawRect(QRectF(x, y, 60, 10))


def paint_legend(
    painter: QPainter,
    origin: QPointF,
    mode: str = "box",
    dark: bool = False,
    dashes: bool = False,
) -> None:
    """Draw the colour key with its top-left corner at ``origin`` (device pixels): a box,
    or a strip (``mode``, see :func:`legend_size`) that leaves a short canvas its height for
    the network; ``dark`` on the dark canvas, with its activation ramp; ``dashes`` when
    negative weights are dashed."""
    w, h = legend_size(mode)
    ink = QColor(230, 232, 236) if dark else TEXT
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    box = QRectF(origin.x(), origin.y(), w, h)
    painter.setPen(QPen(QColor(90, 96, 106) if dark else QColor(200, 200, 200), 1))
    painter.setBrush(QColor(36, 40, 47) if dark else QColor(255, 255, 255))
    painter.drawRoundedRect(box, 5, 5)
    font = QFont()
    font.setPointSizeF(LEGEND_POINTS)
    painter.setFont(font)
    metrics = painter.fontMetrics()
    if mode != "box":
        x, y = origin.x() + 8, origin.y() + h / 2
        for positive, text in ((True, "positive"), (False, "negative")):
            _weight_sample(painter, x, y, positive, dashes)
            painter.setPen(ink)
            painter.drawText(QPointF(x + 36, y + 4), text)
            x += 36 + metrics.horizontalAdvance(text) + 14
        if mode == "strip":
            words = "wider, darker = larger |w|; ring = bias"
            painter.drawText(QPointF(x, y + 4), words)
            x += metrics.horizontalAdvance(words) + 14
        _activation_sample(painter, x, y - 5, dark)
        painter.setPen(ink)
        painter.drawText(QPointF(x + 68, y + 4), "activation 0 → 1")
        painter.restore()
        return
    x0, y = origin.x() + 10, origin.y() + 16
    for positive, text in ((True, "positive weight / bias"), (False, "negative weight / bias")):
        _weight_sample(painter, x0, y, positive, dashes)
        painter.setPen(ink)
        painter.drawText(QPointF(x0 + 40, y + 4), text)
        y += 22
    painter.setPen(ink)
    painter.drawText(QPointF(x0, y + 4), "wider, darker = larger |w|; ring = bias")
    y += 16
    _activation_sample(painter, x0, y - 4, dark)
    painter.setPen(ink)
    painter.drawText(QPointF(x0 + 68, y + 5), "activation 0 → 1")
    painter.restore()


_legend_cache: dict[tuple[float, str, bool, bool], QPixmap] = {}


def legend_pixmap(
    device_pixel_ratio: float = 1.0, mode: str = "box", dark: bool = False, dashes: bool = False
) -> QPixmap:
    """The legend rendered once (per pixel ratio): blitting it is far cheaper than text."""
    key = (device_pixel_ratio, mode, dark, dashes)
    pix = _legend_cache.get(key)
    if pix is None:
        w, h = legend_size(mode)
        pix = QPixmap(int((w + 2) * device_pixel_ratio), int((h + 2) * device_pixel_ratio))
        pix.setDevicePixelRatio(device_pixel_ratio)
        pix.fill(QColor(0, 0, 0, 0))
        painter = QPainter(pix)
        paint_legend(painter, QPointF(1, 1), mode, dark, dashes)
        painter.end()
        _legend_cache[key] = pix
    return pix
