"""A plain, per-example implementation of the book's SGD step, used only as a test reference.

Deliberately naive: one example at a time, a Python loop over layers, the textbook sigmoid
``1 / (1 + exp(-z))``. The vectorised core must agree with it.
"""

from __future__ import annotations

import numpy as np


def ref_sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def ref_backprop(weights, biases, x, y):
    """Gradient of C_x = ||y - a||^2 / 2 for one example x (n0, 1), y (nL, 1)."""
    activation = x
    activations = [x]
    zs = []
    for w, b in zip(weights, biases):
        z = w @ activation + b
        zs.append(z)
        activation = ref_sigmoid(z)
        activations.append(activation)
    nabla_b = [np.zeros(b.shape) for b in biases]
    nabla_w = [np.zeros(w.shape) for w in weights]
    sp = ref_sigmoid(zs[-1]) * (1 - ref_sigmoid(zs[-1]))
    delta = (activations[-1] - y) * sp
    nabla_b[-1] = delta
    nabla_w[-1] = delta @ activations[-2].T
    for l in range(2, len(weights) + 1):
        sp = ref_sigmoid(zs[-l]) * (1 - ref_sigmoid(zs[-l]))
        delta = (weights[-l + 1].T @ delta) * sp
        nabla_b[-l] = delta
        nabla_w[-l] = delta @ activations[-l - 1].T
    return nabla_b, nabla_w


def ref_update_mini_batch(weights, biases, batch, eta):
    """Return new (weights, biases) after one step on ``batch`` = list of (x, y) columns."""
    nabla_b = [np.zeros(b.shape) for b in biases]
    nabla_w = [np.zeros(w.shape) for w in weights]
    for x, y in batch:
        db, dw = ref_backprop(weights, biases, x, y)
        nabla_b = [nb + d for nb, d in zip(nabla_b, db)]
        nabla_w = [nw + d for nw, d in zip(nabla_w, dw)]
    m = len(batch)
    weights = [w - (eta / m) * nw for w, nw in zip(weights, nabla_w)]
    biases = [b - (eta / m) * nb for b, nb in zip(biases, nabla_b)]
    return weights, biases
