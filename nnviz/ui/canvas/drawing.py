"""The drawing of a network: a layered network as the book draws it, laid out to fill its
view, recoloured by new parameters and activations, with hit-testing for what is under a
point. Interaction (hover cards, clicks, editing, live streaming, export) is one layer up in
:class:`nnviz.ui.canvas.view.NetworkCanvas`.

Layers are columns of neurons; edges are coloured by the sign of their weight and get wider and
more opaque with |w| (scaled per layer by a robust maximum); each neuron's ring shows its bias
and its fill the activation for the chosen input. Big layers are elided (see ``layout``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from PySide6.QtCore import QPointF, QRect, QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPen, QPixmap
from PySide6.QtWidgets import (
    QGraphicsPixmapItem,
    QGraphicsRectItem,
    QGraphicsScene,
    QGraphicsSimpleTextItem,
    QGraphicsView,
)

from nnviz.ui.canvas.geometry import IMAGE_PX, fill_geometry
from nnviz.ui.canvas.grid import GRID_SIDE, GridEdgeItem, InputGridItem
from nnviz.ui.canvas.items import LABEL_PX, TEXT, TITLE_PX, EdgeLayerItem, NeuronLayerItem
from nnviz.ui.canvas.layout import LayerLayout, layout_layers
from nnviz.ui.canvas.readout_text import Shown, edge_info, neuron_info, unit_label
from nnviz.ui.canvas.style import legend_pixmap, legend_size
from nnviz.ui.canvas.weights import guess_image_shape
from nnviz.ui.style import app_theme

CANVAS_DARK = "#1e2127"  # the canvas in the dark theme, as the plots
TEXT_DARK = "#e6e9ef"
AA_EDGE_LIMIT = 1000  # more drawn edges than this: edges drawn without antialiasing (speed)
HIT_PIXELS = 4.0  # how near (in screen pixels) a click must be to an edge to pick it


def image_to_qimage(image: np.ndarray) -> QImage:
    """A 2-D array of ink values in [0, 1] as a grey QImage, ink dark on light paper."""
    a = np.clip(np.nan_to_num(np.asarray(image, dtype=float)), 0.0, 1.0)
    grey = np.ascontiguousarray(255 - np.round(a * 255).astype(np.uint8))
    h, w = grey.shape
    return QImage(grey.data, w, h, w, QImage.Format.Format_Grayscale8).copy()


class InputPicture(QGraphicsRectItem):
    """The current input as a picture with its caption, drawn left of the input layer
    (``gap`` scene units of room for the input labels between them)."""

    def __init__(self, image: np.ndarray, side: float, label_px: float, dark: bool) -> None:
        s = side / max(image.shape)
        w, h = image.shape[1] * s, image.shape[0] * s
        super().__init__(0, 0, w, h)
        self.gap = 4.5 * label_px + 12
        self.setPen(QPen(QColor(150, 150, 150), 1.0))
        self.setZValue(1)
        pix = QGraphicsPixmapItem(QPixmap.fromImage(image_to_qimage(image)), self)
        pix.setTransformationMode(Qt.TransformationMode.FastTransformation)
        pix.setScale(s)
        caption = self.caption = QGraphicsSimpleTextItem("input", self)
        font = caption.font()
        font.setPixelSize(round(label_px))
        caption.setFont(font)
        caption.setBrush(QColor(TEXT_DARK) if dark else QColor(TEXT))
        caption.setPos((w - caption.boundingRect().width()) / 2, h + 4)


class NetworkDrawing(QGraphicsView):
    """A feedforward network drawn to fill the view.

    Layer indices: network layers (0 = input). ``selected`` is the clicked neuron or None,
    ``_hovered`` the neuron under the mouse ((-1, -1): none).
    """

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._scene = QGraphicsScene(self)
        # Items change colour every frame; a BSP index would be rebuilt for nothing.
        self._scene.setItemIndexMethod(QGraphicsScene.ItemIndexMethod.NoIndex)
        self.setScene(self._scene)
        self.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        self.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.FullViewportUpdate)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setBackgroundBrush(Qt.GlobalColor.white)
        self.setMinimumSize(320, 240)
        theme = app_theme()
        self.sign_dashes = sign_dashes_wanted(theme.look.theme)
        theme.changed.connect(self._on_theme)
        self.sizes: tuple[int, ...] = ()
        self.weights: tuple[np.ndarray, ...] = ()
        self.biases: tuple[np.ndarray, ...] = ()
        self.activations: list[np.ndarray] | None = None
        self.layouts: list[LayerLayout] = []
        self.edge_items: list[Any] = []  # EdgeLayerItem, or a GridEdgeItem first
        self.neuron_items: list[Any] = []  # NeuronLayerItem, or an InputGridItem first
        self.unit_names: list[list[str] | None] = []
        self.selected: tuple[int, int] | None = None
        self.input_mode = "column"
        self._image_item: QGraphicsRectItem | None = None
        self._auto_fit = True
        self._legend_visible = True
        self._hovered: tuple[int, int] = (-1, -1)
        self._edge_aa = True
        self._editable = False
        self._input_image: np.ndarray | None = None
        self._layer_names: list[str] | None = None
        self._unit_names_arg: Sequence[Sequence[str] | None] | None = None
        self._input_shape_arg: tuple[int, int] | None = None
        self._text_scale = 1.0
        self._dark = False
        self._built_key: tuple = ()
        self._shrink: dict[tuple, float] = {}
        self._rebuilding = False
        self._geometry: dict = {"label_px": LABEL_PX, "image_side": IMAGE_PX}

    # -- hooks for the interactive canvas ----------------------------------------------------
    def _numbers_changed(self) -> None:
        """The parameters or activations changed (the canvas refreshes its hover card)."""

    def _newest_parameters(self) -> tuple[Sequence[np.ndarray], Sequence[np.ndarray]]:
        """The parameters to lay out again with (the canvas: a snapshot still waiting)."""
        return self.weights, self.biases

    # -- what the hover card says ---------------------------------------------------------
    def shown(self) -> Shown:
        """The numbers on display, for the texts of :mod:`nnviz.ui.canvas.readout_text`."""
        grid = self.neuron_items[0].grid_shape[1] if self.is_grid() else 0
        return Shown(
            self.sizes,
            self.weights,
            self.biases,
            self.activations,
            self.unit_names,
            grid,
            self._editable,
        )

    def unit_label(self, layer: int, index: int) -> str:
        return unit_label(self.shown(), layer, index)

    def neuron_info(self, layer: int, index: int) -> str:
        """Plain-text facts about a neuron in the book's numbering (its bias, z and a for the
        example shown, its strongest weights in)."""
        return neuron_info(self.shown(), layer, index)

    def edge_info(self, layer: int, j: int, k: int) -> str:
        """The weight weights[layer][j, k] in the book's notation, and what it adds to z."""
        return edge_info(self.shown(), layer, j, k)

    def _fill_geometry(self) -> dict:
        vp = self.contentsRect().size()  # the viewport's size, also before the first show
        shrink = self._shrink.get((vp.width(), vp.height(), self._text_scale), 1.0)
        return fill_geometry(
            (vp.width(), vp.height()),
            self._text_scale,
            shrink,
            self._legend_room,
            self.sizes,
            self.unit_names,
        )

    # -- model in ----------------------------------------------------------------------------
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
        self._scene.clear()
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
            k = self._label_scale()
            grid_item = InputGridItem(
                grid,
                names[0] if names else "",
                side=min(GRID_SIDE, geometry["layout"]["column"]),
                text_px=(LABEL_PX * k, TITLE_PX * k),
            )
            self.layouts[0] = grid_item.layout
        self.edge_items = []
        for l in range(n_layers - 1):
            edges: GridEdgeItem | EdgeLayerItem
            if l == 0 and grid is not None:
                edges = GridEdgeItem(grid_item, self.layouts[1])
            else:
                edges = EdgeLayerItem(l, self.layouts[l], self.layouts[l + 1])
            edges.dashes = self.sign_dashes
            edges.setZValue(0)
            self._scene.addItem(edges)
            self.edge_items.append(edges)
        self._edge_aa = sum(item.j.size for item in self.edge_items) <= AA_EDGE_LIMIT
        for item in self.edge_items:
            item.antialias = self._edge_aa
        self.neuron_items = []
        for l, lay in enumerate(self.layouts):
            side = "left" if l == 0 else "right" if l == n_layers - 1 else "above"
            title = names[l] if l < len(names) else ""
            units: InputGridItem | NeuronLayerItem
            if l == 0 and grid is not None:
                units = grid_item
            else:
                units = NeuronLayerItem(l, lay, title, self.unit_names[l], side)
                units.set_text_scale(self._label_scale())
            if self._dark:
                units.text_colour = QColor(TEXT_DARK)
                units.set_dark(True)
            units.setZValue(1)
            self._scene.addItem(units)
            self.neuron_items.append(units)
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
        rows, cols = int(shape[0]), int(shape[1])
        return (rows, cols) if rows * cols == n and rows > 1 else None

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

    def _update_parameters(self, weights, biases) -> None:
        self.weights = tuple(np.asarray(w) for w in weights)
        self.biases = tuple(np.asarray(b) for b in biases)
        for l, item in enumerate(self.edge_items):
            item.set_weights(self.weights[l])
        self.neuron_items[0].set_biases(None)
        for l, item in enumerate(self.neuron_items[1:]):
            item.set_biases(self.biases[l])
        self._refresh_overlay()
        self._numbers_changed()

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
        self._numbers_changed()

    def set_input_image(self, image: np.ndarray | None) -> None:
        """Show the current input (2-D, ink values 0..1) beside the input layer, or hide it."""
        had_image = self._image_item is not None
        if self._image_item is not None:
            self._scene.removeItem(self._image_item)
            self._image_item = None
        self._input_image = None if image is None else np.asarray(image)
        if image is not None and self.layouts and not self.is_grid():
            side = self._geometry["image_side"] or IMAGE_PX
            frame = InputPicture(np.asarray(image), side, self._geometry["label_px"], self._dark)
            w, h = frame.rect().width(), frame.rect().height()
            frame.setPos(self.layouts[0].x - frame.gap - w, -h / 2)
            self._scene.addItem(frame)
            self._image_item = frame
        self._update_scene_rect()
        if self._auto_fit and had_image != (self._image_item is not None):
            self.fit()  # the picture changes what there is to fit

    def legend_visible(self) -> bool:
        return self._legend_visible

    def set_legend_visible(self, visible: bool) -> None:
        self._legend_visible = bool(visible)
        self.viewport().update()

    def _label_scale(self) -> float:
        """The presenter scale, less where the layout made labels smaller so that ten
        output labels fit a short column without running into each other."""
        return min(self._text_scale, self._geometry["label_px"] / LABEL_PX)

    def set_presentation(self, scale: float, dark: bool = False) -> None:
        """Presenter mode: labels, titles and the colour key grow by ``scale`` (1 to 3)."""
        self._text_scale = float(scale)
        self._dark = bool(dark)
        self.setBackgroundBrush(QColor(CANVAS_DARK if dark else "#ffffff"))
        for item in self.neuron_items:
            if hasattr(item, "set_text_scale"):  # the 28x28 input grid has no labels
                item.set_text_scale(self._label_scale())
            item.text_colour = QColor(TEXT_DARK) if dark else TEXT
            item.set_dark(self._dark)
            item.update()
        if self._input_image is not None:  # its caption in the new theme's ink
            self.set_input_image(self._input_image)
        self._update_scene_rect()
        self.fit()
        self.viewport().update()

    def _on_theme(self, look) -> None:
        try:
            self.set_sign_dashes(sign_dashes_wanted(look.theme))
        except RuntimeError:  # the theme outlived this view's C++ side
            pass

    def set_sign_dashes(self, on: bool) -> None:
        """Negative weights drawn dashed as well as orange: a cue that needs no colour
        vision (View > Dashed Negative Weights; on by default in the high-contrast theme)."""
        self.sign_dashes = bool(on)
        for item in self.scene().items():
            if isinstance(item, EdgeLayerItem):
                item.dashes = self.sign_dashes
                item.update()
            elif isinstance(item, GridEdgeItem):
                item.dashes = self.sign_dashes
                item.recolour()
        self.viewport().update()

    def _legend_scale(self) -> float:
        """The colour key grows with the presenter scale: as a strip always, as a box as far
        as the canvas has room."""
        k = self._text_scale
        if self._legend_mode() != "box":
            return k
        return max(1.0, min(k, self.contentsRect().height() / 400.0))

    @staticmethod
    def _geometry_key(g: dict) -> tuple:
        lay = g["layout"]
        # Small changes only rescale the fitted view; a relayout needs a real change.
        return (lay["max_rows"], round(lay["column"] / 16), round(lay["dx"] / 16), g["label_px"])

    def _rebuild(self) -> None:
        """Lay the network out again (new view size, presenter scale or input mode), keeping
        what it shows: the activations, the input picture, the selection."""
        acts, image, selected = self.activations, self._input_image, self.selected
        weights, biases = self._newest_parameters()
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

    def _legend_room(self, height: float) -> float:
        """Pixels kept free below the network for the colour key; 0 when the key is hidden or
        the canvas is too small for it (then the whole network matters more than the key)."""
        if not self._legend_visible:
            return 0.0
        reserve = legend_size(self._legend_mode())[1] * self._legend_scale() + 12
        return 0.0 if height < 3 * reserve else reserve

    def _legend_mode(self) -> str:
        """The key as one strip when the canvas is wide enough for it in the presenter's
        type, a short strip when only that fits, else the box (which takes the height of
        four text lines from a short canvas's network)."""
        width, k = self.contentsRect().width(), self._text_scale
        for mode in ("strip", "short"):
            if width >= legend_size(mode)[0] * k + 16:
                return mode
        return "box"

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
        rect = self.content_rect()
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
        rect = self.content_rect()
        if not rect.isValid():
            return None
        vp = self.contentsRect()  # the viewport, also before the first show
        reserve = self._legend_room(vp.height())
        return min(vp.width() / rect.width(), max(40.0, vp.height() - reserve) / rect.height())

    def content_rect(self) -> QRectF:
        rect = QRectF()
        for item in self._scene.items():
            rect = rect.united(item.sceneBoundingRect())
        return rect.adjusted(-20, -10, 20, 10)

    def _update_scene_rect(self) -> None:
        # Room around the network so a zoomed-in view can pan past the edges.
        r = self.content_rect()
        self._scene.setSceneRect(r.adjusted(-r.width(), -r.height(), r.width(), r.height()))

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

    def drawForeground(self, painter: QPainter, rect: QRectF | QRect) -> None:
        if not self.sizes or not self._legend_room(self.viewport().height()):
            return
        painter.save()
        painter.resetTransform()  # the legend stays put in screen pixels while you zoom
        mode = self._legend_mode()
        h = legend_size(mode)[1]
        k = self._legend_scale()
        pix = QPixmap(
            legend_pixmap(self.devicePixelRatioF() * k, mode, self._dark, self.sign_dashes)
        )  # a copy: the cache keeps its
        pix.setDevicePixelRatio(self.devicePixelRatioF())
        painter.drawPixmap(QPointF(7, self.viewport().height() - h * k - 9), pix)
        painter.restore()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self._auto_fit:
            self.fit()
            self._auto_fit = True


SIGN_DASHES_KEY = "view/dashed_negative_weights"  # "on", "off", or unset: as the theme says


def sign_dashes_wanted(theme: str) -> bool:
    """Whether negative weights are dashed: the user's choice, else on in high contrast."""
    from nnviz.ui.settings import settings

    chosen = settings().value(SIGN_DASHES_KEY)
    if chosen in ("on", "off"):
        return chosen == "on"
    return theme == "contrast"


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
