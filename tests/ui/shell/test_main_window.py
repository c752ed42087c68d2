"""The whole window: every tab and menu action opens without error; closing stops threads."""

from pathlib import Path

import numpy as np
import pytest

from nnviz.ui.shell.main_window import MainWindow


def test_every_tab_opens(window, qtbot):
    for i in range(window.tabs.count()):
        window.tabs.setCurrentIndex(i)
        qtbot.waitUntil(lambda: window.tabs.currentWidget().isVisible())
    explore = window.explore
    for i in range(explore.tabs.count()):
        explore.tabs.setCurrentIndex(i)  # builds the sub-page
        qtbot.settle()
        assert explore.tabs.currentWidget() is not None


@pytest.mark.slow
def test_every_menu_action_runs(window, qtbot):
    skip = {"&Quit"}
    triggered = []
    for menu_action in window.menuBar().actions():
        menu = menu_action.menu()
        stack = [menu]
        while stack:
            m = stack.pop()
            for act in m.actions():
                if act.menu() is not None:
                    stack.append(act.menu())
                elif not act.isSeparator() and act.text() not in skip:
                    window.show_view(window.studio)
                    act.trigger()
                    qtbot.settle()
                    triggered.append(act.text())
                    if window.presenter:
                        window.set_presenter(False)
    assert len(triggered) > 20
    assert any("Presenter" in t for t in triggered)
    window.deck.close()  # the deck actions edited the open deck: discard, as the user may


def test_space_and_arrows_drive_training(window, qtbot):
    window.show_view(window.studio)
    window.act_step.trigger()
    qtbot.waitUntil(lambda: window.studio.snapshot.progress.examples_seen == 10, timeout=5000)
    window.act_play.trigger()
    qtbot.waitUntil(lambda: window.studio.playing, timeout=5000)
    assert window.act_play.text() == "&Pause" and not window.act_step.isEnabled()
    window.act_play.trigger()
    qtbot.waitUntil(lambda: not window.studio.playing, timeout=5000)
    assert window.act_play.shortcut().toString() == "Space"
    assert window.act_step.shortcut().toString() == "Right"
    assert window.act_reset.shortcut().toString() == "R"


def test_presenter_mode_scales_type_and_hides_secondary_controls(window, qtbot):
    from PySide6.QtWidgets import QApplication

    base = QApplication.font().pointSizeF()
    window.set_presenter_scale(2.0)
    window.set_presenter(True)
    assert QApplication.font().pointSizeF() == pytest.approx(base * 2.0)
    assert not window.studio.splitter.widget(0).isVisible()
    window.set_presenter(False)
    assert QApplication.font().pointSizeF() == pytest.approx(base)
    assert window.studio.splitter.widget(0).isVisible()


def test_close_mid_run_stops_threads_and_keeps_layout(qtbot, monkeypatch, no_dialogs):

    monkeypatch.setenv("NNVIZ_MNIST_DIR", "/nonexistent")
    w = MainWindow()
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: w.studio.snapshot is not None, timeout=15000)
    w.studio.controls.epochs_spin.setValue(1000)
    qtbot.waitUntil(
        lambda: (
            w.studio.settings.epochs == 1000
            and w.studio.snapshot is not None
            and w.studio.snapshot.run_id == w.studio.worker.run_id
        ),
        timeout=10000,
    )
    w.tabs.setCurrentIndex(2)
    w.studio.play()
    qtbot.waitUntil(lambda: w.studio.playing, timeout=5000)
    worker = w.studio.worker
    w.close()
    assert not worker.isRunning()
    w2 = MainWindow()
    qtbot.addWidget(w2)
    assert w2.tabs.currentIndex() == 2  # the layout and tab came back
    qtbot.waitUntil(lambda: w2.studio.settings is not None, timeout=10000)
    assert w2.studio.settings.epochs == 1000  # and so did the last run settings
    w2.close()


def test_record_then_replay_shows_the_recorded_frames(window, qtbot, tmp_path):
    studio = window.studio
    path = tmp_path / "run.nnrec"
    studio.start_recording(path)
    studio.step_epoch()
    qtbot.waitUntil(lambda: studio.snapshot.progress.kind == "epoch", timeout=15000)
    live = studio.snapshot.weights[0].copy()
    assert studio.stop_recording() == path and path.exists()
    studio.reset()
    qtbot.waitUntil(
        lambda: studio.snapshot is not None and studio.snapshot.run_id == studio.worker.run_id,
        timeout=10000,
    )
    assert window.open_path(str(path))
    assert studio.replay is not None and studio.replay_bar.isVisible()
    last = studio.replay.frame_count - 1
    studio.replay.seek(last)
    studio.canvas.flush()  # the canvas draws at most 25 frames a second; take this one now
    # The canvas shows the recorded end of the epoch (float16 weights), not the reset network.
    np.testing.assert_allclose(studio.canvas.weights[0], live, atol=2e-3 * np.abs(live).max())
    assert len(studio.plots.cost_plot.curve_data()[0]) > 0
    studio.replay.seek(0)
    assert (
        studio.plots.accuracy_plot.runs.get("") is None
        or len(studio.plots.accuracy_plot.accuracy_data()[0]) == 0
    )
    studio.replay_bar.back_to_live.emit()
    assert studio.replay is None and not studio.replay_bar.isVisible()
    studio.canvas.flush()
    np.testing.assert_array_equal(studio.canvas.weights[0], studio.snapshot.weights[0])


def test_damaged_or_foreign_recording_is_refused_cleanly(window, tmp_path):
    bad = tmp_path / "bad.nnrec"
    bad.write_bytes(b"not a recording at all")
    assert not window.open_path(str(bad))
    assert window.studio.replay is None


def test_session_round_trip(window, qtbot, tmp_path):
    from nnviz.core.files.session import save_session

    studio = window.studio
    studio.step_epoch()
    qtbot.waitUntil(lambda: studio.snapshot.progress.kind == "epoch", timeout=15000)
    studio.show_example(7)
    window.show_view(window.perceptron_lab)
    trained = studio.snapshot.weights[0].copy()
    path = save_session(tmp_path / "lecture.nnviz", window.sessions.current_session())
    studio.reset()
    studio.show_example(0)
    window.show_view(window.studio)
    assert window.open_path(str(path))
    qtbot.waitUntil(
        lambda: studio.snapshot is not None and np.array_equal(studio.snapshot.weights[0], trained),
        timeout=10000,
    )
    assert studio.example_spin.value() == 7
    assert window.current_view() is window.perceptron_lab


def test_export_current_view_png_and_svg(window, tmp_path):
    png, svg = tmp_path / "v.png", tmp_path / "v.svg"
    assert window.exports.export_view(str(png), "png", scale=2.0)
    assert window.exports.export_view(str(svg), "svg")
    from PySide6.QtGui import QImage

    img = QImage(str(png))
    assert img.width() == 2 * window.studio.width()
    assert svg.read_text().lstrip().startswith("<?xml")


def test_hovering_a_matrix_weight_marks_the_connection(window, qtbot):
    studio = window.studio
    studio.step_epoch()
    qtbot.waitUntil(lambda: studio.snapshot.progress.kind == "epoch", timeout=15000)
    window.show_view(window.explore)
    matrix = window.explore.views["matrix"]
    window.explore.tabs.setCurrentIndex(window.explore.tabs.count() - 1)
    qtbot.waitUntil(lambda: matrix.network is not None, timeout=5000)
    canvas = window.explore.matrix_canvas
    assert canvas.sizes == studio.snapshot.sizes
    matrix.weight_hovered.emit(1, 3, 7)  # w^3_{3,7}: hidden neuron 7 -> output neuron 3
    assert canvas.highlighted_edge == (1, 3, 7)
    line = canvas._highlight_items[0].line()
    start, end = canvas.neuron_center(1, 7), canvas.neuron_center(2, 3)
    assert (line.x1(), line.y1(), line.x2(), line.y2()) == (start.x(), start.y(), end.x(), end.y())
    matrix.hover_cleared.emit()
    assert canvas.highlighted_edge is None


def test_stepping_through_prepared_sessions(window, qtbot, tmp_path):
    from nnviz.core.files.session import Session, save_session
    from nnviz.core.learning.run import RunSpec

    for i, eta in enumerate((3.0, 0.5, 100.0)):
        save_session(
            tmp_path / f"{i}-part.nnviz",
            Session(run=RunSpec(dataset="digits", eta=eta, epochs=5), title=f"part {i}"),
        )
    assert not window.sessions.step_session(1)  # no session open yet
    assert window.open_path(str(tmp_path / "0-part.nnviz"))
    assert window.studio.settings.eta == 3.0
    assert window.sessions.step_session(1) and window.studio.settings.eta == 0.5
    assert window.sessions.step_session(1) and window.studio.settings.eta == 100.0
    assert not window.sessions.step_session(1)  # the last one stays
    assert window.sessions.step_session(-1) and window.studio.settings.eta == 0.5


def test_download_mnist_is_offered_only_while_mnist_is_missing(window, request):
    assert window.act_download.isVisible()  # the window fixture has no MNIST
    request.getfixturevalue("mnist_present")
    window._show_download_if_needed()
    assert not window.act_download.isVisible()


def test_rec_shows_while_recording_and_the_file_is_named_when_it_ends(window, tmp_path, qtbot):
    path = tmp_path / "lecture.nnrec"
    window.studio.start_recording(path)
    assert window.rec_label.isVisible() and "lecture.nnrec" in window.rec_label.text()
    assert window.windowTitle().startswith("\u25cf REC") and window.act_record.isChecked()
    window.studio.reset()  # a new run ends the recording: the window must say so too
    qtbot.waitUntil(lambda: not window.rec_label.isVisible(), timeout=5000)
    assert not window.act_record.isChecked() and "REC" not in window.windowTitle()
    assert str(path) in window.statusBar().currentMessage() and path.exists()


def test_quitting_in_presenter_mode_starts_next_time_in_the_normal_window(window, qtbot):
    # The offscreen screen is 800x800 and the window's minimum width is above that (it moves
    # by a few pixels as pages lay out), so the width says nothing here: the height is the
    # normal window's own, below the screen's.
    window.resize(1000, 700)
    qtbot.waitUntil(lambda: window.height() == 700)
    normal = window.size()
    window.set_presenter(True)
    qtbot.settle()
    window.close()
    again = MainWindow()
    qtbot.addWidget(again)
    again.show()
    qtbot.waitUntil(lambda: again.studio.snapshot is not None, timeout=15000)
    assert not again.isFullScreen() and not again.presenter
    assert not again.windowState() & again.windowState().WindowFullScreen
    assert again.height() == normal.height() < again.screen().availableGeometry().height()
    again.close()


def test_file_dialogs_start_in_the_last_folder_of_their_kind(window, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QFileDialog

    from nnviz.ui import file_dialogs

    nets, recs = tmp_path / "nets", tmp_path / "recs"
    nets.mkdir()
    recs.mkdir()
    asked = []

    def fake_save(parent, title, start, filters):
        asked.append(start)
        folder = nets if "network" in title.lower() else recs
        return str(folder / "x.bin"), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", fake_save)
    assert file_dialogs.save_file(window, "network", "Save network", "*.npz") == str(nets / "x.bin")
    assert file_dialogs.save_file(window, "recording", "Record", "*.nnrec")
    file_dialogs.save_file(window, "network", "Save network", "*.npz", "net.npz")
    assert asked[-1] == str(nets / "net.npz")  # the network folder, not the recordings'
    assert file_dialogs.last_folder("recording") == str(recs)
    # A folder that has gone: the last folder of any kind.
    recs.rmdir()
    assert file_dialogs.last_folder("recording") == str(nets)


def test_session_keeps_curves_log_replay_position_subtab_and_theme(window, qtbot, tmp_path):
    """Issue 13 item 5: what a lecturer set up comes back, not only the weights."""
    from nnviz.core.files.session import load_session, save_session
    from tests.ui.training.test_compare import record_run

    studio = window.studio
    for _ in range(2):
        studio.step_epoch()
        qtbot.waitUntil(lambda: studio.snapshot.progress.kind == "epoch", timeout=15000)
    qtbot.waitUntil(lambda: sum(r.kind == "epoch" for r in studio.run.records) == 2, timeout=15000)
    costs = studio.plots.cost_plot.curve_data()[1].copy()
    accuracy = studio.plots.accuracy_plot.runs[""].test.view().copy()
    log = studio.log.toPlainText()
    assert "Epoch 1:" in log and costs.size >= 3
    # A recording opened at frame 5, then Inside the network / Matrix form, dark theme.
    rec = tmp_path / "run.nnrec"
    record_run(rec, eta=3.0, epochs=2)
    assert window.sessions.open_recording(str(rec))
    studio.replay.seek(5)
    window.show_view(window.explore)
    window.explore.tabs.setCurrentIndex(window.explore.tabs.count() - 1)
    sub = window.explore.tabs.tabText(window.explore.tabs.currentIndex())
    window.set_theme("dark")
    studio.replay_mode.leave()  # the session keeps the live run's curves, not the replay's
    studio.open_recording(rec)
    studio.replay.seek(5)
    path = save_session(tmp_path / "lecture.nnviz", window.sessions.current_session())
    saved = load_session(path)
    assert saved.history and saved.log == studio.log.toPlainText()
    assert saved.replay_position == 5 and saved.view == "matrix" and saved.recording == rec
    assert saved.page == "inside" and saved.pages["inside"] == {"tabs": {"draw": "matrix"}}
    # Undo it all, then open the session.
    studio.leave_replay()
    window.set_theme("light")
    studio.reset()
    window.show_view(window.studio)
    assert window.open_path(str(path))
    qtbot.waitUntil(lambda: "Session restored" in studio.log.toPlainText(), timeout=15000)
    assert log.strip() in studio.log.toPlainText()
    assert studio.replay is not None and studio.replay.position == 5
    assert window.current_view() is window.explore
    assert window.explore.tabs.tabText(window.explore.tabs.currentIndex()) == sub
    assert window.theme.look.theme == "dark"
    studio.leave_replay()  # back to live: the restored run's curves, as they were
    np.testing.assert_allclose(studio.plots.cost_plot.curve_data()[1], costs)
    np.testing.assert_allclose(studio.plots.accuracy_plot.runs[""].test.view(), accuracy)
    window.set_theme("light")


FIXTURES_V1 = Path(__file__).parents[2] / "fixtures" / "v1"


@pytest.mark.parametrize(
    "name, page, views, sizes",
    [
        ("inside_matrix.nnviz", "inside", ["matrix"], (64, 12, 10)),
        ("circuits_perceptrons.nnviz", "circuits", ["perceptrons"], (64, 30, 10)),
    ],
)
def test_sessions_saved_before_page_ids_open_into_the_same_views(
    window, qtbot, name, page, views, sizes
):
    """Version-1 sessions (written by the nnviz before this change, kept as fixtures) named
    tabs by title; they open on the same page and sub-view, even with every tab renamed."""
    window.build_all_pages()
    for i in range(window.tabs.count()):
        window.tabs.setTabText(i, f"renamed {i}")
    for page_id in window.page_ids:
        for bar in window.page(page_id).view_tabs:
            for i in range(bar.tabs.count()):
                bar.tabs.setTabText(i, f"renamed {page_id} {i}")
    window.show_view(window.studio)
    assert window.open_path(str(FIXTURES_V1 / name))
    qtbot.waitUntil(
        lambda: window.studio.snapshot is not None and window.studio.snapshot.sizes == sizes
    )
    assert window.current_page_id() == page
    shown = [bar.current() for bar in window.current_view().view_tabs]
    assert set(views) <= set(shown)
    assert window.circuit_sandbox.circuit.nand_count() == 5


def test_a_session_keeps_each_pages_state_by_id(window, qtbot, tmp_path):
    from nnviz.core.files.session import load_session, save_session

    lab = window.perceptron_lab
    lab.restore({"neuron": "sigmoid", "c": 4.0})
    window.compare.restore({"compare": [0.5, 2.0]})
    window.circuit_sandbox.restore({"tabs": {"gates": "learned", "truth": "levels"}})
    window.show_page("circuits")
    path = save_session(tmp_path / "s.nnviz", window.sessions.current_session())
    assert load_session(path).pages["circuits"]["tabs"] == {
        "gates": "learned",
        "truth": "levels",
        "network": "network",
    }
    # Change everything, then open the session: each page is back as it was.
    lab.restore({"neuron": "perceptron", "c": 1.0})
    window.compare.restore({"compare": [3.0]})
    window.circuit_sandbox.restore({"tabs": {"gates": "gates", "truth": "truth"}})
    window.show_page("training")
    assert window.sessions.open_session(str(path))
    assert lab.sigmoid_radio.isChecked() and lab.state()["c"] == pytest.approx(4.0)
    assert window.compare.etas() == [0.5, 2.0]
    assert window.current_page_id() == "circuits"
    assert [bar.current() for bar in window.circuit_sandbox.view_tabs][:2] == ["learned", "levels"]


def test_nnviz_open_of_a_recording_shows_its_replay(qtbot, no_dialogs, monkeypatch, tmp_path):
    """`nnviz open run.nnrec` opens the file before the window is shown; the first live run,
    chosen once the window shows, used to end the replay at once. Now the replay stays, and
    the live run is set up when the user goes back to live."""
    from tests.ui.training.test_compare import record_run

    monkeypatch.setenv("NNVIZ_MNIST_DIR", "/nonexistent")
    rec = tmp_path / "run.nnrec"
    record_run(rec, eta=3.0, epochs=1)
    w = MainWindow()
    qtbot.addWidget(w)
    assert w.open_path(str(rec))  # as run_app does for `nnviz open`
    w.show()
    qtbot.waitExposed(w)
    qtbot.settle()
    assert w.studio.replay is not None and w.studio.replay_path == rec
    assert w.studio.settings is None  # no live run has replaced it
    shown = w.studio.controls.settings()  # the controls show the recorded run's settings
    assert (shown.dataset, shown.sizes, shown.eta) == ("digits", (64, 30, 10), 3.0)
    w.studio.leave_replay()
    qtbot.waitUntil(lambda: w.studio.snapshot is not None and w.studio.worker is not None)
    assert w.studio.replay is None and w.studio.settings is not None
    w.close()


def test_closing_asks_about_an_unsaved_circuit_and_cancel_keeps_the_window(window, qtbot):
    from PySide6.QtWidgets import QMessageBox

    sandbox = window.circuit_sandbox
    sandbox.scene.add_node("nand", (0, 0))
    asked = []

    def answer(button):
        def ask():
            asked.append(button)
            return button

        return ask

    sandbox.files.ask_unsaved = answer(QMessageBox.StandardButton.Cancel)
    assert not window.close()
    assert asked == [QMessageBox.StandardButton.Cancel] and window.isVisible()
    sandbox.files.ask_unsaved = answer(QMessageBox.StandardButton.Discard)
    assert window.close()
    assert len(asked) == 2 and not window.isVisible()


def test_the_training_status_shows_on_the_training_page_only(window, qtbot):
    window.show_view(window.studio)
    window.studio.status_changed.emit("This run is finished: press Reset (R) to start again")
    assert "press Reset" in window.status_label.text()
    window.show_view(window.page("circuits"))
    assert window.status_label.text() == ""
    window.studio.status_changed.emit("Epoch 4 \u00b7 paused")  # a run goes on out of sight
    assert window.status_label.text() == ""
    window.show_view(window.studio)
    assert window.status_label.text() == "Epoch 4 \u00b7 paused"


def test_view_menu_hides_and_shows_the_big_readout(window, qtbot):
    window.show_view(window.studio)
    qtbot.settle()
    readout = window.studio.plots.readout
    assert readout.isVisible() and window.act_readout.isChecked()
    assert window.act_readout in window.view_menu.actions()
    window.act_readout.trigger()
    assert not readout.isVisible() and not window.act_readout.isChecked()
    window.act_readout.trigger()
    assert readout.isVisible()
