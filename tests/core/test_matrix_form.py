"""The matrix form of one layer against plain loops, and delta^L against backprop and slopes."""

from __future__ import annotations

import math

import numpy as np
import pytest

from nnviz.core.learning.network import Network
from nnviz.core.matrix_form import (
    book_layer,
    hadamard,
    layer_equation,
    output_error,
    weight_text,
)


def _sig(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z))


def _loop_forward(net: Network, x: list[float], upto: int) -> tuple[list[float], list[float]]:
    """(a_prev, z) of layer ``upto`` by z_j = sum_k w_jk a_k + b_j, one number at a time."""
    a = list(x)
    z: list[float] = []
    for l in range(upto + 1):
        w, b = net.weights[l], net.biases[l]
        z = []
        for j in range(w.shape[0]):
            total = float(b[j, 0])
            for k in range(w.shape[1]):
                total += float(w[j, k]) * a[k]
            z.append(total)
        if l < upto:
            a = [_sig(v) for v in z]
    return a, z


@pytest.mark.parametrize("l", [0, 1, 2])
def test_layer_equation_matches_plain_loops(l):
    net = Network([5, 4, 3, 2], seed=3)
    x = np.random.default_rng(0).random(5)
    eq = layer_equation(net, x, l)
    a_prev, z = _loop_forward(net, list(x), l)
    np.testing.assert_allclose(eq["a_prev"][:, 0], a_prev, rtol=1e-12)
    np.testing.assert_allclose(eq["z"][:, 0], z, rtol=1e-12)
    np.testing.assert_allclose(eq["a"][:, 0], [_sig(v) for v in z], rtol=1e-12)
    assert eq["w"].shape == (net.sizes[l + 1], net.sizes[l])
    assert eq["b"].shape == eq["z"].shape == eq["a"].shape == (net.sizes[l + 1], 1)
    assert eq["a_prev"].shape == (net.sizes[l], 1)


def test_layer_equation_accepts_column_and_float32_and_copies():
    net = Network([3, 2], seed=1, dtype=np.float32)
    x = np.array([[0.1], [0.5], [0.9]])
    eq = layer_equation(net, x, 0)
    assert eq["w"].dtype == np.float64
    eq["w"][0, 0] = 99.0
    assert net.weights[0][0, 0] != 99.0  # the view got a copy, not the live weights


def test_layer_equation_rejects_bad_input():
    net = Network([3, 2], seed=1)
    with pytest.raises(ValueError, match="3 entries"):
        layer_equation(net, np.zeros(4), 0)
    with pytest.raises(ValueError, match="layer index"):
        layer_equation(net, np.zeros(3), 1)


def test_hadamard_book_example():
    np.testing.assert_array_equal(hadamard([1, 2], [3, 4]), [3, 8])
    with pytest.raises(ValueError):
        hadamard([1, 2], [1, 2, 3])


def test_output_error_matches_backprop_bias_gradient():
    net = Network([4, 3, 2], seed=5)
    rng = np.random.default_rng(2)
    x, y = rng.random(4), np.array([0.0, 1.0])
    err = output_error(net, x, y)
    nabla_b, _ = net.backprop(x[:, None], y[:, None])
    np.testing.assert_allclose(err["delta"], nabla_b[-1], rtol=1e-12)
    np.testing.assert_allclose(err["delta"], err["sigma_prime"] * err["a_minus_y"])


def test_output_error_is_slope_of_cost_in_z():
    """delta_j = dC/dz_j: nudge b^L_j (which moves z^L_j one for one) and watch C."""
    net = Network([4, 3, 2], seed=6)
    x, y = np.linspace(0, 1, 4), np.array([1.0, 0.0])
    err = output_error(net, x, y)
    h = 1e-6
    for j in range(2):
        up, down = net.copy(), net.copy()
        up.biases[-1][j, 0] += h
        down.biases[-1][j, 0] -= h
        slope = (up.cost(x[:, None], y[:, None]) - down.cost(x[:, None], y[:, None])) / (2 * h)
        assert err["delta"][j, 0] == pytest.approx(slope, rel=1e-6, abs=1e-10)


def test_book_numbering_and_weight_text():
    assert book_layer(0) == 2
    text = weight_text(1, 3, 7, -0.25)  # weights[1][3, 7]: the book's w³₄,₈
    assert text.startswith("w³₄,₈ = -0.2500")
    assert "from neuron 8 of layer 2 to neuron 4 of layer 3" in text
