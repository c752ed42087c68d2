"""The valley view: stepping, playing, divergence, clicking and the 1-D mode."""

from __future__ import annotations

import math

import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtTest import QTest

from nnviz.core.valley import LANDSCAPES
from nnviz.ui.explore.valley_view import (
    ETA_MAX,
    ETA_MIN,
    ValleyView,
    eta_from_slider,
    slider_from_eta,
)


@pytest.fixture
def view(qtbot):
    w = ValleyView()
    qtbot.addWidget(w)
    w.resize(700, 700)
    w.show()
    qtbot.waitExposed(w)
    return w


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
