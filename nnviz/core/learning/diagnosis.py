"""Why a run is not learning, read from its own numbers.

The studio shows the answer as a banner. Each rule looks at what the run did, not at its
settings alone: the cost per epoch (moving little, or rising and falling), how many sigmoids
sit where their slope is nearly zero, and whether some output neuron never fires.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from nnviz.core.learning.neuron import sigmoid

BARELY_MOVING = 0.02  # the cost fell by less than 2% of its start in the epochs seen
SATURATED_SHARE = 0.5  # more than half of the sigmoids near 0 or 1
DEAD_OUTPUT = 0.1  # an output whose activation never exceeds this does not fire
SMALL_ETA = 0.05  # a sixtieth of the book's eta = 3
SATURATED = 0.02  # a sigmoid output this close to 0 or 1 has slope below ~0.02


def output_peaks(
    weights: Sequence[np.ndarray],
    biases: Sequence[np.ndarray],
    inputs: np.ndarray,
    labels: np.ndarray,
) -> tuple[list[float], list[float]]:
    """The largest activation each output neuron reaches on ``inputs`` (n_0, m), and each
    class's recall (the share of its examples whose most active output is that class)."""
    a = inputs
    for w, b in zip(weights, biases, strict=True):
        a = sigmoid(w @ a + b)
    predicted = a.argmax(axis=0)
    recalls = []
    for j in range(a.shape[0]):
        mine = labels == j
        recalls.append(float(np.mean(predicted[mine] == j)) if mine.any() else float("nan"))
    return [float(v) for v in a.max(axis=1)], recalls


def saturation(
    weights: Sequence[np.ndarray], biases: Sequence[np.ndarray], inputs: np.ndarray
) -> float:
    """Fraction of hidden and output sigmoids within SATURATED of 0 or 1 on ``inputs``."""
    a = inputs
    flat = []
    for w, b in zip(weights, biases, strict=True):
        a = sigmoid(w @ a + b)
        flat.append(a.ravel())
    s = np.concatenate(flat)
    return float(np.mean((s < SATURATED) | (s > 1 - SATURATED)))


@dataclass(frozen=True)
class Diagnosis:
    kind: str  # "too_small", "too_large", "saturated", "dead_outputs"
    message: str


def diagnose(
    costs: Sequence[float],
    accuracy: float | None,
    chance: float,
    eta: float,
    saturated: float | None = None,
    output_peaks: Sequence[float] | None = None,
    recalls: Sequence[float] | None = None,
) -> Diagnosis | None:
    """What holds the run back, or None when it is learning (or it is too early to tell).

    ``costs``: the cost at the start and after each epoch so far (at least two values to say
    anything); ``accuracy`` and ``chance`` as fractions; ``saturated`` the share of sigmoids
    within a hair of 0 or 1; ``output_peaks`` the largest activation each output neuron
    reached on the test examples; ``recalls`` the share of each class's test examples the
    network gets right (a class at 0 is a digit it never names).
    """
    costs = [float(c) for c in costs if c == c]  # drop NaN (no batch yet)
    if accuracy is None or len(costs) < 2:
        return None
    if (output_peaks is not None or recalls is not None) and 2 * chance <= accuracy < 0.9:
        # Learning, but some digits are never predicted (the [784, 100, 10] stalls). When
        # nothing fires at all, the rules below say why (large steps, a saturated start).
        n = len(output_peaks) if output_peaks is not None else len(recalls or [])
        silent = {j for j, peak in enumerate(output_peaks or []) if peak < DEAD_OUTPUT}
        unnamed = {j for j, r in enumerate(recalls or []) if r == 0}
        dead = sorted(silent | unnamed)
        if dead and len(dead) < n:
            names = ", ".join(str(j) for j in dead)
            several = len(dead) > 1
            if silent >= unnamed:
                what = (
                    f"Output neuron{'s' if several else ''} {names} never fire"
                    f"{'' if several else 's'} (activation below {DEAD_OUTPUT} on every test "
                    "example)"
                )
            else:
                what = f"Class{'es' if several else ''} {names} never get{'' if several else 's'}"
                what += " predicted (0% recall on the test examples)"
            return Diagnosis(
                "dead_outputs",
                f"{what}, so the run is stuck below 90%. The start saturated "
                f"{'those' if several else 'that'} output neuron{'s' if several else ''}, "
                "and gradient descent rarely pulls one back. This happens for some seeds, "
                "as the book notes: Reset with another seed.",
            )
    if accuracy >= 2 * chance:
        return None
    first, last = costs[0], costs[-1]
    diffs = [b - a for a, b in zip(costs, costs[1:])]
    turns = sum(1 for a, b in zip(diffs, diffs[1:]) if a * b < 0)
    if last > first * 1.02 or turns >= 2:
        return Diagnosis(
            "too_large",
            f"The cost is {'rising' if last > first else 'going up and down'} at "
            f"\u03b7 = {eta:g}: each step overshoots the valley. Try a smaller \u03b7, "
            "such as 3.",
        )
    moving = (first - last) / first if first > 0 else 0.0
    if eta < SMALL_ETA:
        # Tiny steps explain a run near chance whatever else it shows: N(0, 1) weights
        # saturate many sigmoids from the start, and small steps take long to pull them out.
        return _too_small(moving, eta)
    if saturated is not None and saturated > SATURATED_SHARE:
        if eta >= 10:
            why = "large steps pushed them there"
            advice = "Try a smaller \u03b7, such as 3."
        else:
            why = "they started there (large initial weights), and small steps cannot pull "
            why += "them out"
            advice = "Try a larger \u03b7 or another seed."
        return Diagnosis(
            "saturated",
            f"Stuck near chance: {100 * saturated:.0f}% of the sigmoids are saturated (near 0 "
            f"or 1), where their slope \u03c3'(z) is almost zero, so the gradient vanishes; "
            f"{why}. {advice}",
        )
    if moving < BARELY_MOVING * (len(costs) - 1):
        return _too_small(moving, eta)
    return None


def _too_small(moving: float, eta: float) -> Diagnosis:
    return Diagnosis(
        "too_small",
        f"Still near chance after the cost fell {100 * moving:.0f}% at \u03b7 = {eta:g}: the "
        "steps are too small to get anywhere soon. Try a larger \u03b7, such as 3.",
    )
