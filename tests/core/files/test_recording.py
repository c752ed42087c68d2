"""Recordings: round trips, damage tolerance, the size policy and `nnviz train --record`."""

from __future__ import annotations

import dataclasses
import math
import struct

import numpy as np
import pytest

from nnviz.cli import main
from nnviz.core.datasets.builtin import load_digits
from nnviz.core.files.recording import (
    MAGIC,
    Recorder,
    RecordingError,
    RecordingWriter,
    make_header,
    read_recording,
)
from nnviz.core.learning.network import Network
from nnviz.core.learning.run import RunSpec
from nnviz.core.learning.snapshot import CHUNK, DONE, EPOCH, Progress, Snapshot
from nnviz.core.learning.training import TrainConfig, TrainControl, train


def same_progress(a: Progress, b: Progress) -> bool:
    """Field-by-field equality where NaN equals NaN (the cost before the first batch is NaN)."""
    for f in dataclasses.fields(Progress):
        x, y = getattr(a, f.name), getattr(b, f.name)
        if isinstance(x, float) and isinstance(y, float) and math.isnan(x) and math.isnan(y):
            continue
        if x != y or type(x) is not type(y):
            return False
    return True


def record_digits_run(
    path, epochs=2, param_dtype="float16", every=False, sizes=(64, 10, 10), per_epoch=20
):
    """Train on the 8x8 digits, recording; return (all records, the snapshots written)."""
    ds = load_digits()
    net = Network(list(sizes), seed=3, dtype="float32")
    cfg = TrainConfig(epochs=epochs, batch_size=10, eta=3.0, seed=3)
    header = make_header(
        RunSpec(
            sizes=net.sizes,
            dataset="digits",
            eta=3.0,
            batch_size=10,
            epochs=epochs,
            seed=3,
            dtype="float32",
        )
    )
    writer = RecordingWriter(path, header, param_dtype=param_dtype)
    recorder = Recorder(writer, snapshots_per_epoch=per_epoch)
    control = TrainControl(3.0, chunk=recorder.chunk_for(120))
    records, written = [], []
    start = Progress(CHUNK, 0, 0, 120, 0, float("nan"), 3.0, 0.0)
    for p in [start, *train(net, ds, cfg, control)]:
        records.append(p)
        if every:
            snap = Snapshot.capture(net, p)
            writer.write(p, snap)
            written.append(snap)
        elif recorder.wants_snapshot(p):
            snap = Snapshot.capture(net, p)
            assert recorder.add(p, snap)
            written.append(snap)
        else:
            recorder.add(p)
    writer.close()
    return records, written


def test_round_trip_float16_weights_and_every_record(tmp_path):
    path = tmp_path / "run.nnrec"
    records, written = record_digits_run(path)
    rec = read_recording(path)
    assert rec.damaged is None
    assert rec.header["dataset"] == "digits" and rec.header["sizes"] == [64, 10, 10]
    assert rec.header["param_dtype"] == "float16"
    assert len(rec.progress_records) == len(records)
    assert all(same_progress(a, b) for a, b in zip(rec.progress_records, records))
    assert len(rec.frames) == len(written)
    for snap, orig in zip(rec.frames, written):
        assert same_progress(snap.progress, orig.progress)
        assert snap.sizes == (64, 10, 10)
        for w, w0 in zip(snap.weights, orig.weights):
            assert w.shape == w0.shape and not w.flags.writeable
            # exactly what float16 keeps of each weight
            np.testing.assert_array_equal(w, w0.astype(np.float16).astype(np.float32))
            np.testing.assert_allclose(w, w0, rtol=1e-3, atol=1e-4)
        for b, b0 in zip(snap.biases, orig.biases):
            np.testing.assert_array_equal(b, b0)  # biases are stored as float32
    # frame_records ties every snapshot to its place among the records
    for i, snap in enumerate(rec.frames):
        assert same_progress(rec.progress_records[rec.frame_records[i]], snap.progress)
        assert same_progress(rec.records_until(i)[-1], snap.progress)
    assert len(rec.records_until(len(rec.frames) - 1)) == len(records)


def test_round_trip_float32_is_exact(tmp_path):
    path = tmp_path / "exact.nnrec"
    _, written = record_digits_run(path, epochs=1, param_dtype="float32", every=True)
    rec = read_recording(path)
    assert rec.header["param_dtype"] == "float32"
    for snap, orig in zip(rec.frames, written, strict=True):
        for w, w0 in zip(snap.weights, orig.weights):
            np.testing.assert_array_equal(w, w0)


def test_recorder_keeps_every_epoch_and_at_most_k_snapshots_per_epoch(tmp_path):
    path = tmp_path / "policy.nnrec"
    records, _ = record_digits_run(path, epochs=4, per_epoch=5)
    rec = read_recording(path)
    epochs = [p for p in rec.progress_records if p.kind == EPOCH]
    assert [p.epoch for p in epochs] == [0, 1, 2, 3]
    assert all(p.test_correct is not None for p in epochs)
    # every epoch's end carries parameters
    assert [s.progress.epoch for s in rec.frames if s.progress.kind == EPOCH] == [0, 1, 2, 3]
    for e in range(4):
        # parameter frames that show a moment inside epoch e or its end (the first frame is the
        # untrained network, the last the DONE record)
        inside = [
            s
            for s in rec.frames
            if s.progress.epoch == e
            and s.progress.kind in (CHUNK, EPOCH)
            and s.progress.examples_seen > 0
        ]
        assert len(inside) == 5, e
        # evenly spaced by mini-batches done: 24 / 48 / 72 / 96 of 120, then the end
        assert [s.progress.batch for s in inside] == [24, 48, 72, 96, 120]
    assert rec.frames[0].progress.examples_seen == 0
    assert rec.frames[-1].progress.kind == DONE
    # every CHUNK record is kept as a cost point even without parameters
    assert len(rec.progress_records) == len(records)


def test_recorder_without_chunks_keeps_only_snapshot_records(tmp_path):
    header = make_header(
        RunSpec(sizes=[2, 1], dataset="and", eta=1.0, batch_size=1, epochs=1, seed=0)
    )
    net = Network([2, 1], seed=0)
    writer = RecordingWriter(tmp_path / "r.nnrec", header)
    recorder = Recorder(writer, snapshots_per_epoch=2, keep_chunks=False)
    for b in range(1, 5):
        p = Progress(CHUNK, 0, b, 4, b, 0.5, 1.0, 0.0)
        recorder.add(p, Snapshot.capture(net, p))
    recorder.add(Progress(EPOCH, 0, 4, 4, 4, 0.4, 1.0, 0.0, test_correct=3, test_total=4))
    recorder.close()
    rec = read_recording(tmp_path / "r.nnrec")
    assert [(p.kind, p.batch) for p in rec.progress_records] == [(CHUNK, 1), (CHUNK, 2), (EPOCH, 4)]
    assert [s.progress.batch for s in rec.frames] == [1, 2]


def test_recorder_attaches_worker_snapshot_to_its_own_record(tmp_path):
    net = Network([2, 1], seed=0)
    header = make_header(
        RunSpec(sizes=[2, 1], dataset="and", eta=1.0, batch_size=1, epochs=1, seed=0)
    )
    recorder = Recorder(RecordingWriter(tmp_path / "w.nnrec", header), snapshots_per_epoch=4)
    ps = [Progress(CHUNK, 0, b, 8, b, 0.5, 1.0, 0.0) for b in range(0, 4)]
    recorder.add_update(ps, Snapshot.capture(net, ps[-1]))
    recorder.close()
    rec = read_recording(tmp_path / "w.nnrec")
    assert len(rec.progress_records) == 4
    assert [s.progress.batch for s in rec.frames] == [3]


def small_recording(tmp_path):
    """A tiny recording and the byte offset where its header ends."""
    path = tmp_path / "small.nnrec"
    header = make_header(
        RunSpec(sizes=[2, 2, 1], dataset="xor", eta=2.0, batch_size=4, epochs=3, seed=1)
    )
    net = Network([2, 2, 1], seed=1)
    with RecordingWriter(path, header) as w:
        for i in range(6):
            p = Progress(
                CHUNK if i % 2 == 0 else EPOCH,
                i // 2,
                i,
                4,
                i * 4,
                0.25 - i / 100,
                2.0,
                i / 10,
                test_correct=i if i % 2 else None,
                test_total=4 if i % 2 else None,
            )
            w.write(p, Snapshot.capture(net, p) if i % 3 != 2 else None)
            net.weights[0][0, 0] += 1.0  # every snapshot differs
    raw = path.read_bytes()
    (hlen,) = struct.unpack_from("<I", raw, 10)
    return path, raw, 18 + hlen


def frame_offsets(raw: bytes, start: int) -> list[int]:
    offsets, pos = [], start
    while pos < len(raw):
        offsets.append(pos)
        (length,) = struct.unpack_from("<I", raw, pos)
        pos += 8 + length
    return offsets


def test_truncation_at_every_byte_gives_a_prefix(tmp_path):
    path, raw, header_end = small_recording(tmp_path)
    full = read_recording(path)
    assert full.damaged is None and len(full.progress_records) == 6 and len(full.frames) == 4
    offsets = frame_offsets(raw, header_end)
    assert len(offsets) == 7  # six records and the end frame
    cut = tmp_path / "cut.nnrec"
    for n in range(len(raw)):
        cut.write_bytes(raw[:n])
        if n < header_end:
            # Without the whole header nothing can be decoded: a clear error, never a crash.
            with pytest.raises(RecordingError, match="cut.nnrec"):
                read_recording(cut)
            continue
        rec = read_recording(cut)
        complete = sum(1 for o in offsets[1:] if o <= n)  # frames wholly inside the cut
        complete = min(complete, 6)
        assert rec.damaged is not None, n
        assert f"after frame {complete}" in rec.damaged
        assert len(rec.progress_records) == complete
        assert all(same_progress(a, b) for a, b in zip(rec.progress_records, full.progress_records))
        assert len(rec.frames) == sum(1 for i in full.frame_records if i < complete)
        for a, b in zip(rec.frames, full.frames):
            np.testing.assert_array_equal(a.weights[0], b.weights[0])


def test_flipped_byte_in_the_middle_reports_the_good_count(tmp_path):
    path, raw, header_end = small_recording(tmp_path)
    offsets = frame_offsets(raw, header_end)
    bad = tmp_path / "bad.nnrec"
    for k in range(6):
        # one byte in the middle of frame k's payload, and one in its length field
        for pos in (offsets[k] + 8 + (offsets[k + 1] - offsets[k] - 8) // 2, offsets[k] + 1):
            data = bytearray(raw)
            data[pos] ^= 0x5A
            bad.write_bytes(bytes(data))
            rec = read_recording(bad)
            assert rec.damaged is not None and f"after frame {k};" in rec.damaged, (k, pos)
            assert f"showing the first {k} frames" in rec.damaged
            n = len(rec.frames)
            assert f"({n} snapshot{'s' if n != 1 else ''}," in rec.damaged
            assert len(rec.progress_records) == k


def test_random_damage_never_escapes_as_another_error(tmp_path):
    """Many random corruptions: a RecordingError (header hit) or a clean prefix, nothing else."""
    import random

    path, raw, header_end = small_recording(tmp_path)
    full = read_recording(path)
    rng = random.Random(1234)
    bad = tmp_path / "fuzz.nnrec"
    outcomes = {"error": 0, "prefix": 0}
    for _ in range(400):
        data = bytearray(raw)
        for _ in range(rng.choice([1, 2, 5, 20])):
            data[rng.randrange(len(data))] = rng.randrange(256)
        if rng.random() < 0.3:
            data = data[: rng.randrange(len(data) + 1)]
        bad.write_bytes(bytes(data))
        try:
            rec = read_recording(bad)
        except RecordingError:
            outcomes["error"] += 1
            continue
        outcomes["prefix"] += 1
        n = len(rec.progress_records)
        assert all(
            same_progress(a, b) for a, b in zip(rec.progress_records, full.progress_records[:n])
        )
        if rec.damaged is None:  # only a file whose every frame checks out
            assert n == 6 and len(rec.frames) == 4
        if bytes(data) == raw:
            assert rec.damaged is None
    assert outcomes["error"] > 0 and outcomes["prefix"] > 0


def test_unfinished_recording_is_readable_and_says_so(tmp_path):
    header = make_header(
        RunSpec(sizes=[2, 1], dataset="and", eta=1.0, batch_size=1, epochs=1, seed=0)
    )
    net = Network([2, 1], seed=0)
    target = tmp_path / "live.nnrec"
    w = RecordingWriter(target, header)
    p = Progress(CHUNK, 0, 1, 4, 1, 0.5, 1.0, 0.0)
    w.write(p, Snapshot.capture(net, p))
    w._fh.flush()
    assert not target.exists()  # nothing at the target until close()
    assert w.temp_path.parent == tmp_path and w.temp_path.exists()
    rec = read_recording(w.temp_path)  # what a crash would leave behind
    assert len(rec.frames) == 1 and "not finished properly" in rec.damaged
    assert w.close() == target and target.exists() and not w.temp_path.exists()
    assert read_recording(target).damaged is None


def test_abort_removes_the_temporary_file(tmp_path):
    header = make_header(
        RunSpec(sizes=[2, 1], dataset="and", eta=1.0, batch_size=1, epochs=1, seed=0)
    )
    with pytest.raises(RuntimeError), RecordingWriter(tmp_path / "x.nnrec", header) as w:
        raise RuntimeError("training crashed")
    assert not w.temp_path.exists() and not (tmp_path / "x.nnrec").exists()
    assert list(tmp_path.iterdir()) == []


def test_not_a_recording_raises_clearly(tmp_path):
    f = tmp_path / "photo.nnrec"
    f.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(100))
    with pytest.raises(RecordingError, match="photo.nnrec is not an nnviz recording"):
        read_recording(f)
    f.write_bytes(b"")
    with pytest.raises(RecordingError, match="empty"):
        read_recording(f)
    with pytest.raises(RecordingError, match="no such file"):
        read_recording(tmp_path / "missing.nnrec")
    with pytest.raises(RecordingError, match="is a folder"):
        read_recording(tmp_path)


def test_newer_version_and_damaged_header_raise(tmp_path):
    path, raw, _ = small_recording(tmp_path)
    newer = bytearray(raw)
    newer[8:10] = struct.pack("<H", 9)
    path.write_bytes(bytes(newer))
    with pytest.raises(RecordingError, match="format version 9.*update nnviz"):
        read_recording(path)
    broken = bytearray(raw)
    broken[20] ^= 0xFF  # inside the JSON header
    path.write_bytes(bytes(broken))
    with pytest.raises(RecordingError, match="damaged header"):
        read_recording(path)
    assert raw.startswith(MAGIC)


def test_float16_keeps_huge_finite_weights_finite(tmp_path):
    net = Network([2, 1], seed=0)
    net.weights[0][0, 0] = 1e9
    net.weights[0][0, 1] = float("nan")
    header = make_header(
        RunSpec(sizes=[2, 1], dataset="and", eta=1.0, batch_size=1, epochs=1, seed=0)
    )
    with RecordingWriter(tmp_path / "big.nnrec", header) as w:
        p = Progress(CHUNK, 0, 1, 4, 1, 0.5, 1.0, 0.0)
        w.write(p, Snapshot.capture(net, p))
    wt = read_recording(tmp_path / "big.nnrec").frames[0].weights[0]
    assert wt[0, 0] == np.float32(np.finfo(np.float16).max) and np.isnan(wt[0, 1])


def test_writer_rejects_bad_input(tmp_path):
    with pytest.raises(ValueError, match="param_dtype"):
        RecordingWriter(tmp_path / "a.nnrec", {"sizes": [2, 1]}, param_dtype="int8")
    with pytest.raises(ValueError, match="sizes"):
        RecordingWriter(tmp_path / "a.nnrec", {"dataset": "x"})
    w = RecordingWriter(tmp_path / "a.nnrec", {"sizes": [2, 1]})
    other = Network([3, 1], seed=0)
    p = Progress(CHUNK, 0, 0, 1, 0, 0.0, 1.0, 0.0)
    with pytest.raises(ValueError, match="differ"):
        w.write(p, Snapshot.capture(other, p))
    w.abort()


def test_cli_train_record_matches_the_printed_run(tmp_path, capsys):
    out = tmp_path / "sub" / "cli.nnrec"
    assert (
        main(
            [
                "train",
                "--dataset",
                "digits",
                "--epochs",
                "2",
                "--seed",
                "5",
                "--dtype",
                "float32",
                "--record",
                str(out),
            ]
        )
        == 0
    )
    printed = capsys.readouterr()
    assert "recording saved" in printed.err
    rec = read_recording(out)
    assert rec.damaged is None
    assert rec.header["dataset"] == "digits" and rec.header["seed"] == 5
    assert rec.header["epochs"] == 2 and rec.header["dtype"] == "float32"
    lines = [l for l in printed.out.splitlines() if l.startswith("Epoch")]
    assert [l.split("  ")[0] for l in lines] == [p.transcript_line() for p in rec.epoch_records()]
    assert rec.frames[0].progress.examples_seen == 0
    assert rec.progress_records[-1].kind == DONE
    # the last snapshot is the trained network: same accuracy as the last epoch line
    ds = load_digits()
    snap = rec.frames[-1]
    net = Network.from_params(snap.weights, snap.biases, "float32")
    guess = np.argmax(net.feedforward(ds.inputs(ds.test, np.float32)), axis=0)
    correct = int(np.sum(guess == ds.test.labels))
    assert abs(correct - rec.epoch_records()[-1].test_correct) <= 2  # float16 weights

    # the same run without recording prints the same epochs
    assert (
        main(["train", "--dataset", "digits", "--epochs", "2", "--seed", "5", "--dtype", "float32"])
        == 0
    )
    again = [
        l.split("  ")[0] for l in capsys.readouterr().out.splitlines() if l.startswith("Epoch")
    ]
    assert again == [l.split("  ")[0] for l in lines]


def test_cli_train_record_keeps_the_run_so_far_on_ctrl_c(tmp_path, monkeypatch, capsys):
    import nnviz.core.learning.training as training

    real_train = training.train

    def interrupted(*a, **k):
        for p in real_train(*a, **k):
            yield p
            if p.kind == EPOCH:
                raise KeyboardInterrupt

    monkeypatch.setattr(training, "train", interrupted)
    out = tmp_path / "stopped.nnrec"
    assert (
        main(["train", "--dataset", "digits", "--epochs", "5", "--seed", "1", "--record", str(out)])
        == 130
    )
    rec = read_recording(out)
    assert rec.damaged is None  # closed properly, just shorter
    assert [p.epoch for p in rec.epoch_records()] == [0]
    assert [f for f in tmp_path.iterdir() if f.name.endswith(".part")] == []


def test_cli_train_record_unwritable_is_a_usage_error(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert (
        main(["train", "--dataset", "and", "--epochs", "1", "--record", str(blocker / "r.nnrec")])
        == 2
    )
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) >= 1 and "cannot write the recording" in err[-1]


def read_measured(path):
    """The recording at ``path`` and the peak of Python memory allocated reading it."""
    import tracemalloc

    tracemalloc.start()
    try:
        rec = read_recording(path)
        return rec, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_a_huge_sparse_recording_is_mapped_not_read(tmp_path):
    """A recording whose size is mostly a hole (4 KB on disk, 3 GiB long) costs no more
    memory than its frames: it was read whole, 10 GB for 5 GiB, MemoryError for 20 GiB."""
    path = tmp_path / "run.nnrec"
    record_digits_run(path, epochs=1, per_epoch=2)
    good = read_recording(path)
    with open(path, "r+b") as fh:
        fh.truncate(3 << 30)  # the end frame now leads into a hole of zeros
    rec, peak = read_measured(path)
    assert peak < 20 << 20
    assert len(rec.frames) == len(good.frames) and rec.damaged is None  # it ends at the end frame
    np.testing.assert_array_equal(rec.frames[-1].weights[0], good.frames[-1].weights[0])
    # A hole right after the first frame: that frame, and a line saying the rest is damaged
    with open(path, "r+b") as fh:
        head = len(MAGIC) + 2
        fh.seek(head)
        (header_len,) = struct.unpack("<I", fh.read(4))
        first = head + 8 + header_len
        fh.seek(first)
        (frame_len,) = struct.unpack("<I", fh.read(4))
        fh.truncate(first + 8 + frame_len)
        fh.truncate(3 << 30)
    rec, peak = read_measured(path)
    assert peak < 20 << 20
    assert len(rec.progress_records) == 1 and "damaged after frame 1" in rec.damaged
