"""The in-memory form every data set takes: compact uint8 rows plus targets.

Images are stored example-major and compact, ``x`` of shape (n, n_inputs) in uint8; the
network input is ``x * scale`` in the run's dtype (MNIST: pixel / 255, so 0.0 is white paper
and 1.0 full ink). Converting per run keeps a 60,000-image MNIST at 47 MB instead of 376 MB.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import DTypeLike


@dataclass(frozen=True)
class Split:
    """One part of a data set (train, validation or test).

    ``x``: (n, n_inputs) uint8. ``y``: (n, n_outputs) uint8 desired outputs (one-hot for
    classification). ``labels``: (n,) int64 class indices, or None for multi-output truth
    tables, where an example counts as right when every output rounds to its target.
    """

    x: np.ndarray
    y: np.ndarray
    labels: np.ndarray | None = None

    def __len__(self) -> int:
        return int(self.x.shape[0])

    def head(self, n: int) -> Split:
        return Split(self.x[:n], self.y[:n], None if self.labels is None else self.labels[:n])


@dataclass(frozen=True)
class Dataset:
    """A named data set with its splits. ``validation`` may be None (tiny data sets)."""

    name: str
    train: Split
    test: Split
    validation: Split | None = None
    scale: float = 1.0
    image_shape: tuple[int, int] | None = None
    input_names: tuple[str, ...] = ()
    output_names: tuple[str, ...] = ()
    description: str = ""
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def n_inputs(self) -> int:
        return int(self.train.x.shape[1])

    @property
    def n_outputs(self) -> int:
        return int(self.train.y.shape[1])

    @property
    def is_classification(self) -> bool:
        return self.train.labels is not None

    def inputs(self, split: Split, dtype: DTypeLike = np.float64) -> np.ndarray:
        """Network inputs for a split in the book's layout: (n_inputs, n) of ``dtype``."""
        a = split.x.astype(dtype).T
        a *= np.asarray(self.scale, dtype=dtype)
        return a


def one_hot(labels: np.ndarray, n_classes: int) -> np.ndarray:
    """(n,) class indices -> (n, n_classes) uint8 one-hot rows."""
    labels = np.asarray(labels, dtype=np.int64)
    out = np.zeros((labels.shape[0], n_classes), dtype=np.uint8)
    out[np.arange(labels.shape[0]), labels] = 1
    return out


def readonly(*arrays: np.ndarray) -> None:
    """Mark arrays read-only: loaders cache data sets and share them between callers."""
    for a in arrays:
        a.flags.writeable = False
