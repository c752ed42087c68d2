"""Wires and notes of the circuit canvas: a wire between two ports (routed by its scene,
coloured by the signal it carries, its vertical run draggable), the rubber-band wire that
follows the mouse while wiring, and free text notes."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QPainter, QPainterPath, QPainterPathStroker, QPen
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsPathItem,
    QGraphicsTextItem,
    QStyleOptionGraphicsItem,
)

from nnviz.ui.circuit.items import FAR, GRID, ON_GLOW, SELECTED, PortItem, look_of, value_color


class WireItem(QGraphicsPathItem):
    """A wire from an output port to an input port.

    Drawn as its scene routes it (``CircuitScene.wire_path``): orthogonal runs around part
    bodies by default, or a smooth curve. Dragging the vertical run of a selected orthogonal
    wire moves it (one undo step); double-clicking a wire gives it back its automatic route.
    """

    def __init__(self, wire_id: int, source: PortItem, target: PortItem) -> None:
        super().__init__()
        self.wire_id = wire_id
        self.source = source
        self.target = target
        self.value: int | None = None
        self.points: list[tuple[float, float]] = []  # corners of the orthogonal route
        self.dots: list[tuple[float, float]] = []  # junctions drawn on this wire
        # The part of the route this wire strokes (None: all of it): runs another wire of
        # the same net already draws are left out (the scene's _share_strokes sets it).
        self.own_path: QPainterPath | None = None
        self._drag_bend: float | None = None
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable, True)
        self.setZValue(0)
        self.setAcceptHoverEvents(True)
        self.update_path()
        self._apply_pen()

    @staticmethod
    def curve(a: QPointF, b: QPointF) -> QPainterPath:
        """A horizontal-tangent cubic from ``a`` to ``b`` (loops back smoothly if b is left)."""
        path = QPainterPath(a)
        dx = max(30.0, abs(b.x() - a.x()) * 0.5)
        path.cubicTo(a + QPointF(dx, 0), b - QPointF(dx, 0), b)
        return path

    def update_path(self, bend: float | None = None) -> None:
        """Follow the ports after a node moved (``bend``: a vertical run being dragged)."""
        scene = self.scene()
        self.own_path = None  # until the scene shares the net's strokes out again
        a, b = self.source.scene_center(), self.target.scene_center()
        if scene is not None and hasattr(scene, "wire_path"):
            path, self.points = scene.wire_path(self, a, b, bend)
        else:
            path, self.points = self.curve(a, b), []
        self.setPath(path)

    def bend_run(self) -> tuple[float, float, float] | None:
        """(x, y0, y1) of the vertical run a drag can move, if the route has one."""
        if len(self.points) == 4:
            (_, y0), (x, _), (_, y1) = self.points[0], self.points[1], self.points[3]
            return x, min(y0, y1), max(y0, y1)
        return None

    def mousePressEvent(self, event) -> None:  # noqa: N802
        super().mousePressEvent(event)
        run = self.bend_run()
        p = event.scenePos()
        if run is not None and abs(p.x() - run[0]) <= 6 and run[1] <= p.y() <= run[2]:
            self._drag_bend = run[0]
            event.accept()

    def mouseMoveEvent(self, event) -> None:  # noqa: N802
        if self._drag_bend is None:
            super().mouseMoveEvent(event)
            return
        self._drag_bend = round(event.scenePos().x() / GRID) * GRID
        self.update_path(self._drag_bend)

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802
        bend, self._drag_bend = self._drag_bend, None
        super().mouseReleaseEvent(event)
        scene = self.scene()
        run = self.bend_run()
        if bend is not None and scene is not None and hasattr(scene, "bend_wire"):
            if run is not None:
                scene.bend_wire(self.wire_id, bend)

    def mouseDoubleClickEvent(self, event) -> None:  # noqa: N802
        scene = self.scene()
        if scene is not None and hasattr(scene, "bend_wire"):
            scene.bend_wire(self.wire_id, None)
        event.accept()

    def set_value(self, value: int | None) -> None:
        """Colour the wire by the value it carries."""
        if value != self.value:
            self.value = value
            self._apply_pen()

    def _apply_pen(self) -> None:
        pen = QPen(value_color(self.value, look_of(self)), 3.0 if self.value else 2.2)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        self.setPen(pen)

    def shape(self) -> QPainterPath:
        stroker = QPainterPathStroker()
        stroker.setWidth(10)  # easy to click
        return stroker.createStroke(self.path())

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget=None) -> None:
        detail = option.levelOfDetailFromTransform(painter.worldTransform())
        if detail < FAR and not self.isSelected():
            # zoomed far out: the line alone, without smoothing or glow
            painter.setPen(self.pen())
            painter.drawPath(self.own_path if self.own_path is not None else self.path())
            return
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        if self.isSelected():
            painter.setPen(
                QPen(QColor(37, 99, 235, 110), 8, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap)
            )
            painter.drawPath(self.path())
        elif self.value:
            painter.setPen(QPen(ON_GLOW, 7, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
            painter.drawPath(self.own_path if self.own_path is not None else self.path())
        painter.setPen(self.pen())
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(self.own_path if self.own_path is not None else self.path())
        if self.dots:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QBrush(self.pen().color()))
            for x, y in self.dots:
                painter.drawEllipse(QPointF(x, y), 4.0, 4.0)

    def boundingRect(self) -> QRectF:
        return super().boundingRect().adjusted(-5, -5, 5, 5)  # room for the dots


class RubberWire(QGraphicsPathItem):
    """The dashed wire that follows the mouse while a connection is being dragged."""

    def __init__(self, start: QPointF) -> None:
        super().__init__()
        self.start = start
        pen = QPen(SELECTED, 2.0, Qt.PenStyle.DashLine)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        self.setPen(pen)
        self.setZValue(5)
        self.setPath(WireItem.curve(start, start))

    def follow(self, end: QPointF, reverse: bool = False) -> None:
        """Stretch to ``end`` (``reverse`` when the drag began on an input port)."""
        a, b = (end, self.start) if reverse else (self.start, end)
        self.setPath(WireItem.curve(a, b))


class NoteItem(QGraphicsTextItem):
    """A free text note: drag to move, double-click to edit in place (Escape or a click
    elsewhere ends editing)."""

    def __init__(self, note_id: int, text: str) -> None:
        super().__init__(text)
        self.note_id = note_id
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsMovable, True)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable, True)
        self.setDefaultTextColor(QColor("#374151"))
        self.setTextWidth(220)
        self.setZValue(0.5)
        self.setToolTip("A note: double-click to edit, drag to move")
        self.read_only = False

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget=None) -> None:
        painter.setPen(QPen(SELECTED if self.isSelected() else QColor("#e5d27a"), 1.2))
        painter.setBrush(QBrush(QColor("#fffbe6")))
        painter.drawRoundedRect(self.boundingRect(), 4, 4)
        super().paint(painter, option, widget)

    def start_editing(self) -> None:
        if self.read_only:
            return
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextEditorInteraction)
        self.setFocus(Qt.FocusReason.MouseFocusReason)

    def mouseDoubleClickEvent(self, event) -> None:  # noqa: N802
        if self.textInteractionFlags() == Qt.TextInteractionFlag.NoTextInteraction:
            self.start_editing()
        super().mouseDoubleClickEvent(event)

    def keyPressEvent(self, event) -> None:  # noqa: N802
        if event.key() == Qt.Key.Key_Escape:
            self.clearFocus()
            return
        super().keyPressEvent(event)

    def focusOutEvent(self, event) -> None:  # noqa: N802
        super().focusOutEvent(event)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        scene = self.scene()
        if scene is not None and hasattr(scene, "note_edited"):
            scene.note_edited(self)
