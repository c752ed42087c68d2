"""Undo commands for the circuit editor.

Each command captures what it needs to invert itself and calls one model method; the scene
only listens to the model, so undo, redo and ordinary edits redraw the same way. Ids chosen
by the model on the first ``redo`` are kept and passed back on later redos, so a redo makes
exactly the same objects (and ``to_dict`` matches) as the original edit.

A model refusal (CircuitError) inside ``redo`` must not leave a half-done command on the
stack: PySide re-raises an exception from ``redo`` only after ``QUndoStack.push`` has stored
the command. So each command catches the error, rolls back what it did, records the message
in ``error`` and marks itself obsolete, which makes ``push`` drop it.
"""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtGui import QUndoCommand

from nnviz.core.circuits.model import Circuit, CircuitError, RemovedNode, Wire

Pos = tuple[float, float]

_KIND_LABELS = {"input": "input switch", "output": "output lamp", "nand": "NAND gate"}


class ModelCommand(QUndoCommand):
    """Base: ``apply``/``revert`` do the work; a refused ``apply`` rolls back and goes obsolete.

    Subclasses undo their own partial work in ``rollback`` (called only after a refusal).
    """

    def __init__(self, text: str, parent: QUndoCommand | None = None) -> None:
        super().__init__(text, parent)
        self.error: str | None = None

    def apply(self) -> None:
        raise NotImplementedError

    def revert(self) -> None:
        raise NotImplementedError

    def rollback(self) -> None:
        """Undo whatever a failed ``apply`` managed to do (default: nothing to undo)."""

    def redo(self) -> None:
        try:
            self.apply()
        except CircuitError as exc:
            self.rollback()
            self.error = str(exc)
            self.setObsolete(True)

    def undo(self) -> None:
        self.revert()


class AddNodeCommand(ModelCommand):
    """Add one node. A block node also defines its block in the circuit if it is missing."""

    def __init__(
        self,
        circuit: Circuit,
        kind: str,
        pos: Pos,
        name: str | None = None,
        block: str | None = None,
        definition: Circuit | None = None,
        parent: QUndoCommand | None = None,
    ) -> None:
        label = f"block {block}" if kind == "block" else _KIND_LABELS.get(kind, kind)
        super().__init__(f"Add {label}", parent)
        self.circuit = circuit
        self.kind = kind
        self.pos = pos
        self.name = name
        self.block = block
        self.definition = definition
        self.node_id: int | None = None
        self._defined_block = False

    def apply(self) -> None:
        c = self.circuit
        if self.kind == "block" and self.block not in c.blocks:
            c.define_block(self.block, self.definition)
            self._defined_block = True
        self.node_id = c.add_node(
            self.kind, self.pos, name=self.name, block=self.block, node_id=self.node_id
        )
        if self.name is None and self.kind in ("input", "output"):
            # Keep the default name chosen now so a redo brings back the same terminal.
            self.name = c.node(self.node_id).name

    def revert(self) -> None:
        self.circuit.remove_node(self.node_id)
        self.rollback()

    def rollback(self) -> None:
        if self._defined_block:
            self.circuit.undefine_block(self.block)
            self._defined_block = False


class RemoveNodeCommand(ModelCommand):
    """Remove one node with its wires; undo restores it with the same ids."""

    def __init__(self, circuit: Circuit, node_id: int, parent: QUndoCommand | None = None):
        super().__init__(f"Delete {circuit.describe(node_id)}", parent)
        self.circuit = circuit
        self.node_id = node_id
        self.record: RemovedNode | None = None

    def apply(self) -> None:
        self.record = self.circuit.remove_node(self.node_id)

    def revert(self) -> None:
        self.circuit.restore(self.record)


class AddWireCommand(ModelCommand):
    """Add a wire (check it first with ``Circuit.check_wire``: redo must not fail)."""

    def __init__(
        self,
        circuit: Circuit,
        src: int,
        src_port: int,
        dst: int,
        dst_port: int,
        parent: QUndoCommand | None = None,
    ) -> None:
        super().__init__("Add wire", parent)
        self.circuit = circuit
        self.ends = (src, src_port, dst, dst_port)
        self.wire_id: int | None = None

    def apply(self) -> None:
        self.wire_id = self.circuit.add_wire(*self.ends, wire_id=self.wire_id)

    def revert(self) -> None:
        self.circuit.remove_wire(self.wire_id)


class RemoveWireCommand(ModelCommand):
    """Remove one wire; undo adds it back with the same id."""

    def __init__(self, circuit: Circuit, wire_id: int, parent: QUndoCommand | None = None):
        super().__init__("Delete wire", parent)
        self.circuit = circuit
        self.wire_id = wire_id
        self.wire: Wire | None = None

    def apply(self) -> None:
        self.wire = self.circuit.remove_wire(self.wire_id)

    def revert(self) -> None:
        w = self.wire
        self.circuit.add_wire(w.src, w.src_port, w.dst, w.dst_port, wire_id=w.id, bend=w.bend)


class BendWireCommand(ModelCommand):
    """Move a wire's vertical run (its bend point) to x, or back to automatic (None)."""

    def __init__(self, circuit: Circuit, wire_id: int, bend, parent=None) -> None:
        super().__init__("Move wire bend", parent)
        self.circuit, self.wire_id, self.bend = circuit, wire_id, bend
        self.old = None

    def apply(self) -> None:
        self.old = self.circuit.set_bend(self.wire_id, self.bend)

    def revert(self) -> None:
        self.circuit.set_bend(self.wire_id, self.old)


class MoveNodesCommand(ModelCommand):
    """Move several nodes at once: one command per drag, pushed when the mouse is released."""

    def __init__(
        self,
        circuit: Circuit,
        moves: Mapping[int, tuple[Pos, Pos]],
        parent: QUndoCommand | None = None,
    ) -> None:
        n = len(moves)
        super().__init__(f"Move {n} item{'s' if n != 1 else ''}", parent)
        self.circuit = circuit
        self.moves = dict(moves)  # node id -> (old position, new position)

    def apply(self) -> None:
        for nid, (_, new) in self.moves.items():
            self.circuit.move_node(nid, new)

    def revert(self) -> None:
        for nid, (old, _) in self.moves.items():
            if nid in self.circuit.nodes:  # (rollback after a refused move)
                self.circuit.move_node(nid, old)

    def rollback(self) -> None:
        self.revert()


class RenameCommand(ModelCommand):
    """Rename an input or output terminal."""

    def __init__(
        self, circuit: Circuit, node_id: int, name: str, parent: QUndoCommand | None = None
    ) -> None:
        super().__init__(f"Rename to {name}", parent)
        self.circuit = circuit
        self.node_id = node_id
        self.new_name = name
        self.old_name: str | None = None

    def apply(self) -> None:
        self.old_name = self.circuit.rename(self.node_id, self.new_name)

    def revert(self) -> None:
        self.circuit.rename(self.node_id, self.old_name)


class LookCommand(ModelCommand):
    """Turn, mirror or label one part (its logic is unchanged)."""

    def __init__(
        self,
        circuit: Circuit,
        node_id: int,
        text: str,
        rotation: int | None = None,
        flip: bool | None = None,
        label: str | None = None,
        parent: QUndoCommand | None = None,
    ) -> None:
        super().__init__(text, parent)
        self.circuit = circuit
        self.node_id = node_id
        self.new = (rotation, flip, label)
        self.old: tuple[int, bool, str] | None = None

    def apply(self) -> None:
        self.old = self.circuit.set_look(self.node_id, *self.new)

    def revert(self) -> None:
        self.circuit.set_look(self.node_id, *self.old)


class AddNoteCommand(ModelCommand):
    def __init__(self, circuit: Circuit, text: str, pos, parent: QUndoCommand | None = None):
        super().__init__("Add note", parent)
        self.circuit, self.text, self.pos = circuit, text, pos
        self.note_id: int | None = None

    def apply(self) -> None:
        self.note_id = self.circuit.add_note(self.text, self.pos, self.note_id)

    def revert(self) -> None:
        self.circuit.remove_note(self.note_id)


class RemoveNoteCommand(ModelCommand):
    def __init__(self, circuit: Circuit, note_id: int, parent: QUndoCommand | None = None):
        super().__init__("Delete note", parent)
        self.circuit, self.note_id = circuit, note_id
        self.note = None

    def apply(self) -> None:
        self.note = self.circuit.remove_note(self.note_id)

    def revert(self) -> None:
        self.circuit.add_note(self.note.text, self.note.pos, self.note.id)


class EditNoteCommand(ModelCommand):
    """Change a note's text or move it."""

    def __init__(self, circuit: Circuit, note_id: int, text=None, pos=None, parent=None) -> None:
        super().__init__("Edit note" if text is not None else "Move note", parent)
        self.circuit, self.note_id, self.text, self.pos = circuit, note_id, text, pos
        self.old = None

    def apply(self) -> None:
        self.old = self.circuit.set_note(self.note_id, self.text, self.pos)

    def revert(self) -> None:
        self.circuit.set_note(self.note_id, self.old.text, self.old.pos)


class MacroCommand(ModelCommand):
    """Several commands as one undo step, run in order and undone in reverse.

    The children are kept in a Python list rather than as Qt child commands: PySide can drop
    the Python side of a child command created with a parent, which crashed on push. If a
    child is refused, the children already done are undone and the whole step is dropped.
    """

    def __init__(self, text: str, children: list[ModelCommand] | None = None) -> None:
        super().__init__(text)
        self.children_list: list[ModelCommand] = list(children or [])
        self._done = 0

    def add(self, cmd: ModelCommand) -> ModelCommand:
        """Append a child command and return it."""
        self.children_list.append(cmd)
        return cmd

    def apply(self) -> None:
        self._done = 0
        for cmd in self.children_list:
            cmd.apply()
            self._done += 1

    def rollback(self) -> None:
        failed = self.children_list[self._done] if self._done < len(self.children_list) else None
        if failed is not None:
            failed.rollback()
        for cmd in reversed(self.children_list[: self._done]):
            cmd.revert()

    def revert(self) -> None:
        for cmd in reversed(self.children_list):
            cmd.revert()


class PasteCommand(ModelCommand):
    """Add a fragment (nodes, the wires between them, the blocks they use) in one step.

    ``fragment`` is a dict as written by :func:`nnviz.ui.circuit.scene.copy_fragment`:
    ``nodes`` (old id, kind, pos, name, block), ``wires`` between old ids, ``blocks`` by name.
    Terminal names already in use are replaced by free defaults.
    """

    def __init__(
        self,
        circuit: Circuit,
        fragment: Mapping,
        offset: Pos,
        parent: QUndoCommand | None = None,
    ) -> None:
        n = len(fragment["nodes"])
        super().__init__(f"Paste {n} item{'s' if n != 1 else ''}", parent)
        self.circuit = circuit
        self.fragment = fragment
        self.offset = offset
        self.node_ids: dict[int, int] = {}  # old id -> new id, filled on the first redo
        self.names: dict[int, str] = {}
        self.wire_ids: list[int | None] = [None] * len(fragment["wires"])
        self.defined: list[str] = []

    def apply(self) -> None:
        c = self.circuit
        self._added: list[int] = []
        for bname, definition in self.fragment["blocks"].items():
            if bname not in c.blocks:
                c.define_block(bname, definition)
                self.defined.append(bname)
        for nd in self.fragment["nodes"]:
            old = nd["id"]
            name = None
            if nd["kind"] in ("input", "output"):
                name = self.names.get(old)
                if name is None:
                    wanted = nd.get("name")
                    name = wanted if wanted and c.find_terminal(wanted) is None else None
            x, y = nd["pos"]
            new = c.add_node(
                nd["kind"],
                (x + self.offset[0], y + self.offset[1]),
                name=name,
                block=nd.get("block"),
                node_id=self.node_ids.get(old),
            )
            self.node_ids[old] = new
            self._added.append(new)
            if nd.get("label") or nd.get("rotation") or nd.get("flip"):
                c.set_look(new, nd.get("rotation", 0), bool(nd.get("flip")), nd.get("label", ""))
            if nd["kind"] in ("input", "output"):
                self.names[old] = c.node(new).name
        for k, (src, sp, dst, dp) in enumerate(self.fragment["wires"]):
            self.wire_ids[k] = c.add_wire(
                self.node_ids[src], sp, self.node_ids[dst], dp, wire_id=self.wire_ids[k]
            )

    def revert(self) -> None:
        self._added = list(self.node_ids.values())
        self.rollback()

    def rollback(self) -> None:
        c = self.circuit
        for new in reversed(getattr(self, "_added", [])):
            if new in c.nodes:
                c.remove_node(new)  # takes its wires with it
        for bname in reversed(self.defined):
            c.undefine_block(bname)
        self.defined = []

    def new_ids(self) -> list[int]:
        """Ids of the pasted nodes (after redo)."""
        return list(self.node_ids.values())


class ReplaceContentsCommand(ModelCommand):
    """Put another circuit in the place of the whole one (starting a level), undoably."""

    def __init__(self, circuit: Circuit, new: Circuit, text: str) -> None:
        super().__init__(text)
        self.circuit = circuit
        self.old = circuit.copy()
        self.new = new.copy()

    def apply(self) -> None:
        self.circuit.replace_contents(self.new)

    def revert(self) -> None:
        self.circuit.replace_contents(self.old)
