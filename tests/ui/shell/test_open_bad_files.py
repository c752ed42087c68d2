"""Damaged and hostile files opened in the real main window: nothing reaches the event loop
(pytest-qt fails a test on any exception raised inside Qt), the window keeps working, and
every file `nnviz open --check` accepts opens."""

from __future__ import annotations

import json
import os

import numpy as np
import pytest

from nnviz.cli.open import check_file
from nnviz.core.errors import UsageError
from nnviz.core.files.network import save_network
from nnviz.core.files.session import Session, save_session
from nnviz.core.learning.network import Network
from nnviz.core.learning.run import RunSpec
from nnviz.paths import SHIPPED_CIRCUITS


def network_files(folder):
    net = Network([64, 10, 10], seed=3)
    good = save_network(folder / "good.npz", net, {"dataset": "digits", "epoch": 1})
    with np.load(good) as d:
        arrays = dict(d)
    metas = {
        "epoch_huge": '{"epoch": 1e400, "dataset": "digits"}',
        "epoch_list": '{"epoch": [1], "seed": {}, "dataset": "digits"}',
        "epoch_text": '{"epoch": "five", "batch_size": 1000000000000000000000000000000}',
        "seed_negative": '{"seed": -5, "dataset": "digits"}',
        "meta_list": "[1, 2, 3]",
        "meta_null": "null",
        "meta_deep": "[" * 100000 + "]" * 100000,
    }
    files = [good]
    for name, meta in metas.items():
        path = folder / f"{name}.npz"
        np.savez(path, **{**arrays, "meta": np.array(meta)})
        files.append(path)
    huge = dict(arrays)
    huge["w0"] = np.full((10, 64), 1e308)
    np.savez(folder / "huge_weights.npz", **huge)
    files.append(folder / "huge_weights.npz")
    (folder / "empty.npz").write_bytes(b"")
    files.append(folder / "empty.npz")
    return files


def session_files(folder):
    base = save_session(
        folder / "base.nnviz", Session(run=RunSpec(dataset="digits", sizes=(64, 10, 10)))
    )
    doc = json.loads(base.read_text())
    variants = {
        "scale_text": lambda d: d["ui"].setdefault("settings", {}).update(presenter_scale="big"),
        "theme_odd": lambda d: d["ui"].setdefault("settings", {}).update(presenter_theme=7),
        "sizes_huge": lambda d: d["training"].update(sizes=[64, 10**12, 10]),
        "seed_negative": lambda d: d["training"].update(seed=-5),
        "eta_text": lambda d: d["training"].update(eta="fast"),
    }
    files = [base]
    for name, change in variants.items():
        d = json.loads(json.dumps(doc))
        d.setdefault("ui", {})
        change(d)
        path = folder / f"{name}.nnviz"
        path.write_text(json.dumps(d))
        files.append(path)
    (folder / "eta_overflow.nnviz").write_text(
        base.read_text().replace('"eta": 3.0', '"eta": 1e400')
    )
    files.append(folder / "eta_overflow.nnviz")
    return files


def circuit_files(folder):
    doc = json.loads((SHIPPED_CIRCUITS / "half_adder.json").read_text())
    files = []
    big_x = json.dumps(doc).replace('"x": ', '"x": 1' + "0" * 400 + " + 0 * ", 1)
    for name, text in {
        "x_400_digits": json.dumps(doc).replace('"x": ', '"x": ' + "9" * 400 + ', "z": ', 1),
        "not_json": big_x,
        "deep": "[" * 50000 + "]" * 50000,
    }.items():
        path = folder / f"{name}.json"
        path.write_text(text)
        files.append(path)
    return files


@pytest.mark.slow
def test_bad_files_never_break_the_window(window, qtbot, tmp_path):
    fifo = tmp_path / "fifo.nnrec"
    os.mkfifo(fifo)
    cut = tmp_path / "cut.nnrec"
    cut.write_bytes(b"NNVIZREC" + b"\0" * 20)
    files = [
        *network_files(tmp_path),
        *session_files(tmp_path),
        *circuit_files(tmp_path),
        fifo,
        cut,
        tmp_path,  # a folder
    ]
    accepted = opened = 0
    for path in files:
        try:
            check_file(path)
            ok_by_check = True
        except UsageError:
            ok_by_check = False
        result = window.open_path(str(path))
        qtbot.settle()
        if ok_by_check:
            accepted += 1
            assert result, f"--check accepts {path.name} but the app did not open it"
            opened += 1
    assert accepted >= 8 and opened == accepted
    # still a working window: the studio trains the digits after all that
    window.studio.step()
    qtbot.waitUntil(lambda: window.studio.snapshot is not None, timeout=15000)
