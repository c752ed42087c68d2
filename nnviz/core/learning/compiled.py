"""Mini-batch SGD as compiled loops (numba), the training loop's fast path where numba installs.

Why compiled, and why sparse: at a mini-batch of 10 the numpy step spends about half its time
in the first layer's two products (w x and delta x^T, 785 x 31 x 10 each at [784, 30, 10])
and most of the rest in the overhead of some twenty numpy calls. An MNIST image has about 150
inked pixels of 784, and a pixel of 0 adds nothing to ``w x`` and gets no gradient. So the
first layer here visits only the nonzero pixels (a compressed row index of the training set,
built once per run), and the whole chunk of mini-batches runs in one call with no Python in
between. Arithmetic is IEEE (no fastmath): the result equals the book's per-example SGD to
rounding (tested to 1e-12 in float64), though sums run in a different order than BLAS's.

Layout: ``wts[l]`` is ``wb.T`` for layer l, the transposed augmented matrix ``[w | b]`` of
:mod:`nnviz.core.learning.network`, shape (n_l + 1, n_{l+1} [+ 1]), C-contiguous (the
network stores ``wb`` Fortran-ordered for this): row k holds every weight leaving input k,
and the last row the biases. Hidden layers carry the network's constant unit (its sigmoid is
exactly 1), so a hidden layer's activations end in a 1 that multiplies the next biases.

numba is optional: without it (or where it has no wheel) :func:`available` is False and
training uses the numpy step. Compiled code is cached on disk (``cache=True``), so only a
machine's first run pays for compiling.
"""

from __future__ import annotations

import math

import numpy as np

try:  # numba has no wheel for some platforms (Python 3.14 on Intel macOS): numpy works then
    import numba
except ImportError:  # pragma: no cover - depends on the platform
    numba = None


def available() -> bool:
    return numba is not None


def prepare(network) -> None:
    """Compile (or load from the disk cache) the kernel for this network's dtype and depth,
    on a tiny network of the same shape: a training process can do it before its first step."""
    from nnviz.core.learning.network import Network

    tiny = Network([2] * network.num_layers, seed=0, dtype=network.dtype)
    x = np.ones((1, 2), dtype=np.uint8)
    Stepper(tiny, x, np.ones((1, 2)), 1.0, 1).run(np.zeros(1, np.int64), 0, 0, 1.0)


def _jit(fn):
    if numba is None:  # pragma: no cover
        return fn
    # "contract" lets a * b + c be one fused multiply-add: IEEE otherwise (no reordering).
    return numba.njit(cache=True, nogil=True, error_model="numpy", fastmath={"contract"})(fn)


@_jit
def _count_rows(x, ptr):
    n, d = x.shape
    ptr[0] = 0
    for i in range(n):
        c = 0
        for k in range(d):
            if x[i, k] != 0:
                c += 1
        ptr[i + 1] = ptr[i] + c


@_jit
def _fill_rows(x, ptr, idx, val):
    n, d = x.shape
    for i in range(n):
        p = ptr[i]
        for k in range(d):
            v = x[i, k]
            if v != 0:
                idx[p] = k
                val[p] = v
                p += 1


class SparseRows:
    """The nonzero entries of a uint8 (n, d) array, row by row (compressed sparse rows).

    ``ptr`` (n + 1,) int64 offsets; ``idx`` (nnz,) uint16 column numbers (d <= 65,535);
    ``val`` (nnz,) uint8 values. MNIST's 50,000 training images take about 22 MB.
    """

    def __init__(self, x: np.ndarray) -> None:
        if x.dtype != np.uint8 or x.ndim != 2 or x.shape[1] > 65_535:
            raise ValueError("SparseRows needs a 2-d uint8 array of at most 65,535 columns")
        x = np.ascontiguousarray(x)
        self.shape = x.shape
        self.ptr = np.empty(x.shape[0] + 1, dtype=np.int64)
        _count_rows(x, self.ptr)
        nnz = int(self.ptr[-1])
        self.idx = np.empty(nnz, dtype=np.uint16)
        self.val = np.empty(nnz, dtype=np.uint8)
        _fill_rows(x, self.ptr, self.idx, self.val)


@_jit
def _sigmoid_rows(z, rows, cols, one):
    for i in range(rows):
        for j in range(cols):
            z[i, j] = one / (one + math.exp(-z[i, j]))


@_jit
def sgd_chunk(wts, width0, acts, deltas, ptr, idx, val, scale, y, order, start, stop, m, eta, tmp):
    """Run the mini-batches of ``order[start:stop]`` (``m`` examples each, the last may be
    shorter) and return their summed squared error ``sum ||a - y||^2``.

    ``wts``: tuple of the layers' ``wb.T`` (updated in place); the first layer's columns
    beyond ``width0`` and the second layer's rows beyond it are zero padding (whose
    activations stay 0, so nothing flows through them). ``acts[l]`` and ``deltas[l]``: (m,
    columns of ``wts[l]``) work buffers. ``ptr, idx, val``: SparseRows of the
    compact inputs, whose network input is ``val * scale``. ``y``: (n, n_L) desired outputs
    in the network's dtype. Each step is ``w -> w - eta/m' sum nabla_w`` with m' the batch's
    own size, as in the book. ``tmp``: a 2-element array of the network's dtype, so that
    scalars stay in that dtype (numba would widen float32 arithmetic with Python floats).
    """
    n_layers = len(wts)
    sq_err = 0.0
    b0 = start
    while b0 < stop:
        b1 = min(stop, b0 + m)
        mb = b1 - b0
        tmp[0] = -eta / mb
        alpha = tmp[0]
        tmp[1] = 1.0
        one = tmp[1]
        # Layer 1: the biases, then a weighted row of wb.T for each inked pixel.
        w0 = wts[0]
        a = acts[0]
        bias = w0.shape[0] - 1
        width = w0.shape[1]
        for i in range(mb):
            r = order[b0 + i]
            for j in range(width):
                a[i, j] = w0[bias, j]
            for p in range(ptr[r], ptr[r + 1]):
                k = idx[p]
                v = val[p] * scale
                for j in range(width):
                    a[i, j] += v * w0[k, j]
        _sigmoid_rows(a, mb, width0, one)  # padding columns stay 0
        # Later layers, dense: the previous activations end in the constant unit's 1.
        for l in range(1, n_layers):
            w = wts[l]
            prev = acts[l - 1]
            a = acts[l]
            width = w.shape[1]
            for i in range(mb):
                for j in range(width):
                    a[i, j] = 0
                for k in range(w.shape[0]):
                    v = prev[i, k]
                    for j in range(width):
                        a[i, j] += v * w[k, j]
            _sigmoid_rows(a, mb, width, one)
        # Output error (BP1), with sigma'(z) = a (1 - a).
        a = acts[n_layers - 1]
        d = deltas[n_layers - 1]
        for i in range(mb):
            r = order[b0 + i]
            for j in range(a.shape[1]):
                e = a[i, j] - y[r, j]
                sq_err += e * e
                d[i, j] = e * a[i, j] * (one - a[i, j])
        # (BP2) with the weights before this step, then (BP3)+(BP4) for [w | b] in place.
        for l in range(n_layers - 1, 0, -1):
            w = wts[l]
            d = deltas[l]
            prev = acts[l - 1]
            pd = deltas[l - 1]
            for i in range(mb):
                for k in range(w.shape[0]):
                    s = d[i, 0] * w[k, 0]
                    for j in range(1, w.shape[1]):
                        s += d[i, j] * w[k, j]
                    ak = prev[i, k]
                    pd[i, k] = s * ak * (one - ak)
            for i in range(mb):
                for k in range(w.shape[0]):
                    c = alpha * prev[i, k]
                    for j in range(w.shape[1]):
                        w[k, j] += c * d[i, j]
        w0 = wts[0]
        d = deltas[0]
        bias = w0.shape[0] - 1
        for i in range(mb):
            r = order[b0 + i]
            for j in range(w0.shape[1]):
                w0[bias, j] += alpha * d[i, j]
            for p in range(ptr[r], ptr[r + 1]):
                k = idx[p]
                c = alpha * (val[p] * scale)
                for j in range(w0.shape[1]):
                    w0[k, j] += c * d[i, j]
        b0 = b1
    return sq_err


class Stepper:
    """One run's compiled SGD: the sparse inputs, the weights as the kernel wants them, buffers.

    The kernel works on copies of the network's ``wb.T`` (one row per input), the first
    layer's width rounded up to a multiple of 8 so that its loops run in whole SIMD vectors.
    :meth:`run` copies the network's parameters in before a chunk and back after it, so the
    network is current at every record and a hand edit between records is picked up (copying
    [784, 30, 10] takes microseconds; a chunk of 50 mini-batches, about two milliseconds).
    """

    def __init__(self, network, x: np.ndarray, y: np.ndarray, scale: float, m: int) -> None:
        dt = network.dtype
        self.net = network
        self.rows = SparseRows(x)  # about 0.1 s for MNIST, once per run
        wbs = network._wb
        self.width0 = wbs[0].shape[0]
        padded = -(-self.width0 // 8) * 8 if len(wbs) > 1 else self.width0
        shapes = [(wb.shape[1], wb.shape[0]) for wb in wbs]
        shapes[0] = (shapes[0][0], padded)
        if len(wbs) > 1:
            shapes[1] = (padded, shapes[1][1])
        self.wts = tuple(np.zeros(shape, dtype=dt) for shape in shapes)
        self.acts = tuple(np.zeros((m, w.shape[1]), dtype=dt) for w in self.wts)
        self.deltas = tuple(np.zeros_like(a) for a in self.acts)
        self.y = np.ascontiguousarray(y, dtype=dt)
        self.scale = dt.type(scale)
        self.m = m
        self.tmp = np.zeros(2, dtype=dt)

    def _views(self):
        """(kernel array view, network wb.T) pairs covering the real parameters."""
        for w, wb in zip(self.wts, self.net._wb):
            rows, cols = wb.shape[1], wb.shape[0]
            yield w[:rows, :cols], wb.T

    def run(self, order: np.ndarray, start: int, stop: int, eta: float) -> float:
        """SGD over ``order[start:stop]``; returns the summed squared error."""
        for mine, theirs in self._views():
            mine[...] = theirs
        r = self.rows
        err = sgd_chunk(
            self.wts, self.width0, self.acts, self.deltas, r.ptr, r.idx, r.val, self.scale,
            self.y, order, start, stop, self.m, self.tmp.dtype.type(eta), self.tmp,
        )  # fmt: skip
        for mine, theirs in self._views():
            theirs[...] = mine
        return err
