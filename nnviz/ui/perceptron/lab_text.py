"""The Perceptrons page's longer captions, as pure functions of the neuron."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from nnviz.core.perceptron import (
    CheckResult,
    Perceptron,
    describe_sum,
    fmt_number,
    output_partials,
    sigmoid_output,
    small_change,
)

_PASS = "#1b7f3b"
_FAIL = "#c0392b"


def plane_description(flat: Perceptron, x: Sequence[float], sigmoid_c: float | None) -> str:
    """The decision plane in words for a screen reader: the line's equation, what each
    corner of the unit square gives, and where the current input is."""
    w1, w2 = (fmt_number(round(w, 3)) for w in flat.weights)
    b = fmt_number(round(flat.bias, 3))
    corners = []
    for a, c in ((0, 0), (0, 1), (1, 0), (1, 1)):
        if sigmoid_c is None:
            out = str(flat.output((a, c)))
        else:
            out = f"{sigmoid_output(flat, (a, c), sigmoid_c):.2f}"
        corners.append(f"({a}, {c}) gives {out}")
    here = ", ".join(fmt_number(round(float(v), 3)) for v in x)
    return f"Line {w1}·x1 + {w2}·x2 + {b} = 0. " + "; ".join(corners) + f". Current input ({here})."


def plane_caption(flat: Perceptron, held: Sequence[float], mode: str, threshold_form: bool) -> str:
    """What the decision plane shows: the (x1, x2) slice with the other inputs ``held``
    (folded into the bias of ``flat``), and how to read the shading or the line."""
    prefix = ""
    if held:
        values = ", ".join(
            f"x{j + 3} = {fmt_number(v) if mode == 'perceptron' else f'{v:.2f}'}"
            for j, v in enumerate(held)
        )
        folded = (
            f"threshold′ = {fmt_number(round(flat.threshold, 3))}"
            if threshold_form
            else f"b′ = {fmt_number(round(flat.bias, 3))}"
        )
        prefix = (
            f"Slice through (x1, x2) with {values} held; their terms join the "
            f"{'threshold' if threshold_form else 'bias'} ({folded}). "
        )
    if mode == "sigmoid":
        text = (
            "Shading: σ(c·z) from blue (0) to orange (1). Black line: z = 0, where the "
            "output is exactly 0.5 for every c. Red ring: the current input."
        )
    else:
        line = "w·x = threshold" if threshold_form else "w·x + b = 0"
        text = (
            f"Black line: {line}. Orange side: output 1, blue side: output 0. "
            "Red ring: the current input."
        )
    return prefix + text


def small_change_html(q: Perceptron, x: Sequence[float], param: str, delta: float, c: float) -> str:
    """Equation (5) on the neuron as run (``q``, already scaled by ``c``): the predicted
    change of the output for nudging ``param`` by ``delta`` against the true change."""
    sc = small_change(q, x, param, delta)
    if param == "b":
        partial_text = f"∂output/∂b = σ′(z) = {sc.partial:.5f}"
    else:
        j = int(param[1:]) - 1
        partial_text = (
            f"∂output/∂{param} = σ′(z)·x{j + 1} = {output_partials(q, x)[1]:.5f}"
            f" × {x[j]:.2f} = {sc.partial:.5f}"
        )
    return (
        f"On the neuron as run (weights and bias × c = {fmt_number(c)}):<br>"
        f"{partial_text}<br>"
        f"<b>Predicted</b> Δoutput ≈ {sc.partial:.5f} × {delta:g} = "
        f"<b>{sc.predicted:+.5f}</b><br>"
        f"<b>True</b> Δoutput = {sc.after:.5f} − {sc.before:.5f} = "
        f"<b>{sc.actual:+.5f}</b><br>"
        f"<span style='color:#555'>Difference {sc.error:+.2e}: it shrinks like Δ² as "
        f"Δ gets smaller.</span>"
    )


def sum_text(p: Perceptron, x: Sequence[float], form: str, sigmoid_c: float | None) -> str:
    """The sum written out with the input's numbers: ``w·x + b`` and the output, or for a
    sigmoid neuron (``sigmoid_c`` given) z and σ(c·z)."""
    if sigmoid_c is not None:
        z = p.z(x)
        terms = " + ".join(
            f"({fmt_number(w)})({x_j:.2f})" for w, x_j in zip(p.weights, x, strict=True)
        )
        sign = "+" if p.bias >= 0 else "-"
        out = sigmoid_output(p, x, sigmoid_c)
        return (
            f"z = {terms} {sign} {fmt_number(abs(p.bias))} = {z:.3f}\n"
            f"σ(c·z) = σ({fmt_number(sigmoid_c)} × {z:.3f}) = {out:.4f}"
        )
    # keep "= 1 > 0 → 1" on one line when the sum wraps
    head, _, tail = describe_sum(p, x, form).rpartition(" = ")
    return head + "\u00a0=\u00a0" + tail.replace(" ", "\u00a0")


def verdict_html(result: CheckResult, why_impossible: str) -> str:
    """A challenge's verdict in green or red, and why it cannot pass when it cannot."""
    colour = _PASS if result.passed else _FAIL
    message = result.message
    if why_impossible and message.endswith(why_impossible):
        message = message[: -len(why_impossible)].rstrip()
    html = f"<p style='color:{colour}'>{'✔' if result.passed else '✘'} {escape(message)}</p>"
    if why_impossible and not result.passed:
        html += f"<p><b>Why it cannot pass:</b> {escape(why_impossible)}</p>"
    return html
