"""What does ``nnviz.watch`` cost a script's own training? (Must stay within 10%.)

Trains the book-style [784, 30, 10] network of examples/watch_network.py (mini-batch 10,
eta 3.0) on the first ``--examples`` MNIST training images (the 8x8 digits, [64, 30, 10], when
MNIST is absent) several ways, interleaved in one run so the machine's load hits each alike:

- plain: the script's own SGD, not watched;
- watched, no window: ``nnviz.watch(net, show=False)`` (the counting and snapshots alone);
- watched, recording: ``show=False, record=...`` (a float64 recording is written);
- watched, window: ``show=True`` (a window process reads the stream; needs a display or
  QT_QPA_PLATFORM=offscreen, which this script sets when none is given).

Each is run ``--repeats`` times from the same seed; the table shows the median seconds and the
ratio to plain. The weights after each watched run are checked to equal the plain run's.

    python benchmarks/watch_overhead.py [--examples 10000] [--repeats 3]
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import random
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np

import nnviz

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "watch_network.py"


def load_book():
    spec = importlib.util.spec_from_file_location("watch_network", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    book = load_book()
    train, test = book.book_data(limit=args.examples, test_limit=1000)
    sizes = [len(train[0][0]), 30, len(train[0][1])]
    tmp = Path(tempfile.mkdtemp(prefix="nnviz-watch-bench-"))

    def run(way: str) -> tuple[float, list[np.ndarray]]:
        random.seed(0)
        np.random.seed(0)  # noqa: NPY002 - the book's style seeds the global RNG
        net = book.Network(sizes)
        if way == "no window":
            nnviz.watch(net, show=False)
        elif way == "recording":
            nnviz.watch(net, show=False, record=tmp / "run.nnrec")
        elif way == "window":
            nnviz.watch(net, title="benchmark")
        start = time.perf_counter()
        net.SGD(train, 1, 10, 3.0, test_data=test)
        seconds = time.perf_counter() - start
        nnviz.unwatch(net)
        return seconds, [*net.weights, *net.biases]

    ways = ["plain", "no window", "recording", "window"]
    times: dict[str, list[float]] = {w: [] for w in ways}
    reference = None
    import contextlib
    import io

    for _ in range(args.repeats):
        for way in ways:
            with contextlib.redirect_stdout(io.StringIO()):  # the script's epoch lines
                seconds, params = run(way)
            times[way].append(seconds)
            if reference is None:
                reference = params
            assert all(np.array_equal(a, b) for a, b in zip(reference, params)), way
    plain = statistics.median(times["plain"])
    size = (tmp / "run.nnrec").stat().st_size / 1e6
    print(f"{sizes}, {len(train):,} examples, mini-batch 10, one epoch, {args.repeats} repeats")
    print(f"{'':<22}{'median s':>10}{'ratio':>8}")
    for way in ways:
        t = statistics.median(times[way])
        print(f"{way:<22}{t:>10.2f}{t / plain:>8.3f}")
    print(f"recording: {size:.1f} MB; results identical in every way: yes")


if __name__ == "__main__":
    main()
