"""Toy landscapes: analytic gradients vs finite differences, and the gradient-descent stepper."""

from __future__ import annotations

import numpy as np
import pytest

from nnviz.core.learning.network import Network
from nnviz.core.valley import (
    DIVERGE_LIMIT,
    LANDSCAPES,
    Descent,
    SliceCancelled,
    cost_slice,
    gradient_step,
    largest_gradient_weights,
    weight_path,
)

KEYS = sorted(LANDSCAPES)


def _numeric_gradient(landscape, v, h=1e-6):
    g = np.zeros_like(v)
    for i in range(v.size):
        e = np.zeros_like(v)
        e[i] = h
        g[i] = (landscape.cost(v + e) - landscape.cost(v - e)) / (2 * h)
    return g


@pytest.mark.parametrize("key", KEYS)
def test_gradient_matches_finite_differences(key):
    ls = LANDSCAPES[key]
    rng = np.random.default_rng(1)
    lo, hi = np.array(ls.extent[0::2]), np.array(ls.extent[1::2])
    for _ in range(20):
        v = lo + (hi - lo) * rng.random(ls.dim)
        np.testing.assert_allclose(ls.gradient(v), _numeric_gradient(ls, v), rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("key", KEYS)
def test_grid_agrees_with_pointwise_cost(key):
    ls = LANDSCAPES[key]
    out = ls.grid(7)
    if ls.dim == 1:
        v, c = out
        assert c.shape == (7,)
        for i in range(7):
            assert c[i] == pytest.approx(ls.cost(np.array([v[i]])))
    else:
        v1, v2, c = out
        assert c.shape == (7, 7)
        for i in range(7):
            for j in range(7):
                assert c[i, j] == pytest.approx(ls.cost(np.array([v1[i], v2[j]])))


def test_known_values():
    assert LANDSCAPES["bowl"].cost(np.array([1.0, 2.0])) == pytest.approx(5.0)
    assert LANDSCAPES["narrow"].cost(np.array([1.0, 0.5])) == pytest.approx(1 + 20 * 0.25)
    # The rotation keeps distances: along the valley floor the cost is just u^2.
    floor = np.array([np.cos(np.pi / 6), np.sin(np.pi / 6)])
    assert LANDSCAPES["rotated"].cost(floor) == pytest.approx(1.0)
    assert LANDSCAPES["rotated"].cost(np.array([-floor[1], floor[0]])) == pytest.approx(20.0)


def test_step_follows_equation_10_and_9():
    ls = LANDSCAPES["narrow"]
    v = np.array([1.0, 0.5])
    s = gradient_step(ls, v, 0.01)
    grad = np.array([2 * 1.0, 40 * 0.5])
    np.testing.assert_allclose(s.gradient, grad)
    np.testing.assert_allclose(s.delta_v, -0.01 * grad)
    np.testing.assert_allclose(s.v_new, v - 0.01 * grad)
    assert s.predicted_change == pytest.approx(-0.01 * (grad @ grad))
    assert s.actual_change == pytest.approx(ls.cost(v - 0.01 * grad) - ls.cost(v))
    assert not s.diverged


def test_small_eta_prediction_is_close_large_eta_is_not():
    ls = LANDSCAPES["bowl"]
    v = np.array([1.0, -0.5])
    small = gradient_step(ls, v, 1e-4)
    assert small.actual_change < 0
    assert small.actual_change == pytest.approx(small.predicted_change, rel=1e-3)
    big = gradient_step(ls, v, 1.5)  # overshoots to the far side, uphill
    assert big.predicted_change < 0 < big.actual_change


def test_bowl_converges_to_bottom_with_moderate_eta():
    d = Descent(LANDSCAPES["bowl"])
    d.run(0.1, 200)
    assert np.linalg.norm(d.position) < 1e-6
    costs = [LANDSCAPES["bowl"].cost(p) for p in d.path]
    assert all(b <= a for a, b in zip(costs, costs[1:]))


def test_narrow_valley_zigzags_across_for_large_eta():
    d = Descent(LANDSCAPES["narrow"])
    d.run(0.04, 10)  # 1 - 40 eta = -0.6: v2 flips sign each step but shrinks
    signs = np.sign(d.path[:, 1])
    assert np.all(signs[1:] == -signs[:-1])
    assert not d.diverged


def test_divergence_is_detected_and_path_stays_finite():
    d = Descent(LANDSCAPES["narrow"])
    taken = d.run(0.2, 1000)
    assert d.diverged
    assert taken < 1000
    assert np.all(np.isfinite(d.path))
    assert np.max(np.abs(d.path)) <= DIVERGE_LIMIT
    assert d.steps[-1].diverged
    assert d.step(0.2) is None  # a blown-up ball does not move again


def test_parabola_thresholds():
    ls = LANDSCAPES["parabola"]
    for eta, kind in [(0.3, "slide"), (0.8, "hop"), (1.2, "diverge")]:
        d = Descent(ls, np.array([1.0]))
        d.run(eta, 200)
        if kind == "diverge":
            assert d.diverged
        else:
            assert abs(d.position[0]) < 1e-6
            if kind == "hop":
                assert d.path[1, 0] < 0 < d.path[0, 0]
            else:
                assert 0 < d.path[1, 0] < d.path[0, 0]


def test_two_minima_start_decides_the_end():
    ls = LANDSCAPES["two_minima"]
    left, right = Descent(ls, np.array([-0.3, 0.5])), Descent(ls, np.array([0.3, 0.5]))
    left.run(0.05, 2000)
    right.run(0.05, 2000)
    assert left.position[0] < -0.9 and right.position[0] > 0.9
    assert ls.cost(left.position) < ls.cost(right.position)  # the tilt makes the left deeper
    assert left.settled and right.settled


def test_reset_puts_ball_back():
    d = Descent(LANDSCAPES["bowl"])
    d.run(0.1, 5)
    d.reset(np.array([0.5, 0.25]))
    assert d.steps == [] and not d.diverged
    np.testing.assert_array_equal(d.path, [[0.5, 0.25]])


# --- cost slices through a real network --------------------------------------------------------


def _net_and_data(sizes=(6, 5, 4, 3), m=25, seed=0):
    net = Network(list(sizes), seed=seed)
    rng = np.random.default_rng(seed + 10)
    x = rng.random((sizes[0], m))
    y = np.eye(sizes[-1])[:, rng.integers(0, sizes[-1], m)]
    return net, x, y


def _pointwise(net, x, y, w1, w2, o1, o2):
    ref = np.empty((len(o1), len(o2)))
    for i, d1 in enumerate(o1):
        for k, d2 in enumerate(o2):
            moved = net.copy()
            moved.weights[w1[0]][w1[1], w1[2]] += d1
            moved.weights[w2[0]][w2[1], w2[2]] += d2
            ref[i, k] = moved.cost(x, y)
    return ref


@pytest.mark.parametrize(
    "w1,w2",
    [
        ((0, 1, 2), (0, 3, 4)),  # same layer, different rows
        ((0, 2, 1), (0, 2, 5)),  # same row
        ((0, 1, 1), (2, 0, 3)),  # first and last layer
        ((2, 2, 0), (1, 3, 4)),  # later layer first, other order
        ((1, 3, 2), (1, 3, 2)),  # the same weight twice: offsets add
    ],
)
def test_cost_slice_matches_pointwise_cost(w1, w2):
    net, x, y = _net_and_data()
    before = [w.copy() for w in net.weights]
    o1, o2 = np.linspace(-2, 2, 5), np.linspace(-3, 1, 4)
    got = cost_slice(net, x, y, w1, w2, o1, o2, max_elements=200)  # many small chunks
    np.testing.assert_allclose(got, _pointwise(net, x, y, w1, w2, o1, o2), rtol=1e-12)
    for a, b in zip(before, net.weights):
        np.testing.assert_array_equal(a, b)


def test_cost_slice_centre_is_current_cost_and_reports_progress():
    net, x, y = _net_and_data()
    seen = []
    got = cost_slice(
        net,
        x,
        y,
        (0, 0, 0),
        (1, 1, 1),
        [0.0],
        [-1.0, 0.0],
        progress=lambda d, t: seen.append((d, t)),
        max_elements=1,
    )
    assert got[0, 1] == pytest.approx(net.cost(x, y), rel=1e-12)
    assert seen[-1] == (2, 2) and len(seen) == 2


def test_cost_slice_can_be_cancelled_and_checks_indices():
    net, x, y = _net_and_data()
    with pytest.raises(SliceCancelled):
        cost_slice(net, x, y, (0, 0, 0), (0, 1, 1), [0, 1], [0, 1], should_stop=lambda: True)
    with pytest.raises(ValueError, match="outside"):
        cost_slice(net, x, y, (0, 9, 0), (0, 1, 1), [0], [0])
    with pytest.raises(ValueError, match="layer index"):
        cost_slice(net, x, y, (5, 0, 0), (0, 1, 1), [0], [0])


def test_largest_gradient_weights_are_the_largest():
    net, x, y = _net_and_data()
    found = largest_gradient_weights(net, x, y, count=3)
    _, nabla_w = net.backprop(x, y)
    sizes = [abs(nabla_w[l][j, k]) for l, j, k in found]
    everything = sorted((abs(v) for g in nabla_w for v in g.ravel()), reverse=True)
    np.testing.assert_allclose(sizes, everything[:3])
    assert len(set(found)) == 3


def test_weight_path_reads_each_snapshot():
    class Snap:
        def __init__(self, ws):
            self.weights = ws

    snaps = [Snap([np.full((2, 3), float(i)), np.full((1, 2), 10.0 + i)]) for i in range(4)]
    snaps.append(Snap([np.zeros((1, 1)), np.zeros((1, 1))]))  # other architecture: skipped
    path = weight_path(snaps, (0, 1, 2), (1, 0, 1))
    np.testing.assert_array_equal(path, [[0, 10], [1, 11], [2, 12], [3, 13]])
