"""The circuit canvas: a scene that mirrors a :class:`Circuit` and turns gestures into commands.

Three layers, each readable alone: :class:`~nnviz.ui.circuit.drawing.CircuitDrawing` keeps an
item per node and wire in step with the model and colours them by the switches' signals;
:class:`~nnviz.ui.circuit.editing.EditableScene` makes every edit one undo command; this
module adds what the mouse and keys do: drag wires between ports (snapping to the legal ends),
move and nudge parts, flip switches, rename by double-click, context menus and palette drops.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QKeySequence, QTransform, QUndoStack
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsSceneContextMenuEvent,
    QGraphicsSceneDragDropEvent,
    QGraphicsSceneMouseEvent,
    QInputDialog,
    QMenu,
)

from nnviz.core.circuits.model import Circuit
from nnviz.ui.circuit.commands import EditNoteCommand, MacroCommand
from nnviz.ui.circuit.editing import FRAGMENT_MIME, EditableScene, copy_fragment, fragment_from_json
from nnviz.ui.circuit.items import (
    GRID,
    BlockItem,
    InputItem,
    NandItem,
    NodeItem,
    OutputItem,
    PortItem,
    snap,
)
from nnviz.ui.circuit.wire_items import NoteItem, RubberWire, WireItem

__all__ = ["FRAGMENT_MIME", "PART_MIME", "CircuitScene", "copy_fragment", "fragment_from_json"]

PART_MIME = "application/x-nnviz-part"  # palette drags: b"nand", b"input", b"block:<name>"
ARROW_STEPS = {
    Qt.Key.Key_Left: (-1, 0),
    Qt.Key.Key_Right: (1, 0),
    Qt.Key.Key_Up: (0, -1),
    Qt.Key.Key_Down: (0, 1),
}
SNAP_PIXELS = 20.0  # a dragged wire snaps to a legal port this close on screen
# Keys on the canvas that place a part, as the palette's entries do (I, N, O).
PLACE_KEYS = {Qt.Key.Key_I: "input", Qt.Key.Key_N: "nand", Qt.Key.Key_O: "output"}


class CircuitScene(EditableScene):
    """Items for every node and wire of ``circuit``; edits go to ``undo_stack`` as commands.

    ``place_requested(part)``: a key asked for a palette part (the sandbox places it).

    Signals (from :class:`CircuitDrawing`): ``message(str, bool)`` a status line (True: it
    reports a refused edit); ``values_changed()`` switch values or the circuit's signals
    changed; ``open_block(str)`` the user asked to look inside a block.
    """

    place_requested = Signal(str)

    def __init__(
        self,
        circuit: Circuit,
        undo_stack: QUndoStack | None = None,
        read_only: bool = False,
        parent=None,
    ) -> None:
        super().__init__(circuit, undo_stack, read_only, parent)
        self._wiring: tuple[PortItem, RubberWire] | None = None
        self._hover_port: PortItem | None = None
        self._targets: list[PortItem] = []  # legal ends of the wire being dragged
        self._last_flip: tuple[int, int] | None = None  # (switch, value before the click)
        self._press_notes: dict[NoteItem, QPointF] = {}
        self._press_positions: dict[int, QPointF] = {}
        self._press_item: QGraphicsItem | None = None
        self._press_screen: QPoint | None = None
        self.rebuild()

    def drop_transient_items(self) -> None:
        self._cancel_wiring()

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

    def keyPressEvent(self, event) -> None:  # noqa: N802
        if event.key() == Qt.Key.Key_Escape and self._wiring is not None:
            self._cancel_wiring()
            self.message.emit("Wire cancelled.", False)
            event.accept()
            return
        if self._keyboard_wiring(event):
            event.accept()
            return
        step = ARROW_STEPS.get(event.key())
        if step is not None and not self.read_only and self.focusItem() is None:
            if self.nudge_selection(*step):
                event.accept()
                return
        super().keyPressEvent(event)

    # -- the keyboard: placing, selecting, wiring and switches without a mouse -----------------
    def _keyboard_wiring(self, event) -> bool:
        """W starts a wire at the selected part's output (Shift+W: at its first free input),
        Tab and Shift+Tab step through the ports it may end on, nearest first, Enter connects
        and Escape cancels; Space flips a selected switch. True when the key was used."""
        key, mods = event.key(), event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if self._wiring is not None:
            start, wire = self._wiring
            if key in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab) and self._targets:
                ports = self._targets
                now = ports.index(self._hover_port) if self._hover_port in ports else -1
                back = key == Qt.Key.Key_Backtab or bool(mods & Qt.KeyboardModifier.ShiftModifier)
                port = ports[(now + (-1 if back else 1)) % len(ports)]
                self._set_hover_port(port)
                wire.follow(port.scene_center(), reverse=not start.is_output)
                self.message.emit(f"Wire to {self._port_name(port)}: Enter connects.", False)
                return True
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                target = self._hover_port
                self._cancel_wiring()
                self.finish_wire(start, target)
                return True
            return key in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab)  # no targets: stay in the wire
        if self.read_only or mods & ~Qt.KeyboardModifier.ShiftModifier:
            return False
        if self.focusItem() is not None:
            return False  # a note's text is being edited: every key is typing
        if not mods and key in PLACE_KEYS:
            self.place_requested.emit(PLACE_KEYS[key])
            return True
        chosen = [i for i in self.selectedItems() if isinstance(i, NodeItem)]
        if key in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab) and chosen:
            # With a part selected, Tab selects the next part (left to right, top to bottom);
            # Escape clears the selection, and then Tab leaves the canvas as usual.
            order = sorted(self.node_items.values(), key=lambda i: (i.x(), i.y(), i.node_id))
            now = order.index(chosen[0]) if chosen[0] in order else -1
            back = key == Qt.Key.Key_Backtab or bool(mods & Qt.KeyboardModifier.ShiftModifier)
            nxt = order[(now + (-1 if back else 1)) % len(order)]
            self.clearSelection()
            nxt.setSelected(True)
            for view in self.views():
                view.ensureVisible(nxt)
            self.message.emit(f"Selected {self.circuit.describe(nxt.node_id)}.", False)
            return True
        if key == Qt.Key.Key_Escape and self.selectedItems() and not mods:
            self.clearSelection()
            return True
        if len(chosen) != 1:
            return False
        item = chosen[0]
        if key == Qt.Key.Key_Space and isinstance(item, InputItem) and not mods:
            self.toggle_input(item.node_id)
            return True
        if key != Qt.Key.Key_W:
            return False
        if mods & Qt.KeyboardModifier.ShiftModifier or not item.outputs:
            free = [p for p in item.inputs if self.circuit.wire_into(item.node_id, p.index) is None]
            ports = free or item.inputs
            if not ports:
                return False
            port = ports[0]
        else:
            port = item.outputs[0]
        here = port.scene_center()
        targets = sorted(
            self.legal_targets(port),
            key=lambda p: (p.scene_center() - here).manhattanLength(),
        )
        wire = RubberWire(here)
        self.addItem(wire)
        self._wiring = (port, wire)
        self._mark_targets(targets)
        self.message.emit(
            f"Wiring from {self._port_name(port)}: Tab picks the other end "
            f"({len(targets)} possible), Enter connects, Escape cancels.",
            False,
        )
        return True

    def takes_tab(self) -> bool:
        """Tab steps through ports while wiring, through parts while a part is selected;
        otherwise it moves the focus on (Escape clears the selection first)."""
        if self.read_only or (self._wiring is None and self.focusItem() is not None):
            return False
        return self._wiring is not None or any(
            isinstance(i, NodeItem) for i in self.selectedItems()
        )

    def wants_key(self, key: int) -> bool:
        """Whether a plain ``key`` means something here now (the view asks, so that a
        window-wide shortcut does not take it)."""
        if self.read_only:
            return False
        if self._wiring is not None:
            return key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Escape)
        if self.focusItem() is not None:
            return True  # typing into a note: its editor takes every key
        if key in PLACE_KEYS:
            return True
        chosen = [i for i in self.selectedItems() if isinstance(i, NodeItem)]
        if key == Qt.Key.Key_Space:
            return len(chosen) == 1 and isinstance(chosen[0], InputItem)
        return bool(self.selectedItems()) and (
            key in ARROW_STEPS or key in (Qt.Key.Key_W, Qt.Key.Key_Escape)
        )

    def _port_name(self, port: PortItem) -> str:
        where = self.circuit.describe(port.node.node_id)
        if len(port.node.inputs) + len(port.node.outputs) <= 1:
            return where
        side = "output" if port.is_output else "input"
        return f"{where}, {side} {port.index + 1}"

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
        part = bytes(event.mimeData().data(PART_MIME).data()).decode("utf-8")
        self.place_part(part, event.scenePos())
        event.acceptProposedAction()

    def _port_at(self, pos: QPointF) -> PortItem | None:
        for item in self.items(pos):
            if isinstance(item, PortItem):
                return item
        return None

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

    def nudge_selection(self, dx: int, dy: int) -> bool:
        """Move the selected parts by (dx, dy) grid steps, as one undoable command."""
        moves = {}
        for nid in self.selected_node_ids():
            x, y = self.circuit.node(nid).pos
            moves[nid] = (x + dx * GRID, y + dy * GRID)
        return bool(moves) and self.move_nodes(moves)

    def ask_rename(self, node_id: int) -> None:
        """Ask for a new terminal name (double-click or context menu)."""
        old = self.circuit.node(node_id).name or ""
        view = self.views()[0] if self.views() else None
        name, ok = QInputDialog.getText(view, "Rename", "Name (letters, digits, _):", text=old)
        if ok and name and name != old:
            self.rename(node_id, name.strip())

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
