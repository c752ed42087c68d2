"""The cost as an average over examples, and a mini-batch gradient as an estimate of its gradient.

Two ideas of the book, computed for a real network:

- Section 2.2's two assumptions about the quadratic cost: it is an average
  ``C = 1/n sum_x C_x`` of per-example costs, and each ``C_x = 1/2 ||y(x) - a^L(x)||^2``
  depends on the network only through the output activations ``a^L`` (so
  ``grad_a C_x = a^L - y``). :func:`cost_terms`, :func:`per_example_costs`.
- Section 1.5's stochastic estimate (equations 18-19): the gradient ``grad C_X`` averaged over a
  random mini-batch X of m examples estimates the full gradient ``grad C``; its relative error
  shrinks like ``1/sqrt(m)``. :func:`full_gradient`, :func:`estimate_gradients`. How large
  the error is on average follows exactly from the spread of the per-example gradients:
  :func:`gradient_spread`, :func:`expected_error`.

Parameters are flattened in the order of ``network.weights`` then ``network.biases``, layer by
layer, each matrix row-major: :func:`parameter_index` and :func:`parameter_name` translate.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from nnviz.core.matrix_form import book_layer
from nnviz.core.notation import symbol

ESTIMATE_SIZES = (1, 10, 100, 1000)
GRADIENT_BLOCK = 2000  # examples per backprop call for the full gradient


class EstimateCancelled(Exception):
    """The caller asked the computation to stop."""


# -- per-example costs (section 2.2) --------------------------------------------------------------
def cost_terms(a: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Each output's share ``1/2 (y_j - a_j)^2`` of one example's cost; same shape as ``a``."""
    d = np.asarray(y, dtype=np.float64) - np.asarray(a, dtype=np.float64)
    return 0.5 * d * d


def output_gradient(a: np.ndarray, y: np.ndarray) -> np.ndarray:
    """``grad_a C_x = a^L - y``: how C_x changes with each output activation."""
    return np.asarray(a, dtype=np.float64) - np.asarray(y, dtype=np.float64)


def per_example_costs(network, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """``C_x`` for each column of ``x`` (n_0, n) with targets ``y`` (n_L, n): shape (n,)."""
    return cost_terms(network.feedforward(x), y).sum(axis=0)


# -- the full gradient and its estimates (section 1.5) ---------------------------------------------
def flatten(nabla_b: Sequence[np.ndarray], nabla_w: Sequence[np.ndarray]) -> np.ndarray:
    """One float64 vector of all weights' then all biases' gradients."""
    return np.concatenate([np.asarray(g, dtype=np.float64).ravel() for g in (*nabla_w, *nabla_b)])


def parameter_count(sizes: Sequence[int]) -> int:
    return sum(a * b + b for a, b in zip(sizes[:-1], sizes[1:]))


def parameter_index(sizes: Sequence[int], kind: str, l: int, j: int, k: int = 0) -> int:
    """Position in :func:`flatten`'s vector of ``w[l][j, k]`` (kind "w") or ``b[l][j]`` ("b")."""
    pairs = list(zip(sizes[:-1], sizes[1:]))
    if not 0 <= l < len(pairs):
        raise ValueError(f"layer index {l} is outside 0..{len(pairs) - 1}")
    n_in, n_out = pairs[l]
    if not 0 <= j < n_out or (kind == "w" and not 0 <= k < n_in):
        raise ValueError(f"no parameter {kind}[{l}][{j}, {k}] in a {list(sizes)} network")
    if kind == "w":
        return sum(a * b for a, b in pairs[:l]) + j * n_in + k
    if kind == "b":
        return sum(a * b for a, b in pairs) + sum(b for _, b in pairs[:l]) + j
    raise ValueError(f"kind must be 'w' or 'b', not {kind!r}")


def parameter_name(sizes: Sequence[int], index: int, ascii: bool = True) -> str:
    """The book's name of a flattened parameter: ``w^2_3,7`` or ``b^3_1`` (layers from 1);
    with ``ascii=False`` the app's notation, ``w²₃,₇`` (see nnviz.core.notation)."""
    pairs = list(zip(sizes[:-1], sizes[1:]))
    start = 0
    for l, (n_in, n_out) in enumerate(pairs):
        if index < start + n_in * n_out:
            j, k = divmod(index - start, n_in)
            lb = book_layer(l)
            return f"w^{lb}_{j},{k}" if ascii else symbol("w", lb, j, k)
        start += n_in * n_out
    for l, (_, n_out) in enumerate(pairs):
        if index < start + n_out:
            lb, j = book_layer(l), index - start
            return f"b^{lb}_{j}" if ascii else symbol("b", lb, j)
        start += n_out
    raise ValueError(f"parameter {index} is outside a {list(sizes)} network")


def mean_gradient(network, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """``grad C_X``: the gradient of the mean cost over the columns of x, flattened (float64)."""
    net = network if network.dtype == np.float64 else network.astype("float64")
    nabla_b, nabla_w = net.backprop(np.asarray(x, np.float64), np.asarray(y, np.float64))
    return flatten(nabla_b, nabla_w) / x.shape[1]


def full_gradient(
    network,
    x: np.ndarray,
    y: np.ndarray,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
    block: int = GRADIENT_BLOCK,
) -> np.ndarray:
    """``grad C`` over every column of ``x`` (n_0, n), in blocks, with progress and cancel."""
    n = x.shape[1]
    if n == 0:
        raise ValueError("the data set is empty")
    total = np.zeros(parameter_count(network.sizes))
    for start in range(0, n, block):
        if cancelled is not None and cancelled():
            raise EstimateCancelled
        stop = min(n, start + block)
        total += mean_gradient(network, x[:, start:stop], y[:, start:stop]) * (stop - start)
        if progress is not None:
            progress(stop, n)
    return total / n


def per_example_sq_norms(network, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """``|grad C_x|^2`` for each column of ``x``, without forming any per-example gradient.

    One example's weight gradient in layer l is the outer product ``delta_l a_{l-1}^T``, whose
    squared norm is ``|delta_l|^2 |a_{l-1}|^2``; its bias gradient is ``delta_l``. So the
    batch's deltas and activations (as in backprop) give every example's norm at once."""
    net = network if network.dtype == np.float64 else network.astype("float64")
    zs, activations = net.forward_pass(np.asarray(x, np.float64))
    a_L = activations[-1]
    delta = (a_L - np.asarray(y, np.float64)) * a_L * (1 - a_L)
    total = np.zeros(x.shape[1])
    for l in range(len(net.weights) - 1, -1, -1):
        inputs_sq = np.einsum("ij,ij->j", activations[l], activations[l])
        total += np.einsum("ij,ij->j", delta, delta) * (inputs_sq + 1.0)  # weights + bias
        if l:
            a = activations[l]
            delta = (net.weights[l].T @ delta) * a * (1 - a)
    return total


def gradient_spread(
    network,
    x: np.ndarray,
    y: np.ndarray,
    truth: np.ndarray,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
    block: int = GRADIENT_BLOCK,
) -> float:
    """``sigma^2``: the mean of ``|grad C_x - grad C|^2`` over the columns of ``x``, with
    ``truth`` = grad C (which equals the mean of ``|grad C_x|^2`` minus ``|grad C|^2``)."""
    n = x.shape[1]
    total = 0.0
    for start in range(0, n, block):
        if cancelled is not None and cancelled():
            raise EstimateCancelled
        stop = min(n, start + block)
        total += float(per_example_sq_norms(network, x[:, start:stop], y[:, start:stop]).sum())
        if progress is not None:
            progress(stop, n)
    return max(0.0, total / n - float(truth @ truth))


def expected_error(m: int | np.ndarray, n: int, spread: float, norm: float) -> np.ndarray:
    """Root-mean-square relative error of the mean gradient of m of n examples drawn without
    replacement: ``E |grad C_X - grad C|^2 = (1/m) (n - m)/(n - 1) sigma^2``, divided by
    ``|grad C|`` after the square root. 0 at m = n, where the estimate is exact."""
    m = np.asarray(m, dtype=np.float64)
    finite = (n - m) / (n - 1) if n > 1 else np.zeros_like(m)
    return np.sqrt(np.clip(finite, 0.0, None) * spread / m) / norm


@dataclass(frozen=True)
class Estimates:
    """``count`` mini-batch estimates of the gradient for one mini-batch size ``m``."""

    m: int
    relative_error: np.ndarray  # (count,) |grad C_X - grad C| / |grad C|
    cosine: np.ndarray  # (count,) cos of the angle between grad C_X and grad C
    projected: np.ndarray  # (count, 2) the estimates' components on the two chosen parameters

    @property
    def rms_error(self) -> float:
        """Root-mean-square relative error: the quantity that falls exactly like 1/sqrt(m).

        (E |grad C_X - grad C|^2 = sigma^2 / m for independent draws; a median would stay
        near 1 for m = 1 on a trained network, whose many well-learnt examples have a
        gradient near zero.)
        """
        return float(np.sqrt(np.mean(self.relative_error**2)))

    @property
    def mean_cosine(self) -> float:
        return float(np.mean(self.cosine))


def check_sizes(ms: Sequence[int], n: int) -> tuple[int, ...]:
    """Mini-batch sizes as ints in 1..n; ValueError naming the bad one."""
    out = []
    for m in ms:
        m = int(m)
        if m <= 0:
            raise ValueError(f"mini-batch size {m} must be at least 1")
        if m > n:
            raise ValueError(f"mini-batch size {m} is larger than the data set ({n} examples)")
        out.append(m)
    if not out:
        raise ValueError("give at least one mini-batch size")
    return tuple(out)


def estimate_gradients(
    network,
    x: np.ndarray,
    y: np.ndarray,
    truth: np.ndarray,
    ms: Sequence[int] = ESTIMATE_SIZES,
    count: int = 100,
    pair: tuple[int, int] = (0, 1),
    seed: int | None = 0,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> list[Estimates]:
    """For each m, ``count`` estimates from mini-batches drawn without replacement.

    ``truth`` is :func:`full_gradient` on the same (x, y); ``pair`` the two flattened
    parameter indices to project on.
    """
    n = x.shape[1]
    ms = check_sizes(ms, n)
    norm = float(np.linalg.norm(truth))
    if not norm > 0:
        raise ValueError("the full gradient is zero: the network sits at a stationary point")
    rng = np.random.default_rng(seed)
    net = network if network.dtype == np.float64 else network.astype("float64")
    results, done, total = [], 0, len(ms) * count
    for m in ms:
        errors, cosines, points = np.empty(count), np.empty(count), np.empty((count, 2))
        for i in range(count):
            if cancelled is not None and cancelled():
                raise EstimateCancelled
            cols = rng.choice(n, size=m, replace=False)
            g = mean_gradient(net, x[:, cols], y[:, cols])
            errors[i] = np.linalg.norm(g - truth) / norm
            g_norm = np.linalg.norm(g)
            cosines[i] = float(g @ truth) / (g_norm * norm) if g_norm > 0 else 0.0
            points[i] = g[pair[0]], g[pair[1]]
            done += 1
            if progress is not None:
                progress(done, total)
        results.append(Estimates(m, errors, cosines, points))
    return results


def neuron_of(sizes: Sequence[int], index: int) -> tuple[int, int]:
    """(layer, j): the neuron a flattened parameter belongs to (its weight row or its bias)."""
    pairs = list(zip(sizes[:-1], sizes[1:]))
    start = 0
    for l, (n_in, n_out) in enumerate(pairs):
        if index < start + n_in * n_out:
            return l, (index - start) // n_in
        start += n_in * n_out
    for l, (_, n_out) in enumerate(pairs):
        if index < start + n_out:
            return l, index - start
        start += n_out
    raise ValueError(f"parameter {index} is outside a {list(sizes)} network")


def largest_components(
    truth: np.ndarray, count: int = 2, sizes: Sequence[int] | None = None
) -> tuple[int, ...]:
    """Indices of the ``count`` parameters with the largest |grad C| (ties by index).

    With ``sizes``, each comes from a different neuron: two weights into the same neuron
    share its error delta, so their estimates would lie on one line.
    """
    order = np.argsort(-np.abs(truth), kind="stable")
    if sizes is None:
        return tuple(int(i) for i in order[:count])
    found, neurons = [], set()
    for i in order:
        neuron = neuron_of(sizes, int(i))
        if neuron not in neurons:
            found.append(int(i))
            neurons.add(neuron)
            if len(found) == count:
                break
    return tuple(found)
