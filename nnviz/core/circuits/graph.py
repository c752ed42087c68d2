"""The graph under a circuit: its nodes, wires, block definitions and notes, read access,
the questions an editor asks of it (ports, wires of a node, paths, loops) and its listeners.

Edits live one layer up (:mod:`nnviz.core.circuits.edits`), simulation and files in
:class:`nnviz.core.circuits.model.Circuit`; see that module for the model as a whole.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any, Self

from nnviz.core.circuits.parts import CircuitError, Listener, Node, Note, Wire


class CircuitGraph:
    """Nodes, wires, block definitions and notes with stable ids, and queries over them."""

    def __init__(self, name: str = "circuit", description: str = "") -> None:
        self.name = name
        self.description = description
        self._nodes: dict[int, Node] = {}
        self._wires: dict[int, Wire] = {}
        self._blocks: dict[str, Self] = {}
        self._next_node_id = 1
        self._next_wire_id = 1
        self._notes: dict[int, Note] = {}
        self._listeners: list[Listener] = []
        # Wire id feeding each (dst, dst_port); keeps "one wire per input port" O(1).
        self._into: dict[tuple[int, int], int] = {}
        # Wire ids leaving each node: paths and a node's wires without scanning every wire.
        self._out: dict[int, set[int]] = {}
        self._defer_loop_check = (
            False  # set while a file's wires are added (see deferred_loop_check)
        )

    @property
    def nodes(self) -> Mapping[int, Node]:
        """Read-only view of the nodes by id."""
        return MappingProxyType(self._nodes)

    @property
    def wires(self) -> Mapping[int, Wire]:
        """Read-only view of the wires by id."""
        return MappingProxyType(self._wires)

    @property
    def blocks(self) -> Mapping[str, Self]:
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

    def definition(self, node_id: int) -> Self:
        """The block definition a block node uses; CircuitError for any other node."""
        block = self.node(node_id).block
        if block is None:
            raise CircuitError(f"{self.describe(node_id)} is not a block")
        return self._blocks[block]

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

    @property
    def notes(self) -> Mapping[int, Note]:
        return MappingProxyType(self._notes)

    def gate_numbers(self) -> dict[int, int]:
        """Every NAND gate's number (see :meth:`gate_number`), all at once: linear time, for
        naming every gate of a big circuit."""
        return {nid: k + 1 for k, nid in enumerate(self._ids_of_kind("nand"))}

    def gate_number(self, node_id: int) -> int:
        """1 for the first NAND gate (by id), 2 for the next...: how unlabelled gates are
        named on the canvas and in messages."""
        return self._ids_of_kind("nand").index(node_id) + 1

    def block_number(self, node_id: int) -> int:
        """1 for the first use of this node's block definition (by id), 2 for the next..."""
        block = self.node(node_id).block
        same = [i for i in self._ids_of_kind("block") if self._nodes[i].block == block]
        return same.index(node_id) + 1

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
        return [self._nodes[i].name or "" for i in self.input_ids()]

    def output_names(self) -> list[str]:
        """Output names in order."""
        return [self._nodes[i].name or "" for i in self.output_ids()]

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
            return self.definition(node_id).input_names()
        return []

    def output_port_names(self, node_id: int) -> list[str]:
        """Names of a node's output ports (a block's are its definition's output names)."""
        n = self.node(node_id)
        if n.kind in ("nand", "input"):
            return ["out"]
        if n.kind == "block":
            return self.definition(node_id).output_names()
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
        into = {
            wid
            for port in range(self.num_input_ports(node_id) if node_id in self._nodes else 0)
            if (wid := self._into.get((node_id, port))) is not None
        }
        return sorted(self._out.get(node_id, set()) | into)

    def wires_from(self, node_id: int, port: int | None = None) -> list[int]:
        """Ids of wires leaving the node (optionally one output port only), sorted."""
        return sorted(
            wid
            for wid in self._out.get(node_id, ())
            if port is None or self._wires[wid].src_port == port
        )

    def nand_count(self, _memo: dict[int, int] | None = None) -> int:
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
                    total += self.definition(n.id).nand_count(memo)
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

    def default_name(self, kind: str) -> str:
        """A free terminal name: x1, x2, ... for inputs and y1, y2, ... for outputs."""
        prefix = "x" if kind == "input" else "y"
        used = {n.name for n in self._nodes.values()}
        k = 1
        while f"{prefix}{k}" in used:
            k += 1
        return f"{prefix}{k}"

    def find_loop(self) -> list[int] | None:
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
        seen = {start}
        todo = [start]
        while todo:
            for nxt in self._neighbours(todo.pop(), forward):
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        return seen

    def _neighbours(self, node_id: int, forward: bool) -> list[int]:
        """The nodes one wire away, downstream (``forward``) or upstream."""
        if forward:
            return [self._wires[wid].dst for wid in self._out.get(node_id, ())]
        return [
            self._wires[wid].src
            for port in range(self.num_input_ports(node_id) if node_id in self._nodes else 0)
            if (wid := self._into.get((node_id, port))) is not None
        ]

    def path(self, start: int, goal: int) -> list[int] | None:
        """Nodes on a wire path start -> ... -> goal (inclusive), or None if there is none."""
        if start == goal:
            return [start]
        prev: dict[int, int] = {start: start}
        todo = [start]
        while todo:
            cur = todo.pop()
            for nxt in self._neighbours(cur, forward=True):
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

    def topological_order(self) -> list[int]:
        """Node ids so every wire goes from an earlier node to a later one (ties by id)."""
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
