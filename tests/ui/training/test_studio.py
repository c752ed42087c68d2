"""The Training tab driven as a user would: presets, play, pause, step, reset, edits, files."""

import os

import numpy as np
import pytest
from PySide6.QtCore import Qt

from nnviz.core.files.network import save_network
from nnviz.core.learning.network import Network
from nnviz.core.learning.snapshot import EPOCH
from nnviz.ui.training.live_views import WallClockRate
from nnviz.ui.training.studio import TrainingStudio
from nnviz.ui.training.worker import PAUSED, PLAYING


@pytest.fixture
def studio(qtbot, monkeypatch):
    monkeypatch.setenv("NNVIZ_MNIST_DIR", "/nonexistent")  # start offline: digits
    s = TrainingStudio()
    qtbot.addWidget(s)
    s.resize(1300, 850)
    s.show()
    qtbot.waitUntil(lambda: s.worker is not None and s.snapshot is not None, timeout=15000)
    yield s
    s.shutdown()


def ready(studio, qtbot):
    """Wait until the current run's worker has published its first snapshot."""
    qtbot.waitUntil(
        lambda: (
            studio.worker is not None
            and studio.snapshot is not None
            and studio.snapshot.run_id == studio.worker.run_id
        ),
        timeout=15000,
    )


def test_offline_start_uses_the_builtin_digits(studio):
    assert studio.dataset.name.lower().startswith("digits") or studio.dataset.n_inputs == 64
    assert studio.snapshot.sizes == (64, 30, 10)
    assert studio.canvas.sizes == (64, 30, 10)
    assert studio.worker.mode == PAUSED


def test_short_run_fills_plots_canvas_and_log(studio, qtbot):
    studio.controls.epochs_spin.setValue(3)  # untrained: applies at once
    qtbot.waitUntil(lambda: studio.settings.epochs == 3, timeout=5000)
    ready(studio, qtbot)
    first = studio.snapshot.weights[0].copy()
    studio.play()
    qtbot.waitUntil(lambda: studio.worker.finished_run, timeout=30000)
    qtbot.waitUntil(lambda: studio.snapshot.progress.examples_seen == 3 * 1197, timeout=5000)
    # At full speed the plots take their queued records on the views' timer, in turns.
    qtbot.waitUntil(lambda: len(studio.plots.cost_plot.curve_data()[0]) >= 3, timeout=5000)
    qtbot.waitUntil(lambda: len(studio.plots.accuracy_plot.accuracy_data()[0]) == 3, timeout=5000)
    x, y = studio.plots.cost_plot.curve_data()
    assert np.all(np.isfinite(y))
    ex, ey = studio.plots.accuracy_plot.accuracy_data()
    assert list(ex) == [1, 2, 3] and ey[-1] > 70  # percent on the 300 test digits
    # The canvas repaints at most 24 times a second, always the newest snapshot: it catches up.
    qtbot.waitUntil(
        lambda: np.array_equal(studio.canvas.weights[0], studio.snapshot.weights[0]),
        timeout=2000,
    )
    assert not np.array_equal(studio.canvas.weights[0], first)  # the canvas saw new weights
    log = studio.log.toPlainText()
    assert "Epoch 0: " in log and "Epoch 2: " in log and "/ 300" in log


def test_pause_then_step_moves_exactly_one_minibatch(studio, qtbot):
    studio.controls.epochs_spin.setValue(1000)  # digits train fast: keep the run going
    qtbot.waitUntil(lambda: studio.settings.epochs == 1000, timeout=5000)
    ready(studio, qtbot)
    studio.play()
    qtbot.waitUntil(lambda: studio.playing, timeout=5000)
    # Pause once something has been trained (the training process may still be importing
    # its numeric libraries when Play arrives).
    qtbot.waitUntil(lambda: studio.snapshot.progress.examples_seen > 0, timeout=10000)
    studio.pause()
    qtbot.waitUntil(lambda: studio.worker.mode == PAUSED, timeout=5000)
    # The worker finishes the chunk it was in, then the GUI gets exactly that state.
    qtbot.waitUntil(
        lambda: studio.worker.idle and studio.snapshot.progress is studio.worker.last_progress,
        timeout=5000,
    )
    seen = studio.snapshot.progress.examples_seen
    assert seen > 0
    studio.step()
    qtbot.waitUntil(lambda: studio.snapshot.progress.examples_seen == seen + 10, timeout=5000)
    # Paused again with everything delivered: the step went no further.
    qtbot.waitUntil(
        lambda: studio.worker.idle and studio.snapshot.progress is studio.worker.last_progress
    )
    assert studio.snapshot.progress.examples_seen == seen + 10


def test_step_epoch_pauses_at_the_epoch_end(studio, qtbot):
    studio.step_epoch()
    qtbot.waitUntil(lambda: studio.snapshot.progress.kind == EPOCH, timeout=15000)
    assert studio.worker.mode == PAUSED
    assert studio.snapshot.progress.examples_seen == 1197


def test_reset_gives_the_seeds_weights_again(studio, qtbot):
    start = studio.snapshot.weights[0].copy()
    studio.step_epoch()
    qtbot.waitUntil(lambda: studio.snapshot.progress.kind == EPOCH, timeout=15000)
    studio.reset()
    ready(studio, qtbot)
    np.testing.assert_array_equal(studio.snapshot.weights[0], start)
    # The plots were cleared: the new run's curve is there (for its legend) but empty.
    assert studio.plots.accuracy_plot.accuracy_data("")[0].size == 0
    assert studio.plots.cost_plot.curve_data()[0].size <= 1


def test_eta_edit_applies_live(studio, qtbot):
    studio.controls.eta_spin.setValue(0.5)
    studio.step()
    qtbot.waitUntil(lambda: studio.snapshot.progress.examples_seen == 10, timeout=5000)
    assert studio.snapshot.progress.eta == 0.5


def test_bad_layer_sizes_are_shown_not_applied(studio, qtbot):
    before = studio.worker
    studio.controls.sizes_edit.setText("64,,10")
    studio.controls.sizes_edit.editingFinished.emit()
    assert studio.controls.sizes_error.isVisibleTo(studio.controls)
    assert "empty" in studio.controls.sizes_error.text()
    assert studio.worker is before


def test_mismatched_sizes_explain_what_fits(studio, qtbot):
    studio.controls.sizes_edit.setText("784,30,10")
    studio.controls.sizes_edit.editingFinished.emit()
    qtbot.waitUntil(lambda: studio.banner.isVisibleTo(studio), timeout=5000)
    assert "64" in studio.banner.text()


def test_hand_edit_when_paused(studio, qtbot):
    studio.canvas.set_editable(True)
    studio.canvas.edit(1, 2, 3)
    editor = studio.canvas.editor
    assert editor.isVisible()
    assert editor.window() is studio.canvas.window()  # in place, not a dialog
    editor.spin.setValue(12.5)
    qtbot.keyClick(editor.spin.lineEdit(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: studio.snapshot.weights[1][2, 3] == 12.5, timeout=5000)
    log = studio.log.toPlainText()
    assert "test accuracy now" in log and "w³₃,₄ to 12.5" in log


def test_eta_100_is_explained_in_the_window(studio, qtbot):
    studio.controls.eta_spin.setValue(100.0)
    studio.step_epoch()
    qtbot.waitUntil(lambda: studio.snapshot.progress.kind == EPOCH, timeout=15000)
    studio.step_epoch()
    qtbot.waitUntil(
        lambda: studio.snapshot.progress.epoch == 1 and studio.snapshot.progress.kind == EPOCH,
        timeout=15000,
    )
    acc = studio.snapshot.progress.test_accuracy
    if acc < 0.2:  # stuck, as the book says: the window must say why
        assert studio.banner.isVisibleTo(studio)
        assert "saturated" in studio.banner.text()


def test_save_and_open_network_round_trip(studio, qtbot, tmp_path):
    studio.step_epoch()
    qtbot.waitUntil(lambda: studio.snapshot.progress.kind == EPOCH, timeout=15000)
    path = studio.save_network(tmp_path / "digits.npz")
    trained = studio.snapshot.weights[0].copy()
    studio.reset()
    ready(studio, qtbot)
    studio.open_network(path)
    qtbot.waitUntil(
        lambda: studio.snapshot is not None and np.array_equal(studio.snapshot.weights[0], trained),
        timeout=10000,
    )
    # It can be trained further, continuing the epoch count.
    studio.step_epoch()
    qtbot.waitUntil(lambda: studio.snapshot.progress.kind == EPOCH, timeout=15000)
    assert studio.snapshot.progress.epoch == 1


def test_a_network_saved_with_a_large_seed_opens_with_its_seed(studio, qtbot, tmp_path):
    # `nnviz train --seed 3000000000 --save` writes such a file; the seed box once stopped
    # at 2^31 - 1 and the app raised OverflowError (issue 32).
    path = save_network(
        tmp_path / "seeded.npz",
        Network([64, 10, 10], seed=0, dtype="float32"),
        {"dataset": "digits", "seed": 3_000_000_000, "eta": 0.5, "epoch": 0},
    )
    studio.open_network(path)
    qtbot.waitUntil(lambda: studio.worker is not None and studio.snapshot is not None)
    assert studio.settings.seed == 3_000_000_000 and studio.settings.eta == 0.5
    assert studio.controls.settings() == studio.settings  # the controls show it exactly


def test_malformed_network_file_leaves_the_current_network(studio, qtbot, tmp_path):
    from nnviz.core.files.network import NetworkFileError

    bad = tmp_path / "bad.npz"
    bad.write_bytes(b"garbage")
    before = studio.worker
    with pytest.raises(NetworkFileError):
        studio.open_network(bad)
    other = save_network(tmp_path / "big.npz", Network([5, 3, 2], seed=0))
    with pytest.raises(ValueError, match="no built-in data set"):
        studio.open_network(other)
    assert studio.worker is before and studio.worker.isRunning()


def test_example_browsing_shows_image_and_outputs(studio, qtbot):
    studio.show_example(5)
    bars = studio.example.bars.heights()
    assert bars.shape == (10,)
    assert studio.example_spin.value() == 5
    studio.next_button.click()
    assert studio.example_spin.value() == 6
    label = int(studio.dataset.test.labels[6])
    assert f"label {label}" in studio.example.verdict.text()


def test_closing_mid_run_stops_the_thread_and_the_run(studio, qtbot):
    studio.controls.epochs_spin.setValue(1000)
    qtbot.waitUntil(lambda: studio.settings.epochs == 1000, timeout=5000)
    ready(studio, qtbot)
    studio.play()
    qtbot.waitUntil(lambda: studio.worker.mode == PLAYING, timeout=5000)
    worker = studio.worker
    studio.shutdown()
    assert not worker.isRunning() and not worker.finished_run


def test_inputs_can_be_drawn_as_the_image_grid(studio, qtbot):
    studio.grid_box.setChecked(True)
    assert studio.canvas.is_grid()
    assert studio.canvas.sizes == (64, 30, 10)
    studio.grid_box.setChecked(False)
    assert not studio.canvas.is_grid()


def test_choosing_a_preset_while_playing_keeps_training(studio, qtbot):
    """The new run plays on at once (no Pause button over a paused run)."""
    studio.controls.epochs_spin.setValue(1000)
    studio.reset()
    ready(studio, qtbot)
    studio.play()
    qtbot.waitUntil(lambda: studio.snapshot.progress.examples_seen > 0, timeout=10000)
    first_run = studio.worker.run_id
    studio.apply_preset(next(p for p in studio.presets if p.key == "xor"))
    qtbot.waitUntil(
        lambda: studio.worker is not None and studio.worker.run_id != first_run, timeout=5000
    )
    # Examples of the new run within 2 s of the switch, and the controls say it plays.
    qtbot.waitUntil(
        lambda: (
            studio.snapshot is not None
            and studio.snapshot.run_id == studio.worker.run_id
            and studio.snapshot.progress.examples_seen > 0
        ),
        timeout=2000,
    )
    assert studio.playing and studio.controls.play_button.text().lower().startswith("pause")


def test_a_preset_chosen_while_paused_waits_for_play(studio, qtbot):
    states = []
    studio.run_state_changed.connect(states.append)  # what the window's toolbar shows
    studio.play()
    qtbot.waitUntil(lambda: states[-1:] == [True], timeout=5000)
    studio.pause()
    qtbot.waitUntil(lambda: not studio.playing, timeout=5000)
    studio.apply_preset(next(p for p in studio.presets if p.key == "xor"))
    ready(studio, qtbot)
    qtbot.waitUntil(lambda: studio.worker.idle)  # the new run has settled, paused
    assert not studio.playing and studio.snapshot.progress.examples_seen == 0
    assert studio.controls.play_button.text().lower().startswith("play")
    assert states[-1] is False


def test_first_start_without_mnist_offers_the_download_in_the_banner(studio, qtbot):
    assert studio.settings.dataset == "digits"
    assert studio.banner.isVisible() and "MNIST" in studio.banner.text()
    assert studio.banner_button.isVisible() and "Download" in studio.banner_button.text()
    with qtbot.waitSignal(studio.banner_action, timeout=1000) as blocker:
        studio.banner_button.click()
    assert blocker.args == ["download"]
    assert studio.worker is not None  # nothing was stopped: the banner only offers


def test_an_mnist_preset_without_mnist_keeps_the_trained_run(studio, qtbot):
    studio.step_epoch()
    qtbot.waitUntil(lambda: studio.snapshot.progress.kind == EPOCH, timeout=15000)
    run, seen = studio.worker.run_id, studio.snapshot.progress.examples_seen
    weights = studio.snapshot.weights[0].copy()
    book = next(p for p in studio.presets if p.key == "book")
    studio.apply_preset(book)
    qtbot.waitUntil(lambda: "kept" in studio.banner.text())
    assert studio.worker.run_id == run and studio.snapshot.progress.examples_seen == seen
    np.testing.assert_array_equal(studio.snapshot.weights[0], weights)
    assert "kept" in studio.banner.text() and studio.banner_button.isVisible()
    assert studio.controls.preset_combo.currentData() == "digits"


def test_examples_per_second_is_measured_by_the_wall_clock():
    """The rate counts the waits between mini-batches (a fake clock): 20 mini-batches of 10
    a second read 200 examples/s, whatever the trainer's own busy time says."""
    clock = [0.0]
    rate = WallClockRate(1.0, clock=lambda: clock[0])
    seen = 0
    results = []
    for _ in range(60):  # three seconds at 20 mini-batches a second
        clock[0] += 0.05
        seen += 10
        results.append(rate.update(seen))
    assert results[:19] == [None] * 19  # the first window has not passed yet
    assert results[-1] == pytest.approx(200.0)
    assert rate.update(5) is None  # a new run (the count went back) measures afresh


def test_slow_mode_reports_examples_per_second(studio, qtbot):
    texts = []
    studio.status_changed.connect(texts.append)
    i = studio.controls.speed_combo.findData(20.0)
    assert i >= 0
    studio.controls.speed_combo.setCurrentIndex(i)
    studio.play()
    qtbot.waitUntil(lambda: any("examples/s" in t for t in texts[-1:]))
    studio.pause()
    speeds = [t.split(" examples/s")[0].rsplit("\u00b7", 1)[1] for t in texts if "examples/s" in t]
    assert float(speeds[-1].strip().replace(",", "")) > 0


def test_eta_change_is_logged_and_marked(studio, qtbot):
    studio.controls.speed_combo.setCurrentIndex(studio.controls.speed_combo.findData(0.0))
    studio.step_epoch()
    qtbot.waitUntil(lambda: studio.snapshot.progress.kind == EPOCH, timeout=15000)
    studio.controls.eta_spin.setValue(0.5)
    qtbot.waitUntil(lambda: "\u03b7 changed from 3 to 0.5 at epoch" in studio.log.toPlainText())
    studio.step_epoch()
    qtbot.waitUntil(
        lambda: studio.snapshot.progress.epoch == 1 and studio.snapshot.progress.kind == EPOCH,
        timeout=15000,
    )
    studio.views.flush_plots()
    marks = studio.plots.cost_plot.eta_marks()
    assert [text for _x, text in marks] == ["\u03b7 = 0.5"] and 1.0 <= marks[0][0] <= 1.1


def test_a_dead_output_is_named_once_accuracy_stalls_with_a_button_for_another_seed(studio, qtbot):
    ready(studio, qtbot)
    # Silence output neuron 3 before training, as a saturated start would: its sigmoid's
    # slope is ~1e-26, so gradient descent never brings digit 3 back and accuracy stalls
    # below 90%. The banner must wait for the stall, not fire while accuracy climbs.
    studio.worker.edit_parameter(1, 3, None, -60.0)
    qtbot.waitUntil(lambda: studio.snapshot.biases[1][3, 0] == -60.0, timeout=5000)
    # Epoch by epoch, as a student stepping through it, until the banner speaks.
    for epoch in range(30):
        studio.step_epoch()
        qtbot.waitUntil(
            lambda e=epoch: (
                studio.snapshot.progress.kind == EPOCH and studio.snapshot.progress.epoch == e
            ),
            timeout=15000,
        )
        if studio.banner.isVisibleTo(studio) and " never " in studio.banner.text():
            break
    assert studio.banner.isVisibleTo(studio) and " never " in studio.banner.text()
    accuracies = [r.test_accuracy for r in studio.run.records if r.kind == EPOCH]
    # shown only after three epochs without a point of gain
    assert len(accuracies) >= 4 and max(accuracies[-3:]) - max(accuracies[:-3]) < 0.01
    assert "has not improved" in studio.banner.text()
    named = studio.banner.text().split(" never ")[0]
    assert named.startswith(("Output neuron", "Class"))
    assert "3" in named.replace(",", " ").split()
    button = studio.banner_button
    assert button.isVisibleTo(studio) and button.text() == "Try seed 1"
    before = studio.worker
    button.click()
    ready(studio, qtbot)
    assert studio.settings.seed == 1 and studio.worker is not before
    assert not studio.banner.isVisibleTo(studio)  # a new run: the old diagnosis is gone


@pytest.mark.skipif(
    not hasattr(os, "sched_getaffinity") or len(os.sched_getaffinity(0)) < 2,
    reason="binding to a CPU needs Linux and two CPUs",
)
def test_the_runs_process_keeps_to_one_cpu_once_playing_and_the_window_stays_free(studio, qtbot):
    studio.controls.epochs_spin.setValue(1000)  # digits train fast: keep the run going
    qtbot.waitUntil(lambda: studio.settings.epochs == 1000, timeout=5000)
    ready(studio, qtbot)
    child = studio.worker._process.pid
    before = os.sched_getaffinity(child)
    assert len(before) >= 2  # free while it waits for Play
    studio.play()
    qtbot.waitUntil(lambda: studio.snapshot.progress.examples_seen > 0, timeout=10000)
    qtbot.waitUntil(lambda: len(os.sched_getaffinity(child)) == 1, timeout=5000)
    assert os.sched_getaffinity(child) <= before
    assert os.sched_getaffinity(0) == before  # the window's process may use every CPU


def test_the_status_says_when_a_run_is_over(studio, qtbot):
    """After the last epoch the status line says the run is finished and how many epochs it
    trained (the book counts from 0, so "Epoch 1" alone read as one still to come)."""
    from nnviz.core.learning.run import RunSpec

    texts = []
    studio.status_changed.connect(texts.append)
    studio.run.start(RunSpec("digits", (64, 10, 10), 3.0, 10, 2, 0, "float32"))
    ready(studio, qtbot)
    studio.play()
    qtbot.waitUntil(lambda: any("finished: 2 epochs trained" in t for t in texts))
    assert "Epoch 1" in texts[-1] or "finished" in texts[-1]
    assert "finished: 2 epochs trained" in texts[-1]


def test_the_training_pages_views_have_names_a_screen_reader_says(studio):
    """The canvas, example, weight image, both plots, the log and the glyph buttons are named
    for assistive technology (Qt derives nothing useful from a drawing or a glyph)."""
    from PySide6.QtGui import QAccessible

    for widget in (
        studio.canvas,
        studio.example,
        studio.heatmap,
        studio.plots.cost_plot,
        studio.plots.accuracy_plot,
        studio.log,
        studio.prev_button,
        studio.next_button,
    ):
        name = QAccessible.queryAccessibleInterface(widget).text(QAccessible.Text.Name)
        assert len(name) > 8 and "\u25c0" not in name and "\u25b6" not in name, widget


def test_an_update_with_hundreds_of_epochs_is_logged_as_one_line(studio, qtbot):
    # A tiny network sends hundreds of epochs per update (XOR at 3,000 epochs); one log
    # line each froze the window. A few epochs per update keep a line each.
    from nnviz.core.learning.snapshot import Progress

    def rec(e):
        return Progress(EPOCH, e, 1, 1, 4 * (e + 1), 0.1, 5.0, 0.0, test_correct=3, test_total=4)

    before = studio.log.blockCount()
    studio.views.take_records([rec(e) for e in range(300)])
    assert studio.log.blockCount() == before + 1
    assert studio.log.toPlainText().splitlines()[-1] == "Epochs 0\u2013299: 3 / 4 \u2026 3 / 4"
    studio.views.take_records([rec(300), rec(301)])
    assert studio.log.toPlainText().splitlines()[-2:] == ["Epoch 300: 3 / 4", "Epoch 301: 3 / 4"]


def test_weight_and_bias_edits_undo_and_redo_by_keyboard_and_are_logged(studio, qtbot):
    ready(studio, qtbot)
    studio.step_epoch()
    qtbot.waitUntil(lambda: studio.snapshot.progress.kind == EPOCH, timeout=15000)
    w0 = float(studio.snapshot.weights[1][3, 23])
    b0 = float(studio.snapshot.biases[0][5, 0])
    studio.canvas.weight_edited.emit(1, 3, 23, 30.0)
    qtbot.waitUntil(lambda: studio.snapshot.weights[1][3, 23] == 30.0, timeout=5000)
    studio.canvas.bias_edited.emit(0, 5, -4.0)
    qtbot.waitUntil(lambda: studio.snapshot.biases[0][5, 0] == -4.0, timeout=5000)
    undo = studio.edits.undo_action
    assert undo.isEnabled() and undo.text() == "&Undo Edit set bias b\u00b2\u2086 to -4"
    studio.canvas.setFocus()
    qtbot.keyClick(studio.canvas, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: studio.snapshot.biases[0][5, 0] == np.float32(b0), timeout=5000)
    qtbot.keyClick(studio.canvas, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: studio.snapshot.weights[1][3, 23] == np.float32(w0), timeout=5000)
    assert not undo.isEnabled()
    mods = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(studio.canvas, Qt.Key.Key_Z, mods)
    qtbot.waitUntil(lambda: studio.snapshot.weights[1][3, 23] == 30.0, timeout=5000)
    qtbot.keyClick(studio.canvas, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: studio.snapshot.biases[0][5, 0] == -4.0, timeout=5000)
    log = studio.log.toPlainText()
    assert "set weight w\u00b3\u2084,\u2082\u2084 to 30" in log
    assert f"undo: weight w\u00b3\u2084,\u2082\u2084 back to {np.float32(w0):g}" in log
    assert "redo: bias b\u00b2\u2086 to -4" in log
    # training moves every parameter: the history ends there
    studio.step()
    assert not undo.isEnabled() and not studio.edits.redo_action.isEnabled()


def test_big_readout_shows_the_finished_runs_numbers(studio, qtbot):
    studio.controls.epochs_spin.setValue(2)
    qtbot.waitUntil(lambda: studio.settings.epochs == 2, timeout=5000)
    ready(studio, qtbot)
    studio.play()
    qtbot.waitUntil(lambda: studio.worker.finished_run, timeout=30000)
    readout = studio.plots.readout

    def shows_the_last_epoch() -> bool:
        # The run's records may still be arriving when the worker reports it finished.
        tested = [r for r in studio.run.records if r.test_accuracy is not None]
        if not tested or tested[-1].epoch != 1:
            return False
        want = f"{100 * tested[-1].test_accuracy:.2f}%"
        return readout.values["accuracy"].text() == want and readout.values["epochs"].text() == "2"

    qtbot.waitUntil(shows_the_last_epoch)


def test_an_image_input_is_drawn_as_the_image_and_its_lines_move_as_the_network_learns(
    studio, qtbot
):
    """The default input view is the digit's grid, whose first-layer lines carry w·x for the
    example shown (the column showed x1..x10, border pixels whose weights never change)."""
    import numpy as np

    ready(studio, qtbot)
    assert studio.grid_box.isChecked() and studio.canvas.is_grid()
    studio.examples.update()
    edges = studio.canvas.edge_items[0]
    qtbot.waitUntil(lambda: edges.net_inputs is not None)
    before = np.array(edges.net_inputs)
    x = studio.examples.example_input()
    shown = studio.canvas.layouts[1].shown  # the hidden neurons drawn
    np.testing.assert_allclose(before, studio.snapshot.weights[0][shown] @ x, rtol=1e-4, atol=1e-6)
    studio.step_epoch()
    qtbot.waitUntil(lambda: studio.snapshot.progress.examples_seen > 0)
    studio.examples.update()
    qtbot.waitUntil(lambda: not np.allclose(edges.net_inputs, before))
    # The user's choice of the column holds.
    studio.grid_box.setChecked(False)
    assert not studio.canvas.is_grid() and not studio.grid_wanted
