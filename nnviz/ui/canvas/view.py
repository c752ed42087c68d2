"""The network canvas: a layered network drawn as in the book, recoloured live while it trains.

Layers are columns of neurons; edges are coloured by the sign of their weight and get wider and
more opaque with |w| (scaled per layer by a robust maximum); each neuron's ring shows its bias
and its fill the activation for the chosen input. Big layers are elided (see ``canvas_layout``).

The canvas knows nothing about MNIST or circuits: the circuit sandbox uses it for a compiled
NAND network by passing ``unit_names``. Hovering a neuron or an edge shows its numbers in the
book's notation. With ``set_editable(True)`` a double-click (or the context menu) on an edge or
a neuron opens a small in-place editor; the value typed or dragged there is emitted as
``weight_edited`` or ``bias_edited``, and whoever owns the model changes it and hands the canvas
a new snapshot or network.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from PySide6.QtCore import QPoint, QPointF, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QPen, QPixmap
from PySide6.QtWidgets import (
    QGraphicsPixmapItem,
    QGraphicsRectItem,
    QGraphicsScene,
    QGraphicsSimpleTextItem,
    QGraphicsView,
)

from nnviz.core.notation import symbol
from nnviz.ui.canvas.edit import ParameterEditor
from nnviz.ui.canvas.example import ExampleView, InputImageView, OutputBars
from nnviz.ui.canvas.grid import GridEdgeItem, InputGridItem
from nnviz.ui.canvas.items import LABEL_PX, TITLE_PX, EdgeLayerItem, NeuronLayerItem
from nnviz.ui.canvas.layout import LayerLayout, layout_layers
from nnviz.ui.canvas.readout import HoverCard
from nnviz.ui.canvas.style import TEXT, legend_pixmap, legend_size, paint_legend
from nnviz.ui.canvas.weights import WeightHeatmap, guess_image_shape

__all__ = [
    "ExampleView",
    "InputImageView",
    "NetworkCanvas",
    "OutputBars",
    "WeightHeatmap",
]

CANVAS_DARK = "#1e2127"  # the canvas in the dark theme, as the plots
TEXT_DARK = "#e6e9ef"
AA_EDGE_LIMIT = 1000  # more drawn edges than this: edges drawn without antialiasing (speed)
HIT_PIXELS = 4.0  # how near (in screen pixels) a click must be to an edge to pick it
CLICK_PIXELS = 4  # a press and release closer than this is a click, not a pan
IMAGE_PX = 112.0  # the input picture beside the input layer, likewise


def image_to_qimage(image: np.ndarray) -> QImage:
    """A 2-D array of ink values in [0, 1] as a grey QImage, ink dark on light paper."""
    a = np.clip(np.nan_to_num(np.asarray(image, dtype=float)), 0.0, 1.0)
    grey = np.ascontiguousarray(255 - np.round(a * 255).astype(np.uint8))
    h, w = grey.shape
    return QImage(grey.data, w, h, w, QImage.Format.Format_Grayscale8).copy()


class NetworkCanvas(QGraphicsView):
    """Interactive drawing of a feedforward network.

    Layer indices in signals: ``neuron_hovered(layer, index)`` and ``neuron_clicked(layer,
    index)`` use network layers (0 = input); hovering nothing emits (-1, -1).
    ``weight_edited(l, j, k, value)`` sets ``weights[l][j, k]`` and
    ``bias_edited(l, j, value)`` sets ``biases[l][j]`` (the neuron j of network layer l + 1).
    """

    neuron_hovered = Signal(int, int)
    neuron_clicked = Signal(int, int)
    weight_edited = Signal(int, int, int, float)
    bias_edited = Signal(int, int, float)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._scene = QGraphicsScene(self)
        # Items change colour every frame; a BSP index would be rebuilt for nothing.
        self._scene.setItemIndexMethod(QGraphicsScene.ItemIndexMethod.NoIndex)
        self.setScene(self._scene)
        self.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        self.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.FullViewportUpdate)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setMouseTracking(True)
        self.setBackgroundBrush(Qt.GlobalColor.white)
        self.setMinimumSize(320, 240)

        self.sizes: tuple[int, ...] = ()
        self.weights: tuple[np.ndarray, ...] = ()
        self.biases: tuple[np.ndarray, ...] = ()
        self.activations: list[np.ndarray] | None = None
        self.layouts: list[LayerLayout] = []
        self.edge_items: list[EdgeLayerItem] = []
        self.neuron_items: list[NeuronLayerItem] = []
        self.unit_names: list[list[str] | None] = []
        self._image_item: QGraphicsRectItem | None = None
        self._editable = False
        self._auto_fit = True
        self._legend_visible = True
        self._press_pos: QPoint | None = None
        self._hovered: tuple[int, int] = (-1, -1)
        self.selected: tuple[int, int] | None = None
        # Live snapshots are coalesced: at most max_fps recolours a second, always the newest,
        # so a fast producer cannot make the canvas eat the whole GUI thread.
        self._pending = None
        self._throttle = QTimer(self)
        self._throttle.setSingleShot(True)
        self._throttle.timeout.connect(self._on_throttle_timeout)
        self.set_max_fps(24)
        # While snapshots stream in, edges are drawn without antialiasing (~2.5x cheaper);
        # once they stop for a moment the canvas redraws them smooth.
        self._settle = QTimer(self)
        self._settle.setSingleShot(True)
        self._settle.setInterval(300)
        self._settle.timeout.connect(self._on_settle)
        self._edge_aa = True
        self.input_mode = "column"
        self._input_image: np.ndarray | None = None
        self._layer_names: list[str] | None = None
        self._unit_names_arg = None
        self._input_shape_arg: tuple[int, int] | None = None
        self.card = HoverCard(self.viewport())
        self.editor = ParameterEditor(self.viewport())
        self.editor.committed.connect(self._on_editor_committed)
        self._editing: tuple[int, int, int | None] | None = None  # (l, j, k or None: bias)
        self._hovered_edge: tuple[int, int, int] | None = None
        self._text_scale = 1.0
        self._dark = False
        self._built_key: tuple = ()
        self._shrink: dict[tuple, float] = {}
        self._rebuilding = False
        self._geometry: dict = {"label_px": LABEL_PX, "image_side": IMAGE_PX}

    # -- model in -------------------------------------------------------------------------
    def set_network(
        self,
        sizes: Sequence[int],
        weights: Sequence[np.ndarray],
        biases: Sequence[np.ndarray],
        layer_names: Sequence[str] | None = None,
        unit_names: Sequence[Sequence[str] | None] | None = None,
        input_shape: tuple[int, int] | None = None,
    ) -> None:
        """Rebuild the drawing for a network. ``weights[l]``: (n_{l+1}, n_l); ``biases[l]``:
        (n_{l+1}, 1). ``layer_names``: a title per layer; ``unit_names``: per layer, a label per
        unit or None (outputs default to 0, 1, 2, ...). ``input_shape``: (rows, cols) of the
        input image, used by the grid input mode (default: square if the size is one)."""
        sizes = tuple(int(s) for s in sizes)
        self._layer_names = list(layer_names) if layer_names is not None else None
        self._unit_names_arg = unit_names
        self._input_shape_arg = input_shape
        if len(weights) != len(sizes) - 1 or len(biases) != len(sizes) - 1:
            raise ValueError(f"need {len(sizes) - 1} weight matrices and bias vectors for {sizes}")
        self._pending = None
        self._scene.clear()
        self._highlight_items = []
        self.highlighted_edge = None
        self._image_item = None
        n_layers = len(sizes)
        names = list(layer_names) if layer_names is not None else _default_layer_names(sizes)
        self.unit_names = [None] * n_layers
        if unit_names is not None:
            for l, u in enumerate(list(unit_names)[:n_layers]):
                self.unit_names[l] = list(u) if u is not None else None
        if self.unit_names[-1] is None:
            self.unit_names[-1] = [str(i) for i in range(sizes[-1])]
        self.sizes = sizes
        geometry = self._fill_geometry()
        self._built_key = self._geometry_key(geometry)
        self._geometry = geometry
        self.layouts = layout_layers(sizes, **geometry["layout"])
        grid = self._grid_shape()
        if grid is not None:
            grid_item = InputGridItem(grid, names[0] if names else "")
            self.layouts[0] = grid_item.layout
        self.edge_items = []
        for l in range(n_layers - 1):
            if l == 0 and grid is not None:
                item = GridEdgeItem(grid_item, self.layouts[1])
            else:
                item = EdgeLayerItem(l, self.layouts[l], self.layouts[l + 1])
            item.setZValue(0)
            self._scene.addItem(item)
            self.edge_items.append(item)
        self._edge_aa = sum(item.j.size for item in self.edge_items) <= AA_EDGE_LIMIT
        for item in self.edge_items:
            item.antialias = self._edge_aa
        self.neuron_items = []
        for l, lay in enumerate(self.layouts):
            side = "left" if l == 0 else "right" if l == n_layers - 1 else "above"
            title = names[l] if l < len(names) else ""
            if l == 0 and grid is not None:
                item = grid_item
            else:
                item = NeuronLayerItem(l, lay, title, self.unit_names[l], side)
            if hasattr(item, "set_text_scale"):
                item.set_text_scale(self._text_scale)
            if self._dark:
                item.text_colour = QColor(TEXT_DARK)
            item.setZValue(1)
            self._scene.addItem(item)
            self.neuron_items.append(item)
        self.selected = None
        self._hovered = (-1, -1)
        self._update_parameters(weights, biases)
        self.set_activations(None)
        self._update_scene_rect()
        self.fit()

    def _grid_shape(self) -> tuple[int, int] | None:
        """The input grid's shape when grid mode applies to the current sizes, else None."""
        if self.input_mode != "grid" or len(self.sizes) < 2:
            return None
        n = self.sizes[0]
        shape = self._input_shape_arg or guess_image_shape(n)
        return tuple(shape) if shape[0] * shape[1] == n and shape[0] > 1 else None

    def is_grid(self) -> bool:
        """True when the input layer is drawn as an image grid."""
        return bool(self.neuron_items) and isinstance(self.neuron_items[0], InputGridItem)

    def set_input_mode(self, mode: str) -> None:
        """``"column"``: the book's column of input neurons (elided when big); ``"grid"``: the
        inputs as an image grid with one aggregated line per first-layer neuron. Grid mode
        needs an image-shaped input (784 = 28x28, 64 = 8x8, or ``input_shape``)."""
        if mode not in ("column", "grid"):
            raise ValueError(f"input mode must be 'column' or 'grid', got {mode!r}")
        if mode == self.input_mode:
            return
        self.input_mode = mode
        if self.sizes:
            self._rebuild()

    def set_snapshot(self, snapshot) -> None:
        """Show a training snapshot. Same sizes: recolour only (the live fast path).

        Calls faster than ``max_fps`` are coalesced: the first is drawn at once, later ones
        wait for the timer and only the newest is drawn (``flush()`` draws it now).
        """
        if tuple(snapshot.sizes) != self.sizes:
            self._pending = None
            self.set_network(snapshot.sizes, snapshot.weights, snapshot.biases)
            return
        if self._throttle.isActive():
            self._pending = snapshot
            return
        self._apply_snapshot(snapshot)

    def _apply_snapshot(self, snapshot) -> None:
        if self._throttle.interval() > 0:
            for item in self.edge_items:
                item.antialias = False
            self._settle.start()
            self._throttle.start()
        self._update_parameters(snapshot.weights, snapshot.biases)

    def _on_settle(self) -> None:
        if self._throttle.isActive() or self._pending is not None:
            self._settle.start()  # still streaming
            return
        for item in self.edge_items:
            item.antialias = self._edge_aa
            item.update()

    def is_live(self) -> bool:
        """True while snapshots stream in (edges drawn in the fast, unsmoothed mode)."""
        return self._settle.isActive()

    def _on_throttle_timeout(self) -> None:
        pending, self._pending = self._pending, None
        if pending is not None:
            self._apply_snapshot(pending)

    def flush(self) -> None:
        """Draw a snapshot still waiting for the frame-rate limit, now."""
        pending, self._pending = self._pending, None
        if pending is not None:
            self._update_parameters(pending.weights, pending.biases)

    def set_max_fps(self, fps: float) -> None:
        """Limit live recolours to ``fps`` a second (0: no limit)."""
        self._throttle.setInterval(int(1000 / fps) if fps > 0 else 0)
        if fps <= 0:
            self._throttle.stop()
            self.flush()

    def _update_parameters(self, weights, biases) -> None:
        self.weights = tuple(np.asarray(w) for w in weights)
        self.biases = tuple(np.asarray(b) for b in biases)
        for l, item in enumerate(self.edge_items):
            item.set_weights(self.weights[l])
        self.neuron_items[0].set_biases(None)
        for l, item in enumerate(self.neuron_items[1:]):
            item.set_biases(self.biases[l])
        self._refresh_overlay()
        self._refresh_tooltip()

    def set_activations(self, activations: Sequence[np.ndarray] | None) -> None:
        """Fill neurons by activation: one 1-D array (or (n, 1) column) per layer, or None."""
        if activations is None:
            self.activations = None
            for item in self.neuron_items:
                item.set_activations(None)
        else:
            acts = [np.asarray(a, dtype=float).ravel() for a in activations]
            if [a.size for a in acts] != list(self.sizes):
                raise ValueError(
                    f"activations have sizes {[a.size for a in acts]}, network has {self.sizes}"
                )
            self.activations = acts
            for item, a in zip(self.neuron_items, acts):
                item.set_activations(a)
        if self.is_grid():
            self.edge_items[0].set_inputs(None if self.activations is None else self.activations[0])
        self._refresh_tooltip()

    def set_input_image(self, image: np.ndarray | None) -> None:
        """Show the current input (2-D, ink values 0..1) beside the input layer, or hide it."""
        had_image = self._image_item is not None
        if self._image_item is not None:
            self._scene.removeItem(self._image_item)
            self._image_item = None
        self._input_image = None if image is None else np.asarray(image)
        if image is not None and self.layouts and not self.is_grid():
            image = np.asarray(image)
            side = self._geometry["image_side"] or IMAGE_PX
            s = side / max(image.shape)
            w, h = image.shape[1] * s, image.shape[0] * s
            lay = self.layouts[0]
            # A frame item owns the picture and its caption, so one removeItem hides all three.
            frame = QGraphicsRectItem(0, 0, w, h)
            frame.setPen(QPen(QColor(150, 150, 150), 1.0))
            gap = 4.5 * self._geometry["label_px"] + 12
            frame.setPos(lay.x - gap - w, -h / 2)
            frame.setZValue(1)
            pix = QGraphicsPixmapItem(QPixmap.fromImage(image_to_qimage(image)), frame)
            pix.setTransformationMode(Qt.TransformationMode.FastTransformation)
            pix.setScale(s)
            caption = QGraphicsSimpleTextItem("input", frame)
            font = caption.font()
            font.setPixelSize(round(self._geometry["label_px"]))
            caption.setFont(font)
            if self._dark:
                caption.setBrush(QColor(TEXT_DARK))
            caption.setPos((w - caption.boundingRect().width()) / 2, h + 4)
            self._scene.addItem(frame)
            self._image_item = frame
        self._update_scene_rect()
        if self._auto_fit and had_image != (self._image_item is not None):
            self.fit()  # the picture changes what there is to fit

    def set_editable(self, editable: bool) -> None:
        """When True (training paused), double-clicking an edge or a neuron edits it."""
        if not editable:
            self.editor.cancel()
            self._editing = None
        self._editable = bool(editable)
        self.viewport().setCursor(
            Qt.CursorShape.PointingHandCursor if editable else Qt.CursorShape.ArrowCursor
        )

    def is_editable(self) -> bool:
        return self._editable

    def set_legend_visible(self, visible: bool) -> None:
        self._legend_visible = bool(visible)
        self.viewport().update()

    # -- geometry, hit-testing --------------------------------------------------------------
    def set_presentation(self, scale: float, dark: bool = False) -> None:
        """Presenter mode: labels, titles and the colour key grow by ``scale`` (1 to 3)."""
        self._text_scale = float(scale)
        self._dark = bool(dark)
        self.setBackgroundBrush(QColor(CANVAS_DARK if dark else "#ffffff"))
        for item in self.neuron_items:
            if hasattr(item, "set_text_scale"):  # the 28x28 input grid has no labels
                item.set_text_scale(self._text_scale)
            item.text_colour = QColor(TEXT_DARK) if dark else TEXT
            item.update()
        self._update_scene_rect()
        self.fit()
        self.card.set_scale(scale)
        self.card.set_dark(dark)
        self.editor.set_scale(scale)
        self.viewport().update()

    def _legend_scale(self) -> float:
        """The colour key grows with the presenter scale, as far as the canvas has room."""
        k = self._text_scale
        return max(1.0, min(k, self.contentsRect().height() / 400.0))

    def _fill_geometry(self) -> dict:
        """Where columns go so the network fills the view with labels of a readable size.

        Scene units are screen pixels when the view is fitted: the columns are as tall and as
        far apart as the viewport allows, labels are ``LABEL_PX`` times the presenter scale
        tall, and a layer keeps only as many rows as leave room for such labels (the others
        behind an ellipsis, as the book draws a big layer).
        """
        k = self._text_scale
        vp = self.contentsRect().size()  # the viewport's size, also before the first show
        w, h = max(vp.width(), 320), max(vp.height(), 200)
        # A first layout that came out a little too big for the view is shrunk by the
        # factor fitting needed, so that text is drawn at its size, not scaled down.
        shrink = self._shrink.get((vp.width(), vp.height(), k), 1.0)
        w, h = w * shrink, h * shrink
        label = LABEL_PX * k
        reserve = self._legend_room(h)
        top = 2.6 * TITLE_PX * k + 26 * k + 8  # two lines of layer title above the columns
        column = max(4 * label, h - reserve - top - label - 20)
        # Ten rows at least: the ten digits of an output layer are never elided.
        rows = max(10, int(column / (1.1 * label)) + 1)
        dots = max(rows, int(column / (0.85 * label)) + 1)  # unlabelled layers: closer rows
        per_layer = [rows if names else dots for names in self.unit_names]
        n = max(2, len(self.sizes))
        image = self.sizes and guess_image_shape(self.sizes[0])[0] > 1 and self.sizes[0] >= 16
        image_side = min(IMAGE_PX * k, 0.4 * column) if image else 0.0
        left = 4.5 * label + 32 + (image_side + 1.5 * label if image else 0.0)
        right = 4.0 * label + 32  # (the fitted view keeps 20 px around the drawing)
        dx = (w - left - right) / (n - 1)
        dx = float(min(max(dx, 8 * label), 3 * column))
        return {
            "layout": {
                "column": float(column),
                "dx": dx,
                "max_rows": per_layer if len(per_layer) == len(self.sizes) else rows,
                "max_spacing": max(34.0, 3.2 * label),
                "max_radius": max(12.0, label),
            },
            "label_px": label,
            "image_side": image_side,
        }

    @staticmethod
    def _geometry_key(g: dict) -> tuple:
        lay = g["layout"]
        # Small changes only rescale the fitted view; a relayout needs a real change.
        return (lay["max_rows"], round(lay["column"] / 16), round(lay["dx"] / 16), g["label_px"])

    def _rebuild(self) -> None:
        """Lay the network out again (new view size, presenter scale or input mode), keeping
        what it shows: the activations, the input picture, the selection."""
        acts, image, selected = self.activations, self._input_image, self.selected
        # A snapshot still waiting for the frame-rate limit is the newest state: lay out with
        # it (set_network drops the queue; a run's last snapshot would stay undrawn).
        pending, self._pending = self._pending, None
        weights = pending.weights if pending is not None else self.weights
        biases = pending.biases if pending is not None else self.biases
        self.set_network(
            self.sizes,
            weights,
            biases,
            self._layer_names,
            self._unit_names_arg,
            self._input_shape_arg,
        )
        if acts is not None:
            self.set_activations(acts)
        self.set_input_image(image)
        if selected is not None:
            self._set_selected(selected)

    def text_pixel_sizes(self) -> tuple[float, float]:
        """On screen, the height in pixels of neuron labels and of layer titles."""
        m = self.transform().m11()
        item = next((i for i in self.neuron_items if hasattr(i, "label_font")), None)
        if item is None:
            return 0.0, 0.0
        return item.label_font().pixelSize() * m, item.title_font().pixelSize() * m

    def _legend_room(self, height: float) -> float:
        """Pixels kept free below the network for the colour key; 0 when the key is hidden or
        the canvas is too small for it (then the whole network matters more than the key)."""
        if not self._legend_visible:
            return 0.0
        reserve = legend_size()[1] * self._legend_scale() + 12
        return 0.0 if height < 3 * reserve else reserve

    def fit(self) -> None:
        """Show the whole network, keeping its aspect ratio (laid out anew for the view's
        size first, when that changed)."""
        self._auto_fit = True
        if self.sizes and not self._rebuilding:
            if self._geometry_key(self._fill_geometry()) != self._built_key:
                self._guarded_rebuild()
            vp = self.contentsRect()
            size_key = (vp.width(), vp.height(), self._text_scale)
            scale = self._fit_scale()
            if scale is not None and scale < 0.999 and size_key not in self._shrink:
                self._shrink = {size_key: scale * 0.99}
                self._guarded_rebuild()
        rect = self._content_rect()
        scale = self._fit_scale()
        if scale is None:
            return
        reserve = self._legend_room(self.contentsRect().height())
        self.resetTransform()
        self.scale(scale, scale)
        self.centerOn(QPointF(rect.center().x(), rect.center().y() + reserve / 2 / scale))

    def _guarded_rebuild(self) -> None:
        self._rebuilding = True
        try:
            self._rebuild()
        finally:
            self._rebuilding = False

    def _fit_scale(self) -> float | None:
        """The zoom at which the whole network fits above the colour key, or None."""
        rect = self._content_rect()
        if not rect.isValid():
            return None
        vp = self.contentsRect()  # the viewport, also before the first show
        reserve = self._legend_room(vp.height())
        return min(vp.width() / rect.width(), max(40.0, vp.height() - reserve) / rect.height())

    def _content_rect(self) -> QRectF:
        rect = QRectF()
        for item in self._scene.items():
            rect = rect.united(item.sceneBoundingRect())
        return rect.adjusted(-20, -10, 20, 10)

    def _update_scene_rect(self) -> None:
        # Room around the network so a zoomed-in view can pan past the edges.
        r = self._content_rect()
        self._scene.setSceneRect(r.adjusted(-r.width(), -r.height(), r.width(), r.height()))

    def highlight_edge(self, layer: int, j: int, k: int) -> bool:
        """Mark the connection behind ``weights[layer][j, k]``: from neuron k of network
        layer ``layer`` to neuron j of layer ``layer + 1`` (the book's w^l_jk order). When
        neuron k is elided (a big input layer), the target neuron alone is marked. Returns
        False if neither end is drawn."""
        self.clear_highlight()
        if not (0 <= layer < len(self.neuron_items) - 1):
            return False
        end = self.neuron_center(layer + 1, j)
        if end is None:
            return False
        start = self.neuron_center(layer, k)
        pen = QPen(QColor(255, 196, 0), 4)
        pen.setCosmetic(True)
        items = []
        if start is not None:
            items.append(self._scene.addLine(start.x(), start.y(), end.x(), end.y(), pen))
        r = self.layouts[layer + 1].radius + 3
        items.append(self._scene.addEllipse(end.x() - r, end.y() - r, 2 * r, 2 * r, pen))
        if start is not None:
            r = self.layouts[layer].radius + 3
            items.append(self._scene.addEllipse(start.x() - r, start.y() - r, 2 * r, 2 * r, pen))
        for item in items:
            item.setZValue(3)
        self._highlight_items = items
        self.highlighted_edge = (layer, j, k)
        return True

    def clear_highlight(self) -> None:
        for item in getattr(self, "_highlight_items", []):
            if item.scene() is self._scene:
                self._scene.removeItem(item)
        self._highlight_items = []
        self.highlighted_edge = None

    def neuron_center(self, layer: int, index: int) -> QPointF | None:
        """Scene position of a neuron, or None if it is elided."""
        return self.neuron_items[layer].center(index)

    def edge_midpoint(self, layer: int, j: int, k: int) -> QPointF | None:
        """Scene position of the middle of the edge for weights[layer][j, k], if drawn."""
        return self.edge_items[layer].midpoint(j, k)

    def _pixels_to_scene(self, pixels: float) -> float:
        scale = abs(self.transform().m11()) or 1.0
        return pixels / scale

    def neuron_at(self, scene_pos: QPointF) -> tuple[int, int] | None:
        """(layer, index) of the neuron under a scene point, if any."""
        slack = self._pixels_to_scene(2.0)
        for item in self.neuron_items:
            unit = item.unit_at(scene_pos.x(), scene_pos.y(), slack)
            if unit is not None:
                return item.layer, unit
        return None

    def edge_at(
        self, scene_pos: QPointF, pixels: float = HIT_PIXELS
    ) -> tuple[int, int, int] | None:
        """(l, j, k) of the drawn edge nearest a scene point within ``pixels`` screen pixels."""
        tol = self._pixels_to_scene(pixels)
        x, y = scene_pos.x(), scene_pos.y()
        for item in self.edge_items:
            rect = item.boundingRect().adjusted(-tol, -tol, tol, tol)
            if not rect.contains(scene_pos):
                continue
            hit = item.nearest(x, y, tol)
            if hit is not None:
                return item.layer, hit[0], hit[1]
        return None

    # -- information -------------------------------------------------------------------------
    # Texts number layers and neurons as the book does: the input layer is layer 1 and
    # neurons count from 1, so weights[l][j, k] is w^(l+2)_(j+1),(k+1).
    def unit_label(self, layer: int, index: int) -> str:
        names = self.unit_names[layer] if layer < len(self.unit_names) else None
        if names is not None and index < len(names) and names[index]:
            return names[index]
        if layer == 0 and self.is_grid():
            r, c = divmod(index, self.neuron_items[0].grid_shape[1])
            return f"pixel (row {r}, col {c})"
        return f"x{index + 1}" if layer == 0 else f"{index + 1}"

    def neuron_info(self, layer: int, index: int) -> str:
        """Plain-text facts about a neuron, in the book's numbering: where it is, its bias, its
        weighted input z and activation a for the example shown, its strongest weights in."""
        l, j = layer + 1, index + 1
        lines = [f"{self._layer_word(layer)} neuron {self.unit_label(layer, index)}"]
        lines[0] += f"  (layer {l}, neuron {j})"
        if layer == 0:
            if self.activations is not None:
                lines.append(f"input {symbol('a', 1, j)} = {self.activations[0][index]:.4f}")
            return "\n".join(lines)
        b = float(np.asarray(self.biases[layer - 1]).ravel()[index])
        lines.append(f"bias {symbol('b', l, j)} = {b:+.4f}")
        w = np.asarray(self.weights[layer - 1][index], dtype=float)
        if self.activations is not None:
            z = float(w @ self.activations[layer - 1]) + b
            a = self.activations[layer][index]
            lines.append(f"weighted input {symbol('z', l, j)} = {z:+.4f}")
            lines.append(f"activation {symbol('a', l, j)} = \u03c3(z) = {a:.4f}")
        top = np.argsort(-np.abs(w), kind="stable")[:5]
        lines.append("largest incoming weights:")
        for k in top.tolist():
            lines.append(
                f"  from {self.unit_label(layer - 1, k)}: {symbol('w', l, j, k + 1)} = {w[k]:+.4f}"
            )
        if self._editable:
            lines.append("double-click to edit the bias")
        return "\n".join(lines)

    def edge_info(self, layer: int, j: int, k: int) -> str:
        """The weight weights[layer][j, k] in the book's notation, and what it adds to z."""
        l = layer + 2
        w = float(self.weights[layer][j, k])
        lines = [
            f"weight {symbol('w', l, j + 1, k + 1)} = {w:+.4f}",
            f"from {self._layer_word(layer)} neuron {self.unit_label(layer, k)} "
            f"(layer {l - 1}, neuron {k + 1})",
            f"to {self._layer_word(layer + 1)} neuron {self.unit_label(layer + 1, j)} "
            f"(layer {l}, neuron {j + 1})",
        ]
        if self.activations is not None:
            a = float(self.activations[layer][k])
            lines.append(
                f"adds {symbol('w', l, j + 1, k + 1)}\u00b7{symbol('a', l - 1, k + 1)} = "
                f"{w * a + 0.0:+.4f} to {symbol('z', l, j + 1)}"
            )
        if self._editable:
            lines.append("double-click to edit")
        return "\n".join(lines)

    def _layer_word(self, layer: int) -> str:
        if layer == 0:
            return "input"
        if layer == len(self.sizes) - 1:
            return "output"
        return f"hidden layer {layer}" if len(self.sizes) > 3 else "hidden"

    def _refresh_tooltip(self) -> None:
        """Keep the hover card's numbers current while the weights change."""
        if not self.card.isVisible():
            return
        if self._hovered != (-1, -1):
            self.card.refresh(self.neuron_info(*self._hovered))
        elif self._hovered_edge is not None:
            self.card.refresh(self.edge_info(*self._hovered_edge))

    # -- events ------------------------------------------------------------------------------
    def wheelEvent(self, event) -> None:
        self._auto_fit = False
        factor = 1.0015 ** event.angleDelta().y()
        self.scale(factor, factor)

    def mouseDoubleClickEvent(self, event) -> None:
        target = self._edit_target(self.mapToScene(event.position().toPoint()))
        if target is None:
            self.fit()
        elif self._editable:
            self.edit(*target)
        event.accept()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self._auto_fit:
            self.fit()
            self._auto_fit = True

    def mousePressEvent(self, event) -> None:
        self._press_pos = event.position().toPoint()
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event) -> None:
        super().mouseReleaseEvent(event)
        event.accept()
        press, self._press_pos = self._press_pos, None
        if press is None or event.button() != Qt.MouseButton.LeftButton:
            return
        if (event.position().toPoint() - press).manhattanLength() > CLICK_PIXELS:
            self._auto_fit = False  # it was a pan
            return
        self._on_click(self.mapToScene(press))

    def mouseMoveEvent(self, event) -> None:
        super().mouseMoveEvent(event)
        if self._press_pos is not None:
            return
        pos = event.position().toPoint()
        self._on_hover(self.mapToScene(pos), event.globalPosition().toPoint())

    def leaveEvent(self, event) -> None:
        super().leaveEvent(event)
        self._set_hovered((-1, -1))
        if self._hovered_edge is not None and not self.editor.is_open():
            self.clear_highlight()
            self._hovered_edge = None
        self.card.hide()

    def contextMenuEvent(self, event) -> None:
        from PySide6.QtWidgets import QMenu

        target = self._edit_target(self.mapToScene(event.pos()))
        if target is None:
            return
        l, j, k = target
        menu = QMenu(self)
        if k is None:
            text = f"Edit bias {symbol('b', l + 2, j + 1)}…"
        else:
            text = f"Edit weight {symbol('w', l + 2, j + 1, k + 1)}…"
        act = menu.addAction(text + "\tdouble-click")
        act.setEnabled(self._editable)
        if not self._editable:
            act.setText(text + "  (pause training to edit)")
        act.triggered.connect(lambda: self.edit(l, j, k))
        menu.exec(event.globalPos())

    def _edit_target(self, scene_pos: QPointF) -> tuple[int, int, int | None] | None:
        """What a double-click at ``scene_pos`` edits: (l, j, k) of a weight, (l, j, None) of
        a neuron's bias, or None (an input neuron, or nothing)."""
        hit = self.neuron_at(scene_pos)
        sel = self.selected
        if hit is not None and hit[0] == 0 and self.is_grid() and sel and sel[0] == 1:
            return 0, sel[1], hit[1]  # grid: a pixel names a weight of the selected neuron
        if hit is not None:
            return (hit[0] - 1, hit[1], None) if hit[0] > 0 else None
        return self.edge_at(scene_pos)

    def edit(self, l: int, j: int, k: int | None = None) -> None:
        """Open the in-place editor on ``weights[l][j, k]`` (or ``biases[l][j]`` when k is
        None). Only while editable; the value is emitted when the user is done."""
        if not self._editable:
            return
        if k is None:
            value = float(np.asarray(self.biases[l]).ravel()[j])
            name, anchor = symbol("b", l + 2, j + 1), self.neuron_center(l + 1, j)
        else:
            value = float(self.weights[l][j, k])
            name = symbol("w", l + 2, j + 1, k + 1)
            anchor = self.edge_midpoint(l, j, k)
            if anchor is None:  # grid mode: the pixel
                anchor = self.neuron_center(0, k)
        self._editing = (l, j, k)
        self.card.hide()
        self.editor.open(name, value, self.mapFromScene(anchor or QPointF()))

    def _on_editor_committed(self, value: float) -> None:
        target, self._editing = self._editing, None
        if target is None or not self._editable:
            return
        l, j, k = target
        if k is None:
            if value != float(np.asarray(self.biases[l]).ravel()[j]):
                self.bias_edited.emit(l, j, value)
        elif value != float(self.weights[l][j, k]):
            self.weight_edited.emit(l, j, k, value)

    def _on_click(self, scene_pos: QPointF) -> None:
        hit = self.neuron_at(scene_pos)
        sel = self.selected
        if hit is not None and hit[0] == 0 and self.is_grid() and sel and sel[0] == 1:
            # Grid mode: with a first-layer neuron selected, a pixel keeps the selection.
            self.neuron_clicked.emit(*hit)
            return
        if hit is not None:
            self._set_selected(hit)
            self.neuron_clicked.emit(*hit)

    def _on_hover(self, scene_pos: QPointF, global_pos: QPoint) -> None:
        if self.editor.is_open():
            return
        hit = self.neuron_at(scene_pos) or (-1, -1)
        edge = self.edge_at(scene_pos) if hit == (-1, -1) else None
        if hit == self._hovered and edge == self._hovered_edge:
            return
        self._set_hovered(hit)
        if edge != self._hovered_edge:
            if edge is not None:
                self.highlight_edge(*edge)
            elif self._hovered_edge is not None:
                self.clear_highlight()
        self._hovered_edge = edge
        at = self.viewport().mapFromGlobal(global_pos)
        if hit != (-1, -1):
            self.card.show_text(self.neuron_info(*hit), at)
        elif edge is not None:
            self.card.show_text(self.edge_info(*edge), at)
        else:
            self.card.hide()

    def hover_text(self, view_pos: QPoint) -> str | None:
        """What hovering at ``view_pos`` (viewport pixels) shows: a neuron's or an edge's
        readout, or None over empty canvas."""
        scene_pos = self.mapToScene(view_pos)
        hit = self.neuron_at(scene_pos)
        if hit is not None:
            return self.neuron_info(*hit)
        edge = self.edge_at(scene_pos)
        return self.edge_info(*edge) if edge is not None else None

    def _set_hovered(self, hit: tuple[int, int]) -> None:
        if hit == self._hovered:
            return
        old = self._hovered
        self._hovered = hit
        if old != (-1, -1) and old[0] < len(self.neuron_items):
            self.neuron_items[old[0]].highlighted = None
            self.neuron_items[old[0]].update()
        if hit != (-1, -1):
            self.neuron_items[hit[0]].highlighted = hit[1]
            self.neuron_items[hit[0]].update()
        self._update_focus()
        self.neuron_hovered.emit(*hit)

    def _set_selected(self, hit: tuple[int, int] | None) -> None:
        for item in self.neuron_items:
            item.selected = None
        self.selected = hit
        if hit is not None:
            self.neuron_items[hit[0]].selected = hit[1]
        for item in self.neuron_items:
            item.update()
        self._update_focus()

    def _update_focus(self) -> None:
        # The hovered neuron's edges are emphasised; otherwise the selected one's.
        focus = self._hovered if self._hovered != (-1, -1) else self.selected
        for item in self.edge_items:
            item.faded = focus is not None
            j = focus[1] if focus is not None and focus[0] == item.layer + 1 else None
            k = focus[1] if focus is not None and focus[0] == item.layer else None
            item.set_focus(j, k)
        self._refresh_overlay()

    def _refresh_overlay(self) -> None:
        # Grid mode: a focused first-layer neuron paints its incoming weights into the grid.
        if not self.is_grid():
            return
        focus = self._hovered if self._hovered != (-1, -1) else self.selected
        if focus is not None and focus[0] == 1:
            caption = f"weights into hidden neuron {self.unit_label(1, focus[1])}"
            self.neuron_items[0].set_overlay(self.weights[0][focus[1]], caption)
        else:
            self.neuron_items[0].set_overlay(None)

    def drawForeground(self, painter: QPainter, rect: QRectF) -> None:
        if not self.sizes or not self._legend_room(self.viewport().height()):
            return
        painter.save()
        painter.resetTransform()  # the legend stays put in screen pixels while you zoom
        h = legend_size()[1]
        k = self._legend_scale()
        pix = QPixmap(legend_pixmap(self.devicePixelRatioF() * k))  # a copy: the cache keeps its
        pix.setDevicePixelRatio(self.devicePixelRatioF())
        painter.drawPixmap(QPointF(7, self.viewport().height() - h * k - 9), pix)
        painter.restore()

    # -- export ------------------------------------------------------------------------------
    def _render_whole(self, painter: QPainter, size: QSize, scale: float = 1.0) -> None:
        source = self._content_rect()
        target = QRectF(0, 0, size.width(), size.height())
        painter.fillRect(target, self.backgroundBrush().color())
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
        self._scene.render(painter, target, source, Qt.AspectRatioMode.KeepAspectRatio)
        if self._legend_visible:
            painter.resetTransform()
            painter.scale(scale, scale)
            paint_legend(painter, QPointF(8, size.height() / scale - legend_size()[1] - 8))

    def _export_size(self, scale: float) -> QSize:
        r = self._content_rect()
        lw, lh = legend_size()
        return QSize(int(r.width() * scale), int((r.height() + lh + 16) * scale))

    def export_png(self, path: str, scale: float = 2) -> bool:
        """Write the whole network (not just the visible part) as a PNG; True on success."""
        size = self._export_size(scale)
        image = QImage(size, QImage.Format.Format_ARGB32)
        image.fill(self.backgroundBrush().color())
        painter = QPainter(image)
        self._render_whole(painter, size, scale)
        painter.end()
        return image.save(str(path))

    def export_svg(self, path: str) -> bool:
        """Write the whole network as an SVG (vector lines and text)."""
        from PySide6.QtSvg import QSvgGenerator

        size = self._export_size(1.0)
        gen = QSvgGenerator()
        gen.setFileName(str(path))
        gen.setSize(size)
        gen.setViewBox(QRectF(0, 0, size.width(), size.height()))
        gen.setTitle("nnviz network")
        painter = QPainter(gen)
        self._render_whole(painter, size)
        return painter.end()


def _default_layer_names(sizes: Sequence[int]) -> list[str]:
    n = len(sizes)
    names = []
    for l, s in enumerate(sizes):
        if l == 0:
            word = "input layer"
        elif l == n - 1:
            word = "output layer"
        else:
            word = "hidden layer" if n == 3 else f"hidden layer {l}"
        names.append(f"{word}\n({s} neuron{'' if s == 1 else 's'})")
    return names
