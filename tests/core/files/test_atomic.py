import os
import stat

import pytest

from nnviz.core.io.atomic import atomic_write


def test_replaces_the_file_in_one_step_with_normal_permissions(tmp_path):
    target = tmp_path / "a.json"
    with atomic_write(target) as fh:
        fh.write("new")
        assert not target.exists()  # nothing visible until the write is complete
    assert target.read_text() == "new"
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~umask
    assert [p.name for p in tmp_path.iterdir()] == ["a.json"]


def test_a_failed_write_keeps_the_old_file_and_its_mode(tmp_path):
    target = tmp_path / "keep.bin"
    target.write_bytes(b"old")
    target.chmod(0o640)
    with pytest.raises(RuntimeError), atomic_write(target, binary=True) as fh:
        fh.write(b"half")
        raise RuntimeError("disk trouble")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["keep.bin"]
    with atomic_write(target, binary=True) as fh:
        fh.write(b"new")
    assert target.read_bytes() == b"new" and stat.S_IMODE(target.stat().st_mode) == 0o640


def test_stale_part_files_of_nnviz_are_cleaned_where_it_writes(tmp_path):
    import os
    import time

    from nnviz.core.io.atomic import atomic_write

    old = tmp_path / ".net.npz.abc123.part"  # left by a kill -9 two days ago
    fresh = tmp_path / ".run.nnrec.def456.part"  # a recording being written right now
    foreign = tmp_path / ".movie.mkv.xyz.part"  # somebody else's download
    for f in (old, fresh, foreign):
        f.write_bytes(b"x")
    two_days = time.time() - 2 * 24 * 3600
    os.utime(old, (two_days, two_days))
    os.utime(foreign, (two_days, two_days))
    with atomic_write(tmp_path / "other.json") as fh:
        fh.write("{}")
    assert not old.exists() and fresh.exists() and foreign.exists()


def test_a_failing_close_leaves_no_temp_file(tmp_path, monkeypatch):
    from nnviz.core.files.recording import RecordingWriter, make_header
    from nnviz.core.learning.run import RunSpec

    w = RecordingWriter(
        tmp_path / "r.nnrec",
        make_header(RunSpec(sizes=[2, 1], dataset="xor", eta=1.0, batch_size=1, epochs=1, seed=0)),
    )

    class Full:
        def __init__(self, fh):
            self.fh = fh

        def write(self, data):
            raise OSError(28, "No space left on device")

        def close(self):
            self.fh.close()
            raise OSError(28, "No space left on device")

        def __getattr__(self, name):
            return getattr(self.fh, name)

    w._fh = Full(w._fh)
    import pytest

    with pytest.raises(OSError, match="No space"):
        w.close()
    assert list(tmp_path.iterdir()) == []  # neither the recording nor its .part


# -- where nnviz writes: only regular files, a link's target, checked before the work ---------


def test_a_link_keeps_being_a_link_and_its_target_gets_the_file(tmp_path):
    real = tmp_path / "shared" / "net.npz"
    real.parent.mkdir()
    real.write_bytes(b"old")
    link = tmp_path / "net.npz"
    link.symlink_to(real)
    with atomic_write(link, binary=True) as fh:
        fh.write(b"new")
    assert link.is_symlink() and real.read_bytes() == b"new"
    assert sorted(p.name for p in real.parent.iterdir()) == ["net.npz"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs")
def test_a_fifo_a_folder_or_a_device_is_refused_and_left_alone(tmp_path):
    from nnviz.core.io.atomic import OutputError, check_output

    fifo = tmp_path / "pipe.npz"
    os.mkfifo(fifo)
    for target, words in ((fifo, "not a regular file"), (tmp_path, "is a folder")):
        with pytest.raises(OutputError, match=words), atomic_write(target) as fh:
            fh.write("never")
        with pytest.raises(OutputError, match=words):
            check_output(target)
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pipe.npz"]
    if os.path.exists("/dev/null"):
        with pytest.raises(OutputError, match="not a regular file"):
            check_output("/dev/null")
        assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_name_length_and_room_are_checked_before_any_work(tmp_path, monkeypatch):
    import shutil
    from collections import namedtuple

    from nnviz.core.io.atomic import SPACE_MARGIN, OutputError, check_output

    with pytest.raises(OutputError, match="too long"):
        check_output(tmp_path / ("n" * 240 + ".npz"))  # fits alone, not as a temporary file
    assert check_output(tmp_path / "new" / "ok.npz") == tmp_path / "new" / "ok.npz"
    usage = namedtuple("usage", "total used free")
    monkeypatch.setattr(shutil, "disk_usage", lambda _p: usage(10**9, 10**9, 5_000_000))
    with pytest.raises(OutputError, match="5 MB free"):
        check_output(tmp_path / "ok.npz")
    monkeypatch.setattr(shutil, "disk_usage", lambda _p: usage(10**9, 0, SPACE_MARGIN + 100))
    assert check_output(tmp_path / "ok.npz", need_bytes=100)
    with pytest.raises(OutputError, match="not enough room"):
        check_output(tmp_path / "ok.npz", need_bytes=101)
    assert list(tmp_path.iterdir()) == []  # checking wrote nothing


def test_stale_temporary_files_of_every_kind_are_cleaned(tmp_path):
    import time

    from nnviz.core.io.atomic import STALE_AFTER, remove_stale_parts

    stale = [
        ".net.npz.abc123.part",  # a network, session, circuit or recording being saved
        ".run.mp4.k2j3h4.part.mp4",  # a video export killed mid-way
        ".train-images-idx3-ubyte.gz.q9w8e7.part",  # a download
        ".nnviz-check-x1y2z3.part",  # a writability check
        "nnviz-svm-a1b2c3.npz",  # data for the SVM baseline's process, in /tmp
    ]
    kept = ["notes.part", ".hidden.npz", "run.mp4"]  # not nnviz's temporary files
    old = time.time() - STALE_AFTER - 60
    for name in stale + kept:
        (tmp_path / name).write_text("x")
        os.utime(tmp_path / name, (old, old))
    fresh = tmp_path / ".other.npz.fresh1.part"  # another nnviz may be writing it now
    fresh.write_text("x")
    assert remove_stale_parts(tmp_path) == len(stale)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([*kept, fresh.name])


def test_train_refuses_a_device_before_training(capsys):
    from nnviz.cli import main

    if not os.path.exists("/dev/null"):
        pytest.skip("no /dev/null")
    assert main(["train", "--dataset", "digits", "--epochs", "1", "--record", "/dev/null"]) == 2
    captured = capsys.readouterr()
    assert "not a regular file" in captured.err and "Epoch" not in captured.out
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)
