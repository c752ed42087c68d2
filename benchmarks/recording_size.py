"""How big is a recording of the book's 30-epoch run? (Must stay under 50 MB.)

Trains [784, 30, 10] for 30 epochs (mini-batch 10, eta 3.0, float32) while a Recorder writes
every Progress record and its evenly spaced snapshots, then prints the file size, the
snapshot count, the time recording added and how long reading it back takes.

Uses real MNIST when it is found (``--data-dir``, $NNVIZ_MNIST_DIR, ../shared/data/mnist or the
user data folder); otherwise random data of MNIST's shape, which gives the same file size
because the size depends only on the layer sizes and the number of records.

    python benchmarks/recording_size.py [--epochs 30] [--per-epoch 20] [--float32] [--keep]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from nnviz.core.datasets.dataset import Dataset, Split, one_hot
from nnviz.core.datasets.mnist import find_mnist, load_mnist
from nnviz.core.errors import DataError
from nnviz.core.files.recording import Recorder, RecordingWriter, make_header, read_recording
from nnviz.core.learning.network import Network
from nnviz.core.learning.snapshot import CHUNK, Progress, Snapshot
from nnviz.core.learning.training import TrainConfig, TrainControl, train


def synthetic_mnist(seed: int = 0) -> Dataset:
    """Random 28x28 'images' with 50,000 / 10,000 / 10,000 examples, like MNIST's split."""
    rng = np.random.default_rng(seed)

    def split(n: int) -> Split:
        labels = rng.integers(0, 10, n)
        x = rng.integers(0, 256, (n, 784), dtype=np.uint8)
        return Split(x, one_hot(labels, 10), labels)

    return Dataset(
        "synthetic-mnist",
        split(50_000),
        split(10_000),
        split(10_000),
        scale=1 / 255,
        image_shape=(28, 28),
    )


def find_data(data_dir: str | None) -> Dataset:
    candidates = [data_dir] if data_dir else []
    candidates.append(str(Path(__file__).resolve().parents[2] / "shared" / "data" / "mnist"))
    candidates.append(None)  # $NNVIZ_MNIST_DIR or the user data folder
    for c in candidates:
        if find_mnist(c) is not None:
            try:
                return load_mnist(c)
            except DataError as exc:
                print(f"# MNIST at {c} unusable ({exc}); trying elsewhere", file=sys.stderr)
    print("# real MNIST not found: using random data of the same shape", file=sys.stderr)
    return synthetic_mnist()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--epochs", type=int, default=30)
    ap.add_argument("--per-epoch", type=int, default=20, help="snapshots kept per epoch")
    ap.add_argument("--float32", action="store_true", help="store weights as float32")
    ap.add_argument("--data-dir")
    ap.add_argument("--keep", help="also keep the recording at this path")
    args = ap.parse_args()

    ds = find_data(args.data_dir)
    net = Network([784, 30, 10], seed=0, dtype="float32")
    config = TrainConfig(epochs=args.epochs, batch_size=10, eta=3.0, seed=0)
    batches = -(-len(ds.train) // config.batch_size)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(args.keep) if args.keep else Path(tmp) / "run.nnrec"
        header = make_header(
            net.sizes,
            dataset=ds.name,
            eta=3.0,
            batch_size=10,
            epochs=args.epochs,
            seed=0,
            dtype="float32",
        )
        writer = RecordingWriter(path, header, "float32" if args.float32 else "float16")
        recorder = Recorder(writer, snapshots_per_epoch=args.per_epoch)
        control = TrainControl(3.0, chunk=recorder.chunk_for(batches))
        record_seconds = 0.0
        t0 = time.perf_counter()
        start = Progress(CHUNK, 0, 0, batches, 0, float("nan"), 3.0, 0.0)
        recorder.add(start, Snapshot.capture(net, start))  # the untrained network
        for p in train(net, ds, config, control):
            r0 = time.perf_counter()
            recorder.add(p, Snapshot.capture(net, p) if recorder.wants_snapshot(p) else None)
            record_seconds += time.perf_counter() - r0
            if p.test_correct is not None:
                print(f"{p.transcript_line()}", file=sys.stderr, flush=True)
        r0 = time.perf_counter()
        recorder.close()
        record_seconds += time.perf_counter() - r0
        total = time.perf_counter() - t0
        size = path.stat().st_size
        r0 = time.perf_counter()
        rec = read_recording(path)
        read_seconds = time.perf_counter() - r0
        r0 = time.perf_counter()
        for snap in rec.frames:  # decoding every frame, as a full replay would
            snap.weights[0].sum()
        decode_seconds = time.perf_counter() - r0
    print(f"data set            {ds.name}")
    print(f"epochs              {args.epochs}")
    print(f"weights stored as   {'float32' if args.float32 else 'float16'}")
    print(f"records             {len(rec.progress_records)}")
    print(f"snapshots           {len(rec.frames)}")
    print(f"file size           {size / 1e6:.1f} MB ({size:,} bytes)")
    print(f"under 50 MB         {'yes' if size < 50e6 else 'NO'}")
    print(
        f"recording time      {record_seconds:.2f} s of {total:.1f} s "
        f"({100 * record_seconds / total:.1f}%)"
    )
    print(f"read back           {read_seconds:.2f} s, decode all frames {decode_seconds:.2f} s")
    return 0 if size < 50e6 else 1


if __name__ == "__main__":
    raise SystemExit(main())
