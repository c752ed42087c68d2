"""The MNIST downloader, against small fake files served on 127.0.0.1 (never the internet)."""

from __future__ import annotations

import gzip
import hashlib
import os
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np
import pytest

from nnviz.core.datasets.download import (
    MNIST_MD5,
    DownloadCancelled,
    DownloadFailed,
    check_file,
    download_mnist,
    verify_mnist,
)
from nnviz.core.datasets.mnist import MNIST_FILES
from nnviz.core.errors import DataError

BASES = list(MNIST_FILES.values())


def fake_files(size: int = 3000, seed: int = 0) -> tuple[dict[str, bytes], dict[str, str]]:
    """name.gz -> gz bytes, and name -> md5 of the uncompressed bytes (computed here)."""
    rng = np.random.default_rng(seed)
    files, sums = {}, {}
    for i, base in enumerate(BASES):
        raw = rng.integers(0, 256, size + 100 * i, dtype=np.uint8).tobytes()
        files[f"{base}.gz"] = gzip.compress(raw)
        sums[base] = hashlib.md5(raw).hexdigest()
    return files, sums


class FakeMirror:
    """A loopback HTTP server. ``files``: name -> bytes; ``short``: names whose body is cut."""

    def __init__(
        self,
        files: dict[str, bytes],
        short: set[str] = frozenset(),
        drip: float = 0.0,
        endless: bool = False,
        announce: int | None = None,
    ):
        self.files = dict(files)
        self.short = set(short)
        self.drip = drip  # seconds between single bytes (a server that trickles)
        self.endless = endless  # a body that never ends (bounded here at 256 MB)
        self.announce = announce  # a Content-Length to claim instead of the real one
        self.hits: list[str] = []
        mirror = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - http.server's naming
                name = self.path.rsplit("/", 1)[-1]
                mirror.hits.append(name)
                body = mirror.files.get(name)
                if body is None:
                    self.send_error(404)
                    return
                self.send_response(200)
                if mirror.endless:
                    self.end_headers()
                    chunk = bytes(64 * 1024)
                    for _ in range(4096):
                        try:
                            self.wfile.write(chunk)
                        except OSError:  # the client gave up: as it should
                            return
                    return
                self.send_header("Content-Length", str(mirror.announce or len(body)))
                self.end_headers()
                if mirror.drip:
                    for i in range(len(body)):
                        try:
                            self.wfile.write(body[i : i + 1])
                            self.wfile.flush()
                        except OSError:  # the client gave up: as it should
                            return
                        time.sleep(mirror.drip)
                    return
                if name in mirror.short:  # promise the whole file, send half, hang up
                    self.wfile.write(body[: len(body) // 2])
                    self.wfile.flush()
                    self.close_connection = True
                    return
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/mnist/"
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)


@pytest.fixture
def mirrors():
    made = []

    def make(files, short=frozenset(), drip=0.0, **kw):
        m = FakeMirror(files, short, drip, **kw)
        made.append(m)
        return m

    yield make
    for m in made:
        m.close()


def dead_url() -> str:
    """A loopback URL nobody listens on (connection refused)."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return f"http://127.0.0.1:{port}/mnist/"


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".part"))


def test_download_success_with_progress(tmp_path, mirrors):
    files, sums = fake_files()
    m = mirrors(files)
    calls = []
    folder = download_mnist(
        tmp_path / "mnist",
        progress=lambda done, total, name: calls.append((done, total, name)),
        mirrors=[m.url],
        checksums=sums,
        timeout=5,
    )
    assert folder == tmp_path / "mnist"
    for name, body in files.items():
        assert (folder / name).read_bytes() == body
        per_file = [(d, t) for d, t, n in calls if n == name]
        dones = [d for d, _ in per_file]
        assert dones == sorted(dones) and dones[-1] == len(body)
        assert all(t == len(body) for _, t in per_file)  # total from Content-Length
    assert leftovers(folder) == []
    assert all(ok for _, ok, _ in verify_mnist(folder, checksums=sums))

    # A second run finds everything valid and asks the server for nothing.
    m.hits.clear()
    notes = []
    download_mnist(folder, mirrors=[m.url], checksums=sums, report=notes.append, timeout=5)
    assert m.hits == []
    assert len(notes) == 4 and all("already present" in n for n in notes)


def test_bad_mirrors_are_skipped(tmp_path, mirrors):
    files, sums = fake_files()
    missing = mirrors({})  # answers 404 to everything
    good = mirrors(files)
    notes = []
    download_mnist(
        tmp_path / "m",
        mirrors=[dead_url(), missing.url, good.url],
        checksums=sums,
        report=notes.append,
        timeout=5,
    )
    assert sorted(p.name for p in (tmp_path / "m").iterdir()) == sorted(files)
    assert any("404" in n for n in notes)
    assert any("refused" in n.lower() for n in notes)
    # once a mirror worked it is tried first: the 404 mirror saw only the first file
    assert missing.hits == [f"{BASES[0]}.gz"]


def test_corrupt_and_truncated_downloads_are_rejected(tmp_path, mirrors):
    files, sums = fake_files()
    corrupt = dict(files)
    first = f"{BASES[0]}.gz"
    corrupt[first] = gzip.compress(b"not the right content")
    bad = mirrors(corrupt)
    cut = mirrors(files, short={first})
    good = mirrors(files)
    notes = []
    folder = download_mnist(
        tmp_path / "m",
        mirrors=[bad.url, cut.url, good.url],
        checksums=sums,
        report=notes.append,
        timeout=5,
    )
    assert (folder / first).read_bytes() == files[first]
    assert any("does not match" in n for n in notes)
    assert any("connection closed after" in n or "IncompleteRead" in n for n in notes)
    assert leftovers(folder) == []


def test_corrupt_cached_file_is_reported_and_refetched(tmp_path, mirrors):
    files, sums = fake_files()
    folder = tmp_path / "m"
    folder.mkdir()
    for name, body in files.items():
        (folder / name).write_bytes(body)
    victim = f"{BASES[2]}.gz"
    (folder / victim).write_bytes(files[victim][:-40])  # truncated gzip
    other = BASES[3]
    (folder / f"{other}.gz").unlink()
    (folder / other).write_bytes(b"raw but wrong")  # uncompressed and corrupt
    m = mirrors(files)
    notes = []
    download_mnist(folder, mirrors=[m.url], checksums=sums, report=notes.append, timeout=5)
    assert sorted(m.hits) == sorted([victim, f"{other}.gz"])
    assert any(victim in n and "again" in n for n in notes)
    assert (folder / victim).read_bytes() == files[victim]
    assert not (folder / other).exists()
    assert all(ok for _, ok, _ in verify_mnist(folder, checksums=sums))


def test_cancel_leaves_no_partial_file(tmp_path, mirrors):
    files, sums = fake_files(size=600_000)  # random bytes: the .gz spans many blocks
    m = mirrors(files)
    seen = []

    def cancelled():
        return len(seen) >= 2

    with pytest.raises(DownloadCancelled):
        download_mnist(
            tmp_path / "m",
            progress=lambda d, t, n: seen.append(d),
            cancelled=cancelled,
            mirrors=[m.url],
            checksums=sums,
            timeout=5,
        )
    assert 0 < seen[-1] < len(files[f"{BASES[0]}.gz"])
    assert list((tmp_path / "m").iterdir()) == []


def test_all_mirrors_dead(tmp_path, mirrors):
    _, sums = fake_files()
    empty = mirrors({})
    urls = [dead_url(), empty.url]
    with pytest.raises(DataError) as info:
        download_mnist(tmp_path / "m", mirrors=urls, checksums=sums, timeout=5)
    msg = str(info.value)
    for url in urls:
        assert url in msg
    assert "connection" in msg and "copy the four MNIST files" in msg
    assert str(tmp_path / "m") in msg
    assert leftovers(tmp_path / "m") == []


def test_unwritable_folder(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(DataError, match="cannot create the MNIST folder"):
        download_mnist(blocker / "mnist", mirrors=["http://127.0.0.1:9/"], timeout=1)


def test_recompressed_gzip_still_verifies(tmp_path):
    raw = bytes(range(256)) * 50
    md5 = hashlib.md5(raw).hexdigest()
    a, b = tmp_path / "a.gz", tmp_path / "b.gz"
    a.write_bytes(gzip.compress(raw, compresslevel=1, mtime=0))
    b.write_bytes(gzip.compress(raw, compresslevel=9, mtime=12345))
    assert a.read_bytes() != b.read_bytes()
    assert check_file(a, md5)[0] and check_file(b, md5)[0]
    plain = tmp_path / "plain"
    plain.write_bytes(raw)
    assert check_file(plain, md5)[0]
    ok, message = check_file(plain, "0" * 32)
    assert not ok and "does not match" in message


def test_verify_reports_missing_and_bad(tmp_path):
    files, sums = fake_files()
    folder = tmp_path / "m"
    folder.mkdir()
    (folder / f"{BASES[0]}.gz").write_bytes(files[f"{BASES[0]}.gz"])
    (folder / f"{BASES[1]}.gz").write_bytes(b"garbage")
    results = verify_mnist(folder, checksums=sums)
    assert [r[1] for r in results] == [True, False, False, False]
    assert "gzip" in results[1][2] and results[2][2] == "missing"


@pytest.mark.mnist
def test_real_mnist_checksums(mnist_path):
    results = verify_mnist(mnist_path)
    assert all(ok for _, ok, _ in results), results
    # the table holds the published values, independent of the files here
    assert MNIST_MD5["t10k-labels-idx1-ubyte"] == "27ae3e4e09519cfbb04c329615203637"


def test_disk_full_is_not_blamed_on_the_network(tmp_path, mirrors, monkeypatch):
    import errno
    import os

    from nnviz.core.datasets import download as dl

    files, sums = fake_files()
    m = mirrors(files)
    real_fdopen = os.fdopen

    class Full:
        def __init__(self, f):
            self.f = f

        def write(self, data):
            raise OSError(errno.ENOSPC, "No space left on device")

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.f.close()

    monkeypatch.setattr(dl.os, "fdopen", lambda fd, mode: Full(real_fdopen(fd, mode)))
    with pytest.raises(DataError, match="No space left.*disk space"):
        download_mnist(tmp_path / "m", mirrors=[m.url, m.url], checksums=sums, timeout=5)
    assert len(m.hits) == 1  # not retried on another mirror
    assert list((tmp_path / "m").iterdir()) == []


def test_a_dripping_server_is_given_up_by_a_deadline(tmp_path, mirrors, monkeypatch):
    """One byte every 0.05 s never trips a per-read timeout; the per-file deadline does."""
    from nnviz.core.datasets import download as dl

    monkeypatch.setattr(dl, "MIN_RATE", 100_000_000)  # the deadline is then about timeout
    files, sums = fake_files(size=300)
    slow, good = mirrors(files, drip=0.05), mirrors(files)
    notes = []
    download_mnist(
        tmp_path / "m", mirrors=[slow.url, good.url], checksums=sums, report=notes.append, timeout=1
    )
    assert any("too slow" in n for n in notes)
    assert len(good.hits) == 4


def test_downloaded_files_get_the_usual_permissions(tmp_path, mirrors):
    files, sums = fake_files()
    m = mirrors(files)
    folder = download_mnist(tmp_path / "m", mirrors=[m.url], checksums=sums, timeout=5)
    umask = os.umask(0)
    os.umask(umask)
    for base in BASES:
        mode = (folder / f"{base}.gz").stat().st_mode & 0o777
        assert mode == 0o666 & ~umask  # not the temporary file's 0600


@pytest.mark.parametrize("kind", ["endless", "announce"])
def test_a_server_sending_too_much_is_given_up_and_leaves_no_partial_file(tmp_path, mirrors, kind):
    """An endless body, or a Content-Length of a terabyte: the download stops at the file's
    published size plus a margin and takes the next mirror; nothing partial stays."""
    files, sums = fake_files()
    bad = mirrors(files, endless=True) if kind == "endless" else mirrors(files, announce=10**12)
    good = mirrors(files)
    notes = []
    folder = download_mnist(
        tmp_path / "m", mirrors=[bad.url, good.url], checksums=sums, report=notes.append
    )
    assert any("sent more than" in n or "announces" in n for n in notes), notes
    assert len(good.hits) == 4
    assert sorted(p.name for p in folder.iterdir()) == sorted(files)  # no .part left


def test_only_https_mirrors_or_this_machine(tmp_path):
    from nnviz.core.datasets.download import DEFAULT_MIRRORS, check_mirror

    for url in DEFAULT_MIRRORS:
        check_mirror(url)  # the shipped mirrors are all https
    check_mirror("http://127.0.0.1:8000/mnist/")  # a local copy
    check_mirror("http://localhost/mnist/")
    for url in ("http://example.org/mnist/", "ftp://example.org/mnist/", "file:///tmp/mnist"):
        with pytest.raises(DataError, match="not an https"):
            download_mnist(tmp_path / "m", mirrors=[url])
    assert not (tmp_path / "m").exists() or not any((tmp_path / "m").rglob("*.gz"))


def test_a_failed_download_is_also_said_in_plain_words(tmp_path, mirrors):
    # The app shows `plain` (no URLs, no errno); the terminal keeps every URL and error.
    files, sums = fake_files()
    corrupt = {name: gzip.compress(b"not MNIST") for name in files}
    cases = [
        (["https://nnviz-test.invalid/mnist/"], "offline", "no internet connection"),
        ([mirrors({}).url, dead_url()], "refused", "refused to send"),
        ([mirrors(corrupt).url], "damaged", "were damaged"),
    ]
    for urls, kind, words in cases:
        with pytest.raises(DownloadFailed) as info:
            download_mnist(tmp_path / kind, mirrors=urls, checksums=sums, timeout=5)
        failure = info.value
        assert set(failure.kinds) == {kind}, urls
        assert words in failure.plain.lower() and "choose their folder" in failure.plain
        assert "http" not in failure.plain and "Errno" not in failure.plain
        assert all(url in str(failure) for url in urls)
        assert failure.folder == tmp_path / kind
