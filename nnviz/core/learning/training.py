"""Mini-batch stochastic gradient descent as a generator of progress records.

``train()`` never prints and never sleeps. A caller drives it with ``next()``: each call runs
mini-batches until the next record. Pausing is simply not calling ``next()``; cancelling is
closing the generator (or dropping it). Between mini-batches it re-reads ``control.eta`` and
``control.chunk``, so a GUI can change the learning rate or single-step while it runs.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from nnviz.core.datasets.dataset import Dataset, Split
from nnviz.core.learning.network import Network
from nnviz.core.learning.snapshot import CHUNK, DIVERGED, DONE, EPOCH, Progress


@dataclass
class TrainConfig:
    epochs: int = 30
    batch_size: int = 10
    eta: float = 3.0
    seed: int | None = None
    train_limit: int | None = None  # use only the first N training examples
    evaluate_validation: bool = True

    def validate(self) -> None:
        """Raise ValueError with a clear message for a setting that cannot train."""
        if not (isinstance(self.epochs, int | np.integer) and self.epochs >= 1):
            raise ValueError(f"epochs must be a whole number of at least 1, got {self.epochs}")
        if not (isinstance(self.batch_size, int | np.integer) and self.batch_size >= 1):
            raise ValueError(f"mini-batch size must be at least 1, got {self.batch_size}")
        check_eta(self.eta)
        if self.train_limit is not None and self.train_limit < 1:
            raise ValueError(f"train limit must be at least 1, got {self.train_limit}")


def check_eta(eta: float) -> float:
    eta = float(eta)
    if not np.isfinite(eta) or eta <= 0:
        raise ValueError(f"learning rate eta must be a positive number, got {eta:g}")
    return eta


class TrainControl:
    """Knobs a driver may change while training runs (plain attributes: reads are atomic).

    ``eta``: learning rate for the next mini-batch. ``chunk``: mini-batches per CHUNK record.
    """

    def __init__(self, eta: float, chunk: int = 100) -> None:
        self.eta = check_eta(eta)
        self.chunk = max(1, int(chunk))


def check_compatible(network: Network, dataset: Dataset) -> None:
    if network.sizes[0] != dataset.n_inputs:
        raise ValueError(
            f"the network's first layer has {network.sizes[0]} neurons but {dataset.name} "
            f"has {dataset.n_inputs} inputs per example; use sizes starting with {dataset.n_inputs}"
        )
    if network.sizes[-1] != dataset.n_outputs:
        raise ValueError(
            f"the network's last layer has {network.sizes[-1]} neurons but {dataset.name} "
            f"has {dataset.n_outputs} outputs; use sizes ending with {dataset.n_outputs}"
        )


def evaluate_split(network: Network, dataset: Dataset, split: Split) -> int:
    """Number of examples the network gets right (argmax for classes, all outputs for tables)."""
    if split.labels is not None:
        return int(np.sum(predict_rows(network, split.x, dataset.scale) == split.labels))
    out = network.feedforward(dataset.inputs(split, network.dtype))
    return int(np.sum(np.all((out > 0.5) == (split.y.T > 0), axis=0)))


def predict_rows(network: Network, x: np.ndarray, scale: float, chunk: int = 2000) -> np.ndarray:
    """Predicted class of each row of a compact (n, n_in) array, in chunks to bound memory."""
    out = np.empty(x.shape[0], dtype=np.int64)
    dt = network.dtype
    for s in range(0, x.shape[0], chunk):
        part = x[s : s + chunk].astype(dt).T
        part *= dt.type(scale)
        out[s : s + chunk] = np.argmax(network.feedforward(part), axis=0)
    return out


def _training_buffer(network: Network, dataset: Dataset, split: Split) -> np.ndarray:
    """Rows ``[x * scale | 1 | y]`` in the network's dtype; mini-batches are gathered from it."""
    n, n_in, n_out = len(split), dataset.n_inputs, dataset.n_outputs
    buf = np.empty((n, n_in + 1 + n_out), dtype=network.dtype)
    for s in range(0, n, 5000):  # convert in slices: no full-size float temporary
        part = buf[s : s + 5000]
        part[:, :n_in] = split.x[s : s + 5000]
        part[:, :n_in] *= network.dtype.type(dataset.scale)
        part[:, n_in + 1 :] = split.y[s : s + 5000]
    buf[:, n_in] = 1
    return buf


def train(
    network: Network,
    dataset: Dataset,
    config: TrainConfig,
    control: TrainControl | None = None,
    start_epoch: int = 0,
) -> Iterator[Progress]:
    """Train ``network`` in place on ``dataset.train``, yielding ``Progress`` records.

    Yields a CHUNK record every ``control.chunk`` mini-batches, an EPOCH record with test and
    validation accuracy after every epoch, and finally DONE, or DIVERGED (then stops) if the
    parameters stop being finite. Deterministic for a given ``config.seed``.
    """
    config.validate()
    check_compatible(network, dataset)
    control = control or TrainControl(config.eta)
    split = dataset.train if config.train_limit is None else dataset.train.head(config.train_limit)
    n = len(split)
    m = config.batch_size
    n_in = dataset.n_inputs
    batches = (n + m - 1) // m
    rng = np.random.default_rng(None if config.seed is None else [config.seed, 7])

    buf = _training_buffer(network, dataset, split)
    seen = 0
    busy = 0.0  # seconds spent inside this generator
    for epoch in range(start_epoch, start_epoch + config.epochs):
        t0 = time.perf_counter()
        # Shuffle an index, not the rows: moving 50,000 rows in place holds the GIL for a
        # third of a second, which would freeze the window at every epoch boundary.
        order = rng.permutation(n)
        sq_err = 0.0
        k = 0
        while k < batches:
            chunk_err, chunk_n = 0.0, 0
            # Overflow in a diverging run is reported as a DIVERGED record, not as warnings.
            with np.errstate(over="ignore", invalid="ignore"):
                stop = min(batches, k + control.chunk)
                while k < stop:
                    rows = buf.take(order[k * m : (k + 1) * m], axis=0)
                    eta = control.eta
                    e = network.step(rows[:, : n_in + 1], rows[:, n_in + 1 :], eta, True)
                    sq_err += e
                    chunk_err += e
                    chunk_n += rows.shape[0]
                    k += 1
            seen += chunk_n
            if k < batches:
                busy += time.perf_counter() - t0
                record = Progress(
                    CHUNK,
                    epoch,
                    k,
                    batches,
                    seen,
                    sq_err / (2 * min(k * m, n)),
                    eta,
                    busy,
                    batch_cost=chunk_err / (2 * chunk_n),
                )
                if not np.isfinite(sq_err) or not network.params_finite():
                    yield _diverged(record)
                    return
                yield record
                t0 = time.perf_counter()
        if not np.isfinite(sq_err) or not network.params_finite():
            busy += time.perf_counter() - t0
            yield _diverged(Progress(CHUNK, epoch, batches, batches, seen, sq_err, eta, busy))
            return
        test_correct = evaluate_split(network, dataset, dataset.test)
        val = dataset.validation if config.evaluate_validation else None
        val_correct = evaluate_split(network, dataset, val) if val is not None else None
        busy += time.perf_counter() - t0
        yield Progress(
            EPOCH,
            epoch,
            batches,
            batches,
            seen,
            sq_err / (2 * n),
            control.eta,
            busy,
            test_correct=test_correct,
            test_total=len(dataset.test),
            validation_correct=val_correct,
            validation_total=None if val is None else len(val),
            batch_cost=chunk_err / (2 * chunk_n) if chunk_n else float("nan"),
        )
    last = start_epoch + config.epochs - 1
    yield Progress(DONE, last, batches, batches, seen, float("nan"), control.eta, busy)


def _diverged(p: Progress) -> Progress:
    return Progress(
        DIVERGED,
        p.epoch,
        p.batch,
        p.batches_per_epoch,
        p.examples_seen,
        float("nan"),
        p.eta,
        p.seconds,
        message=(
            f"training diverged at eta = {p.eta:g}: the weights stopped being finite numbers. "
            "Reset the network and use a smaller learning rate."
        ),
    )
