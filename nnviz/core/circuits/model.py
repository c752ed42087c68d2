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

import os
from collections.abc import Iterable, Mapping
from typing import Any, Self

import numpy as np

from nnviz.core.circuits.edits import EditableCircuit
from nnviz.core.circuits.graph import CircuitGraph
from nnviz.core.circuits.parts import (
    FORMAT,
    KINDS,
    MAX_BLOCK_DEPTH,
    MAX_COORD,
    MAX_DRAWN_PARTS,
    MAX_EXPANDED_GATES,
    MAX_FILE_BYTES,
    MAX_LABEL,
    MAX_NOTE,
    MAX_NOTES,
    MAX_PERCEPTRON_GATES,
    MAX_TABLE_INPUTS,
    VERSION,
    CircuitError,
    Listener,
    LoopError,
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
from nnviz.core.circuits.serialize import (
    circuit_from_dict,
    circuit_to_dict,
    read_circuit_json,
    write_circuit_json,
)
from nnviz.core.circuits.tables import (
    all_input_rows,
    table_to_csv,
    table_to_markdown,
    table_to_text,
)

# The model's names, as its users import them (the pieces live in parts and tables).
__all__ = [
    "FORMAT",
    "KINDS",
    "MAX_BLOCK_DEPTH",
    "MAX_COORD",
    "MAX_DRAWN_PARTS",
    "MAX_EXPANDED_GATES",
    "MAX_FILE_BYTES",
    "MAX_LABEL",
    "MAX_NOTE",
    "MAX_NOTES",
    "MAX_PERCEPTRON_GATES",
    "MAX_TABLE_INPUTS",
    "VERSION",
    "Circuit",
    "CircuitError",
    "CircuitGraph",
    "EditableCircuit",
    "Listener",
    "LoopError",
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


class Circuit(EditableCircuit):
    """A feedforward circuit of NAND gates and blocks between named inputs and outputs.

    The graph and its queries come from :class:`CircuitGraph`, the edits from
    :class:`EditableCircuit`; this class adds block definitions, simulation and files.
    """

    def define_block(self, name: str, definition: Circuit) -> None:
        """Store a copy of ``definition`` as block ``name`` so block nodes can use it.

        The definition needs at least one output. Redefining a name that no node uses is
        allowed; redefining one in use is refused (the ports could change under the wires).
        """
        validate_block_name(name)
        if not isinstance(definition, CircuitGraph):
            raise CircuitError("a block definition must be a Circuit")
        if not definition.output_ids():
            raise CircuitError(f"block '{name}' has no outputs; add an output terminal first")
        if name in self._blocks and self._block_users(name):
            raise CircuitError(
                f"block '{name}' is used by nodes {self._block_users(name)}; "
                "remove them or pick another name"
            )
        self.adopt_block(name, definition.copy())

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
                inner = self.definition(nid)
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
        names, ids = self.output_names(), self.output_ids()
        return {name: int(values[(o, 0)]) for name, o in zip(names, ids, strict=True)}

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

    def copy(self) -> Self:
        """An independent deep copy (listeners are not copied)."""
        return type(self).from_dict(self.to_dict())

    def replace_contents(self, other: Self) -> None:
        """Make this circuit a copy of ``other`` in place (keeps listeners); emits "changed"."""
        fresh = other.copy()
        self.name, self.description = fresh.name, fresh.description
        self._nodes, self._wires, self._blocks = fresh._nodes, fresh._wires, fresh._blocks
        self._into = fresh._into
        self._out = fresh._out
        self._notes = fresh._notes
        self._next_node_id, self._next_wire_id = fresh._next_node_id, fresh._next_wire_id
        self._emit("changed", None)

    # -- files ---------------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (nodes and wires sorted by id, blocks embedded by value)."""
        return circuit_to_dict(self)

    @classmethod
    def from_dict(cls, data: object, where: str = "circuit", depth: int = 0) -> Self:
        """Rebuild a circuit from :meth:`to_dict` output; CircuitError says what and where."""
        return circuit_from_dict(cls, data, where, depth)

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the circuit as JSON atomically (temporary file, then rename over ``path``).

        A failed write (OSError) leaves any existing file at ``path`` untouched.
        """
        write_circuit_json(self, path)

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> Self:
        """Read nnviz's circuit JSON; any problem becomes a CircuitError naming the file.
        (Files of any kind by extension: ``nnviz.core.circuits.formats.load_circuit``.)"""
        checked, data = read_circuit_json(path)
        try:
            return cls.from_dict(data, where=str(checked))
        except RecursionError:
            raise CircuitError(f"{checked}: blocks are nested too deeply") from None


def canvas_problem(circuit: Circuit) -> str | None:
    """Why the app's circuit canvas will not open ``circuit`` (too many parts to draw), or
    None. The app and ``nnviz open --check`` both ask, so they agree."""
    n = len(circuit.nodes)
    if n <= MAX_DRAWN_PARTS:
        return None
    return (
        f"it has {n:,} parts; the circuit canvas draws circuits of up to {MAX_DRAWN_PARTS:,} "
        "(nnviz circuit info and nnviz circuit table read it from the command line)"
    )


def perceptron_problem(circuit: Circuit) -> str | None:
    """Why the perceptron views will not draw ``circuit`` (it expands to too many gates)."""
    n = circuit.nand_count()
    if n <= MAX_PERCEPTRON_GATES:
        return None
    return (
        f"This circuit expands to {n:,} NAND gates; the perceptron views draw circuits of up "
        f"to {MAX_PERCEPTRON_GATES:,}. The Gates page and its truth table work on it all."
    )


def make_block_definition(circuit: Circuit, name: str) -> Circuit:
    """A copy of ``circuit`` named ``name``, checked usable as a block (has an output)."""
    validate_block_name(name)
    if not circuit.output_ids():
        raise CircuitError(f"'{name}' has no outputs, so it cannot be used as a block")
    definition = circuit.copy()
    definition.name = name
    return definition


def nand_chain(n: int, per_row: int = 100, name: str = "chain") -> Circuit:
    """``n`` NAND gates in a chain, each fed by the one before it and by a shared input
    ``a``, laid out ``per_row`` to a row, with an output ``y``: the circuit that benchmarks
    and tests scale on (its layered network has ``n - 1`` relay layers)."""
    c = Circuit(name=name)
    a = prev = c.add_node("input", (0, 0), name="a")
    for k in range(n):
        g = c.add_node("nand", (100 + 120 * (k % per_row), 80 * (k // per_row)))
        c.add_wire(prev, 0, g, 0)
        c.add_wire(a, 0, g, 1)
        prev = g
    c.add_wire(prev, 0, c.add_node("output", (100 + 120 * per_row, 0), name="y"), 0)
    return c


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
    y_out = spread([yo if (yo := src_y(src)) is not None else 0.0 for _, src in outputs])

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
