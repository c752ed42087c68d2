"""Write a file so that readers see either the old file or the complete new one, never half.

Every file nnviz saves (networks, circuits, sessions, recordings, caches) goes through here:
write a temporary file beside the target, flush it to disk, give it the permissions a plain
``open()`` would (or those of the file it replaces), then rename it over the target.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any


def new_file_mode(path: Path) -> int:
    """The mode for a file written at ``path``: the replaced file's, else 0o666 less umask."""
    try:
        return path.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


STALE_AFTER = 24 * 3600  # seconds: a temp file this old belongs to no running nnviz
# Only nnviz's own temporary files: ".<target name>.<random>.part" (videos add their suffix,
# ".part.mp4") for every kind it writes, and the files that try whether a folder is writable.
_OWN_PART = re.compile(
    r"^\.[^/]+\.(npz|nnrec|nnviz|nnvizdeck|json|dig|gz|png|svg|csv|md|mp4|gif)"
    r"\.[A-Za-z0-9_]+\.part(\.mp4|\.gif)?$"
    r"|^\.nnviz-(check|write-test)-[A-Za-z0-9_]+(\.part)?$"
    r"|^nnviz-svm-[A-Za-z0-9_]+\.npz$"  # data handed to the SVM baseline's process (in /tmp)
)


class OutputError(OSError):
    """A place nnviz will not write a file to; the message says why and what to do. An
    OSError, so every caller that reports a failed write reports this one too."""


def output_path(path: str | os.PathLike[str]) -> Path:
    """Where writing ``path`` puts the file: a symbolic link's target (the link stays a link),
    else ``path``. OutputError when something other than a regular file is there: a folder, a
    device (as root, ``/dev/null`` would have been replaced by a file), a FIFO or a socket."""
    path = Path(path).expanduser()
    if path.is_symlink():
        path = Path(os.path.realpath(path))
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return path  # a new name
    except OSError as exc:
        raise OutputError(f"cannot write {path} ({exc.strerror or exc})") from None
    if stat.S_ISDIR(mode):
        raise OutputError(f"{path} is a folder; give a file name inside it")
    if not stat.S_ISREG(mode):
        raise OutputError(f"{path} is not a regular file (a device or a pipe); give a file name")
    return path


def check_output(path: str | os.PathLike[str], need_bytes: int = 0) -> Path:
    """``output_path(path)``, checked before any work: its name fits the file system (with the
    temporary file's longer name), its folder (the nearest one that exists) is writable and has
    room for ``need_bytes`` plus a margin. OutputError otherwise, in one line."""
    path = output_path(path)
    folder = path.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    if not folder.is_dir():
        raise OutputError(f"cannot write {path}: {folder} is a file, not a folder")
    try:
        name_max = os.pathconf(folder, "PC_NAME_MAX")
    except (OSError, ValueError, AttributeError):
        name_max = 255
    if len(f".{path.name}.xxxxxxxx.part.mp4".encode()) > name_max:
        raise OutputError(
            f"the file name {path.name[:40]}... is too long for {folder.resolve()} "
            f"(at most {name_max - 20} bytes here); choose a shorter name"
        )
    # Asked of the system, not tried with a file: a Ctrl-C between a test file's creation and
    # its removal left it behind (seen on CI). access() knows read-only mounts and ACLs.
    effective = os.access in os.supports_effective_ids
    if not os.access(folder, os.W_OK | os.X_OK, effective_ids=effective):
        raise OutputError(
            f"cannot write {path}: {folder} is not writable; choose a folder you can write to"
        )
    free = shutil.disk_usage(folder).free
    if free < need_bytes + SPACE_MARGIN:
        raise OutputError(
            f"not enough room for {path.name} in {folder}: {free / 1e6:.0f} MB free, about "
            f"{(need_bytes + SPACE_MARGIN) / 1e6:.0f} MB needed; free some space or choose "
            "another folder"
        )
    return path


SPACE_MARGIN = 10_000_000  # bytes kept free beyond what a file is expected to take


def remove_stale_parts(folder: Path, older_than: float = STALE_AFTER) -> int:
    """Delete nnviz's own temporary files older than a day in ``folder`` (left by a crash or
    a kill -9); returns how many. Never fails: a folder that cannot be listed is left."""
    removed = 0
    now = time.time()
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return 0
    for entry in entries:
        if not _OWN_PART.match(entry.name):
            continue
        try:
            if entry.is_file(follow_symlinks=False) and now - entry.stat().st_mtime > older_than:
                os.unlink(entry.path)
                removed += 1
        except OSError:
            continue
    return removed


@contextmanager
def atomic_write(path: str | os.PathLike[str], binary: bool = False) -> Iterator[IO[Any]]:
    """Yield a file open for writing; on success it replaces ``path`` in one rename.

    Any exception (including KeyboardInterrupt) removes the temporary file and leaves an
    existing file at ``path`` untouched. A symbolic link at ``path`` stays: its target gets the
    new contents. OutputError when ``path`` is a folder, a device or a FIFO.
    """
    path = output_path(path)  # a link's target; never a device, a FIFO or a folder
    remove_stale_parts(path.parent)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        mode = new_file_mode(path)
        encoding = None if binary else "utf-8"
        with os.fdopen(fd, "wb" if binary else "w", encoding=encoding) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)  # mkstemp makes files private (0600)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
