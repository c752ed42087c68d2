"""Looking at what a trained classifier gets wrong, and the book's 4-bit output exercise.

Conventions: ``outputs`` are the network's output activations in the book's layout, shape
(10, m) (one column per example); ``labels`` (m,) true digits; ``predicted`` (m,) the index of
the most active output. A confusion matrix ``C`` has rows for the true digit and columns for
the predicted one: ``C[t, p]`` counts examples of digit ``t`` the network called ``p``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nnviz.core.datasets.dataset import Dataset, Split
from nnviz.core.learning.network import Network
from nnviz.core.learning.neuron import sigmoid

N_BITS = 4


def _check_labels(a: np.ndarray, n: int, what: str) -> np.ndarray:
    a = np.asarray(a)
    if a.ndim != 1:
        raise ValueError(f"{what} must be a 1-D array of class indices, got shape {a.shape}")
    a = a.astype(np.int64)
    if a.size and (a.min() < 0 or a.max() >= n):
        raise ValueError(f"{what} must lie in 0..{n - 1}, found {a.min()}..{a.max()}")
    return a


def confusion_matrix(true: np.ndarray, pred: np.ndarray, n: int = 10) -> np.ndarray:
    """(n, n) int64 counts: ``C[t, p]`` = examples with true class t predicted as p."""
    t = _check_labels(true, n, "true labels")
    p = _check_labels(pred, n, "predictions")
    if t.shape != p.shape:
        raise ValueError(f"{t.size} true labels but {p.size} predictions")
    return np.bincount(t * n + p, minlength=n * n).reshape(n, n).astype(np.int64)


def per_class_accuracy(true: np.ndarray, pred: np.ndarray, n: int = 10) -> np.ndarray:
    """(n,) fraction of each true class predicted correctly; NaN for a class with no examples."""
    c = confusion_matrix(true, pred, n)
    totals = c.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(totals > 0, np.diag(c) / np.maximum(totals, 1), np.nan)


@dataclass(frozen=True)
class Mistake:
    """One misclassified example: its index in the split, the true and predicted digits, and
    the confidence: the predicted output neuron's activation (0..1)."""

    index: int
    label: int
    predicted: int
    confidence: float


def misclassified(outputs: np.ndarray, labels: np.ndarray) -> list[Mistake]:
    """Every example whose most active output is not its label, most confident first.

    ``outputs`` (10, m); ``labels`` (m,). Ties in confidence keep the examples' order.
    """
    outputs = np.asarray(outputs)
    if outputs.ndim != 2:
        raise ValueError(f"outputs must have shape (n_outputs, m), got {outputs.shape}")
    labels = _check_labels(labels, outputs.shape[0], "labels")
    if labels.size != outputs.shape[1]:
        raise ValueError(f"{outputs.shape[1]} output columns but {labels.size} labels")
    pred = np.argmax(outputs, axis=0)
    conf = outputs[pred, np.arange(outputs.shape[1])]
    wrong = np.flatnonzero(pred != labels)
    order = wrong[np.argsort(-conf[wrong], kind="stable")]
    return [Mistake(int(i), int(labels[i]), int(pred[i]), float(conf[i])) for i in order]


def network_outputs(
    network: Network, dataset: Dataset, split: Split, chunk: int = 2000
) -> np.ndarray:
    """Output activations (n_L, m) for every example of ``split``, computed in chunks."""
    out = np.empty((network.sizes[-1], len(split)), dtype=network.dtype)
    dt = network.dtype
    for s in range(0, len(split), chunk):
        part = split.x[s : s + chunk].astype(dt).T
        part *= dt.type(dataset.scale)
        out[:, s : s + chunk] = network.feedforward(part)
    return out


@dataclass(frozen=True)
class Evaluation:
    """A network's results on one split: outputs (10, m), labels and predictions (m,)."""

    outputs: np.ndarray
    labels: np.ndarray
    predicted: np.ndarray

    @property
    def accuracy(self) -> float:
        return float(np.mean(self.predicted == self.labels)) if self.labels.size else float("nan")

    def confusion(self) -> np.ndarray:
        return confusion_matrix(self.labels, self.predicted, self.outputs.shape[0])

    def per_class(self) -> np.ndarray:
        return per_class_accuracy(self.labels, self.predicted, self.outputs.shape[0])

    def mistakes(self) -> list[Mistake]:
        return misclassified(self.outputs, self.labels)


def evaluate_network(network: Network, dataset: Dataset, split: Split | None = None) -> Evaluation:
    """Run ``network`` on a labelled split (the test split by default)."""
    split = dataset.test if split is None else split
    if split.labels is None:
        raise ValueError(f"{dataset.name} has no class labels: nothing to confuse")
    if network.sizes[0] != dataset.n_inputs:
        raise ValueError(
            f"the network takes {network.sizes[0]} inputs but {dataset.name} images have "
            f"{dataset.n_inputs}; train or load a network for this data set"
        )
    outputs = network_outputs(network, dataset, split)
    return Evaluation(outputs, np.asarray(split.labels, dtype=np.int64), np.argmax(outputs, axis=0))


# -- the book's exercise: a fourth layer that writes the digit in binary ------------------------


def binary_codes(n: int = 10, bits: int = N_BITS) -> np.ndarray:
    """(n, bits) uint8: row d is d in binary, most significant bit first (5 -> 0 1 0 1)."""
    d = np.arange(n)[:, None]
    shifts = np.arange(bits - 1, -1, -1)[None, :]
    return ((d >> shifts) & 1).astype(np.uint8)


def binary_layer_solution(strength: float = 10.0, n: int = 10, bits: int = N_BITS):
    """One set of weights that solves the exercise: ``(w (bits, n), b (bits,))``.

    Output bit b gets weight +strength from digit neuron d when d has bit b set, and
    -strength when it does not; biases are 0. When the old output layer is confident (about
    1 for the right digit, about 0 for the rest) the weighted input of bit b is about
    +strength or -strength, so the sigmoid is near 1 or 0 as the code asks.
    """
    codes = binary_codes(n, bits).astype(np.float64)
    w = strength * (2.0 * codes.T - 1.0)
    return w, np.zeros(bits)


def binary_layer_outputs(outputs: np.ndarray, w: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Activations (bits, m) of the extra sigmoid layer: sigma(w a + b) for ``a = outputs``."""
    outputs = np.asarray(outputs, dtype=np.float64)
    w = np.asarray(w, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64).reshape(-1, 1)
    if w.shape != (b.shape[0], outputs.shape[0]):
        raise ValueError(
            f"weights of shape {w.shape} do not fit {outputs.shape[0]} inputs and "
            f"{b.shape[0]} biases"
        )
    return sigmoid(w @ outputs + b)


@dataclass(frozen=True)
class BinaryCheck:
    """How often the extra layer's rounded bits equal the true digit's code.

    ``correct`` (m,) bool per example; ``per_digit`` (10,) fraction right for each true digit
    (NaN if absent); ``bits`` (4, m) the layer's activations.
    """

    correct: np.ndarray
    per_digit: np.ndarray
    bits: np.ndarray

    @property
    def accuracy(self) -> float:
        return float(self.correct.mean()) if self.correct.size else float("nan")

    def failing_digits(self, below: float = 1.0) -> list[int]:
        """Digits whose examples come out right less often than ``below``."""
        return [d for d, f in enumerate(self.per_digit) if not np.isnan(f) and f < below]


def check_binary_layer(
    outputs: np.ndarray, labels: np.ndarray, w: np.ndarray, b: np.ndarray
) -> BinaryCheck:
    """Apply the extra layer to ``outputs`` (10, m) and compare its bits (> 0.5) with the
    binary code of each example's true label."""
    n = np.asarray(outputs).shape[0]
    labels = _check_labels(labels, n, "labels")
    bits = binary_layer_outputs(outputs, w, b)
    codes = binary_codes(n, bits.shape[0])
    correct = np.all((bits > 0.5) == (codes[labels].T > 0), axis=0)
    counts = np.bincount(labels, minlength=n)
    right = np.bincount(labels, weights=correct.astype(np.float64), minlength=n)
    with np.errstate(invalid="ignore", divide="ignore"):
        per_digit = np.where(counts > 0, right / np.maximum(counts, 1), np.nan)
    return BinaryCheck(correct, per_digit, bits)
