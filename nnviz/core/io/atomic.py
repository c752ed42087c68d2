"""Write a file so that readers see either the old file or the complete new one, never half.

Every file nnviz saves (networks, circuits, sessions, recordings, caches) goes through here:
write a temporary file beside the target, flush it to disk, give it the permissions a plain
``open()`` would (or those of the file it replaces), then rename it over the target.
"""

from __future__ import annotations

import os
import re
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
# Only nnviz's own temporary files: ".<target name>.<random>.part" for the kinds it writes.
_OWN_PART = re.compile(r"^\.[^/]+\.(npz|nnrec|nnviz|json)\.[A-Za-z0-9_]+\.part$")


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
    existing file at ``path`` untouched.
    """
    path = Path(path)
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
