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
