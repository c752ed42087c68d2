"""Simple classifiers to measure a neural network against, as in chapter 1 of the book.

Each returns how many test images it classifies correctly (out of ``len(dataset.test)``):
random guessing, the "average darkness" rule, and scikit-learn's support vector machine.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from nnviz.core.datasets.dataset import Dataset
from nnviz.core.errors import DataError
from nnviz.core.io.atomic import atomic_write

# (name, one-line explanation) for the UI and the CLI help.
BASELINES: tuple[tuple[str, str], ...] = (
    ("random", "Guess a digit at random: right about one time in ten."),
    (
        "darkness",
        "Learn how much ink each digit uses on average, then guess the digit whose average "
        "is closest to the image's total ink.",
    ),
    (
        "svm",
        "A support vector machine (scikit-learn's SVC, rbf kernel, with gamma='auto', the "
        "default when the book was written) trained on the same images: a strong method that "
        "knows nothing about neurons. --gamma scale gives today's default.",
    ),
)

SVM_SETTINGS = {"kernel": "rbf", "C": 1.0}  # scikit-learn's SVC defaults, then and now
BOOK_GAMMA = "auto"  # SVC's default when the book was written: its 9,435 / 10,000
TODAY_GAMMA = "scale"  # SVC's default since scikit-learn 0.22
# Measured on MNIST here (scikit-learn 1.9.1, all 50,000 training images), for the notes.
MEASURED_MNIST = {BOOK_GAMMA: 9434, TODAY_GAMMA: 9785}

StageFn = Callable[[str, str], None]


def _need_labels(dataset: Dataset, what: str) -> None:
    if dataset.train.labels is None or dataset.test.labels is None:
        raise DataError(
            f"the {what} baseline needs a data set of labelled images (mnist or digits), "
            f"not {dataset.name!r}"
        )


def random_baseline(dataset: Dataset, seed: int = 0) -> int:
    """Number of test examples a uniform random guess gets right.

    For classification, one of the ``n_outputs`` classes per example; for a truth table
    (no labels), random output bits, right only when all of them match.
    """
    rng = np.random.default_rng(seed)
    test = dataset.test
    if test.labels is not None:
        guesses = rng.integers(0, dataset.n_outputs, size=len(test))
        return int(np.count_nonzero(guesses == test.labels))
    bits = rng.integers(0, 2, size=test.y.shape)
    return int(np.count_nonzero(np.all(bits == test.y, axis=1)))


def darkness_averages(dataset: Dataset) -> np.ndarray:
    """(n_classes,) float64: mean total darkness of the training images of each class.

    Darkness is the sum of an image's pixel values times ``scale`` (MNIST: 0..784).
    A class with no training images gets NaN and is never chosen.
    """
    _need_labels(dataset, "darkness")
    sums = dataset.train.x.sum(axis=1, dtype=np.int64)  # exact: pixels are whole numbers
    labels = dataset.train.labels
    counts = np.bincount(labels, minlength=dataset.n_outputs).astype(np.float64)
    totals = np.bincount(labels, weights=sums, minlength=dataset.n_outputs)
    with np.errstate(invalid="ignore", divide="ignore"):
        return totals / counts * dataset.scale


def darkness_baseline(dataset: Dataset) -> int:
    """Test examples classified right by the average-darkness rule (MNIST: 2,225 / 10,000).

    Each test image is given the class whose training-set average darkness is closest to
    its own darkness.
    """
    averages = darkness_averages(dataset)
    darkness = dataset.test.x.sum(axis=1, dtype=np.int64) * dataset.scale
    distance = np.abs(darkness[:, None] - averages[None, :])
    distance[:, np.isnan(averages)] = np.inf
    guesses = distance.argmin(axis=1)
    return int(np.count_nonzero(guesses == dataset.test.labels))


# --------------------------------------------------------------------------------------------
# Support vector machine
# --------------------------------------------------------------------------------------------

# Measured here (2 shared cores, scikit-learn 1.9, MNIST): 5,000 training images fit in
# 2-5 s and predict 10,000 in 13-19 s; 50,000 fit in 270-700 s and predict in 70-100 s
# (gamma "scale" at the fast end). Fitting grows about as n_train squared, prediction about
# as n_train^0.85 (the number of support vectors) times n_test; both linearly in n_inputs.
_FIT_SECONDS_5000 = 4.0
_PREDICT_SECONDS_5000 = 15.0


def svm_seconds_estimate(n_train: int, n_test: int, n_inputs: int = 784) -> float:
    """Rough wall-clock seconds for SVC to fit ``n_train`` images and predict ``n_test``."""
    r = n_train / 5000
    per_input = n_inputs / 784
    fit = _FIT_SECONDS_5000 * r**2
    predict = _PREDICT_SECONDS_5000 * r**0.85 * n_test / 10000
    return (fit + predict) * per_input


def svm_cache_path() -> Path:
    """The JSON file caching SVM results (in the per-user data folder)."""
    from nnviz.paths import user_data_dir  # lazy: keeps the core import cheap

    return user_data_dir() / "cache" / "svm_baseline.json"


def svm_cache_key(dataset: Dataset, train_limit: int | None, gamma: str | float) -> str:
    """A key naming everything the SVM result depends on: library, data and settings."""
    import sklearn

    n = _train_count(dataset, train_limit)
    h = hashlib.sha256()
    for part in (
        dataset.train.x[:n],
        dataset.train.labels[:n],
        dataset.test.x,
        dataset.test.labels,
    ):
        h.update(np.ascontiguousarray(part).tobytes())
    settings = dict(SVM_SETTINGS, gamma=gamma)
    return json.dumps(
        {
            "sklearn": sklearn.__version__,
            "data": h.hexdigest(),
            "scale": dataset.scale,
            "n_train": n,
            "settings": settings,
        },
        sort_keys=True,
    )


def _train_count(dataset: Dataset, train_limit: int | None) -> int:
    if train_limit is None:
        return len(dataset.train)
    if train_limit < 1:
        raise DataError(f"the training limit must be at least 1, got {train_limit}")
    return min(int(train_limit), len(dataset.train))


def _read_cache(path: Path) -> dict:
    try:
        cache = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}  # absent or damaged: just recompute
    return cache if isinstance(cache, dict) else {}


def _write_cache(path: Path, cache: dict) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with atomic_write(path) as f:
            json.dump(cache, f, indent=1)
    except OSError:
        pass  # a cache that cannot be written only costs time next run


def svm_cached_result(
    dataset: Dataset, train_limit: int | None = None, gamma: str | float = BOOK_GAMMA
) -> int | None:
    """The cached SVM result for these data and settings, or None if it was never run."""
    _need_labels(dataset, "svm")
    hit = _read_cache(svm_cache_path()).get(svm_cache_key(dataset, train_limit, gamma))
    if isinstance(hit, dict) and isinstance(hit.get("correct"), int):
        return hit["correct"]
    return None


def svm_baseline(
    dataset: Dataset,
    progress: StageFn | None = None,
    train_limit: int | None = None,
    gamma: str | float = BOOK_GAMMA,
    use_cache: bool = True,
) -> int:
    """Test examples classified right by scikit-learn's ``SVC`` trained on the train split.

    The rbf kernel with C=1.0 and, by default, ``gamma="auto"``: SVC's default when the book
    got its 9,435 / 10,000, so the number can be checked against the book. Pass
    ``gamma="scale"`` for today's default. Measured on MNIST with scikit-learn 1.9.1: "scale"
    9,785 and "auto" 9,434 (the same with float32 or float64 pixels; the book's libsvm
    was older). ``train_limit`` trains on the first N examples only.
    SVC reports no progress while fitting, so ``progress(stage, message)`` gets stages:
    "cached", "fitting", "predicting" (with a count as the prediction goes) and "done".
    Results are cached on disk keyed by scikit-learn version, data and settings.
    """
    _need_labels(dataset, "svm")
    note = progress or (lambda stage, message: None)
    n = _train_count(dataset, train_limit)
    key = svm_cache_key(dataset, train_limit, gamma)
    path = svm_cache_path()
    if use_cache:
        hit = svm_cached_result(dataset, train_limit, gamma)
        if hit is not None:
            note("cached", f"cached result from {path}")
            return hit

    try:
        from sklearn.svm import SVC
    except ImportError as exc:  # pragma: no cover - scikit-learn is a dependency
        raise DataError("the svm baseline needs scikit-learn: `pip install scikit-learn`") from exc

    start = time.perf_counter()
    note("fitting", f"fitting SVC on {n} training images")
    # (n, n_inputs) C-ordered float64: the layout libsvm uses, so sklearn makes no second copy
    x_train = dataset.train.x[:n].astype(np.float64)
    x_train *= dataset.scale
    clf = SVC(kernel=SVM_SETTINGS["kernel"], C=SVM_SETTINGS["C"], gamma=gamma)
    clf.fit(x_train, dataset.train.labels[:n])
    del x_train
    test = dataset.test
    correct = 0
    chunk = 1000  # predict in pieces: progress, and no float copy of the whole test set
    for s in range(0, len(test), chunk):
        note("predicting", f"predicting {s} / {len(test)}")
        part = test.head(s + chunk)
        x = part.x[s:].astype(np.float64) * dataset.scale
        correct += int(np.count_nonzero(clf.predict(x) == part.labels[s:]))
    seconds = time.perf_counter() - start
    note("done", f"{correct} / {len(test)} in {seconds:.0f} s")

    cache = _read_cache(path)
    cache[key] = {"correct": correct, "total": len(test), "seconds": round(seconds, 1)}
    _write_cache(path, cache)
    return correct


def run_baseline(name: str, dataset: Dataset, **options) -> int:
    """Run a baseline by name ("random", "darkness" or "svm") and return the number right."""
    funcs = {"random": random_baseline, "darkness": darkness_baseline, "svm": svm_baseline}
    if name not in funcs:
        raise DataError(f"unknown baseline {name!r}: choose one of {', '.join(funcs)}")
    return funcs[name](dataset, **options)
