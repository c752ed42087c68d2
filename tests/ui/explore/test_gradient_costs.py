"""The gradient-estimates and cost-per-example views (sections 1.5 and 2.2)."""

from __future__ import annotations

import numpy as np
import pytest

from nnviz.core.datasets.builtin import load_digits
from nnviz.core.gradient_estimate import per_example_costs
from nnviz.core.learning.network import Network
from nnviz.core.learning.training import TrainConfig, train
from nnviz.ui.explore.cost_terms import CostTermsView
from nnviz.ui.explore.gradient_noise import GradientNoiseView
from nnviz.ui.explore.tab import ExploreTab


@pytest.fixture(scope="module")
def trained():
    digits = load_digits()
    net = Network([64, 16, 10], seed=4, dtype="float64")
    for _ in train(net, digits, TrainConfig(epochs=1, batch_size=10, eta=3.0, seed=4)):
        pass
    return net, digits


@pytest.fixture
def cost_view(qtbot, trained):
    """The cost-per-example view on the trained network, with the test inputs and targets
    as columns (float64) and the cost of each test example."""
    net, digits = trained
    view = CostTermsView()
    qtbot.addWidget(view)
    view.set_network(net, digits)
    x = digits.inputs(digits.test, np.float64)
    y = digits.test.y.T.astype(np.float64)
    return view, net, x, y, per_example_costs(net, x, y)


def test_gradient_view_computes_cloud_error_and_cosine(qtbot, trained):
    net, digits = trained
    view = GradientNoiseView()
    qtbot.addWidget(view)
    view.count_spin.setValue(20)
    view.set_network(net, digits)
    view.set_batch_size(10)
    view.compute()
    qtbot.waitUntil(lambda: view.result is not None and not view.is_busy(), timeout=60000)
    estimates = view.result["estimates"]
    assert [e.m for e in estimates] == [1, 10, 100, 1000]
    # the cloud: one scatter per m with all its estimates
    scatters = [i for i in view.cloud.getPlotItem().items if hasattr(i, "points")]
    assert sorted(len(s.points()) for s in scatters) == [20] * 4
    # the error plot: the exact expected error as a curve, the sampled root mean squares
    # as markers around it. getData() is in the log axes' coordinates; xData/yData hold the
    # values themselves.
    from nnviz.core.gradient_estimate import expected_error

    n, norm = view.result["n"], np.linalg.norm(view.result["truth"])
    sampled = view.sampled_curve
    np.testing.assert_allclose(sampled.getData()[1], np.log10(sampled.yData))
    np.testing.assert_allclose(sampled.yData, [e.rms_error for e in estimates])
    assert list(sampled.xData) == [1, 10, 100, 1000]
    exact = view.exact_curve
    assert exact.xData[0] == 1 and exact.xData[-1] == n - 1
    assert np.all(np.diff(exact.yData) < 0)  # falls all the way to m = n - 1
    at = np.searchsorted(exact.xData, [1, 10, 100, 1000])
    assert list(exact.xData[at]) == [1, 10, 100, 1000]
    want = expected_error(np.array([1, 10, 100, 1000]), n, view.result["spread"], norm)
    np.testing.assert_allclose(exact.yData[at], want)
    assert "exact" in view.message.text() and "sampled" in view.message.text()
    cos = view.cosine_plot.listDataItems()[0].yData
    assert cos[-1] > cos[0]
    assert view.studio_lines[0].isVisible() and view.studio_lines[0].value() == pytest.approx(1)
    # a new network marks the result as old instead of silently keeping it
    view.set_network(net, digits)
    assert "changed" in view.message.text()


def test_gradient_view_cancel_stops_the_job(qtbot, trained):
    net, digits = trained
    view = GradientNoiseView()
    qtbot.addWidget(view)
    view.count_spin.setValue(1000)
    view.set_network(net, digits)
    view.compute()
    assert not view.cancel_button.isHidden()
    view.cancel()
    qtbot.waitUntil(lambda: not view.is_busy(), timeout=30000)
    assert view.result is None and view.cancel_button.isHidden()
    view.shutdown()


def test_cost_view_terms_sum_to_c_x_and_the_means_agree(cost_view):
    view, net, x, y, costs = cost_view
    for i in (0, 7):
        view.set_example(i)
        assert view.terms.sum() == pytest.approx(costs[i], abs=1e-12)
        a = net.feedforward(x[:, i])
        np.testing.assert_allclose(view.gradient, a - y[:, i], atol=1e-12)
        assert f"test example {i}" in view.cost_label.text()
    assert view.mean_of_costs == pytest.approx(view.vectorised_cost, abs=1e-12)
    assert view.mean_of_costs == pytest.approx(costs.mean(), abs=1e-12)


def test_explore_tab_passes_batch_size_and_example(qtbot, trained):
    tab = ExploreTab()
    qtbot.addWidget(tab)

    class Settings:
        batch_size = 10

    tab.on_run_settings(Settings())
    assert tab.views["estimates"].batch_size == 10
    tab.set_example(3)
    assert tab.views["cost_terms"].index == 3
    tab.shutdown()


def test_tiny_cost_terms_are_drawn_tiny(cost_view):
    # A well-learnt example: every term is far below 0.05; the axis must not zoom in on
    # them (a 1e-10 term would fill the plot and look like most of the cost).
    view, _net, _x, _y, costs = cost_view
    best = int(np.argmin(costs))
    view.set_example(best)
    assert view.terms.max() < 0.05
    top = view.term_plot.getPlotItem().getViewBox().viewRange()[1][1]
    assert top >= 0.05
    g_low, g_high = view.grad_plot.getPlotItem().getViewBox().viewRange()[1]
    assert g_low <= -0.2 and g_high >= 0.2
