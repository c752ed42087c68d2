"""Edits on a circuit canvas: every change the user makes becomes one command on the undo
stack, and a refused one (a loop, a taken name) leaves the circuit as it was and says why on
``message``. The clipboard holds a fragment of parts and their wires as JSON."""

from __future__ import annotations

import json
from collections.abc import Iterable

from PySide6.QtCore import QMimeData, QPointF
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QApplication, QInputDialog

from nnviz.core.circuits.model import (
    Circuit,
    CircuitError,
    LoopError,
    check_label,
    validate_terminal_name,
)
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
from nnviz.ui.circuit.drawing import CircuitDrawing
from nnviz.ui.circuit.items import GRID, NodeItem, snap
from nnviz.ui.circuit.wire_items import NoteItem, WireItem

FRAGMENT_MIME = "application/x-nnviz-circuit-fragment"  # copied nodes and wires as JSON


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
            {
                "id": n.id,
                "kind": n.kind,
                "pos": list(n.pos),
                "name": n.name,
                "block": n.block,
                "label": n.label,
                "rotation": n.rotation,
                "flip": n.flip,
            }
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


class EditableScene(CircuitDrawing):
    """A circuit drawing whose edits go to ``undo_stack`` as commands."""

    def __init__(
        self,
        circuit: Circuit,
        undo_stack: QUndoStack | None = None,
        read_only: bool = False,
        parent=None,
    ) -> None:
        super().__init__(circuit, read_only, parent)
        self.undo_stack = undo_stack if undo_stack is not None else QUndoStack(self)
        self.block_library: dict[str, Circuit] = {}  # definitions the palette may place
        self._paste_count = 0

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

    def bend_wire(self, wire_id: int, bend: float | None) -> bool:
        """Move a wire's vertical run to x = ``bend`` (None: automatic), one undo step."""
        w = self.circuit.wires.get(wire_id)
        if w is None or self.read_only or w.bend == bend:
            self.reroute()
            return False
        return self._push(BendWireCommand(self.circuit, wire_id, bend))

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
                definition = self.block_library.get(block or "")
                if definition is None:
                    self.message.emit(f"There is no block called {block!r} to place.", True)
                    return None
        cmd = AddNodeCommand(self.circuit, kind, (p.x(), p.y()), name, block, definition)
        if not self._push(cmd):
            return None
        item = self.node_items.get(cmd.node_id or 0)
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
            add = AddWireCommand(c, src, src_port, dst, dst_port)
            macro.add(add)
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

    def paste(self, at: QPointF | None = None) -> list[int]:
        """Paste the clipboard's fragment with its labels, its top-left corner at ``at`` (the
        mouse, when it is on the canvas) or else just right of where it was copied from, clear
        of the originals; select and return it."""
        mime = QApplication.clipboard().mimeData()
        if mime is None or not mime.hasFormat(FRAGMENT_MIME):
            self.message.emit("Nothing to paste: copy some parts first (Ctrl+C).", False)
            return []
        try:
            fragment = fragment_from_json(bytes(mime.data(FRAGMENT_MIME).data()).decode("utf-8"))
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
        xs = [float(n["pos"][0]) for n in fragment["nodes"]] or [0.0]
        ys = [float(n["pos"][1]) for n in fragment["nodes"]] or [0.0]
        if at is not None:
            corner = snap(at)
            offset = (corner.x() - min(xs), corner.y() - min(ys))
        else:  # beside the originals, and beside the previous paste
            self._paste_count += 1
            width = max(xs) - min(xs) + 6 * GRID  # a part's width and a gap
            offset = (snap(QPointF(width * self._paste_count, 0)).x(), 0.0)
        cmd = PasteCommand(self.circuit, fragment, offset)
        if not self._push(cmd):
            return []
        ids = cmd.new_ids()
        self.select_nodes(ids)
        return ids
