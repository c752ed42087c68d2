"""The shipped example circuits in data/circuits load and compute what they claim."""

from __future__ import annotations

import importlib.util
import itertools
import json

import pytest

from nnviz.core.circuits.model import Circuit
from nnviz.core.circuits.perceptrons import to_layered_network, to_perceptron_network
from nnviz.paths import SHIPPED_DATA
from tests.conftest import ROOT

FOLDER = SHIPPED_DATA / "circuits"
NAMES = ["nand", "xor", "half_adder", "full_adder", "adder2", "adder4"]


def load(name: str) -> Circuit:
    return Circuit.load(FOLDER / f"{name}.json")


def test_half_adder_is_xor_and_and():
    c = load("half_adder")
    t = c.truth_table()
    assert t.input_names == ("x1", "x2") and t.output_names == ("sum", "carry")
    for (x1, x2), outs in t.rows:
        assert outs == (x1 ^ x2, x1 & x2)
    assert c.nand_count() == 5


def test_small_gates():
    for (x1, x2), (y,) in load("nand").truth_table().rows:
        assert y == 1 - (x1 & x2)
    xor = load("xor")
    for (x1, x2), (y,) in xor.truth_table().rows:
        assert y == x1 ^ x2
    assert xor.nand_count() == 4


def test_full_adder_adds_three_bits():
    c = load("full_adder")
    assert c.nand_count() == 9
    for (a, b, cin), (s, cout) in c.truth_table().rows:
        assert 2 * cout + s == a + b + cin


@pytest.mark.parametrize("name, bits", [("adder2", 2), ("adder4", 4)])
def test_ripple_adders_add_every_pair(name, bits):
    c = load(name)
    assert c.input_names() == [f"a{i}" for i in range(bits)] + [f"b{i}" for i in range(bits)]
    assert c.output_names() == [f"s{i}" for i in range(bits)] + ["cout"]
    checked = 0
    for a, b in itertools.product(range(2**bits), repeat=2):
        inputs = {f"a{i}": (a >> i) & 1 for i in range(bits)}
        inputs |= {f"b{i}": (b >> i) & 1 for i in range(bits)}
        out = c.evaluate(inputs)
        total = sum(out[f"s{i}"] << i for i in range(bits)) + (out["cout"] << bits)
        assert total == a + b, (a, b, out)
        checked += 1
    assert checked == 4**bits


def test_adder4_perceptron_views_add_too():
    c = load("adder4")
    table = c.truth_table()
    assert len(table.rows) == 256
    assert to_perceptron_network(c).truth_table() == table
    assert to_layered_network(c).truth_table() == table


@pytest.mark.parametrize("name", NAMES)
def test_examples_are_complete_and_tidy(name):
    c = load(name)
    assert c.unconnected_inputs() == []
    xs = {n.kind: [] for n in c.nodes.values()}
    for n in c.nodes.values():
        xs[n.kind].append(n.pos[0])
    assert max(xs["input"]) < min(v for k, p in xs.items() if k != "input" for v in p)
    assert min(xs["output"]) > max(v for k, p in xs.items() if k != "output" for v in p)
    positions = [n.pos for n in c.nodes.values()]
    assert len(set(positions)) == len(positions), "two nodes on top of each other"


def test_generator_reproduces_the_shipped_files(tmp_path):
    spec = importlib.util.spec_from_file_location(
        "make_example_circuits", ROOT / "scripts" / "make_example_circuits.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.main(tmp_path)
    for name in NAMES:
        made = json.loads((tmp_path / f"{name}.json").read_text())
        shipped = json.loads((FOLDER / f"{name}.json").read_text())
        assert made == shipped, f"{name}.json is stale: rerun scripts/make_example_circuits.py"
