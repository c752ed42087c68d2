"""Session files and `nnviz open`: round trips, damage, versions, --check output and exit codes."""

from __future__ import annotations

import base64
import json
import shutil

import numpy as np
import pytest

from nnviz.cli import main
from nnviz.core.circuits.model import Circuit
from nnviz.core.files.recording import RecordingWriter, make_header
from nnviz.core.files.session import (
    Session,
    SessionError,
    describe_session,
    load_session,
    save_session,
)
from nnviz.core.learning.network import Network
from nnviz.core.learning.run import RunSpec, RunSpecError
from nnviz.core.learning.snapshot import CHUNK, EPOCH, Progress, Snapshot
from tests.conftest import ROOT

XOR = ROOT / "data" / "circuits" / "xor.json"


def full_session(tmp_path) -> Session:
    net = Network([64, 12, 10], seed=4, dtype="float32")
    net.weights[1][3, 5] = 1.25  # something a fresh Network(seed=4) would not have
    rec = tmp_path / "runs" / "eta3.nnrec"
    rec.parent.mkdir()
    rec.write_bytes(b"placeholder")
    return Session(
        run=RunSpec(
            dataset="digits",
            sizes=[64, 12, 10],
            eta=0.5,
            batch_size=7,
            epochs=11,
            seed=42,
            dtype="float32",
        ),
        network=net,
        network_meta={"epoch": 3, "test_correct": 271},
        example_index=123,
        circuit=json.loads(XOR.read_text()),
        page="training",
        view="weights",
        pages={"training": {"example": 123, "tabs": {"example": "weights"}}},
        layout=base64.b64encode(b"\x00\x01window-state\xff").decode(),
        presenter=True,
        recording=rec,
        settings={"speed": 2, "show_biases": False},
        title="Lecture 3",
    )


def test_round_trip_keeps_every_field(tmp_path):
    s = full_session(tmp_path)
    path = save_session(tmp_path / "lecture.nnviz", s)
    assert path == tmp_path / "lecture.nnviz"
    data = json.loads(path.read_text())
    assert data["format"] == "nnviz-session" and data["version"] == 2
    assert data["network"]["encoding"] == "npz-base64"
    assert data["recording"]["relative"] == "runs/eta3.nnrec"
    back = load_session(path)
    for name in (
        "run",
        "network_meta",
        "example_index",
        "circuit",
        "page",
        "view",
        "pages",
        "layout",
        "presenter",
        "settings",
        "title",
    ):
        assert getattr(back, name) == getattr(s, name), name
    assert back.recording == s.recording.resolve()
    assert back.network.sizes == [64, 12, 10] and back.network.dtype == np.float32
    for w, w0 in zip(back.network.weights, s.network.weights, strict=True):
        np.testing.assert_array_equal(w, w0)
    for b, b0 in zip(back.network.biases, s.network.biases, strict=True):
        np.testing.assert_array_equal(b, b0)
    assert Circuit.from_dict(back.circuit).truth_table() == Circuit.load(XOR).truth_table()
    # saving what was loaded gives the same file apart from the time stamp
    again = save_session(tmp_path / "again.nnviz", back)
    a, b = json.loads(path.read_text()), json.loads(again.read_text())
    a.pop("saved"), b.pop("saved")
    assert a["recording"]["absolute"] == b["recording"]["absolute"]
    a.pop("recording"), b.pop("recording")
    assert a == b


def test_minimal_session_round_trip(tmp_path):
    path = save_session(tmp_path / "plain", Session())
    assert path.suffix == ".nnviz"
    back = load_session(path)
    assert back == Session()


def test_recording_found_after_moving_the_folder(tmp_path):
    s = full_session(tmp_path)
    save_session(tmp_path / "lecture.nnviz", s)
    moved = tmp_path.parent / (tmp_path.name + "-moved")
    shutil.copytree(tmp_path, moved)
    (tmp_path / "runs" / "eta3.nnrec").unlink()
    back = load_session(moved / "lecture.nnviz")
    assert back.recording == (moved / "runs" / "eta3.nnrec").resolve()
    shutil.rmtree(moved)


def test_saving_replaces_atomically_and_leaves_no_temp_file(tmp_path, monkeypatch):
    path = save_session(tmp_path / "s.nnviz", Session(title="first"))
    import nnviz.core.files.session as session_mod

    def broken_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(session_mod.os, "replace", broken_replace)
    with pytest.raises(OSError):
        save_session(path, Session(title="second"))
    monkeypatch.undo()
    assert load_session(path).title == "first"  # the old file is untouched
    assert [p.name for p in tmp_path.iterdir()] == ["s.nnviz"]


def test_bad_values_are_refused_before_writing(tmp_path):
    with pytest.raises(RunSpecError, match="\u03b7 must be a positive number"):
        save_session(tmp_path / "x.nnviz", Session(run=RunSpec(eta=-1.0)))
    with pytest.raises(SessionError, match="ui.layout"):
        save_session(tmp_path / "x.nnviz", Session(layout="not base64!"))
    with pytest.raises(SessionError, match="circuit"):
        save_session(tmp_path / "x.nnviz", Session(circuit={"format": "nope"}))
    assert not (tmp_path / "x.nnviz").exists()


@pytest.mark.parametrize(
    "damage, message",
    [
        (lambda t: t[: len(t) // 2], "damaged or not a session file"),
        (lambda t: "\x00\xff garbage", "damaged or not a session file"),
        (
            lambda t: json.dumps({"format": "something-else", "version": 1}),
            "not an nnviz session file",
        ),
        (lambda t: t.replace('"epochs": 11', '"epochs": "many"'), "training.epochs"),
        (lambda t: t.replace('"batch_size": 7', '"batch_size": 0'), "training.batch_size"),
        (lambda t: t.replace('"sizes": [\n   64,', '"sizes": [\n   -64,'), "training.sizes"),
        (lambda t: t.replace('"dtype": "float32"', '"dtype": "int8"'), "training.dtype"),
        (lambda t: t.replace('"presenter": true', '"presenter": "yes"'), "ui.presenter"),
        (lambda t: _cut_network(t), "network"),
        (lambda t: t.replace('"format": "nnviz-circuit"', '"format": "x"'), "circuit"),
    ],
)
def test_damaged_files_give_session_error(tmp_path, damage, message):
    path = save_session(tmp_path / "lecture.nnviz", full_session(tmp_path))
    text = path.read_text()
    damaged = damage(text)
    assert damaged != text
    path.write_bytes(
        damaged.encode("utf-8", "surrogateescape") if isinstance(damaged, str) else damaged
    )
    with pytest.raises(SessionError, match=message) as info:
        load_session(path)
    assert "lecture.nnviz" in str(info.value)


def _cut_network(text: str) -> str:
    data = json.loads(text)
    blob = data["network"]["data"]
    data["network"]["data"] = blob[: len(blob) // 2 // 4 * 4]  # valid base64, cut npz
    return json.dumps(data)


def test_non_utf8_file_is_a_session_error(tmp_path):
    path = tmp_path / "bin.nnviz"
    path.write_bytes(b"\xff\xfe\x00\x00junk")
    with pytest.raises(SessionError, match="not a session file"):
        load_session(path)
    with pytest.raises(SessionError, match="no such file"):
        load_session(tmp_path / "missing.nnviz")


@pytest.mark.parametrize(
    "version, extra", [(3, "update nnviz"), ("1", "choose a session"), (None, "choose a session")]
)
def test_unknown_version_names_it(tmp_path, version, extra):
    path = save_session(tmp_path / "s.nnviz", Session())
    data = json.loads(path.read_text())
    data["version"] = version
    path.write_text(json.dumps(data))
    with pytest.raises(SessionError, match=f"version {version!r}.*reads version 2.*{extra}"):
        load_session(path)


def test_unknown_keys_are_ignored(tmp_path):
    path = save_session(tmp_path / "s.nnviz", Session(page="circuits"))
    data = json.loads(path.read_text())
    data["future_feature"] = {"x": 1}
    data["ui"]["new_panel"] = True
    path.write_text(json.dumps(data))
    assert load_session(path).page == "circuits"


def test_describe_session(tmp_path):
    line = describe_session(full_session(tmp_path))
    assert line.startswith("session 'Lecture 3': digits [64, 12, 10], eta 0.5")
    assert "network [64, 12, 10] after epoch 3 (271 correct)" in line
    assert "recording eta3.nnrec" in line and "presenter mode" in line
    assert "\n" not in line


# -- nnviz open ---------------------------------------------------------------------------------


def write_recording(path, damaged=False):
    net = Network([2, 2, 1], seed=0)
    header = make_header(
        RunSpec(sizes=[2, 2, 1], dataset="xor", eta=2.0, batch_size=4, epochs=2, seed=0)
    )
    w = RecordingWriter(path, header)
    for e in range(2):
        p = Progress(CHUNK, e, 1, 2, 4 * e + 4, 0.3, 2.0, 0.1)
        w.write(p, Snapshot.capture(net, p))
        w.write(
            Progress(EPOCH, e, 2, 2, 4 * e + 8, 0.2, 2.0, 0.2, test_correct=3 + e, test_total=4)
        )
    w.close()
    if damaged:
        raw = path.read_bytes()
        path.write_bytes(raw[: len(raw) - 40])
    return path


def test_open_check_session(tmp_path, capsys):
    s = full_session(tmp_path)
    write_recording(s.recording)
    path = save_session(tmp_path / "lecture.nnviz", s)
    assert main(["open", str(path), "--check"]) == 0
    out, err = capsys.readouterr()
    assert out.count("\n") == 1 and out.startswith("session 'Lecture 3'") and err == ""


def test_open_check_session_with_missing_or_damaged_recording(tmp_path, capsys):
    s = full_session(tmp_path)  # its recording is a placeholder, not a recording
    path = save_session(tmp_path / "lecture.nnviz", s)
    assert main(["open", str(path), "--check"]) == 1
    out, err = capsys.readouterr()
    assert out.startswith("session 'Lecture 3'")
    assert err.startswith("warning: the session's recording cannot be used: eta3.nnrec is not")
    write_recording(s.recording, damaged=True)
    assert main(["open", str(path), "--check"]) == 1
    assert "cut off after frame" in capsys.readouterr().err
    write_recording(s.recording)
    assert main(["open", str(path), "--check"]) == 0
    s.recording.unlink()
    assert main(["open", str(path), "--check"]) == 1
    out, err = capsys.readouterr()
    assert "recording eta3.nnrec (missing)" in out and "is missing" in err


def test_open_check_recording(tmp_path, capsys):
    path = write_recording(tmp_path / "run.nnrec")
    assert main(["open", str(path), "--check"]) == 0
    out, _ = capsys.readouterr()
    assert out.strip() == (
        "recording: xor [2, 2, 1], eta 2, mini-batch 4, seed 0, 2 snapshots, "
        "2 / 2 epochs, last epoch 1: 4 / 4"
    )


def test_open_check_damaged_recording_exits_1(tmp_path, capsys):
    path = write_recording(tmp_path / "cut.nnrec", damaged=True)
    assert main(["open", str(path), "--check"]) == 1
    out, err = capsys.readouterr()
    assert out.startswith("recording:") and out.count("\n") == 1
    assert err.startswith("warning: the recording cut.nnrec is cut off after frame")
    assert err.count("\n") == 1


def test_open_check_network_and_circuit(tmp_path, capsys):
    from nnviz.core.files.network import save_network

    npz = save_network(
        tmp_path / "net.npz", Network([4, 3, 2], seed=1), {"dataset": "digits", "epoch": 4}
    )
    assert main(["open", str(npz), "--check"]) == 0
    assert capsys.readouterr().out.strip() == (
        "network: [4, 3, 2], float64, trained on digits for 5 epochs"
    )
    assert main(["open", str(XOR), "--check"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("circuit ") and "NAND gates" in out


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda d: d / "nothing.nnviz", "no such file"),
        (lambda d: _write(d / "bad.nnviz", "{ not json"), "bad.nnviz is damaged"),
        (
            lambda d: _write(d / "v9.nnviz", json.dumps({"format": "nnviz-session", "version": 9})),
            "version 9",
        ),
        (lambda d: _write(d / "notrec.nnrec", "hello"), "not an nnviz recording"),
        (lambda d: _write(d / "notes.txt", "hello"), "not a file nnviz can open"),
        (lambda d: d, "is a folder"),
    ],
)
def test_open_errors_are_one_line_exit_2(tmp_path, capsys, make, message):
    path = make(tmp_path)
    assert main(["open", str(path), "--check"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("nnviz open: error:") and message in err


def _write(path, text):
    path.write_text(text)
    return path


def test_open_without_check_starts_the_app_with_the_file(tmp_path, monkeypatch):
    import nnviz.ui.shell.app as app

    seen = {}

    def fake_run_app(args):
        seen["open_file"] = args.open_file
        seen["present"] = args.present
        return 0

    monkeypatch.setattr(app, "run_app", fake_run_app)
    path = save_session(tmp_path / "lecture.nnviz", Session())
    assert main(["--present", "open", str(path)]) == 0
    assert seen == {"open_file": str(path.resolve()), "present": True}
    assert main(["open", str(path), "--present"]) == 0
    assert seen["present"] is True
    assert main(["open", str(path)]) == 0
    assert seen["present"] is False
    # a broken file never reaches the app
    seen.clear()
    _write(tmp_path / "broken.nnviz", "{")
    assert main(["open", str(tmp_path / "broken.nnviz")]) == 2
    assert seen == {}


def _history(n_chunks: int) -> list[Progress]:
    out = [Progress(CHUNK, 0, 0, 100, 0, float("nan"), 3.0, 0.0)]
    for i in range(1, n_chunks + 1):
        out.append(Progress(CHUNK, i // 100, i % 100, 100, 10 * i, 1.0 / i, 3.0, 0.01 * i))
        if i % 100 == 0:
            out.append(
                Progress(EPOCH, i // 100 - 1, 100, 100, 10 * i, 1.0 / i, 3.0, 0.01 * i, 90, 100)
            )
    return out


def test_history_log_subtab_and_replay_position_round_trip(tmp_path):
    s = full_session(tmp_path)
    s.history, s.log = _history(250), "New run\nEpoch 0: 90 / 100\n"
    s.view, s.replay_position = "matrix", 17
    back = load_session(save_session(tmp_path / "a.nnviz", s))
    assert back.view == "matrix" and back.replay_position == 17 and back.log == s.log
    assert len(back.history) == len(s.history)
    assert np.isnan(back.history[0].cost)  # NaN (no cost yet) survives the strict JSON file
    assert [p.examples_seen for p in back.history] == [p.examples_seen for p in s.history]
    a, b = back.history[101], s.history[101]  # an epoch record, every field (NaN as NaN)
    assert a.kind == EPOCH and a.test_correct == b.test_correct == 90
    assert repr(a) == repr(b)
    text = describe_session(back)
    assert "history of 2 epochs" in text and "'matrix'" in text


def test_long_history_is_thinned_but_keeps_every_epoch(tmp_path):
    from nnviz.core.files.session import MAX_HISTORY, thin_history

    records = _history(3 * MAX_HISTORY)
    thin = thin_history(records)
    assert len(thin) <= MAX_HISTORY
    epochs = [p for p in records if p.kind == EPOCH]
    assert [p for p in thin if p.kind == EPOCH] == epochs
    assert thin[0] == records[0] and thin[-1] == records[-1]
    seen = [p.examples_seen for p in thin]
    assert seen == sorted(seen)


def test_older_session_without_history_still_opens(tmp_path):
    s = full_session(tmp_path)
    data = json.loads(save_session(tmp_path / "a.nnviz", s).read_text())
    for key in ("history",):
        data.pop(key)
    data["ui"].pop("view")
    data["recording"].pop("position")
    old = tmp_path / "old.nnviz"
    old.write_text(json.dumps(data))
    back = load_session(old)
    assert back.history == [] and back.log == "" and back.view == "" and back.replay_position == 0


@pytest.mark.parametrize(
    "history, words",
    [
        ("lots", '"history" must be an object'),
        ({"records": [{"kind": "chunk"}]}, "is not a training record"),
        (
            {
                "records": [
                    {
                        "kind": "chunk",
                        "epoch": "1",
                        "batch": 0,
                        "batches_per_epoch": 1,
                        "examples_seen": 0,
                        "cost": 1,
                        "eta": 1,
                        "seconds": 0,
                    }
                ]
            },
            "is not a training record",
        ),
        ({"records": "x"}, "must be a list"),
        ({"records": [], "log": 5}, '"history.log" should be text'),
    ],
)
def test_damaged_history_is_refused_in_one_line(tmp_path, history, words):
    s = full_session(tmp_path)
    data = json.loads(save_session(tmp_path / "a.nnviz", s).read_text())
    data["history"] = history
    bad = tmp_path / "bad.nnviz"
    bad.write_text(json.dumps(data))
    with pytest.raises(SessionError) as err:
        load_session(bad)
    assert words in str(err.value) and "\n" not in str(err.value)


@pytest.mark.parametrize("key", ["relative", "absolute"])
def test_a_nul_in_the_recording_path_is_one_clear_line(tmp_path, key):
    path = save_session(tmp_path / "plain", Session())
    data = json.loads(path.read_text())
    data["recording"] = {key: "runs/a\u0000b.nnrec"}
    path.write_text(json.dumps(data))
    with pytest.raises(SessionError, match="a path no file can have"):
        load_session(path)
