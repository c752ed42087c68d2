"""`nnviz circuit ...`: every mode prints the same table; bad input is one line, exit 2."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, given, settings

from nnviz.cli import circuit as circuit_cli
from nnviz.core.circuits.model import Circuit
from nnviz.core.errors import UsageError
from nnviz.paths import SHIPPED_DATA
from tests.core.circuits.test_perceptrons import nand_circuits

EXAMPLES = sorted((SHIPPED_DATA / "circuits").glob("*.json"))
MODES = [[], ["--perceptrons"], ["--merged"], ["--layered"], ["--sigmoid", "40"]]


def run(argv: list[str], capsys) -> tuple[int, str, str]:
    """Parse with only the circuit subcommand (as nnviz.cli.main would) and run it."""
    parser = argparse.ArgumentParser(prog="nnviz")
    circuit_cli.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["circuit", *argv])
    try:
        code = args.func(args)
    except UsageError as exc:
        sys.stderr.write(f"error: {exc}\n")
        code = 2
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_every_mode_prints_the_same_table(path, capsys):
    outputs = []
    for mode in MODES:
        code, out, err = run(["table", str(path), *mode], capsys)
        assert code == 0 and err == "", (mode, err)
        outputs.append(out)
    assert all(o == outputs[0] for o in outputs)
    c = Circuit.load(path)
    lines = outputs[0].splitlines()
    assert lines[0].split() == c.input_names() + c.output_names()
    assert len(lines) == 1 + 2 ** len(c.input_names())


def test_half_adder_table_text(capsys):
    code, out, _ = run(["table", str(SHIPPED_DATA / "circuits" / "half_adder.json")], capsys)
    assert code == 0
    rows = [line.split() for line in out.splitlines()]
    assert rows[0] == ["x1", "x2", "sum", "carry"]
    for x1, x2, s, c in (map(int, r) for r in rows[1:]):
        assert (s, c) == (x1 ^ x2, x1 & x2)
    assert len(rows) == 5


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(nand_circuits())
def test_random_circuits_print_identical_tables(tmp_path, capsys, c):
    path = tmp_path / "random.json"
    c.save(path)
    outs = {tuple(mode): run(["table", str(path), *mode], capsys) for mode in MODES}
    assert len({o for o in outs.values()}) == 1, outs


def test_small_sigmoid_scale_is_reported(capsys):
    path = str(SHIPPED_DATA / "circuits" / "half_adder.json")
    code, out, err = run(["table", path, "--sigmoid", "1"], capsys)
    assert code == 1
    assert "larger C" in err and len(err.strip().splitlines()) == 1
    code, out, err = run(["table", path, "--sigmoid", "2", "--values"], capsys)
    values = [float(v) for line in out.splitlines()[1:] for v in line.split()[2:]]
    assert all(0 < v < 1 for v in values)


def test_check_and_info(capsys, tmp_path):
    adder = str(SHIPPED_DATA / "circuits" / "adder4.json")
    code, out, _ = run(["check", adder, "--level", "4-bit adder"], capsys)
    assert code == 0 and out.startswith("PASS")
    code, out, _ = run(["check", adder, "--level", "adder2"], capsys)
    assert code == 1 and out.startswith("FAIL") and "a2" in out
    code, out, _ = run(["info", adder], capsys)
    assert "NAND gates: 32" in out and "unconnected inputs: none" in out
    data = json.loads((SHIPPED_DATA / "circuits" / "xor.json").read_text())
    data["wires"] = data["wires"][1:]  # leave the first gate's input a open
    path = tmp_path / "open.json"
    path.write_text(json.dumps(data))
    code, out, _ = run(["info", str(path)], capsys)
    assert "unconnected inputs (1, read as 0): NAND 1 port a" in out


@pytest.mark.parametrize(
    "content, message",
    [
        ("{oops", "not valid JSON"),
        ('{"format": "nnviz-circuit", "version": 7, "nodes": [], "wires": []}', "version 7"),
        ('{"format": "nnviz-circuit", "version": 1, "wires": []}', '"nodes"'),
        ("[1, 2]", "expected a JSON object"),
    ],
)
def test_malformed_files_exit_2_with_one_line(tmp_path, capsys, content, message):
    path = tmp_path / "bad.json"
    path.write_text(content)
    code, out, err = run(["table", str(path)], capsys)
    assert code == 2 and out == ""
    assert message in err and len(err.strip().splitlines()) == 1


def test_real_entry_point_exit_code_and_no_traceback(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text('{"format": "nnviz-circuit", "version": 1, "nodes": [], "wires": [{}]}')
    proc = subprocess.run(
        [sys.executable, "-m", "nnviz", "circuit", "table", str(path)],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr
    assert 'wires[0]: missing "id"' in proc.stderr


def test_info_on_a_ten_thousand_gate_chain_summarises_its_layers(tmp_path, capsys):
    """Every gate is named once (naming them one by one made this quadratic: 45 s), and the
    layer sizes come as runs, not ten thousand numbers."""
    from nnviz.core.circuits.model import nand_chain

    c = nand_chain(10_000)
    numbers = c.gate_numbers()
    assert len(numbers) == 10_000
    assert all(numbers[nid] == c.gate_number(nid) for nid in (2, 3, 5_000, 10_001))
    c.save(tmp_path / "chain.json")
    from nnviz.cli import main

    assert main(["circuit", "info", str(tmp_path / "chain.json")]) == 0
    out = capsys.readouterr().out
    assert "NAND gates: 10000" in out
    assert "layered network: sizes 1,2 x 9999,1 (9999 relay units)" in out
