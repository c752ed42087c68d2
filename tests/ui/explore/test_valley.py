"""The valley view (stepping, playing, divergence, clicking, 1-D mode) and the cost slice."""

from __future__ import annotations

import math

import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtTest import QTest

from nnviz.core.datasets.builtin import load_digits
from nnviz.core.learning.network import Network
from nnviz.core.valley import LANDSCAPES, largest_gradient_weights
from nnviz.ui.explore.cost_slice import CostSliceView
from nnviz.ui.explore.valley_view import (
    ETA_MAX,
    ETA_MIN,
    ValleyView,
    eta_from_slider,
    slider_from_eta,
)


@pytest.fixture
def view(qtbot):
    return qtbot.show_at(ValleyView(), 700, 700)


def _table_texts(view):
    t = view.table
    return [[t.item(r, c).text() for c in range(t.columnCount())] for r in range(t.rowCount())]


def test_eta_slider_is_logarithmic():
    assert eta_from_slider(0) == pytest.approx(ETA_MIN)
    assert eta_from_slider(1000) == pytest.approx(ETA_MAX)
    mid = eta_from_slider(500)
    assert mid == pytest.approx(math.sqrt(ETA_MIN * ETA_MAX))
    for eta in (0.001, 0.01, 0.3, 2.0):
        assert eta_from_slider(slider_from_eta(eta)) == pytest.approx(eta, rel=0.01)


def test_step_moves_ball_and_tabulates_prediction(view):
    view.set_landscape("bowl")
    view.set_eta(0.1)
    start = view.descent.position
    view.step()
    eta = view.eta
    expected = start - eta * 2 * start  # nabla C = 2 v on the bowl
    np.testing.assert_allclose(view.descent.position, expected)
    x, y = view.path_item.getData()
    np.testing.assert_allclose(np.c_[x, y], [start, expected])
    bx, by = view.ball.getData()
    assert (bx[0], by[0]) == pytest.approx(tuple(expected))
    rows = _table_texts(view)
    assert len(rows) == 1
    grad = 2 * start
    predicted = float(grad @ (-eta * grad))
    actual = LANDSCAPES["bowl"].cost(expected) - LANDSCAPES["bowl"].cost(start)
    assert float(rows[0][4]) == pytest.approx(predicted, rel=1e-3)
    assert float(rows[0][5]) == pytest.approx(actual, rel=1e-3)


def test_large_eta_zigzags_in_narrow_valley(view):
    view.set_landscape("narrow")
    view.set_eta(0.045)
    for _ in range(6):
        view.step()
    _, y = view.path_item.getData()
    assert np.all(np.sign(y[1:]) == -np.sign(y[:-1]))  # crosses the floor every step
    assert not view.descent.diverged


def test_play_stops_with_message_when_ball_blows_up(view, qtbot):
    view.set_landscape("narrow")
    view.set_eta(0.5)
    view.play()
    assert view.is_playing()
    qtbot.waitUntil(lambda: view.descent.diverged, timeout=10_000)
    assert not view.is_playing()
    assert view.play_button.text() == "Play"
    assert "blew up" in view.message.text()
    texts = [c for row in _table_texts(view) for c in row]
    assert not any("nan" in c.lower() for c in texts)
    x, y = view.path_item.getData()
    assert np.all(np.isfinite(x)) and np.all(np.isfinite(y))
    view.step()  # nothing happens once blown up
    assert view.table.rowCount() == len(view.descent.steps)


def test_play_stops_when_ball_settles(view, qtbot):
    view.set_landscape("bowl")
    view.set_eta(0.5)  # eta = 1/2 lands exactly on the bottom of v1^2 + v2^2 in one step
    view.play()
    qtbot.waitUntil(lambda: not view.is_playing(), timeout=5_000)
    assert view.descent.settled
    assert np.allclose(view.descent.position, 0, atol=1e-3)


def test_click_places_ball(view, qtbot):
    view.set_landscape("bowl")
    view.step()
    vb = view.plot.getPlotItem().getViewBox()
    scene_pt = vb.mapViewToScene(QPointF(0.5, -1.0))
    widget_pt = view.plot.mapFromScene(scene_pt)
    QTest.mouseClick(view.plot.viewport(), Qt.LeftButton, pos=widget_pt)
    qtbot.waitUntil(lambda: len(view.descent.steps) == 0, timeout=2_000)
    np.testing.assert_allclose(view.descent.position, [0.5, -1.0], atol=0.05)
    assert view.table.rowCount() == 0


def test_reset_returns_to_start_of_path(view):
    view.set_landscape("rotated")
    view.place_ball([1.0, 1.0])
    for _ in range(3):
        view.step()
    view.reset()
    np.testing.assert_allclose(view.descent.position, [1.0, 1.0])
    assert view.table.rowCount() == 0


def test_one_dimensional_mode_draws_curve_and_ball_on_it(view):
    view.set_landscape("parabola")
    assert not view.image.isVisible()
    cx, cy = view.curve.getData()
    np.testing.assert_allclose(cy, cx**2)
    view.set_eta(0.8)
    for _ in range(3):
        view.step()
    x, y = view.path_item.getData()
    np.testing.assert_allclose(y, x**2)
    assert np.all(np.sign(x[1:]) == -np.sign(x[:-1]))  # 0.5 < eta < 1 hops side to side
    view.set_landscape("bowl")
    assert view.image.isVisible()
    assert view.curve.getData()[0] is None or len(view.curve.getData()[0]) == 0


def test_preview_follows_eta_and_tangent_holds_prediction(view):
    view.set_landscape("narrow")
    view.set_eta(0.01)
    v = view.descent.position
    grad = np.array([2 * v[0], 40 * v[1]])
    x, y = view.preview_item.getData()
    np.testing.assert_allclose(np.c_[x, y][-1], v - view.eta * grad)
    view.set_eta(0.03)  # moving the slider alone moves the preview, not the ball
    x, y = view.preview_item.getData()
    np.testing.assert_allclose(np.c_[x, y][-1], v - view.eta * grad)
    np.testing.assert_allclose(view.descent.position, v)
    view.set_landscape("double_well")
    view.set_eta(0.1)
    v = view.descent.position[0]
    slope = 4 * v**3 - 4 * v + 0.5
    c = v**4 - 2 * v**2 + 0.5 * v
    tx, ty = view.tangent_item.getData()
    np.testing.assert_allclose(ty, c + slope * (tx - v))
    px, py = view.predicted_item.getData()
    assert px[0] == pytest.approx(v - 0.1 * slope, rel=0.02)
    assert py[0] == pytest.approx(c + slope * (px[0] - v))


# --- the cost slice through two weights of a real network ---------------------------------------


class _Snap:
    """Stands in for a Snapshot: only ``weights`` is read for the path."""

    def __init__(self, weights):
        self.weights = tuple(np.array(w) for w in weights)


@pytest.fixture(scope="module")
def digits():
    return load_digits()


@pytest.fixture
def slicer(qtbot):
    w = CostSliceView()
    qtbot.addWidget(w)
    w.resize(700, 600)
    w.show()
    qtbot.waitExposed(w)
    return w


def _wait_result(qtbot, view):
    qtbot.waitUntil(
        lambda: view.result is not None and not view.is_busy() and not view._debounce.isActive(),
        timeout=20_000,
    )


def test_slice_hint_without_network(slicer, digits):
    assert slicer.hint.isVisible() and not slicer.plot.isVisible()
    slicer.set_network(Network([5, 3, 10], seed=0), digits)  # wrong input size
    assert "does not fit" in slicer.hint.text()
    assert slicer.result is None


def test_slice_of_network_centre_is_its_cost(slicer, digits, qtbot):
    net = Network([64, 6, 10], seed=1)
    slicer.sample_spin.setValue(200)
    slicer.grid_spin.setValue(11)
    slicer.set_network(net, digits)
    _wait_result(qtbot, slicer)
    split = digits.train.head(200)
    x, y = digits.inputs(split), split.y.T.astype(float)
    # Default choice: the two weights with the largest gradient on the sample.
    assert list(slicer.weights()) == largest_gradient_weights(net, x, y, 2)
    r = slicer.result
    assert r["costs"].shape == (11, 11)
    assert r["costs"][5, 5] == pytest.approx(net.cost(x, y), rel=1e-10)
    # One off-centre point, checked by moving the two weights by hand.
    (l1, j1, k1), (l2, j2, k2) = slicer.weights()
    moved = net.copy()
    moved.weights[l1][j1, k1] += r["offsets1"][2]
    moved.weights[l2][j2, k2] += r["offsets2"][9]
    assert r["costs"][2, 9] == pytest.approx(moved.cost(x, y), rel=1e-10)
    assert slicer.image.image.shape == (11, 11)
    cx, cy = slicer.current_item.getData()
    assert (cx[0], cy[0]) == pytest.approx((net.weights[l1][j1, k1], net.weights[l2][j2, k2]))
    assert "C now = " in slicer.message.text() and "nan" not in slicer.message.text()


def test_slice_draws_training_path_and_range_fits_it(slicer, digits, qtbot):
    net = Network([64, 6, 10], seed=2)
    slicer.sample_spin.setValue(100)
    slicer.grid_spin.setValue(9)
    slicer.set_network(net, digits)
    _wait_result(qtbot, slicer)
    w1, w2 = (0, 1, 10), (1, 4, 2)
    slicer.set_weights(w1, w2)
    snaps = []
    for t in np.linspace(0, 1, 5):  # a made-up history ending at the current weights
        ws = [w.copy() for w in net.weights]
        ws[0][1, 10] += 3.0 * (1 - t)
        ws[1][4, 2] -= 0.5 * (1 - t)
        snaps.append(_Snap(ws))
    slicer.set_history(snaps)
    qtbot.waitUntil(
        lambda: (
            slicer.result is not None
            and slicer.result["w1"] == w1
            and not slicer.is_busy()
            and not slicer._debounce.isActive()
        ),
        timeout=20_000,
    )
    px, py = slicer.path_item.getData()
    np.testing.assert_allclose(px, [s.weights[0][1, 10] for s in snaps])
    np.testing.assert_allclose(py, [s.weights[1][4, 2] for s in snaps])
    o1 = slicer.result["offsets1"]
    assert o1[-1] >= 3.0  # the auto range grew to hold the start of the path
    assert slicer.plot.getPlotItem().getAxis("bottom").labelText == "w²₁,₁₀"


def test_cancel_drops_the_result_and_stops_threads(slicer, digits, qtbot):
    slicer.sample_spin.setValue(1000)
    slicer.grid_spin.setValue(121)
    slicer.set_network(Network([64, 30, 10], seed=3), digits)
    slicer.compute()
    assert slicer.is_busy()
    slicer.cancel()
    assert not slicer.is_busy()
    slicer.shutdown()
    qtbot.settle()
    assert slicer.result is None
    assert slicer.jobs.shutdown(0)  # every thread it started has ended


def test_slow_slice_shows_progress_and_cancel_button_stops_it(slicer, digits, qtbot):
    slicer.sample_spin.setValue(1000)
    slicer.grid_spin.setValue(121)  # ~15,000 grid points: seconds of work
    slicer.set_network(Network([64, 30, 10], seed=3), digits)
    slicer.compute()
    qtbot.waitUntil(lambda: slicer.cancel_button.isVisible(), timeout=5_000)
    assert slicer.progress.isVisible()
    qtbot.waitUntil(lambda: slicer.progress.value() > 0, timeout=10_000)
    job = slicer.jobs.current
    slicer.cancel_button.click()
    assert job.wait(5_000)  # the thread noticed the interruption and ended
    assert not slicer.progress.isVisible()
    assert slicer.result is None


def test_largest_gradient_button(slicer, digits, qtbot):
    net = Network([64, 6, 10], seed=4)
    slicer.sample_spin.setValue(150)
    slicer.set_network(net, digits)
    slicer.set_weights((0, 0, 0), (0, 1, 1))
    slicer.largest_button.click()
    split = digits.train.head(150)
    expected = largest_gradient_weights(net, digits.inputs(split), split.y.T.astype(float), 2)
    assert list(slicer.weights()) == expected
    slicer.shutdown()


def test_slice_follows_a_changed_network_without_blanking(slicer, digits, qtbot):
    net = Network([64, 6, 10], seed=7)
    slicer.sample_spin.setValue(100)
    slicer.grid_spin.setValue(7)
    slicer.set_network(net, digits)
    _wait_result(qtbot, slicer)
    (l1, j1, k1), _ = slicer.weights()
    old = slicer.result
    net.weights[l1][j1, k1] += 0.75  # as if training moved it
    slicer.set_network(net, digits)
    assert slicer.result is old and slicer.image.image is not None  # old picture stays
    qtbot.waitUntil(lambda: slicer.result is not old and not slicer.is_busy(), timeout=20_000)
    assert slicer.result["centre"][0] == pytest.approx(float(net.weights[l1][j1, k1]))


def test_closing_with_a_slice_pending_starts_no_thread(slicer, digits, qtbot):
    slicer.sample_spin.setValue(100)
    slicer.set_network(Network([64, 6, 10], seed=8), digits)  # a compute is now scheduled
    assert slicer._debounce.isActive()
    slicer.close()
    qtbot.settle()
    assert not slicer._debounce.isActive()  # closing cancelled the scheduled compute
    assert not slicer.is_busy() and slicer.jobs.current is None


def test_the_colour_bar_reads_in_cost_and_the_landscape_fills_the_height(qtbot):
    view = ValleyView(landscape="bowl")
    qtbot.addWidget(view)
    view.resize(1200, 560)
    view.show()
    qtbot.waitExposed(view)
    ticks = view.colour_bar.axis._tickLevels[0]
    labels = [float(text) for _pos, text in ticks]
    # the bowl C = v1^2 + v2^2 on [-2, 2]^2: from 0 at the bottom to 8 in the corners
    assert labels[0] == pytest.approx(0.0) and labels[-1] == pytest.approx(8.0, rel=1e-3)
    assert all(pos**2 == pytest.approx(c, abs=1e-9) for (pos, _t), c in zip(ticks, labels))
    # square axes beside the step table: the plot is about as tall as it is wide
    assert view.plot.height() > 0.8 * view.plot.width()
    one_d = next(k for k, ls in LANDSCAPES.items() if ls.dim == 1)
    view.set_landscape(one_d)  # a curve, no colours: no colour bar
    assert not view.colour_bar.isVisible()
