"""Circuits as perceptron networks: every view reproduces the circuit's truth table."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nnviz.core.circuits.model import Circuit, CircuitError, all_input_rows, build_nand_circuit
from nnviz.core.circuits.perceptrons import (
    merged,
    sigmoid_outputs,
    to_layered_network,
    to_perceptron_network,
)
from nnviz.core.learning.neuron import NAND_BIAS, NAND_WEIGHTS
from nnviz.paths import SHIPPED_DATA

SHIPPED = SHIPPED_DATA / "circuits"
HALF_ADDER_GATES = [("x1", "x2"), ("x1", 0), ("x2", 0), (1, 2), (0, 0)]


def half_adder() -> Circuit:
    return build_nand_circuit(["x1", "x2"], HALF_ADDER_GATES, [("sum", 3), ("carry", 4)])


@st.composite
def nand_circuits(draw, max_inputs=4, max_gates=12, allow_unconnected=True):
    """A random feedforward NAND circuit: each gate reads inputs or earlier gates."""
    n_in = draw(st.integers(1, max_inputs))
    inputs = [f"i{k}" for k in range(n_in)]
    n_gates = draw(st.integers(0, max_gates))
    gates = []

    def source(limit):
        choices = [st.sampled_from(inputs)]
        if limit:
            choices.append(st.integers(0, limit - 1))
        if allow_unconnected:
            choices.append(st.none())
        return draw(st.one_of(*choices))

    for g in range(n_gates):
        gates.append((source(g), source(g)))
    n_out = draw(st.integers(1, 3))
    outputs = [(f"o{k}", source(n_gates)) for k in range(n_out)]
    return build_nand_circuit(inputs, gates, outputs)


@st.composite
def circuits_with_blocks(draw):
    """A random outer circuit whose parts are NANDs and blocks of a random inner circuit."""
    inner = draw(nand_circuits(max_inputs=3, max_gates=6))
    c = Circuit()
    c.define_block("inner", inner)
    n_in = draw(st.integers(1, 3))
    sources = [(c.add_node("input", name=f"i{k}"), 0) for k in range(n_in)]
    for _ in range(draw(st.integers(1, 5))):
        if draw(st.booleans()):
            nid = c.add_node("block", block="inner")
        else:
            nid = c.add_node("nand")
        for port in range(c.num_input_ports(nid)):
            if draw(st.integers(0, 5)):  # mostly wired, sometimes left open
                c.add_wire(*draw(st.sampled_from(sources)), nid, port)
        sources += [(nid, p) for p in range(c.num_output_ports(nid))]
    for k in range(draw(st.integers(1, 3))):
        oid = c.add_node("output", name=f"o{k}")
        c.add_wire(*draw(st.sampled_from(sources)), oid, 0)
    return c


def assert_all_views_agree(c: Circuit, big_c: float = 40.0) -> None:
    table = c.truth_table()
    expected = np.array([outs for _, outs in table.rows])
    bits = all_input_rows(len(table.input_names))
    net = to_perceptron_network(c)
    assert net.perceptron_count == c.nand_count()
    assert net.truth_table() == table
    assert merged(net).truth_table() == table
    layered = to_layered_network(c)
    assert layered.truth_table() == table
    for sig in (net.sigmoid_batch(bits, big_c), layered.sigmoid_batch(bits, big_c)):
        assert np.all(np.abs(sig - expected) < 1e-3)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(nand_circuits())
def test_random_nand_circuits_match_every_perceptron_view(c):
    assert_all_views_agree(c)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(circuits_with_blocks())
def test_random_circuits_with_blocks_match_every_perceptron_view(c):
    assert_all_views_agree(c)


@settings(max_examples=60, deadline=None)
@given(nand_circuits(allow_unconnected=False))
def test_layered_network_is_strictly_layered(c):
    layered = to_layered_network(c)
    sizes = layered.sizes
    assert sizes[0] == len(c.input_names()) and sizes[-1] == len(c.output_names())
    for l, (w, b) in enumerate(zip(layered.weights, layered.biases, strict=True)):
        assert w.shape == (sizes[l + 1], sizes[l])
        assert b.shape == (sizes[l + 1], 1)
    net = layered.to_network(5.0)
    assert net.sizes == sizes


def test_half_adder_perceptrons_follow_the_book():
    net = to_perceptron_network(half_adder())
    assert [u.kind for u in net.units] == ["input", "input"] + ["nand"] * 5
    assert all(u.bias == NAND_BIAS for u in net.units if u.kind == "nand")
    assert {cn.weight for cn in net.connections} == set(NAND_WEIGHTS)
    # The carry gate reads the first gate twice: two -2 connections, merged into one -4.
    first, carry = 2, 6
    assert [cn.weight for cn in net.connections if (cn.src, cn.dst) == (first, carry)] == [-2, -2]
    m = merged(net)
    assert [cn.weight for cn in m.connections if (cn.src, cn.dst) == (first, carry)] == [-4]
    assert len(m.connections) == len(net.connections) - 1


def test_sigmoid_outputs_approach_bits_as_c_grows():
    net = to_perceptron_network(half_adder())
    errors = []
    for c in (1.0, 3.0, 10.0, 30.0):
        out = sigmoid_outputs(net, {"x1": 1, "x2": 1}, c)
        errors.append(abs(out["sum"] - 0) + abs(out["carry"] - 1))
    assert errors == sorted(errors, reverse=True)
    assert errors[-1] < 1e-6
    with pytest.raises(CircuitError, match="positive"):
        sigmoid_outputs(net, {}, 0.0)


def test_relays_copy_values_and_outputs_fed_by_inputs():
    # y0 is an input passed straight through; y1 is unconnected; y2 and y3 share one gate.
    c = build_nand_circuit(
        ["a", "b"], [("a", "b"), (0, "a")], [("y0", "b"), ("y1", None), ("y2", 1), ("y3", 1)]
    )
    layered = to_layered_network(c)
    assert layered.kinds[-1] == ("relay", "const", "nand", "nand")
    assert layered.truth_table() == c.truth_table()


def test_layered_network_needs_inputs_and_outputs():
    c = Circuit()
    c.add_node("output", name="y")
    with pytest.raises(CircuitError, match="at least one input"):
        to_layered_network(c)


def test_scale_that_rounds_is_the_first_working_doubling():
    from nnviz.core.circuits.perceptrons import scale_that_rounds

    c = Circuit.load(SHIPPED / "adder4.json")
    table = c.truth_table()
    expected = np.array([outs for _, outs in table.rows])
    bits = all_input_rows(8)
    for net in (to_perceptron_network(c), to_layered_network(c)):
        scale = scale_that_rounds(net, table, start=0.25)
        assert scale is not None and scale > 0.25
        assert np.array_equal(net.sigmoid_batch(bits, scale) > 0.5, expected == 1)
        assert not np.array_equal(net.sigmoid_batch(bits, scale / 2) > 0.5, expected == 1)


def test_unit_names_are_unique_and_match_the_canvas_numbering():
    from collections import Counter
    from pathlib import Path

    from nnviz.core.circuits.model import Circuit
    from nnviz.core.circuits.perceptrons import to_perceptron_network

    root = Path(__file__).resolve().parents[3]
    adder = Circuit.load(root / "data" / "circuits" / "adder4.json")
    names = [u.label for u in to_perceptron_network(adder).units if u.kind == "nand"]
    assert len(names) == len(set(names)) == adder.nand_count()
    # Each use of a block is numbered (full_adder is used three times), and a gate inside is
    # named as on its own canvas, after the path of blocks that holds it.
    uses = Counter(adder.node(i).block for i in adder.nodes if adder.node(i).kind == "block")
    name, count = uses.most_common(1)[0]
    assert count >= 2
    for k in range(1, count + 1):
        assert any(n.startswith(f"{name}[{k}]/") for n in names)
    assert not any(n.startswith(f"{name}[{count + 1}]/") for n in names)
    assert all(n.rsplit("/", 1)[-1].startswith("NAND ") for n in names)
