"""Digital's test programs (the Testcase syntax), written by hand for these tests."""

from __future__ import annotations

import pytest

from nnviz.cli import main
from nnviz.core.circuits.digital_tests import DONT_CARE, TestError, parse_program, run_test
from nnviz.core.circuits.model import build_nand_circuit
from tests.core.circuits.test_digital import case_part, dig, part, wire


def xor_circuit():
    """A XOR of four NAND gates: inputs A, B; output Y."""
    return build_nand_circuit(
        ["A", "B"], [("A", "B"), ("A", 0), ("B", 0), (1, 2)], [("Y", 3)], name="xor"
    )


def run(program, circuit=None, **kwargs):
    c = circuit or xor_circuit()
    return run_test("t", program, c.input_names(), c.output_names(), c.evaluate_batch, **kwargs)


def test_rows_loops_repeat_bits_let_and_expressions_expand_as_digital_runs_them():
    program = """# every row of a XOR, three ways
A B Y
0 0 0
repeat(2) 0 1 1 # comment after a row
loop(a, 2)
  let b = 1 - a;
  bits(1, a) (b) (a ^ b)
end loop
loop (i,4)
  bits(2,i) (((i>>1)&1) != (i&1))
end loop
"""
    r = run(program)
    assert r.inputs.tolist() == [
        [0, 0],
        [0, 1],
        [0, 1],
        [0, 1],
        [1, 0],
        [0, 0],
        [0, 1],
        [1, 0],
        [1, 1],
    ]
    assert r.expected.ravel().tolist() == [0, 1, 1, 1, 1, 0, 1, 1, 0]
    assert r.passed


def test_x_tries_both_values_of_an_input_and_checks_nothing_on_an_output():
    r = run("A B Y\nX 1 X\n1 X (0)\n")
    assert r.inputs.tolist() == [[0, 1], [1, 1], [1, 0], [1, 1]]
    assert r.expected.ravel().tolist() == [DONT_CARE, DONT_CARE, 0, 0]
    assert r.failed_rows.tolist() == [2]  # 1 XOR 0 is 1, not 0


def test_values_are_cut_to_one_bit_and_arithmetic_wraps_as_javas_long():
    r = run(
        "A B Y\n(2) (3) (~0)\nbits(1, 1 << 64) (signExt(2, 3) = -1) (0x7fffffffffffffff + 1 < 0)\n"
    )
    assert r.inputs.tolist() == [[0, 1], [1, 1]]
    assert r.expected.ravel().tolist() == [1, 1]


def test_an_input_the_test_leaves_out_keeps_its_default_and_names_are_renamed():
    c = build_nand_circuit(["P_Q", "EN"], [("P_Q", "EN")], [("Y", 0)])
    r = run("P<Q Y\n1 0\n0 1\n", c, rename={"P<Q": "P_Q"}, defaults={"EN": 1})
    assert r.inputs.tolist() == [[1, 1], [0, 1]] and r.passed


@pytest.mark.parametrize(
    ("program", "words"),
    [
        ("A B Y\nC 0 0\n", "a clock"),
        ("A B Y\nZ 0 0\n", "high impedance"),
        ("A B Y\nloop(i, 2)\n0 0 0\n", "no 'end loop'"),
        ("A B Y\n0 0\n", "2 values for the 3 signals"),
        ("A B Q\n0 0 0\n", "'Q' is neither an input nor an output"),
        ("A B Y\n0 0 (random(2))\n", "function 'random'"),
        ("A B Y\n0 0 (k)\n", "uses 'k' before"),
        ("A B Y\nprogram(1)\n", "'program'"),
    ],
)
def test_what_nnviz_cannot_run_is_named(program, words):
    with pytest.raises(TestError, match=words):
        run(program)


def test_an_empty_test_checks_nothing():
    assert parse_program("  # nothing\n") == ([], [])


def _xor_dig(tmp_path, expected_rows: str):
    parts = [
        part("In", 0, 0, Label="A"),
        part("In", 0, 100, Label="B"),
        part("XOr", 100, 0),  # inputs (100, 0) and (100, 40), output (160, 20)
        part("Out", 200, 20, Label="Y"),
        case_part(f"A B Y\n{expected_rows}", "xor table"),
    ]
    wires = [
        wire((0, 0), (100, 0)),
        wire((0, 100), (100, 100)),
        wire((100, 100), (100, 40)),
        wire((160, 20), (200, 20)),
    ]
    return dig(tmp_path, parts, wires)


@pytest.mark.parametrize(
    "mode", [[], ["--perceptrons"], ["--merged"], ["--layered"], ["--sigmoid", "10"]]
)
def test_the_command_runs_a_files_tests_through_gates_or_perceptrons(tmp_path, capsys, mode):
    path = _xor_dig(tmp_path, "0 0 0\n0 1 1\n1 0 1\n1 1 0\n")
    assert main(["circuit", "test", str(path), *mode]) == 0
    assert "test 'xor table': all 4 rows pass" in capsys.readouterr().out


def test_the_command_prints_failing_rows_and_exits_1_or_2(tmp_path, capsys):
    path = _xor_dig(tmp_path, "0 0 0\n1 1 1\n")
    assert main(["circuit", "test", str(path)]) == 1
    out = capsys.readouterr().out
    assert "row 2: A=1 B=1: Y is 0, expected 1" in out and "1 of 2 rows FAILED" in out
    clocked = _xor_dig(tmp_path / "c", "C 0 0\n") if (tmp_path / "c").mkdir() is None else None
    assert main(["circuit", "test", str(clocked)]) == 2
    err = capsys.readouterr().err
    assert "cannot run" in err and "a clock" in err and err.count("\n") == 1


def test_convert_goes_between_json_and_dig_by_extension(tmp_path, capsys):
    dig_path, json_path = tmp_path / "ha.dig", tmp_path / "back.json"
    assert main(["circuit", "convert", "half_adder", "-o", str(dig_path)]) == 0
    assert main(["circuit", "convert", str(dig_path), "-o", str(json_path)]) == 0
    capsys.readouterr()
    assert main(["circuit", "table", str(json_path)]) == 0
    table = capsys.readouterr().out.splitlines()
    assert table[1:] == ["0 0 0 0", "0 1 1 0", "1 0 1 0", "1 1 0 1"]
    assert main(["circuit", "convert", "half_adder", "-o", str(tmp_path / "x.txt")]) == 2
    assert "write a .json or .dig file" in capsys.readouterr().err
