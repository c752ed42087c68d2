"""The drawing of a circuit: a scene that mirrors a :class:`Circuit` item for item.

The scene subscribes to the model and keeps one item per node and per wire, so whatever
changes the model (a command, its undo, loading a file) redraws the same way. Input switch
values are simulation state, not part of the circuit: the scene keeps them and recolours
every port and wire after each change. Editing is one layer up
(:class:`nnviz.ui.circuit.scene.CircuitScene`).
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QPointF, QRect, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsItem, QGraphicsScene

from nnviz.core.circuits.model import Circuit, CircuitError
from nnviz.core.circuits.wire_router import Wire as RouterWire
from nnviz.core.circuits.wire_router import route_all
from nnviz.ui.circuit.items import (
    GRID,
    BlockItem,
    CircuitLook,
    InputItem,
    NandItem,
    NodeItem,
    OutputItem,
    circuit_look,
)
from nnviz.ui.circuit.routing import STUB, BodyIndex, junctions, route
from nnviz.ui.circuit.wire_items import NoteItem, WireItem
from nnviz.ui.style import Look, app_theme

BASE_RECT = QRectF(-2000, -2000, 4000, 4000)  # the canvas's least extent
BODY_MARGIN = 10.0  # wires route at least this far from other parts' bodies
PLAIN_PARTS = 1000  # past this many parts wires take plain routes (not around the parts)
NEAR_ROWS = 400.0  # in a big circuit a wire routes around the bodies this near its ends
MAX_GRID_DOTS = 40_000  # background dots in one paint; sparser grids past this
# Up to this many wires, all are routed together with the router's guarantees; beyond, each
# wire finds its own way (a 2,000-gate circuit would take seconds to route together).
ROUTED_WIRES = 200
LOOP_SHOWN_MS = 6000  # how long a refused loop stays outlined


def _touches(p, points) -> bool:
    """Is point p on the route through ``points``?"""
    x, y = p
    for (x1, y1), (x2, y2) in zip(points, points[1:]):
        if x1 == x2 == x and min(y1, y2) <= y <= max(y1, y2):
            return True
        if y1 == y2 == y and min(x1, x2) <= x <= max(x1, x2):
            return True
    return False


def _share_strokes(group) -> None:
    """Give each wire of one net the parts of its route that no earlier wire of the net
    draws (``own_path``): a trunk that a thousand branches share is stroked once, not a
    thousand times. The whole route stays the wire's shape, for clicking and selecting."""
    covered: dict[tuple[str, float], list[list[float]]] = {}  # line -> merged intervals
    for w in group:
        if len(w.points) < 2:
            w.own_path = None  # a curved wire: drawn whole
            continue
        pieces = []
        for a, b in zip(w.points, w.points[1:]):
            if a[1] == b[1]:
                key, lo, hi, fixed = ("h", a[1]), min(a[0], b[0]), max(a[0], b[0]), a[1]
            elif a[0] == b[0]:
                key, lo, hi, fixed = ("v", a[0]), min(a[1], b[1]), max(a[1], b[1]), a[0]
            else:
                pieces.append((a, b))
                continue
            spans = covered.setdefault(key, [])
            for u, v in _subtract(lo, hi, spans):
                pieces.append(
                    ((u, fixed), (v, fixed)) if key[0] == "h" else ((fixed, u), (fixed, v))
                )
            _merge(spans, lo, hi)
        if len(pieces) == len(w.points) - 1:
            w.own_path = None  # nothing shared: the whole route
        else:
            path = QPainterPath()
            for p, q in pieces:
                path.moveTo(QPointF(*p))
                path.lineTo(QPointF(*q))
            w.own_path = path


def _subtract(lo: float, hi: float, spans: list[list[float]]) -> list[tuple[float, float]]:
    """The parts of [lo, hi] outside the sorted, disjoint ``spans``."""
    out, at = [], lo
    for s0, s1 in spans:
        if s1 <= at:
            continue
        if s0 >= hi:
            break
        if s0 > at:
            out.append((at, s0))
        at = max(at, s1)
    if at < hi:
        out.append((at, hi))
    return out


def _merge(spans: list[list[float]], lo: float, hi: float) -> None:
    """Add [lo, hi] to the sorted, disjoint ``spans`` in place."""
    keep = [s for s in spans if s[1] < lo or s[0] > hi]
    joined = [s for s in spans if not (s[1] < lo or s[0] > hi)]
    new = [min([lo, *(s[0] for s in joined)]), max([hi, *(s[1] for s in joined)])]
    spans[:] = sorted([*keep, new])


def _outward(port) -> tuple[int, int]:
    """The unit grid step pointing out of a port's part, in scene coordinates (outputs face
    right and inputs left before the part is turned or mirrored)."""
    node = port.parentItem()
    local = port.pos()
    step = QPointF(10.0, 0.0) if port.is_output else QPointF(-10.0, 0.0)
    d = node.mapToScene(local + step) - node.mapToScene(local)
    dx, dy = round(d.x() / 10.0), round(d.y() / 10.0)
    return (dx, dy) if abs(dx) + abs(dy) == 1 else ((1, 0) if port.is_output else (-1, 0))


class CircuitDrawing(QGraphicsScene):
    """Items for every node, wire and note of ``circuit``, coloured by the signals the
    switches (``input_values``) make. Subclasses call :meth:`rebuild` once set up.

    Signals: ``message(str, bool)`` a status line (True: it reports a refused edit);
    ``values_changed()`` switch values or the circuit's signals changed;
    ``open_block(str)`` the user asked to look inside a block.
    """

    message = Signal(str, bool)
    values_changed = Signal()
    open_block = Signal(str)

    def __init__(self, circuit: Circuit, read_only: bool = False, parent=None) -> None:
        super().__init__(parent)
        self.circuit = circuit
        self.read_only = read_only
        self.node_items: dict[int, NodeItem] = {}
        self.wire_items: dict[int, WireItem] = {}
        self.note_items: dict[int, NoteItem] = {}
        self.input_values: dict[int, int] = {}  # input node id -> 0/1 (the switches)
        self.signals: dict[tuple[int, int], int] = {}
        self.wire_style = "orthogonal"
        self.plain_background = False  # exports draw on plain white
        self.look: CircuitLook = circuit_look(app_theme().look.dark)
        self._loop_items: list[NodeItem] = []
        self._loop_token = 0
        self._bodies_cache: dict[int, tuple[float, float, float, float]] | None = None
        self._body_index: BodyIndex | None = None
        # The whole circuit's routes from the last reroute (wire id -> its two ends and its
        # corner points); a wire whose ends have moved since (a drag) routes on its own.
        self._routes: dict[int, tuple[tuple[float, float], tuple[float, float], list]] = {}
        self.unrouted: list[int] = []  # wires the router could not give its guarantees
        app_theme().changed.connect(self._on_theme)
        self.setSceneRect(BASE_RECT)
        self.setItemIndexMethod(QGraphicsScene.ItemIndexMethod.NoIndex)
        self._unsubscribe = circuit.subscribe(self._on_model_event)

    def drop_transient_items(self) -> None:
        """Remove items that are not the model's (the editor's wire being dragged)."""

    def _on_theme(self, look: Look) -> None:
        self.look = circuit_look(look.dark)
        self.update()

    def detach(self) -> None:
        """Stop listening to the model (call before dropping the scene)."""
        self._unsubscribe()

    def _on_model_event(self, event: str, arg) -> None:
        self.clear_loop()
        if event in ("node_added", "node_removed", "changed"):
            for view in self.views():
                view.viewport().update()  # the empty-canvas hint comes and goes with parts
        if event == "node_added":
            self._add_node_item(arg)
        elif event == "node_removed":
            item = self.node_items.pop(arg, None)
            if item is not None:
                self.removeItem(item)
            self.input_values.pop(arg, None)
        elif event == "wire_added":
            self._add_wire_item(arg)
        elif event == "wire_removed":
            wire = self.wire_items.pop(arg, None)
            if wire is not None:
                self.removeItem(wire)
        elif event == "node_moved":
            item = self.node_items.get(arg)
            if item is not None:
                x, y = self.circuit.node(arg).pos
                item.setPos(QPointF(x, y))
        elif event == "renamed":
            item = self.node_items.get(arg)
            if item is not None:
                item.set_name(self.circuit.node(arg).name or "")
        elif event == "look_changed":
            self._show_look(arg)
            self.reroute()
            return
        elif event == "wire_changed":
            self.reroute()
            return
        elif event in ("note_added", "note_removed", "note_changed"):
            self._show_note(arg)
            return
        elif event == "changed":
            self.rebuild()
            return
        else:  # block definitions do not change what is drawn
            return
        if event in ("node_added", "node_removed"):
            self._number_gates()
        if event in ("node_added", "node_removed", "node_moved", "wire_added", "wire_removed"):
            self._bodies_cache = None
            self.reroute()
        self.refresh_values()

    def show_loop(self, node_ids) -> None:
        """Outline the parts a refused wire would have closed a loop through, in red, until
        the next edit (or a few seconds)."""
        self.clear_loop()
        for nid in dict.fromkeys(node_ids):  # a loop names its first part twice
            item = self.node_items.get(nid)
            if item is not None:
                item.alarm = True
                item.update()
                self._loop_items.append(item)
        if self._loop_items:
            self._loop_token += 1
            token = self._loop_token
            QTimer.singleShot(  # with the scene as context: dropped if the scene goes first
                LOOP_SHOWN_MS, self, lambda: self._clear_loop_if_current(token)
            )

    def _clear_loop_if_current(self, token: int) -> None:
        if token == self._loop_token:
            self.clear_loop()

    def clear_loop(self) -> None:
        for item in self._loop_items:
            item.alarm = False
            try:
                item.update()
            except RuntimeError:  # the item (or the whole scene) is gone already
                pass
        self._loop_items = []

    def loop_shown(self) -> list[int]:
        return [i.node_id for i in self._loop_items]

    def _show_note(self, note_id: int) -> None:
        item = self.note_items.pop(note_id, None)
        note = self.circuit.notes.get(note_id)
        if note is None:
            if item is not None:
                self.removeItem(item)
            return
        if item is None:
            item = NoteItem(note_id, note.text)
            item.read_only = self.read_only
            if self.read_only:
                item.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsMovable, False)
            self.addItem(item)
        elif item.toPlainText() != note.text:
            item.setPlainText(note.text)
        item.setPos(QPointF(*note.pos))
        self.note_items[note_id] = item

    def _show_look(self, nid: int) -> None:
        item = self.node_items.get(nid)
        if item is None:
            return
        n = self.circuit.node(nid)
        item.set_look(n.rotation, n.flip)
        if n.kind in ("nand", "block"):
            self._number_gates()

    def _number_gates(self) -> None:
        """Each gate's caption: its label, or "NAND k" as messages name it."""
        numbers = self.circuit.gate_numbers()
        for nid, item in self.node_items.items():
            n = self.circuit.node(nid)
            if n.kind == "nand":
                item.set_name(n.label or f"NAND {numbers[nid]}", bool(n.label))
            elif n.kind == "block":
                item.set_name(n.label, True)

    def rebuild(self) -> None:
        """Drop every item and draw the model again (after a file load)."""
        self.drop_transient_items()
        old_values = {
            self.circuit.node(i).name or "": v
            for i, v in self.input_values.items()
            if i in self.circuit.nodes and self.circuit.node(i).kind == "input"
        }
        for item in list(self.node_items.values()) + list(self.wire_items.values()):
            self.removeItem(item)
        self.node_items.clear()
        self.wire_items.clear()
        self.input_values.clear()
        for nid in sorted(self.circuit.nodes):
            self._add_node_item(nid)
            n = self.circuit.node(nid)
            if n.kind == "input" and n.name in old_values:
                self.input_values[nid] = old_values[n.name]
        for wid in sorted(self.circuit.wires):
            self._add_wire_item(wid)
        for note in self.note_items.values():
            self.removeItem(note)
        self.note_items.clear()
        for note_id in sorted(self.circuit.notes):
            self._show_note(note_id)
        self._number_gates()
        self._bodies_cache = None
        self.reroute()
        self.refresh_values()

    def _add_node_item(self, nid: int) -> None:
        n = self.circuit.node(nid)
        if n.kind == "nand":
            item: NodeItem = NandItem(nid)
        elif n.kind == "input":
            item = InputItem(nid, n.name or "")
            self.input_values.setdefault(nid, 0)
        elif n.kind == "output":
            item = OutputItem(nid, n.name or "")
        else:
            item = BlockItem(
                nid,
                "",
                n.block or "",
                self.circuit.input_port_names(nid),
                self.circuit.output_port_names(nid),
            )
        if self.read_only:
            item.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsMovable, False)
            item.read_only = True
        item.setPos(QPointF(*n.pos))
        self.addItem(item)
        self.node_items[nid] = item
        if n.rotation or n.flip:
            item.set_look(n.rotation, n.flip)

    def _add_wire_item(self, wid: int) -> None:
        w = self.circuit.wire(wid)
        src = self.node_items[w.src].port(True, w.src_port)
        dst = self.node_items[w.dst].port(False, w.dst_port)
        item = WireItem(wid, src, dst)
        self.addItem(item)
        self.wire_items[wid] = item

    def node_moved(self, item: NodeItem) -> None:
        """Called by a node item whenever it moves: keep its wires attached."""
        for w in self.wire_items.values():
            if w.source.node is item or w.target.node is item:
                w.update_path()
        self._update_dots()
        if not self.sceneRect().contains(item.sceneBoundingRect().adjusted(-200, -200, 200, 200)):
            self.grow_to_fit()  # dragged towards an edge: room beyond it

    def set_wire_style(self, style: str) -> None:
        """ "orthogonal" (runs around the parts, the default) or "curved"."""
        if style not in ("orthogonal", "curved"):
            raise ValueError(f"wire style must be 'orthogonal' or 'curved', got {style!r}")
        self.wire_style = style
        self.reroute()

    def reroute(self) -> None:
        """Route every wire again (after parts moved, turned, or came and went): together,
        so that different nets never share a run (nnviz.core.circuits.wire_router)."""
        self._route_all()
        for w in self.wire_items.values():
            w.update_path()
        self._update_dots()
        self.grow_to_fit()

    def _route_all(self) -> None:
        self._routes, self.unrouted = {}, []
        if self.wire_style != "orthogonal" or not self.wire_items:
            return
        if len(self.wire_items) > ROUTED_WIRES:
            # huge circuits: each wire on its own (fast, without the guarantees)
            self.unrouted = sorted(self.wire_items)
            return
        wires, ends = [], {}
        for wid, item in self.wire_items.items():
            w = self.circuit.wires.get(wid)
            if w is None or w.bend is not None:
                continue  # a wire the user bent keeps the user's route
            a, b = item.source.scene_center(), item.target.scene_center()
            start, end = (a.x(), a.y()), (b.x(), b.y())
            leave = _outward(item.source)
            inward = _outward(item.target)
            wires.append(
                RouterWire(wid, (w.src, w.src_port), start, leave, end, (-inward[0], -inward[1]))
            )
            ends[wid] = (start, end)
        bodies = []
        pins = []
        for node in self.node_items.values():
            r = node.mapRectToScene(QRectF(0, 0, node.width, node.height))
            bodies.append((r.left(), r.top(), r.right(), r.bottom()))
            for port in (*node.inputs, *node.outputs):
                c = port.scene_center()
                pins.append((c.x(), c.y()))
        result = route_all(wires, bodies, pins, margin=BODY_MARGIN)
        self.unrouted = [k for k in result.unrouted if isinstance(k, int)]
        for key, pts in result.routes.items():
            if isinstance(key, int) and key not in self.unrouted:
                self._routes[key] = (*ends[key], pts)

    def grow_to_fit(self) -> None:
        """The canvas reaches past the circuit on every side (a file may place parts far out),
        so every part can be scrolled to; it never shrinks below its first size."""
        items = self.items_rect()
        m = max(1000.0, items.width() / 2, items.height() / 2)  # room to centre it when fitted
        self.setSceneRect(BASE_RECT.united(items.adjusted(-m, -m, m, m)))

    def _bodies(self) -> dict[int, tuple[float, float, float, float]]:
        """Each part's body, widened by half a grid step: wires keep clear of ports too."""
        m = BODY_MARGIN
        out = {}
        for nid, item in self.node_items.items():
            r = item.mapRectToScene(QRectF(0, 0, item.width, item.height))
            out[nid] = (r.left() - m, r.top() - m, r.right() + m, r.bottom() + m)
        return out

    def wire_path(self, wire: WireItem, a: QPointF, b: QPointF, bend: float | None = None):
        """(QPainterPath, corner points) for a wire from ``a`` to ``b``."""
        if self.wire_style == "curved":
            return WireItem.curve(a, b), []
        if bend is None:
            w = self.circuit.wires.get(wire.wire_id)
            bend = w.bend if w is not None else None
        known = self._routes.get(wire.wire_id)
        if bend is None and known is not None and known[:2] == ((a.x(), a.y()), (b.x(), b.y())):
            pts = list(known[2])
            path = QPainterPath(QPointF(*pts[0]))
            for p in pts[1:]:
                path.lineTo(QPointF(*p))
            return path, pts
        if self._bodies_cache is None:
            self._bodies_cache = self._bodies()
            self._body_index = None
        ends = (wire.source.node.node_id, wire.target.node.node_id)
        if len(self._bodies_cache) > PLAIN_PARTS:
            others = []  # a very big circuit: plain routes, drawn in seconds, not minutes
        elif len(self._bodies_cache) > ROUTED_WIRES:
            # A big circuit: only the bodies near the wire (a detour goes a few rows out).
            if self._body_index is None:
                self._body_index = BodyIndex(self._bodies_cache)
            x0, x1 = sorted((a.x(), b.x()))
            y0, y1 = sorted((a.y(), b.y()))
            box = (x0 - 2 * STUB, y0 - NEAR_ROWS, x1 + 2 * STUB, y1 + NEAR_ROWS)
            others = self._body_index.near(box, ends)
        else:
            others = [r for nid, r in self._bodies_cache.items() if nid not in ends]
        pts = route((a.x(), a.y()), (b.x(), b.y()), others, bend)
        path = QPainterPath(QPointF(*pts[0]))
        for p in pts[1:]:
            path.lineTo(QPointF(*p))
        return path, pts

    def _update_dots(self) -> None:
        self._bodies_cache = None
        by_source: dict[int, list[WireItem]] = {}
        for w in self.wire_items.values():
            by_source.setdefault(id(w.source), []).append(w)
        for group in by_source.values():
            dots = junctions([w.points for w in group if w.points]) if len(group) > 1 else []
            # Dots by the line they sit on: a wire only looks at those on its own runs' lines.
            on_x: dict[float, list] = {}
            on_y: dict[float, list] = {}
            for d in dots:
                on_x.setdefault(d[0], []).append(d)
                on_y.setdefault(d[1], []).append(d)
            if len(group) > 1:
                _share_strokes(group)
            drawn: set = set()  # each dot is drawn by one wire only (a trunk is shared)
            for w in group:
                if w.dots or dots:
                    near = {
                        d
                        for a, b in zip(w.points, w.points[1:])
                        for d in (on_x.get(a[0], []) if a[0] == b[0] else on_y.get(a[1], []))
                    }
                    mine = [d for d in near - drawn if _touches(d, w.points)]
                    drawn.update(mine)
                    w.dots = sorted(mine)
                    w.update()

    def input_row(self) -> dict[str, int]:
        """Current switch values by input name."""
        return {
            self.circuit.node(i).name or "": v
            for i, v in self.input_values.items()
            if i in self.circuit.nodes
        }

    def refresh_values(self) -> None:
        """Evaluate the circuit for the switch values and colour every port, wire and lamp."""
        c = self.circuit
        try:
            self.signals = c.signal_values(self.input_row())
        except CircuitError as exc:  # only a corrupted model gets here
            self.signals = {}
            self.message.emit(str(exc), True)
        missing = set(c.unconnected_inputs())
        for nid, item in self.node_items.items():
            ins: list[int | None] = []
            for p in range(len(item.inputs)):
                wid = c.wire_into(nid, p)
                if wid is None:
                    ins.append(None)
                else:
                    w = c.wire(wid)
                    ins.append(self.signals.get((w.src, w.src_port)))
            outs = [self.signals.get((nid, p)) for p in range(len(item.outputs))]
            item.set_values(ins, outs, [(nid, p) in missing for p in range(len(item.inputs))])
            if isinstance(item, InputItem):
                item.set_switch(self.input_values.get(nid, 0))
            elif isinstance(item, OutputItem):
                item.set_lamp(self.signals.get((nid, 0)) if (nid, 0) not in missing else None)
        for wid, wire in self.wire_items.items():
            w = c.wire(wid)
            wire.set_value(self.signals.get((w.src, w.src_port)))
        self.values_changed.emit()

    def lamp_values(self) -> dict[str, int]:
        """What each output lamp shows now, by output name."""
        return {
            self.circuit.node(o).name or "": int(self.signals.get((o, 0), 0))
            for o in self.circuit.output_ids()
        }

    def unconnected_message(self) -> str:
        """A status line naming the gate inputs that have no wire yet ('' when none)."""
        free = self.circuit.unconnected_inputs()
        if not free:
            return ""
        names = sorted({self.circuit.describe(n) for n, _ in free})
        more = f" and {len(names) - 3} more" if len(names) > 3 else ""
        return (
            f"{len(free)} input port{'s' if len(free) != 1 else ''} not connected "
            f"(read as 0, shown red): {', '.join(names[:3])}{more}"
        )

    def set_input(self, node_id: int, value: int) -> None:
        """Set one switch and propagate at once."""
        self.input_values[node_id] = int(bool(value))
        self.refresh_values()

    def toggle_input(self, node_id: int) -> None:
        """Flip one switch."""
        self.set_input(node_id, 1 - self.input_values.get(node_id, 0))

    def set_input_row(self, bits: Iterable[int]) -> None:
        """Set every switch from a truth-table row (inputs in circuit order)."""
        for nid, b in zip(self.circuit.input_ids(), bits, strict=False):
            self.input_values[nid] = int(bool(b))
        self.refresh_values()

    def drawBackground(self, painter: QPainter, rect: QRectF | QRect) -> None:  # noqa: N802
        if self.plain_background:
            painter.fillRect(rect, Qt.GlobalColor.white)
            return
        painter.fillRect(rect, self.look.background)
        # Dots on the grid, fewer when zoomed out so the canvas does not turn grey.
        scale = painter.worldTransform().m11() or 1.0
        step = GRID if scale >= 0.6 else GRID * 4
        # Counted before any point is made: a big circuit zoomed out to fit would otherwise
        # ask for millions of them (gigabytes, seconds a paint).
        while (rect.width() / step + 1) * (rect.height() / step + 1) > MAX_GRID_DOTS:
            step *= 2
        left = int(rect.left() // step) * step
        top = int(rect.top() // step) * step
        pen = QPen(self.look.dot, 1.6 / scale)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        painter.setPen(pen)
        xs = [left + k * step for k in range(int((rect.right() - left) // step) + 1)]
        ys = [top + k * step for k in range(int((rect.bottom() - top) // step) + 1)]
        painter.drawPoints([QPointF(x, y) for y in ys for x in xs])

    def items_rect(self) -> QRectF:
        """Bounding box of the circuit's items with a margin (for fit and export)."""
        rect = QRectF()
        for item in list(self.node_items.values()) + list(self.wire_items.values()):
            rect = rect.united(item.sceneBoundingRect())
        if rect.isNull():
            return QRectF(0, 0, 400, 300)
        return rect.adjusted(-30, -30, 30, 30)
