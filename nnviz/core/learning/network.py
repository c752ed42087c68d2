"""A feedforward network of sigmoid neurons trained by mini-batch SGD (Nielsen, chapter 1).

Notation follows the book: ``sizes = [n_0, ..., n_L]``; ``weights[l]`` has shape
``(n_{l+1}, n_l)`` and ``biases[l]`` shape ``(n_{l+1}, 1)`` for ``l = 0 .. L-1`` (the book's
``w^{l+2}`` in its 1-based layer numbering); ``weights[l][j, k]`` joins neuron ``k`` of one
layer to neuron ``j`` of the next.

Speed: at a mini-batch of 10 the cost of SGD is the number of numpy calls per step (and
whether they run on contiguous memory), not the arithmetic. So each layer's weights and bias
live in one "augmented" matrix ``[w | b]`` and every activation carries a trailing 1; then
one matmul computes ``w a + b`` and one more gives the whole gradient of ``[w | b]``.
``weights[l]`` and ``biases[l]`` are views into it. The trailing 1 of a hidden layer comes
from an extra constant unit: a last row of ``[w | b]`` that is zero except for a bias of
``CONSTANT_Z``, whose sigmoid is exactly 1.0 in float32 and float64. Its slope a (1 - a) is
then exactly 0, so backpropagation never changes that row, and every buffer of the step stays
contiguous. Inside the step activations are columns, as in the book.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

import numpy as np

from nnviz.core.learning.neuron import sigmoid

DTYPES = {"float32": np.float32, "float64": np.float64}
CONSTANT_Z = 40.0  # sigma(40) == 1.0 exactly in float32 and float64 (tanh(20) rounds to 1)
# Far above the book's networks ([784, 100, 10] has 79,510 parameters), and small enough that
# a typo like 2,1000000000000,1 is refused instead of exhausting memory (80 MB at float64).
MAX_PARAMETERS = 10_000_000
MAX_LAYERS = 64


@functools.cache
def sigmoid_ufunc():
    """The logistic function as one ufunc (scipy's expit: no overflow, in place with out=).

    Imported on first use, as is scipy.linalg below: together they take about half a second
    to import, which the window's start should not pay for.
    """
    from scipy.special import expit

    return expit


@functools.cache
def blas_gemm(dtype: np.dtype):
    """BLAS gemm for ``dtype``, checked once to write into a Fortran-ordered C in place.

    scipy brings its own BLAS library; it is set to one thread when first loaded. The step
    alternates numpy's products with scipy's gemm dozens of times per millisecond, and two
    BLAS libraries that each keep a second thread spinning fight over two cores (measured:
    40 times slower). (If a scipy build ever copied C instead of writing into it, every
    update would be lost: a numpy version that updates in place is used then.)
    """
    from threadpoolctl import ThreadpoolController

    before = {lib.filepath for lib in ThreadpoolController().lib_controllers}
    from scipy.linalg import blas

    for lib in ThreadpoolController().lib_controllers:
        if lib.filepath not in before and lib.user_api == "blas":
            lib.set_num_threads(1)
    gemm = blas.dgemm if dtype == np.float64 else blas.sgemm
    c = np.zeros((2, 3), dtype=dtype)
    a = np.ones((4, 3), dtype=dtype)
    b = np.ones((4, 2), dtype=dtype)
    out = gemm(1.0, a.T, b.T, 1.0, c.T, trans_b=True, overwrite_c=True)
    if not (np.shares_memory(out, c) and np.all(c == 4)):
        gemm = _numpy_gemm
    return gemm


def _numpy_gemm(alpha, a, b, beta, c, trans_b=False, overwrite_c=True):
    """``c = alpha * a @ op(b) + beta * c`` in place, for the rare scipy build that copies."""
    prod = a @ (b.T if trans_b else b)
    c *= beta
    c += alpha * prod
    return c


def parse_sizes(text: str | Sequence[int]) -> list[int]:
    """Turn "784,30,10" (or a sequence) into layer sizes; raise ValueError with a clear reason."""
    if isinstance(text, str):
        parts = [p.strip() for p in text.split(",")]
        if any(p == "" for p in parts):
            raise ValueError(f"layer sizes {text!r} have an empty entry; write them like 784,30,10")
        try:
            sizes = [int(p) for p in parts]
        except ValueError:
            raise ValueError(
                f"layer sizes {text!r} must be whole numbers separated by commas, like 784,30,10"
            ) from None
    else:
        sizes = [int(s) for s in text]
    if len(sizes) < 2:
        raise ValueError(
            f"a network needs at least an input and an output layer, got {len(sizes)} layer(s)"
        )
    if any(s < 1 for s in sizes):
        raise ValueError(f"every layer needs at least one neuron, got sizes {sizes}")
    check_size_limits(sizes)
    return sizes


def check_size_limits(sizes: Sequence[int]) -> None:
    """ValueError unless a network of these sizes fits nnviz's limits (layers, parameters)."""
    if len(sizes) > MAX_LAYERS:
        raise ValueError(
            f"a network of {len(sizes)} layers is more than nnviz draws ({MAX_LAYERS})"
        )
    count = sum(int(a) * int(b) + int(b) for a, b in zip(sizes[:-1], sizes[1:]))
    if count > MAX_PARAMETERS:
        raise ValueError(
            f"sizes {list(sizes)[:8]} make {count:,} weights and biases, more than nnviz's limit "
            f"of {MAX_PARAMETERS:,}; use smaller layers"
        )


class Network:
    """Sigmoid network with quadratic cost.

    ``Network([784, 30, 10], seed=0)`` draws every weight and bias from N(0, 1) as the book
    does. ``dtype`` is float64 (exact comparisons with the reference) or float32 (faster).
    """

    def __init__(
        self,
        sizes: Sequence[int],
        seed: int | None = None,
        dtype: np.dtype | type | str = np.float64,
    ) -> None:
        self.sizes = parse_sizes(sizes)
        self.dtype = np.dtype(dtype)
        if self.dtype not in (np.dtype(np.float32), np.dtype(np.float64)):
            raise ValueError(f"dtype must be float32 or float64, got {self.dtype}")
        self.seed = seed
        rng = np.random.default_rng(seed)
        # Biases first, then weights, layer by layer: a fixed draw order keeps seeds stable.
        biases = [rng.standard_normal((n, 1)) for n in self.sizes[1:]]
        weights = [rng.standard_normal((n, m)) for m, n in zip(self.sizes[:-1], self.sizes[1:])]
        self._set_params(weights, biases)
        self._buffers: dict[int, tuple] = {}

    # -- parameters -----------------------------------------------------------------------
    def _set_params(self, weights: Sequence[np.ndarray], biases: Sequence[np.ndarray]) -> None:
        self._wb = []
        last = len(weights) - 1
        for l, (w, b) in enumerate(zip(weights, biases)):
            n_out, n_in = np.shape(w)
            hidden = l < last  # hidden layers get the constant unit as an extra row
            wb = np.zeros((n_out + hidden, n_in + 1), dtype=self.dtype)
            wb[:n_out, :-1] = w
            wb[:n_out, -1:] = b
            if hidden:
                wb[n_out, -1] = CONSTANT_Z
            self._wb.append(wb)
        # views, shapes (n_{l+1}, n_l) and (n_{l+1}, 1)
        self.weights = [wb[:n, :-1] for wb, n in zip(self._wb, self.sizes[1:])]
        self.biases = [wb[:n, -1:] for wb, n in zip(self._wb, self.sizes[1:])]

    @classmethod
    def from_params(
        cls,
        weights: Sequence[np.ndarray],
        biases: Sequence[np.ndarray],
        dtype: np.dtype | type | str | None = None,
    ) -> Network:
        """Build a network from given weights and biases (shapes checked)."""
        if len(weights) != len(biases) or not weights:
            raise ValueError("need one weight matrix and one bias vector per layer")
        if any(np.ndim(w) != 2 for w in weights):
            raise ValueError("every weight matrix must be 2-d")
        sizes = [int(np.shape(weights[0])[1])] + [int(np.shape(w)[0]) for w in weights]
        if min(sizes) < 1:
            raise ValueError(f"every layer needs at least one neuron, got sizes {sizes}")
        check_size_limits(sizes)
        for a in (*weights, *biases):
            if np.iscomplexobj(a) or not np.issubdtype(np.asarray(a).dtype, np.number):
                raise ValueError("weights and biases must be real numbers")
        for l, (w, b) in enumerate(zip(weights, biases)):
            if np.shape(w) != (sizes[l + 1], sizes[l]):
                raise ValueError(
                    f"weights[{l}] has shape {np.shape(w)}, expected {(sizes[l + 1], sizes[l])}"
                )
            if np.shape(b) != (sizes[l + 1], 1):
                raise ValueError(
                    f"biases[{l}] has shape {np.shape(b)}, expected {(sizes[l + 1], 1)}"
                )
        net = cls.__new__(cls)
        net.sizes = sizes
        net.dtype = np.dtype(dtype if dtype is not None else np.result_type(weights[0], np.float32))
        net.seed = None
        net._set_params(weights, biases)
        net._buffers = {}
        return net

    def __getstate__(self) -> dict:
        # weights/biases are views into _wb; pickling would turn them into copies that
        # training no longer updates. Keep only what rebuilds them.
        return {"sizes": self.sizes, "dtype": self.dtype.name, "seed": self.seed, "wb": self._wb}

    def __setstate__(self, state: dict) -> None:
        self.sizes = list(state["sizes"])
        self.dtype = np.dtype(state["dtype"])
        self.seed = state["seed"]
        self._wb = [np.array(wb, dtype=self.dtype) for wb in state["wb"]]
        self.weights = [wb[:n, :-1] for wb, n in zip(self._wb, self.sizes[1:])]
        self.biases = [wb[:n, -1:] for wb, n in zip(self._wb, self.sizes[1:])]
        self._buffers = {}

    def copy(self) -> Network:
        net = Network.from_params(self.weights, self.biases, self.dtype)
        net.seed = self.seed
        return net

    def astype(self, dtype) -> Network:
        net = Network.from_params(self.weights, self.biases, dtype)
        net.seed = self.seed
        return net

    @property
    def num_layers(self) -> int:
        return len(self.sizes)

    def params_finite(self) -> bool:
        return all(
            np.isfinite(w).all() and np.isfinite(b).all() for w, b in zip(self.weights, self.biases)
        )

    # -- forward ----------------------------------------------------------------------------
    def feedforward(self, a: np.ndarray) -> np.ndarray:
        """Output activations for a batch ``a`` of shape (n_0, m) (or (n_0,) for one input)."""
        a = np.asarray(a, dtype=self.dtype)
        single = a.ndim == 1
        if single:
            a = a[:, None]
        for w, b in zip(self.weights, self.biases):
            a = sigmoid(w @ a + b)
        return a[:, 0] if single else a

    def forward_pass(self, a: np.ndarray) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """All weighted inputs and activations for a batch ``a`` (n_0, m).

        Returns ``(zs, activations)``: ``zs[l]`` is (n_{l+1}, m), ``activations[l]`` is
        (n_l, m) with ``activations[0] = a``.
        """
        a = np.asarray(a, dtype=self.dtype)
        activations, zs = [a], []
        for w, b in zip(self.weights, self.biases):
            z = w @ a + b
            a = sigmoid(z)
            zs.append(z)
            activations.append(a)
        return zs, activations

    def predict(self, x: np.ndarray) -> np.ndarray:
        """Index of the most active output for each column of ``x`` (n_0, m)."""
        return np.argmax(self.feedforward(x), axis=0)

    def evaluate(self, x: np.ndarray, labels: np.ndarray) -> int:
        """Number of examples whose most active output equals the label."""
        return int(np.sum(self.predict(x) == np.asarray(labels)))

    def cost(self, x: np.ndarray, y: np.ndarray) -> float:
        """Mean quadratic cost C = 1/(2n) sum_x ||y(x) - a||^2 for x (n_0, m), y (n_L, m)."""
        a = self.feedforward(x)
        return float(0.5 * np.sum((np.asarray(y, dtype=a.dtype) - a) ** 2) / a.shape[1])

    # -- learning ---------------------------------------------------------------------------
    def backprop(self, x: np.ndarray, y: np.ndarray) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """Gradient of the summed quadratic cost over a batch: ``(nabla_b, nabla_w)``.

        ``x`` is (n_0, m), ``y`` (n_L, m); ``nabla_w[l]`` has the shape of ``weights[l]``.
        The book's cost is the mean over n examples; this returns the sum over the batch.
        """
        zs, activations = self.forward_pass(x)
        y = np.asarray(y, dtype=self.dtype)
        nabla_b = [None] * len(self.weights)
        nabla_w = [None] * len(self.weights)
        a_L = activations[-1]
        delta = (a_L - y) * a_L * (1 - a_L)  # (BP1) with sigma'(z) = a (1 - a)
        for l in range(len(self.weights) - 1, -1, -1):
            nabla_b[l] = delta.sum(axis=1, keepdims=True)
            nabla_w[l] = delta @ activations[l].T
            if l:
                a = activations[l]
                delta = (self.weights[l].T @ delta) * a * (1 - a)  # (BP2)
        return nabla_b, nabla_w

    def _workspace(self, m: int) -> tuple:
        """Preallocated buffers for a mini-batch of m, in the book's column layout.

        ``layers[l] = (act, delta, tmp, wb)``: ``act`` is layer l+1's activations, one column
        per example, with the constant unit's row of ones (hidden layers); ``delta`` and
        ``tmp`` have the same shape.
        """
        layers = self._buffers.get(m)
        if layers is None:
            layers = []
            for wb in self._wb:
                act = np.empty((wb.shape[0], m), dtype=self.dtype)
                layers.append((act, np.empty_like(act), np.empty_like(act), wb))
            self._buffers[m] = layers
        return layers

    def step(self, xa: np.ndarray, y: np.ndarray, eta: float, track_cost: bool = False) -> float:
        """One SGD step on a mini-batch given as rows (the training loop's fast path).

        ``xa`` is (m, n_0 + 1), one example per row with a last column of ones; ``y`` is
        (m, n_L) one-hot. Both in this network's dtype and C-contiguous (a block of rows
        gathered for training is). Applies ``w -> w - eta/m * sum nabla_w`` and the same for
        ``b`` (equations 20-21 of the book). Returns the batch's summed squared error
        ``sum ||a - y||^2`` when ``track_cost`` (one extra call), else 0.0.

        Written for speed, since at m = 10 the cost is the number of calls: about 20 calls
        for two layers, every output written in place, the sigmoid as one ufunc (scipy's
        expit), and each layer's gradient product added straight into ``[w | b]`` by one
        BLAS gemm whose alpha is -eta/m (the deltas are never scaled). Activations are
        columns as in the book (``xa.T`` is the input): measured 10-15% faster at float32
        than rows. ``train()`` runs it with BLAS on one thread. ``backprop`` is the plain
        version it is tested against.
        """
        layers = self._workspace(xa.shape[0])
        expit, gemm = sigmoid_ufunc(), blas_gemm(self.dtype)
        mul, sub, matmul = np.multiply, np.subtract, np.matmul
        # Forward: a = sigma(w a_prev + b), in place.
        a = xa.T
        acts = [a]
        for act, _, _, wb in layers:
            matmul(wb, a, act)
            expit(act, act)
            acts.append(act)
            a = act
        # Output error (BP1) with sigma'(z) = a (1 - a); the factor -eta/m goes into gemm.
        a, delta, tmp, _ = layers[-1]
        sub(a, y.T, delta)
        sq_err = float(np.vdot(delta, delta)) if track_cost else 0.0
        sub(1.0, a, tmp)
        mul(delta, a, delta)
        mul(delta, tmp, delta)
        alpha = -eta / xa.shape[0]
        for l in range(len(layers) - 1, -1, -1):
            _, delta, _, wb = layers[l]
            # (BP3)+(BP4) for [w | b] at once: wb += alpha * delta a_prev^T, written in place
            # as wb^T += alpha * a_prev delta^T (wb^T is Fortran-ordered, so gemm overwrites it
            # without a copy). Layer 0's a_prev is xa.T, Fortran-ordered already.
            if l:
                # (BP2) with the weights as they were before this step's update. The
                # constant unit's row comes out exactly 0 (its a (1 - a) is 0).
                a, prev, tmp, _ = layers[l - 1]
                matmul(wb.T, delta, prev)
                sub(1.0, a, tmp)
                mul(prev, a, prev)
                mul(prev, tmp, prev)
                gemm(alpha, a.T, delta.T, 1.0, wb.T, trans_a=True, overwrite_c=True)
            else:
                gemm(alpha, xa.T, delta.T, 1.0, wb.T, overwrite_c=True)
        return sq_err

    def update_mini_batch(self, x: np.ndarray, y: np.ndarray, eta: float) -> None:
        """One SGD step on a mini-batch in the book's column layout.

        ``x`` is (n_0, m), ``y`` (n_L, m) one-hot; ``eta`` the learning rate.
        """
        x = np.asarray(x, dtype=self.dtype)
        xa = np.ones((x.shape[1], x.shape[0] + 1), dtype=self.dtype)
        xa[:, :-1] = x.T
        self.step(xa, np.ascontiguousarray(np.asarray(y, dtype=self.dtype).T), eta)
