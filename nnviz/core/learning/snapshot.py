"""Immutable values that travel from the trainer to the views.

``Progress`` is what the training generator yields; ``Snapshot`` adds frozen, read-only copies
of the parameters so a view can never see an array the trainer is still changing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from nnviz.core.learning.neuron import sigmoid

if TYPE_CHECKING:
    from nnviz.core.learning.network import Network

# Progress.kind values
CHUNK = "chunk"  # some mini-batches done
EPOCH = "epoch"  # an epoch ended; accuracies filled in
DIVERGED = "diverged"  # parameters became non-finite; training stopped
DONE = "done"  # all epochs finished


@dataclass(frozen=True)
class Progress:
    kind: str
    epoch: int  # 0-based epoch in progress (or just finished, for EPOCH)
    batch: int  # mini-batches done in this epoch
    batches_per_epoch: int
    examples_seen: int  # since training started
    cost: float  # running mean quadratic cost over this epoch so far (nan before any batch)
    eta: float
    seconds: float  # time spent training (not paused)
    test_correct: int | None = None
    test_total: int | None = None
    validation_correct: int | None = None
    validation_total: int | None = None
    batch_cost: float = float("nan")  # mean cost of the chunk's mini-batches
    message: str = ""

    @property
    def test_accuracy(self) -> float | None:
        if self.test_correct is None or not self.test_total:
            return None
        return self.test_correct / self.test_total

    @property
    def validation_accuracy(self) -> float | None:
        if self.validation_correct is None or not self.validation_total:
            return None
        return self.validation_correct / self.validation_total

    def transcript_line(self) -> str:
        """The book's per-epoch line, e.g. ``Epoch 0: 9129 / 10000``."""
        if self.test_correct is None:
            return f"Epoch {self.epoch} complete"
        return f"Epoch {self.epoch}: {self.test_correct} / {self.test_total}"


def _frozen(a: np.ndarray) -> np.ndarray:
    c = np.array(a, copy=True)
    c.setflags(write=False)
    return c


@dataclass(frozen=True, eq=False)
class Snapshot:
    """Training state at one moment: progress plus read-only copies of weights and biases."""

    progress: Progress
    sizes: tuple[int, ...]
    weights: tuple[np.ndarray, ...]
    biases: tuple[np.ndarray, ...]
    run_id: int = 0

    def activations(self, x: np.ndarray) -> list[np.ndarray]:
        """The activation of every layer, input first, for one input ``x`` of shape (n_0,):
        the forward pass a(l+1) = sigmoid(w a(l) + b) in float64, what the canvas colours."""
        a = np.asarray(x, dtype=np.float64).reshape(-1, 1)
        out = [a[:, 0]]
        for w, b in zip(self.weights, self.biases, strict=True):
            a = sigmoid(w @ a + b)
            out.append(a[:, 0])
        return out

    @classmethod
    def capture(cls, network: Network, progress: Progress, run_id: int = 0) -> Snapshot:
        return cls(
            progress=progress,
            sizes=tuple(network.sizes),
            weights=tuple(_frozen(w) for w in network.weights),
            biases=tuple(_frozen(b) for b in network.biases),
            run_id=run_id,
        )
