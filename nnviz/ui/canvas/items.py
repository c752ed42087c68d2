"""The two graphics items of the network canvas: all edges between two layers, and one layer of
neurons. Each draws a whole layer in one ``paint`` call, so a 784-input network is a handful of
items however many weights it has, and a live update only recolours (no items are created).
"""

from __future__ import annotations

import html
from collections.abc import Sequence

import numpy as np
from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetricsF,
    QPainter,
    QPen,
    QStaticText,
    QTextOption,
)
from PySide6.QtWidgets import QGraphicsItem

from nnviz.ui.canvas.layout import LayerLayout, segment_distances
from nnviz.ui.canvas.style import (
    HIGHLIGHT,
    N_LEVELS,
    NEGATIVE,
    POSITIVE,
    TEXT,
    activation_color,
    bias_pen,
    dashed_for_negative,
    edge_pen,
    magnitude_levels,
    robust_max,
)

LABEL_PX = 12  # neuron labels' height in screen pixels at presenter scale 1
TITLE_PX = 14  # layer titles' likewise
TITLE_GAP = 12  # between a layer title and its column (at presenter scale 1)

# Pens are built once: a bucket key is sign * N_LEVELS + level (sign 0 = negative, 1 = positive).
_PENS = [edge_pen(key >= N_LEVELS, key % N_LEVELS) for key in range(2 * N_LEVELS)]
# The same, washed out: the other edges while one neuron's edges are emphasised.
_FADED_PENS = [edge_pen(key >= N_LEVELS, key % N_LEVELS, fade=0.3) for key in range(2 * N_LEVELS)]
# Edges of the hovered / selected neuron: full colour, wider, drawn over the rest.
_FOCUS_PENS = []
for _key in range(2 * N_LEVELS):
    _f = (_key % N_LEVELS + 0.5) / N_LEVELS
    _pen = QPen(POSITIVE if _key >= N_LEVELS else NEGATIVE, 1.2 + 2.6 * _f)
    _pen.setCapStyle(Qt.PenCapStyle.FlatCap)
    _FOCUS_PENS.append(_pen)
# The same three sets with negative weights dashed: the sign's second cue besides colour.
_DASHED = {
    id(pen): dashed_for_negative(pen, key >= N_LEVELS)
    for pens in (_PENS, _FADED_PENS, _FOCUS_PENS)
    for key, pen in enumerate(pens)
}
# Draw weak edges first so the strong ones end up on top, alternating signs per level.
_DRAW_ORDER = [s * N_LEVELS + lv for lv in range(N_LEVELS) for s in (0, 1)]


class EdgeLayerItem(QGraphicsItem):
    """Every drawn edge from layer ``l`` to layer ``l + 1`` (the weights ``weights[l]``).

    Edges exist only between shown units. ``set_weights`` sorts them into sign x magnitude
    colour buckets; ``paint`` issues one ``drawLines`` per non-empty bucket.
    """

    def __init__(self, layer: int, src: LayerLayout, dst: LayerLayout) -> None:
        super().__init__()
        self.layer = layer
        jj, kk = np.meshgrid(np.arange(dst.shown.size), np.arange(src.shown.size), indexing="ij")
        self._slot_j, self._slot_k = jj.ravel(), kk.ravel()
        self.j = dst.shown[self._slot_j]  # unit indices in weights[l][j, k]
        self.k = src.shown[self._slot_k]
        x1, x2 = src.x + src.radius, dst.x - dst.radius
        self.segments = np.column_stack(
            [
                np.full(self.j.size, x1),
                src.ys[self._slot_k],
                np.full(self.j.size, x2),
                dst.ys[self._slot_j],
            ]
        )
        self._lines = [QLineF(*row) for row in self.segments.tolist()]
        self._dst_shown, self._src_shown = dst.shown, src.shown
        ys = np.concatenate([src.ys, dst.ys])
        self._rect = QRectF(x1, ys.min() - 4, x2 - x1, ys.max() - ys.min() + 8)
        self._buckets: list[tuple[int, list[QLineF]]] = []  # (bucket key, lines)
        self.faded = False  # set by the canvas while some neuron is emphasised
        self._keys = np.zeros(self.j.size, dtype=np.int64)
        self._focus: tuple[int | None, int | None] = (None, None)  # (j, k) unit indices
        self._focus_lines: list[tuple[QPen, QLineF]] = []
        # Edges per colour bucket (key = sign * N_LEVELS + level); the last: zero weights.
        self.bucket_counts = np.zeros(2 * N_LEVELS + 1, dtype=np.int64)
        self._drawn = np.ones(self.j.size, dtype=bool)
        self.weight_scale = 1.0
        # Antialiased lines cost ~5x in Qt's raster engine; the canvas turns it off for big
        # layers so live training keeps its frame rate (see benchmarks/canvas_fps.py).
        self.antialias = True
        self.dashes = False  # negative weights dashed (NetworkDrawing.set_sign_dashes)

    # -- data -----------------------------------------------------------------------------
    def set_weights(self, w: np.ndarray) -> None:
        """Recolour from ``w`` = weights[l], shape (n_{l+1}, n_l)."""
        w = np.asarray(w)
        self.weight_scale = robust_max(w)
        shown = w[np.ix_(self._dst_shown, self._src_shown)].ravel()
        keys = magnitude_levels(shown, self.weight_scale) + N_LEVELS * (shown >= 0)
        # A weight of exactly 0 is no connection (a compiled circuit has many): not drawn,
        # not clickable. Such edges go to an extra bucket that paint skips.
        self._drawn = shown != 0
        keys[~self._drawn] = 2 * N_LEVELS
        order = np.argsort(keys, kind="stable")
        self.bucket_counts = np.bincount(keys, minlength=2 * N_LEVELS + 1)
        starts = np.concatenate([[0], np.cumsum(self.bucket_counts)])
        lines = self._lines
        buckets = []
        for key in _DRAW_ORDER:
            a, b = starts[key], starts[key + 1]
            if b > a:
                buckets.append((key, [lines[i] for i in order[a:b].tolist()]))
        self._buckets = buckets
        self._keys = keys
        self._build_focus()
        self.update()

    def set_focus(self, j: int | None = None, k: int | None = None) -> None:
        """Emphasise the edges into unit ``j`` of layer l + 1 and out of unit ``k`` of layer l."""
        if (j, k) != self._focus:
            self._focus = (j, k)
            self._build_focus()
            self.update()

    def focus_count(self) -> int:
        return len(self._focus_lines)

    def _build_focus(self) -> None:
        j, k = self._focus
        mask = np.zeros(self.j.size, dtype=bool)
        if j is not None:
            mask |= self.j == j
        if k is not None:
            mask |= self.k == k
        idx = np.flatnonzero(mask & self._drawn)
        idx = idx[np.argsort(self._keys[idx] % N_LEVELS, kind="stable")]  # strong ones on top
        self._focus_lines = [(_FOCUS_PENS[self._keys[i]], self._lines[i]) for i in idx.tolist()]

    def nearest(self, x: float, y: float, tolerance: float) -> tuple[int, int] | None:
        """(j, k) of the edge closest to scene point (x, y) if within ``tolerance``."""
        if not self._lines:
            return None
        d = segment_distances(x, y, self.segments)
        d[~self._drawn] = np.inf
        i = int(np.argmin(d))
        return (int(self.j[i]), int(self.k[i])) if d[i] <= tolerance else None

    def midpoint(self, j: int, k: int) -> QPointF | None:
        """Centre of the drawn edge for weights[l][j, k], or None if it is not drawn."""
        hits = np.flatnonzero((self.j == j) & (self.k == k))
        if not hits.size:
            return None
        x1, y1, x2, y2 = self.segments[hits[0]]
        return QPointF((x1 + x2) / 2, (y1 + y2) / 2)

    # -- QGraphicsItem --------------------------------------------------------------------
    def boundingRect(self) -> QRectF:
        return self._rect

    def paint(self, painter: QPainter, option, widget=None) -> None:
        aa = painter.testRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, self.antialias and aa)
        pens = _FADED_PENS if self.faded else _PENS
        for key, lines in self._buckets:
            painter.setPen(_DASHED[id(pens[key])] if self.dashes else pens[key])
            painter.drawLines(lines)
        if self._focus_lines:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, aa)
            for pen, line in self._focus_lines:
                painter.setPen(_DASHED[id(pen)] if self.dashes else pen)
                painter.drawLine(line)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, aa)


class NeuronLayerItem(QGraphicsItem):
    """All shown neurons of one layer, with their bias rings, labels, ellipsis and title."""

    text_colour: QColor = TEXT  # labels and title (the canvas sets its theme's)

    def __init__(
        self,
        layer: int,
        layout: LayerLayout,
        title: str,
        labels: Sequence[str] | None,
        label_side: str,
    ) -> None:
        super().__init__()
        self.layer = layer
        self.layout = layout
        self.title = title
        self.labels = list(labels) if labels is not None else None  # one per *unit*
        self.label_side = label_side  # "left", "right" or "above"
        n = layout.shown.size
        self.dark = False  # the dark canvas's activation ramp (set_dark)
        self._acts: np.ndarray | None = None
        self._fills = [activation_color(None)] * n
        self._rings = [bias_pen(None, 1.0)] * n
        self.highlighted: int | None = None  # a unit index
        self.selected: int | None = None
        self.bias_scale = 1.0
        self.text_scale = 1.0
        self._set_fonts()
        self._build_texts()

    def _set_fonts(self) -> None:
        # Pixel sizes: the canvas lays the network out so a scene unit is a screen pixel, so
        # these are the heights a lecturer's audience sees (x the presenter scale).
        self._font = QFont()
        self._font.setPixelSize(max(6, round(LABEL_PX * self.text_scale)))
        self._title_font = QFont()
        self._title_font.setPixelSize(max(7, round(TITLE_PX * self.text_scale)))

    def label_font(self) -> QFont:
        return self._font

    def title_font(self) -> QFont:
        return self._title_font

    def set_text_scale(self, scale: float) -> None:
        """Enlarge labels and titles (presenter mode)."""
        self.prepareGeometryChange()
        self.text_scale = float(scale)
        self._set_fonts()
        self._build_texts()
        self.update()

    def set_activations(self, a: np.ndarray | None) -> None:
        """Fill neurons by activation (1-D, one per unit of the layer) or clear with None."""
        self._acts = None if a is None else np.asarray(a, dtype=float).ravel()
        if self._acts is None:
            self._fills = [activation_color(None, self.dark)] * self.layout.shown.size
        else:
            vals = self._acts[self.layout.shown]
            self._fills = [activation_color(v, self.dark) for v in vals.tolist()]
        self.update()

    def set_dark(self, dark: bool) -> None:
        """Fill by the dark canvas's ramp (a = 1 brightest) or the light one's."""
        if dark != self.dark:
            self.dark = dark
            self.set_activations(self._acts)

    def set_biases(self, b: np.ndarray | None) -> None:
        """Ring each neuron by its bias (shape (n, 1) or (n,)); None for the input layer."""
        if b is None:
            self._rings = [bias_pen(None, 1.0)] * self.layout.shown.size
        else:
            b = np.asarray(b, dtype=float).ravel()
            self.bias_scale = robust_max(b)
            # Small circles (a 100-neuron column) get proportionally thinner rings.
            k = min(1.0, self.layout.radius / 10.0)
            self._rings = [bias_pen(v, self.bias_scale, k) for v in b[self.layout.shown].tolist()]
        self.update()

    def fill_of(self, index: int) -> QColor | None:
        slot = self.layout.slot_of(index)
        return None if slot is None else self._fills[slot]

    def ring_of(self, index: int) -> QPen | None:
        slot = self.layout.slot_of(index)
        return None if slot is None else self._rings[slot]

    def center(self, index: int) -> QPointF | None:
        slot = self.layout.slot_of(index)
        return None if slot is None else QPointF(self.layout.x, float(self.layout.ys[slot]))

    def unit_at(self, x: float, y: float, slack: float) -> int | None:
        """Unit index whose circle contains (x, y), allowing ``slack`` extra scene units."""
        lay = self.layout
        if abs(x - lay.x) > lay.radius + slack:
            return None
        d = np.hypot(x - lay.x, y - lay.ys)
        i = int(np.argmin(d))
        return int(lay.shown[i]) if d[i] <= lay.radius + slack else None

    def boundingRect(self) -> QRectF:
        return self._rect

    def paint(self, painter: QPainter, option, widget=None) -> None:
        lay = self.layout
        r = lay.radius
        x = lay.x
        ys = lay.ys.tolist()
        for slot, y in enumerate(ys):
            painter.setBrush(self._fills[slot])
            painter.setPen(self._rings[slot])
            painter.drawEllipse(QPointF(x, y), r, r)
        for unit, colour, width in (
            (self.selected, QColor(HIGHLIGHT).darker(130), 2.6),
            (self.highlighted, HIGHLIGHT, 2.0),
        ):
            if unit is None:
                continue
            slot = lay.slot_of(unit)
            if slot is not None:
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.setPen(QPen(colour, width))
                painter.drawEllipse(QPointF(x, ys[slot]), r + 3.5, r + 3.5)
        if lay.ellipsis_y is not None:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QBrush(self.text_colour))
            step = max(4.0, r * 0.9)
            for d in (-step, 0.0, step):
                painter.drawEllipse(QPointF(x, lay.ellipsis_y + d), 1.8, 1.8)
        painter.setPen(self.text_colour)
        # Static texts keep their layout between frames: laying out text anew each paint cost
        # more than all the circles together.
        painter.setFont(self._font)
        for pos, text in self._label_texts:
            painter.drawStaticText(pos, text)
        painter.setFont(self._title_font)
        painter.drawStaticText(self._title_pos, self._title_text)

    def _build_texts(self) -> None:
        lay = self.layout
        r, x = lay.radius, lay.x
        self._label_texts: list[tuple[QPointF, QStaticText]] = []
        if self.labels is not None:
            for slot, unit in enumerate(lay.shown.tolist()):
                label = self.labels[unit] if unit < len(self.labels) else ""
                if not label:
                    continue
                st = _static(label, self._font)
                size = st.size()
                y = float(lay.ys[slot])
                if self.label_side == "right":
                    pos = QPointF(x + r + 4, y - size.height() / 2)
                elif self.label_side == "left":
                    pos = QPointF(x - r - 4 - size.width(), y - size.height() / 2)
                else:
                    pos = QPointF(x - size.width() / 2, y - r - 2 - size.height())
                self._label_texts.append((pos, st))
        self._title_text = _static(
            self.title, self._title_font, centred=True, width=180 * self.text_scale
        )
        size = self._title_text.size()
        self._title_pos = QPointF(
            x - size.width() / 2, lay.top - TITLE_GAP * self.text_scale - size.height()
        )
        # Exactly what is drawn (circles with their rings, labels, title), so fitting the view
        # to the network leaves no empty margins.
        rect = QRectF(x - r - 5, lay.top - 5, 2 * r + 10, lay.bottom - lay.top + 10)
        for pos, st in self._label_texts:
            rect = rect.united(QRectF(pos, st.size()))
        rect = rect.united(QRectF(self._title_pos, size))
        self._rect = rect.adjusted(-2, -2, 2, 2)


def _static(text: str, font: QFont, centred: bool = False, width: float = 180) -> QStaticText:
    st = QStaticText(html.escape(text).replace("\n", "<br>") if centred else text)
    st.setTextFormat(Qt.TextFormat.RichText if centred else Qt.TextFormat.PlainText)
    if centred:
        opt = QTextOption()
        opt.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        st.setTextOption(opt)
        # As wide as the longest line (up to ``width``), so the size is what is drawn.
        metrics = QFontMetricsF(font)
        longest = max((metrics.horizontalAdvance(line) for line in text.split("\n")), default=0)
        st.setTextWidth(min(width, longest + 2))
    st.prepare(font=font)
    return st
