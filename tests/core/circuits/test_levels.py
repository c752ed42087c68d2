"""Levels: shipped solutions pass, wrong circuits fail on the right row, blocks unlock."""

from __future__ import annotations

import itertools

import pytest

from nnviz.core.circuits.levels import LEVELS, check_level, get_level, reorder_terminals
from nnviz.core.circuits.model import Circuit, CircuitError, build_nand_circuit
from nnviz.paths import SHIPPED_DATA

SHIPPED = {
    "xor": "xor",
    "half_adder": "half_adder",
    "full_adder": "full_adder",
    "adder2": "adder2",
    "adder4": "adder4",
}


@pytest.mark.parametrize("level, filename", SHIPPED.items())
def test_shipped_circuits_pass_their_levels(level, filename):
    c = Circuit.load(SHIPPED_DATA / "circuits" / f"{filename}.json")
    result = check_level(level, c)
    assert result.passed, result.message
    assert result.failing_row is None
    assert result.nand_count == c.nand_count() == result.best


@pytest.mark.parametrize(
    "level, gates, out",
    [
        ("not", [("x", "x")], 0),
        ("and", [("x1", "x2"), (0, 0)], 1),
        ("or", [("x1", "x1"), ("x2", "x2"), (0, 1)], 2),
    ],
)
def test_small_gates_pass_with_the_best_count(level, gates, out):
    lv = get_level(level)
    c = build_nand_circuit(lv.inputs, gates, [("y", out)])
    result = lv.check(c)
    assert result.passed, result.message
    assert result.nand_count == lv.best == len(gates)


def test_targets_match_their_descriptions():
    assert [r[1] for r in get_level("xor").expected_table().rows] == [(0,), (1,), (1,), (0,)]
    for row, (s, cout) in get_level("full_adder").expected_table().rows:
        assert 2 * cout + s == sum(row)
    assert len(get_level("adder4").expected_table().rows) == 256
    assert [lv.best for lv in LEVELS] == [1, 2, 3, 4, 5, 9, 14, 32]


def test_wrong_circuit_fails_on_its_first_wrong_row():
    lv = get_level("half adder")
    # sum and carry swapped: the first row where they differ is x1=0, x2=1.
    gates = [("x1", "x2"), ("x1", 0), ("x2", 0), (1, 2), (0, 0)]
    c = build_nand_circuit(["x1", "x2"], gates, [("sum", 4), ("carry", 3)])
    result = lv.check(c)
    assert not result.passed
    first_wrong = next(
        (ins, want)
        for ins, want in lv.expected_table().rows
        if tuple(c.evaluate(dict(zip(lv.inputs, ins, strict=True))).values()) != want
    )
    assert result.failing_row[:2] == first_wrong
    assert result.failing_row == ((0, 1), (1, 0), (0, 1))
    assert "x1=0, x2=1" in result.message and "sum=1, carry=0" in result.message


def test_input_order_of_the_circuit_does_not_matter():
    # Same full adder, but cin created first so it is the circuit's first input.
    gates = [("a", "b"), ("a", 0), ("b", 0), (1, 2), (3, "cin"), (3, 4), ("cin", 4), (5, 6), (4, 0)]
    c = build_nand_circuit(["cin", "b", "a"], gates, [("cout", 8), ("sum", 7)])
    assert c.input_names() == ["cin", "b", "a"]
    assert check_level("full adder", c).passed


def test_missing_terminals_are_named():
    lv = get_level("full_adder")
    c = build_nand_circuit(["a", "b", "z"], [("a", "b")], [("sum", 0)])
    result = lv.check(c)
    assert not result.passed and result.failing_row is None
    assert "cin" in result.message and "z" in result.message and "cout" in result.message


def test_unknown_level_lists_the_choices():
    with pytest.raises(CircuitError, match="choose one of not, and, or"):
        get_level("nor")
    assert get_level("4-bit adder").key == "adder4"
    assert get_level("Full-Adder").key == "full_adder"


def test_unlock_makes_a_block_with_the_levels_port_order():
    gates = [("a", "b"), ("a", 0), ("b", 0), (1, 2), (3, "cin"), (3, 4), ("cin", 4), (5, 6), (4, 0)]
    solved = build_nand_circuit(["cin", "b", "a"], gates, [("probe", 3), ("cout", 8), ("sum", 7)])
    lv = get_level("full_adder")
    block = lv.unlock(solved)
    assert block.name == "full_adder"
    assert block.input_names() == ["a", "b", "cin"]
    assert block.output_names() == ["sum", "cout"]
    for a, b, cin in itertools.product((0, 1), repeat=3):
        assert block.evaluate({"a": a, "b": b, "cin": cin}) == {
            "sum": (a + b + cin) & 1,
            "cout": (a + b + cin) >> 1,
        }
    # The block works as a component.
    outer = Circuit()
    outer.define_block(lv.block_name, block)
    nid = outer.add_node("block", block="full_adder")
    assert outer.input_port_names(nid) == ["a", "b", "cin"]
    assert outer.nand_count() == 9
    with pytest.raises(CircuitError, match="cannot unlock"):
        lv.unlock(build_nand_circuit(["a", "b", "cin"], [], [("sum", "a"), ("cout", "b")]))


def test_reorder_terminals_keeps_behaviour():
    c = Circuit.load(SHIPPED_DATA / "circuits" / "half_adder.json")
    r = reorder_terminals(c, ["x2", "x1"], ["carry", "sum"])
    assert r.input_names() == ["x2", "x1"] and r.output_names() == ["carry", "sum"]
    for x1, x2 in itertools.product((0, 1), repeat=2):
        assert r.evaluate({"x1": x1, "x2": x2}) == c.evaluate({"x1": x1, "x2": x2})


def test_starter_has_the_terminals_and_fails_cleanly():
    lv = get_level("adder2")
    c = lv.starter()
    assert c.input_names() == list(lv.inputs) and c.output_names() == list(lv.outputs)
    result = lv.check(c)
    assert not result.passed and result.failing_row is not None  # all outputs read 0
