"""The perceptron model against independent, plainly written references."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from nnviz.core.perceptron import (
    CHALLENGES,
    PRESETS,
    Perceptron,
    challenge,
    describe_sum,
    input_rows,
    preset,
    sigmoid_output,
    sigmoid_output_vs_c,
    slice_2d,
    small_change,
    truth_table,
)

# --- independent references: plain Python, no nnviz code ------------------------------------


def ref_fires(weights, bias, x) -> int:
    total = bias
    for w, xi in zip(weights, x, strict=True):
        total += w * xi
    return 1 if total > 0 else 0


def ref_sigma(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z))


GATES = {
    "and": lambda a, b: a and b,
    "or": lambda a, b: a or b,
    "nand": lambda a, b: not (a and b),
    "xor": lambda a, b: a != b,
}

# Hand-written truth tables (x1 is the most significant bit).
ALL_PAIRS = [(0, 0), (0, 1), (1, 0), (1, 1)]


def test_input_rows_count_in_binary_with_x1_most_significant():
    assert input_rows(2) == ALL_PAIRS
    rows = input_rows(3)
    assert len(rows) == 8
    assert [int("".join(map(str, r)), 2) for r in rows] == list(range(8))
    assert input_rows(1) == [(0,), (1,)]


@pytest.mark.parametrize("n", [1, 2, 3, 4, 5])
def test_truth_table_matches_reference_rule(n):
    rng = np.random.default_rng(n)
    for _ in range(20):
        weights = tuple(rng.uniform(-5, 5, n).round(2))
        bias = round(float(rng.uniform(-5, 5)), 2)
        p = Perceptron(weights, bias)
        table = truth_table(p)
        expected = [(x, ref_fires(weights, bias, x)) for x in itertools.product((0, 1), repeat=n)]
        assert table == expected


def test_threshold_form_equals_bias_form_everywhere():
    rng = np.random.default_rng(0)
    for _ in range(200):
        n = int(rng.integers(1, 6))
        weights = tuple(rng.integers(-4, 5, n).astype(float))
        threshold = float(rng.integers(-4, 5))  # integers hit the boundary w.x == threshold
        p = Perceptron.from_threshold(weights, threshold)
        assert p.bias == -threshold
        for x in input_rows(n):
            assert p.output(x) == p.output_threshold_form(x)
            wx = sum(w * xi for w, xi in zip(weights, x, strict=True))
            assert p.output_threshold_form(x) == int(wx > threshold)


def test_boundary_z_equal_zero_does_not_fire():
    p = Perceptron((1.0, 1.0), -1.0)
    assert p.output((1, 0)) == 0  # z == 0 exactly
    assert p.output((1, 1)) == 1


def test_nand_preset_is_the_books_nand():
    p = preset("nand")
    assert p.perceptron.weights == (-2.0, -2.0)
    assert p.perceptron.bias == 3.0
    assert [out for _, out in truth_table(p.perceptron)] == [
        int(GATES["nand"](a, b)) for a, b in ALL_PAIRS
    ]


@pytest.mark.parametrize("key", ["and", "or", "nand"])
def test_gate_presets_compute_their_gate(key):
    table = truth_table(preset(key).perceptron)
    assert [out for _, out in table] == [int(GATES[key](a, b)) for a, b in ALL_PAIRS]


def test_not_preset():
    assert [out for _, out in truth_table(preset("not").perceptron)] == [1, 0]


def test_cheese_festival_presets():
    # inputs: weather, partner, transit
    five = preset("cheese5")
    three = preset("cheese3")
    assert five.perceptron.weights == three.perceptron.weights == (6.0, 2.0, 2.0)
    assert five.perceptron.threshold == 5 and three.perceptron.threshold == 3
    assert five.form == three.form == "threshold"
    for weather, partner, transit in itertools.product((0, 1), repeat=3):
        x = (weather, partner, transit)
        assert five.perceptron.output(x) == weather
        assert three.perceptron.output(x) == int(weather or (partner and transit))
    for p in PRESETS:
        assert p.explanation and "\n" not in p.explanation


def test_challenges_pass_with_a_known_solution_and_name_failing_rows():
    solutions = {
        "and": Perceptron((2.0, 2.0), -3.0),
        "or": Perceptron((2.0, 2.0), -1.0),
        "nand": Perceptron((-2.0, -2.0), 3.0),
        "not": Perceptron((-2.0,), 1.0),
        "majority": Perceptron((1.0, 1.0, 1.0), -1.5),
    }
    for key, p in solutions.items():
        result = challenge(key).check(p)
        assert result.passed, (key, result.message)
        assert result.failing_rows == ()

    # OR's perceptron against AND: rows 01 and 10 differ.
    result = challenge("and").check(solutions["or"])
    assert not result.passed
    assert result.failing_rows == ((0, 1), (1, 0))
    assert "01" in result.message and "x1=0 x2=1" in result.message


def test_challenge_targets_match_independent_gates():
    for key in ("and", "or", "nand", "xor"):
        table = challenge(key).target_table()
        assert [want for _, want in table] == [int(GATES[key](a, b)) for a, b in ALL_PAIRS]
    majority = challenge("majority").target_table()
    assert [want for _, want in majority] == [
        int(a + b + c >= 2) for a, b, c in itertools.product((0, 1), repeat=3)
    ]


def test_challenge_with_wrong_input_count_says_what_to_do():
    result = challenge("majority").check(Perceptron((1.0, 1.0), 0.0))
    assert not result.passed
    assert "3" in result.message and "number of inputs" in result.message


def test_xor_is_never_passed_and_explains_why():
    xor = challenge("xor")
    assert not xor.solvable
    # A coarse search over weights and biases: no perceptron reproduces XOR.
    grid = np.arange(-3, 3.01, 0.5)
    for w1, w2, b in itertools.product(grid, grid, grid):
        result = xor.check(Perceptron((w1, w2), b))
        assert not result.passed
    assert "line" in result.message and "No single perceptron" in result.message


def test_every_challenge_has_a_task_and_valid_input_count():
    for c in CHALLENGES:
        assert c.task and c.hint and 1 <= c.n_inputs <= 5


def test_describe_sum_writes_the_numbers_out():
    nand = Perceptron((-2.0, -2.0), 3.0)
    assert describe_sum(nand, (1, 0)) == "(-2)(1) + (-2)(0) + 3 = 1 > 0 → 1"
    assert describe_sum(nand, (1, 1)) == "(-2)(1) + (-2)(1) + 3 = -1 ≤ 0 → 0"
    cheese = Perceptron.from_threshold((6.0, 2.0, 2.0), 5)
    assert describe_sum(cheese, (0, 1, 1), "threshold") == "(6)(0) + (2)(1) + (2)(1) = 4 ≤ 5 → 0"
    assert describe_sum(Perceptron((0.5,), -1.25), (1,)) == "(0.5)(1) - 1.25 = -0.75 ≤ 0 → 0"


def test_bad_values_are_rejected_clearly():
    with pytest.raises(ValueError, match="1 to 5 inputs"):
        Perceptron((1.0,) * 6, 0.0)
    with pytest.raises(ValueError, match="1 to 5 inputs"):
        Perceptron((), 0.0)
    with pytest.raises(ValueError, match="w2"):
        Perceptron((1.0, float("nan")), 0.0)
    with pytest.raises(ValueError, match="expected 2 inputs"):
        Perceptron((1.0, 1.0), 0.0).output((1,))


def test_sigmoid_output_matches_reference():
    p = Perceptron((0.7, -1.3, 2.0), 0.4)
    x = (0.2, 0.9, 0.5)
    z = 0.7 * 0.2 - 1.3 * 0.9 + 2.0 * 0.5 + 0.4
    for c in (0.1, 1.0, 3.5):
        assert sigmoid_output(p, x, c) == pytest.approx(ref_sigma(c * z), abs=1e-14)


def test_scaled_sigmoid_tends_to_perceptron_and_stays_half_on_the_line():
    nand = Perceptron((-2.0, -2.0), 3.0)
    cs = np.array([1.0, 10.0, 100.0, 1000.0])
    for x in ALL_PAIRS:
        outs = sigmoid_output_vs_c(nand, x, cs)
        target = ref_fires(nand.weights, nand.bias, x)
        gaps = np.abs(outs - target)
        assert np.all(np.diff(gaps) < 0) or gaps[-1] == 0  # strictly closer as c grows
        assert gaps[-1] < 1e-12
    # On the line w.x + b = 0 every c gives exactly 0.5.
    on_line = Perceptron((1.0, 1.0), -1.0)
    assert np.all(sigmoid_output_vs_c(on_line, (1, 0), cs) == 0.5)
    # Scaling never changes the perceptron itself (exercise part I).
    for c in (0.01, 2.0, 50.0):
        assert truth_table(nand.scaled(c)) == truth_table(nand)


def test_small_change_prediction_matches_finite_difference_and_true_change():
    p = Perceptron((0.8, -0.4), 0.1)
    x = (0.6, 0.3)

    def out(weights, bias):
        return ref_sigma(sum(w * xi for w, xi in zip(weights, x, strict=True)) + bias)

    base = out(p.weights, p.bias)
    h = 1e-6
    for name, shifted in [
        ("w1", lambda d: out((0.8 + d, -0.4), 0.1)),
        ("w2", lambda d: out((0.8, -0.4 + d), 0.1)),
        ("b", lambda d: out((0.8, -0.4), 0.1 + d)),
    ]:
        fd = (shifted(h) - shifted(-h)) / (2 * h)
        sc = small_change(p, x, name, 0.05)
        assert sc.partial == pytest.approx(fd, rel=1e-6)
        assert sc.predicted == pytest.approx(fd * 0.05, rel=1e-6)
        assert sc.before == pytest.approx(base, abs=1e-15)
        assert sc.actual == pytest.approx(shifted(0.05) - base, abs=1e-15)
        # Linear prediction: the error shrinks like delta squared.
        e1 = abs(small_change(p, x, name, 0.1).error)
        e2 = abs(small_change(p, x, name, 0.01).error)
        assert e2 < e1 / 50


def test_small_change_rejects_unknown_parameter():
    p = Perceptron((1.0, 1.0), 0.0)
    with pytest.raises(ValueError, match="w3"):
        small_change(p, (0.5, 0.5), "w3", 0.1)
    with pytest.raises(ValueError, match="parameter"):
        small_change(p, (0.5, 0.5), "q", 0.1)


def test_slice_2d_gives_the_same_z_as_the_full_neuron():
    p = Perceptron((1.0, -2.0, 3.0, 0.5), -1.0)
    held = (1, 0)
    s = slice_2d(p, (0, 0, *held))
    assert s.weights == (1.0, -2.0) and s.bias == -1.0 + 3.0
    for a, b in ALL_PAIRS:
        assert s.z((a, b)) == pytest.approx(1.0 * a - 2.0 * b + 3.0 * 1 + 0.5 * 0 - 1.0)
        assert s.output((a, b)) == ref_fires(p.weights, p.bias, (a, b, *held))
    two = Perceptron((1.0, 2.0), 0.5)
    assert slice_2d(two, (1, 1)) == two
    with pytest.raises(ValueError, match="at least 2"):
        slice_2d(Perceptron((1.0,), 0.0), (1,))
