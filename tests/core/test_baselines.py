"""Baselines: random guessing, average darkness, and the SVM, each against a reference."""

from __future__ import annotations

import json
from collections import defaultdict

import numpy as np
import pytest

from nnviz.core.baselines import (
    BASELINES,
    darkness_averages,
    darkness_baseline,
    random_baseline,
    run_baseline,
    svm_baseline,
    svm_cache_path,
)
from nnviz.core.datasets.builtin import load_digits, truth_table_dataset
from nnviz.core.datasets.dataset import Dataset, Split, one_hot
from nnviz.core.datasets.mnist import load_mnist
from nnviz.core.errors import DataError


def synthetic(n_train=300, n_test=200, n_classes=10, n_pixels=16, seed=0) -> Dataset:
    rng = np.random.default_rng(seed)

    def split(n):
        labels = rng.integers(0, n_classes, n).astype(np.int64)
        x = rng.integers(0, 256, (n, n_pixels), dtype=np.uint8)
        return Split(x, one_hot(labels, n_classes), labels)

    return Dataset("synthetic", split(n_train), split(n_test), scale=1 / 255)


# --------------------------------------------------------------------------------------------
# Random
# --------------------------------------------------------------------------------------------


def test_random_is_about_one_in_ten():
    ds = synthetic(n_train=10, n_test=20000)
    got = random_baseline(ds, seed=0)
    # binomial(20000, 0.1): mean 2000, sd ~42; 5 sd either side
    assert 1790 < got < 2210
    assert random_baseline(ds, seed=0) == got  # seeded: repeatable
    assert len({random_baseline(ds, seed=s) for s in range(5)}) > 1


def test_random_on_truth_tables():
    # one output bit: right half the time; two output bits: a quarter of the time
    xor = [random_baseline(truth_table_dataset("xor"), seed=s) for s in range(400)]
    adder = [random_baseline(truth_table_dataset("full_adder"), seed=s) for s in range(400)]
    assert all(0 <= v <= 4 for v in xor) and 1.8 < np.mean(xor) < 2.2
    assert all(0 <= v <= 8 for v in adder) and 1.8 < np.mean(adder) < 2.2


# --------------------------------------------------------------------------------------------
# Average darkness
# --------------------------------------------------------------------------------------------


def darkness_reference(train_x, train_labels, test_x, test_labels) -> int:
    """The rule written out in plain Python, one image at a time."""
    totals, counts = defaultdict(float), defaultdict(int)
    for image, label in zip(train_x, train_labels, strict=True):
        totals[int(label)] += sum(float(p) for p in image)
        counts[int(label)] += 1
    averages = {d: totals[d] / counts[d] for d in counts}
    right = 0
    for image, label in zip(test_x, test_labels, strict=True):
        dark = sum(float(p) for p in image)
        guess = min(averages, key=lambda d: abs(averages[d] - dark))
        right += guess == int(label)
    return right


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_darkness_matches_plain_python(seed):
    ds = synthetic(seed=seed)
    expected = darkness_reference(ds.train.x, ds.train.labels, ds.test.x, ds.test.labels)
    assert darkness_baseline(ds) == expected


def test_darkness_by_construction():
    # Class k images have exactly k*10 ink per pixel: every test image is classified right.
    labels = np.arange(10).repeat(5)
    x = (labels[:, None] * 10 + np.zeros((1, 4), dtype=np.int64)).astype(np.uint8)
    split = Split(x, one_hot(labels, 10), labels.astype(np.int64))
    ds = Dataset("steps", split, split, scale=1 / 255)
    assert darkness_baseline(ds) == 50
    np.testing.assert_allclose(darkness_averages(ds), np.arange(10) * 40 / 255)


def test_darkness_with_a_missing_class():
    ds = synthetic(n_classes=10)
    keep = ds.train.labels != 3
    train = Split(ds.train.x[keep], ds.train.y[keep], ds.train.labels[keep])
    ds = Dataset("no-threes", train, ds.test, scale=ds.scale)
    assert np.isnan(darkness_averages(ds)[3])
    expected = darkness_reference(train.x, train.labels, ds.test.x, ds.test.labels)
    assert darkness_baseline(ds) == expected


def test_baselines_need_labels():
    for name in ("darkness", "svm"):
        with pytest.raises(DataError, match="mnist or digits"):
            run_baseline(name, truth_table_dataset("and"))
    with pytest.raises(DataError, match="random, darkness, svm"):
        run_baseline("knn", load_digits())


@pytest.mark.mnist
def test_darkness_on_real_mnist_is_the_books_2225(mnist_path):
    ds = load_mnist(mnist_path)
    assert darkness_baseline(ds) == 2225  # the book's figure, out of 10,000
    # and an independent numpy version of the rule on float pixels, as the book's data had
    tx = (ds.train.x.astype(np.float32) / np.float32(255)).sum(axis=1)
    avg = {d: float(tx[ds.train.labels == d].mean()) for d in range(10)}
    sx = (ds.test.x.astype(np.float32) / np.float32(255)).sum(axis=1)
    guesses = [min(avg, key=lambda d, s=s: abs(avg[d] - s)) for s in sx.tolist()]
    assert int(np.sum(np.array(guesses) == ds.test.labels)) == 2225


# --------------------------------------------------------------------------------------------
# SVM
# --------------------------------------------------------------------------------------------


def test_svm_matches_sklearn_and_is_cached():
    from sklearn.svm import SVC

    ds = load_digits()
    # By default the book's setting, gamma="auto" (SVC's default when the book was written).
    ref = SVC(gamma="auto").fit(ds.train.x / 16.0, ds.train.labels).predict(ds.test.x / 16.0)
    expected = int(np.sum(ref == ds.test.labels))
    stages = []
    got = svm_baseline(ds, progress=lambda stage, message: stages.append(stage))
    assert got == expected and got > 270  # the SVM is good at digits
    assert stages[0] == "fitting" and "predicting" in stages and stages[-1] == "done"

    stages.clear()
    assert svm_baseline(ds, progress=lambda stage, message: stages.append(stage)) == expected
    assert stages == ["cached"]
    cache = json.loads(svm_cache_path().read_text())
    assert len(cache) == 1
    assert next(iter(cache.values()))["correct"] == expected


def test_svm_train_limit_and_gamma_are_part_of_the_key():
    from sklearn.svm import SVC

    ds = load_digits()
    small = ds.train.head(100)
    ref = SVC(gamma="auto").fit(small.x / 16.0, small.labels).predict(ds.test.x / 16.0)
    assert svm_baseline(ds, train_limit=100, gamma="auto") == int(np.sum(ref == ds.test.labels))
    stages = []
    svm_baseline(ds, train_limit=100, gamma="scale", progress=lambda s, m: stages.append(s))
    assert stages[0] == "fitting"  # a different gamma is not served from the cache
    assert len(json.loads(svm_cache_path().read_text())) == 2
    with pytest.raises(DataError, match="at least 1"):
        svm_baseline(ds, train_limit=0)


def test_damaged_svm_cache_is_ignored():
    path = svm_cache_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("{not json")
    ds = load_digits()
    got = svm_baseline(ds, train_limit=50)
    assert 30 < got <= 300
    assert len(json.loads(path.read_text())) == 1


def test_baseline_table():
    names = [name for name, _ in BASELINES]
    assert names == ["random", "darkness", "svm"]
    assert all(text and "\n" not in text for _, text in BASELINES)
