"""Confusion matrix, per-digit accuracy, mistakes and the 4-bit layer against plain loops."""

from __future__ import annotations

import math

import numpy as np
import pytest

from nnviz.core.datasets.dataset import Dataset, Split, one_hot
from nnviz.core.learning.evaluation import (
    binary_codes,
    binary_layer_outputs,
    binary_layer_solution,
    check_binary_layer,
    confusion_matrix,
    evaluate_network,
    misclassified,
    per_class_accuracy,
)
from nnviz.core.learning.network import Network


def _random_case(seed, m=500, n=10):
    rng = np.random.default_rng(seed)
    outputs = rng.random((n, m))
    labels = rng.integers(0, n, m)
    # make about half of them right so both branches are exercised
    right = rng.random(m) < 0.5
    outputs[labels[right], np.flatnonzero(right)] = 1.5
    return outputs, labels


def test_confusion_matrix_matches_loop():
    outputs, labels = _random_case(0)
    pred = outputs.argmax(axis=0)
    ref = [[0] * 10 for _ in range(10)]
    for t, p in zip(labels, pred):
        ref[t][p] += 1
    np.testing.assert_array_equal(confusion_matrix(labels, pred), np.array(ref))


def test_per_class_accuracy_matches_loop_and_nan_for_absent():
    outputs, labels = _random_case(1)
    labels[labels == 7] = 3  # no sevens at all
    pred = outputs.argmax(axis=0)
    acc = per_class_accuracy(labels, pred)
    for d in range(10):
        idx = [i for i in range(len(labels)) if labels[i] == d]
        if not idx:
            assert math.isnan(acc[d])
        else:
            assert acc[d] == pytest.approx(sum(pred[i] == d for i in idx) / len(idx))


def test_misclassified_matches_loop_sorted_by_confidence():
    outputs, labels = _random_case(2)
    ref = []
    for i in range(outputs.shape[1]):
        col = list(outputs[:, i])
        p = col.index(max(col))
        if p != labels[i]:
            ref.append((-max(col), i, int(labels[i]), p))
    ref.sort()
    got = misclassified(outputs, labels)
    assert [(m.index, m.label, m.predicted) for m in got] == [(i, t, p) for _, i, t, p in ref]
    assert [m.confidence for m in got] == pytest.approx([-c for c, *_ in ref])


def test_bad_inputs_raise_clear_errors():
    with pytest.raises(ValueError, match="0..9"):
        confusion_matrix(np.array([10]), np.array([0]))
    with pytest.raises(ValueError, match="predictions"):
        confusion_matrix(np.array([1, 2]), np.array([1]))
    with pytest.raises(ValueError, match="labels"):
        misclassified(np.zeros((10, 3)), np.array([1, 2]))


def test_evaluate_network_agrees_with_feedforward():
    rng = np.random.default_rng(3)
    x = rng.integers(0, 17, (40, 64)).astype(np.uint8)
    labels = rng.integers(0, 10, 40)
    split = Split(x, one_hot(labels, 10), labels)
    ds = Dataset("toy", split, split, scale=1 / 16, image_shape=(8, 8))
    net = Network([64, 5, 10], seed=1)
    ev = evaluate_network(net, ds)
    for i in range(40):
        a = x[i].astype(np.float64) / 16
        for w, b in zip(net.weights, net.biases):
            a = 1 / (1 + np.exp(-(w @ a + b[:, 0])))
        np.testing.assert_allclose(ev.outputs[:, i], a, rtol=1e-10)
        assert ev.predicted[i] == int(np.argmax(a))
    assert ev.accuracy == pytest.approx(np.mean(ev.predicted == labels))
    with pytest.raises(ValueError, match="inputs"):
        evaluate_network(Network([784, 10]), ds)


# -- the 4-bit output layer -------------------------------------------------------------------


def test_binary_codes_match_format():
    codes = binary_codes()
    for d in range(10):
        assert "".join(str(b) for b in codes[d]) == format(d, "04b")


def test_binary_layer_outputs_match_loop():
    rng = np.random.default_rng(4)
    a = rng.random((10, 6))
    w = rng.normal(size=(4, 10))
    b = rng.normal(size=4)
    got = binary_layer_outputs(a, w, b)
    for j in range(6):
        for k in range(4):
            z = sum(w[k, i] * a[i, j] for i in range(10)) + b[k]
            assert got[k, j] == pytest.approx(1 / (1 + math.exp(-z)))


def test_solution_is_perfect_for_confident_outputs():
    # the book's premise: the right output >= 0.99, the others <= 0.01
    rng = np.random.default_rng(5)
    labels = rng.integers(0, 10, 1000)
    a = rng.uniform(0, 0.01, (10, 1000))
    a[labels, np.arange(1000)] = rng.uniform(0.99, 1.0, 1000)
    w, b = binary_layer_solution()
    check = check_binary_layer(a, labels, w, b)
    assert check.accuracy == 1.0
    assert check.failing_digits() == []


def test_check_counts_failures_per_digit():
    labels = np.array([0, 1, 2, 3, 3])
    a = np.eye(10)[:, labels]
    w, b = binary_layer_solution()
    w = w.copy()
    w[3, :] = 0  # the lowest bit always reads 0.5 -> "0": odd digits fail
    b = b.copy()
    b[3] = -1
    check = check_binary_layer(a, labels, w, b)
    assert list(check.correct) == [True, False, True, False, False]
    assert check.per_digit[0] == 1.0 and check.per_digit[1] == 0.0 and check.per_digit[3] == 0.0
    assert math.isnan(check.per_digit[5])
    assert check.failing_digits() == [1, 3]
