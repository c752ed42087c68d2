"""End-to-end SGD epochs: nnviz's train() against the book's per-example loop, side by side.

Run: python benchmarks/core_speed.py [--data-dir DIR] [--repeats 3] [--examples 50000]

Both sides do a whole chapter-1 epoch: shuffle, mini-batches of 10 at eta = 3, and the
evaluation on 10,000 test images that the book's SGD prints after each epoch. The reference
is the book's algorithm written plainly (tests/core/learning/reference.py: one example at a
time, lists of column vectors, a Python loop over layers). For train() the figure is one
epoch in steady state: the wall time between two EPOCH records, so the one-off conversion of
the data set is not counted. "step only" times Network.step alone on pre-gathered batches.

Uses real MNIST when found (speed does not depend on the pixel values, so random data of the
same shape is used otherwise). Prints medians and ratios from one run; not a test.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
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


def core_epoch(ds: Dataset, sizes, dtype) -> float:
    """Seconds of one steady-state epoch of train() (between the first two EPOCH records)."""
    net = Network(sizes, seed=0, dtype=dtype)
    cfg = TrainConfig(epochs=2, batch_size=10, eta=3.0, seed=0, evaluate_validation=False)
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
    print(
        f"numpy {np.__version__}; seconds per 50,000-example epoch with its test evaluation, "
        f"mini-batch 10, median of {args.repeats}\n"
    )
    head = f"{'sizes':<12}{'book loop':>10}{'f64':>8}{'f32':>8}{'f32 step':>9}"
    print(head + f"{'f64 x':>8}{'f32 x':>8}{'step x':>8}")
    for sizes in ([784, 30, 10], [784, 100, 10]):
        runs = range(args.repeats)
        ref = statistics.median(reference_epoch(ds, sizes) for _ in range(max(1, args.repeats - 1)))
        f64 = statistics.median(core_epoch(ds, sizes, np.float64) for _ in runs)
        f32 = statistics.median(core_epoch(ds, sizes, np.float32) for _ in runs)
        st = statistics.median(step_only(ds, sizes, np.float32) for _ in runs)
        ref, f64, f32, st = ref * scale, f64 * scale, f32 * scale, st * scale
        print(
            f"{','.join(map(str, sizes)):<12}{ref:>10.2f}{f64:>8.3f}{f32:>8.3f}{st:>9.3f}"
            f"{ref / f64:>8.1f}{ref / f32:>8.1f}{ref / st:>8.1f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
