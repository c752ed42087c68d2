"""Mini-batch stochastic gradient descent as a generator of progress records.

``train()`` never prints and never sleeps. A caller drives it with ``next()``: each call runs
mini-batches until the next record. Pausing is simply not calling ``next()``; cancelling is
closing the generator (or dropping it). Between records it re-reads ``control.eta`` and
``control.chunk``, so a GUI can change the learning rate or single-step while it runs.

Two engines do the same SGD: the numpy step (``Network.step``, per mini-batch) and, where
numba is installed, a compiled loop that runs a whole chunk of mini-batches in one call and
visits only the nonzero inputs (``nnviz.core.learning.compiled``; about twice as fast on
MNIST). Both equal the book's per-example algorithm to rounding; they add in different
orders, so a seeded run's epoch lines differ between them (``TrainConfig.engine``).
"""

from __future__ import annotations

import functools
import time
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from nnviz.core.datasets.dataset import Dataset, Split
from nnviz.core.learning.network import Network, blas_gemm, sigmoid_ufunc
from nnviz.core.learning.snapshot import CHUNK, DIVERGED, DONE, EPOCH, Progress


@dataclass
class TrainConfig:
    epochs: int = 30
    batch_size: int = 10
    eta: float = 3.0
    seed: int | None = None
    train_limit: int | None = None  # use only the first N training examples
    evaluate_validation: bool = True
    # "auto": the compiled SGD (nnviz.core.learning.compiled) where numba is installed and the
    # run is big enough to gain; "numpy": always the numpy step, whose results are the same,
    # bit for bit, as nnviz's before the compiled path (the two differ in rounding only).
    engine: str = "auto"

    def validate(self) -> None:
        """Raise ValueError with a clear message for a setting that cannot train."""
        if not (isinstance(self.epochs, int | np.integer) and self.epochs >= 1):
            raise ValueError(f"epochs must be a whole number of at least 1, got {self.epochs}")
        if not (isinstance(self.batch_size, int | np.integer) and self.batch_size >= 1):
            raise ValueError(f"mini-batch size must be at least 1, got {self.batch_size}")
        check_eta(self.eta)
        if self.train_limit is not None and self.train_limit < 1:
            raise ValueError(f"train limit must be at least 1, got {self.train_limit}")
        if self.engine not in ENGINES:
            raise ValueError(f"engine must be one of {', '.join(ENGINES)}, got {self.engine!r}")


ENGINES = ("auto", "numpy", "compiled")


@functools.cache
def compiled_module():
    """nnviz.core.learning.compiled if numba imports, else None (imported on first use: numba
    costs a third of a second, which the window's start should not pay)."""
    try:
        from nnviz.core.learning import compiled
    except ImportError:  # pragma: no cover - numba broken rather than absent
        return None
    return compiled if compiled.available() else None


def training_split(dataset: Dataset, config: TrainConfig) -> Split:
    limit = config.train_limit
    return dataset.train if limit is None else dataset.train.head(limit)


# Below this many input values in the training set (examples x inputs) a run is over in a
# moment either way, and numpy spares it numba's import (a third of a second, 100 MB).
MIN_COMPILED_INPUTS = 200_000
# Above this many weights after the first layer, the compiled loops' scalar sums lose to
# BLAS: the book's networks have 341 ([784, 30, 10]) and 1,111 ([784, 100, 10]).
MAX_COMPILED_LATER_WEIGHTS = 200_000


def uses_compiled(network: Network, split: Split, engine: str = "auto") -> bool:
    """Whether ``train()`` runs the compiled SGD for this network and training split."""
    if engine == "numpy":
        return False
    if engine == "compiled":
        if compiled_module() is None:
            raise ValueError("the compiled engine needs numba: pip install numba")
        return True
    x, sizes = split.x, network.sizes
    if x.dtype != np.uint8 or x.ndim != 2 or x.size < MIN_COMPILED_INPUTS or x.shape[1] > 65_535:
        return False
    later = sum((a + 1) * (b + 1) for a, b in zip(sizes[1:-1], sizes[2:]))
    # Checked last: the import is what the cheap tests above spare small runs.
    return later <= MAX_COMPILED_LATER_WEIGHTS and compiled_module() is not None


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


def predict_rows(network: Network, x: np.ndarray, scale: float, chunk: int = 500) -> np.ndarray:
    """Predicted class of each row of a compact (n, n_in) array.

    Works example-major in blocks of ``chunk`` rows (small enough to stay in cache), each
    converted and scaled by one ufunc call into a reused buffer: a whole test set costs a few
    dozen large matrix products and no full-size float copy.
    """
    n = x.shape[0]
    out = np.empty(n, dtype=np.int64)
    dt = network.dtype
    expit = sigmoid_ufunc()
    buf = np.empty((max(1, min(chunk, n)), x.shape[1]), dtype=dt)
    layers = [(w.T, b.T) for w, b in zip(network.weights, network.biases)]
    for s in range(0, n, chunk):
        part = buf[: min(chunk, n - s)]
        np.multiply(x[s : s + chunk], dt.type(scale), out=part, dtype=dt)
        a = part
        for wT, bT in layers:
            a = a @ wT
            a += bT
            expit(a, out=a)
        out[s : s + chunk] = np.argmax(a, axis=1)
    return out


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
    fast = uses_compiled(network, training_split(dataset, config), config.engine)
    steps = _steps(network, dataset, config, control, start_epoch, fast)
    return _one_blas_thread(steps) if single_threaded(config) else steps


# Up to this mini-batch size the products are small enough that a second BLAS thread only
# adds hand-over cost (measured on 2 cores: [784, 100, 10] at m = 10 ran 1.6x faster on one
# thread). One thread also leaves the other core to the window.
SMALL_BATCH = 32


def single_threaded(config: TrainConfig) -> bool:
    """True when ``train`` runs on one thread: BLAS is held to one up to SMALL_BATCH (and the
    compiled step uses one)."""
    return config.batch_size <= SMALL_BATCH


def _one_blas_thread(records: Iterator[Progress]) -> Iterator[Progress]:
    """Run ``records`` with BLAS limited to one thread, restoring it around every yield."""
    controller = _blas_controller()
    try:
        while True:
            with controller.limit(limits=1, user_api="blas"):
                try:
                    record = next(records)
                except StopIteration:
                    return
            yield record
    finally:
        records.close()


def prepare_kernels(
    dtype, network: Network | None = None, split: Split | None = None, engine: str = "auto"
) -> None:
    """Import and set up what the step uses (scipy's sigmoid and BLAS, the thread limit, and
    the compiled SGD if this run uses it): about half a second, which a training process can
    spend before its first step."""
    sigmoid_ufunc()
    blas_gemm(np.dtype(dtype))
    _blas_controller()
    if network is not None and split is not None and uses_compiled(network, split, engine):
        compiled_module().prepare(network)


@functools.cache
def _blas_controller():
    """threadpoolctl's view of every BLAS loaded (after scipy's, which the step uses)."""
    from threadpoolctl import ThreadpoolController

    blas_gemm(np.dtype(np.float64))  # load scipy.linalg's BLAS first so that it is controlled
    return ThreadpoolController()


def _steps(
    network: Network,
    dataset: Dataset,
    config: TrainConfig,
    control: TrainControl | None,
    start_epoch: int,
    use_compiled: bool = False,
) -> Iterator[Progress]:
    control = control or TrainControl(config.eta)
    split = training_split(dataset, config)
    n = len(split)
    m = config.batch_size
    n_in = dataset.n_inputs
    batches = (n + m - 1) // m
    rng = np.random.default_rng(None if config.seed is None else [config.seed, 7])

    # Mini-batches are gathered about 500 rows at a time, straight from the compact (often
    # uint8) examples: one take() and one converting multiply per block into buffers reused
    # for the whole run, instead of one gather per step from a float copy of the whole
    # training set (which would cost 157 MB at float32 and 314 MB at float64 for MNIST).
    gather = max(1, 512 // m)
    rows = min(n, gather * m)
    dt = network.dtype
    scale = dt.type(dataset.scale)
    y_all = np.ascontiguousarray(split.y, dtype=dt)
    # Where numba is installed, a whole chunk of mini-batches runs as one compiled call that
    # visits only the nonzero inputs (nnviz.core.learning.compiled); else the numpy step.
    fast = None
    if use_compiled:
        fast = compiled_module().Stepper(network, split.x, y_all, dataset.scale, m)
        rows = 0
    raw = np.empty((rows, n_in), dtype=split.x.dtype)
    block_x = np.ones((rows, n_in + 1), dtype=dt)  # the last column stays 1 (the bias input)
    block_y = np.empty((rows, y_all.shape[1]), dtype=dt)
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
                if fast is not None:
                    eta = control.eta
                    lo, hi = k * m, min(n, stop * m)
                    chunk_err = fast.run(order, lo, hi, eta)
                    sq_err += chunk_err
                    chunk_n, k = hi - lo, stop
                while k < stop:
                    end = min(stop, k + gather)
                    idx = order[k * m : end * m]
                    r = len(idx)
                    # mode="clip": with out=, the default "raise" copies through a buffer.
                    np.take(split.x, idx, axis=0, out=raw[:r], mode="clip")
                    np.multiply(raw[:r], scale, out=block_x[:r, :n_in], dtype=dt)
                    by = np.take(y_all, idx, axis=0, out=block_y[:r], mode="clip")
                    bx = block_x[:r]
                    for s in range(0, len(idx), m):
                        eta = control.eta
                        e = network.step(bx[s : s + m], by[s : s + m], eta, True)
                        sq_err += e
                        chunk_err += e
                    chunk_n += len(idx)
                    k = end
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
