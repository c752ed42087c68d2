"""`nnviz data download|info|verify`: get MNIST, see where it is, check its checksums."""

from __future__ import annotations

import sys
import time
from pathlib import Path


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "data",
        help="download MNIST, show where it is, verify its checksums",
        description="Manage the MNIST files nnviz trains on. Without --data-dir the folder is "
        "$NNVIZ_MNIST_DIR if set, else the per-user data folder.",
    )
    sub = p.add_subparsers(dest="data_command", metavar="ACTION", required=True)

    dl = sub.add_parser(
        "download",
        help="download the four MNIST files (about 11 MB) with checksums",
        description="Download the four MNIST files, trying several mirrors, and verify their "
        "md5 checksums. Files already present and valid are skipped. Ctrl-C cancels.",
    )
    dl.add_argument(
        "--mirror",
        action="append",
        metavar="URL",
        help="download from this base URL instead of the standard mirrors (repeatable)",
    )
    info = sub.add_parser(
        "info",
        help="where nnviz looks for MNIST and what it finds there",
        description="Print the folder nnviz reads MNIST from, which of the four files are "
        "there with their sizes and image counts, and the built-in digits.",
    )
    verify = sub.add_parser(
        "verify",
        help="check the md5 of each MNIST file (exit code 1 if any is bad)",
        description="Compare each MNIST file's md5 with the published checksum; a bad file "
        "is named with what to do about it.",
    )
    for q in (dl, info, verify):
        q.add_argument("--data-dir", metavar="DIR", help="the MNIST folder to use")
    dl.set_defaults(func=run_download)
    info.set_defaults(func=run_info)
    verify.set_defaults(func=run_verify)


def mirror_problem(url: str) -> str | None:
    """Why ``url`` cannot be a download mirror, or None if it can."""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(url)
    except ValueError as exc:
        return f"not a web address ({exc})"
    if parts.scheme not in ("http", "https", "file"):
        return "give a base address starting with https:// (or http://, file://)"
    if parts.scheme != "file" and not parts.netloc:
        return "the address names no server"
    return None


def _folder(args, must_exist: bool) -> Path:
    from nnviz.core.datasets.mnist import mnist_dir
    from nnviz.core.errors import UsageError

    folder = mnist_dir(args.data_dir)
    if must_exist and args.data_dir is not None and not folder.is_dir():
        raise UsageError(
            f"data directory {folder} does not exist; create it, or run "
            f"`nnviz data download --data-dir {folder}`"
        )
    return folder


def _where(args) -> str:
    import os

    if args.data_dir is not None:
        return "--data-dir"
    if os.environ.get("NNVIZ_MNIST_DIR"):
        return "$NNVIZ_MNIST_DIR"
    return "the per-user data folder (set NNVIZ_MNIST_DIR or pass --data-dir to change it)"


class _ProgressBar:
    """A one-line text bar on stderr, redrawn at most ~10 times a second."""

    def __init__(self, stream=None) -> None:
        self.stream = stream or sys.stderr
        self.tty = hasattr(self.stream, "isatty") and self.stream.isatty()
        self.name = None
        self.last = 0.0

    def __call__(self, done: int, total: int, name: str) -> None:
        now = time.monotonic()
        if name != self.name:
            self.finish()
            self.name = name
            if not self.tty:
                self.stream.write(f"downloading {name} ({_size(total)})\n")
        if not self.tty:
            return
        if now - self.last < 0.1 and done < total:
            return
        self.last = now
        frac = done / total if total else 0.0
        width = 30
        fill = int(frac * width)
        self.stream.write(
            f"\r[{'#' * fill}{'.' * (width - fill)}] {frac:4.0%} {name} "
            f"{_size(done)} of {_size(total)}"
        )
        self.stream.flush()

    def finish(self) -> None:
        if self.tty and self.name is not None:
            self.stream.write("\n")
        self.name = None


def run_download(args) -> int:
    from nnviz.core.datasets.download import DownloadCancelled, download_mnist
    from nnviz.core.errors import DataError, UsageError

    folder = _folder(args, must_exist=False)
    for url in args.mirror or ():
        problem = mirror_problem(url)
        if problem:
            raise UsageError(f"--mirror {url!r}: {problem}")
    bar = _ProgressBar()

    def report(message: str) -> None:
        bar.finish()
        sys.stderr.write(message + "\n")

    sys.stderr.write(f"downloading MNIST into {folder}\n")
    try:
        download_mnist(folder, progress=bar, mirrors=args.mirror, report=report)
    except DataError as exc:
        bar.finish()
        raise UsageError(str(exc)) from None
    except (KeyboardInterrupt, DownloadCancelled):
        # the downloader removed its partial file on the way out
        bar.finish()
        sys.stderr.write("download cancelled; no partial file left behind\n")
        return 130
    bar.finish()
    print(f"MNIST is ready in {folder}")
    return 0


def _idx_count(path: Path) -> int | None:
    """The example count from an IDX header (reads only the first bytes)."""
    import gzip

    try:
        opener = gzip.open if path.name.endswith(".gz") else open
        with opener(path, "rb") as f:
            head = f.read(8)
    except (OSError, EOFError):
        return None
    return int.from_bytes(head[4:8], "big") if len(head) == 8 else None


def run_info(args) -> int:
    from nnviz.core.datasets.mnist import MNIST_FILES, MNIST_PICKLE, find_mnist, mnist_file

    folder = _folder(args, must_exist=True)
    print(f"MNIST folder: {folder}")
    print(f"  chosen by: {_where(args)}")
    if not folder.is_dir():
        print("  the folder does not exist yet: run `nnviz data download` to fetch MNIST")
        _print_digits()
        return 0
    for key, base in MNIST_FILES.items():
        path = mnist_file(folder, key)
        if path is None:
            print(f"  {base}(.gz): missing")
            continue
        count = _idx_count(path)
        what = f"{count:,} examples" if count is not None else "unreadable header"
        print(f"  {path.name}: {_size(path.stat().st_size)}, {what}")
    pkl = folder / MNIST_PICKLE
    if pkl.is_file():
        print(f"  {MNIST_PICKLE}: {_size(pkl.stat().st_size)} (the book's format)")
    if find_mnist(folder) is None:
        print("  MNIST is incomplete here: run `nnviz data download` to fetch the missing files")
    else:
        print("  split used: train 50,000 / validation 10,000 / test 10,000")
        print("  run `nnviz data verify` to check the files' checksums")
    _print_digits()
    return 0


def _size(n: int) -> str:
    return f"{n / 1e6:.1f} MB" if n >= 1e6 else f"{n / 1e3:.1f} kB"


def _print_digits() -> None:
    print("8x8 digits: bundled with scikit-learn, always available (1,797 images:")
    print("  train 1,197 / validation 300 / test 300)")


def run_verify(args) -> int:
    from nnviz.core.datasets.download import verify_mnist
    from nnviz.core.errors import UsageError

    folder = _folder(args, must_exist=True)
    if not folder.is_dir():
        raise UsageError(f"MNIST folder {folder} does not exist: run `nnviz data download`")
    results = verify_mnist(folder)
    for name, ok, message in results:
        print(f"{'ok ' if ok else 'BAD'} {name}: {message}")
    if all(ok for _, ok, _ in results):
        print(f"all four MNIST files in {folder} are intact")
        return 0
    sys.stderr.write(
        "some MNIST files are missing or damaged: run `nnviz data download"
        + (f" --data-dir {folder}" if args.data_dir else "")
        + "` to fetch them again\n"
    )
    return 1
