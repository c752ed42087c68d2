"""The data sets that ship with nnviz: truth tables and scikit-learn's 8x8 digits.

Both are available offline from the first start. Arrays are read-only and cached, like MNIST's.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable

import numpy as np

from nnviz.core.datasets.dataset import Dataset, Split, one_hot, readonly
from nnviz.core.errors import DataError

TRUTH_TABLE_NAMES = ("and", "or", "nand", "xor", "half_adder", "full_adder")

# ---------------------------------------------------------------------------------------------
# Truth tables
# ---------------------------------------------------------------------------------------------

# name -> (input names, output names, rule from an input tuple to an output tuple, description)
_TRUTH_TABLES: dict[
    str, tuple[tuple[str, ...], tuple[str, ...], Callable[..., tuple[int, ...]], str]
] = {
    "and": (("x1", "x2"), ("out",), lambda a, b: (a & b,), "AND: 1 only when both inputs are 1"),
    "or": (("x1", "x2"), ("out",), lambda a, b: (a | b,), "OR: 1 when at least one input is 1"),
    "nand": (
        ("x1", "x2"),
        ("out",),
        lambda a, b: (1 - (a & b),),
        "NAND: 0 only when both inputs are 1 (the gate every circuit can be built from)",
    ),
    "xor": (
        ("x1", "x2"),
        ("out",),
        lambda a, b: (a ^ b,),
        "XOR: 1 when the inputs differ (no single perceptron can compute it)",
    ),
    "half_adder": (
        ("x1", "x2"),
        ("sum", "carry"),
        lambda a, b: (a ^ b, a & b),
        "Half adder: adds two bits into a sum bit and a carry bit",
    ),
    "full_adder": (
        ("x1", "x2", "carry_in"),
        ("sum", "carry"),
        lambda a, b, c: (a ^ b ^ c, (a & b) | (c & (a ^ b))),
        "Full adder: adds two bits and an incoming carry into a sum bit and a carry bit",
    ),
}


def truth_table_dataset(name: str) -> Dataset:
    """Every input row of a small logic function, as a data set to fit exactly.

    Rows come in binary counting order (x1 is the most significant bit). ``train`` and
    ``test`` both hold the full table; there is no validation split and no class labels: an
    example counts as right when every output rounds to its target bit.
    """
    key = str(name).strip().lower().replace("-", "_")
    if key not in _TRUTH_TABLES:
        raise DataError(
            f"unknown truth table {name!r}: choose one of {', '.join(TRUTH_TABLE_NAMES)}"
        )
    return _truth_table(key)


@functools.cache
def _truth_table(key: str) -> Dataset:
    inputs, outputs, rule, description = _TRUTH_TABLES[key]
    rows = list(itertools.product((0, 1), repeat=len(inputs)))
    x = np.array(rows, dtype=np.uint8)
    y = np.array([rule(*r) for r in rows], dtype=np.uint8)
    readonly(x, y)
    split = Split(x, y, None)
    return Dataset(
        name=key,
        train=split,
        test=split,
        validation=None,
        scale=1.0,
        image_shape=None,
        input_names=inputs,
        output_names=outputs,
        description=description,
    )


# ---------------------------------------------------------------------------------------------
# scikit-learn's 8x8 digits
# ---------------------------------------------------------------------------------------------

DIGITS_SEED = 20150101  # fixed so every run, test and user sees the same split
DIGITS_SPLIT = (1197, 300, 300)


@functools.lru_cache(maxsize=1)
def _digits_arrays() -> tuple[np.ndarray, np.ndarray]:
    """The 1,797 digits (uint8 pixels 0..16) and their labels, as scikit-learn ships them.

    Read straight from the CSV file inside the scikit-learn package (found without importing
    it): importing sklearn.datasets takes most of a second, which the app's first start
    would otherwise spend before its first run. Falls back to scikit-learn's own loader if
    the file is not where this version keeps it.
    """
    import gzip
    import importlib.util
    from pathlib import Path

    spec = importlib.util.find_spec("sklearn")
    if spec is not None and spec.origin:
        path = Path(spec.origin).parent / "datasets" / "data" / "digits.csv.gz"
        try:
            with gzip.open(path, "rt") as f:
                table = np.loadtxt(f, delimiter=",", dtype=np.float64)
            if table.shape == (1797, 65):
                return table[:, :64].astype(np.uint8), table[:, 64].astype(np.int64)
        except (OSError, EOFError, ValueError):  # moved, truncated or changed: ask sklearn
            pass
    try:
        from sklearn.datasets import load_digits as sk_load_digits
    except ImportError as exc:  # pragma: no cover - scikit-learn is a dependency
        raise DataError(
            "the 8x8 digits need scikit-learn: install it with `pip install scikit-learn`"
        ) from exc
    bunch = sk_load_digits()
    return np.asarray(bunch.data).astype(np.uint8), np.asarray(bunch.target).astype(np.int64)


@functools.cache
def load_digits() -> Dataset:
    """scikit-learn's bundled 8x8 handwritten digits (1,797 images), offline and small.

    Pixel values are 0..16 (stored uint8, ``scale`` 1/16, so 1.0 is full ink). A fixed-seed
    shuffle splits them into train 1,197 / validation 300 / test 300. Networks are [64, n, 10].
    """
    x_all, labels_all = _digits_arrays()
    order = np.random.default_rng(DIGITS_SEED).permutation(len(labels_all))
    x_all, labels_all = x_all[order], labels_all[order]
    n_train, n_val, _ = DIGITS_SPLIT

    def part(lo: int, hi: int | None) -> Split:
        x = np.ascontiguousarray(x_all[lo:hi])
        labels = np.ascontiguousarray(labels_all[lo:hi])
        y = one_hot(labels, 10)
        readonly(x, labels, y)
        return Split(x, y, labels)

    return Dataset(
        name="digits",
        train=part(0, n_train),
        validation=part(n_train, n_train + n_val),
        test=part(n_train + n_val, None),
        scale=1.0 / 16.0,
        image_shape=(8, 8),
        description="scikit-learn's 8x8 handwritten digits: 1,797 small images, always offline",
    )
