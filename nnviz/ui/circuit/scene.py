"""The circuit canvas: a scene that mirrors a :class:`Circuit` and turns gestures into commands.

The scene subscribes to the model and keeps one item per node and per wire, so whatever
changes the model (a command, its undo, loading a file) redraws the same way. Input switch
values are simulation state, not part of the circuit: the scene keeps them and recolours
every port and wire after each change.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from PySide6.QtCore import QMimeData, QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import (
    QColor,
    QKeySequence,
    QPainter,
    QPainterPath,
    QPen,
    QTransform,
    QUndoStack,
)
from PySide6.QtWidgets import (
    QApplication,
    QGraphicsItem,
    QGraphicsScene,
    QGraphicsSceneContextMenuEvent,
    QGraphicsSceneDragDropEvent,
    QGraphicsSceneMouseEvent,
    QInputDialog,
    QMenu,
)

from nnviz.core.circuits.model import Circuit, CircuitError, LoopError
from nnviz.ui.circuit.commands import (
    AddNodeCommand,
    AddNoteCommand,
    AddWireCommand,
    BendWireCommand,
    EditNoteCommand,
    LookCommand,
    MacroCommand,
    ModelCommand,
    MoveNodesCommand,
    PasteCommand,
    RemoveNodeCommand,
    RemoveNoteCommand,
    RemoveWireCommand,
    RenameCommand,
)
from nnviz.ui.circuit.items import (
    GRID,
    BlockItem,
    InputItem,
    NandItem,
    NodeItem,
    NoteItem,
    OutputItem,
    PortItem,
    RubberWire,
    WireItem,
    snap,
)
from nnviz.ui.circuit.items import use_dark as items_use_dark
from nnviz.ui.circuit.routing import junctions, route

PART_MIME = "application/x-nnviz-part"  # palette drags: b"nand", b"input", b"block:<name>"
FRAGMENT_MIME = "application/x-nnviz-circuit-fragment"  # copied nodes and wires as JSON

BACKGROUND = QColor("#f8fafc")
DOT = QColor("#cbd5e1")


def use_dark(dark: bool) -> None:
    """The editing surface and its grid dots in the dark theme, or back in the light one;
    the parts follow through :func:`nnviz.ui.circuit.items.use_dark`."""
    BACKGROUND.setRgba(QColor("#1e2127" if dark else "#f8fafc").rgba())
    DOT.setRgba(QColor("#3a404c" if dark else "#cbd5e1").rgba())
    items_use_dark(dark)


def copy_fragment(circuit: Circuit, node_ids: Iterable[int]) -> dict:
    """The chosen nodes, the wires running between them, and the blocks they use.

    The result is JSON-ready (block definitions as ``to_dict`` dicts): the clipboard holds it.
    """
    chosen = sorted(set(node_ids))
    keep = set(chosen)
    nodes = []
    blocks = {}
    for nid in chosen:
        n = circuit.node(nid)
        nodes.append(
            {"id": n.id, "kind": n.kind, "pos": list(n.pos), "name": n.name, "block": n.block}
        )
        if n.block is not None:
            blocks[n.block] = circuit.blocks[n.block].to_dict()
    wires = [
        [w.src, w.src_port, w.dst, w.dst_port]
        for w in (circuit.wires[i] for i in sorted(circuit.wires))
        if w.src in keep and w.dst in keep
    ]
    return {"nodes": nodes, "wires": wires, "blocks": blocks}


def fragment_from_json(text: str) -> dict:
    """Parse a clipboard fragment; block definitions become Circuits. CircuitError if bad."""
    try:
        data = json.loads(text)
        blocks = {k: Circuit.from_dict(v, where=f"block {k}") for k, v in data["blocks"].items()}
        nodes = [dict(n) for n in data["nodes"]]
        wires = [tuple(int(v) for v in w) for w in data["wires"]]
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise CircuitError(f"the clipboard does not hold a circuit fragment ({exc})") from None
    return {"nodes": nodes, "wires": wires, "blocks": blocks}


def _touches(p, points) -> bool:
    """Is point p on the route through ``points``?"""
    x, y = p
    for (x1, y1), (x2, y2) in zip(points, points[1:]):
        if x1 == x2 == x and min(y1, y2) <= y <= max(y1, y2):
            return True
        if y1 == y2 == y and min(x1, x2) <= x <= max(x1, x2):
            return True
    return False


BODY_MARGIN = 10.0  # wires route at least this far from other parts' bodies

ARROW_STEPS = {
    Qt.Key.Key_Left: (-1, 0),
    Qt.Key.Key_Right: (1, 0),
    Qt.Key.Key_Up: (0, -1),
    Qt.Key.Key_Down: (0, 1),
}
SNAP_PIXELS = 20.0  # a dragged wire snaps to a legal port this close on screen
LOOP_SHOWN_MS = 6000  # how long a refused loop stays outlined


class CircuitScene(QGraphicsScene):
    """Items for every node and wire of ``circuit``; edits go to ``undo_stack`` as commands.

    Signals: ``message(str, bool)`` a status line (True: it reports a refused edit);
    ``values_changed()`` switch values or the circuit's signals changed;
    ``open_block(str)`` the user asked to look inside a block.
    """

    message = Signal(str, bool)
    values_changed = Signal()
    open_block = Signal(str)

    def __init__(
        self,
        circuit: Circuit,
        undo_stack: QUndoStack | None = None,
        read_only: bool = False,
        parent=None,
    ) -> None:
        super().__init__(parent)
        self.circuit = circuit
        self.undo_stack = undo_stack if undo_stack is not None else QUndoStack(self)
        self.read_only = read_only
        self.node_items: dict[int, NodeItem] = {}
        self.wire_items: dict[int, WireItem] = {}
        self.input_values: dict[int, int] = {}  # input node id -> 0/1 (the switches)
        self.block_library: dict[str, Circuit] = {}  # definitions the palette may place
        self.signals: dict[tuple[int, int], int] = {}
        self._wiring: tuple[PortItem, RubberWire] | None = None
        self._hover_port: PortItem | None = None
        self._targets: list[PortItem] = []  # legal ends of the wire being dragged
        self._last_flip: tuple[int, int] | None = None  # (switch, value before the click)
        self.note_items: dict[int, NoteItem] = {}
        self._loop_items: list[NodeItem] = []
        self.wire_style = "orthogonal"
        self._bodies_cache: list | None = None
        self._loop_token = 0
        self._press_notes: dict[NoteItem, QPointF] = {}
        self._press_positions: dict[int, QPointF] = {}
        self._press_item: QGraphicsItem | None = None
        self._press_screen: QPointF | None = None
        self._paste_count = 0
        self.plain_background = False  # exports draw on plain white
        self.setSceneRect(QRectF(-2000, -2000, 4000, 4000))
        self.setItemIndexMethod(QGraphicsScene.ItemIndexMethod.NoIndex)
        self._unsubscribe = circuit.subscribe(self._on_model_event)
        self.rebuild()

    def detach(self) -> None:
        """Stop listening to the model (call before dropping the scene)."""
        self._unsubscribe()

    # -- model -> view ------------------------------------------------------------------------
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
            item = self.wire_items.pop(arg, None)
            if item is not None:
                self.removeItem(item)
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
                LOOP_SHOWN_MS, self, lambda: self._loop_token == token and self.clear_loop()
            )

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

    def add_note(self, text: str, pos) -> int | None:
        """Put a text note on the canvas (one undo step); return its id."""
        cmd = AddNoteCommand(self.circuit, text, (float(pos[0]), float(pos[1])))
        return cmd.note_id if self._push(cmd) else None

    def note_edited(self, item: NoteItem) -> None:
        """A note's editor closed: keep its new text as one undo step (an emptied note goes)."""
        note = self.circuit.notes.get(item.note_id)
        text = item.toPlainText()
        if note is None or text == note.text:
            return
        if not text.strip():
            self._push(RemoveNoteCommand(self.circuit, item.note_id))
        else:
            self._push(EditNoteCommand(self.circuit, item.note_id, text=text))

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
        for nid, item in self.node_items.items():
            n = self.circuit.node(nid)
            if n.kind == "nand":
                item.set_name(n.label or f"NAND {self.circuit.gate_number(nid)}", bool(n.label))
            elif n.kind == "block":
                item.set_name(n.label, True)

    def rebuild(self) -> None:
        """Drop every item and draw the model again (after a file load)."""
        self._cancel_wiring()
        old_values = {
            self.circuit.node(i).name: v
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
        for item in self.note_items.values():
            self.removeItem(item)
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
                n.block,
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

    # -- wire routes -------------------------------------------------------------------------
    def set_wire_style(self, style: str) -> None:
        """ "orthogonal" (runs around the parts, the default) or "curved"."""
        if style not in ("orthogonal", "curved"):
            raise ValueError(f"wire style must be 'orthogonal' or 'curved', got {style!r}")
        self.wire_style = style
        self.reroute()

    def reroute(self) -> None:
        """Route every wire again (after parts moved, turned, or came and went)."""
        for w in self.wire_items.values():
            w.update_path()
        self._update_dots()

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
        if self._bodies_cache is None:
            self._bodies_cache = self._bodies()
        ends = (wire.source.node.node_id, wire.target.node.node_id)
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
            for w in group:
                if w.dots or dots:
                    w.dots = [d for d in dots if _touches(d, w.points)]
                    w.update()

    def bend_wire(self, wire_id: int, bend: float | None) -> bool:
        """Move a wire's vertical run to x = ``bend`` (None: automatic), one undo step."""
        w = self.circuit.wires.get(wire_id)
        if w is None or self.read_only or w.bend == bend:
            self.reroute()
            return False
        return self._push(BendWireCommand(self.circuit, wire_id, bend))

    def input_row(self) -> dict[str, int]:
        """Current switch values by input name."""
        return {
            self.circuit.node(i).name: v
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
            n = c.node(nid)
            ins = []
            for p in range(len(item.inputs)):
                wid = c.wire_into(nid, p)
                if wid is None:
                    ins.append(None)
                else:
                    w = c.wire(wid)
                    ins.append(self.signals.get((w.src, w.src_port)))
            outs = [self.signals.get((nid, p)) for p in range(len(item.outputs))]
            item.set_values(ins, outs, [(nid, p) in missing for p in range(len(item.inputs))])
            if n.kind == "input":
                item.set_switch(self.input_values.get(nid, 0))
            elif n.kind == "output":
                item.set_lamp(self.signals.get((nid, 0)) if (nid, 0) not in missing else None)
        for wid, item in self.wire_items.items():
            w = c.wire(wid)
            item.set_value(self.signals.get((w.src, w.src_port)))
        self.values_changed.emit()

    def lamp_values(self) -> dict[str, int]:
        """What each output lamp shows now, by output name."""
        return {
            self.circuit.node(o).name: int(self.signals.get((o, 0), 0))
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

    # -- switches -----------------------------------------------------------------------------
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

    # -- edits (each one command) ------------------------------------------------------------
    def _push(self, cmd: ModelCommand) -> bool:
        """Push an edit; a model refusal drops the command and shows why."""
        if self.read_only:
            self.message.emit(
                "This is a read-only view of a block; edit the block's own file.", True
            )
            return False
        self.undo_stack.push(cmd)
        if cmd.error is not None:  # refused: rolled back and never stored (see commands.py)
            self.message.emit(cmd.error, True)
            return False
        return True

    def add_node(
        self,
        kind: str,
        pos: tuple[float, float] | QPointF,
        name: str | None = None,
        block: str | None = None,
    ) -> int | None:
        """Place a part at ``pos`` (snapped to the grid); return its id, or None if refused."""
        p = snap(pos if isinstance(pos, QPointF) else QPointF(*pos))
        definition = None
        if name is not None and self.circuit.find_terminal(name) is not None:
            self.message.emit(f"The name '{name}' is already used; choose another.", True)
            return None
        if kind == "block":
            if block not in self.circuit.blocks:
                definition = self.block_library.get(block)
                if definition is None:
                    self.message.emit(f"There is no block called {block!r} to place.", True)
                    return None
        cmd = AddNodeCommand(self.circuit, kind, (p.x(), p.y()), name, block, definition)
        if not self._push(cmd):
            return None
        item = self.node_items.get(cmd.node_id)
        if item is not None:
            self.clearSelection()
            item.setSelected(True)
        return cmd.node_id

    def add_wire(self, src: int, src_port: int, dst: int, dst_port: int) -> int | None:
        """Connect two ports as one command; a refused wire (loop, bad port) sets the status."""
        c = self.circuit
        taken = c.wire_into(dst, dst_port)
        try:
            if taken is not None:
                # Dropping on a used input replaces its wire: check the new one without it.
                trial = c.copy()
                trial.remove_wire(taken)
                trial.check_wire(src, src_port, dst, dst_port)
            else:
                c.check_wire(src, src_port, dst, dst_port)
        except CircuitError as exc:
            self.show_loop(exc.loop if isinstance(exc, LoopError) else [])
            self.message.emit(f"Wire refused: {exc}", True)
            return None
        if taken is not None:
            macro = MacroCommand("Rewire")
            macro.add(RemoveWireCommand(c, taken))
            add = macro.add(AddWireCommand(c, src, src_port, dst, dst_port))
            if not self._push(macro):
                return None
        else:
            add = AddWireCommand(c, src, src_port, dst, dst_port)
            if not self._push(add):
                return None
        self.message.emit(self.unconnected_message() or "Wired.", False)
        return add.wire_id

    def move_nodes(self, moves: dict[int, tuple[float, float]]) -> bool:
        """Move nodes to new positions (snapped) as one command."""
        old_new = {}
        for nid, pos in moves.items():
            new = snap(QPointF(*pos))
            old = self.circuit.node(nid).pos
            if (new.x(), new.y()) != old:
                old_new[nid] = (old, (new.x(), new.y()))
        if not old_new:
            return False
        return self._push(MoveNodesCommand(self.circuit, old_new))

    def rotate_selection(self) -> bool:
        """Turn the selected parts a quarter clockwise (R), one undo step."""
        return self._look_selection("Rotate", lambda n: {"rotation": (n.rotation + 90) % 360})

    def flip_selection(self) -> bool:
        """Mirror the selected parts left to right (M), one undo step."""
        return self._look_selection("Mirror", lambda n: {"flip": not n.flip})

    def _look_selection(self, text: str, change) -> bool:
        ids = self.selected_node_ids()
        if not ids or self.read_only:
            return False
        macro = MacroCommand(text)
        for nid in ids:
            macro.add(LookCommand(self.circuit, nid, text, **change(self.circuit.node(nid))))
        return self._push(macro)

    def set_label(self, node_id: int, label: str) -> bool:
        """Label a gate or block (shown with it and used in messages), one undo step."""
        try:
            from nnviz.core.circuits.model import check_label

            label = check_label(label)
        except CircuitError as exc:
            self.message.emit(f"Label refused: {exc}", True)
            return False
        if label == self.circuit.node(node_id).label:
            return False
        return self._push(LookCommand(self.circuit, node_id, "Label", label=label))

    def ask_label(self, node_id: int) -> None:
        old = self.circuit.node(node_id).label
        view = self.views()[0] if self.views() else None
        label, ok = QInputDialog.getText(view, "Label", "Label (empty for none):", text=old)
        if ok:
            self.set_label(node_id, label)

    def rename(self, node_id: int, name: str) -> bool:
        """Rename a terminal as one command; a bad or taken name sets the status."""
        try:
            from nnviz.core.circuits.model import validate_terminal_name

            validate_terminal_name(name)
            other = self.circuit.find_terminal(name)
            if other is not None and other != node_id:
                raise CircuitError(f"the name '{name}' is already used; choose another")
        except CircuitError as exc:
            self.message.emit(str(exc), True)
            return False
        return self._push(RenameCommand(self.circuit, node_id, name))

    def delete_items(self, node_ids: Iterable[int], wire_ids: Iterable[int] = ()) -> bool:
        """Delete nodes (with their wires) and wires as one undo step."""
        node_ids = sorted(set(node_ids))
        wire_ids = sorted(set(wire_ids))
        if not node_ids and not wire_ids:
            return False
        n = len(node_ids) + len(wire_ids)
        macro = MacroCommand(f"Delete {n} item{'s' if n != 1 else ''}")
        for wid in wire_ids:
            macro.add(RemoveWireCommand(self.circuit, wid))
        for nid in node_ids:
            macro.add(RemoveNodeCommand(self.circuit, nid))
        return self._push(macro)

    def delete_selection(self) -> bool:
        """Delete what is selected (the Delete key), notes too, as one undo step."""
        notes = [i.note_id for i in self.selectedItems() if isinstance(i, NoteItem)]
        if notes and not self.selected_node_ids() and not self.selected_wire_ids():
            macro = MacroCommand("Delete note" if len(notes) == 1 else "Delete notes")
            for note_id in notes:
                macro.add(RemoveNoteCommand(self.circuit, note_id))
            return self._push(macro)
        if notes:
            for note_id in notes:  # with parts: one step for the parts, one for the notes
                self._push(RemoveNoteCommand(self.circuit, note_id))
        return self.delete_items(self.selected_node_ids(), self.selected_wire_ids())

    def selected_node_ids(self) -> list[int]:
        return sorted(i.node_id for i in self.selectedItems() if isinstance(i, NodeItem))

    def selected_wire_ids(self) -> list[int]:
        return sorted(i.wire_id for i in self.selectedItems() if isinstance(i, WireItem))

    def select_nodes(self, node_ids: Iterable[int]) -> None:
        self.clearSelection()
        for nid in node_ids:
            item = self.node_items.get(nid)
            if item is not None:
                item.setSelected(True)

    # -- clipboard ----------------------------------------------------------------------------
    def copy_selection(self) -> bool:
        """Put the selected nodes and their internal wires on the clipboard."""
        ids = self.selected_node_ids()
        if not ids:
            self.message.emit("Select some parts to copy first.", False)
            return False
        fragment = copy_fragment(self.circuit, ids)
        mime = QMimeData()
        text = json.dumps(fragment)
        mime.setData(FRAGMENT_MIME, text.encode("utf-8"))
        mime.setText(text)
        QApplication.clipboard().setMimeData(mime)
        self._paste_count = 0
        self.message.emit(f"Copied {len(ids)} part{'s' if len(ids) != 1 else ''}.", False)
        return True

    def paste(self) -> list[int]:
        """Paste the clipboard's fragment a little down and right; select and return it."""
        mime = QApplication.clipboard().mimeData()
        if mime is None or not mime.hasFormat(FRAGMENT_MIME):
            self.message.emit("Nothing to paste: copy some parts first (Ctrl+C).", False)
            return []
        try:
            fragment = fragment_from_json(bytes(mime.data(FRAGMENT_MIME)).decode("utf-8"))
        except CircuitError as exc:
            self.message.emit(str(exc), True)
            return []
        for bname, definition in fragment["blocks"].items():
            mine = self.circuit.blocks.get(bname)
            if mine is not None and mine.to_dict() != definition.to_dict():
                self.message.emit(
                    f"Cannot paste: this circuit already has a different block called '{bname}'.",
                    True,
                )
                return []
        self._paste_count += 1
        step = 2 * GRID * self._paste_count
        cmd = PasteCommand(self.circuit, fragment, (step, step))
        if not self._push(cmd):
            return []
        ids = cmd.new_ids()
        self.select_nodes(ids)
        return ids

    # -- mouse: wiring, moving, switching -----------------------------------------------------
    def _port_at(self, pos: QPointF) -> PortItem | None:
        for item in self.items(pos):
            if isinstance(item, PortItem):
                return item
        return None

    def legal_targets(self, start: PortItem) -> list[PortItem]:
        """Every port a wire dragged from ``start`` may end on: the other direction, and no
        loop (a used input may be taken: the drop replaces its wire)."""
        nid = start.node.node_id
        # A wire out of start's node must not reach back into it, and the other way round.
        blocked = self.circuit.reachable(nid, forward=not start.is_output)
        out = []
        for item in self.node_items.values():
            if item.node_id in blocked:
                continue
            out.extend(item.inputs if start.is_output else item.outputs)
        return out

    def snap_target(self, start: PortItem, pos: QPointF) -> PortItem | None:
        """The legal target port nearest ``pos`` within SNAP_PIXELS screen pixels (at any
        zoom), or None."""
        reach = SNAP_PIXELS / max(1e-6, abs(self._view_transform().m11()) or 1.0)
        best, best_d = None, reach * reach
        for port in self._targets:
            d = port.scene_center() - pos
            d2 = d.x() * d.x() + d.y() * d.y()
            if d2 <= best_d:
                best, best_d = port, d2
        return best

    def _mark_targets(self, ports: list[PortItem]) -> None:
        for port in self._targets:
            port.set_legal(False)
        self._targets = ports
        for port in ports:
            port.set_legal(True)

    def mousePressEvent(self, event: QGraphicsSceneMouseEvent) -> None:  # noqa: N802
        if event.button() == Qt.MouseButton.LeftButton and not self.read_only:
            port = self._port_at(event.scenePos())
            if port is not None:
                wire = RubberWire(port.scene_center())
                self.addItem(wire)
                self._wiring = (port, wire)
                self._mark_targets(self.legal_targets(port))
                event.accept()
                return
        super().mousePressEvent(event)
        if event.button() == Qt.MouseButton.LeftButton:
            self._press_item = self.itemAt(event.scenePos(), self._view_transform())
            self._press_screen = event.screenPos()
            self._press_positions = {
                i.node_id: i.pos() for i in self.selectedItems() if isinstance(i, NodeItem)
            }
            self._press_notes = {
                i: i.pos() for i in self.selectedItems() if isinstance(i, NoteItem)
            }

    def _view_transform(self) -> QTransform:
        views = self.views()
        return views[0].transform() if views else QTransform()

    def mouseMoveEvent(self, event: QGraphicsSceneMouseEvent) -> None:  # noqa: N802
        if self._wiring is not None:
            start, wire = self._wiring
            target = self.snap_target(start, event.scenePos())
            self._set_hover_port(target)
            end = target.scene_center() if target is not None else event.scenePos()
            wire.follow(end, reverse=not start.is_output)
            event.accept()
            return
        super().mouseMoveEvent(event)

    def _set_hover_port(self, port: PortItem | None) -> None:
        if self._hover_port is not None and self._hover_port is not port:
            self._hover_port.hover = False
            self._hover_port.update()
        self._hover_port = port
        if port is not None:
            port.hover = True
            port.update()

    def _cancel_wiring(self) -> None:
        if self._wiring is not None:
            self.removeItem(self._wiring[1])
            self._wiring = None
        self._set_hover_port(None)
        self._mark_targets([])

    def mouseReleaseEvent(self, event: QGraphicsSceneMouseEvent) -> None:  # noqa: N802
        if self._wiring is not None:
            start, _ = self._wiring
            # The snapped port; else the port under the mouse, so a refused drop says why.
            target = self.snap_target(start, event.scenePos()) or self._port_at(event.scenePos())
            self._cancel_wiring()
            event.accept()
            self.finish_wire(start, target)
            return
        super().mouseReleaseEvent(event)
        if event.button() != Qt.MouseButton.LeftButton:
            return
        moves = {}
        for nid, old in self._press_positions.items():
            item = self.node_items.get(nid)
            if item is not None and item.pos() != old:
                moves[nid] = (item.pos().x(), item.pos().y())
        note_moves = [
            EditNoteCommand(self.circuit, i.note_id, pos=(i.pos().x(), i.pos().y()))
            for i, old in self._press_notes.items()
            if i.pos() != old and i.note_id in self.circuit.notes
        ]
        self._press_notes = {}
        if note_moves:
            macro = MacroCommand("Move note")
            for cmd in note_moves:
                macro.add(cmd)
            self._push(macro)
        press_item = self._press_item
        self._press_positions = {}
        self._press_item = None
        if moves:
            self.move_nodes(moves)  # the whole drag is one undo step
        elif isinstance(press_item, InputItem) and self._was_click(event):
            nid = press_item.node_id
            # Remembered so that a double-click (rename) can take this flip back.
            self._last_flip = (nid, self.input_values.get(nid, 0))
            self.toggle_input(nid)

    def _was_click(self, event: QGraphicsSceneMouseEvent) -> bool:
        if self._press_screen is None:
            return True
        d = event.screenPos() - self._press_screen
        return abs(d.x()) + abs(d.y()) < 6

    def finish_wire(self, start: PortItem, target: PortItem | None) -> int | None:
        """Turn a drag from ``start`` dropped on ``target`` into a wire (or say why not)."""
        if target is None or target is start:
            self.message.emit("Drop the wire on a port to connect it.", False)
            return None
        if start.is_output == target.is_output:
            kind = "output" if start.is_output else "input"
            self.message.emit(
                f"Wire refused: both ends are {kind} ports; connect an output (right side) "
                "to an input (left side).",
                True,
            )
            return None
        src, dst = (start, target) if start.is_output else (target, start)
        return self.add_wire(src.node.node_id, src.index, dst.node.node_id, dst.index)

    def keyPressEvent(self, event) -> None:  # noqa: N802
        if event.key() == Qt.Key.Key_Escape and self._wiring is not None:
            self._cancel_wiring()
            self.message.emit("Wire cancelled.", False)
            event.accept()
            return
        step = ARROW_STEPS.get(event.key())
        if step is not None and not self.read_only and self.focusItem() is None:
            if self.nudge_selection(*step):
                event.accept()
                return
        super().keyPressEvent(event)

    def nudge_selection(self, dx: int, dy: int) -> bool:
        """Move the selected parts by (dx, dy) grid steps, as one undoable command."""
        moves = {}
        for nid in self.selected_node_ids():
            x, y = self.circuit.node(nid).pos
            moves[nid] = (x + dx * GRID, y + dy * GRID)
        return bool(moves) and self.move_nodes(moves)

    def mouseDoubleClickEvent(self, event: QGraphicsSceneMouseEvent) -> None:  # noqa: N802
        item = self.itemAt(event.scenePos(), self._view_transform())
        while item is not None and not isinstance(item, NodeItem):
            item = item.parentItem()
        if isinstance(item, BlockItem):
            self.open_block.emit(item.title)
            event.accept()
            return
        if isinstance(item, (InputItem, OutputItem)) and not self.read_only:
            flip, self._last_flip = self._last_flip, None
            if isinstance(item, InputItem) and flip is not None and flip[0] == item.node_id:
                self.set_input(item.node_id, flip[1])  # a double-click renames, never flips
            self.ask_rename(item.node_id)
            event.accept()
            return
        if isinstance(item, NandItem) and not self.read_only:
            self.ask_label(item.node_id)
            event.accept()
            return
        super().mouseDoubleClickEvent(event)

    def ask_rename(self, node_id: int) -> None:
        """Ask for a new terminal name (double-click or context menu)."""
        old = self.circuit.node(node_id).name or ""
        view = self.views()[0] if self.views() else None
        name, ok = QInputDialog.getText(view, "Rename", "Name (letters, digits, _):", text=old)
        if ok and name and name != old:
            self.rename(node_id, name.strip())

    def contextMenuEvent(self, event: QGraphicsSceneContextMenuEvent) -> None:  # noqa: N802
        item = self.itemAt(event.scenePos(), self._view_transform())
        while item is not None and not isinstance(item, (NodeItem, WireItem, NoteItem)):
            item = item.parentItem()
        if item is None:
            if not self.read_only:
                menu = QMenu()
                pos = event.scenePos()
                menu.addAction(
                    "Add note here",
                    lambda: self.add_note("Note: double-click to edit", (pos.x(), pos.y())),
                )
                menu.exec(event.screenPos())
            return
        if not item.isSelected():
            self.clearSelection()
            item.setSelected(True)
        menu = QMenu()
        if isinstance(item, BlockItem):
            menu.addAction("Open block", lambda: self.open_block.emit(item.title))
        if isinstance(item, (InputItem, OutputItem)) and not self.read_only:
            menu.addAction("Rename…", lambda: self.ask_rename(item.node_id))
        if isinstance(item, (NandItem, BlockItem)) and not self.read_only:
            menu.addAction("Label…", lambda: self.ask_label(item.node_id))
        if isinstance(item, NoteItem) and not self.read_only:
            menu.addAction("Edit note", item.start_editing)
        if isinstance(item, NodeItem) and not self.read_only:
            menu.addAction("Rotate", self.rotate_selection).setShortcut(QKeySequence("R"))
            menu.addAction("Mirror", self.flip_selection).setShortcut(QKeySequence("M"))
        if not self.read_only:
            if isinstance(item, NodeItem):
                copy = menu.addAction("Copy", self.copy_selection)
                copy.setShortcut(QKeySequence.StandardKey.Copy)
            menu.addAction("Delete", self.delete_selection).setShortcut(
                QKeySequence.StandardKey.Delete
            )
        if not menu.isEmpty():
            menu.exec(event.screenPos())

    # -- drops from the palette ---------------------------------------------------------------
    def dragEnterEvent(self, event: QGraphicsSceneDragDropEvent) -> None:  # noqa: N802
        if event.mimeData().hasFormat(PART_MIME) and not self.read_only:
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: QGraphicsSceneDragDropEvent) -> None:  # noqa: N802
        if event.mimeData().hasFormat(PART_MIME) and not self.read_only:
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QGraphicsSceneDragDropEvent) -> None:  # noqa: N802
        if not event.mimeData().hasFormat(PART_MIME):
            event.ignore()
            return
        part = bytes(event.mimeData().data(PART_MIME)).decode("utf-8")
        self.place_part(part, event.scenePos())
        event.acceptProposedAction()

    def place_part(self, part: str, pos: QPointF) -> int | None:
        """Place a palette part (``nand``, ``input``, ``output``, ``note`` or ``block:<name>``)."""
        if part.startswith("block:"):
            return self.add_node("block", pos, block=part[len("block:") :])
        if part in ("nand", "input", "output"):
            return self.add_node(part, pos)
        if part == "note":
            return self.add_note("Note: double-click to edit", (pos.x(), pos.y()))
        self.message.emit(f"Unknown part {part!r}.", True)
        return None

    def free_spot(self, near: QPointF) -> QPointF:
        """A grid point near ``near`` clear of parts and wires (palette clicks stack neatly)."""
        start = snap(near)
        for row in range(40):
            for col in (0, 1, -1, 2):
                p = QPointF(start.x() + col * 8 * GRID, start.y() + row * 3 * GRID)
                rect = QRectF(p.x() - 20, p.y() - 20, 170, 110)  # room for a block and label
                if not any(isinstance(i, NodeItem | WireItem) for i in self.items(rect)):
                    return p
        return start

    # -- drawing ------------------------------------------------------------------------------
    def drawBackground(self, painter: QPainter, rect: QRectF) -> None:  # noqa: N802
        if self.plain_background:
            painter.fillRect(rect, Qt.GlobalColor.white)
            return
        painter.fillRect(rect, BACKGROUND)
        # Dots on the grid, fewer when zoomed out so the canvas does not turn grey.
        scale = painter.worldTransform().m11() or 1.0
        step = GRID if scale >= 0.6 else GRID * 4
        left = int(rect.left() // step) * step
        top = int(rect.top() // step) * step
        pen = QPen(DOT, 1.6 / scale)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        painter.setPen(pen)
        points = []
        y = top
        while y < rect.bottom():
            x = left
            while x < rect.right():
                points.append(QPointF(x, y))
                x += step
            y += step
        if len(points) < 40000:
            painter.drawPoints(points)

    def items_rect(self) -> QRectF:
        """Bounding box of the circuit's items with a margin (for fit and export)."""
        rect = QRectF()
        for item in list(self.node_items.values()) + list(self.wire_items.values()):
            rect = rect.united(item.sceneBoundingRect())
        if rect.isNull():
            return QRectF(0, 0, 400, 300)
        return rect.adjusted(-30, -30, 30, 30)
