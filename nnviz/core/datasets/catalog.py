"""Every data set nnviz trains on, by name."""

from __future__ import annotations

import os

from nnviz.core.datasets.builtin import TRUTH_TABLE_NAMES, load_digits, truth_table_dataset
from nnviz.core.datasets.dataset import Dataset
from nnviz.core.datasets.mnist import load_mnist
from nnviz.core.errors import DataError

DATASET_NAMES = ("mnist", "digits", *TRUTH_TABLE_NAMES)


def load_dataset(name: str, data_dir: str | os.PathLike[str] | None = None) -> Dataset:
    """A data set by name: "mnist", "digits", or a truth table ("and", "xor", ...).

    ``data_dir`` only matters for MNIST.
    """
    key = str(name).strip().lower().replace("-", "_")
    if key == "mnist":
        return load_mnist(data_dir)
    if key == "digits":
        return load_digits()
    if key in TRUTH_TABLE_NAMES:
        return truth_table_dataset(key)
    raise DataError(f"unknown data set {name!r}: choose one of {', '.join(DATASET_NAMES)}")
