"""One layer of the forward pass written as matrices (chapter 2's warm-up), and delta^L.

Indexing: ``l`` here is the 0-based index into ``network.weights``. The book numbers layers
from 1 with the input as layer 1, so ``network.weights[l]`` is the book's ``w^{l+2}``; it maps
the activations of book layer ``l+1`` to book layer ``l+2``. :func:`book_layer` does the sum.
"""

from __future__ import annotations

import numpy as np

from nnviz.core.learning.network import Network
from nnviz.core.learning.neuron import sigmoid, sigmoid_prime
from nnviz.core.notation import symbol


def book_layer(l: int) -> int:
    """The book's 1-based number of the layer that ``network.weights[l]`` feeds into."""
    return l + 2


def _column(a: np.ndarray, n: int, what: str) -> np.ndarray:
    a = np.asarray(a, dtype=np.float64)
    if a.shape not in ((n,), (n, 1)):
        raise ValueError(f"{what} must have {n} entries, got shape {a.shape}")
    return a.reshape(n, 1)


def layer_equation(network: Network, a_in: np.ndarray, l: int) -> dict[str, np.ndarray]:
    """The pieces of ``z = w a_prev + b``, ``a = sigma(z)`` for layer ``l`` and one input.

    ``a_in`` is the network's input x, shape (n_0,) or (n_0, 1); the earlier layers are run
    to get ``a_prev``. Returns float64 arrays: ``w`` (n_{l+1}, n_l), ``a_prev`` (n_l, 1),
    ``b`` (n_{l+1}, 1), ``z`` (n_{l+1}, 1), ``a`` (n_{l+1}, 1).
    """
    if not 0 <= l < len(network.weights):
        raise ValueError(f"layer index must be 0..{len(network.weights) - 1}, got {l}")
    a = _column(a_in, network.sizes[0], "the input")
    for w, b in zip(network.weights[:l], network.biases[:l]):
        a = sigmoid(np.asarray(w, np.float64) @ a + np.asarray(b, np.float64))
    w = np.array(network.weights[l], dtype=np.float64)
    b = np.array(network.biases[l], dtype=np.float64)
    z = w @ a + b
    return {"w": w, "a_prev": a, "b": b, "z": z, "a": sigmoid(z)}


def hadamard(s: np.ndarray, t: np.ndarray) -> np.ndarray:
    """Elementwise product ``s ⊙ t`` of two arrays of the same shape."""
    s, t = np.asarray(s), np.asarray(t)
    if s.shape != t.shape:
        raise ValueError(f"s ⊙ t needs equal shapes, got {s.shape} and {t.shape}")
    return s * t


def output_error(network: Network, x: np.ndarray, y: np.ndarray) -> dict[str, np.ndarray]:
    """delta^L = sigma'(z^L) ⊙ (a^L - y) for one example (BP1 with the quadratic cost).

    ``x`` (n_0,) or (n_0, 1); ``y`` (n_L,) or (n_L, 1). Returns (n_L, 1) float64 arrays
    ``z``, ``a``, ``y``, ``sigma_prime``, ``a_minus_y`` and ``delta``.
    """
    last = len(network.weights) - 1
    eq = layer_equation(network, x, last)
    y = _column(y, network.sizes[-1], "the desired output y")
    sp = sigmoid_prime(eq["z"])
    diff = eq["a"] - y
    return {
        "z": eq["z"],
        "a": eq["a"],
        "y": y,
        "sigma_prime": sp,
        "a_minus_y": diff,
        "delta": hadamard(sp, diff),
    }


def weight_text(l: int, j: int, k: int, value: float) -> str:
    """How the hover line names weight ``network.weights[l][j, k]``, in the book's terms.

    Layers and neurons use the book's 1-based numbers (the input is layer 1, the first
    neuron of a layer is neuron 1), so array entry [j, k] is w_(j+1),(k+1).
    """
    lb = book_layer(l)
    return (
        f"{symbol('w', lb, j + 1, k + 1)} = {value:+.4f}: from neuron {k + 1} of layer "
        f"{lb - 1} to neuron {j + 1} of layer {lb}"
    )
