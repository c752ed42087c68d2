"""The numbers the studio's diagnosis reads from a network (moved into the core from the
studio, issue 27), checked example by example against a plain forward pass."""

from __future__ import annotations

import math

import numpy as np

from nnviz.core.learning.diagnosis import SATURATED, output_peaks, saturation
from nnviz.core.learning.network import Network


def forward_one(net: Network, x: np.ndarray) -> list[np.ndarray]:
    """Every layer's activations for one example, the book's way."""
    out, a = [], x.reshape(-1, 1)
    for w, b in zip(net.weights, net.biases, strict=True):
        a = 1.0 / (1.0 + np.exp(-(w @ a + b)))
        out.append(a.ravel())
    return out


def test_peaks_recalls_and_saturation_match_a_per_example_reference():
    rng = np.random.default_rng(3)
    net = Network([6, 5, 4], seed=2)
    net.weights[0] *= 6.0  # some sigmoids near 0 or 1
    x = rng.normal(size=(6, 40))
    labels = rng.integers(0, 4, size=40)
    peaks, recalls = output_peaks(net.weights, net.biases, x, labels)
    layers = [forward_one(net, x[:, i]) for i in range(40)]
    outputs = np.array([a[-1] for a in layers])  # (40, 4)
    np.testing.assert_allclose(peaks, outputs.max(axis=0), rtol=1e-12)
    for j in range(4):
        mine = labels == j
        expected = np.mean(outputs[mine].argmax(axis=1) == j) if mine.any() else math.nan
        assert recalls[j] == expected or (math.isnan(expected) and math.isnan(recalls[j]))
    flat = np.concatenate([np.concatenate(a) for a in layers])
    expected = np.mean((flat < SATURATED) | (flat > 1 - SATURATED))
    assert saturation(net.weights, net.biases, x) == expected
    assert 0 < expected < 1
