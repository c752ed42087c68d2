"""The window of nnviz.watch follows a stream, stays on its end, saves it; and a script whose
window goes away trains on to the end, unchanged."""

from __future__ import annotations

import importlib.util
import os
import random
import threading
from pathlib import Path

import numpy as np
import pytest

import nnviz
from nnviz.core.files.recording import StreamWriter, read_recording
from nnviz.core.learning.snapshot import CHUNK, DONE, EPOCH, Progress, Snapshot
from nnviz.ui.training.watch_window import WatchWindow

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "watch_network.py"


def _snapshot(p: Progress, seed: int) -> Snapshot:
    rng = np.random.default_rng(seed)
    w = (rng.normal(size=(3, 4)).astype(np.float32), rng.normal(size=(2, 3)).astype(np.float32))
    b = (rng.normal(size=(3, 1)).astype(np.float32), rng.normal(size=(2, 1)).astype(np.float32))
    return Snapshot(p, (4, 3, 2), w, b)


def _feed(fd: int, snaps: list[Snapshot], go: threading.Event) -> None:
    header = {
        "sizes": [4, 3, 2],
        "title": "a test run",
        "examples": {"x": [[0.1] * 4], "labels": [1]},
    }
    with os.fdopen(fd, "wb") as fh:
        writer = StreamWriter(fh, header, "float32")
        for i, snap in enumerate(snaps):
            writer.write(snap.progress, snap)
            if i == 0:
                go.wait(30)  # the test looks at the first state before the rest comes
        writer.close()


def test_the_window_follows_the_stream_and_keeps_the_end(qtbot, tmp_path):
    records = [
        Progress(CHUNK, 0, 2, 4, 20, 0.4, 3.0, 0.1, batch_cost=0.4),
        Progress(EPOCH, 0, 4, 4, 40, 0.3, 3.0, 0.2, test_correct=6, test_total=8),
        Progress(DONE, 0, 4, 4, 40, 0.3, 3.0, 0.2),
    ]
    snaps = [_snapshot(p, k) for k, p in enumerate(records)]
    read_end, write_end = os.pipe()
    go = threading.Event()
    feeder = threading.Thread(target=_feed, args=(write_end, snaps, go), daemon=True)
    feeder.start()
    window = WatchWindow(os.fdopen(read_end, "rb"))
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.snapshot is not None, timeout=10_000)
    assert window.windowTitle().startswith("a test run")
    assert np.array_equal(window.canvas.weights[1], snaps[0].weights[1])
    assert window.example.verdict.text().startswith("label 1")  # the streamed example
    go.set()
    qtbot.waitUntil(lambda: window.finished, timeout=10_000)
    assert np.array_equal(window.canvas.weights[0], snaps[-1].weights[0])  # the final state
    assert "ended" in window.status.text() and "75.00%" in window.status.text()
    assert window.plots.accuracy_plot.accuracy_data("")[1].tolist() == [75.0]
    saved = window.save_recording(tmp_path / "watched.nnrec")
    rec = read_recording(saved)
    assert [p.kind for p in rec.progress_records] == [CHUNK, EPOCH, DONE]
    assert np.array_equal(rec.snapshots[-1].weights[0], snaps[-1].weights[0])
    feeder.join(10)


@pytest.mark.slow
def test_a_script_goes_on_to_the_end_when_its_window_goes_away(qtbot, monkeypatch):
    spec = importlib.util.spec_from_file_location("watch_network", EXAMPLE)
    book = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(book)
    train, test = book.book_data(limit=400, test_limit=50, name="digits")

    def fresh():
        random.seed(5)
        np.random.seed(5)  # noqa: NPY002 - the book's style seeds the global RNG
        return book.Network([64, 10, 10])

    plain = fresh()
    plain.SGD(train, 2, 10, 3.0, test_data=test)

    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")  # the window's own process
    notes: list[str] = []
    net2 = fresh()
    w2 = nnviz.watch(net2, title="closing test")
    w2.note = notes.append
    calls = []
    original = net2.update_mini_batch

    def closing(mini_batch, eta):
        calls.append(1)
        if len(calls) == 5:  # mid-run: the window goes away
            qtbot.waitUntil(
                lambda: w2.window is not None and w2.window.poll() is None, timeout=30_000
            )
            w2.window.terminate()
            w2.window.wait(30)
        return original(mini_batch, eta)

    net2.update_mini_batch = closing
    net2.SGD(train, 2, 10, 3.0, test_data=test)  # must not raise
    for a, b in zip((*plain.weights, *plain.biases), (*net2.weights, *net2.biases)):
        assert np.array_equal(a, b)
    # The note comes from the window's sender thread when its next write fails, which may be
    # after SGD returns; the script's end waits for that thread the same way.
    w2.wait_for_window(timeout=60)
    assert notes == ["the window was closed; training goes on"]
    assert len(calls) == 80  # every mini-batch of both epochs went through
    nnviz.unwatch(net2)
