"""Circuits as networks of perceptrons (section 1.1 of the book).

Every NAND gate becomes a perceptron with two weights of -2 and a bias of 3; the circuit's
inputs become the special input units that simply output the given bits. Blocks are
flattened, so a network only ever holds input units and NAND perceptrons.

Three views of the same computation, which all reproduce the circuit's truth table:

* :func:`to_perceptron_network` -- one connection per wire, so a gate fed twice by the same
  source has two parallel -2 connections;
* :func:`merged` -- parallel connections summed (two -2 become one -4, as in the book's adder);
* :func:`to_layered_network` -- a strictly layered network in the book's matrix notation,
  with identity "relay" perceptrons carrying a value across skipped layers, ready for
  :class:`nnviz.core.learning.network.Network` (and so for sigmoid neurons scaled by a constant c).

Why relays are exact: a relay has weight 2 and bias -1, so input 0 gives z = -1 (output 0)
and input 1 gives z = 1 (output 1). Every z in these networks is at least 1 away from 0,
which is also why multiplying all weights and biases by a large c makes sigmoid neurons
behave like the perceptrons.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from nnviz.core.circuits.model import Circuit, CircuitError, TruthTable, all_input_rows
from nnviz.core.learning.neuron import NAND_BIAS, NAND_WEIGHTS, sigmoid

RELAY_WEIGHT = 2.0
RELAY_BIAS = -1.0
# A lamp with nothing wired to it reads 0: a unit with no inputs and this bias.
CONST0_BIAS = -1.0


@dataclass(frozen=True)
class Unit:
    """A unit of a perceptron network.

    ``kind`` is "input" (a special input unit, no bias) or "nand" (a perceptron).
    ``origin`` is the path of node ids from the top-level circuit down to the node this unit
    stands for (block node ids first), so a view can point back at the circuit.
    """

    index: int
    kind: str
    label: str
    bias: float
    origin: tuple[int, ...]


@dataclass(frozen=True)
class Connection:
    """A weighted connection from unit ``src`` to unit ``dst``."""

    src: int
    dst: int
    weight: float


@dataclass(frozen=True)
class PerceptronNet:
    """A network of perceptrons with units in topological order (input units first).

    ``outputs[i]`` is the unit feeding output ``output_names[i]``, or None when nothing is
    wired to that output (it then reads 0).
    """

    units: tuple[Unit, ...]
    connections: tuple[Connection, ...]
    input_names: tuple[str, ...]
    output_names: tuple[str, ...]
    outputs: tuple[int | None, ...]

    @property
    def input_units(self) -> list[int]:
        """Indices of the input units, in input order."""
        return [u.index for u in self.units if u.kind == "input"]

    @property
    def perceptron_count(self) -> int:
        """How many perceptrons (one per NAND gate)."""
        return sum(u.kind == "nand" for u in self.units)

    def incoming(self) -> list[list[Connection]]:
        """Connections into each unit, by unit index."""
        into: list[list[Connection]] = [[] for _ in self.units]
        for conn in self.connections:
            into[conn.dst].append(conn)
        return into

    def _activations(self, bits: np.ndarray, c: float | None) -> list[np.ndarray]:
        """Every unit's output for input rows ``bits`` (m, n_in): step rule if c is None,
        else sigmoid neurons with every weight and bias multiplied by c."""
        bits = _check_bits(bits, len(self.input_names))
        into = self.incoming()
        acts: list[np.ndarray] = []
        inputs = iter(range(bits.shape[1]))
        for u in self.units:
            if u.kind == "input":
                acts.append(bits[:, next(inputs)].astype(np.float64))
                continue
            z = np.full(bits.shape[0], u.bias)
            for conn in into[u.index]:
                z = z + conn.weight * acts[conn.src]
            acts.append((z > 0).astype(np.float64) if c is None else sigmoid(c * z))
        return acts

    def _outputs(self, acts: list[np.ndarray], m: int) -> np.ndarray:
        cols = [acts[o] if o is not None else np.zeros(m) for o in self.outputs]
        return np.stack(cols, axis=1) if cols else np.zeros((m, 0))

    def evaluate_batch(self, bits: np.ndarray) -> np.ndarray:
        """Step-rule outputs (m, n_out) of 0/1 ints for input rows ``bits`` (m, n_in)."""
        m = np.shape(bits)[0]
        return self._outputs(self._activations(bits, None), m).astype(np.int64)

    def evaluate(self, inputs: Mapping[str, int]) -> dict[str, int]:
        """Step-rule outputs by name for input bits by name (missing inputs count as 0)."""
        row = _row_from_mapping(inputs, self.input_names)
        out = self.evaluate_batch(row[None, :])[0]
        return dict(zip(self.output_names, (int(v) for v in out), strict=True))

    def sigmoid_batch(self, bits: np.ndarray, c: float) -> np.ndarray:
        """Sigmoid outputs (m, n_out) with every weight and bias scaled by ``c`` (> 0)."""
        _check_scale(c)
        m = np.shape(bits)[0]
        return self._outputs(self._activations(bits, float(c)), m)

    def truth_table(self) -> TruthTable:
        """The step-rule truth table, in the same row order as ``Circuit.truth_table``."""
        return _table(self.input_names, self.output_names, self.evaluate_batch)


def _check_scale(c: float) -> None:
    if not np.isfinite(c) or c <= 0:
        raise CircuitError(f"the scale c must be a positive number, got {c!r}")


def _check_bits(bits: np.ndarray, n_in: int) -> np.ndarray:
    bits = np.asarray(bits)
    if bits.ndim != 2 or bits.shape[1] != n_in:
        raise CircuitError(f"expected input rows of shape (m, {n_in}), got {bits.shape}")
    if not np.isin(bits, (0, 1)).all():
        raise CircuitError("inputs must be 0 or 1")
    return bits


def _row_from_mapping(inputs: Mapping[str, int], names: tuple[str, ...]) -> np.ndarray:
    unknown = sorted(set(inputs) - set(names))
    if unknown:
        raise CircuitError(
            f"unknown input name(s) {', '.join(map(repr, unknown))}; "
            f"the inputs are {', '.join(names) or 'none'}"
        )
    return np.array([int(inputs.get(n, 0)) for n in names], dtype=np.int64)


def _table(inputs: tuple[str, ...], outputs: tuple[str, ...], fn) -> TruthTable:
    bits = all_input_rows(len(inputs))
    outs = fn(bits)
    rows = [
        (tuple(int(b) for b in r), tuple(int(o) for o in s))
        for r, s in zip(bits, outs, strict=True)
    ]
    return TruthTable(inputs, outputs, rows)


def to_perceptron_network(circuit: Circuit) -> PerceptronNet:
    """Replace every NAND (inside blocks too) by the book's perceptron (-2, -2; bias 3).

    One connection per wire; an unconnected gate input simply has no connection, which
    is the same as reading 0.
    """
    units: list[Unit] = []
    conns: list[Connection] = []
    for nid in circuit.input_ids():
        units.append(Unit(len(units), "input", circuit.node(nid).name, 0.0, (nid,)))

    def flatten(c: Circuit, given: list[int | None], path: tuple[int, ...], prefix: str):
        """Add c's gates; ``given`` are the units feeding c's inputs; return its outputs."""
        src: dict[tuple[int, int], int | None] = {}
        for nid, unit in zip(c.input_ids(), given, strict=True):
            src[(nid, 0)] = unit

        def fed(nid: int, port: int) -> int | None:
            wid = c.wire_into(nid, port)
            if wid is None:
                return None
            w = c.wire(wid)
            return src[(w.src, w.src_port)]

        outputs: list[int | None] = []
        numbers = c.gate_numbers()  # one pass: asking gate by gate made big circuits quadratic
        for nid in c.topological_order():
            node = c.node(nid)
            if node.kind == "nand":
                idx = len(units)
                # Named as the Gates canvas names it: its label, or "NAND k".
                name = f"{prefix}{node.label or f'NAND {numbers[nid]}'}"
                units.append(Unit(idx, "nand", name, NAND_BIAS, (*path, nid)))
                for port in (0, 1):
                    s = fed(nid, port)
                    if s is not None:
                        conns.append(Connection(s, idx, NAND_WEIGHTS[port]))
                src[(nid, 0)] = idx
            elif node.kind == "block":
                inner = c.blocks[node.block]
                ins = [fed(nid, p) for p in range(len(inner.input_ids()))]
                # Each use of a block is told apart: half_adder[1]/NAND 1, half_adder[2]/...
                where = node.label or f"{node.block}[{c.block_number(nid)}]"
                outs = flatten(inner, ins, (*path, nid), f"{prefix}{where}/")
                for p, unit in enumerate(outs):
                    src[(nid, p)] = unit
        for oid in c.output_ids():
            outputs.append(fed(oid, 0))
        return outputs

    top_inputs: list[int | None] = list(range(len(units)))
    outputs = flatten(circuit, top_inputs, (), "")
    return PerceptronNet(
        tuple(units),
        tuple(conns),
        tuple(circuit.input_names()),
        tuple(circuit.output_names()),
        tuple(outputs),
    )


def merged(net: PerceptronNet) -> PerceptronNet:
    """The same network with parallel connections (same source, same target) summed.

    A NAND whose two inputs come from one unit gets a single -4 connection, as in the book.
    """
    total: dict[tuple[int, int], float] = {}
    for conn in net.connections:  # dicts keep first-seen order, so the result is stable
        key = (conn.src, conn.dst)
        total[key] = total.get(key, 0.0) + conn.weight
    conns = tuple(Connection(s, d, w) for (s, d), w in total.items())
    return PerceptronNet(net.units, conns, net.input_names, net.output_names, net.outputs)


def sigmoid_outputs(net: PerceptronNet, inputs: Mapping[str, int], c: float) -> dict[str, float]:
    """Outputs by name when every perceptron becomes a sigmoid neuron with w, b scaled by c.

    As c grows the outputs approach the perceptron outputs 0 and 1.
    """
    row = _row_from_mapping(inputs, net.input_names)
    out = net.sigmoid_batch(row[None, :], c)[0]
    return dict(zip(net.output_names, (float(v) for v in out), strict=True))


@dataclass(frozen=True)
class LayeredNetwork:
    """A strictly layered perceptron network in the book's notation.

    ``weights[l]`` has shape (n_{l+1}, n_l) and ``biases[l]`` shape (n_{l+1}, 1). Layer 0 holds
    the input units in input order; the last layer holds one unit per output, in output
    order. ``labels[l][j]`` names unit j of layer l and ``kinds[l][j]`` is one of "input",
    "nand", "relay" (copies a unit of the previous layer) or "const" (always 0).
    """

    weights: tuple[np.ndarray, ...]
    biases: tuple[np.ndarray, ...]
    labels: tuple[tuple[str, ...], ...]
    kinds: tuple[tuple[str, ...], ...]
    input_names: tuple[str, ...]
    output_names: tuple[str, ...]

    @property
    def sizes(self) -> list[int]:
        """Units per layer, ``[n_0, ..., n_L]``."""
        return [len(layer) for layer in self.labels]

    def feedforward_step(self, a: np.ndarray) -> np.ndarray:
        """Step-rule output activations (n_L, m) for input columns ``a`` (n_0, m)."""
        a = np.asarray(a, dtype=np.float64)
        for w, b in zip(self.weights, self.biases, strict=True):
            a = (w @ a + b > 0).astype(np.float64)
        return a

    def evaluate_batch(self, bits: np.ndarray) -> np.ndarray:
        """Step-rule outputs (m, n_out) of 0/1 ints for input rows ``bits`` (m, n_in)."""
        bits = _check_bits(bits, len(self.input_names))
        return self.feedforward_step(bits.T).T.astype(np.int64)

    def evaluate(self, inputs: Mapping[str, int]) -> dict[str, int]:
        """Step-rule outputs by name."""
        row = _row_from_mapping(inputs, self.input_names)
        out = self.evaluate_batch(row[None, :])[0]
        return dict(zip(self.output_names, (int(v) for v in out), strict=True))

    def truth_table(self) -> TruthTable:
        """The step-rule truth table."""
        return _table(self.input_names, self.output_names, self.evaluate_batch)

    def to_network(self, c: float = 1.0):
        """Sigmoid :class:`~nnviz.core.learning.network.Network`: every weight and bias times c."""
        from nnviz.core.learning.network import Network

        _check_scale(c)
        return Network.from_params(
            [c * w for w in self.weights], [c * b for b in self.biases], dtype=np.float64
        )

    def sigmoid_batch(self, bits: np.ndarray, c: float) -> np.ndarray:
        """Sigmoid outputs (m, n_out) of the network scaled by c, for input rows (m, n_in)."""
        bits = _check_bits(bits, len(self.input_names))
        return self.to_network(c).feedforward(bits.T.astype(np.float64)).T


def to_layered_network(source: Circuit | PerceptronNet) -> LayeredNetwork:
    """Arrange a circuit's perceptrons in strict layers, relaying values across gaps.

    A perceptron's layer is the length of the longest path to it from the inputs (layer 0).
    Gates that feed no output are left out. Where a connection would skip layers, relay
    units (weight 2, bias -1) copy the value forward one layer at a time. The last layer
    has exactly one unit per output in order: the gate itself, a relay, a duplicate of a
    gate that feeds two outputs, or a constant-0 unit for an output with nothing wired.
    """
    net = merged(source if isinstance(source, PerceptronNet) else to_perceptron_network(source))
    if not net.input_names or not net.output_names:
        raise CircuitError(
            "a layered network needs at least one input and one output; add them first"
        )
    into = net.incoming()
    layer: list[int] = []
    for u in net.units:
        if u.kind == "input":
            layer.append(0)
        else:
            layer.append(1 + max((layer[cn.src] for cn in into[u.index]), default=0))
    # Keep only gates that some output depends on.
    live = [False] * len(net.units)
    stack = [o for o in net.outputs if o is not None]
    while stack:
        u = stack.pop()
        if live[u]:
            continue
        live[u] = True
        stack.extend(cn.src for cn in into[u])
    depth = max([1] + [layer[u] for u in range(len(net.units)) if live[u]])

    # Entries per layer: ("input", unit), ("nand", unit), ("relay", unit), ("const", None).
    entries: list[list[tuple[str, int | None]]] = [[] for _ in range(depth + 1)]
    where: dict[tuple[int, int], int] = {}  # (unit, layer) -> position in that layer
    for u in net.units:
        if u.kind == "input":
            where[(u.index, 0)] = len(entries[0])
            entries[0].append(("input", u.index))
    for u in net.units:
        if u.kind == "nand" and live[u.index] and layer[u.index] < depth:
            where[(u.index, layer[u.index])] = len(entries[layer[u.index]])
            entries[layer[u.index]].append(("nand", u.index))

    def at(u: int, lay: int) -> int:
        """Position of unit u's value in layer ``lay``, adding relays as needed."""
        pos = where.get((u, lay))
        if pos is None:
            if lay <= layer[u]:
                raise AssertionError("a value was requested before its layer")
            at(u, lay - 1)
            pos = len(entries[lay])
            entries[lay].append(("relay", u))
            where[(u, lay)] = pos
        return pos

    # Relays for every gate input, layer by layer, before the output layer is arranged.
    for lay in range(1, depth):
        for kind, u in list(entries[lay]):
            if kind == "nand":
                for cn in into[u]:
                    at(cn.src, lay - 1)
    final: list[tuple[str, int | None]] = []
    for o in net.outputs:
        if o is None:
            final.append(("const", None))
        elif layer[o] == depth and net.units[o].kind == "nand":
            # The gate itself, or a duplicate of it if an earlier output took it already.
            for cn in into[o]:
                at(cn.src, depth - 1)
            final.append(("nand", o))
        else:
            at(o, depth - 1)
            final.append(("relay", o))
    entries[depth] = final

    weights, biases = [], []
    for lay in range(1, depth + 1):
        n_prev, n_here = len(entries[lay - 1]), len(entries[lay])
        w = np.zeros((n_here, n_prev))
        b = np.zeros((n_here, 1))
        for j, (kind, u) in enumerate(entries[lay]):
            if kind == "nand":
                b[j, 0] = net.units[u].bias
                for cn in into[u]:
                    w[j, where[(cn.src, lay - 1)]] += cn.weight
            elif kind == "relay":
                w[j, where[(u, lay - 1)]] = RELAY_WEIGHT
                b[j, 0] = RELAY_BIAS
            else:
                b[j, 0] = CONST0_BIAS
        weights.append(w)
        biases.append(b)

    def label(kind: str, u: int | None) -> str:
        if kind == "const":
            return "0"
        name = net.units[u].label
        return f"relay {name}" if kind == "relay" else name

    labels = [[label(k, u) for k, u in layer_entries] for layer_entries in entries]
    labels[-1] = [f"{o}: {lab}" for o, lab in zip(net.output_names, labels[-1], strict=True)]
    kinds = [[k for k, _ in layer_entries] for layer_entries in entries]
    return LayeredNetwork(
        tuple(weights),
        tuple(biases),
        tuple(tuple(x) for x in labels),
        tuple(tuple(x) for x in kinds),
        net.input_names,
        net.output_names,
    )


def scale_that_rounds(
    net: PerceptronNet | LayeredNetwork,
    table: TruthTable,
    start: float = 1.0,
    limit: float = 1e6,
) -> float | None:
    """The first c in ``start, 2*start, 4*start, ...`` for which ``net`` with sigmoid
    neurons scaled by c rounds (at 0.5) to ``table`` on every row; None if none up to
    ``limit`` does. ``table`` is the circuit's truth table."""
    _check_scale(start)
    if not table.output_names:
        return float(start)
    expected = np.array([outs for _, outs in table.rows]) == 1
    bits = all_input_rows(len(table.input_names))
    c = float(start)
    while c <= limit:
        if np.array_equal(net.sigmoid_batch(bits, c) > 0.5, expected):
            return c
        c *= 2
    return None
