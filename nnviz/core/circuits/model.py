"""The logic-gate sandbox model: NAND gates, switches, lamps, reusable blocks and wires.

A :class:`Circuit` is a feedforward graph. Nodes have stable integer ids (a counter kept in
the circuit and saved in its file, never Python's ``id()``) and one of four kinds:

``"input"``   a switch terminal with a name; no input ports, one output port.
``"output"``  a lamp terminal with a name; one input port, no output ports.
``"nand"``    a NAND gate; input ports 0 and 1, output port 0.
``"block"``   a saved circuit used as a component. Its input ports are the inner circuit's
              inputs in order and its output ports the inner outputs in order. Definitions are
              kept by value in ``circuit.blocks`` (keyed by name), so a file is self-contained.

Terminals are ordered by node id: the first input is the one with the smallest id.

A wire joins ``(src node, output port)`` to ``(dst node, input port)``. An input port takes at
most one wire; an output port may feed any number. A wire that would close a loop is refused.

Every edit is a method whose effect an undo command can invert exactly:
``add_node``/``remove_node``/``restore``, ``add_wire``/``remove_wire``, ``move_node``,
``rename``. Ids can be passed back in (``node_id=``, ``wire_id=``) so undo/redo reuse them.
After each edit the circuit calls its listeners (see :meth:`Circuit.subscribe`) with one of

``("node_added", node_id)``, ``("node_removed", node_id)``, ``("wire_added", wire_id)``,
``("wire_removed", wire_id)``, ``("node_moved", node_id)``, ``("renamed", node_id)``,
``("block_defined", name)``, ``("block_undefined", name)``, ``("changed", None)``.

``"changed"`` means "anything may have changed" (sent by :meth:`Circuit.replace_contents`).
Removing a node first reports each of its wires as removed, then the node.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from types import MappingProxyType
from typing import Any

import numpy as np

from nnviz.core.circuits.parts import (
    FORMAT,
    KINDS,
    MAX_BLOCK_DEPTH,
    MAX_COORD,
    MAX_EXPANDED_GATES,
    MAX_FILE_BYTES,
    MAX_LABEL,
    MAX_NOTE,
    MAX_NOTES,
    MAX_TABLE_INPUTS,
    VERSION,
    CircuitError,
    Listener,
    Node,
    Note,
    RemovedNode,
    TruthTable,
    Wire,
    as_pos,
    check_bend,
    check_label,
    check_note,
    check_rotation,
    validate_block_name,
    validate_terminal_name,
)
from nnviz.core.circuits.tables import (
    all_input_rows,
    table_to_csv,
    table_to_markdown,
    table_to_text,
)
from nnviz.core.io.atomic import atomic_write
from nnviz.core.io.guard import JSON_HOOKS, check_regular_file, json_depth_ok

# The model's names, as its users import them (the pieces live in parts and tables).
__all__ = [
    "FORMAT",
    "KINDS",
    "MAX_BLOCK_DEPTH",
    "MAX_COORD",
    "MAX_EXPANDED_GATES",
    "MAX_FILE_BYTES",
    "MAX_LABEL",
    "MAX_NOTE",
    "MAX_NOTES",
    "MAX_TABLE_INPUTS",
    "VERSION",
    "Circuit",
    "CircuitError",
    "Listener",
    "Node",
    "Note",
    "RemovedNode",
    "TruthTable",
    "Wire",
    "all_input_rows",
    "as_pos",
    "build_nand_circuit",
    "check_bend",
    "check_label",
    "check_note",
    "check_rotation",
    "make_block_definition",
    "table_to_csv",
    "table_to_markdown",
    "table_to_text",
    "validate_block_name",
    "validate_terminal_name",
]


class Circuit:
    """A feedforward circuit of NAND gates and blocks between named inputs and outputs."""

    def __init__(self, name: str = "circuit", description: str = "") -> None:
        self.name = name
        self.description = description
        self._nodes: dict[int, Node] = {}
        self._wires: dict[int, Wire] = {}
        self._blocks: dict[str, Circuit] = {}
        self._next_node_id = 1
        self._next_wire_id = 1
        self._notes: dict[int, Note] = {}
        self._listeners: list[Listener] = []
        # Wire id feeding each (dst, dst_port); keeps "one wire per input port" O(1).
        self._into: dict[tuple[int, int], int] = {}
        self._defer_loop_check = False  # set while from_dict adds a file's wires

    # -- read access ----------------------------------------------------------------------
    @property
    def nodes(self) -> Mapping[int, Node]:
        """Read-only view of the nodes by id."""
        return MappingProxyType(self._nodes)

    @property
    def wires(self) -> Mapping[int, Wire]:
        """Read-only view of the wires by id."""
        return MappingProxyType(self._wires)

    @property
    def blocks(self) -> Mapping[str, Circuit]:
        """Read-only view of the block definitions by name (treat them as immutable)."""
        return MappingProxyType(self._blocks)

    @property
    def next_node_id(self) -> int:
        """The id the next new node gets (saved in the file so ids are never reused)."""
        return self._next_node_id

    @property
    def next_wire_id(self) -> int:
        """The id the next new wire gets."""
        return self._next_wire_id

    def node(self, node_id: int) -> Node:
        """The node with this id; CircuitError if there is none."""
        try:
            return self._nodes[node_id]
        except (KeyError, TypeError):
            raise CircuitError(f"there is no node {node_id!r} in this circuit") from None

    def wire(self, wire_id: int) -> Wire:
        """The wire with this id; CircuitError if there is none."""
        try:
            return self._wires[wire_id]
        except (KeyError, TypeError):
            raise CircuitError(f"there is no wire {wire_id!r} in this circuit") from None

    def describe(self, node_id: int) -> str:
        """How messages name a part, as the canvas shows it: ``input 'x1'``, ``NAND 'g1'``
        (its label), ``block 'half_adder'``; an unlabelled gate as ``NAND 3`` (its number in
        the circuit, counted as the canvas labels gates)."""
        n = self._nodes.get(node_id)
        if n is None:
            return f"missing node {node_id}"
        if n.kind in ("input", "output"):
            return f"{n.kind} '{n.name}'"
        what = f"block '{n.block}'" if n.kind == "block" else "NAND"
        if n.label:
            return f"{what} '{n.label}'" if n.kind != "block" else f"{what} '{n.label}'"
        if n.kind == "block":
            return what
        return f"NAND {self.gate_number(node_id)}"

    # -- notes ------------------------------------------------------------------------------
    @property
    def notes(self) -> Mapping[int, Note]:
        return MappingProxyType(self._notes)

    def add_note(self, text: str, pos=(0.0, 0.0), note_id: int | None = None) -> int:
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

    def set_note(self, note_id: int, text: str | None = None, pos=None) -> Note:
        """Change a note's text or place; return the old note (for undo)."""
        old = self._notes[note_id]
        self._notes[note_id] = replace(
            old,
            text=old.text if text is None else check_note(text),
            pos=old.pos if pos is None else as_pos(pos),
        )
        self._emit("note_changed", note_id)
        return old

    def gate_number(self, node_id: int) -> int:
        """1 for the first NAND gate (by id), 2 for the next...: how unlabelled gates are
        named on the canvas and in messages."""
        return self._ids_of_kind("nand").index(node_id) + 1

    def block_number(self, node_id: int) -> int:
        """1 for the first use of this node's block definition (by id), 2 for the next..."""
        block = self.node(node_id).block
        same = [i for i in self._ids_of_kind("block") if self._nodes[i].block == block]
        return same.index(node_id) + 1

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

    def _ids_of_kind(self, kind: str) -> list[int]:
        return sorted(i for i, n in self._nodes.items() if n.kind == kind)

    def input_ids(self) -> list[int]:
        """Input node ids in order (by id)."""
        return self._ids_of_kind("input")

    def output_ids(self) -> list[int]:
        """Output node ids in order (by id)."""
        return self._ids_of_kind("output")

    def input_names(self) -> list[str]:
        """Input names in order; the first is the most significant bit of a truth-table row."""
        return [self._nodes[i].name for i in self.input_ids()]

    def output_names(self) -> list[str]:
        """Output names in order."""
        return [self._nodes[i].name for i in self.output_ids()]

    def find_terminal(self, name: str) -> int | None:
        """Id of the input or output called ``name``, or None."""
        for n in self._nodes.values():
            if n.name == name:
                return n.id
        return None

    def input_port_names(self, node_id: int) -> list[str]:
        """Names of a node's input ports (a block's are its definition's input names)."""
        n = self.node(node_id)
        if n.kind == "nand":
            return ["a", "b"]
        if n.kind == "output":
            return ["in"]
        if n.kind == "block":
            return self._blocks[n.block].input_names()
        return []

    def output_port_names(self, node_id: int) -> list[str]:
        """Names of a node's output ports (a block's are its definition's output names)."""
        n = self.node(node_id)
        if n.kind in ("nand", "input"):
            return ["out"]
        if n.kind == "block":
            return self._blocks[n.block].output_names()
        return []

    def num_input_ports(self, node_id: int) -> int:
        """How many input ports the node has."""
        return len(self.input_port_names(node_id))

    def num_output_ports(self, node_id: int) -> int:
        """How many output ports the node has."""
        return len(self.output_port_names(node_id))

    def wire_into(self, node_id: int, port: int) -> int | None:
        """Id of the wire feeding input ``port`` of ``node_id``, or None if it is free."""
        return self._into.get((node_id, port))

    def wires_of(self, node_id: int) -> list[int]:
        """Ids of every wire touching the node, sorted."""
        return sorted(w.id for w in self._wires.values() if w.src == node_id or w.dst == node_id)

    def wires_from(self, node_id: int, port: int | None = None) -> list[int]:
        """Ids of wires leaving the node (optionally one output port only), sorted."""
        return sorted(
            w.id
            for w in self._wires.values()
            if w.src == node_id and (port is None or w.src_port == port)
        )

    def nand_count(self, _memo: dict | None = None) -> int:
        """Number of NAND gates, counting those inside blocks (recursively).

        Each definition is counted once and reused, so a block used twice at every level of
        nesting costs linear time, not exponential.
        """
        memo = {} if _memo is None else _memo
        key = id(self)
        if key not in memo:
            total = 0
            for n in self._nodes.values():
                if n.kind == "nand":
                    total += 1
                elif n.kind == "block":
                    total += self._blocks[n.block].nand_count(memo)
            memo[key] = total
        return memo[key]

    def unconnected_inputs(self) -> list[tuple[int, int]]:
        """Every ``(node_id, input_port)`` with no wire, sorted; evaluation reads them as 0."""
        free = []
        for nid in sorted(self._nodes):
            for port in range(self.num_input_ports(nid)):
                if (nid, port) not in self._into:
                    free.append((nid, port))
        return free

    # -- listeners --------------------------------------------------------------------------
    def subscribe(self, callback: Listener) -> Callable[[], None]:
        """Call ``callback(event, arg)`` after every edit; returns a function that unsubscribes."""
        self._listeners.append(callback)
        return lambda: self.unsubscribe(callback)

    def unsubscribe(self, callback: Listener) -> None:
        """Stop calling ``callback`` (no error if it was not subscribed)."""
        if callback in self._listeners:
            self._listeners.remove(callback)

    def _emit(self, event: str, arg: Any) -> None:
        for cb in list(self._listeners):  # a listener may unsubscribe while being called
            cb(event, arg)

    # -- edits: nodes -----------------------------------------------------------------------
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

    def default_name(self, kind: str) -> str:
        """A free terminal name: x1, x2, ... for inputs and y1, y2, ... for outputs."""
        prefix = "x" if kind == "input" else "y"
        used = {n.name for n in self._nodes.values()}
        k = 1
        while f"{prefix}{k}" in used:
            k += 1
        return f"{prefix}{k}"

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
        return n.name

    # -- edits: wires -------------------------------------------------------------------------
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
        path = self._path(dst, src)
        if path is not None:
            loop = " -> ".join(self.describe(i) for i in [src, *path])
            exc = CircuitError(
                f"this wire would make a loop: {loop}; a circuit must be feedforward"
            )
            exc.loop = [src, *path]  # the parts on it, for an editor to show
            raise exc

    def _find_loop(self) -> list[int] | None:
        """The nodes of one loop the wires close, in wire order, or None (Kahn, O(N + W))."""
        succ: dict[int, list[int]] = {nid: [] for nid in self._nodes}
        indegree = dict.fromkeys(self._nodes, 0)
        for w in self._wires.values():
            succ[w.src].append(w.dst)
            indegree[w.dst] += 1
        ready = [nid for nid, d in indegree.items() if d == 0]
        seen = 0
        while ready:
            nid = ready.pop()
            seen += 1
            for nxt in succ[nid]:
                indegree[nxt] -= 1
                if indegree[nxt] == 0:
                    ready.append(nxt)
        if seen == len(self._nodes):
            return None
        # Name one loop: walk backwards among the nodes left until one repeats.
        left = {nid for nid, d in indegree.items() if d > 0}
        pred = {w.dst: w.src for w in self._wires.values() if w.dst in left and w.src in left}
        cur, order = next(iter(left)), []
        while cur not in order:
            order.append(cur)
            cur = pred[cur]
        return order[order.index(cur) :][::-1]

    def reachable(self, start: int, forward: bool = True) -> set[int]:
        """``start`` and every node a wire path leads to from it (``forward``), or from which
        one leads to it. A new wire src -> dst closes a loop exactly when src is reachable
        from dst, so an editor can mark every legal target of a wire at once."""
        step: dict[int, list[int]] = {}
        for w in self._wires.values():
            a, b = (w.src, w.dst) if forward else (w.dst, w.src)
            step.setdefault(a, []).append(b)
        seen = {start}
        todo = [start]
        while todo:
            for nxt in step.get(todo.pop(), ()):
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        return seen

    def _path(self, start: int, goal: int) -> list[int] | None:
        """Nodes on a wire path start -> ... -> goal (inclusive), or None if there is none."""
        if start == goal:
            return [start]
        succ: dict[int, list[int]] = {}
        for w in self._wires.values():
            succ.setdefault(w.src, []).append(w.dst)
        prev: dict[int, int] = {start: start}
        todo = [start]
        while todo:
            cur = todo.pop()
            for nxt in succ.get(cur, ()):
                if nxt in prev:
                    continue
                prev[nxt] = cur
                if nxt == goal:
                    path = [goal]
                    while path[-1] != start:
                        path.append(prev[path[-1]])
                    return path[::-1]
                todo.append(nxt)
        return None

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
        self._emit("wire_removed", wire_id)
        return w

    # -- block definitions -------------------------------------------------------------------
    def define_block(self, name: str, definition: Circuit) -> None:
        """Store a copy of ``definition`` as block ``name`` so block nodes can use it.

        The definition needs at least one output. Redefining a name that no node uses is
        allowed; redefining one in use is refused (the ports could change under the wires).
        """
        validate_block_name(name)
        if not isinstance(definition, Circuit):
            raise CircuitError("a block definition must be a Circuit")
        if not definition.output_ids():
            raise CircuitError(f"block '{name}' has no outputs; add an output terminal first")
        if name in self._blocks and self._block_users(name):
            raise CircuitError(
                f"block '{name}' is used by nodes {self._block_users(name)}; "
                "remove them or pick another name"
            )
        self._own_block(name, definition.copy())

    def _own_block(self, name: str, definition: Circuit) -> None:
        # Takes ``definition`` itself, not a copy: from_dict builds each nested definition
        # once, where copying at every level made loading exponential in the nesting depth.
        definition.name = name
        self._blocks[name] = definition
        self._emit("block_defined", name)

    def undefine_block(self, name: str) -> Circuit:
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

    # -- evaluation -------------------------------------------------------------------------
    def topological_order(self) -> list[int]:
        """Node ids so every wire goes from an earlier node to a later one (ties by id)."""
        import heapq

        indeg = dict.fromkeys(self._nodes, 0)
        succ: dict[int, list[int]] = {}
        for w in self._wires.values():
            indeg[w.dst] += 1
            succ.setdefault(w.src, []).append(w.dst)
        ready = [i for i, d in indeg.items() if d == 0]
        heapq.heapify(ready)
        order = []
        while ready:
            cur = heapq.heappop(ready)
            order.append(cur)
            for nxt in succ.get(cur, ()):
                indeg[nxt] -= 1
                if indeg[nxt] == 0:
                    heapq.heappush(ready, nxt)
        if len(order) != len(self._nodes):  # only reachable through a corrupted model
            raise CircuitError("the circuit has a loop; a circuit must be feedforward")
        return order

    def _propagate(self, inputs: list[np.ndarray]) -> dict[tuple[int, int], np.ndarray]:
        """Values of every output port (and lamp) for input columns given in input order.

        Each value is a bool array over a batch of input combinations, so a whole truth
        table is one pass. A lamp's value is stored under ``(output node id, 0)``.
        """
        shape = inputs[0].shape if inputs else ()
        zero = np.zeros(shape, dtype=bool)
        values: dict[tuple[int, int], np.ndarray] = {}
        for nid, col in zip(self.input_ids(), inputs, strict=True):
            values[(nid, 0)] = col

        def fed(nid: int, port: int) -> np.ndarray:
            wid = self._into.get((nid, port))
            if wid is None:
                return zero  # unconnected inputs read as 0 (reported by unconnected_inputs)
            w = self._wires[wid]
            return values[(w.src, w.src_port)]

        for nid in self.topological_order():
            n = self._nodes[nid]
            if n.kind == "nand":
                values[(nid, 0)] = ~(fed(nid, 0) & fed(nid, 1))
            elif n.kind == "output":
                values[(nid, 0)] = fed(nid, 0)
            elif n.kind == "block":
                inner = self._blocks[n.block]
                ins = [fed(nid, p) for p in range(len(inner.input_ids()))]
                inner_values = inner._propagate(ins) if ins else inner._propagate_const(shape)
                for p, oid in enumerate(inner.output_ids()):
                    values[(nid, p)] = inner_values[(oid, 0)]
        return values

    def _propagate_const(self, shape: tuple[int, ...]) -> dict[tuple[int, int], np.ndarray]:
        # A block with no inputs computes constants; broadcast them to the batch shape.
        values = self._propagate([])
        return {k: np.broadcast_to(v, shape) for k, v in values.items()}

    def _input_columns(self, inputs: Mapping[str, int]) -> list[np.ndarray]:
        names = self.input_names()
        unknown = sorted(set(inputs) - set(names))
        if unknown:
            raise CircuitError(
                f"unknown input name(s) {', '.join(map(repr, unknown))}; "
                f"this circuit's inputs are {', '.join(names) or 'none'}"
            )
        cols = []
        for name in names:
            v = inputs.get(name, 0)
            if v not in (0, 1):
                raise CircuitError(f"input '{name}' must be 0 or 1, got {v!r}")
            cols.append(np.array(bool(v)))
        return cols

    def evaluate(self, inputs: Mapping[str, int]) -> dict[str, int]:
        """Output values by name for input values by name (0/1; a missing input counts as 0)."""
        values = self._propagate(self._input_columns(inputs))
        return {self._nodes[o].name: int(values[(o, 0)]) for o in self.output_ids()}

    def signal_values(self, inputs: Mapping[str, int]) -> dict[tuple[int, int], int]:
        """0/1 on every ``(node_id, output_port)``, to colour each wire by its source.

        An output terminal (a lamp) has no output port; its value is under
        ``(node_id, 0)`` too.
        """
        values = self._propagate(self._input_columns(inputs))
        return {k: int(v) for k, v in values.items()}

    def wire_values(self, inputs: Mapping[str, int]) -> dict[int, int]:
        """0/1 carried by each wire, by wire id."""
        sig = self.signal_values(inputs)
        return {w.id: sig[(w.src, w.src_port)] for w in self._wires.values()}

    def evaluate_batch(self, bits: np.ndarray) -> np.ndarray:
        """Outputs for many input rows at once: ``bits`` (m, n_inputs) of 0/1 -> (m, n_outputs)."""
        bits = np.asarray(bits)
        n_in = len(self.input_ids())
        if bits.ndim != 2 or bits.shape[1] != n_in:
            raise CircuitError(f"expected an array of shape (rows, {n_in}), got {bits.shape}")
        cols = [bits[:, k].astype(bool) for k in range(n_in)]
        values = self._propagate(cols) if cols else self._propagate_const((bits.shape[0],))
        outs = [np.broadcast_to(values[(o, 0)], (bits.shape[0],)) for o in self.output_ids()]
        if not outs:
            return np.zeros((bits.shape[0], 0), dtype=np.int64)
        return np.stack(outs, axis=1).astype(np.int64)

    def truth_table(self) -> TruthTable:
        """All 2**n input rows in binary counting order (first input = most significant bit)."""
        bits = all_input_rows(len(self.input_ids()))
        outs = self.evaluate_batch(bits)
        rows = [
            (tuple(int(b) for b in r), tuple(int(o) for o in s))
            for r, s in zip(bits, outs, strict=True)
        ]
        return TruthTable(tuple(self.input_names()), tuple(self.output_names()), rows)

    # -- whole-circuit operations -------------------------------------------------------------
    def copy(self) -> Circuit:
        """An independent deep copy (listeners are not copied)."""
        return Circuit.from_dict(self.to_dict())

    def replace_contents(self, other: Circuit) -> None:
        """Make this circuit a copy of ``other`` in place (keeps listeners); emits "changed"."""
        fresh = other.copy()
        self.name, self.description = fresh.name, fresh.description
        self._nodes, self._wires, self._blocks = fresh._nodes, fresh._wires, fresh._blocks
        self._into = fresh._into
        self._notes = fresh._notes
        self._next_node_id, self._next_wire_id = fresh._next_node_id, fresh._next_wire_id
        self._emit("changed", None)

    # -- files ---------------------------------------------------------------------------------
    def to_dict(self) -> dict:
        """A JSON-ready dict (nodes and wires sorted by id, blocks embedded by value)."""
        nodes = []
        for nid in sorted(self._nodes):
            n = self._nodes[nid]
            d: dict[str, Any] = {"id": n.id, "kind": n.kind, "x": n.pos[0], "y": n.pos[1]}
            if n.name is not None:
                d["name"] = n.name
            if n.block is not None:
                d["block"] = n.block
            if n.rotation:
                d["rotation"] = n.rotation
            if n.flip:
                d["flip"] = True
            if n.label:
                d["label"] = n.label
            nodes.append(d)
        wires = []
        for w in (self._wires[i] for i in sorted(self._wires)):
            wd: dict[str, Any] = {
                "id": w.id,
                "from": [w.src, w.src_port],
                "to": [w.dst, w.dst_port],
            }
            if w.bend is not None:
                wd["bend"] = w.bend
            wires.append(wd)
        d = {
            "format": FORMAT,
            "version": VERSION,
            "name": self.name,
            "description": self.description,
            "next_node_id": self._next_node_id,
            "next_wire_id": self._next_wire_id,
            "nodes": nodes,
            "wires": wires,
            "blocks": {k: self._blocks[k].to_dict() for k in sorted(self._blocks)},
        }
        if self._notes:  # optional: files without notes read as before, in older versions too
            d["notes"] = [
                {"id": n.id, "x": n.pos[0], "y": n.pos[1], "text": n.text}
                for n in (self._notes[i] for i in sorted(self._notes))
            ]
        return d

    @classmethod
    def from_dict(cls, data: object, where: str = "circuit", depth: int = 0) -> Circuit:
        """Rebuild a circuit from :meth:`to_dict` output; CircuitError says what and where.

        Linear in the size of the data: each nested block definition is built once, and the
        feedforward check runs once over the whole circuit instead of once per wire.
        """
        if depth > MAX_BLOCK_DEPTH:
            top = where.split(".blocks[")[0]
            raise CircuitError(
                f"{top}: blocks are nested more than {MAX_BLOCK_DEPTH} deep, more than nnviz "
                "opens; flatten some of them"
            )
        if not isinstance(data, dict):
            raise CircuitError(f"{where}: expected a JSON object, got {type(data).__name__}")
        if data.get("format") != FORMAT:
            raise CircuitError(
                f'{where}: not an nnviz circuit ("format" should be "{FORMAT}", '
                f"got {data.get('format')!r})"
            )
        version = data.get("version")
        if version != VERSION:
            raise CircuitError(
                f"{where}: unsupported circuit file version {version!r}; this nnviz reads "
                f"version {VERSION} (a newer nnviz may have written it)"
            )
        for key, typ in (("nodes", list), ("wires", list)):
            if not isinstance(data.get(key), typ):
                raise CircuitError(f'{where}: missing or malformed "{key}" (expected a list)')
        name = data.get("name", "circuit")
        description = data.get("description", "")
        if not isinstance(name, str) or not isinstance(description, str):
            raise CircuitError(f'{where}: "name" and "description" must be text')
        c = cls(name=name, description=description)
        blocks = data.get("blocks", {})
        if not isinstance(blocks, dict):
            raise CircuitError(f'{where}: "blocks" must be an object keyed by block name')
        try:
            for bname, bdata in blocks.items():
                validate_block_name(bname)
                inner = cls.from_dict(bdata, where=f"{where}.blocks[{bname!r}]", depth=depth + 1)
                if not inner.output_ids():
                    raise CircuitError(f"block '{bname}' has no outputs")
                c._own_block(bname, inner)
            for k, nd in enumerate(data["nodes"]):
                loc = f"{where}.nodes[{k}]"
                if not isinstance(nd, dict):
                    raise CircuitError(f"{loc}: expected an object")
                for key in ("id", "kind", "x", "y"):
                    if key not in nd:
                        raise CircuitError(f'{loc}: missing "{key}"')
                for key in ("x", "y"):
                    v = nd[key]
                    if not isinstance(v, int | float) or isinstance(v, bool):
                        raise CircuitError(f'{loc}: "{key}" must be a number, got {v!r}'[:200])
                    if not -MAX_COORD <= v <= MAX_COORD:
                        raise CircuitError(
                            f'{loc}: "{key}" is {v:.3g}, off the canvas (|{key}| <= {MAX_COORD:g})'
                        )
                try:
                    nid = c.add_node(
                        nd["kind"],
                        (nd["x"], nd["y"]),
                        name=nd.get("name"),
                        block=nd.get("block"),
                        node_id=nd["id"],
                    )
                    if any(k in nd for k in ("rotation", "flip", "label")):
                        flip = nd.get("flip", False)
                        if not isinstance(flip, bool):
                            raise CircuitError(f'"flip" must be true or false, got {flip!r}')
                        c.set_look(nid, nd.get("rotation", 0), flip, nd.get("label", ""))
                except CircuitError as exc:
                    raise CircuitError(f"{loc}: {exc}") from None
            c._defer_loop_check = True
            for k, wd in enumerate(data["wires"]):
                loc = f"{where}.wires[{k}]"
                if not isinstance(wd, dict):
                    raise CircuitError(f"{loc}: expected an object")
                for key in ("id", "from", "to"):
                    if key not in wd:
                        raise CircuitError(f'{loc}: missing "{key}"')
                ends = (wd["from"], wd["to"])
                if not all(isinstance(e, list) and len(e) == 2 for e in ends):
                    raise CircuitError(f'{loc}: "from" and "to" must be [node id, port] pairs')
                try:
                    c.add_wire(*wd["from"], *wd["to"], wire_id=wd["id"], bend=wd.get("bend"))
                except CircuitError as exc:
                    raise CircuitError(f"{loc}: {exc}") from None
            c._defer_loop_check = False
            loop = c._find_loop()
            if loop is not None:
                # Name the wire of the loop that comes last in the file: adding the wires in
                # file order, it is the one that closes this loop.
                hops = set(zip(loop, [*loop[1:], loop[0]]))
                ids = [wd["id"] for wd in data["wires"]]
                k = max(
                    i for i, wid in enumerate(ids) if (c._wires[wid].src, c._wires[wid].dst) in hops
                )
                w = c._wires[ids[k]]
                start = loop.index(w.dst)
                path = [*loop[start:], *loop[:start]]  # dst ... src
                names = " -> ".join(c.describe(i) for i in [w.src, *path])
                raise CircuitError(
                    f"{where}.wires[{k}]: this wire would make a loop: {names}; "
                    "a circuit must be feedforward"
                )
        except CircuitError as exc:
            if str(exc).startswith(where.split(".blocks[")[0]):
                raise  # already says where (nested definitions name their own place)
            raise CircuitError(f"{where}: {exc}") from None
        finally:
            c._defer_loop_check = False
        for key, current in (("next_node_id", c._next_node_id), ("next_wire_id", c._next_wire_id)):
            value = data.get(key, current)
            if not isinstance(value, int) or isinstance(value, bool) or value < current:
                raise CircuitError(
                    f'{where}: "{key}" must be a whole number above every id in use '
                    f"(at least {current}), got {value!r}"
                )
        if depth == 0 and c.nand_count() > MAX_EXPANDED_GATES:
            raise CircuitError(
                f"{where}: its blocks expand to {c.nand_count():,} NAND gates, more than nnviz "
                f"simulates ({MAX_EXPANDED_GATES:,})"
            )
        notes = data.get("notes", [])
        if not isinstance(notes, list):
            raise CircuitError(f'{where}: "notes" must be a list')
        for k, nd in enumerate(notes):
            loc = f"{where}.notes[{k}]"
            if not isinstance(nd, dict) or not isinstance(nd.get("id"), int):
                raise CircuitError(f'{loc}: expected an object with a whole-number "id"')
            for key in ("x", "y"):
                v = nd.get(key, 0.0)
                if isinstance(v, bool) or not isinstance(v, int | float):
                    raise CircuitError(f'{loc}: "{key}" must be a number')
                if not -MAX_COORD <= v <= MAX_COORD:
                    raise CircuitError(f'{loc}: "{key}" is off the canvas')
            try:
                c.add_note(nd.get("text", ""), (nd.get("x", 0.0), nd.get("y", 0.0)), nd["id"])
            except CircuitError as exc:
                raise CircuitError(f"{loc}: {exc}") from None
        c._next_node_id = data.get("next_node_id", c._next_node_id)
        c._next_wire_id = data.get("next_wire_id", c._next_wire_id)
        return c

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the circuit as JSON atomically (temporary file, then rename over ``path``).

        A failed write (OSError) leaves any existing file at ``path`` untouched.
        """
        text = json.dumps(self.to_dict(), indent=1) + "\n"
        with atomic_write(path) as fh:
            fh.write(text)

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> Circuit:
        """Read nnviz's circuit JSON; any problem becomes a CircuitError naming the file.
        (Files of any kind by extension: ``nnviz.core.circuits.formats.load_circuit``.)"""
        hint = "choose a circuit .json file saved by nnviz, or a Digital .dig file"
        path = check_regular_file(path, CircuitError, hint)
        if path.stat().st_size > MAX_FILE_BYTES:
            raise CircuitError(
                f"{path}: {path.stat().st_size / 1e6:.0f} MB is larger than nnviz opens "
                f"({MAX_FILE_BYTES // 10**6} MB)"
            )
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CircuitError(f"{path}: cannot read it ({exc})") from None
        if not json_depth_ok(text, 4 * MAX_BLOCK_DEPTH + 16):
            raise CircuitError(
                f"{path}: blocks are nested more than {MAX_BLOCK_DEPTH} deep, more than nnviz opens"
            )
        try:
            data = json.loads(text, **JSON_HOOKS)
        except json.JSONDecodeError as exc:
            raise CircuitError(
                f"{path}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
            ) from None
        except RecursionError:
            raise CircuitError(f"{path}: the JSON is nested too deeply to be a circuit") from None
        except ValueError as exc:  # NaN, Infinity, or a number of hundreds of digits
            raise CircuitError(f"{path}: {exc}") from None
        try:
            return cls.from_dict(data, where=str(path))
        except RecursionError:
            raise CircuitError(f"{path}: blocks are nested too deeply") from None


def make_block_definition(circuit: Circuit, name: str) -> Circuit:
    """A copy of ``circuit`` named ``name``, checked usable as a block (has an output)."""
    validate_block_name(name)
    if not circuit.output_ids():
        raise CircuitError(f"'{name}' has no outputs, so it cannot be used as a block")
    definition = circuit.copy()
    definition.name = name
    return definition


Source = str | int | None


def build_nand_circuit(
    inputs: Iterable[str],
    gates: Iterable[tuple[Source, Source]],
    outputs: Iterable[tuple[str, Source]],
    name: str = "circuit",
    spacing: float = 120.0,
) -> Circuit:
    """Build a flat NAND circuit from a compact description, laid out in tidy columns.

    ``gates`` lists NANDs as pairs of sources; ``outputs`` lists ``(name, source)``. A source
    is an input name, the index of an earlier gate (int) or None (left unconnected). Inputs
    sit in the left column, each gate one column right of its deepest source, outputs in
    the right column, ``spacing`` pixels apart.
    """
    inputs, gates, outputs = list(inputs), list(gates), list(outputs)
    depth: list[int] = []
    for g, pair in enumerate(gates):
        if len(pair) != 2:
            raise CircuitError(f"gate {g} needs exactly two sources, got {pair!r}")
        d = 1
        for src in pair:
            if isinstance(src, int) and not isinstance(src, bool):
                if not 0 <= src < g:
                    raise CircuitError(f"gate {g} may only use earlier gates, not gate {src}")
                d = max(d, depth[src] + 1)
        depth.append(d)
    last = max(depth, default=0) + 1
    for nm, src in outputs:
        if isinstance(src, int) and not isinstance(src, bool) and not 0 <= src < len(gates):
            raise CircuitError(f"output {nm!r} refers to gate {src}, which does not exist")
        if isinstance(src, str) and src not in inputs:
            raise CircuitError(f"output {nm!r} reads unknown input {src!r}")
    for g, pair in enumerate(gates):
        for src in pair:
            if isinstance(src, str) and src not in inputs:
                raise CircuitError(f"gate {g} reads unknown input {src!r}")

    # Layout: each gate or output wants the mean height of its sources; a column is then
    # pushed apart so no two nodes sit closer than ``spacing``.
    y_in = {nm: k * spacing for k, nm in enumerate(inputs)}
    y_gate: list[float] = []

    def src_y(src: Source) -> float | None:
        if src is None:
            return None
        return y_in[src] if isinstance(src, str) else y_gate[src]

    def spread(wanted: list[float]) -> list[float]:
        order = sorted(range(len(wanted)), key=lambda k: wanted[k])
        placed = list(wanted)
        floor = -np.inf
        for k in order:
            placed[k] = max(wanted[k], floor)
            floor = placed[k] + spacing
        return placed

    for col in range(1, last):
        members = [g for g, d in enumerate(depth) if d == col]
        wanted = []
        for g in members:
            ys = [y for y in map(src_y, gates[g]) if y is not None]
            # Snap to half a grid step so the editor shows tidy rows.
            half = spacing / 2
            wanted.append(round(float(np.mean(ys)) / half) * half if ys else 0.0)
        # Gates of this column must exist in y_gate before later columns read them.
        y_gate.extend([0.0] * (max(members, default=-1) + 1 - len(y_gate)))
        for g, y in zip(members, spread(wanted), strict=True):
            y_gate[g] = y
    y_out = spread([(src_y(src) if src_y(src) is not None else 0.0) for _, src in outputs])

    c = Circuit(name=name)
    ids: dict[str, int] = {}
    for nm in inputs:
        ids[nm] = c.add_node("input", (0.0, y_in[nm]), name=nm)
    gate_ids = [c.add_node("nand", (d * spacing, y_gate[g])) for g, d in enumerate(depth)]

    def src_id(src: Source) -> int | None:
        if src is None:
            return None
        return ids[src] if isinstance(src, str) else gate_ids[src]

    for g, pair in enumerate(gates):
        for port, src in enumerate(pair):
            s = src_id(src)
            if s is not None:
                c.add_wire(s, 0, gate_ids[g], port)
    for (nm, src), y in zip(outputs, y_out, strict=True):
        oid = c.add_node("output", (last * spacing, y), name=nm)
        s = src_id(src)
        if s is not None:
            c.add_wire(s, 0, oid, 0)
    return c
