"""Training plots: what the curves hold after feeding progress records."""

from __future__ import annotations

import csv

import numpy as np
import pyqtgraph as pg
import pytest

from nnviz.core.learning.snapshot import Progress
from nnviz.ui.training.plot_parts import GrowingBuffer
from nnviz.ui.training.plots import AccuracyPlot, CostPlot, TrainingPlots

BPE = 5000  # mini-batches per epoch


def chunk(epoch: int, batch: int, batch_cost: float, seen: int = 0) -> Progress:
    return Progress("chunk", epoch, batch, BPE, seen, 0.5, 3.0, 1.0, batch_cost=batch_cost)


def epoch_record(epoch: int, test: int, val: int | None = None, cost: float = 0.1) -> Progress:
    return Progress(
        "epoch",
        epoch,
        BPE,
        BPE,
        (epoch + 1) * 50000,
        cost,
        3.0,
        1.0,
        test_correct=test,
        test_total=10000,
        validation_correct=val,
        validation_total=None if val is None else 10000,
        batch_cost=float("nan"),
    )


def test_growing_buffer_doubles_and_keeps_rows():
    buf = GrowingBuffer(2, capacity=4)
    for i in range(9):
        buf.append(i, 10 * i)
    assert buf.capacity == 16
    np.testing.assert_array_equal(buf.column(1), 10 * np.arange(9))


def test_cost_plot_chunks(qtbot):
    plot = CostPlot()
    qtbot.addWidget(plot)
    costs = np.linspace(0.09, 0.02, 25)
    for i, c in enumerate(costs):
        plot.add_progress(chunk(i // 5, 1000 * (i % 5 + 1), float(c), seen=(i + 1) * 10000))
    x, y = plot.curve_data()
    assert len(x) == 25
    np.testing.assert_allclose(y, costs)
    np.testing.assert_allclose(x[:5], [0.2, 0.4, 0.6, 0.8, 1.0])
    assert x[5] == pytest.approx(1.2)
    # The smoothed curve starts at the first point (bias-corrected) and lags a falling cost.
    sx, sy = plot.smoothed_data()
    assert sy[0] == pytest.approx(costs[0])
    assert np.all(sy[1:] >= costs[1:] - 1e-12)
    plot.set_x_mode("examples")
    x, _ = plot.curve_data()
    np.testing.assert_allclose(x, (np.arange(25) + 1) * 10000)


def test_cost_plot_epochs_and_ignored_kinds(qtbot):
    plot = CostPlot()
    qtbot.addWidget(plot)
    plot.add_progress(epoch_record(0, 9000, cost=0.08))
    plot.add_progress(epoch_record(1, 9300, cost=0.05))
    plot.add_progress(Progress("done", 1, BPE, BPE, 100000, float("nan"), 3.0, 2.0))
    x, y = plot.epoch_data()
    np.testing.assert_allclose(x, [1.0, 2.0])
    np.testing.assert_allclose(y, [0.08, 0.05])
    x, _ = plot.curve_data()
    assert len(x) == 2  # epoch records without a chunk cost fall back to the epoch mean


def test_cost_plot_log_scale(qtbot):
    plot = CostPlot()
    qtbot.addWidget(plot)
    plot.add_progress(chunk(0, 100, 0.1))
    plot.add_progress(chunk(0, 200, 0.01))
    plot.set_log_y(True)
    _, y = plot.curve_data()
    np.testing.assert_allclose(y, [-1.0, -2.0])


def test_cost_plot_clear_and_csv_round_trip(qtbot, tmp_path):
    plot = CostPlot()
    qtbot.addWidget(plot)
    for i in range(7):
        plot.add_progress(chunk(0, 100 * (i + 1), 0.1 / (i + 1), seen=1000 * (i + 1)))
    plot.add_progress(epoch_record(0, 9000, cost=0.033))
    path = tmp_path / "cost.csv"
    plot.export_csv(str(path))
    rows = list(csv.DictReader(path.open()))
    chunks = [r for r in rows if r["kind"] == "chunk"]
    epochs = [r for r in rows if r["kind"] == "epoch"]
    x, y = plot.curve_data()
    np.testing.assert_array_equal([float(r["cost"]) for r in chunks], y)
    np.testing.assert_array_equal([float(r["epochs"]) for r in chunks], x)
    assert [float(r["cost"]) for r in epochs] == [0.033]
    plot.clear()
    x, y = plot.curve_data()
    assert len(x) == 0 and len(plot.epoch_data()[0]) == 0


def test_accuracy_plot_percent(qtbot):
    plot = AccuracyPlot()
    qtbot.addWidget(plot)
    plot.add_progress(chunk(0, 100, 0.1))  # ignored
    assert plot.runs == {}
    for e, (t, v) in enumerate([(9129, 9150), (9295, 9310), (9348, 9360)]):
        plot.add_progress(epoch_record(e, t, v))
    x, y = plot.accuracy_data()
    np.testing.assert_allclose(x, [1, 2, 3])
    np.testing.assert_allclose(y, [91.29, 92.95, 93.48])
    _, vy = plot.accuracy_data(which="validation")
    np.testing.assert_allclose(vy, [91.5, 93.1, 93.6])
    text = plot.hover_text(2.2)
    assert "test: 92.95%" in text and "validation: 93.10%" in text
    vr = plot.plot.getPlotItem().getViewBox().viewRange()[1]
    assert vr[0] <= 0 and vr[1] >= 100


def test_accuracy_plot_baselines_and_chance(qtbot):
    plot = AccuracyPlot()
    qtbot.addWidget(plot)
    assert plot.chance_line.value() == pytest.approx(10.0)
    plot.set_baseline("svm", 94.35, "SVM")
    assert plot.baselines["svm"].value() == pytest.approx(94.35)
    assert plot.baselines["svm"] in plot.plot.getPlotItem().items
    plot.set_baseline("svm", 98.5, "SVM")
    assert len(plot.baselines) == 1 and plot.baselines["svm"].value() == pytest.approx(98.5)
    assert plot.reference_labels()["svm"] == "SVM 98.50%"
    plot.clear_baselines()
    assert plot.baselines == {} and set(plot.reference_labels()) == {"chance"}


def test_baselines_are_named_above_the_plot_apart_from_each_other_and_the_curves(qtbot):
    plots = qtbot.show_at(TrainingPlots(), 900, 600)
    plots.extend([epoch_record(e, 9000 + 10 * e) for e in range(30)])
    acc = plots.accuracy_plot
    acc.set_baseline("random", 9.55, "random guess")  # beside chance, not a second line
    acc.set_baseline("darkness", 22.25, "average darkness (50,000 training images)")
    acc.set_baseline("svm", 82.75, "SVM, \u03b3 auto, 1,000 training images")
    acc.set_baseline("svm_scale", 90.83, "SVM, \u03b3 scale, 1,000 training images")
    labels = acc.reference_labels()
    assert "random" not in labels and labels["chance"] == "chance 10% (random guess 9.55%)"
    assert labels["svm_scale"] == "SVM, \u03b3 scale, 1,000 training images 90.83%"
    # no text on the plot: the lines are named in a wrapping line of text above it
    items = acc.plot.getPlotItem().items
    lines = [i for i in items if isinstance(i, pg.InfiniteLine) and i.angle == 0]
    assert len(lines) == 4
    assert not any(isinstance(c, pg.InfLineLabel) for i in lines for c in i.childItems())
    text = acc.reference_label.text().replace("\u00a0", " ")
    for name in labels.values():
        assert name in text
    # at a narrow width the text wraps between entries, never between a dash and its name
    from PySide6.QtGui import QTextDocument

    from nnviz.ui.training.plots import DASH_SAMPLES

    doc = QTextDocument()
    doc.setHtml(acc.reference_label.text())
    doc.setTextWidth(420)
    doc.size()  # lays the text out
    block = doc.begin()
    layout = block.layout()
    rows = [
        block.text()[line.textStart() : line.textStart() + line.textLength()]
        for line in (layout.lineAt(i) for i in range(layout.lineCount()))
    ]
    assert len(rows) >= 3 and all(r.startswith(tuple(DASH_SAMPLES.values())) for r in rows)
    label_box = acc.reference_label.geometry()
    assert label_box.bottom() < acc.plot.geometry().top()
    # long names wrap within the plot's width; the plot is not pushed past its widget
    acc.resize(420, 400)
    qtbot.waitUntil(lambda: acc.reference_label.width() <= 420)
    assert acc.plot.width() <= 420
    vb = acc.plot.getPlotItem().getViewBox()
    assert vb.sceneBoundingRect().right() <= acc.plot.width()
    # distinct colours for distinct baselines, runs alone in the legend row
    colours = {acc.baselines[k].pen.color().name() for k in acc.baselines}
    assert len(colours) == len(acc.baselines) == 3
    assert [label.text for _s, label in acc.legend.items] == ["test"]
    plots.clear()
    acc.add_run("")
    plots.extend([epoch_record(e, 9000, 8900) for e in range(3)])
    assert [label.text for _s, label in acc.legend.items] == ["test", "validation"]
    acc.clear_baselines()
    assert set(acc.reference_labels()) == {"chance"}


def test_accuracy_plot_named_runs_and_csv(qtbot, tmp_path):
    plot = AccuracyPlot()
    qtbot.addWidget(plot)
    for e in range(3):
        plot.add_progress(epoch_record(e, 9000 + e), run="eta 3.0")
        plot.add_progress(epoch_record(e, 5000 + e), run="eta 100")
    assert list(plot.runs) == ["eta 3.0", "eta 100"]
    pen_a = plot.runs["eta 3.0"].test_curve.opts["pen"].color().name()
    pen_b = plot.runs["eta 100"].test_curve.opts["pen"].color().name()
    assert pen_a != pen_b
    np.testing.assert_allclose(plot.accuracy_data("eta 100")[1], [50.0, 50.01, 50.02])
    path = tmp_path / "acc.csv"
    plot.export_csv(str(path))
    rows = list(csv.DictReader(path.open()))
    assert len(rows) == 6
    back = [float(r["test_percent"]) for r in rows if r["run"] == "eta 100"]
    np.testing.assert_allclose(back, plot.accuracy_data("eta 100")[1])
    assert all(r["validation_percent"] == "" for r in rows)
    plot.clear()
    assert plot.runs == {}


def test_training_plots_dispatch(qtbot, tmp_path):
    plots = TrainingPlots()
    qtbot.addWidget(plots)
    plots.add_progress(chunk(0, 2500, 0.07))
    plots.add_progress(epoch_record(0, 9100, 9120, cost=0.06))
    assert len(plots.cost_plot.curve_data()[0]) == 2
    np.testing.assert_allclose(plots.accuracy_plot.accuracy_data()[1], [91.0])
    assert plots.export_png(str(tmp_path / "p.png"))
    plots.clear()
    assert len(plots.cost_plot.curve_data()[0]) == 0 and plots.accuracy_plot.runs == {}


def test_add_run_reserves_colours_in_order_and_reuses_freed_ones(qtbot):
    plot = AccuracyPlot()
    qtbot.addWidget(plot)
    a = plot.add_run("a")
    b = plot.add_run("b")
    assert a != b and plot.add_run("a") == a
    assert len(plot.accuracy_data("b")[0]) == 0
    plot.remove_run("a")
    assert plot.add_run("c") == a  # the freed colour, not a duplicate of b's
    plot.add_progress(epoch_record(0, 9000), run="c")
    np.testing.assert_allclose(plot.accuracy_data("c")[1], [90.0])


# -- issue 14.6: plots that tell the truth ------------------------------------------------------
def _pen_colour(curve, symbol=False):
    pen = curve.opts["symbolPen"] if symbol else curve.opts["pen"]
    return pg.mkPen(pen).color().name(), pg.mkPen(pen).style()


def test_test_and_validation_differ_in_colour_and_style(qtbot):
    plot = AccuracyPlot()
    qtbot.addWidget(plot)

    def legend_names():
        return [label.text for _sample, label in plot.legend.items]

    plot.add_progress(epoch_record(0, 9000))
    assert legend_names() == ["test"]  # no validation numbers: no validation entry
    plot.add_progress(epoch_record(1, 9000, 9100))
    assert legend_names() == ["test", "validation"]
    r = plot.runs[""]
    (tc, ts), (vc, vs) = _pen_colour(r.test_curve), _pen_colour(r.validation_curve)
    assert tc != vc and ts != vs
    assert r.test_curve.opts["symbol"] != r.validation_curve.opts["symbol"]
    # Several named runs: each keeps its own hue, and test still differs from validation.
    plot.add_progress(epoch_record(0, 8000, 8100), run="eta 0.5")
    a, b = plot.runs["eta 0.5"].test_curve, plot.runs["eta 0.5"].validation_curve
    assert _pen_colour(a)[0] != _pen_colour(b)[0] != tc


def test_one_point_gets_sane_axes_and_a_new_run_resets_them(qtbot):
    plot = AccuracyPlot()
    qtbot.addWidget(plot)
    plot.resize(400, 300)
    plot.add_progress(epoch_record(0, 9000))
    (x0, x1), (y0, y1) = plot.plot.getPlotItem().getViewBox().viewRange()
    assert -0.1 <= x0 <= 0 and 1 <= x1 <= 1.1 and y0 <= 0 and y1 >= 100
    # zoom to data: both axes follow the data (x from the first epoch shown)
    for e in range(1, 10):
        plot.add_progress(epoch_record(e, 9000 + 50 * e))
    plot.zoom_box.setChecked(True)
    (x0, x1), (y0, y1) = plot.plot.getPlotItem().getViewBox().viewRange()
    assert 0.7 <= x0 <= 1 and 10 <= x1 <= 10.5 and 89 < y0 < 90 and 94.5 < y1 < 96
    plot.zoom_box.setChecked(False)
    cost = CostPlot()
    qtbot.addWidget(cost)
    cost.add_progress(chunk(0, 10, 0.09, seen=100))
    (x0, x1), (y0, y1) = cost.plot.getPlotItem().getViewBox().viewRange()
    # a sliver of an epoch (a slowed-down run) fills the width, not the first 0.2% of it
    assert -0.001 <= x0 <= 0 and 0.01 <= x1 <= 0.011
    assert -0.01 <= y0 <= 0 and 0.09 < y1 < 0.1  # cost is never below zero
    # The user zooms; the axes stay where they put them while data comes in...
    vb = cost.plot.getPlotItem().getViewBox()
    vb.setXRange(0.2, 0.3, padding=0)
    vb.sigRangeChangedManually.emit([True, True])
    cost.add_progress(chunk(0, 4000, 0.05, seen=40000))
    assert vb.viewRange()[0] == pytest.approx([0.2, 0.3])
    # ...until they double-click the plot: it follows the data again.

    class DoubleClick:
        def double(self):
            return True

    cost.axes._on_click(DoubleClick())
    assert vb.viewRange()[0][1] == pytest.approx(0.8 * 1.03, rel=0.02)
    vb.setXRange(0.2, 0.3, padding=0)
    vb.sigRangeChangedManually.emit([True, True])
    # ...and a new run (clear) follows the data again.
    cost.clear()
    cost.add_progress(chunk(2, 10, 0.2, seen=100))
    assert vb.viewRange()[0][1] == pytest.approx(2.002 * 1.03, rel=0.05)


def test_smoothed_cost_lags_by_examples_not_by_records(qtbot):
    # The same cost history (0.5 for 20,000 examples, then 0.1) cut into records of 100 and
    # of 5,000 examples: the smoothed curves agree where both have points, and both reach
    # the new level within a few windows, however coarse the records.
    plots = []  # kept to the end: a plot dropped mid-test was torn down by Python while Qt
    # still laid out its legend, and Qt called into half-destroyed LabelItems

    def run(step):
        plot = CostPlot()
        qtbot.addWidget(plot)
        plots.append(plot)
        for seen in range(step, 60001, step):
            c = 0.5 if seen <= 20000 else 0.1
            plot.add_progress(chunk(0, seen // 10, c, seen=seen))
        xs, ys = plot.smoothed_data()
        return dict(zip(np.rint(xs * BPE * 10).astype(int).tolist(), ys.tolist()))

    fine, coarse = run(100), run(5000)
    for seen in (25000, 30000, 40000):
        assert abs(fine[seen] - coarse[seen]) < 0.03
    assert fine[25000] < 0.11 and coarse[25000] < 0.11  # 5 windows later: at the new level
    assert fine[20500] > 0.2  # but not instantly: 500 examples in, still on the way


def test_legend_sits_above_the_data(qtbot):
    for plot in (CostPlot(), AccuracyPlot()):
        qtbot.addWidget(plot)
        plot.resize(500, 320)
        plot.show()
        qtbot.waitExposed(plot)
        plot.add_progress(epoch_record(0, 9000, 9100))
        plot.add_progress(chunk(1, 100, 0.1, seen=51000))

        def legend_above_data(plot=plot):  # the layout settles on a later turn of the loop
            legend = plot.legend.sceneBoundingRect()
            vb = plot.plot.getPlotItem().getViewBox().sceneBoundingRect()
            return legend.height() > 5 and legend.bottom() <= vb.top() + 1

        qtbot.waitUntil(legend_above_data)


def test_eta_changes_are_marked_on_the_cost_plot(qtbot):
    plot = CostPlot()
    qtbot.addWidget(plot)
    plot.add_progress(chunk(0, 100, 0.3, seen=1000))
    later = Progress("chunk", 0, 2500, BPE, 25000, 0.2, 0.5, 1.0, batch_cost=0.2)
    plot.add_progress(later)
    marks = plot.eta_marks()
    assert marks == [(pytest.approx(0.02), "\u03b7 = 0.5")]  # where the old eta last ran
    plot.clear()
    assert plot.eta_marks() == []


def test_hovering_the_cost_plot_reads_epoch_and_value(qtbot):
    plot = CostPlot()
    qtbot.addWidget(plot)
    plot.add_progress(chunk(0, 2500, 0.25, seen=25000))
    plot.add_progress(epoch_record(0, 9000, cost=0.125))
    text = plot.hover_text(0.52)
    assert text.splitlines()[0] == "epoch 0.50  (25,000 examples seen)" and "0.2500" in text
    text = plot.hover_text(0.98)
    assert "end of epoch 0" in text and "0.1250" in text
    assert plot.hover.show_at(0.98, 0.1) == text and plot.hover.label.isVisible()
    acc = AccuracyPlot()
    qtbot.addWidget(acc)
    assert acc.hover.show_at(1.0, 50) is None
    acc.add_progress(epoch_record(0, 9000, 9100))
    assert acc.hover.show_at(1.2, 50) == "epoch 0 (1 trained)\ntest: 90.00%\nvalidation: 91.00%"


def test_presenter_scale_is_undone_on_leaving(qtbot):
    plots = TrainingPlots()
    qtbot.addWidget(plots)
    plots.resize(600, 600)
    plots.show()
    qtbot.waitExposed(plots)
    plots.add_progress(epoch_record(0, 9000, 9100))

    def sizes():
        out = []
        for p in (plots.cost_plot, plots.accuracy_plot):
            item = p.plot.getPlotItem()
            qtbot.settle()
            out += [p.legend.boundingRect().height(), item.getAxis("bottom").height()]
            out.append(item.getViewBox().height())
        return np.array(out)

    before = sizes()
    plots.set_presentation(2.5)
    grown = sizes()
    assert grown[0] > before[0] * 1.5
    plots.set_presentation(1.0)
    after = sizes()
    # Legends and axes give back the room they took: the plot areas are at least as tall.
    assert np.all(after[[0, 1, 3, 4]] <= before[[0, 1, 3, 4]] + 1)
    assert np.all(after[[2, 5]] >= before[[2, 5]] - 1)


def test_legend_markers_have_the_curves_colours(qtbot):
    # pyqtgraph's legend draws a marker from the scatter's own brush: not its default blue.
    cost = CostPlot()
    qtbot.addWidget(cost)
    assert cost.epoch_curve.scatter.opts["brush"].color().name() == "#d55e00"
    acc = AccuracyPlot()
    qtbot.addWidget(acc)
    acc.add_run("")
    assert acc.runs[""].test_curve.scatter.opts["brush"].color().name() == "#0072b2"


def test_the_dark_theme_reaches_the_plots(qtbot):
    plots = TrainingPlots()
    qtbot.addWidget(plots)
    plots.add_progress(epoch_record(0, 9000, 9100))
    plots.set_presentation(1.0, dark=True)
    for p in (plots.cost_plot, plots.accuracy_plot):
        assert p.plot.backgroundBrush().color().name() == "#1e2127"
        axis = p.plot.getPlotItem().getAxis("left")
        assert axis.textPen().color().name() == "#e6e9ef"
        assert all(label.opts["color"] in ("#e6e9ef",) for _s, label in p.legend.items)
    plots.set_presentation(1.0, dark=False)
    assert plots.cost_plot.plot.backgroundBrush().color().name() == "#ffffff"
    assert plots.cost_plot.plot.getPlotItem().getAxis("left").textPen().color().name() == "#222222"


def test_a_plot_the_test_lets_go_of_is_deleted_by_qt_first(qtbot):
    """A plot only qtbot knows of stays alive until Qt deletes it at teardown: released by
    Python first, its legend's labels were half gone while Qt still laid them out, and the
    event loop raised (or the worker crashed) - the stress runs' one flake (tests/conftest)."""
    import gc

    for _ in range(5):
        plot = CostPlot()
        qtbot.addWidget(plot)
        for seen in range(100, 20001, 100):
            plot.add_progress(chunk(0, seen // 10, 0.5, seen=seen))
        plot.show()
        qtbot.settle()
        del plot
        gc.collect()
        qtbot.settle()


def test_thousands_of_epochs_are_drawn_once_per_batch_and_thinly_marked(qtbot, monkeypatch):
    # The XOR preset: 3,000 epochs, hundreds of them per update. Each update must cost one
    # redraw (it was one per epoch, quadratic), with markers thinned or dropped.
    plots = TrainingPlots()
    qtbot.addWidget(plots)
    redraws = []
    plots.accuracy_plot.add_run("")
    run = plots.accuracy_plot.runs[""]
    original = run.redraw
    monkeypatch.setattr(run, "redraw", lambda: (redraws.append(1), original())[1])
    records = [epoch_record(e, 4000 + e % 7, 3900) for e in range(3000)]
    for start in range(0, 3000, 300):
        plots.extend(records[start : start + 300])
    assert len(redraws) == 10
    x, y = plots.accuracy_plot.accuracy_data()
    assert len(x) == 3000 and x[-1] == 3000.0 and y[0] == 40.0
    assert run.test_curve.opts["symbol"] is None  # lines alone (dashed for validation)
    # the cost plot marks about a hundred epoch means, the newest included, and keeps all
    ex, ey = plots.cost_plot.epoch_data()
    assert len(ex) == 3000
    mx, _ = plots.cost_plot.epoch_curve.getOriginalDataset()
    assert 50 <= len(mx) <= 100 and mx[-1] == ex[-1]
    # a short run keeps a marker on every epoch
    plots.clear()
    plots.extend(records[:30])
    assert plots.accuracy_plot.runs[""].test_curve.opts["symbol"] == "o"
    assert len(plots.cost_plot.epoch_curve.getOriginalDataset()[0]) == 30


def test_readout_counts_epochs_and_keeps_the_latest_accuracy(qtbot):
    from nnviz.ui.training.readout import readout_values

    plots = TrainingPlots(readout=True)
    qtbot.addWidget(plots)
    readout = plots.readout
    assert readout.text() == "epochs \u2013  accuracy \u2013  cost \u2013"
    plots.extend_cost([chunk(0, 2500, 0.3, seen=25000)])  # halfway through the first epoch
    assert readout_values(chunk(0, 2500, 0.3), None) == ("0.5", "\u2013", "0.5000")
    assert readout.values["epochs"].text() == "0.5"
    plots.extend_accuracy([epoch_record(0, 9123)])  # the first epoch's test accuracy
    assert readout.values["epochs"].text() == "1"
    assert readout.values["accuracy"].text() == "91.23%"
    # The cost plot is fed in turns with the accuracy plot: an older record later on
    # keeps the newer count, and a chunk without a test keeps the last accuracy.
    plots.extend_cost([chunk(1, 1000, 0.2, seen=60000)])
    plots.extend_accuracy([epoch_record(0, 9123)])
    assert readout.values["epochs"].text() == "1.2"
    assert readout.values["accuracy"].text() == "91.23%"
    plots.clear()
    assert readout.values["accuracy"].text() == "\u2013"
    # Its numbers are drawn larger than the page's type.
    assert readout.values["cost"].font().pointSizeF() > 1.5 * plots.font().pointSizeF()


@pytest.mark.parametrize("scale", [1.0, 1.5])
def test_the_legend_wraps_instead_of_running_past_the_plot(qtbot, scale):
    """At 1.5x text the cost legend's third entry ("epoch mean") was cut off at the edge."""
    from nnviz.ui.training.plot_parts import scale_plot

    plot = CostPlot()
    qtbot.addWidget(plot)
    scale_plot(plot.plot, plot.legend, scale)
    item = plot.plot.getPlotItem()

    def right_edges():
        return [
            label.mapRectToItem(item, label.boundingRect()).right()
            for _sample, label in plot.legend.items
        ]

    plot.resize(900, 300)
    plot.show()
    qtbot.waitUntil(lambda: plot.legend.columns == 3)
    rows = {round(label.pos().y()) for _s, label in plot.legend.items}
    assert len(rows) == 1  # wide: one row
    plot.resize(int(260 * scale), 300)
    qtbot.waitUntil(lambda: plot.legend.columns < 3)
    qtbot.waitUntil(lambda: max(right_edges()) <= item.width())
    names = [label.text for _s, label in plot.legend.items]
    assert names == ["per chunk", "smoothed", "epoch mean"]  # all of them, in order
    plot.resize(900, 300)
    qtbot.waitUntil(lambda: plot.legend.columns == 3)


def test_readout_keeps_the_last_cost_when_the_run_ends(qtbot):
    """A run's last record (DONE) carries no cost: the readout said "cost –" at the end of
    the book's MNIST run on the lecture slide."""
    from nnviz.core.learning.snapshot import DONE

    plots = TrainingPlots(readout=True)
    qtbot.addWidget(plots)
    last = epoch_record(29, 9472, cost=0.0123)
    done = Progress(DONE, 29, BPE, BPE, last.examples_seen, float("nan"), 3.0, 1.0)
    plots.extend_cost([last, done])
    assert plots.readout.values["cost"].text() == "0.0123"
    plots.clear()
    assert plots.readout.values["cost"].text() == "\u2013"
