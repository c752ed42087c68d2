"""Single-neuron rules shared by the network, the perceptron lab and the circuit sandbox.

A perceptron fires (outputs 1) when ``w . x > threshold``, or equivalently, with
``b = -threshold``, when ``w . x + b > 0`` (the book's equations 1 and 2). A sigmoid neuron
outputs ``sigma(w . x + b)`` with ``sigma(z) = 1 / (1 + exp(-z))``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from fractions import Fraction
from typing import Any

import numpy as np


def sigmoid(z: Any) -> Any:
    """The logistic function, with no overflow for any finite z.

    Written as ``0.5 * (1 + tanh(z / 2))``: identical to ``1 / (1 + exp(-z))`` but tanh never
    overflows, so a run at eta = 100 saturates cleanly instead of warning or making NaN.
    """
    z = np.asarray(z)
    if z.dtype.kind != "f":
        z = z.astype(np.float64)
    out = np.empty_like(z)
    sigmoid_into(z, out)
    return out if out.ndim else out[()]


def sigmoid_into(z: np.ndarray, out: np.ndarray) -> np.ndarray:
    """Write sigmoid(z) into ``out`` (same shape) using four in-place ufunc calls."""
    np.multiply(z, 0.5, out=out)
    np.tanh(out, out=out)
    np.add(out, 1.0, out=out)
    np.multiply(out, 0.5, out=out)
    return out


def sigmoid_prime(z):
    """Derivative sigma'(z) = sigma(z) (1 - sigma(z))."""
    s = sigmoid(z)
    return s * (1 - s)


def exact_sum(terms: Sequence[float]) -> Fraction:
    """The exact sum of finite floats (no rounding, no intermediate overflow)."""
    return sum((Fraction(float(t)) for t in terms), Fraction(0))


def weighted_sum(weights: Sequence[float], inputs: Sequence[float]) -> float:
    """``w . x`` for one neuron, correctly rounded (huge weights that cancel give the truth).

    The sum is exact before the one rounding, so 1e308 + 1e308 - 1e308 - 1e308 is 0, not
    inf or nan; a sum beyond the float range comes out as +-inf.
    """
    terms = [float(w) * float(x) for w, x in zip(weights, inputs)]
    if all(math.isfinite(t) for t in terms):
        try:
            return math.fsum(terms)
        except OverflowError:  # partials overflowed: fall back to exact arithmetic
            return _as_float(exact_sum(terms))
    return float(np.dot(np.asarray(weights, dtype=float), np.asarray(inputs, dtype=float)))


def _as_float(value: Fraction) -> float:
    try:
        return float(value)
    except OverflowError:
        return math.inf if value > 0 else -math.inf


def _exact_z(weights, inputs, offset: float) -> Fraction | None:
    terms = [float(w) * float(x) for w, x in zip(weights, inputs)]
    if not all(math.isfinite(t) for t in (*terms, offset)):
        return None
    return exact_sum([*terms, offset])


def perceptron_threshold(
    weights: Sequence[float], inputs: Sequence[float], threshold: float
) -> int:
    """Threshold form: 1 if ``w . x > threshold`` else 0 (compared exactly)."""
    z = _exact_z(weights, inputs, -float(threshold))
    return int(z > 0) if z is not None else int(weighted_sum(weights, inputs) > threshold)


def perceptron_bias(weights: Sequence[float], inputs: Sequence[float], bias: float) -> int:
    """Bias form: 1 if ``w . x + b > 0`` else 0 (compared exactly)."""
    z = _exact_z(weights, inputs, float(bias))
    return int(z > 0) if z is not None else int(weighted_sum(weights, inputs) + bias > 0)


def sigmoid_neuron(weights: Sequence[float], inputs: Sequence[float], bias: float) -> float:
    """Output ``sigma(w . x + b)`` of a sigmoid neuron."""
    return float(sigmoid(weighted_sum(weights, inputs) + bias))


# Scale factors c for "sigmoid neurons with every weight and bias times c": beyond this a
# weight of a few units times c overflows float arithmetic, and sigma(c z) is already a step
# function to the last bit for every z the sandbox shows.
MAX_SCALE = 1e6

# The book's NAND perceptron: two inputs, weights -2 and -2, bias 3.
NAND_WEIGHTS = (-2.0, -2.0)
NAND_BIAS = 3.0
