"""End-to-end SGD epochs: nnviz's train() against the book's per-example loop, side by side.

Run: python benchmarks/core_speed.py [--data-dir DIR] [--repeats 3] [--examples 50000]

Both sides do a whole chapter-1 epoch: shuffle, mini-batches of 10 at eta = 3, and the
evaluation on 10,000 test images that the book's SGD prints after each epoch. The reference
is the book's algorithm written plainly (tests/core/learning/reference.py: one example at a
time, lists of column vectors, a Python loop over layers). For train() the figure is one
epoch in steady state: the wall time between two EPOCH records, so the one-off conversion of
the data set is not counted (nor the compiled engine's one-off compile or disk-cache load).
Both engines run: numpy (Network.step per mini-batch) and compiled (numba, where installed).
"numpy f32 step only" times Network.step alone on pre-gathered batches.

Uses real MNIST when found. The compiled engine skips zero pixels, so its speed depends on
the data: random uint8 images (used when MNIST is absent) have few zeros and show it slower
than MNIST does. Prints medians, fastest rounds and ratios from one run; not a test.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from functools import partial
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from nnviz.core.datasets.dataset import Dataset, Split, one_hot  # noqa: E402
from nnviz.core.learning.network import Network  # noqa: E402
from nnviz.core.learning.snapshot import EPOCH  # noqa: E402
from nnviz.core.learning.training import TrainConfig, TrainControl, train  # noqa: E402
from tests.core.learning.reference import ref_sigmoid, ref_update_mini_batch  # noqa: E402


def load(n: int, data_dir: str | None) -> Dataset:
    try:
        from nnviz.core.datasets.mnist import load_mnist

        ds = load_mnist(data_dir or ROOT.parent / "shared" / "data" / "mnist")
        print(f"data: real MNIST, first {n} training images, 10,000 test images")
        return Dataset("mnist", ds.train.head(n), ds.test, scale=ds.scale)
    except Exception as exc:  # noqa: BLE001 - any failure means: use random data
        print(f"data: random uint8 images ({exc})")
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 10, n + 10_000)
    x = rng.integers(0, 256, (n + 10_000, 784), dtype=np.uint8)
    s = Split(x[:n], one_hot(labels[:n], 10), labels[:n])
    t = Split(x[n:], one_hot(labels[n:], 10), labels[n:])
    return Dataset("random", s, t, scale=1 / 255)


def core_epoch(ds: Dataset, sizes, dtype, engine: str = "numpy") -> float:
    """Seconds of one steady-state epoch of train() (between the first two EPOCH records)."""
    net = Network(sizes, seed=0, dtype=dtype)
    cfg = TrainConfig(
        epochs=2, batch_size=10, eta=3.0, seed=0, evaluate_validation=False, engine=engine
    )
    marks = [
        time.perf_counter() for rec in train(net, ds, cfg, TrainControl(3.0)) if rec.kind == EPOCH
    ]
    return marks[1] - marks[0]


def step_only(ds: Dataset, sizes, dtype) -> float:
    """Seconds for Network.step over an epoch of batches gathered beforehand."""
    net = Network(sizes, seed=0, dtype=dtype)
    n = len(ds.train)
    xa = np.ones((n, 785), dtype=dtype)
    xa[:, :784] = ds.train.x * ds.scale
    y = ds.train.y.astype(dtype)
    net.step(xa[:10], y[:10], 3.0)  # loads scipy's BLAS, so that the limit below covers it
    with threadpool_limits(1, user_api="blas"):  # as train() runs it
        t = time.perf_counter()
        for k in range(0, n, 10):
            net.step(xa[k : k + 10], y[k : k + 10], 3.0, True)
        return time.perf_counter() - t


def reference_epoch(ds: Dataset, sizes) -> float:
    """The book's epoch, per example: shuffle, update_mini_batch, then evaluate the test set."""
    net = Network(sizes, seed=0)
    ws, bs = list(net.weights), list(net.biases)
    x = ds.train.x / 255.0
    y = ds.train.y.astype(np.float64)
    training = [(x[i, :, None], y[i, :, None]) for i in range(len(ds.train))]
    test_x = ds.test.x / 255.0
    test = [(test_x[i, :, None], int(ds.test.labels[i])) for i in range(len(ds.test))]
    t = time.perf_counter()
    random.shuffle(training)
    for k in range(0, len(training), 10):
        ws, bs = ref_update_mini_batch(ws, bs, training[k : k + 10], 3.0)
    correct = 0
    for xt, label in test:
        a = xt
        for w, b in zip(ws, bs):
            a = ref_sigmoid(w @ a + b)
        correct += int(np.argmax(a) == label)
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data-dir")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--examples", type=int, default=50_000)
    args = ap.parse_args()
    ds = load(args.examples, args.data_dir)
    scale = 50_000 / args.examples
    try:
        from threadpoolctl import threadpool_info

        blas = [
            (i["internal_api"], i.get("architecture"), i["num_threads"]) for i in threadpool_info()
        ]
        print(f"BLAS: {blas}")
    except ImportError:
        pass
    engines = ["numpy"] + (["compiled"] if uses_compiled_anywhere() else [])
    print(
        f"numpy {np.__version__}; seconds per 50,000-example epoch with its test evaluation, "
        f"mini-batch 10; engines: {', '.join(engines)}.\n"
        f"Each round runs every contender once, in turn; {args.repeats} rounds. Shown: the "
        "median and, in brackets, the fastest round (the least disturbed by other work on a "
        "shared machine); ratios are the book loop's time over each.\n"
    )
    for sizes in ([784, 30, 10], [784, 100, 10]):
        contenders = {"book loop": partial(reference_epoch, ds, sizes)}
        for engine in engines:
            for dt in (np.float64, np.float32):
                name = f"{engine} {np.dtype(dt).name}"
                contenders[name] = partial(core_epoch, ds, sizes, dt, engine)
        contenders["numpy f32 step only"] = partial(step_only, ds, sizes, np.float32)
        times: dict[str, list[float]] = {k: [] for k in contenders}
        for _ in range(args.repeats):
            for name, fn in contenders.items():
                times[name].append(fn() * scale)
        ref_med = statistics.median(times["book loop"])
        ref_min = min(times["book loop"])
        print(f"[{', '.join(map(str, sizes))}]")
        for name, ts in times.items():
            med, low = statistics.median(ts), min(ts)
            ratio = (
                "" if name == "book loop" else (f"{ref_med / med:6.1f}x  [{ref_min / low:5.1f}x]")
            )
            print(f"  {name:<22}{med:8.3f} s  [{low:7.3f} s]  {ratio}", flush=True)
        print()


def uses_compiled_anywhere() -> bool:
    from nnviz.core.learning.training import compiled_module

    return compiled_module() is not None


if __name__ == "__main__":
    main()
