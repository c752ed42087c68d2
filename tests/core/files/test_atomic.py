import os
import stat

import pytest

from nnviz.core.files.atomic import atomic_write


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
