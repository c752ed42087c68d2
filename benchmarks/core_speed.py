"""Seconds per epoch of SGD for the numpy core and the book's per-example loop, side by side.

Run: python benchmarks/core_speed.py [--data-dir DIR] [--repeats 3] [--examples 50000]
Uses real MNIST when found (speed does not depend on the pixel values, so random data of the
same shape is used otherwise). Prints medians and ratios from one run; not a test.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.core.reference import ref_update_mini_batch  # noqa: E402

from nnviz.core.datasets.dataset import Dataset, Split, one_hot  # noqa: E402
from nnviz.core.learning.network import Network  # noqa: E402
from nnviz.core.learning.training import TrainConfig, TrainControl, train  # noqa: E402


def load(n: int, data_dir: str | None) -> Dataset:
    try:
        from nnviz.core.datasets.mnist import load_mnist

        ds = load_mnist(data_dir or ROOT.parent / "shared" / "data" / "mnist")
        print(f"data: real MNIST, first {n} training images")
        return Dataset("mnist", ds.train.head(n), ds.test.head(100), scale=ds.scale)
    except Exception as exc:  # noqa: BLE001 - any failure means: use random data
        print(f"data: random uint8 images ({exc})")
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 10, n)
    x = rng.integers(0, 256, (n, 784), dtype=np.uint8)
    s = Split(x, one_hot(labels, 10), labels)
    return Dataset("random", s, s.head(100), scale=1 / 255)


def core_epoch(ds: Dataset, sizes, dtype) -> float:
    net = Network(sizes, seed=0, dtype=dtype)
    cfg = TrainConfig(epochs=1, batch_size=10, eta=3.0, seed=0, evaluate_validation=False)
    gen = train(net, ds, cfg, TrainControl(3.0, chunk=10**9))
    rec = next(gen)  # EPOCH record: seconds spent training (the test evaluation is tiny)
    gen.close()
    return rec.seconds


def reference_epoch(ds: Dataset, sizes) -> float:
    net = Network(sizes, seed=0)
    ws, bs = list(net.weights), list(net.biases)
    x = ds.train.x / 255.0
    y = ds.train.y.astype(np.float64)
    t = time.perf_counter()
    for k in range(0, len(ds.train), 10):
        batch = [(x[i, :, None], y[i, :, None]) for i in range(k, k + 10)]
        ws, bs = ref_update_mini_batch(ws, bs, batch, 3.0)
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
        f"numpy {np.__version__}; seconds per 50,000-example epoch, mini-batch 10, "
        f"median of {args.repeats}\n"
    )
    print(
        f"{'sizes':<14}{'per-example':>12}{'core f64':>10}{'core f32':>10}{'f64 x':>8}{'f32 x':>8}"
    )
    for sizes in ([784, 30, 10], [784, 100, 10]):
        ref = statistics.median(reference_epoch(ds, sizes) for _ in range(max(1, args.repeats - 1)))
        f64 = statistics.median(core_epoch(ds, sizes, np.float64) for _ in range(args.repeats))
        f32 = statistics.median(core_epoch(ds, sizes, np.float32) for _ in range(args.repeats))
        ref, f64, f32 = ref * scale, f64 * scale, f32 * scale
        print(
            f"{','.join(map(str, sizes)):<14}{ref:>12.2f}{f64:>10.3f}{f32:>10.3f}"
            f"{ref / f64:>8.1f}{ref / f32:>8.1f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
