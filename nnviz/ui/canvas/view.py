"""The network canvas: a layered network drawn as in the book, recoloured live while it trains,
that you can hover, click, zoom and edit (the drawing itself: :mod:`nnviz.ui.canvas.drawing`).

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
from PySide6.QtCore import QPoint, QPointF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QPen
from PySide6.QtWidgets import QGraphicsItem, QGraphicsView

from nnviz.core.notation import symbol
from nnviz.ui.canvas.drawing import (
    CANVAS_DARK,
    HIT_PIXELS,
    NetworkDrawing,
    _default_layer_names,
    image_to_qimage,
)
from nnviz.ui.canvas.edit import ParameterEditor
from nnviz.ui.canvas.example import ExampleView, InputImageView, OutputBars
from nnviz.ui.canvas.export import export_png, export_svg
from nnviz.ui.canvas.readout import HoverCard
from nnviz.ui.canvas.weights import WeightHeatmap

__all__ = [
    "CANVAS_DARK",
    "ExampleView",
    "InputImageView",
    "NetworkCanvas",
    "OutputBars",
    "WeightHeatmap",
    "_default_layer_names",
    "image_to_qimage",
]

CLICK_PIXELS = 4  # a press and release closer than this is a click, not a pan


class NetworkCanvas(NetworkDrawing):
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
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setMouseTracking(True)
        self.highlighted_edge: tuple[int, int, int] | None = None
        self._highlight_items: list = []
        self._press_pos: QPoint | None = None
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
        self.card = HoverCard(self.viewport())
        self.editor = ParameterEditor(self.viewport())
        self.editor.committed.connect(self._on_editor_committed)
        self._editing: tuple[int, int, int | None] | None = None  # (l, j, k or None: bias)
        self._hovered_edge: tuple[int, int, int] | None = None

    def set_network(self, *args, **kwargs) -> None:
        """Rebuild the drawing for a network (see :meth:`NetworkDrawing.set_network`)."""
        self._pending = None
        self._highlight_items = []
        self.highlighted_edge = None
        super().set_network(*args, **kwargs)

    def set_presentation(self, scale: float, dark: bool = False) -> None:
        """Presenter mode: labels, titles, the colour key and the hover card grow by
        ``scale`` (1 to 3)."""
        super().set_presentation(scale, dark)
        self.card.set_scale(scale)
        self.card.set_dark(dark)
        self.editor.set_scale(scale)

    def _newest_parameters(self) -> tuple[Sequence[np.ndarray], Sequence[np.ndarray]]:
        # A snapshot still waiting for the frame-rate limit is the newest state: lay out with
        # it (set_network drops the queue; a run's last snapshot would stay undrawn).
        pending, self._pending = self._pending, None
        if pending is not None:
            return pending.weights, pending.biases
        return self.weights, self.biases

    def _numbers_changed(self) -> None:
        """Keep the hover card's numbers current while the weights change."""
        if not self.card.isVisible():
            return
        if self._hovered != (-1, -1):
            self.card.refresh(self.neuron_info(*self._hovered))
        elif self._hovered_edge is not None:
            self.card.refresh(self.edge_info(*self._hovered_edge))

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
        items: list[QGraphicsItem] = []
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

    # -- export ------------------------------------------------------------------------------
    def export_png(self, path: str, scale: float = 2) -> bool:
        """Write the whole network (not just the visible part) as a PNG; True on success."""
        return export_png(self, path, scale)

    def export_svg(self, path: str) -> bool:
        """Write the whole network as an SVG (vector lines and text)."""
        return export_svg(self, path)

    def text_pixel_sizes(self) -> tuple[float, float]:
        """On screen, the height in pixels of neuron labels and of layer titles."""
        m = self.transform().m11()
        item = next((i for i in self.neuron_items if hasattr(i, "label_font")), None)
        if item is None:
            return 0.0, 0.0
        return item.label_font().pixelSize() * m, item.title_font().pixelSize() * m
