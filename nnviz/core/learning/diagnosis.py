"""Why a run is not learning, read from its own numbers.

The studio shows the answer as a banner. Each rule looks at what the run did, not at its
settings alone: the cost per epoch (moving little, or rising and falling), how many sigmoids
sit where their slope is nearly zero, and whether some output neuron never fires.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from nnviz.core.datasets.dataset import Dataset
from nnviz.core.learning.neuron import sigmoid
from nnviz.core.learning.snapshot import CHUNK, EPOCH, Progress

BARELY_MOVING = 0.02  # the cost fell by less than 2% of its start in the epochs seen
SATURATED_SHARE = 0.5  # more than half of the sigmoids near 0 or 1
DEAD_OUTPUT = 0.1  # an output whose activation never exceeds this does not fire
SMALL_ETA = 0.05  # a sixtieth of the book's eta = 3
SATURATED = 0.02  # a sigmoid output this close to 0 or 1 has slope below ~0.02
STALL_EPOCHS = 3  # a run is stalled when its last this many epochs ...
STALL_GAIN = 0.01  # ... beat the best accuracy before them by less than one point
LOOK_INSIDE_BELOW = 0.9  # only a run this far behind pays for a forward pass over examples
SAMPLE = 1000  # test examples a run's diagnosis looks at
SWING = 0.02  # a rise or fall of the cost counts as a swing from 2% of its size
FLAT = 0.005  # a cost whose last values lie within 0.5% of their mean is flat


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


def stalled(accuracies: Sequence[float]) -> bool:
    """True when the last STALL_EPOCHS epochs gained less than STALL_GAIN over the best
    accuracy before them: the run has stopped improving, not merely started slowly."""
    if len(accuracies) <= STALL_EPOCHS:
        return False
    recent, before = accuracies[-STALL_EPOCHS:], accuracies[:-STALL_EPOCHS]
    return max(recent) - max(before) < STALL_GAIN


def swings(costs: Sequence[float]) -> int:
    """How many times the cost turns (a rise after a fall or the reverse), counting only
    moves of at least SWING of the larger of the two costs, so that the last digits of a
    flat cost are not read as oscillation."""
    moves = [b - a for a, b in zip(costs, costs[1:]) if abs(b - a) >= SWING * max(abs(a), abs(b))]
    return sum(1 for a, b in zip(moves, moves[1:]) if a * b < 0)


def flat(costs: Sequence[float]) -> bool:
    """True when the last three costs (or fewer) lie within FLAT of their mean."""
    recent = costs[-3:]
    mean = sum(recent) / len(recent)
    return max(recent) - min(recent) <= FLAT * abs(mean)


def diagnose(
    costs: Sequence[float],
    accuracies: Sequence[float],
    chance: float,
    eta: float,
    saturated: float | None = None,
    output_peaks: Sequence[float] | None = None,
    recalls: Sequence[float] | None = None,
) -> Diagnosis | None:
    """What holds the run back, or None when it is learning (or it is too early to tell).

    ``costs``: the cost at the start and after each epoch so far (at least two values to say
    anything); ``accuracies`` the test accuracy after each epoch, as fractions, and
    ``chance`` the accuracy of guessing; ``saturated`` the share of sigmoids within a hair
    of 0 or 1; ``output_peaks`` the largest activation each output neuron reached on the
    test examples; ``recalls`` the share of each class's test examples the network gets
    right (a class at 0 is a digit it never names).

    A saturated run and an oscillating one both sit near chance; they differ in their cost:
    saturation leaves it flat (the gradient has vanished), oscillation makes it rise and
    fall by visible amounts.
    """
    costs = [float(c) for c in costs if c == c]  # drop NaN (no batch yet)
    if not accuracies or len(costs) < 2:
        return None
    accuracy = accuracies[-1]
    if (output_peaks is not None or recalls is not None) and 2 * chance <= accuracy < 0.9:
        # Learning, but some digits are never predicted (the [784, 100, 10] stalls). Said
        # only once accuracy has stopped climbing: many runs recover from a slow start.
        dead = _dead_outputs(output_peaks, recalls) if stalled(accuracies) else None
        if dead is not None:
            return dead
    if accuracy >= 2 * chance:
        return None
    first, last = costs[0], costs[-1]
    moving = (first - last) / first if first > 0 else 0.0
    if eta < SMALL_ETA:
        # Tiny steps explain a run near chance whatever else it shows: N(0, 1) weights
        # saturate many sigmoids from the start, and small steps take long to pull them out.
        return _too_small(moving, eta)
    many_saturated = saturated is not None and saturated > SATURATED_SHARE
    if many_saturated and flat(costs):
        return _saturated(saturated or 0.0, eta)
    if last > first * (1 + SWING) or swings(costs) >= 2:
        return Diagnosis(
            "too_large",
            f"The cost is {'rising' if last > first else 'going up and down'} at "
            f"\u03b7 = {eta:g}: each step overshoots the valley. Try a smaller \u03b7, "
            "such as 3.",
        )
    if many_saturated:
        return _saturated(saturated or 0.0, eta)
    if moving < BARELY_MOVING * (len(costs) - 1):
        return _too_small(moving, eta)
    return None


def _dead_outputs(
    output_peaks: Sequence[float] | None, recalls: Sequence[float] | None
) -> Diagnosis | None:
    n = len(output_peaks) if output_peaks is not None else len(recalls or [])
    silent = {j for j, peak in enumerate(output_peaks or []) if peak < DEAD_OUTPUT}
    unnamed = {j for j, r in enumerate(recalls or []) if r == 0}
    dead = sorted(silent | unnamed)
    if not dead or len(dead) == n:  # nothing fires at all: the other rules say why
        return None
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
        f"{what}, and accuracy has not improved for {STALL_EPOCHS} epochs, so the run is "
        f"stuck below 90%. The start saturated {'those' if several else 'that'} output "
        f"neuron{'s' if several else ''}, and gradient descent rarely pulls one back. This "
        "happens for some seeds, as the book notes: Reset with another seed.",
    )


def _saturated(saturated: float, eta: float) -> Diagnosis:
    if eta >= 10:
        why = "large steps pushed them there"
        advice = "Try a smaller \u03b7, such as 3."
    else:
        why = "they started there (large initial weights), and small steps cannot pull "
        why += "them out"
        advice = "Try a larger \u03b7 or another seed."
    return Diagnosis(
        "saturated",
        f"Stuck near chance, with a flat cost: {100 * saturated:.0f}% of the sigmoids are "
        f"saturated (near 0 or 1), where their slope \u03c3'(z) is almost zero, so the "
        f"gradient vanishes; {why}. {advice}",
    )


def _too_small(moving: float, eta: float) -> Diagnosis:
    return Diagnosis(
        "too_small",
        f"Still near chance after the cost fell {100 * moving:.0f}% at \u03b7 = {eta:g}: the "
        "steps are too small to get anywhere soon. Try a larger \u03b7, such as 3.",
    )


def diagnose_run(
    weights: Sequence[np.ndarray],
    biases: Sequence[np.ndarray],
    dataset: Dataset | None,
    records: Sequence[Progress],
) -> Diagnosis | None:
    """What holds a run back after its last epoch record, from its own numbers: the costs
    and accuracies of its ``records`` and, for a run that is behind, a look at its outputs
    and sigmoids on the first SAMPLE test examples. The studio's banner and the last line of
    ``nnviz train`` both come from here."""
    if dataset is None or not dataset.is_classification:
        return None
    epochs = [r for r in records if r.kind == EPOCH and r.test_accuracy is not None]
    if not epochs:
        return None
    accuracies = [r.test_accuracy or 0.0 for r in epochs]
    acc = accuracies[-1]
    chance = 1.0 / dataset.n_outputs
    costs = [r.cost for r in records if r.kind == CHUNK and r.cost == r.cost][:1]
    costs += [r.cost for r in epochs]
    saturated = peaks = recalls = None
    head = dataset.test.head(SAMPLE)
    if acc < LOOK_INSIDE_BELOW and head.labels is not None:
        sample = dataset.inputs(head, weights[0].dtype)
        peaks, recalls = output_peaks(weights, biases, sample, head.labels)
        if acc < 2 * chance:
            saturated = saturation(weights, biases, sample[:, :300])
    return diagnose(costs, accuracies, chance, epochs[-1].eta, saturated, peaks, recalls)
