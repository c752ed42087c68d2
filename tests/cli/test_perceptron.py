"""`nnviz perceptron`: output format, sigmoid mode and error handling."""

from __future__ import annotations

import itertools
import math
import subprocess
import sys

import pytest

from nnviz.cli import main


def run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(["perceptron", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def rows_of(out: str) -> tuple[list[str], list[list[str]]]:
    lines = out.strip().splitlines()
    return lines[0].split(), [line.split() for line in lines[1:]]


def test_nand_truth_table(capsys):
    code, out, err = run_cli(capsys, "--weights", "-2,-2", "--bias", "3")
    assert code == 0 and err == ""
    header, rows = rows_of(out)
    assert header == ["x1", "x2", "out"]
    assert out.splitlines()[0] == "x1 x2 out"
    assert rows == [["0", "0", "1"], ["0", "1", "1"], ["1", "0", "1"], ["1", "1", "0"]]


def test_threshold_form_cheese_festival(capsys):
    code, out, _ = run_cli(capsys, "--weights", "6,2,2", "--threshold", "3")
    assert code == 0
    header, rows = rows_of(out)
    assert header == ["x1", "x2", "x3", "out"]
    expected = [
        [str(a), str(b), str(c), str(int(a or (b and c)))]
        for a, b, c in itertools.product((0, 1), repeat=3)
    ]
    assert rows == expected


def test_five_inputs_and_equals_form(capsys):
    code, out, _ = run_cli(capsys, "--weights=1,1,1,1,1", "--bias=-4.5")
    assert code == 0
    header, rows = rows_of(out)
    assert header == ["x1", "x2", "x3", "x4", "x5", "out"]
    assert len(rows) == 32
    assert [r[-1] for r in rows] == ["0"] * 31 + ["1"]


def test_sigmoid_outputs(capsys):
    code, out, _ = run_cli(capsys, "--weights", "-2,-2", "--bias", "3", "--sigmoid", "2")
    assert code == 0
    header, rows = rows_of(out)
    assert header == ["x1", "x2", "out"]
    for (a, b), row in zip(itertools.product((0, 1), repeat=2), rows, strict=True):
        z = 2 * (-2 * a - 2 * b + 3)
        assert row[:2] == [str(a), str(b)]
        assert row[2] == f"{1 / (1 + math.exp(-z)):.4f}"


@pytest.mark.parametrize(
    "argv, needle",
    [
        (["--weights", "-2,,x", "--bias", "3"], "weight 2 is empty"),
        (["--weights", "1,x", "--bias", "3"], "weight 2 must be a number"),
        (["--weights", "1,2,3,4,5,6", "--bias", "3"], "1 to 5"),
        (["--weights", "1", "--bias", "3", "--sigmoid", "0"], "greater than 0"),
        (["--weights", "1", "--bias", "3", "--sigmoid", "-1"], "greater than 0"),
        (["--weights", "1", "--bias", "nan"], "finite"),
        (["--weights", "1", "--bias", "three"], "--bias must be a number"),
    ],
)
def test_bad_input_one_line_exit_2(capsys, argv, needle):
    code, out, err = run_cli(capsys, *argv)
    assert code == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1
    assert needle in err


@pytest.mark.parametrize(
    "argv",
    [
        ["--weights", "1", "--bias", "1", "--threshold", "1"],  # both
        ["--weights", "1"],  # neither
    ],
)
def test_bias_and_threshold_exclusive_and_required(capsys, argv):
    with pytest.raises(SystemExit) as exc:
        main(["perceptron", *argv])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "--bias" in err


def test_real_process_prints_no_traceback():
    proc = subprocess.run(
        [sys.executable, "-m", "nnviz", "perceptron", "--weights", "-2,,x", "--bias", "3"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert proc.stderr.count("\n") == 1


def test_negative_values_after_a_space(capsys):
    # argparse normally mistakes "-2,-2" for an option; the subcommand accepts it as a value
    code, out, err = run_cli(capsys, "--weights", "-2,-0.5e1", "--threshold", "-3")
    assert code == 0, err
    _, rows = rows_of(out)
    expected = [int(-2 * a - 5 * b > -3) for a, b in itertools.product((0, 1), repeat=2)]
    assert [int(r[-1]) for r in rows] == expected
    code, out, _ = run_cli(capsys, "--weights", "-1", "--bias", "-0.5")
    assert code == 0 and rows_of(out)[1] == [["0", "0"], ["1", "0"]]
