"""`nnviz explore gradient-noise` and `nnviz explore cost` on a saved digits network."""

from __future__ import annotations

import re

import numpy as np
import pytest

from nnviz.cli import main
from nnviz.core.datasets.builtin import load_digits
from nnviz.core.files.network import save_network
from nnviz.core.gradient_estimate import per_example_costs
from nnviz.core.learning.network import Network


@pytest.fixture
def model(tmp_path):
    net = Network([64, 12, 10], seed=2, dtype="float64")
    return save_network(tmp_path / "net.npz", net, {"dataset": "digits"}), net


def test_gradient_noise_prints_error_and_cosine_per_m(model, capsys):
    path, _ = model
    assert (
        main(
            ["explore", "gradient-noise", "--model", str(path), "--m", "1,10,100", "--count", "30"]
        )
        == 0
    )
    out = capsys.readouterr().out
    rows = re.findall(r"^\s+(\d+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+(-?[\d.]+)", out, re.M)
    assert [int(r[0]) for r in rows] == [1, 10, 100]
    errors = [float(r[1]) for r in rows]
    exact = [float(r[2]) for r in rows]
    cosines = [float(r[4]) for r in rows]
    assert errors[0] > errors[1] > errors[2] and cosines[0] < cosines[2]
    # the exact figure falls as (n - m) / (m (n - 1)) says, and the 30 draws land near it
    n = len(load_digits().train)
    for m, e in zip((1, 10, 100), exact, strict=True):
        assert e == pytest.approx(exact[0] * np.sqrt((n - m) / (m * (n - 1))), rel=2e-3)
    assert all(0.5 < s / e < 1.5 for s, e in zip(errors, exact, strict=True))
    assert "online learning" in out


def test_cost_prints_the_terms_of_one_example(model, capsys):
    path, net = model
    assert main(["explore", "cost", "--model", str(path), "--example", "3"]) == 0
    out = capsys.readouterr().out
    digits = load_digits()
    x = digits.inputs(digits.test, np.float64)
    y = digits.test.y.T.astype(np.float64)
    costs = per_example_costs(net, x, y)
    c_x = float(re.search(r"C_x = ([\d.]+)", out).group(1))
    assert c_x == pytest.approx(costs[3], abs=1e-6)
    both = [float(v) for v in re.findall(r"= ([\d.]+)", out.splitlines()[-1])]
    assert both[0] == pytest.approx(both[1], abs=1e-10)
    assert len(re.findall(r"^\s+\d\s+[\d.]+\s+[01]\s", out, re.M)) == 10


@pytest.mark.parametrize(
    ("extra", "needle"),
    [
        (["gradient-noise", "--m", "0"], "at least 1"),
        (["gradient-noise", "--m", "5000"], "larger than the data set"),
        (["gradient-noise", "--m", "ten"], "whole numbers"),
        (["gradient-noise", "--dataset", "xor"], "does not fit"),
        (["cost", "--example", "300"], "choose 0..299"),
    ],
)
def test_bad_input_gets_one_line(model, capsys, extra, needle):
    path, _ = model
    assert main(["explore", *extra[:1], "--model", str(path), *extra[1:]]) == 2
    err = capsys.readouterr().err.strip()
    assert needle in err and "\n" not in err


def test_a_missing_model_is_named(tmp_path, capsys):
    assert main(["explore", "cost", "--model", str(tmp_path / "none.npz")]) == 2
    assert "no such file" in capsys.readouterr().err
