"""The "inside the trained network" views: drawing pad, errors, 4-bit layer, baselines."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication

from nnviz.core.datasets.preprocess import to_digits8, to_mnist
from nnviz.core.learning.network import Network
from nnviz.core.learning.training import TrainConfig, train


@pytest.fixture(scope="module")
def digits():
    from nnviz.core.datasets.builtin import load_digits

    return load_digits()


@pytest.fixture(scope="module")
def digits_net(digits):
    """A [64, 30, 10] network trained on the 8x8 digits (a second or two)."""
    net = Network([64, 30, 10], seed=0)
    for _ in train(net, digits, TrainConfig(epochs=10, batch_size=10, eta=3.0, seed=0)):
        pass
    return net


_MNIST: dict = {}


@pytest.fixture
def mnist_net(mnist_path):
    """[784, 30, 10], 1 epoch on MNIST, float32; trained once for the whole session."""
    if not _MNIST:
        from nnviz.core.datasets.mnist import load_mnist

        ds = load_mnist(mnist_path)
        net = Network([784, 30, 10], seed=0, dtype=np.float32)
        for _ in train(net, ds, TrainConfig(epochs=1, batch_size=10, eta=3.0, seed=0)):
            pass
        _MNIST.update(net=net, ds=ds)
    return _MNIST["net"], _MNIST["ds"]


def _mouse(widget, kind, pos, button, buttons):
    p = QPointF(*pos)
    mods = Qt.KeyboardModifier.NoModifier
    event = QMouseEvent(kind, p, widget.mapToGlobal(p), button, buttons, mods)
    QApplication.sendEvent(widget, event)


def draw(widget, points):
    """One stroke with the left button, as a person would drag it."""
    left, none = Qt.MouseButton.LeftButton, Qt.MouseButton.NoButton
    _mouse(widget, QEvent.Type.MouseButtonPress, points[0], left, left)
    for p in points[1:]:
        _mouse(widget, QEvent.Type.MouseMove, p, none, left)
    _mouse(widget, QEvent.Type.MouseButtonRelease, points[-1], left, none)


SEVEN = [
    [(70, 60), (130, 58), (200, 55), (190, 80), (170, 120), (150, 170), (135, 230)],
    [(110, 145), (185, 140)],
]


# -- drawing pad ----------------------------------------------------------------------------------


def test_pad_strokes_undo_clear(qtbot):
    from nnviz.ui.explore.draw_digit import DrawPad

    pad = DrawPad()
    qtbot.addWidget(pad)
    assert pad.ink().max() == 0
    with qtbot.waitSignal(pad.changed):
        draw(pad, [(50, 50), (50, 200)])
    ink1 = pad.ink()
    # a thick round pen: ink around the line, across roughly the pen width, nothing far away
    assert ink1[125, 50] == pytest.approx(1.0, abs=0.01)
    assert ink1[125, 50 + pad.pen_width // 2 + 3] == 0
    assert ink1[125, 50 + pad.pen_width // 2 - 3] > 0.9
    draw(pad, [(200, 50), (200, 200)])
    assert len(pad.strokes) == 2 and pad.ink()[125, 200] > 0.9
    pad.undo()
    assert len(pad.strokes) == 1
    np.testing.assert_array_equal(pad.ink(), ink1)
    pad.clear()
    assert pad.strokes == [] and pad.ink().max() == 0


def test_view_without_network_shows_hint_and_input(qtbot):
    from nnviz.ui.explore.draw_digit import DrawDigitView

    view = DrawDigitView()
    qtbot.addWidget(view)
    assert "No trained network" in view.hint.text() and not view.hint.isHidden()
    for stroke in SEVEN:
        draw(view.pad, stroke)
    np.testing.assert_array_equal(view.input_image, to_mnist(view.pad.ink()))
    assert view.predicted is None and view.answer.text() == "?"
    view.set_network(Network([5, 3]), None)
    assert "5 inputs" in view.hint.text()
    assert view.predicted is None


def test_view_classifies_live_with_8x8_network(qtbot, digits, digits_net):
    from nnviz.ui.explore.draw_digit import DrawDigitView

    view = DrawDigitView()
    qtbot.addWidget(view)
    view.set_network(digits_net, digits)
    assert view.hint.isHidden()
    draw(view.pad, SEVEN[0])
    first = view.outputs.copy()
    draw(view.pad, SEVEN[1])  # the answer follows every stroke
    assert view.input_image.shape == (8, 8)
    np.testing.assert_array_equal(view.input_image, to_digits8(view.pad.ink()))
    expected = digits_net.feedforward(view.input_image.reshape(64, 1) / 16.0)[:, 0]
    np.testing.assert_allclose(view.outputs, expected, rtol=1e-12)
    assert not np.allclose(first, view.outputs)
    assert view.predicted == int(np.argmax(expected))
    np.testing.assert_allclose(view.bars.opts["height"], expected)
    assert view.answer.text() == str(view.predicted)
    view.undo_button.click()
    view.clear_button.click()
    assert view.predicted is None and np.all(view.bars.opts["height"] == 0)


@pytest.mark.mnist
def test_drawn_seven_is_a_seven(qtbot, mnist_net):
    from nnviz.ui.explore.draw_digit import DrawDigitView

    net, ds = mnist_net
    view = DrawDigitView()
    qtbot.addWidget(view)
    view.set_network(net, ds)
    for stroke in SEVEN:
        draw(view.pad, stroke)
    assert view.input_image.shape == (28, 28)
    assert view.predicted == 7


def _save_png(path, grey):
    from PySide6.QtGui import QImage

    grey = np.ascontiguousarray(grey, dtype=np.uint8)
    h, w = grey.shape
    assert QImage(grey.data, w, h, w, QImage.Format.Format_Grayscale8).copy().save(str(path))


def test_open_image_on_pad(qtbot, tmp_path):
    from nnviz.ui.explore.draw_digit import DrawDigitView

    view = DrawDigitView()
    qtbot.addWidget(view)
    pic = np.full((400, 200), 255, dtype=np.uint8)  # portrait: scaled to 280 tall, 140 wide
    pic[50:350, 90:110] = 0
    _save_png(tmp_path / "bar.png", pic)
    assert view.load_image(str(tmp_path / "bar.png")) == ""
    ink = view.pad.ink()
    assert ink[140, 140] > 0.9 and ink[140, 100] == 0  # centred on the pad
    np.testing.assert_array_equal(view.input_image, to_mnist(ink))
    draw(view.pad, [(20, 20), (60, 20)])  # strokes go on top of the picture
    assert view.pad.ink()[20, 40] > 0.9 and view.pad.ink()[140, 140] > 0.9
    view.pad.undo()
    view.pad.undo()  # the picture goes last
    assert view.pad.picture is None and view.pad.ink().max() == 0
    (tmp_path / "junk.png").write_text("no image")
    assert "cannot read" in view.load_image(str(tmp_path / "junk.png"))
    assert "cannot read" in view.load_status.text()
    _save_png(tmp_path / "white.png", np.full((30, 30), 255, dtype=np.uint8))
    assert "no dark ink" in view.load_image(str(tmp_path / "white.png"))


@pytest.mark.mnist
def test_opened_mnist_picture_gets_the_networks_answer(qtbot, tmp_path, mnist_net):
    from nnviz.core.learning.training import predict_rows
    from nnviz.ui.explore.draw_digit import DrawDigitView

    net, ds = mnist_net
    view = DrawDigitView()
    qtbot.addWidget(view)
    view.set_network(net, ds)
    expected = predict_rows(net, ds.test.x[:20], ds.scale)
    agree = 0
    for k in range(20):
        big = np.kron(ds.test.x[k].reshape(28, 28), np.ones((8, 8), dtype=np.uint8))
        _save_png(tmp_path / "d.png", 255 - big)
        assert view.load_image(str(tmp_path / "d.png")) == ""
        agree += view.predicted == expected[k]
    assert agree >= 18


# -- errors view ----------------------------------------------------------------------------------


def _loop_predictions(net, ds):
    """Predictions one test example at a time (the reference for the vectorised views)."""
    preds, confs = [], []
    for row in ds.test.x:
        a = net.feedforward(row.astype(np.float64) * ds.scale)
        preds.append(int(np.argmax(a)))
        confs.append(float(np.max(a)))
    return np.array(preds), np.array(confs)


def _gallery(view):
    m = view.model
    return [m.data(m.index(r, 0), Qt.ItemDataRole.UserRole + 1) for r in range(m.rowCount())]


def test_errors_view_without_network(qtbot):
    from nnviz.ui.explore.errors_view import ErrorsView

    view = ErrorsView()
    qtbot.addWidget(view)
    view.show()
    assert not view.hint.isHidden() and "No trained network" in view.hint.text()
    assert view.model.rowCount() == 0
    view.table.cellClicked.emit(1, 2)  # nothing to filter: must not fail
    assert view.model.rowCount() == 0


def test_errors_view_matrix_gallery_and_filter(qtbot, digits, digits_net):
    from nnviz.ui.explore.errors_view import ErrorsView

    view = ErrorsView()
    qtbot.addWidget(view)
    view.show()
    view.set_network(digits_net, digits)
    assert view.hint.isHidden()
    labels = digits.test.labels
    pred, conf = _loop_predictions(digits_net, digits)
    wrong = np.flatnonzero(pred != labels)
    assert wrong.size > 0  # a briefly trained network makes some mistakes to look at
    # the matrix cells show the counts a plain loop finds
    for t in range(10):
        for p in range(10):
            n = int(np.sum((labels == t) & (pred == p)))
            assert view.table.item(t, p).text() == (str(n) if n else "")
    # the gallery holds every mistake, most confident first
    entries = _gallery(view)
    assert sorted(e.index for e in entries) == sorted(wrong.tolist())
    confs = [e.confidence for e in entries]
    assert confs == sorted(confs, reverse=True)
    for e in entries:
        assert e.predicted == pred[e.index] and e.confidence == pytest.approx(conf[e.index])
    assert view.model.data(view.model.index(0, 0), Qt.ItemDataRole.DecorationRole) is not None
    # clicking an off-diagonal cell keeps just those examples
    t, p = int(labels[wrong[0]]), int(pred[wrong[0]])
    view.table.cellClicked.emit(t, p)
    shown = _gallery(view)
    expected = np.flatnonzero((labels == t) & (pred == p))
    assert sorted(e.index for e in shown) == expected.tolist()
    assert view.show_all.isEnabled()
    # a diagonal cell shows that digit's correctly classified examples
    view.table.cellClicked.emit(3, 3)
    shown = _gallery(view)
    assert sorted(e.index for e in shown) == np.flatnonzero((labels == 3) & (pred == 3)).tolist()
    view.sort_combo.setCurrentText("least confident first")
    confs = [e.confidence for e in _gallery(view)]
    assert confs == sorted(confs)
    view.show_all.click()
    assert view.model.rowCount() == wrong.size and not view.show_all.isEnabled()
    # per-digit accuracy bars against the loop
    for d in range(10):
        sel = labels == d
        assert view.acc_bars.opts["height"][d] == pytest.approx(100 * np.mean(pred[sel] == d))


def test_errors_view_evaluates_when_shown(qtbot, digits, digits_net):
    from nnviz.ui.explore.errors_view import ErrorsView

    view = ErrorsView()
    qtbot.addWidget(view)
    view.set_network(digits_net, digits)  # hidden: nothing computed yet
    assert view.evaluation is None
    view.show()
    assert view.evaluation is not None and view.model.rowCount() == len(view.mistakes) > 0
    before = view.evaluation.outputs.copy()
    net = digits_net.copy()
    net.biases[-1][:] += 5.0  # changed in place, as training does: refresh picks it up
    view.set_network(net, digits)
    assert not np.allclose(view.evaluation.outputs, before)


def test_errors_view_rejects_non_digit_data(qtbot):
    from nnviz.core.datasets.builtin import truth_table_dataset
    from nnviz.ui.explore.errors_view import ErrorsView

    view = ErrorsView()
    qtbot.addWidget(view)
    view.show()
    view.set_network(Network([2, 1]), truth_table_dataset("xor"))
    assert "not a digit data set" in view.hint.text()
    assert view.model.rowCount() == 0


# -- the 4-bit output exercise ------------------------------------------------------------------


def test_binary_view_without_network_uses_ideal_outputs(qtbot):
    from nnviz.ui.explore.binary_output import BinaryOutputView

    view = BinaryOutputView()
    qtbot.addWidget(view)
    view.show()
    assert not view.hint.isHidden() and view.check is None
    # all weights 0: every bit is sigma(0) = 0.5, read as 0, so only the digit 0 is right
    assert view.ideal_check.failing_digits() == list(range(1, 10))
    view.solution_button.click()
    assert view.ideal_check.failing_digits() == []
    assert "every digit" in view.ideal_label.text()
    # the grid is the book's layout: weight from output d to bit b
    w, _ = view.weights()
    for b in range(4):
        for d in range(10):
            assert (w[b, d] > 0) == (format(d, "04b")[b] == "1")


def test_binary_view_checks_test_set_against_loop(qtbot, digits, digits_net):
    import math

    from nnviz.ui.explore.binary_output import BinaryOutputView

    view = BinaryOutputView()
    qtbot.addWidget(view)
    view.show()
    view.set_network(digits_net, digits)
    assert view.hint.isHidden()
    view.fill_solution()
    view.weight_spins[3][5].setValue(-3.0)  # spoil the 1s bit of the digit 5 by hand
    w, b = view.weights()
    assert w[3, 5] == -3.0

    def loop_correct():
        out = []
        for row, label in zip(digits.test.x, digits.test.labels):
            a = digits_net.feedforward(row.astype(np.float64) * digits.scale)
            bits = ""
            for k in range(4):
                z = sum(w[k, i] * a[i] for i in range(10)) + b[k]
                bits += "1" if 1 / (1 + math.exp(-z)) > 0.5 else "0"
            out.append(bits == format(int(label), "04b"))
        return np.array(out)

    ref = loop_correct()
    np.testing.assert_array_equal(view.check.correct, ref)
    assert f"{100 * ref.mean():.1f}%" in view.result.text()
    fives = digits.test.labels == 5
    assert view.check.per_digit[5] == pytest.approx(ref[fives].mean())
    assert 5 in view.failing and view.ideal_check.failing_digits() == [5]
    assert view.table.item(1, 5).text() == f"{100 * ref[fives].mean():.1f}%"
    view.example_spin.setValue(int(np.flatnonzero(fives)[0]))
    assert "a 5;" in view.example_label.text()
    view.zero_button.click()
    assert np.all(view.weights()[0] == 0)
    np.testing.assert_array_equal(view.check.correct, digits.test.labels == 0)


# -- baselines ------------------------------------------------------------------------------------


def _wait_idle(qtbot, view, timeout=60000):
    qtbot.waitUntil(lambda: not view.running, timeout=timeout)


def test_baselines_quick_ones_start_by_themselves(qtbot, digits, digits_net):
    from nnviz.core.baselines import darkness_baseline, random_baseline
    from nnviz.core.learning.training import evaluate_split
    from nnviz.ui.explore.baselines_view import BaselinesView

    view = BaselinesView()
    qtbot.addWidget(view)
    assert not view.hint.isHidden() and not view.svm_button.isEnabled()
    got = []
    view.baseline_computed.connect(lambda key, label, pct: got.append((key, pct)))
    view.set_network(digits_net, digits)
    _wait_idle(qtbot, view)
    n = len(digits.test)
    assert view.results["random"] == (random_baseline(digits), n)
    assert view.results["darkness"] == (darkness_baseline(digits), n)
    assert dict(got) == pytest.approx(
        {
            "random": 100 * random_baseline(digits) / n,
            "darkness": 100 * darkness_baseline(digits) / n,
        }
    )
    net_pct = 100 * evaluate_split(digits_net, digits, digits.test) / n
    assert view.table.item(0, 1).text() == f"{net_pct:.2f}%"
    assert view.table.item(2, 1).text() == f"{100 * darkness_baseline(digits) / n:.2f}%"
    assert view.svm_button.isEnabled() and "svm" not in view.results
    # a new network on the same data keeps the baselines; no new run starts
    view.set_network(Network([64, 10]), digits)
    assert not view.running and "darkness" in view.results
    view.set_network(Network([784, 10]), digits)
    assert "784 neurons" in view.hint.text() and view.table.item(0, 1).text() == ""


@pytest.mark.slow
def test_baselines_svm_in_worker_process(qtbot, digits):
    from nnviz.core.baselines import svm_baseline
    from nnviz.ui.explore.baselines_view import BaselinesView

    view = BaselinesView()
    qtbot.addWidget(view)
    view.set_network(None, digits)
    _wait_idle(qtbot, view)
    got = []
    view.baseline_computed.connect(lambda key, label, pct: got.append((label, pct)))
    view.svm_limit.setCurrentIndex(view.svm_limit.count() - 1)  # all training images
    view.svm_button.click()
    assert view.running and view.cancel_button.isEnabled()
    _wait_idle(qtbot, view)
    # Both SVMs, labelled: the book's gamma "auto" and today's default "scale".
    n = len(digits.test)
    book = svm_baseline(digits, gamma="auto", use_cache=False)
    today = svm_baseline(digits, gamma="scale", use_cache=False)
    assert book != today
    assert view.results["svm"] == (book, n) and view.results["svm_scale"] == (today, n)
    assert got == [
        # the digits are not the book's data: no "book" in the name, the images counted
        ("SVM, \u03b3 auto, 1,197 training images", pytest.approx(100 * book / n)),
        ("SVM, \u03b3 scale, 1,197 training images", pytest.approx(100 * today / n)),
    ]
    assert view.table.item(3, 0).text() == "SVM as in the book (gamma 'auto')"
    assert view.table.item(4, 0).text() == "SVM, today's default (gamma 'scale')"
    assert view.table.item(3, 1).text() == f"{100 * book / n:.2f}%"
    assert view.table.item(4, 1).text() == f"{100 * today / n:.2f}%"
    assert "1,197 training images" in view.table.item(3, 2).text()


@pytest.mark.mnist
def test_baselines_cancel_stops_the_svm_process(qtbot, mnist_path):
    import os

    from nnviz.core.datasets.mnist import load_mnist
    from nnviz.ui.explore.baselines_view import BaselinesView

    ds = load_mnist(mnist_path)
    view = BaselinesView()
    qtbot.addWidget(view)
    view.set_network(None, ds)
    _wait_idle(qtbot, view)
    view.svm_limit.setCurrentIndex(view.svm_limit.count() - 1)  # minutes: we cancel anyway
    view.svm_button.click()
    thread = view.thread
    qtbot.waitUntil(lambda: "fitting" in view.status.text(), timeout=60000)
    pid = thread.child_pid
    assert pid is not None
    view.cancel_button.click()
    assert not view.running and "svm" not in view.results
    assert view.status.text() == "cancelled" and view.svm_button.isEnabled()
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)  # terminated and reaped


def test_baselines_close_while_running_stops_thread(qtbot, digits):
    from nnviz.ui.explore.baselines_view import BaselinesView

    view = BaselinesView()
    qtbot.addWidget(view)
    view.set_network(None, digits)
    view.compute(["svm"])  # joins the quick ones still pending
    assert view.running
    view.close()
    assert not view.running  # the autouse fixture also fails the test on a live QThread


def test_baselines_show_kept_svm_results_without_fitting(qtbot, digits):
    from nnviz.core.baselines import svm_baseline
    from nnviz.ui.explore.baselines_view import BaselinesView

    book = svm_baseline(digits, train_limit=1000, gamma="auto")  # kept in the cache
    view = BaselinesView()
    qtbot.addWidget(view)
    assert view.svm_limit.currentData() == 1000
    view.set_network(None, digits)
    _wait_idle(qtbot, view)
    assert view.results["svm"] == (book, len(digits.test))
    assert "svm_scale" not in view.results  # never run: not fitted behind the user's back
    assert view.table.item(4, 2).text().startswith("not run yet")
    assert view.svm_button.isEnabled()
    # Another training size: its own results (none kept here).
    view.svm_limit.setCurrentIndex(view.svm_limit.count() - 1)
    _wait_idle(qtbot, view)
    assert "svm" not in view.results


def test_only_the_books_setting_is_called_the_book():
    from nnviz.ui.explore.baselines_view import plot_label

    assert (
        plot_label("svm", "mnist", 50000)
        == "SVM, the book's setting: \u03b3 auto, 50,000 training images"
    )
    assert plot_label("svm", "mnist", 1000) == "SVM, \u03b3 auto, 1,000 training images"
    assert "book" not in plot_label("svm_scale", "mnist", 50000)
    assert plot_label("darkness", "digits", 1197) == "average darkness (1,197 training images)"
    assert plot_label("random", "mnist", 50000) == "random guess"
