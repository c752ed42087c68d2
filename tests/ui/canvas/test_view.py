"""NetworkCanvas: building, live recolouring without new items, hit-testing, elision, export."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt

from nnviz.core.learning.network import Network
from nnviz.core.learning.snapshot import CHUNK, Progress, Snapshot
from nnviz.ui.canvas.layout import KEEP_OTHER, layout_layers
from nnviz.ui.canvas.style import N_LEVELS, NEGATIVE, POSITIVE
from nnviz.ui.canvas.view import NetworkCanvas


def make_canvas(qtbot, sizes, seed=0, **kw) -> tuple[NetworkCanvas, Network]:
    net = Network(sizes, seed=seed)
    canvas = NetworkCanvas()
    qtbot.addWidget(canvas)
    canvas.resize(900, 650)
    canvas.set_network(net.sizes, net.weights, net.biases, **kw)
    return canvas, net


def snapshot_of(net: Network) -> Snapshot:
    return Snapshot.capture(net, Progress(CHUNK, 0, 1, 10, 10, 0.5, 3.0, 0.1))


@pytest.mark.parametrize(
    "sizes, shown",
    [([784, 30, 10], [16, 30, 10]), ([64, 30, 10], [16, 30, 10]), ([2, 3, 1], [2, 3, 1])],
)
def test_builds_with_expected_shown_units_and_edges(qtbot, sizes, shown):
    canvas, _ = make_canvas(qtbot, sizes)
    assert [item.layout.shown.size for item in canvas.neuron_items] == shown
    # One item per layer and per layer pair, not one per weight.
    assert len(canvas.edge_items) == len(sizes) - 1
    for l, item in enumerate(canvas.edge_items):
        assert item.j.size == shown[l] * shown[l + 1]
        assert item.bucket_counts.sum() == item.j.size and item.bucket_counts[-1] == 0
    assert len(canvas.scene().items()) == 2 * len(sizes) - 1


def test_output_layer_labelled_by_digit(qtbot):
    canvas, _ = make_canvas(qtbot, [784, 30, 10])
    assert canvas.neuron_items[-1].labels == [str(d) for d in range(10)]


def test_unit_names_are_drawn_and_used_in_info(qtbot):
    names = [["x1", "x2"], ["a", "b", "c"], ["sum"]]
    canvas, net = make_canvas(qtbot, [2, 3, 1], unit_names=names, layer_names=["in", "g", "out"])
    assert [item.labels for item in canvas.neuron_items] == names
    assert [item.title for item in canvas.neuron_items] == ["in", "g", "out"]
    info = canvas.neuron_info(2, 0)
    assert "sum" in info
    assert f"{float(net.biases[1][0, 0]):+.4f}" in info
    # The biggest incoming weight is listed first, by its source's name.
    k = int(np.argmax(np.abs(net.weights[1][0])))
    assert info.splitlines()[3].strip().startswith(f"from {names[1][k]}:")


def test_snapshot_recolours_without_new_items(qtbot):
    canvas, net = make_canvas(qtbot, [784, 30, 10])
    items_before = list(canvas.scene().items())
    edge_before = canvas.edge_items[1]
    counts_before = edge_before.bucket_counts.copy()
    # Make every hidden->output weight strongly negative: all edges fall in negative buckets.
    net.weights[1][:] = -np.abs(net.weights[1]) - 0.01
    canvas.set_snapshot(snapshot_of(net))
    canvas.flush()
    assert list(canvas.scene().items()) == items_before
    assert canvas.edge_items[1] is edge_before
    counts = edge_before.bucket_counts
    assert not np.array_equal(counts, counts_before)
    assert counts[:N_LEVELS].sum() == 300 and counts[N_LEVELS:].sum() == 0


def test_snapshot_with_new_sizes_rebuilds(qtbot):
    canvas, _ = make_canvas(qtbot, [784, 30, 10])
    canvas.set_snapshot(snapshot_of(Network([64, 20, 10], seed=1)))
    assert canvas.sizes == (64, 20, 10)
    assert canvas.edge_items[0].j.size == 16 * 20  # 64 inputs: 8 at each end and "..."


def test_fast_snapshots_are_coalesced_to_the_newest(qtbot):
    canvas, net = make_canvas(qtbot, [2, 3, 1])
    canvas.set_max_fps(5)
    canvas.set_snapshot(snapshot_of(net))  # drawn at once, starts the limit
    net.weights[0][:] = 1.0
    canvas.set_snapshot(snapshot_of(net))
    net.weights[0][:] = -1.0
    canvas.set_snapshot(snapshot_of(net))
    assert canvas.weights[0][0, 0] != -1.0  # still waiting
    qtbot.waitUntil(lambda: canvas.weights[0][0, 0] == -1.0, timeout=2000)


def test_a_relayout_keeps_the_snapshot_waiting_for_the_frame_limit(qtbot):
    """A run's last snapshot may wait for the frame-rate limit while the canvas is laid out
    anew (a resize, a new input mode): it must still be drawn, not dropped."""
    canvas, net = make_canvas(qtbot, [64, 8, 10])
    canvas.set_max_fps(1)  # a long wait, so the relayout surely comes while it waits
    canvas.set_snapshot(snapshot_of(net))  # drawn at once, starts the limit
    newest = Network([64, 8, 10], seed=7)
    canvas.set_snapshot(snapshot_of(newest))  # waits for the limit
    canvas.set_input_mode("grid")  # relayout while it waits
    qtbot.waitUntil(lambda: np.array_equal(canvas.weights[0], newest.weights[0]))
    np.testing.assert_array_equal(canvas.biases[-1], newest.biases[-1])


def test_bias_ring_colour_follows_sign(qtbot):
    canvas, net = make_canvas(qtbot, [2, 3, 1])
    net.biases[0][:, 0] = [2.0, -2.0, 0.5]
    canvas.set_snapshot(snapshot_of(net))
    canvas.flush()
    layer = canvas.neuron_items[1]
    assert layer.ring_of(0).color() == POSITIVE
    assert layer.ring_of(1).color() == NEGATIVE
    assert layer.ring_of(0).widthF() > layer.ring_of(2).widthF()


def test_activations_fill_neurons(qtbot):
    canvas, net = make_canvas(qtbot, [2, 3, 1])
    zs, acts = net.forward_pass(np.array([[1.0], [0.0]]))
    canvas.set_activations([a[:, 0] for a in acts])
    fill_on = canvas.neuron_items[0].fill_of(0)
    fill_off = canvas.neuron_items[0].fill_of(1)
    assert fill_on.lightness() < 60 < 200 < fill_off.lightness()  # ink dark, paper light
    assert "input a¹₁ = 1.0000" in canvas.neuron_info(0, 0)
    with pytest.raises(ValueError):
        canvas.set_activations([np.zeros(2), np.zeros(4), np.zeros(1)])
    canvas.set_activations(None)
    assert canvas.activations is None


def test_elides_a_200_neuron_layer(qtbot):
    canvas, _ = make_canvas(qtbot, [10, 200, 10])
    hidden = canvas.neuron_items[1].layout
    assert hidden.elided and hidden.shown.size == 2 * KEEP_OTHER
    assert hidden.shown[0] == 0 and hidden.shown[-1] == 199
    assert canvas.neuron_center(1, 100) is None
    assert canvas.neuron_center(1, 199) is not None
    # Edges exist only for shown units.
    assert set(canvas.edge_items[0].j.tolist()) == set(hidden.shown.tolist())
    # The ellipsis sits between the kept head and tail.
    ys = hidden.ys
    assert ys[KEEP_OTHER - 1] < hidden.ellipsis_y < ys[KEEP_OTHER]


def test_layout_draws_100_as_the_book_does_and_keeps_30_in_full():
    lay = layout_layers([784, 100, 10])
    assert lay[1].elided and lay[1].shown.size == 2 * KEEP_OTHER  # some neurons and "..."
    assert lay[1].shown[0] == 0 and lay[1].shown[-1] == 99
    assert lay[0].elided and not lay[2].elided
    assert not layout_layers([784, 30, 10])[1].elided


def test_layout_keeps_only_the_rows_that_fit():
    lay = layout_layers([784, 30, 10], column=300, max_rows=12)
    assert [l.shown.size + 2 * l.elided for l in lay] == [12, 12, 10]
    spacing = np.diff(lay[1].ys).min()
    assert spacing >= 300 / 12 - 1e-9


def test_edge_at_midpoint_hits_that_edge(qtbot):
    canvas, _ = make_canvas(qtbot, [784, 30, 10])
    for l, j, k in [(0, 5, 3), (0, 29, 783), (1, 9, 0), (1, 4, 17)]:
        mid = canvas.edge_midpoint(l, j, k)
        a, b = canvas.neuron_center(l, k), canvas.neuron_center(l + 1, j)
        assert mid is not None
        # Along the edge (edges cross in a regular drawing, so not at every point).
        hits = [canvas.edge_at(a + (b - a) * t, pixels=0.5) for t in np.linspace(0.2, 0.8, 25)]
        assert (l, j, k) in hits, hits
    assert canvas.edge_midpoint(0, 0, 400) is None  # an elided input has no edge drawn


def test_neuron_at_and_click_signals(qtbot):
    canvas, _ = make_canvas(qtbot, [2, 3, 1])
    canvas.show()
    qtbot.waitExposed(canvas)
    center = canvas.neuron_center(1, 2)
    assert canvas.neuron_at(center) == (1, 2)
    view_pos = canvas.mapFromScene(center)
    with qtbot.waitSignal(canvas.neuron_clicked) as sig:
        qtbot.mouseClick(canvas.viewport(), Qt.MouseButton.LeftButton, pos=view_pos)
    assert sig.args == [1, 2]
    assert canvas.selected == (1, 2)


def test_double_click_edits_in_place_when_editable(qtbot):
    canvas, net = make_canvas(qtbot, [2, 3, 1])
    canvas.show()
    qtbot.waitExposed(canvas)
    # A third of the way along x1 -> n2 (its midpoint is where x2 -> n1 crosses it).
    a, b = canvas.neuron_center(0, 0), canvas.neuron_center(1, 1)
    mid = canvas.mapFromScene(a + (b - a) * 0.35)
    # A single click never edits, and nothing opens while training runs.
    qtbot.mouseClick(canvas.viewport(), Qt.MouseButton.LeftButton, pos=mid)
    qtbot.mouseDClick(canvas.viewport(), Qt.MouseButton.LeftButton, pos=mid)
    assert not canvas.editor.isVisible()
    canvas.set_editable(True)
    qtbot.mouseClick(canvas.viewport(), Qt.MouseButton.LeftButton, pos=mid)
    assert not canvas.editor.isVisible()
    qtbot.mouseDClick(canvas.viewport(), Qt.MouseButton.LeftButton, pos=mid)
    assert canvas.editor.isVisible() and canvas.editor.label.text() == "w²₂,₁ ="
    assert canvas.editor.value() == pytest.approx(float(net.weights[0][1, 0]), abs=1e-4)
    # Typed: Return applies it.
    with qtbot.waitSignal(canvas.weight_edited) as sig:
        canvas.editor.spin.lineEdit().setText("2.5")
        qtbot.keyClick(canvas.editor.spin.lineEdit(), Qt.Key.Key_Return)
    assert sig.args == [0, 1, 0, 2.5]
    assert not canvas.editor.isVisible()
    # Escape puts the old value back: nothing emitted.
    out = canvas.mapFromScene(canvas.neuron_center(2, 0))
    qtbot.mouseDClick(canvas.viewport(), Qt.MouseButton.LeftButton, pos=out)
    assert canvas.editor.label.text() == "b³₁ ="
    with qtbot.assertNotEmitted(canvas.bias_edited):
        canvas.editor.spin.lineEdit().setText("9")
        qtbot.keyClick(canvas.editor.spin.lineEdit(), Qt.Key.Key_Escape)
    assert not canvas.editor.isVisible()
    # Dragged: the slider reaches 4 either side of zero; releasing it applies the value.
    qtbot.mouseDClick(canvas.viewport(), Qt.MouseButton.LeftButton, pos=out)
    with qtbot.waitSignal(canvas.bias_edited) as sig:
        canvas.editor.slider.setValue(canvas.editor.slider.maximum() // 2)
        canvas.editor.slider.sliderReleased.emit()
    assert sig.args[:2] == [1, 0] and sig.args[2] == pytest.approx(2.0)
    # Pausing ends (training starts again): an open editor closes without applying.
    qtbot.mouseDClick(canvas.viewport(), Qt.MouseButton.LeftButton, pos=out)
    with qtbot.assertNotEmitted(canvas.bias_edited):
        canvas.set_editable(False)
    assert not canvas.editor.isVisible()
    # A double-click on empty canvas fits the view instead.
    canvas.set_editable(True)
    qtbot.mouseDClick(canvas.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(3, 3))
    assert not canvas.editor.isVisible()


def test_hover_texts_use_the_books_numbering(qtbot):
    canvas, net = make_canvas(qtbot, [2, 3, 1])
    canvas.show()
    qtbot.waitExposed(canvas)
    zs, acts = net.forward_pass(np.array([[1.0], [0.0]]))
    canvas.set_activations([a[:, 0] for a in acts])
    text = canvas.hover_text(canvas.mapFromScene(canvas.neuron_center(1, 2)))
    assert text.splitlines()[0] == "hidden neuron 3  (layer 2, neuron 3)"
    assert f"b²₃ = {float(net.biases[0][2, 0]):+.4f}" in text
    assert f"z²₃ = {float(zs[0][2, 0]):+.4f}" in text
    assert f"a²₃ = σ(z) = {float(acts[1][2, 0]):.4f}" in text
    # An edge: w^l_jk with l the layer it enters, j the neuron it enters, k where it starts.
    a, b = canvas.neuron_center(0, 0), canvas.neuron_center(1, 1)
    text = canvas.hover_text(canvas.mapFromScene(a + (b - a) * 0.35))
    w = float(net.weights[0][1, 0])
    assert text.splitlines()[0] == f"weight w²₂,₁ = {w:+.4f}"
    assert "from input neuron x1 (layer 1, neuron 1)" in text
    assert "to hidden neuron 2 (layer 2, neuron 2)" in text
    assert f"= {w * 1.0:+.4f} to z²₂" in text
    assert canvas.hover_text(QPoint(2, 2)) is None


def test_hover_emits_and_highlights(qtbot):
    canvas, _ = make_canvas(qtbot, [2, 3, 1])
    canvas.show()
    qtbot.waitExposed(canvas)
    pos = canvas.mapFromScene(canvas.neuron_center(1, 0))
    with qtbot.waitSignal(canvas.neuron_hovered) as sig:
        qtbot.mouseMove(canvas.viewport(), pos)
    assert sig.args == [1, 0]
    assert canvas.neuron_items[1].highlighted == 0


def test_wheel_zoom_and_fit(qtbot):
    canvas, _ = make_canvas(qtbot, [784, 30, 10])
    canvas.show()
    qtbot.waitExposed(canvas)
    canvas.fit()
    fitted = canvas.transform().m11()
    canvas.scale(2.0, 2.0)
    assert canvas.transform().m11() == pytest.approx(2 * fitted)
    canvas.fit()
    assert canvas.transform().m11() == pytest.approx(fitted)


def test_exports(qtbot, tmp_path):
    canvas, _ = make_canvas(qtbot, [784, 30, 10])
    canvas.set_input_image(np.eye(28))
    png, svg = tmp_path / "net.png", tmp_path / "net.svg"
    assert canvas.export_png(str(png), scale=2)
    assert canvas.export_svg(str(svg))
    from PySide6.QtGui import QImage

    img = QImage(str(png))
    assert img.width() > 800 and img.height() > 800
    text = svg.read_text()
    assert text.lstrip().startswith("<?xml") and "<svg" in text


def test_weight_heatmap_follows_snapshots(qtbot):
    from nnviz.ui.canvas.view import WeightHeatmap

    heat = WeightHeatmap()
    qtbot.addWidget(heat)
    net = Network([784, 30, 10], seed=0)
    heat.set_snapshot(snapshot_of(net))
    heat.set_neuron(0, 7)
    np.testing.assert_array_equal(heat.image(), net.weights[0][7].reshape(28, 28))
    lo, hi = heat.colorbar.levels()
    assert lo == pytest.approx(-hi) and hi > 0  # symmetric: white means zero
    net.weights[0][7] = np.arange(784) / 784.0
    heat.set_snapshot(snapshot_of(net))
    assert heat.image()[27, 27] == pytest.approx(783 / 784)
    small = Network([64, 30, 10], seed=0)
    heat.set_snapshot(snapshot_of(small))
    assert heat.image().shape == (8, 8)


def test_example_view_bars_and_verdict(qtbot):
    from nnviz.ui.canvas.view import ExampleView

    view = ExampleView()
    qtbot.addWidget(view)
    outputs = np.full(10, 0.05)
    outputs[7] = 0.9
    image = np.zeros((28, 28))
    image[4:24, 14] = 1.0
    view.set_example(image, 1, outputs)
    np.testing.assert_allclose(view.bars.heights(), outputs)
    assert view.bars.predicted == 7 and view.bars.label == 1
    assert "network says 7" in view.verdict.text() and "wrong" in view.verdict.text()
    np.testing.assert_array_equal(view.image_view.image(), image)
    outputs[1] = 0.95
    view.set_example(image, 1, outputs)
    assert view.bars.predicted == 1 and view.verdict.text().endswith("right")


def test_hovered_neuron_edges_are_emphasised(qtbot):
    canvas, _ = make_canvas(qtbot, [784, 30, 10])
    canvas._set_hovered((1, 4))
    # 16 shown inputs feed hidden neuron 4, and it feeds all 10 outputs.
    assert canvas.edge_items[0].focus_count() == 16
    assert canvas.edge_items[1].focus_count() == 10
    canvas._set_hovered((-1, -1))
    assert canvas.edge_items[0].focus_count() == 0 == canvas.edge_items[1].focus_count()


def test_live_updates_draw_fast_then_settle_smooth(qtbot):
    canvas, net = make_canvas(qtbot, [784, 30, 10])
    assert all(item.antialias for item in canvas.edge_items)
    canvas.set_snapshot(snapshot_of(net))
    assert canvas.is_live() and not any(item.antialias for item in canvas.edge_items)
    qtbot.waitUntil(lambda: not canvas.is_live(), timeout=3000)
    assert all(item.antialias for item in canvas.edge_items)


def test_grid_input_mode(qtbot):
    canvas, net = make_canvas(qtbot, [784, 30, 10])
    canvas.set_input_mode("grid")
    assert canvas.is_grid()
    grid = canvas.neuron_items[0]
    assert grid.grid_shape == (28, 28)
    assert len(canvas.scene().items()) == 5  # still one item per layer and layer pair
    # A pixel is found where it is drawn.
    assert canvas.neuron_at(canvas.neuron_center(0, 5 * 28 + 17)) == (0, 5 * 28 + 17)
    # With an input, each hidden neuron's aggregated line carries its weighted input.
    x = np.zeros(784)
    x[300:320] = 1.0
    zs, acts = net.forward_pass(x[:, None])
    canvas.set_activations([a[:, 0] for a in acts])
    np.testing.assert_allclose(canvas.edge_items[0].net_inputs, net.weights[0] @ x)
    # Focusing a hidden neuron paints its weights into the grid.
    assert not grid.has_overlay()
    canvas._set_hovered((1, 3))
    assert grid.has_overlay()
    canvas._set_hovered((-1, -1))
    assert not grid.has_overlay()
    canvas.set_input_mode("column")
    assert not canvas.is_grid() and canvas.activations is not None


def test_grid_pixel_double_click_edits_selected_neurons_weight(qtbot):
    canvas, _ = make_canvas(qtbot, [64, 30, 10])
    canvas.set_input_mode("grid")
    canvas.show()
    qtbot.waitExposed(canvas)
    canvas.set_editable(True)
    hidden = canvas.mapFromScene(canvas.neuron_center(1, 6))
    qtbot.mouseClick(canvas.viewport(), Qt.MouseButton.LeftButton, pos=hidden)
    assert canvas.selected == (1, 6)
    pixel = canvas.mapFromScene(canvas.neuron_center(0, 8 * 3 + 2))
    qtbot.mouseDClick(canvas.viewport(), Qt.MouseButton.LeftButton, pos=pixel)
    assert canvas.editor.label.text() == "w²₇,₂₇ ="
    with qtbot.waitSignal(canvas.weight_edited) as sig:
        canvas.editor.spin.setValue(-1.25)
        qtbot.keyClick(canvas.editor.spin.lineEdit(), Qt.Key.Key_Return)
    assert sig.args == [0, 6, 26, -1.25]
    assert canvas.selected == (1, 6)


def test_grid_mode_falls_back_to_column_for_non_image_inputs(qtbot):
    canvas, _ = make_canvas(qtbot, [2, 3, 1])
    canvas.set_input_mode("grid")
    assert not canvas.is_grid()
    assert canvas.edge_items[0].j.size == 6


def test_zero_weights_are_not_drawn_or_clickable(qtbot):
    canvas, net = make_canvas(qtbot, [2, 3, 1])
    net.weights[0][0, 0] = 0.0  # x1 -> n1: no connection
    canvas.set_snapshot(snapshot_of(net))
    canvas.flush()
    item = canvas.edge_items[0]
    assert item.bucket_counts[-1] == 1 and item.bucket_counts[:-1].sum() == 5
    drawn = sum(len(lines) for _, lines in item._buckets)
    assert drawn == 5
    assert canvas.edge_at(canvas.edge_midpoint(0, 0, 0), pixels=0.5) is None
    assert canvas.edge_at(canvas.edge_midpoint(0, 1, 1), pixels=0.5) == (0, 1, 1)


def test_hovering_shows_a_card_that_follows_training(qtbot):
    canvas, net = make_canvas(qtbot, [2, 3, 1])
    canvas.resize(500, 400)
    canvas.show()
    qtbot.waitExposed(canvas)
    pos = canvas.mapFromScene(canvas.neuron_center(2, 0))
    qtbot.mouseMove(canvas.viewport(), pos)
    qtbot.waitUntil(canvas.card.isVisible, timeout=2000)
    assert canvas.card.text() == canvas.neuron_info(2, 0)
    assert canvas.viewport().rect().contains(canvas.card.geometry())
    # New weights while the mouse rests: the card shows the new bias.
    net.biases[1][0, 0] = 7.25
    canvas.set_snapshot(snapshot_of(net))
    canvas.flush()
    assert "b\u00b3\u2081 = +7.2500" in canvas.card.text()
    # Off the network: the card goes.
    qtbot.mouseMove(canvas.viewport(), QPoint(3, 3))
    qtbot.waitUntil(lambda: not canvas.card.isVisible(), timeout=2000)


def test_the_dark_theme_reaches_the_canvas(qtbot, tmp_path):
    canvas, net = make_canvas(qtbot, [2, 3, 1])
    canvas.set_presentation(1.0, dark=True)
    assert canvas.backgroundBrush().color().name() == "#1e2127"
    assert all(item.text_colour.name() == "#e6e9ef" for item in canvas.neuron_items)
    canvas.set_network(net.sizes, net.weights, net.biases)  # new items keep the theme
    assert all(item.text_colour.name() == "#e6e9ef" for item in canvas.neuron_items)
    path = tmp_path / "dark.png"
    assert canvas.export_png(str(path), scale=1)
    from PySide6.QtGui import QImage

    assert QImage(str(path)).pixelColor(1, 1).name() == "#1e2127"  # exported as shown
    canvas.set_presentation(1.0, dark=False)
    assert canvas.backgroundBrush().color().name() == "#ffffff"


def test_the_dark_theme_reaches_the_example_and_the_weight_image(qtbot):
    from nnviz.ui.canvas.example import ExampleView
    from nnviz.ui.canvas.weights import WeightHeatmap

    example, heatmap = ExampleView(), WeightHeatmap()
    qtbot.addWidget(example)
    qtbot.addWidget(heatmap)
    for dark, background, ink in ((True, "#1e2127", "#e6e9ef"), (False, "#ffffff", "#222222")):
        example.set_presentation(1.0, dark)
        heatmap.set_presentation(1.0, dark)
        assert example.bars.backgroundBrush().color().name() == background
        assert example.bars.getPlotItem().getAxis("bottom").textPen().color().name() == ink
        assert heatmap.graphics.backgroundBrush().color().name() == background
        assert heatmap.colorbar.axis.textPen().color().name() == ink


def test_a_one_neuron_layer_is_named_in_the_singular():
    from nnviz.ui.canvas.view import _default_layer_names

    assert _default_layer_names([2, 3, 1]) == [
        "input layer\n(2 neurons)",
        "hidden layer\n(3 neurons)",
        "output layer\n(1 neuron)",
    ]


def test_a_single_output_reports_its_bit(qtbot):
    from nnviz.ui.canvas.example import ExampleView

    view = ExampleView()
    qtbot.addWidget(view)
    view.bars.set_names(["out"])
    view.set_example(None, None, np.array([0.93]))
    assert "network says out = 1" in view.verdict.text()
    view.set_example(None, None, np.array([0.08]))
    assert "network says out = 0" in view.verdict.text()


def test_colour_key_is_one_strip_on_a_wide_canvas_so_the_network_keeps_its_height(qtbot):
    from nnviz.ui.canvas.style import legend_size

    canvas, _ = make_canvas(qtbot, [784, 30, 10])
    canvas.show()
    qtbot.waitExposed(canvas)
    canvas.resize(900, 420)
    qtbot.waitUntil(lambda: canvas.contentsRect().width() >= 890)
    assert canvas._legend_mode() == "strip"
    strip_room = canvas._legend_room(canvas.contentsRect().height())
    assert 0 < strip_room < legend_size()[1]  # the box would take more than the strip
    tall = canvas.mapFromScene(canvas.content_rect()).boundingRect().height()
    canvas.resize(380, 420)  # too narrow for a strip: the box, and a shorter network
    qtbot.waitUntil(lambda: canvas._legend_mode() == "box")
    assert canvas._legend_room(canvas.contentsRect().height()) > strip_room
    short = canvas.mapFromScene(canvas.content_rect()).boundingRect().height()
    assert short < tall


def _edge_ink(canvas, weight: float) -> int:
    """Pixels the single edge of a [1, 1] network inks, rendered offscreen."""
    from PySide6.QtGui import QImage, QPainter

    canvas.set_network([1, 1], [np.array([[weight]])], [np.zeros((1, 1))])
    item = canvas.edge_items[0]
    rect = item.boundingRect()
    image = QImage(int(rect.width()) + 2, int(rect.height()) + 2, QImage.Format.Format_RGB32)
    image.fill(0xFFFFFF)
    painter = QPainter(image)
    painter.translate(-rect.left() + 1, -rect.top() + 1)
    item.paint(painter, None)
    painter.end()
    pixels = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), -1, 4)
    return int((pixels[..., :3].min(axis=2) < 200).sum())


def test_negative_weights_are_dashed_in_high_contrast_or_when_chosen(qtbot, monkeypatch):
    """The weight's sign had colour alone (blue or orange) as its cue."""
    from nnviz.ui.canvas.drawing import SIGN_DASHES_KEY, sign_dashes_wanted
    from nnviz.ui.settings import settings

    settings().remove(SIGN_DASHES_KEY)
    assert sign_dashes_wanted("contrast") and not sign_dashes_wanted("light")
    canvas, _ = make_canvas(qtbot, [1, 1])
    canvas.set_sign_dashes(False)
    solid_negative, solid_positive = _edge_ink(canvas, -1.0), _edge_ink(canvas, 1.0)
    canvas.set_sign_dashes(True)
    assert canvas.edge_items[0].dashes  # kept by items built after the switch
    dashed_negative, dashed_positive = _edge_ink(canvas, -1.0), _edge_ink(canvas, 1.0)
    assert dashed_positive == solid_positive  # positive weights keep their line
    assert 0 < dashed_negative < 0.8 * solid_negative  # gaps in the negative one
    settings().setValue(SIGN_DASHES_KEY, "off")
    assert not sign_dashes_wanted("contrast")  # the user's choice beats the theme's
    settings().remove(SIGN_DASHES_KEY)


@pytest.mark.parametrize("text_scale", [1.0, 1.5, 2.0])
def test_grid_title_is_inside_the_fitted_view(qtbot, text_scale):
    """The input layer's title is wider than an 8x8 grid at large text: its start was cut
    off at 1.5x, because the grid's bounding rect (and so the fit) left it out."""
    from PySide6.QtCore import QRectF
    from PySide6.QtGui import QFontMetricsF

    canvas, _ = make_canvas(qtbot, [64, 30, 10])
    canvas.resize(420, 300)
    canvas.set_presentation(text_scale)
    canvas.set_input_mode("grid")
    canvas.show()
    qtbot.waitUntil(canvas.is_grid)
    grid = canvas.neuron_items[0]
    metrics = QFontMetricsF(grid._title_font)
    title = grid.title.replace("\n", " ")
    width = metrics.horizontalAdvance(title)
    left = grid.rect.center().x() - width / 2
    drawn = grid.mapRectToScene(QRectF(left, grid.rect.top() - 26, width, metrics.height()))
    assert grid.sceneBoundingRect().contains(drawn)
    canvas.fit()
    on_screen = canvas.mapFromScene(drawn).boundingRect()
    assert canvas.viewport().rect().contains(on_screen), (on_screen, canvas.viewport().rect())


@pytest.mark.parametrize("height", [170, 250, 330, 500])
def test_output_digits_never_run_into_each_other(qtbot, height):
    """Presenter type on a short canvas (deck step 8 under the 'needs MNIST' banner): the ten
    output labels were 10.7 px tall on rows 7.7 px apart, and the digits overlapped. A
    digit's ink is about 73% of its font's pixel size: it must be less than a row."""
    canvas, _ = make_canvas(qtbot, [64, 30, 10])
    canvas.set_presentation(1.5)
    canvas.resize(700, height)
    canvas.show()
    qtbot.waitUntil(lambda: canvas.viewport().height() > 0)
    canvas.fit()
    out = canvas.neuron_items[-1]
    zoom = canvas.transform().m11()
    row = float(out.layout.ys[1] - out.layout.ys[0]) * zoom
    label, _title = canvas.text_pixel_sizes()
    assert 0.73 * label < 0.95 * row, (label, row)
