"""One perceptron or sigmoid neuron with a handful of inputs (book sections 1.1 and 1.2).

The lab, the CLI and the tests all share this model: a :class:`Perceptron` value, its truth
table in binary counting order, the presets from the book, logic-gate challenges with an
automatic check, the sigmoid neuron obtained by scaling every weight and the bias by ``c``,
and the linear prediction of a small change (the book's equation 5) beside the true change.

The firing rules themselves live in :mod:`nnviz.core.learning.neuron`; this module builds on them.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import product

import numpy as np

from nnviz.core.learning.neuron import (
    NAND_BIAS,
    NAND_WEIGHTS,
    perceptron_bias,
    perceptron_threshold,
    sigmoid,
    sigmoid_neuron,
    sigmoid_prime,
    weighted_sum,
)

MAX_INPUTS = 5
"""The lab shows at most 5 inputs: a 32-row truth table still fits on screen."""


def _check_finite(name: str, value: float) -> float:
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {value!r}")
    return value


@dataclass(frozen=True)
class Perceptron:
    """A perceptron with weights ``w_1..w_n`` and bias ``b`` (threshold = -b).

    Immutable: editing a weight makes a new value (see :meth:`with_weight`), so views can
    keep the old one for comparisons without copying.
    """

    weights: tuple[float, ...]
    bias: float

    def __post_init__(self) -> None:
        weights = tuple(_check_finite(f"weight w{j + 1}", w) for j, w in enumerate(self.weights))
        if not 1 <= len(weights) <= MAX_INPUTS:
            raise ValueError(
                f"a perceptron here has 1 to {MAX_INPUTS} inputs, got {len(weights)} weights"
            )
        object.__setattr__(self, "weights", weights)
        object.__setattr__(self, "bias", _check_finite("bias b", self.bias))

    @classmethod
    def from_threshold(cls, weights: Sequence[float], threshold: float) -> Perceptron:
        """The perceptron that fires when ``w . x > threshold`` (so ``b = -threshold``)."""
        return cls(tuple(weights), -float(threshold))

    @property
    def n_inputs(self) -> int:
        return len(self.weights)

    @property
    def threshold(self) -> float:
        """The threshold form's parameter: ``-b``."""
        return -self.bias

    def z(self, x: Sequence[float]) -> float:
        """The weighted input ``z = w . x + b``."""
        self._check_inputs(x)
        return weighted_sum(self.weights, x) + self.bias

    def output(self, x: Sequence[float]) -> int:
        """Bias form: 1 if ``w . x + b > 0`` else 0."""
        self._check_inputs(x)
        return perceptron_bias(self.weights, x, self.bias)

    def output_threshold_form(self, x: Sequence[float]) -> int:
        """Threshold form: 1 if ``w . x > threshold`` else 0 (always equal to :meth:`output`)."""
        self._check_inputs(x)
        return perceptron_threshold(self.weights, x, self.threshold)

    def with_weight(self, j: int, value: float) -> Perceptron:
        """A copy with ``w_{j+1}`` (0-based index ``j``) set to ``value``."""
        weights = list(self.weights)
        weights[j] = value
        return Perceptron(tuple(weights), self.bias)

    def with_bias(self, value: float) -> Perceptron:
        return Perceptron(self.weights, value)

    def scaled(self, c: float) -> Perceptron:
        """Every weight and the bias multiplied by ``c`` (the book's exercise in 1.2)."""
        return Perceptron(tuple(c * w for w in self.weights), c * self.bias)

    def _check_inputs(self, x: Sequence[float]) -> None:
        if len(x) != self.n_inputs:
            raise ValueError(f"expected {self.n_inputs} inputs, got {len(x)}")


def slice_2d(p: Perceptron, x: Sequence[float]) -> Perceptron:
    """The 2-input perceptron seen in the (x1, x2) plane with x3..xn held at ``x``'s values.

    The held inputs' terms join the bias: ``b' = b + sum_{j>=3} w_j x_j``, so for every
    (x1, x2) the slice gives the same z as the full neuron.
    """
    if p.n_inputs < 2:
        raise ValueError("a slice through (x1, x2) needs at least 2 inputs")
    p._check_inputs(x)
    held = weighted_sum(p.weights[2:], x[2:]) if p.n_inputs > 2 else 0.0
    return Perceptron(p.weights[:2], p.bias + held)


# --- truth tables --------------------------------------------------------------------------


def input_rows(n: int) -> list[tuple[int, ...]]:
    """All binary inputs for ``n`` inputs in counting order: 0..0, 0..01, ..., 1..1.

    ``x1`` is the most significant bit, so for n = 2 the order is 00, 01, 10, 11.
    """
    return [tuple(bits) for bits in product((0, 1), repeat=n)]


def truth_table(p: Perceptron) -> list[tuple[tuple[int, ...], int]]:
    """``[(x, output), ...]`` for every binary input, in :func:`input_rows` order."""
    return [(x, p.output(x)) for x in input_rows(p.n_inputs)]


def bits(x: Sequence[int]) -> str:
    """An input row written the book's way, e.g. ``(1, 0)`` -> ``"10"``."""
    return "".join(str(int(v)) for v in x)


# --- writing the weighted sum out ----------------------------------------------------------


def fmt_number(v: float) -> str:
    """A parameter as a person would write it: ``3``, ``-2``, ``0.5``, ``-1.25``."""
    v = float(v)
    if v == 0:
        return "0"  # never "-0"
    if v == int(v) and abs(v) < 1e15:
        return str(int(v))
    return f"{v:.3f}".rstrip("0").rstrip(".")


def describe_sum(p: Perceptron, x: Sequence[float], form: str = "bias") -> str:
    """The current computation with its numbers, e.g. ``(-2)(1) + (-2)(0) + 3 = 1 > 0 -> 1``.

    ``form`` is ``"bias"`` (``w . x + b`` compared with 0) or ``"threshold"`` (``w . x``
    compared with the threshold).
    """
    pairs = zip(p.weights, x, strict=True)
    terms = " + ".join(f"({fmt_number(w)})({fmt_number(xi)})" for w, xi in pairs)
    out = p.output(x)
    if form == "threshold":
        left, right = weighted_sum(p.weights, x), p.threshold
    elif form == "bias":
        terms += f" + {fmt_number(p.bias)}" if p.bias >= 0 else f" - {fmt_number(-p.bias)}"
        left, right = p.z(x), 0.0
    else:
        raise ValueError(f"form must be 'bias' or 'threshold', got {form!r}")
    relation = ">" if out else "≤"
    return f"{terms} = {fmt_number(left)} {relation} {fmt_number(right)} → {out}"


# --- presets -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Preset:
    """A named perceptron from the book (or a simple gate), shown in the given form."""

    key: str
    name: str
    perceptron: Perceptron
    form: str  # "bias" or "threshold": how the book presents it
    explanation: str
    input_names: tuple[str, ...] = ()

    def name_of_input(self, j: int) -> str:
        return self.input_names[j] if j < len(self.input_names) else f"x{j + 1}"


_CHEESE_WEIGHTS = (6.0, 2.0, 2.0)
_CHEESE_INPUTS = ("weather good", "partner comes", "near transit")

PRESETS: tuple[Preset, ...] = (
    Preset(
        "cheese5",
        "Cheese festival, threshold 5",
        Perceptron.from_threshold(_CHEESE_WEIGHTS, 5),
        "threshold",
        "Weather weighs 6, the others 2 each: with threshold 5 only the weather decides.",
        _CHEESE_INPUTS,
    ),
    Preset(
        "cheese3",
        "Cheese festival, threshold 3",
        Perceptron.from_threshold(_CHEESE_WEIGHTS, 3),
        "threshold",
        "Threshold 3: go if the weather is good, or if partner and transit are both yes.",
        _CHEESE_INPUTS,
    ),
    Preset(
        "nand",
        "NAND",
        Perceptron(NAND_WEIGHTS, NAND_BIAS),
        "bias",
        "Weights -2, -2 and bias 3: only input 11 pushes the sum down to -1, so only 11 gives 0.",
    ),
    Preset(
        "and",
        "AND",
        Perceptron((1.0, 1.0), -1.5),
        "bias",
        "Each input adds 1; the bias -1.5 needs both of them before the sum turns positive.",
    ),
    Preset(
        "or",
        "OR",
        Perceptron((1.0, 1.0), -0.5),
        "bias",
        "Each input adds 1; the bias -0.5 is overcome by either one alone.",
    ),
    Preset(
        "not",
        "NOT",
        Perceptron((-1.0,), 0.5),
        "bias",
        "One input with weight -1 and bias 0.5: input 0 leaves +0.5 (fires), input 1 gives -0.5.",
    ),
)


def preset(key: str) -> Preset:
    """The preset with this key (``"nand"``, ``"cheese5"``, ...)."""
    for p in PRESETS:
        if p.key == key:
            return p
    raise KeyError(f"no preset {key!r}; choose one of {', '.join(p.key for p in PRESETS)}")


# --- challenges ----------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckResult:
    """The outcome of checking a perceptron against a challenge.

    ``failing_rows`` lists the binary inputs whose output differs from the target, in
    counting order; ``message`` says in one or two sentences what passed or what to fix.
    """

    passed: bool
    failing_rows: tuple[tuple[int, ...], ...]
    message: str


@dataclass(frozen=True)
class Challenge:
    """Make the perceptron compute ``target`` on every binary input."""

    key: str
    name: str
    n_inputs: int
    target: Callable[[tuple[int, ...]], int] = field(repr=False)
    task: str
    solvable: bool = True
    why_impossible: str = ""
    hint: str = ""

    def target_table(self) -> list[tuple[tuple[int, ...], int]]:
        return [(x, int(self.target(x))) for x in input_rows(self.n_inputs)]

    def check(self, p: Perceptron) -> CheckResult:
        """Compare ``p``'s truth table with the target row by row."""
        if p.n_inputs != self.n_inputs:
            return CheckResult(
                False,
                (),
                f"{self.name} takes {self.n_inputs} input{'s' * (self.n_inputs != 1)}; "
                f"set the number of inputs to {self.n_inputs} and check again.",
            )
        failing = tuple(x for x, want in self.target_table() if p.output(x) != want)
        if not failing:
            return CheckResult(True, (), f"Passed: every row matches {self.name}.")
        first = failing[0]
        want = int(self.target(first))
        names = " ".join(f"x{j + 1}={v}" for j, v in enumerate(first))
        more = len(failing) - 1
        tail = f" ({more} more row{'s' * (more != 1)} wrong.)" if more else ""
        message = (
            f"Row {bits(first)} fails: {names} gives {1 - want}, {self.name} wants {want}.{tail}"
        )
        if not self.solvable:
            message += " " + self.why_impossible
        return CheckResult(False, failing, message)


_XOR_WHY = (
    "No single perceptron can do this. A perceptron splits the plane with one straight line "
    "w·x + b = 0 and outputs 1 on one side. XOR wants 1 at corners (0,1) and (1,0) and 0 at "
    "(0,0) and (1,1): those pairs sit on crossing diagonals, so no line separates them. "
    "In numbers: 00 → 0 needs b ≤ 0; 01 and 10 → 1 need w2 + b > 0 and w1 + b > 0; adding "
    "those gives w1 + w2 + b > -b ≥ 0, so 11 would fire too. Two layers (e.g. NAND gates) "
    "can do it."
)

CHALLENGES: tuple[Challenge, ...] = (
    Challenge(
        "and",
        "AND",
        2,
        lambda x: int(x[0] == 1 and x[1] == 1),
        "Output 1 only when both inputs are 1.",
        hint="Give both inputs the same positive weight; then pick a bias so that one "
        "input alone stays at or below 0 but both together go above it.",
    ),
    Challenge(
        "or",
        "OR",
        2,
        lambda x: int(x[0] == 1 or x[1] == 1),
        "Output 1 when at least one input is 1.",
        hint="Like AND, but a smaller push from the bias: one input alone must be "
        "enough, while 00 must stay at or below 0.",
    ),
    Challenge(
        "nand",
        "NAND",
        2,
        lambda x: int(not (x[0] == 1 and x[1] == 1)),
        "Output 0 only when both inputs are 1.",
        hint="Turn AND around: negative weights and a positive bias. The book's "
        "choice is on the preset list.",
    ),
    Challenge(
        "not",
        "NOT",
        1,
        lambda x: int(x[0] == 0),
        "Output the opposite of the input.",
        hint="With input 0 only the bias counts, so it must be positive; the weight "
        "must pull the sum to 0 or below when the input is 1.",
    ),
    Challenge(
        "majority",
        "Majority of three",
        3,
        lambda x: int(sum(x) >= 2),
        "Output 1 when two or three of the three inputs are 1.",
        hint="Equal weights make the sum count the 1s; put the bias between the sum "
        "for one input and the sum for two.",
    ),
    Challenge(
        "xor",
        "XOR",
        2,
        lambda x: int(x[0] != x[1]),
        "Output 1 when exactly one input is 1. Try it, then check.",
        solvable=False,
        why_impossible=_XOR_WHY,
        hint="Watch the decision plane: can any straight line put 01 and 10 on one "
        "side and 00 and 11 on the other?",
    ),
)


def challenge(key: str) -> Challenge:
    """The challenge with this key (``"and"``, ``"majority"``, ``"xor"``, ...)."""
    for c in CHALLENGES:
        if c.key == key:
            return c
    raise KeyError(f"no challenge {key!r}; choose one of {', '.join(c.key for c in CHALLENGES)}")


# --- the sigmoid neuron --------------------------------------------------------------------


def sigmoid_output(p: Perceptron, x: Sequence[float], c: float = 1.0) -> float:
    """``sigma(c (w . x + b))``: the sigmoid neuron with every weight and the bias times ``c``."""
    q = p.scaled(c)
    return sigmoid_neuron(q.weights, x, q.bias)


def sigmoid_output_vs_c(p: Perceptron, x: Sequence[float], cs: np.ndarray) -> np.ndarray:
    """``sigma(c z)`` for each ``c`` in ``cs`` (shape (k,) -> (k,)).

    As c grows this tends to the perceptron's output when ``z != 0`` and stays at exactly
    0.5 when ``z == 0``.
    """
    return sigmoid(np.asarray(cs, dtype=float) * p.z(x))


def step(z):
    """The step function the sigmoid smooths: 1 where ``z > 0``, else 0 (as the perceptron)."""
    return (np.asarray(z, dtype=float) > 0).astype(float)


@dataclass(frozen=True)
class SmallChange:
    """A nudge of one parameter and its effect on a sigmoid neuron's output.

    ``partial`` is d output / d parameter at the current point; ``predicted`` is
    ``partial * delta`` (the book's equation 5); ``actual`` is the exact change.
    """

    parameter: str  # "w1".."w5" or "b"
    delta: float
    before: float
    after: float
    partial: float

    @property
    def predicted(self) -> float:
        return self.partial * self.delta

    @property
    def actual(self) -> float:
        return self.after - self.before

    @property
    def error(self) -> float:
        return self.actual - self.predicted


def output_partials(p: Perceptron, x: Sequence[float]) -> tuple[tuple[float, ...], float]:
    """``(d output/d w_j for each j, d output/d b)`` for the sigmoid neuron ``sigma(w.x + b)``.

    With ``z = w . x + b``: d output/d w_j = sigma'(z) x_j and d output/d b = sigma'(z).
    """
    s = float(sigmoid_prime(p.z(x)))
    return tuple(s * float(xj) for xj in x), s


def small_change(p: Perceptron, x: Sequence[float], parameter: str, delta: float) -> SmallChange:
    """Nudge ``parameter`` (``"w1"``.. or ``"b"``) by ``delta``; predicted vs true change."""
    dw, db = output_partials(p, x)
    if parameter == "b":
        nudged, partial = p.with_bias(p.bias + delta), db
    elif parameter.startswith("w") and parameter[1:].isdigit():
        j = int(parameter[1:]) - 1
        if not 0 <= j < p.n_inputs:
            raise ValueError(f"no weight {parameter} on a {p.n_inputs}-input neuron")
        nudged, partial = p.with_weight(j, p.weights[j] + delta), dw[j]
    else:
        raise ValueError(f"parameter must be 'b' or 'w1'..'w{p.n_inputs}', got {parameter!r}")
    before = sigmoid_neuron(p.weights, x, p.bias)
    after = sigmoid_neuron(nudged.weights, x, nudged.bias)
    return SmallChange(parameter, float(delta), before, after, partial)
