"""One model of a training run: what the book calls the experiment.

A :class:`RunSpec` is everything that defines a run before it starts: the data set, the
layer sizes, the learning rate η, the mini-batch size, the number of epochs, the seed, the
precision and the engine. Presets, sessions, recordings, saved networks, the command line
and the studio all hold one, so a run read from any of them means the same thing, and one
validation (here) gives the same message wherever a bad value comes from.

The dictionary form (:meth:`RunSpec.to_dict`) is what the files store::

    {"dataset": "mnist", "sizes": [784, 30, 10], "eta": 3.0, "batch_size": 10,
     "epochs": 30, "seed": 0, "dtype": "float32", "engine": "auto"}
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from nnviz.core.datasets.catalog import DATASET_NAMES
from nnviz.core.learning.network import parse_sizes
from nnviz.core.learning.training import ENGINES, TrainConfig

DTYPES = ("float32", "float64")
MAX_SEED = 2**32 - 1  # the range numpy's legacy seeding accepts; SeedSequence takes it too
MAX_COUNT = 10**6  # epochs and mini-batch size: far beyond any run the app can show
MAX_ETA = 1e6
FIELDS = ("dataset", "sizes", "eta", "batch_size", "epochs", "seed", "dtype", "engine")


class RunSpecError(ValueError):
    """A run that cannot be trained; the message names the value and the allowed range,
    ``field`` the setting (as :meth:`RunSpec.to_dict` names it)."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


def _whole(field: str, name: str, value: object, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise RunSpecError(f"{name} must be a whole number, got {value!r}"[:200], field)
    if not low <= value <= high:
        raise RunSpecError(f"{name} must be from {low:,} to {high:,}, got {value:,}"[:200], field)
    return int(value)


@dataclass(frozen=True)
class RunSpec:
    """The settings of one run; invalid values raise :class:`RunSpecError` on creation."""

    dataset: str = "digits"
    sizes: tuple[int, ...] = (64, 30, 10)
    eta: float = 3.0
    batch_size: int = 10
    epochs: int = 30
    seed: int | None = 0
    dtype: str = "float32"
    engine: str = "auto"

    def __post_init__(self) -> None:
        if not isinstance(self.dataset, str) or self.dataset not in DATASET_NAMES:
            names = ", ".join(DATASET_NAMES)
            raise RunSpecError(
                f"the data set must be one of {names}, got {self.dataset!r}"[:300], "dataset"
            )
        if isinstance(self.sizes, str | bytes) or not isinstance(self.sizes, tuple | list):
            raise RunSpecError(
                f"the layer sizes must be a list of numbers, got {self.sizes!r}"[:200], "sizes"
            )
        if any(isinstance(n, bool) or not isinstance(n, int) for n in self.sizes):
            raise RunSpecError(
                f"the layer sizes must be whole numbers, got {list(self.sizes)}"[:200], "sizes"
            )
        try:
            sizes = tuple(parse_sizes(list(self.sizes)))
        except ValueError as exc:
            raise RunSpecError(str(exc), "sizes") from None
        eta = self.eta
        if isinstance(eta, bool) or not isinstance(eta, int | float):
            raise RunSpecError(f"\u03b7 must be a number, got {eta!r}"[:200], "eta")
        if not (math.isfinite(eta) and 0 < eta <= MAX_ETA):
            raise RunSpecError(
                f"\u03b7 must be a positive number up to {MAX_ETA:g}, got {eta!r}", "eta"
            )
        _whole("batch_size", "the mini-batch size", self.batch_size, 1, MAX_COUNT)
        _whole("epochs", "the number of epochs", self.epochs, 1, MAX_COUNT)
        if self.seed is not None:
            _whole("seed", "the seed", self.seed, 0, MAX_SEED)
        if self.dtype not in DTYPES:
            raise RunSpecError(
                f'the precision must be "float32" or "float64", got {self.dtype!r}'[:200], "dtype"
            )
        if self.engine not in ENGINES:
            raise RunSpecError(
                f"the engine must be one of {', '.join(ENGINES)}, got {self.engine!r}"[:200],
                "engine",
            )
        object.__setattr__(self, "sizes", sizes)
        object.__setattr__(self, "eta", float(eta))

    # -- derived ------------------------------------------------------------------------------
    def replace(self, **changes: Any) -> RunSpec:
        """A copy with ``changes``, validated like any new spec."""
        return dataclasses.replace(self, **changes)

    def without_eta(self) -> tuple[Any, ...]:
        """Everything but η: two runs equal here continue each other (η may change live)."""
        return (self.dataset, self.sizes, self.batch_size, self.epochs, self.seed, self.dtype)

    def describe(self) -> str:
        """One line, e.g. "mnist [784, 30, 10], eta 3, mini-batch 10, 30 epochs, seed 0"."""
        return (
            f"{self.dataset} {list(self.sizes)}, eta {self.eta:g}, mini-batch {self.batch_size}, "
            f"{self.epochs} epochs, seed {self.seed}, {self.dtype}"
        )

    # -- files ---------------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        return {
            "dataset": self.dataset,
            "sizes": list(self.sizes),
            "eta": self.eta,
            "batch_size": self.batch_size,
            "epochs": self.epochs,
            "seed": self.seed,
            "dtype": self.dtype,
            "engine": self.engine,
        }

    @classmethod
    def from_dict(
        cls, data: object, *, where: str = "the run", base: RunSpec | None = None
    ) -> RunSpec:
        """The spec ``data`` (a :meth:`to_dict`) describes; unknown keys are ignored.

        Keys missing from ``data`` come from ``base``; without a base they are an error
        (``engine`` excepted: files older than it mean "auto"). RunSpecError names the key.
        """
        if not isinstance(data, Mapping):
            raise RunSpecError(f"{where} must be an object with the run's settings")
        values: dict[str, Any] = {}
        for key in FIELDS:
            if key in data and data[key] is not None or key == "seed" and key in data:
                values[key] = data[key]
            elif base is not None:
                values[key] = getattr(base, key)
            elif key != "engine":
                raise RunSpecError(f'{where} has no "{key}"', key)
        if isinstance(values.get("eta"), int) and not isinstance(values.get("eta"), bool):
            values["eta"] = float(values["eta"])
        if isinstance(values.get("sizes"), list):
            values["sizes"] = tuple(values["sizes"])
        try:
            return cls(**values)
        except RunSpecError as exc:
            raise RunSpecError(f"{where}: {exc}", exc.field) from None

    def train_config(self, **extra: Any) -> TrainConfig:
        """The core's :class:`~nnviz.core.learning.training.TrainConfig` for this run."""
        return TrainConfig(
            epochs=self.epochs,
            batch_size=self.batch_size,
            eta=self.eta,
            seed=self.seed,
            engine=self.engine,
            **extra,
        )
