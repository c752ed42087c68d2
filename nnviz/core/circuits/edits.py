"""Edits of a circuit, each one an undo command can invert exactly (see
:mod:`nnviz.core.circuits.model` for the events they send)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import replace
from typing import Any, Self

from nnviz.core.circuits.graph import CircuitGraph
from nnviz.core.circuits.parts import (
    KINDS,
    MAX_NOTES,
    CircuitError,
    LoopError,
    Node,
    Note,
    RemovedNode,
    Wire,
    as_pos,
    check_bend,
    check_label,
    check_note,
    check_rotation,
    validate_terminal_name,
)


class EditableCircuit(CircuitGraph):
    """A circuit graph with its edits: nodes, wires, notes, looks and block definitions."""

    def add_note(self, text: str, pos: object = (0.0, 0.0), note_id: int | None = None) -> int:
        """Put a text note on the canvas; return its id (pass ``note_id`` for undo)."""
        if note_id is None:
            note_id = max(self._notes, default=0) + 1
        if note_id in self._notes:
            raise CircuitError(f"note id {note_id} is already in use")
        if len(self._notes) >= MAX_NOTES:
            raise CircuitError(f"a circuit holds at most {MAX_NOTES} notes")
        self._notes[note_id] = Note(note_id, as_pos(pos), check_note(text))
        self._emit("note_added", note_id)
        return note_id

    def remove_note(self, note_id: int) -> Note:
        note = self._notes.pop(note_id)
        self._emit("note_removed", note_id)
        return note

    def set_note(self, note_id: int, text: str | None = None, pos: object = None) -> Note:
        """Change a note's text or place; return the old note (for undo)."""
        old = self._notes[note_id]
        self._notes[note_id] = replace(
            old,
            text=old.text if text is None else check_note(text),
            pos=old.pos if pos is None else as_pos(pos),
        )
        self._emit("note_changed", note_id)
        return old

    def set_look(
        self,
        node_id: int,
        rotation: int | None = None,
        flip: bool | None = None,
        label: str | None = None,
    ) -> tuple[int, bool, str]:
        """Turn, mirror or label a part (drawing only: the logic does not change); return
        the old (rotation, flip, label) for undo."""
        n = self.node(node_id)
        new = replace(
            n,
            rotation=n.rotation if rotation is None else check_rotation(rotation),
            flip=n.flip if flip is None else bool(flip),
            label=n.label if label is None else check_label(label),
        )
        self._nodes[node_id] = new
        self._emit("look_changed", node_id)
        return n.rotation, n.flip, n.label

    def _check_new_id(self, node_id: int | None, existing: Mapping[int, Any], what: str) -> None:
        if node_id is None:
            return
        if not isinstance(node_id, int) or isinstance(node_id, bool) or node_id < 1:
            raise CircuitError(f"a {what} id must be a positive whole number, got {node_id!r}")
        if node_id in existing:
            raise CircuitError(f"{what} id {node_id} is already in use")

    def _check_name_free(self, name: str, ignore: int | None = None) -> None:
        for n in self._nodes.values():
            if n.name == name and n.id != ignore:
                raise CircuitError(
                    f"the name '{name}' is already used by {self.describe(n.id)}; choose another"
                )

    def add_node(
        self,
        kind: str,
        pos: tuple[float, float] = (0.0, 0.0),
        name: str | None = None,
        block: str | None = None,
        node_id: int | None = None,
    ) -> int:
        """Add a node and return its id.

        ``name`` names an input or output (a free default is chosen when None); ``block`` is
        the definition name for a block node (it must be in ``self.blocks``). Pass
        ``node_id`` to reuse an id (undo/redo); otherwise the next free id is taken.
        """
        if kind not in KINDS:
            raise CircuitError(f"unknown node kind {kind!r}; use one of {', '.join(KINDS)}")
        self._check_new_id(node_id, self._nodes, "node")
        pos = as_pos(pos)
        if kind in ("input", "output"):
            if block is not None:
                raise CircuitError(f"an {kind} terminal takes no block name")
            name = self.default_name(kind) if name is None else validate_terminal_name(name)
            self._check_name_free(name)
        else:
            if name is not None:
                raise CircuitError(f"only inputs and outputs have names, not a {kind} node")
            if kind == "block":
                if not isinstance(block, str) or block not in self._blocks:
                    known = ", ".join(sorted(self._blocks)) or "none yet"
                    raise CircuitError(
                        f"there is no block definition {block!r} in this circuit "
                        f"(known: {known}); define it first with define_block()"
                    )
            elif block is not None:
                raise CircuitError("only block nodes take a block name")
        if node_id is None:
            node_id = self._next_node_id
        self._next_node_id = max(self._next_node_id, node_id + 1)
        self._nodes[node_id] = Node(node_id, kind, pos, name, block)
        self._emit("node_added", node_id)
        return node_id

    def remove_node(self, node_id: int) -> RemovedNode:
        """Remove a node and its wires; return a record that :meth:`restore` puts back."""
        node = self.node(node_id)
        wires = tuple(self._wires[w] for w in self.wires_of(node_id))
        for w in wires:
            self.remove_wire(w.id)
        del self._nodes[node_id]
        self._out.pop(node_id, None)
        self._emit("node_removed", node_id)
        return RemovedNode(node, wires)

    def restore(self, record: RemovedNode) -> None:
        """Undo :meth:`remove_node`: the same node (same id) and its wires (same ids)."""
        n = record.node
        self.add_node(n.kind, n.pos, name=n.name, block=n.block, node_id=n.id)
        if n.rotation or n.flip or n.label:
            self.set_look(n.id, n.rotation, n.flip, n.label)
        for w in record.wires:
            self.add_wire(w.src, w.src_port, w.dst, w.dst_port, wire_id=w.id, bend=w.bend)

    def move_node(self, node_id: int, pos: tuple[float, float]) -> tuple[float, float]:
        """Move a node; return its old position (for undo)."""
        n = self.node(node_id)
        self._nodes[node_id] = replace(n, pos=as_pos(pos))
        self._emit("node_moved", node_id)
        return n.pos

    def rename(self, node_id: int, name: str) -> str:
        """Rename an input or output terminal; return the old name (for undo)."""
        n = self.node(node_id)
        if n.kind not in ("input", "output"):
            raise CircuitError(f"only inputs and outputs have names; {self.describe(node_id)}")
        validate_terminal_name(name)
        self._check_name_free(name, ignore=node_id)
        self._nodes[node_id] = replace(n, name=name)
        self._emit("renamed", node_id)
        return n.name or ""

    def check_wire(self, src: int, src_port: int, dst: int, dst_port: int) -> None:
        """Raise CircuitError if that wire could not be added (the editor can ask first)."""
        self.node(src)
        self.node(dst)
        n_out = self.num_output_ports(src)
        if not (isinstance(src_port, int) and 0 <= src_port < n_out):
            raise CircuitError(
                f"{self.describe(src)} has no output port {src_port!r} "
                f"(it has {n_out} output port{'s' if n_out != 1 else ''})"
            )
        n_in = self.num_input_ports(dst)
        if not (isinstance(dst_port, int) and 0 <= dst_port < n_in):
            raise CircuitError(
                f"{self.describe(dst)} has no input port {dst_port!r} "
                f"(it has {n_in} input port{'s' if n_in != 1 else ''})"
            )
        taken = self._into.get((dst, dst_port))
        if taken is not None:
            raise CircuitError(
                f"input port {dst_port} of {self.describe(dst)} already has wire {taken}; "
                "remove that wire first"
            )
        if self._defer_loop_check:
            return  # loading a file: one topological pass at the end checks the whole circuit
        path = self.path(dst, src)
        if path is not None:
            loop = " -> ".join(self.describe(i) for i in [src, *path])
            raise LoopError(
                f"this wire would make a loop: {loop}; a circuit must be feedforward",
                [src, *path],
            )

    def add_wire(
        self,
        src: int,
        src_port: int,
        dst: int,
        dst_port: int,
        wire_id: int | None = None,
        bend: float | None = None,
    ) -> int:
        """Wire output ``src_port`` of ``src`` to input ``dst_port`` of ``dst``; return its id.

        Raises CircuitError if a node or port does not exist, the input port already has a
        wire, or the wire would close a loop.
        """
        self._check_new_id(wire_id, self._wires, "wire")
        self.check_wire(src, src_port, dst, dst_port)
        if wire_id is None:
            wire_id = self._next_wire_id
        self._next_wire_id = max(self._next_wire_id, wire_id + 1)
        self._wires[wire_id] = Wire(wire_id, src, src_port, dst, dst_port, check_bend(bend))
        self._into[(dst, dst_port)] = wire_id
        self._out.setdefault(src, set()).add(wire_id)
        self._emit("wire_added", wire_id)
        return wire_id

    def set_bend(self, wire_id: int, bend: float | None) -> float | None:
        """Route a wire's vertical run at x = ``bend`` (None: automatic); return the old one.
        Drawing only: the logic is unchanged."""
        w = self.wire(wire_id)
        self._wires[wire_id] = replace(w, bend=check_bend(bend))
        self._emit("wire_changed", wire_id)
        return w.bend

    def remove_wire(self, wire_id: int) -> Wire:
        """Remove a wire and return it (``add_wire(*fields)`` with ``wire_id`` undoes it)."""
        w = self.wire(wire_id)
        del self._wires[wire_id]
        del self._into[(w.dst, w.dst_port)]
        self._out[w.src].discard(wire_id)
        self._emit("wire_removed", wire_id)
        return w

    def adopt_block(self, name: str, definition: Self) -> None:
        """Store ``definition`` itself (no copy, no checks) as block ``name``.

        For readers that build each nested definition once: copying at every level made
        loading exponential in the nesting depth. Editors use ``define_block``."""
        definition.name = name
        self._blocks[name] = definition
        self._emit("block_defined", name)

    def undefine_block(self, name: str) -> Self:
        """Remove an unused block definition and return it."""
        if name not in self._blocks:
            raise CircuitError(f"there is no block definition {name!r}")
        users = self._block_users(name)
        if users:
            raise CircuitError(f"block '{name}' is still used by nodes {users}; remove them first")
        definition = self._blocks.pop(name)
        self._emit("block_undefined", name)
        return definition

    def _block_users(self, name: str) -> list[int]:
        return sorted(n.id for n in self._nodes.values() if n.kind == "block" and n.block == name)

    @contextmanager
    def deferred_loop_check(self) -> Iterator[None]:
        """Add many wires without checking each for a loop; the caller checks the whole
        circuit once afterwards with :meth:`find_loop` (a file's wires: linear, not
        quadratic)."""
        self._defer_loop_check = True
        try:
            yield
        finally:
            self._defer_loop_check = False

    def reserve_ids(self, next_node_id: object, next_wire_id: object, where: str) -> None:
        """Take a file's id counters: ids below them are never handed out again."""
        for key, value, current in (
            ("next_node_id", next_node_id, self._next_node_id),
            ("next_wire_id", next_wire_id, self._next_wire_id),
        ):
            if not isinstance(value, int) or isinstance(value, bool) or value < current:
                raise CircuitError(
                    f'{where}: "{key}" must be a whole number above every id in use '
                    f"(at least {current}), got {value!r}"
                )
        assert isinstance(next_node_id, int) and isinstance(next_wire_id, int)
        self._next_node_id, self._next_wire_id = next_node_id, next_wire_id
