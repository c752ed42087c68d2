"""Downloading MNIST: several mirrors, streamed in blocks, cancellable, checked by md5.

Each file is written to a temporary file in the target folder and renamed into place only
once complete and verified, so the folder never holds a half-written file under a real name.
Checksums are of the *uncompressed* files: a ``.gz`` is verified by hashing its decompressed
stream, so a file recompressed by someone else still verifies.
"""

from __future__ import annotations

import contextlib
import errno
import gzip
import hashlib
import http.client
import os
import socket
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import zlib
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from nnviz.core.datasets.mnist import MNIST_FILES, MNIST_MD5, mnist_dir, mnist_file
from nnviz.core.errors import DataError
from nnviz.core.io.atomic import new_file_mode

# Public mirrors of the original files, tried in order.
DEFAULT_MIRRORS: tuple[str, ...] = (
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
)

# Published .gz sizes: the progress total when a server sends no Content-Length.
MNIST_GZ_SIZES: dict[str, int] = {
    "train-images-idx3-ubyte": 9912422,
    "train-labels-idx1-ubyte": 28881,
    "t10k-images-idx3-ubyte": 1648877,
    "t10k-labels-idx1-ubyte": 4542,
}

BLOCK = 64 * 1024
# No file is taken past its published size plus this: a server that sends an endless body,
# or announces a terabyte, is given up instead of filling the disk.
SIZE_MARGIN = 1 << 20
LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "::1")
MIN_RATE = 20_000  # bytes a second: below this a mirror is given up for the next one

ProgressFn = Callable[[int, int, str], None]


class DownloadCancelled(Exception):
    """The caller's ``cancelled()`` returned True; no partial file was left behind."""


def file_md5(path: Path, gz: bool | None = None) -> str:
    """md5 hex digest of a file's content, decompressed first if it is gzip.

    ``gz`` None means: gzip if the name ends in .gz. Raises DataError if a gzip file is
    truncated or not gzip at all.
    """
    h = hashlib.md5()
    gz = path.name.endswith(".gz") if gz is None else gz
    try:
        opener = gzip.open if gz else open
        with opener(path, "rb") as f:
            while block := f.read(1 << 20):
                h.update(block)
    except (EOFError, gzip.BadGzipFile, zlib.error) as exc:
        raise DataError(f"{path.name} is truncated or not a valid gzip file ({exc})") from exc
    except OSError as exc:
        raise DataError(f"cannot read {path}: {exc}") from exc
    return h.hexdigest()


def check_file(path: Path, expected_md5: str, gz: bool | None = None) -> tuple[bool, str]:
    """(ok, message) for one file against the md5 of its uncompressed content."""
    try:
        got = file_md5(path, gz)
    except DataError as exc:
        return False, str(exc)
    if got != expected_md5:
        return False, f"md5 {got} does not match the expected {expected_md5}"
    return True, f"md5 {got} matches"


def verify_mnist(
    data_dir: str | os.PathLike[str] | None = None, checksums: Mapping[str, str] | None = None
) -> list[tuple[str, bool, str]]:
    """Check each of the four MNIST files in the MNIST folder against its md5.

    Returns one (file name, ok, message) per file; a missing file is not ok.
    """
    checksums = MNIST_MD5 if checksums is None else checksums
    folder = mnist_dir(data_dir)
    out = []
    for key, base in MNIST_FILES.items():
        path = mnist_file(folder, key)
        if path is None:
            out.append((f"{base}.gz", False, "missing"))
            continue
        ok, message = check_file(path, checksums[base])
        out.append((path.name, ok, message))
    return out


def download_mnist(
    data_dir: str | os.PathLike[str] | None = None,
    progress: ProgressFn | None = None,
    cancelled: Callable[[], bool] | None = None,
    mirrors: Sequence[str] | None = None,
    *,
    checksums: Mapping[str, str] | None = None,
    report: Callable[[str], None] | None = None,
    timeout: float = 30.0,
) -> Path:
    """Fetch the four MNIST .gz files into the MNIST folder and return that folder.

    Files already present and valid are skipped; a corrupt or truncated one is reported and
    fetched again. ``progress(done_bytes, total_bytes, filename)`` is called after every block
    (``total_bytes`` 0 if unknown); ``cancelled()`` is checked between blocks and, when it
    returns True, :class:`DownloadCancelled` is raised and the partial file removed.
    ``report(message)`` receives one-line notes (skipped, refetching, mirror failed).
    ``checksums`` maps file name (without .gz) to the md5 of its uncompressed content.

    Raises DataError if the folder cannot be written or no mirror delivers a good file.
    """
    checksums = MNIST_MD5 if checksums is None else checksums
    mirror_list = list(DEFAULT_MIRRORS if mirrors is None else mirrors)
    if not mirror_list:
        raise DataError("no download mirrors given: pass at least one URL")
    for mirror in mirror_list:
        check_mirror(mirror)
    folder = mnist_dir(data_dir)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DataError(
            f"cannot create the MNIST folder {folder} ({exc.strerror or exc}): "
            "choose a writable folder with --data-dir"
        ) from exc
    note = report or (lambda message: None)
    is_cancelled = cancelled or (lambda: False)

    for key, base in MNIST_FILES.items():
        if is_cancelled():
            raise DownloadCancelled("download cancelled")
        existing = mnist_file(folder, key)
        if existing is not None:
            ok, message = check_file(existing, checksums[base])
            if ok:
                note(f"{existing.name}: already present and valid, skipped")
                continue
            note(f"{existing.name}: {message}; downloading it again")
            _remove(existing)
            # a raw copy beside the .gz would be read instead of the new file if it is bad too
            raw = folder / base
            if raw.exists() and not check_file(raw, checksums[base])[0]:
                _remove(raw)
        errors, kinds = [], []
        for mirror in list(mirror_list):
            url = mirror.rstrip("/") + f"/{base}.gz"
            try:
                _fetch(url, folder / f"{base}.gz", checksums[base], progress, is_cancelled, timeout)
            except DownloadCancelled:
                raise
            except _MirrorFailed as exc:
                errors.append(f"{url}: {exc}")
                kinds.append(exc.kind)
                note(f"{base}.gz: {url} failed ({exc}); trying the next mirror")
                continue
            # try the mirror that worked first for the remaining files
            mirror_list.remove(mirror)
            mirror_list.insert(0, mirror)
            break
        else:
            tried = "; ".join(errors)
            raise DownloadFailed(
                f"could not download {base}.gz from any mirror ({tried}). Check the internet "
                f"connection and try again, or copy the four MNIST files into {folder} "
                "(or another folder and pass --data-dir)",
                kinds,
                folder,
            )
    return folder


def check_mirror(url: str) -> None:
    """A mirror must be an https:// URL (plain http:// only on this machine's loopback, for a
    local copy): MNIST's checksums are public, but a download should not be open to anyone on
    the way."""
    parts = urllib.parse.urlsplit(url)
    host = (parts.hostname or "").lower()
    loopback = host in LOOPBACK_HOSTS or host.startswith("127.")
    if parts.scheme == "https" and host:
        return
    if parts.scheme == "http" and loopback:
        return
    raise DataError(
        f"the mirror {url} is not an https:// address: give an https:// mirror "
        "(http:// is accepted only for this machine, e.g. http://127.0.0.1:8000/)"
    )


class _MirrorFailed(Exception):
    """One mirror could not deliver one file (network error, HTTP error, bad checksum).

    ``kind`` sorts the failure for a message in plain words: "offline" (no route to any
    server: no name lookup, no network), "timeout", "refused" (the server answered with an
    error or not at all), or "damaged" (the file arrived but is not MNIST's)."""

    def __init__(self, message: str, kind: str = "refused") -> None:
        super().__init__(message)
        self.kind = kind


class DownloadFailed(DataError):
    """No mirror delivered a file. ``str()`` names every URL and error (for a terminal);
    ``plain`` says in a sentence what happened and what to do (for the app)."""

    def __init__(self, message: str, kinds: Sequence[str], folder: Path) -> None:
        super().__init__(message)
        self.kinds = list(kinds)
        self.folder = folder

    @property
    def plain(self) -> str:
        kinds = set(self.kinds)
        if kinds == {"offline"}:
            what = "There is no internet connection (no download server could be reached)."
        elif kinds <= {"offline", "timeout"}:
            what = "The download servers did not answer in time."
        elif "damaged" in kinds:
            what = "The files that arrived were damaged."
        else:
            what = "The download servers refused to send the files."
        return (
            f"{what} Try again later, or copy the four MNIST files from another computer "
            "and choose their folder."
        )


def _network_kind(exc: BaseException) -> str:
    """ "offline" when no connection could be made at all, else "timeout" or "refused"."""
    reason = getattr(exc, "reason", exc)
    if isinstance(reason, TimeoutError | socket.timeout):
        return "timeout"
    if isinstance(reason, socket.gaierror):
        return "offline"
    errno_ = getattr(reason, "errno", None)
    if errno_ in (errno.ENETUNREACH, errno.EHOSTUNREACH, errno.ENETDOWN):
        return "offline"
    return "refused"


def _remove(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        path.unlink()


def _fetch(
    url: str,
    target: Path,
    expected_md5: str,
    progress: ProgressFn | None,
    cancelled: Callable[[], bool],
    timeout: float,
) -> None:
    """Stream ``url`` into a temp file beside ``target``, verify it, then rename it into place."""
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            request = urllib.request.Request(url, headers={"User-Agent": "nnviz"})
            try:
                with urllib.request.urlopen(request, timeout=timeout) as response:
                    length = response.headers.get("Content-Length")
                    expected_len = int(length) if length and length.isdigit() else None
                    published = MNIST_GZ_SIZES.get(target.name[:-3])
                    cap = (published or 0) + SIZE_MARGIN if published else None
                    if cap is not None and expected_len is not None and expected_len > cap:
                        raise _MirrorFailed(
                            f"it announces {expected_len:,} bytes; the file has {published:,}"
                        )
                    total = expected_len or published or 0
                    done = 0
                    # A deadline per file, not only per read: a server that drips a byte
                    # every few seconds never trips the socket timeout.
                    deadline = time.monotonic() + timeout + max(total, BLOCK) / MIN_RATE
                    if progress:
                        progress(0, total, target.name)
                    while True:
                        if cancelled():
                            raise DownloadCancelled("download cancelled")
                        if time.monotonic() > deadline:
                            raise _MirrorFailed(
                                f"too slow: {done} bytes in {timeout + total / MIN_RATE:.0f} s",
                                "timeout",
                            )
                        # read1: whatever has arrived, up to BLOCK, so the deadline is
                        # checked after every packet, not only after each full block.
                        block = response.read1(BLOCK)
                        if not block:
                            break
                        try:
                            out.write(block)
                        except OSError as exc:  # a local problem: no other mirror helps
                            raise DataError(
                                f"cannot write to {target.parent} ({exc.strerror or exc}): "
                                "free some disk space or choose another folder with --data-dir"
                            ) from exc
                        done += len(block)
                        if cap is not None and done > cap:
                            raise _MirrorFailed(
                                f"it sent more than {cap:,} bytes; the file has {published:,}"
                            )
                        if progress:
                            progress(done, max(total, done), target.name)
            except urllib.error.HTTPError as exc:
                raise _MirrorFailed(f"HTTP {exc.code} {exc.reason}") from exc
            except urllib.error.URLError as exc:
                raise _MirrorFailed(str(exc.reason), _network_kind(exc)) from exc
            except (OSError, http.client.HTTPException) as exc:
                raise _MirrorFailed(f"{type(exc).__name__}: {exc}", _network_kind(exc)) from exc
        if expected_len is not None and done != expected_len:
            raise _MirrorFailed(f"connection closed after {done} of {expected_len} bytes")
        ok, message = check_file(tmp, expected_md5, gz=True)  # temp name has no .gz
        if not ok:
            raise _MirrorFailed(message.replace(tmp.name, target.name), "damaged")
        os.chmod(tmp, new_file_mode(target))  # mkstemp makes 0600; a download is 0644-ish
        os.replace(tmp, target)
    finally:
        # On success the temp file was renamed; on any failure or cancel it must go.
        _remove(tmp)
