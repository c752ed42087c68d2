"""The perceptron lab: drive its controls, assert on what it shows."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from PySide6.QtCore import Qt

from nnviz.ui.pages import show_sub_view
from nnviz.ui.perceptron.lab import PerceptronLab


def nand(a: int, b: int) -> int:
    return int(not (a and b))


def fires(weights, bias, x) -> int:
    return int(sum(w * v for w, v in zip(weights, x, strict=True)) + bias > 0)


@pytest.fixture
def lab(qtbot):
    widget = PerceptronLab()
    qtbot.addWidget(widget)
    widget.resize(1280, 720)
    widget.show()
    return widget


def table_column(lab: PerceptronLab, name: str) -> list[str]:
    headers = [lab.table.horizontalHeaderItem(c).text() for c in range(lab.table.columnCount())]
    col = headers.index(name)
    return [lab.table.item(r, col).text() for r in range(lab.table.rowCount())]


def sum_text(lab: PerceptronLab) -> str:
    return lab.sum_label.text().replace("\u00a0", " ")  # the label keeps the tail unbroken


def click(qtbot, button) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_nand_preset_fills_controls_and_table(lab, qtbot):
    lab.load_preset("nand")
    assert [r.value() for r in lab.weight_rows[:2]] == [-2.0, -2.0]
    assert lab.bias_row.value() == 3.0
    assert not lab.weight_rows[2].isVisibleTo(lab)
    pairs = itertools.product((0, 1), (0, 1))
    assert table_column(lab, "out") == [str(nand(a, b)) for a, b in pairs]
    assert table_column(lab, "x1") == ["0", "0", "1", "1"]
    assert table_column(lab, "x2") == ["0", "1", "0", "1"]
    assert "bias 3" in lab.preset_label.text()


def test_toggling_inputs_updates_lamp_sum_and_highlight(lab, qtbot):
    lab.load_preset("nand")
    assert lab.lamp.value() == 1.0 and lab.lamp.text() == "1"
    assert lab.highlighted_row() == 0
    click(qtbot, lab.input_buttons[0])
    assert lab.input_buttons[0].text().startswith("x1 = 1")
    assert lab.highlighted_row() == 2
    assert lab.lamp.text() == "1"
    assert sum_text(lab) == "(-2)(1) + (-2)(0) + 3 = 1 > 0 → 1"
    click(qtbot, lab.input_buttons[1])
    assert lab.highlighted_row() == 3
    assert lab.lamp.value() == 0.0 and lab.lamp.text() == "0"
    assert sum_text(lab) == "(-2)(1) + (-2)(1) + 3 = -1 ≤ 0 → 0"


def test_clicking_a_table_row_sets_the_inputs(lab, qtbot):
    lab.load_preset("nand")
    lab.table.cellClicked.emit(3, 0)
    assert [b.isChecked() for b in lab.input_buttons[:2]] == [True, True]
    assert lab.lamp.text() == "0"


def test_slider_and_spin_stay_in_sync_and_drive_the_model(lab, qtbot):
    lab.load_preset("nand")
    row = lab.weight_rows[0]
    row.spin.setValue(1.5)
    assert row.slider.value() == 15
    assert lab.perceptron().weights[0] == 1.5
    row.slider.setValue(-37)
    assert row.spin.value() == pytest.approx(-3.7)
    assert lab.perceptron().weights[0] == pytest.approx(-3.7)
    # the table follows: w = (-3.7, -2), b = 3
    expected = [str(fires((-3.7, -2.0), 3.0, x)) for x in itertools.product((0, 1), (0, 1))]
    assert table_column(lab, "out") == expected


def test_switching_forms_keeps_behaviour(lab, qtbot):
    lab.load_preset("cheese3")
    assert lab.threshold_radio.isChecked()
    assert lab.bias_row.label.text() == "threshold" and lab.bias_row.value() == 3.0
    before = table_column(lab, "out")
    assert before == [str(int(a or (b and c))) for a, b, c in itertools.product((0, 1), repeat=3)]
    click(qtbot, lab.bias_radio)
    assert lab.bias_row.label.text() == "b" and lab.bias_row.value() == -3.0
    assert table_column(lab, "out") == before
    # the sum is now written in the bias form
    assert sum_text(lab).startswith("(6)(0) + (2)(0) + (2)(0) - 3 = -3")
    click(qtbot, lab.threshold_radio)
    assert lab.bias_row.value() == 3.0
    assert table_column(lab, "out") == before


def test_threshold_edit_in_threshold_form(lab, qtbot):
    lab.load_preset("cheese5")
    lab.bias_row.spin.setValue(7.0)  # threshold 7: weather alone (6) is not enough
    assert lab.perceptron().bias == -7.0
    outs = table_column(lab, "out")
    assert outs == [
        str(int(6 * a + 2 * b + 2 * c > 7)) for a, b, c in itertools.product((0, 1), repeat=3)
    ]


def test_preset_load_can_be_undone(lab, qtbot):
    lab.n_spin.setValue(3)
    lab.set_weights([0.5, -1.0, 2.5], -0.5)
    lab.load_preset("not")
    assert lab.perceptron().weights == (-1.0,)
    assert lab.undo_button.isEnabled()
    click(qtbot, lab.undo_button)
    assert lab.perceptron().weights == (0.5, -1.0, 2.5)
    assert lab.perceptron().bias == -0.5
    assert lab.n_spin.value() == 3


def test_fewer_inputs_keep_hidden_weights(lab, qtbot):
    lab.n_spin.setValue(4)
    lab.weight_rows[3].spin.setValue(4.5)
    lab.n_spin.setValue(2)
    assert lab.perceptron().n_inputs == 2 and lab.table.rowCount() == 4
    lab.n_spin.setValue(4)
    assert lab.perceptron().weights[3] == 4.5
    assert lab.table.rowCount() == 16


def test_challenge_pass_and_fail_message_names_the_row(lab, qtbot):
    lab.set_challenge("and")
    assert lab.check_button.isEnabled()
    lab.load_preset("or")
    click(qtbot, lab.check_button)
    assert lab.last_check is not None and not lab.last_check.passed
    text = lab.result_label.text()
    assert "Row 01 fails" in text and "x1=0 x2=1" in text
    assert table_column(lab, "wanted") == ["0", "0", "0", "1"]
    # fix it: the check re-runs as the bias changes
    lab.bias_row.spin.setValue(-1.5)
    assert lab.last_check.passed
    assert "Passed" in lab.result_label.text()


def test_majority_challenge_switches_to_three_inputs(lab, qtbot):
    lab.set_challenge("majority")
    assert lab.n_spin.value() == 3
    assert not lab.hint_label.isVisible()
    click(qtbot, lab.hint_button)
    assert lab.hint_label.isVisible() and "bias" in lab.hint_label.text()
    lab.set_weights([1.0, 1.0, 1.0], -1.5)
    click(qtbot, lab.check_button)
    assert lab.last_check.passed


def test_xor_challenge_explains_after_trying(lab, qtbot):
    lab.load_preset("nand")
    lab.set_challenge("xor")
    assert "Why" not in lab.result_label.text()  # not before the user has tried
    click(qtbot, lab.check_button)
    text = lab.result_label.text()
    assert "Row 00 fails" in text
    assert "Why it cannot pass" in text and "line" in text
    wants = [label.toPlainText() for label in lab.plane.want_labels]
    assert wants[0].startswith("wants 0") and wants[1].startswith("wants 1")


def test_decision_plane_matches_the_rule(lab, qtbot):
    lab.load_preset("nand")
    plane = lab.plane
    assert plane.corner_outputs == [1, 1, 1, 0]
    x1, x2 = plane.line_xy
    # points on the drawn line satisfy -2 x1 - 2 x2 + 3 = 0
    assert np.allclose(-2 * x1 - 2 * x2 + 3, 0)
    # shading: region value 1 exactly where z > 0 on the grid
    axis = np.linspace(plane.LO, plane.HI, plane.GRID)
    g1, g2 = np.meshgrid(axis, axis)
    assert np.array_equal(plane.region_values, (-2 * g1 - 2 * g2 + 3 > 0).astype(float))
    lab.weight_rows[1].spin.setValue(0.0)  # vertical line x1 = 1.5
    x1, x2 = plane.line_xy
    assert np.allclose(x1, 1.5)
    lab.n_spin.setValue(1)
    assert lab.plane_stack.currentWidget() is lab.plane_hint


def test_decision_plane_slices_through_extra_inputs(lab, qtbot):
    lab.load_preset("nand")
    lab.n_spin.setValue(3)
    lab.weight_rows[2].spin.setValue(2.5)
    assert lab.plane_stack.currentWidget() is lab.plane_holder
    x1, x2 = lab.plane.line_xy
    assert np.allclose(-2 * x1 - 2 * x2 + 3, 0)  # x3 = 0: same line as NAND
    click(qtbot, lab.input_buttons[2])  # x3 = 1 adds w3 to the bias of the slice
    x1, x2 = lab.plane.line_xy
    assert np.allclose(-2 * x1 - 2 * x2 + 3 + 2.5, 0)
    assert lab.plane.corner_outputs == [
        fires((-2.0, -2.0, 2.5), 3.0, (a, b, 1)) for a, b in itertools.product((0, 1), (0, 1))
    ]
    assert "x3 = 1 held" in lab.plane_caption.text()


def test_sigmoid_mode_shows_sigma_and_scale(lab, qtbot):
    lab.load_preset("nand")
    click(qtbot, lab.sigmoid_radio)
    assert lab.input_stack.currentIndex() == 1
    # σ(z) is a tab beside the plane, the scaling plot one beside the small changes.
    assert lab.plots_tabs.isTabVisible(1) and lab.extras_tabs.isVisible()
    for view in ("sigma", "scaling"):
        assert show_sub_view(lab, view)
    assert lab.sigma_box.isVisible() and lab.scale_box.isVisible()
    assert not lab.challenge_box.isVisible()
    lab.input_sliders[0].spin.setValue(0.8)
    lab.input_sliders[1].spin.setValue(0.6)
    z = -2 * 0.8 - 2 * 0.6 + 3
    assert lab.lamp.value() == pytest.approx(1 / (1 + math.exp(-z)))
    lab.c_row.spin.setValue(10.0)
    assert lab.lamp.value() == pytest.approx(1 / (1 + math.exp(-10 * z)))
    # sigma plot: the marker sits at c z on the curve; step overlay is 0/1
    mx, my = lab.sigma_plot.marker.getData()
    assert mx[0] == pytest.approx(10 * z) and my[0] == pytest.approx(lab.lamp.value())
    sx, sy = lab.sigma_plot.step_curve.getData()
    assert set(np.unique(sy)) == {0.0, 1.0} and np.all((sy == 1) == (sx > 0))
    # output vs c approaches the perceptron (z > 0 -> 1)
    log_cs, outs = lab.scale_plot.curve.getData()  # the log axis hands back log10(c)
    cs = 10**log_cs
    assert cs[0] == pytest.approx(0.1) and cs[-1] == pytest.approx(100.0)
    assert np.allclose(outs, 1 / (1 + np.exp(-cs * z)))
    assert outs[-1] > 0.999 and lab.scale_plot.limit_line.value() == 1.0


def test_scale_curve_stays_half_on_the_line(lab, qtbot):
    click(qtbot, lab.sigmoid_radio)
    lab.set_weights([1.0, 1.0], -1.0)
    lab.input_sliders[0].spin.setValue(0.25)
    lab.input_sliders[1].spin.setValue(0.75)  # z = 0 exactly
    _, outs = lab.scale_plot.curve.getData()
    assert np.all(outs == 0.5)
    assert "stays 0.5" in lab.scale_caption.text()
    lab.c_row.spin.setValue(50.0)
    assert lab.lamp.value() == 0.5


def test_small_change_panel_shows_prediction_and_truth(lab, qtbot):
    click(qtbot, lab.sigmoid_radio)
    lab.set_weights([0.8, -0.4], 0.1)
    lab.input_sliders[0].spin.setValue(0.6)
    lab.input_sliders[1].spin.setValue(0.3)
    lab.nudge_combo.setCurrentText("w1")
    lab.delta_spin.setValue(0.2)
    z = 0.8 * 0.6 - 0.4 * 0.3 + 0.1
    s = 1 / (1 + math.exp(-z))
    predicted = s * (1 - s) * 0.6 * 0.2
    actual = 1 / (1 + math.exp(-(z + 0.6 * 0.2))) - s
    text = lab.change_label.text()
    assert f"{predicted:+.5f}" in text
    assert f"{actual:+.5f}" in text


def test_switching_back_to_perceptron_restores_binary_view(lab, qtbot):
    lab.load_preset("nand")
    click(qtbot, lab.sigmoid_radio)
    click(qtbot, lab.perceptron_radio)
    assert lab.input_stack.currentIndex() == 0
    assert lab.challenge_box.isVisible() and not lab.sigma_box.isVisible()
    assert not lab.plots_tabs.isTabVisible(1) and not lab.extras_tabs.isVisible()
    assert lab.lamp.text() in {"0", "1"}
    assert "σ(c·z)" not in [
        lab.table.horizontalHeaderItem(c).text() for c in range(lab.table.columnCount())
    ]
