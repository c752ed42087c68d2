"""The matrix view: shows w a + b = z -> sigma -> a for the chosen input and layer, and hovers."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt

from nnviz.core.datasets.builtin import load_digits
from nnviz.core.learning.network import Network
from nnviz.core.matrix_form import layer_equation, output_error
from nnviz.ui.explore.matrix_view import MatrixView


@pytest.fixture(scope="module")
def digits():
    return load_digits()


@pytest.fixture
def view(qtbot):
    return qtbot.show_at(MatrixView(), 1000, 800)


def _x(ds, i):
    return ds.inputs(ds.test, np.float64)[:, i]


def test_hint_without_network(view, digits):
    assert view.stack.currentIndex() == 0
    assert "network" in view.hint.text().lower()
    view.set_network(Network([64, 7, 10], seed=0), digits)
    assert view.stack.currentIndex() == 1
    view.set_network(None, None)
    assert view.stack.currentIndex() == 0
    view.set_network(Network([4, 3, 10], seed=0), digits)  # 4 inputs cannot read 8x8 images
    assert view.stack.currentIndex() == 0
    assert "does not fit" in view.hint.text()


def test_images_show_the_layer_equation(view, digits):
    net = Network([64, 7, 5, 10], seed=2)
    view.set_network(net, digits)
    view.set_input_index(4)
    for l in range(3):
        view.set_layer(l)
        eq = layer_equation(net, _x(digits, 4), l)
        for name in ("w", "a_prev", "b", "z", "a"):
            np.testing.assert_allclose(view.images[name].image, eq[name])
    view.set_layer(1)
    caption = view.captions["w"].text
    assert "w³ (5 × 7)" in caption
    assert "a² (7 × 1)" in view.captions["a_prev"].text
    assert "z³" in view.titles["z"].text


def test_browsing_inputs_with_arrows(view, digits, qtbot):
    net = Network([64, 7, 10], seed=3)
    view.set_network(net, digits)
    view.set_input_index(0)
    view.next_button.click()
    view.next_button.click()
    view.prev_button.click()
    assert view.input_index == 1
    np.testing.assert_allclose(view.images["a_prev"].image[:, 0], _x(digits, 1))
    assert f"label {int(digits.test.labels[1])}" in view.input_label.text()
    np.testing.assert_allclose(view.input_image.image, _x(digits, 1).reshape(8, 8))


def _move_to(view, name, row, col):
    vb = view.views[name]
    scene_pt = vb.mapViewToScene(QPointF(col + 0.5, row + 0.5))
    view.graphics.scene().sigMouseMoved.emit(scene_pt)


def test_hovering_a_weight_names_it_and_emits(view, digits, qtbot):
    net = Network([64, 7, 10], seed=4)
    view.set_network(net, digits)
    view.set_layer(1)
    with qtbot.waitSignal(view.weight_hovered, timeout=1000) as blocker:
        _move_to(view, "w", 6, 3)
    assert blocker.args == [1, 6, 3]
    text = view.status.text()
    assert text.startswith(f"w³₇,₄ = {net.weights[1][6, 3]:+.4f}")  # numbered from 1
    assert "from neuron 4 of layer 2 to neuron 7 of layer 3" in text
    assert view.marks["w"].isVisible() and view.marks["a_prev"].isVisible()
    seen = []
    view.weight_hovered.connect(lambda *args: seen.append(args))
    _move_to(view, "w", 6, 3)  # same entry again: no repeat
    _move_to(view, "w", 2, 5)
    assert seen == [(1, 2, 5)]
    with qtbot.waitSignal(view.hover_cleared, timeout=1000):
        _move_to(view, "b", 2, 0)
    assert f"{net.biases[1][2, 0]:+.4f}" in view.status.text()


def test_hovering_z_and_activations_shows_values(view, digits):
    net = Network([64, 7, 10], seed=5)
    view.set_network(net, digits)
    view.set_input_index(2)
    view.set_layer(0)
    eq = layer_equation(net, _x(digits, 2), 0)
    _move_to(view, "z", 4, 0)
    assert view.status.text().endswith(f"= {eq['z'][4, 0]:+.4f}")
    assert view.status.text().startswith("z²₅ = ")  # row 4 is the book's neuron 5
    _move_to(view, "a_prev", 10, 0)
    assert f"a¹₁₁ = {eq['a_prev'][10, 0]:.4f}" in view.status.text()
    _move_to(view, "a", 1, 0)
    assert view.status.text().endswith(f"= {eq['a'][1, 0]:.4f}")


def test_delta_table_is_bp1_for_the_input(view, digits):
    net = Network([64, 7, 10], seed=6)
    view.set_network(net, digits)
    view.set_input_index(7)
    err = output_error(net, _x(digits, 7), digits.test.y[7].astype(float))
    t = view.delta_table
    assert t.rowCount() == 10
    assert t.verticalHeaderItem(0).text() == "j=1: digit 0"  # the book's neuron 1
    for j in range(10):
        assert float(t.item(j, 5).text()) == pytest.approx(err["delta"][j, 0], abs=1e-4)
        assert float(t.item(j, 3).text()) == digits.test.y[7, j]
    assert "[3, 8]" in view.hadamard_label.text()


def test_one_notation_everywhere_in_the_matrix_form(view, digits):
    """w², never w^2 or <sup>: the layer list, captions, titles, the BP1 table and every
    hover line use the same super- and subscripts."""
    net = Network([64, 7, 10], seed=5)
    view.set_network(net, digits)
    texts = [view.layer_box.itemText(i) for i in range(view.layer_box.count())]
    for l in range(2):
        view.set_layer(l)
        texts += [c.text for c in view.captions.values()] + [t.text for t in view.titles.values()]
        for name in ("w", "a_prev", "b", "z", "a"):
            _move_to(view, name, 1, 0)
            texts.append(view.status.text())
    header = view.delta_table.horizontalHeader().model()
    texts += [header.headerData(i, Qt.Orientation.Horizontal) for i in range(6)]
    texts.append(view.hadamard_label.text())
    assert texts and all("^" not in t and "<sup>" not in t for t in texts), texts
    assert any("w²" in t for t in texts) and any("δᴸ" in t for t in texts)
