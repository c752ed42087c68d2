"""nnviz.watch on a network written in the book's style (examples/watch_network.py, our own
code): the user's training is unchanged, and what is recorded is what happened."""

from __future__ import annotations

import importlib.util
import io
import math
import random
from pathlib import Path

import numpy as np
import pytest

import nnviz
from nnviz.core.files.recording import StreamWriter, read_stream
from nnviz.core.learning.snapshot import CHUNK, DONE, EPOCH
from nnviz.core.watch import WatchError, watch

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "watch_network.py"


@pytest.fixture(scope="module")
def book():
    spec = importlib.util.spec_from_file_location("watch_network", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def data(book):
    return book.book_data(limit=230, test_limit=60, name="digits")  # 23 mini-batches of 10 an epoch


def trained(book, data, epochs=2, dtype=np.float64, **watch_args):
    """A seeded network trained by its own SGD, watched when ``watch_args`` are given."""
    random.seed(3)
    np.random.seed(3)  # noqa: NPY002 - the book's style seeds the global RNG
    net = book.Network([64, 12, 10])
    net.weights = [w.astype(dtype) for w in net.weights]
    net.biases = [b.astype(dtype) for b in net.biases]
    w = watch(net, **watch_args) if watch_args else None
    net.SGD(data[0], epochs, 10, 3.0, test_data=data[1])
    return net, w


def test_the_recording_ends_on_the_networks_final_parameters_and_counts_what_happened(
    book, data, tmp_path, capsys
):
    path = tmp_path / "run.nnrec"
    net, w = trained(book, data, epochs=2, record=path, show=False)
    printed = capsys.readouterr().out.splitlines()
    rec = nnviz.open_recording(path)
    last = rec.snapshots[-1]
    for got, want in zip((*last.weights, *last.biases), (*net.weights, *net.biases)):
        assert got.dtype == np.float64 and np.array_equal(got, want)  # exact, not close
    epochs = [p for p in rec.progress_records if p.kind == EPOCH]
    assert [p.epoch for p in epochs] == [0, 1]
    assert all(p.batch == p.batches_per_epoch == 23 for p in epochs)
    assert [p.examples_seen for p in epochs] == [230, 460]
    # the accuracy is what the user's own evaluate returned, as their script printed it
    assert [f"Epoch {p.epoch}: {p.test_correct} / {p.test_total}" for p in epochs] == printed
    done = rec.progress_records[-1]
    assert (done.kind, done.epoch, done.examples_seen) == (DONE, 1, 460)
    chunks = [p for p in rec.progress_records if p.kind == CHUNK]
    assert chunks and all(0 < p.batch <= 23 for p in chunks)
    assert all(p.eta == 3.0 for p in chunks)
    assert all(math.isfinite(p.batch_cost) and p.batch_cost >= 0 for p in chunks)
    assert rec.header["sizes"] == [64, 12, 10] and rec.header["epochs"] == 2


def test_watching_changes_nothing_in_the_users_results(book, data, tmp_path):
    plain, _ = trained(book, data)
    watched, _ = trained(book, data, record=tmp_path / "r.nnrec", show=False)
    for a, b in zip((*plain.weights, *plain.biases), (*watched.weights, *watched.biases)):
        assert np.array_equal(a, b)  # bit for bit


def test_a_float32_network_is_recorded_in_float32(book, data, tmp_path):
    net, _ = trained(
        book, data, epochs=1, dtype=np.float32, record=tmp_path / "f.nnrec", show=False
    )
    last = nnviz.open_recording(tmp_path / "f.nnrec").snapshots[-1]
    assert last.weights[0].dtype == np.float32
    assert all(np.array_equal(a, b) for a, b in zip(last.weights, net.weights))


def test_unwatch_gives_back_the_networks_own_methods(book, data):
    random.seed(0)
    np.random.seed(0)  # noqa: NPY002 - the book's style seeds the global RNG
    net = book.Network([64, 5, 10])
    watch(net, show=False)
    assert "update_mini_batch" in vars(net)
    nnviz.unwatch(net)
    assert not {"update_mini_batch", "evaluate", "SGD"} & set(vars(net))
    assert net.update_mini_batch.__func__ is book.Network.update_mini_batch


def test_anything_not_shaped_like_the_books_network_is_refused_in_one_line(book):
    with pytest.raises(WatchError, match="shaped like the book's Network.*'sizes'"):
        watch(object())
    net = book.Network([4, 3, 2])
    net.weights[0] = net.weights[0].T
    with pytest.raises(WatchError) as err:
        watch(net)
    assert "weights[0] is (4, 3), not (3, 4)" in str(err.value) and "\n" not in str(err.value)
    assert "update_mini_batch" not in vars(net)  # nothing was wrapped


def test_a_stream_reads_back_as_it_was_written(book):
    random.seed(1)
    np.random.seed(1)  # noqa: NPY002 - the book's style seeds the global RNG
    net = book.Network([4, 3, 2])
    w = watch(net, show=False)
    from nnviz.core.learning.snapshot import Progress

    buf = io.BytesIO()
    writer = StreamWriter(buf, {"sizes": [4, 3, 2], "title": "t"}, "float32")
    progress = Progress(CHUNK, 0, 1, 5, 10, 0.5, 3.0, 0.1, batch_cost=0.25)
    writer.write(progress, w.snapshot(progress))
    writer.write(Progress(EPOCH, 0, 5, 5, 50, 0.4, 3.0, 0.2, test_correct=7, test_total=9))
    buf.seek(0)
    items = list(read_stream(buf))
    assert items[0]["sizes"] == [4, 3, 2] and items[0]["param_dtype"] == "float32"
    (p1, s1), (p2, s2) = items[1:]
    assert p1 == progress and s2 is None and p2.test_correct == 7
    assert np.allclose(s1.weights[1], net.weights[1]) and s1.weights[1].dtype == np.float32
    nnviz.unwatch(net)


def test_data_as_zip_objects_as_python_3_ports_pass_them(book, data, tmp_path):
    """Ports of the book to Python 3 hand SGD zip iterators: nothing is consumed before the
    user's SGD reads them, and the epochs still come from evaluate."""
    plain, _ = trained(book, data, epochs=2)
    random.seed(3)
    np.random.seed(3)  # noqa: NPY002 - the book's style seeds the global RNG
    net = book.Network([64, 12, 10])
    watch(net, show=False, record=tmp_path / "z.nnrec")
    (xs, ys), (tx, ty) = zip(*data[0]), zip(*data[1])
    net.SGD(zip(xs, ys), 2, 10, 3.0, test_data=zip(tx, ty))
    for a, b in zip((*plain.weights, *plain.biases), (*net.weights, *net.biases)):
        assert np.array_equal(a, b)
    epochs = [
        p for p in nnviz.open_recording(tmp_path / "z.nnrec").progress_records if p.kind == EPOCH
    ]
    assert [(p.epoch, p.examples_seen, p.batches_per_epoch) for p in epochs] == [
        (0, 230, 0),
        (1, 460, 0),
    ]


def test_the_window_command_typed_in_a_terminal_says_what_to_do_instead():
    import os
    import pty
    import subprocess
    import sys

    master, tty = pty.openpty()  # stdin is a terminal, as when someone types the command
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "nnviz", "watch-window"],
            stdin=tty,
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        os.close(master)
        os.close(tty)
    assert proc.returncode == 2
    assert "call nnviz.watch(net) in your script" in proc.stderr
    assert proc.stderr.count("\n") == 1


def test_a_recording_that_cannot_be_written_costs_one_note_and_nothing_else(book, data, tmp_path):
    plain, _ = trained(book, data, epochs=1)
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    random.seed(3)
    np.random.seed(3)  # noqa: NPY002 - the book's style seeds the global RNG
    net = book.Network([64, 12, 10])
    w = watch(net, show=False, record=blocker / "run.nnrec")
    notes: list[str] = []
    w.note = notes.append
    net.SGD(data[0], 1, 10, 3.0, test_data=data[1])
    assert len(notes) == 1 and "stopped" in notes[0] and "training goes on" in notes[0]
    for a, b in zip((*plain.weights, *plain.biases), (*net.weights, *net.biases)):
        assert np.array_equal(a, b)
