"""Graphics items of the circuit canvas: gates, switches, lamps, blocks and their ports (wires
and notes: :mod:`nnviz.ui.circuit.wire_items`).

Items only draw and remember which model object they stand for (by integer id); every edit
goes through the scene, which turns it into an undo command. Positions are the node's
top-left corner in scene coordinates, the same numbers the model stores.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QPainter,
    QPainterPath,
    QPen,
    QTransform,
)
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsObject,
    QStyleOptionGraphicsItem,
)

GRID = 20.0  # snapping step, also the spacing of the background dots
FAR = 0.4  # below this zoom, parts and ports draw without their finer details

# Colours of signal values. A 1 is bright so a lit path stands out; a 0 is a quiet grey.
ON = QColor("#16a34a")
ON_GLOW = QColor(34, 197, 94, 70)
UNKNOWN = QColor("#9ca3af")
MISSING = QColor("#dc2626")  # an unconnected gate input
OUTLINE = QColor("#1f2937")
BODY = QColor("#ffffff")
BODY_BLOCK = QColor("#eef2ff")
SELECTED = QColor("#2563eb")
LAMP_ON = QColor("#facc15")
LAMP_OFF = QColor("#e5e7eb")


@dataclass(frozen=True)
class CircuitLook:
    """The colours a theme changes in circuit drawings. Scenes hold one (``scene.look``) and
    items read it from their scene as they paint; nothing is changed in place."""

    label: QColor
    off: QColor
    block_name: QColor
    background: QColor
    dot: QColor


LIGHT_LOOK = CircuitLook(
    QColor("#111827"), QColor("#4b5563"), QColor("#312e81"), QColor("#f8fafc"), QColor("#cbd5e1")
)
DARK_LOOK = CircuitLook(
    QColor("#e6e9ef"), QColor("#9aa4b2"), QColor("#c7d2fe"), QColor("#1e2127"), QColor("#3a404c")
)


def circuit_look(dark: bool) -> CircuitLook:
    return DARK_LOOK if dark else LIGHT_LOOK


def look_of(item: QGraphicsItem) -> CircuitLook:
    """The look of the scene ``item`` is drawn in (the light one outside a circuit scene)."""
    look = getattr(item.scene(), "look", None)
    return look if isinstance(look, CircuitLook) else LIGHT_LOOK


PORT_RADIUS = 5.0
TARGET = QColor("#2563eb")  # rings on the ports a dragged wire may end on
TARGET_FILL = QColor(37, 99, 235, 60)


def value_color(value: int | None, look: CircuitLook = LIGHT_LOOK) -> QColor:
    """Colour of a wire or port carrying ``value`` (None: not computable)."""
    if value is None:
        return UNKNOWN
    return ON if value else look.off


def snap(p: QPointF) -> QPointF:
    """The grid point nearest to ``p``."""
    return QPointF(round(p.x() / GRID) * GRID, round(p.y() / GRID) * GRID)


class PortItem(QGraphicsItem):
    """A connection point on a node. ``is_output`` ports start wires; input ports end them."""

    def __init__(
        self, parent: NodeItem, index: int, is_output: bool, name: str, show_name: bool
    ) -> None:
        super().__init__(parent)
        self.node = parent
        self.index = index
        self.is_output = is_output
        self.name = name
        self.show_name = show_name
        self.value: int | None = None
        self.missing = False  # an input with no wire: drawn red
        self.hover = False
        self.legal = False  # a wire being dragged may end here: drawn with a ring
        self.setAcceptHoverEvents(True)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.setZValue(2)
        self.setToolTip(f"{'output' if is_output else 'input'} {name}")

    def boundingRect(self) -> QRectF:
        r = PORT_RADIUS + 7  # room for the target ring
        return QRectF(-r, -r, 2 * r, 2 * r)

    def set_legal(self, legal: bool) -> None:
        if legal != self.legal:
            self.legal = legal
            self.update()

    def shape(self) -> QPainterPath:
        # A generous hit area: ports are small and people drop wires near, not on, them.
        path = QPainterPath()
        path.addEllipse(QPointF(0, 0), PORT_RADIUS + 3, PORT_RADIUS + 3)
        return path

    def scene_center(self) -> QPointF:
        """Where wires attach, in scene coordinates."""
        return self.scenePos()

    def set_state(self, value: int | None, missing: bool = False) -> None:
        """Show the value on this port (and whether an input lacks its wire)."""
        if value != self.value or missing != self.missing:
            self.value = value
            self.missing = missing
            self.update()

    def hoverEnterEvent(self, event) -> None:  # noqa: N802 (Qt name)
        self.hover = True
        self.update()

    def hoverLeaveEvent(self, event) -> None:  # noqa: N802
        self.hover = False
        self.update()

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget=None) -> None:
        if option.levelOfDetailFromTransform(painter.worldTransform()) < FAR and not self.legal:
            return  # zoomed far out: a port would be a speck (the wire's end shows it)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        if self.missing:
            color = MISSING
        else:
            color = value_color(self.value, look_of(self))
        if self.legal:
            # A legal end of the wire being dragged: a ring, filled where the drop would go.
            ring = PORT_RADIUS + (6.0 if self.hover else 4.0)
            painter.setPen(QPen(TARGET, 2.5 if self.hover else 1.5))
            painter.setBrush(QBrush(TARGET_FILL) if self.hover else Qt.BrushStyle.NoBrush)
            painter.drawEllipse(QPointF(0, 0), ring, ring)
        r = PORT_RADIUS + (1.5 if self.hover else 0.0)
        painter.setPen(QPen(OUTLINE if not self.missing else MISSING, 1.2))
        painter.setBrush(QBrush(color if (self.value or self.missing) else BODY))
        painter.drawEllipse(QPointF(0, 0), r, r)
        if self.value and not self.missing:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QBrush(ON))
            painter.drawEllipse(QPointF(0, 0), r - 2, r - 2)


class NodeItem(QGraphicsObject):
    """Base of every node: a movable, selectable body with input ports left, outputs right."""

    kind = "node"

    def __init__(
        self,
        node_id: int,
        name: str,
        input_names: Sequence[str],
        output_names: Sequence[str],
        width: float,
        height: float,
        show_port_names: bool = False,
    ) -> None:
        super().__init__()
        self.node_id = node_id
        self.name = name
        self.width = width
        self.height = height
        self.read_only = False
        self.alarm = False  # outlined red: on a loop a refused wire would have closed
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsMovable, True)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable, True)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemSendsGeometryChanges, True)
        self.setZValue(1)
        self.inputs = [
            PortItem(self, i, False, n, show_port_names) for i, n in enumerate(input_names)
        ]
        self.outputs = [
            PortItem(self, i, True, n, show_port_names) for i, n in enumerate(output_names)
        ]
        self._layout_ports()

    # -- geometry --------------------------------------------------------------------------
    def _port_ys(self, n: int) -> list[float]:
        """Port heights spread evenly and on the grid, so wires between nodes run straight."""
        if n == 0:
            return []
        if n == 1:
            return [self.height / 2]
        step = max(GRID, round(self.height / n / GRID) * GRID) if n > 2 else GRID
        total = step * (n - 1)
        top = (self.height - total) / 2
        return [top + i * step for i in range(n)]

    def _layout_ports(self) -> None:
        for p, y in zip(self.inputs, self._port_ys(len(self.inputs)), strict=False):
            p.setPos(0, y)
        for p, y in zip(self.outputs, self._port_ys(len(self.outputs)), strict=False):
            p.setPos(self.width, y)

    def boundingRect(self) -> QRectF:
        # Room for the label underneath and for selection outlines.
        return QRectF(-4, -4, self.width + 8, self.height + 24)

    def body_path(self) -> QPainterPath:
        """The outline of the body; subclasses draw their own symbol."""
        path = QPainterPath()
        path.addRoundedRect(QRectF(0, 0, self.width, self.height), 6, 6)
        return path

    def shape(self) -> QPainterPath:
        return self.body_path()

    def port(self, is_output: bool, index: int) -> PortItem:
        """The port item for (direction, index)."""
        return (self.outputs if is_output else self.inputs)[index]

    # -- state -----------------------------------------------------------------------------
    def set_values(
        self,
        input_values: Sequence[int | None],
        output_values: Sequence[int | None],
        missing_inputs: Sequence[bool] = (),
    ) -> None:
        """Colour the ports by the signals they carry."""
        missing = list(missing_inputs) + [False] * (len(self.inputs) - len(missing_inputs))
        for p, v, m in zip(self.inputs, input_values, missing, strict=False):
            p.set_state(v, m)
        for p, v in zip(self.outputs, output_values, strict=False):
            p.set_state(v)
        self.update()

    def set_name(self, name: str, strong: bool = True) -> None:
        """The caption under the part; ``strong`` False draws it faint (a gate's number)."""
        self.prepareGeometryChange()
        self.name = name
        self.caption_strong = strong
        self.update()

    def set_look(self, rotation: int, flip: bool) -> None:
        """Turn the part by ``rotation`` degrees clockwise about its centre, mirrored first
        when ``flip``; ports and wires follow, text stays upright."""
        self.rotation_deg, self.flipped = int(rotation) % 360, bool(flip)
        c = QPointF(self.width / 2, self.height / 2)
        t = QTransform()
        t.translate(c.x(), c.y())
        t.rotate(self.rotation_deg)
        t.scale(-1 if self.flipped else 1, 1)
        t.translate(-c.x(), -c.y())
        self.setTransform(t)
        scene = self.scene()
        if scene is not None and hasattr(scene, "node_moved"):
            scene.node_moved(self)  # wires re-route to the ports' new places

    def _upright(self, painter: QPainter, centre: QPointF) -> None:
        """Undo the part's turn and mirror about ``centre`` so text there reads normally."""
        painter.translate(centre)
        if getattr(self, "flipped", False):
            painter.scale(-1, 1)
        painter.rotate(-getattr(self, "rotation_deg", 0))
        painter.translate(-centre)

    def itemChange(self, change, value):  # noqa: N802 (Qt name)
        if change == QGraphicsItem.GraphicsItemChange.ItemPositionChange:
            return snap(value)
        if change == QGraphicsItem.GraphicsItemChange.ItemPositionHasChanged:
            scene = self.scene()
            if scene is not None and hasattr(scene, "node_moved"):
                scene.node_moved(self)
        return super().itemChange(change, value)

    # -- painting helpers -----------------------------------------------------------------
    def _outline_pen(self) -> QPen:
        if self.alarm:
            return QPen(MISSING, 3.2)
        if self.isSelected():
            return QPen(SELECTED, 2.4)
        return QPen(OUTLINE, 1.8)

    def _draw_label(self, painter: QPainter, text: str, y: float | None = None) -> None:
        if not text:
            return
        strong = getattr(self, "caption_strong", True)
        painter.setPen(QPen(look_of(self).label if strong else QColor("#9ca3af")))
        f = QFont(painter.font())
        f.setPointSizeF(8.5 if strong else 7.5)
        painter.setFont(f)
        top = self.height + 2 if y is None else y
        rect = QRectF(-20, top, self.width + 40, 16)
        painter.save()
        self._upright(painter, rect.center())
        painter.drawText(rect, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop, text)
        painter.restore()


class NandItem(NodeItem):
    """A NAND gate drawn as the usual symbol: a D-shaped AND body with a bubble on its output."""

    kind = "nand"

    def __init__(self, node_id: int, name: str = "") -> None:
        super().__init__(node_id, name, ("a", "b"), ("out",), width=80, height=40)

    def _port_ys(self, n: int) -> list[float]:
        return [10.0, 30.0] if n == 2 else [20.0]

    def body_path(self) -> QPainterPath:
        # Left stub lines run from the ports (x=0) to the body (x=10); the D spans 10..58;
        # the bubble sits at 58..68 and the output stub runs to 80.
        path = QPainterPath()
        path.moveTo(10, 0)
        path.lineTo(38, 0)
        path.arcTo(QRectF(18, 0, 40, 40), 90, -180)
        path.lineTo(10, 40)
        path.closeSubpath()
        return path

    def shape(self) -> QPainterPath:
        path = QPainterPath()
        path.addRect(QRectF(0, 0, self.width, self.height))
        return path

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget=None) -> None:
        pen = self._outline_pen()
        if option.levelOfDetailFromTransform(painter.worldTransform()) < FAR:
            # zoomed far out: the body's outline alone (text and stubs would be specks)
            painter.setPen(pen)
            painter.setBrush(QBrush(BODY))
            painter.drawPath(self.body_path())
            return
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        # Stubs coloured by the signal they carry, like short wires.
        for p in self.inputs:
            painter.setPen(
                QPen(value_color(p.value, look_of(self)) if not p.missing else MISSING, 2.4)
            )
            painter.drawLine(QPointF(0, p.y()), QPointF(10, p.y()))
        out = self.outputs[0]
        painter.setPen(QPen(value_color(out.value, look_of(self)), 2.4))
        painter.drawLine(QPointF(68, 20), QPointF(80, 20))
        painter.setPen(pen)
        painter.setBrush(QBrush(BODY))
        painter.drawPath(self.body_path())
        painter.drawEllipse(QPointF(63, 20), 5, 5)
        painter.setPen(QPen(QColor("#6b7280")))
        f = QFont(painter.font())
        f.setPointSizeF(7.5)
        f.setBold(True)
        painter.setFont(f)
        painter.save()
        self._upright(painter, QPointF(32, 20))
        painter.drawText(QRectF(10, 0, 44, 40), Qt.AlignmentFlag.AlignCenter, "NAND")
        painter.restore()
        self._draw_label(painter, self.name)


class InputItem(NodeItem):
    """An input switch: click to flip between 0 and 1."""

    kind = "input"

    def __init__(self, node_id: int, name: str = "") -> None:
        super().__init__(node_id, name, (), ("out",), width=60, height=40)
        self.value = 0
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setToolTip("Click to switch between 0 and 1; drag from the port to wire it")

    def set_switch(self, value: int) -> None:
        """Show the switch as on (1) or off (0)."""
        self.value = int(value)
        self.update()

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget=None) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        on = bool(self.value)
        painter.setPen(self._outline_pen())
        painter.setBrush(QBrush(BODY))
        painter.drawRoundedRect(QRectF(0, 0, 48, 40), 6, 6)
        # Output stub.
        painter.setPen(QPen(value_color(self.value, look_of(self)), 2.4))
        painter.drawLine(QPointF(48, 20), QPointF(60, 20))
        # The toggle: a pill with a knob that slides right when on.
        track = QRectF(7, 12, 34, 16)
        painter.setPen(QPen(OUTLINE, 1))
        painter.setBrush(QBrush(ON if on else QColor("#d1d5db")))
        painter.drawRoundedRect(track, 8, 8)
        knob_x = track.right() - 8 if on else track.left() + 8
        painter.setBrush(QBrush(QColor("#ffffff")))
        painter.drawEllipse(QPointF(knob_x, track.center().y()), 6.5, 6.5)
        painter.setPen(QPen(QColor("#ffffff") if on else QColor("#374151")))
        f = QFont(painter.font())
        f.setPointSizeF(7)
        f.setBold(True)
        painter.setFont(f)
        text_rect = (
            QRectF(track.left() + 1, track.top(), 18, 16)
            if on
            else QRectF(track.right() - 19, track.top(), 18, 16)
        )
        painter.drawText(text_rect, Qt.AlignmentFlag.AlignCenter, "1" if on else "0")
        self._draw_label(painter, self.name)


class OutputItem(NodeItem):
    """An output lamp: lit when its input carries 1."""

    kind = "output"

    def __init__(self, node_id: int, name: str = "") -> None:
        super().__init__(node_id, name, ("in",), (), width=60, height=40)
        self.lit: int | None = None

    def set_lamp(self, value: int | None) -> None:
        """Light the lamp for 1, dim it for 0, grey it when the value is unknown."""
        self.lit = value
        self.update()

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget=None) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        p = self.inputs[0]
        painter.setPen(QPen(value_color(p.value, look_of(self)) if not p.missing else MISSING, 2.4))
        painter.drawLine(QPointF(0, 20), QPointF(22, 20))
        centre = QPointF(40, 20)
        if self.lit:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QBrush(QColor(250, 204, 21, 90)))
            painter.drawEllipse(centre, 21, 21)
        painter.setPen(self._outline_pen())
        painter.setBrush(QBrush(LAMP_ON if self.lit else LAMP_OFF))
        painter.drawEllipse(centre, 16, 16)
        painter.setPen(QPen(QColor("#92400e") if self.lit else QColor("#6b7280"), 1.4))
        # A filament cross, like a lamp symbol.
        d = 7.5
        painter.drawLine(centre + QPointF(-d, -d), centre + QPointF(d, d))
        painter.drawLine(centre + QPointF(-d, d), centre + QPointF(d, -d))
        self._draw_label(painter, self.name)

    def body_path(self) -> QPainterPath:
        path = QPainterPath()
        path.addRect(QRectF(0, 0, self.width, self.height))
        return path


class BlockItem(NodeItem):
    """A saved circuit used as one part: a box with named ports on both sides."""

    kind = "block"

    def __init__(
        self,
        node_id: int,
        name: str,
        title: str,
        input_names: Sequence[str],
        output_names: Sequence[str],
    ) -> None:
        n = max(len(input_names), len(output_names), 1)
        height = max(40.0, GRID * (n + 1))
        super().__init__(node_id, name, input_names, output_names, width=120, height=height)
        self.title = title
        self.setToolTip(f"Block {title}: double-click to look inside")

    def _port_ys(self, n: int) -> list[float]:
        if n == 0:
            return []
        # Centre the ports on grid points so wires from aligned gates run straight.
        total = GRID * (n - 1)
        top = round((self.height - total) / 2 / GRID) * GRID
        return [top + i * GRID for i in range(n)]

    def body_path(self) -> QPainterPath:
        path = QPainterPath()
        path.addRoundedRect(QRectF(8, 0, self.width - 16, self.height), 6, 6)
        return path

    def shape(self) -> QPainterPath:
        path = QPainterPath()
        path.addRect(QRectF(0, 0, self.width, self.height))
        return path

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget=None) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        for p in self.inputs:
            painter.setPen(
                QPen(value_color(p.value, look_of(self)) if not p.missing else MISSING, 2.4)
            )
            painter.drawLine(QPointF(0, p.y()), QPointF(8, p.y()))
        for p in self.outputs:
            painter.setPen(QPen(value_color(p.value, look_of(self)), 2.4))
            painter.drawLine(QPointF(self.width - 8, p.y()), QPointF(self.width, p.y()))
        painter.setPen(self._outline_pen())
        painter.setBrush(QBrush(BODY_BLOCK))
        painter.drawPath(self.body_path())
        f = QFont(painter.font())
        f.setPointSizeF(7.5)
        painter.setFont(f)
        painter.setPen(QPen(QColor("#374151")))
        for p in self.inputs:
            painter.drawText(
                QRectF(12, p.y() - 8, self.width / 2 - 12, 16),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                p.name,
            )
        for p in self.outputs:
            painter.drawText(
                QRectF(self.width / 2, p.y() - 8, self.width / 2 - 12, 16),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                p.name,
            )
        f.setBold(True)
        f.setPointSizeF(8)
        painter.setFont(f)
        painter.setPen(QPen(look_of(self).block_name))
        painter.drawText(
            QRectF(8, self.height - 2, self.width - 16, 16),
            Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop,
            self._caption(),
        )

    def _caption(self) -> str:
        if not self.name or self.name == self.title:
            return self.title
        return f"{self.title}: {self.name}"
