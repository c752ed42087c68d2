"""The cost as a mean of per-example costs, and mini-batch gradients as estimates (sections
1.5 and 2.2), checked against finite differences and the per-example reference."""

from __future__ import annotations

import numpy as np
import pytest

from nnviz.core.datasets.builtin import load_digits
from nnviz.core.gradient_estimate import (
    check_sizes,
    cost_terms,
    estimate_gradients,
    expected_error,
    flatten,
    full_gradient,
    gradient_spread,
    largest_components,
    output_gradient,
    parameter_count,
    parameter_index,
    parameter_name,
    per_example_costs,
    per_example_sq_norms,
)
from nnviz.core.learning.network import Network
from nnviz.core.learning.snapshot import EPOCH
from nnviz.core.learning.training import TrainConfig, TrainControl, train
from tests.core.learning.reference import ref_backprop, ref_sigmoid, ref_update_mini_batch


def small_problem(n=7, sizes=(3, 4, 2), seed=3):
    rng = np.random.default_rng(seed)
    net = Network(list(sizes), seed=seed, dtype="float64")
    x = rng.random((sizes[0], n))
    y = rng.random((sizes[-1], n))
    return net, x, y


def ref_cost_x(weights, biases, x, y) -> float:
    a = x
    for w, b in zip(weights, biases):
        a = ref_sigmoid(w @ a + b)
    return float(0.5 * np.sum((y - a) ** 2))


def test_full_gradient_matches_finite_differences():
    net, x, y = small_problem()
    g = full_gradient(net, x, y, block=3)  # blocks of 3: the blocking must not matter
    h = 1e-5
    params = [*net.weights, *net.biases]
    numeric = []
    for p in params:
        for idx in np.ndindex(p.shape):
            old = p[idx]
            p[idx] = old + h
            up = net.cost(x, y)
            p[idx] = old - h
            down = net.cost(x, y)
            p[idx] = old
            numeric.append((up - down) / (2 * h))
    # Network.cost reads the weights through its own views: edits above reach it.
    np.testing.assert_allclose(g, numeric, rtol=0, atol=1e-10)


def test_full_gradient_is_the_mean_of_per_example_backprop():
    net, x, y = small_problem(n=11)
    total = None
    for i in range(x.shape[1]):
        db, dw = ref_backprop(net.weights, net.biases, x[:, i : i + 1], y[:, i : i + 1])
        v = flatten(db, dw)
        total = v if total is None else total + v
    np.testing.assert_allclose(full_gradient(net, x, y), total / x.shape[1], rtol=0, atol=1e-12)


def test_per_example_costs_and_their_terms():
    net, x, y = small_problem(n=5)
    costs = per_example_costs(net, x, y)
    for i in range(x.shape[1]):
        assert costs[i] == pytest.approx(
            ref_cost_x(net.weights, net.biases, x[:, i : i + 1], y[:, i : i + 1]), abs=1e-14
        )
    a = net.feedforward(x)
    np.testing.assert_allclose(cost_terms(a, y).sum(axis=0), costs, atol=1e-15)
    np.testing.assert_allclose(output_gradient(a, y), a - y)
    # assumption 1: the network's cost is the mean of the per-example costs
    assert net.cost(x, y) == pytest.approx(costs.mean(), abs=1e-12)


def test_the_plotted_training_cost_is_the_mean_of_per_example_costs():
    """An EPOCH record's cost (what the cost plot shows) is the mean C_x over the epoch's
    examples, each at the weights its mini-batch saw. One mini-batch per epoch makes that
    independent of the shuffle order, so the per-example reference can follow it exactly."""
    digits = load_digits()
    n = 40
    split = digits.train.head(n)
    x = digits.inputs(split, np.float64)
    y = split.y.T.astype(np.float64)
    net = Network([64, 12, 10], seed=5, dtype="float64")
    w = [a.copy() for a in net.weights]
    b = [a.copy() for a in net.biases]
    cfg = TrainConfig(epochs=3, batch_size=n, eta=3.0, seed=5, train_limit=n)
    epochs = [r for r in train(net, digits, cfg, TrainControl(3.0)) if r.kind == EPOCH]
    for record in epochs:
        ref = np.mean([ref_cost_x(w, b, x[:, i : i + 1], y[:, i : i + 1]) for i in range(n)])
        assert record.cost == pytest.approx(ref, abs=1e-12)
        w, b = ref_update_mini_batch(
            w, b, [(x[:, i : i + 1], y[:, i : i + 1]) for i in range(n)], 3.0
        )


def test_relative_error_shrinks_like_one_over_root_m():
    digits = load_digits()
    split = digits.train
    x = digits.inputs(split, np.float64)
    y = split.y.T.astype(np.float64)
    net = Network([64, 20, 10], seed=11, dtype="float64")
    truth = full_gradient(net, x, y)
    results = estimate_gradients(net, x, y, truth, ms=(1, 10, 100), count=60, seed=2)
    errors = [r.rms_error for r in results]
    cosines = [r.mean_cosine for r in results]
    assert errors[0] > errors[1] > errors[2]
    assert cosines[0] < cosines[1] < cosines[2] <= 1.0
    # 1/sqrt(m): ten times the examples, about a third of the error (wide margins: a
    # statistical test on a fixed seed, and sampling without replacement helps a little)
    for small, big in zip(errors, errors[1:]):
        assert 0.2 < big / small < 0.5
    for r in results:
        assert r.projected.shape == (60, 2) and np.all(np.isfinite(r.projected))


def test_estimates_are_centred_on_the_full_gradient():
    net, x, y = small_problem(n=50)
    truth = full_gradient(net, x, y)
    pair = largest_components(truth)
    (est,) = estimate_gradients(net, x, y, truth, ms=(5,), count=400, pair=pair, seed=1)
    centre = est.projected.mean(axis=0)
    spread = est.projected.std(axis=0) / np.sqrt(400)
    assert np.all(np.abs(centre - truth[list(pair)]) < 5 * spread + 1e-12)


def test_parameter_indexing_round_trips():
    sizes = [3, 4, 2]
    assert parameter_count(sizes) == 3 * 4 + 4 + 4 * 2 + 2
    net, x, y = small_problem()
    g = full_gradient(net, x, y)
    db, dw = net.backprop(x, y)
    n = x.shape[1]
    assert g[parameter_index(sizes, "w", 1, 1, 2)] == pytest.approx(dw[1][1, 2] / n)
    assert g[parameter_index(sizes, "b", 0, 3)] == pytest.approx(db[0][3, 0] / n)
    assert parameter_name(sizes, parameter_index(sizes, "w", 1, 1, 2)) == "w^3_1,2"
    assert parameter_name(sizes, parameter_index(sizes, "b", 0, 3)) == "b^2_3"
    with pytest.raises(ValueError):
        parameter_index(sizes, "w", 2, 0, 0)
    with pytest.raises(ValueError):
        parameter_name(sizes, parameter_count(sizes))
    # the two largest components from different neurons: never two weights of one row
    truth = np.zeros(parameter_count(sizes))
    row = [parameter_index(sizes, "w", 1, 0, k) for k in range(4)]
    truth[row] = [5, 4, 3, 2]
    truth[parameter_index(sizes, "b", 0, 2)] = 1
    assert largest_components(truth) == (row[0], row[1])
    assert largest_components(truth, sizes=sizes) == (row[0], parameter_index(sizes, "b", 0, 2))


def test_bad_mini_batch_sizes_are_refused():
    with pytest.raises(ValueError, match="at least 1"):
        check_sizes([0], 10)
    with pytest.raises(ValueError, match="larger than the data set"):
        check_sizes([11], 10)
    assert check_sizes(["3", 10], 10) == (3, 10)


def per_example_gradients(net, x, y) -> np.ndarray:
    """Each example's gradient, one row each, from the per-example reference backprop."""
    rows = []
    for i in range(x.shape[1]):
        nb, nw = ref_backprop(net.weights, net.biases, x[:, i : i + 1], y[:, i : i + 1])
        rows.append(flatten(nb, nw))
    return np.array(rows)


def test_per_example_norms_and_spread_match_explicit_gradients():
    net, x, y = small_problem(n=9, sizes=(4, 5, 3, 2))
    g = per_example_gradients(net, x, y)
    np.testing.assert_allclose(per_example_sq_norms(net, x, y), (g**2).sum(axis=1), rtol=1e-12)
    truth = full_gradient(net, x, y)
    np.testing.assert_allclose(truth, g.mean(axis=0), rtol=1e-12, atol=1e-15)
    sigma2 = ((g - truth) ** 2).sum(axis=1).mean()
    assert gradient_spread(net, x, y, truth, block=4) == pytest.approx(sigma2, rel=1e-10)


def test_expected_error_equals_the_mean_over_every_mini_batch():
    # n = 8 examples: every mini-batch of m drawn without replacement, enumerated.
    from itertools import combinations

    net, x, y = small_problem(n=8)
    g = per_example_gradients(net, x, y)
    truth = g.mean(axis=0)
    norm = np.linalg.norm(truth)
    spread = gradient_spread(net, x, y, truth)
    for m in (1, 2, 3, 5, 8):
        errors = [np.sum((g[list(c)].mean(axis=0) - truth) ** 2) for c in combinations(range(8), m)]
        exact = np.sqrt(np.mean(errors)) / norm
        assert expected_error(m, 8, spread, norm) == pytest.approx(exact, rel=1e-10, abs=1e-15)


def test_sampled_errors_scatter_around_the_expected_curve():
    ds = load_digits()
    x = ds.inputs(ds.train, np.float64)[:, :500]
    y = ds.train.y.T.astype(np.float64)[:, :500]
    net = Network([64, 30, 10], seed=1, dtype="float64")
    truth = full_gradient(net, x, y)
    spread = gradient_spread(net, x, y, truth)
    norm = np.linalg.norm(truth)
    for est in estimate_gradients(net, x, y, truth, (1, 10, 100), count=400, seed=2):
        # 400 draws: the sampled root mean square lands within 25% of the exact figure
        assert est.rms_error == pytest.approx(expected_error(est.m, 500, spread, norm), rel=0.25)
