"""`nnviz perceptron`: print a perceptron's truth table (or a scaled sigmoid neuron's outputs).

nnviz perceptron --weights -2,-2 --bias 3
nnviz perceptron --weights 6,2,2 --threshold 5
nnviz perceptron --weights -2,-2 --bias 3 --sigmoid 10
"""

from __future__ import annotations

import argparse
import math
import re

# argparse takes "-2,-2" for an unknown option because only plain numbers like "-2" count as
# negative values; widen that test on this subparser so a list of numbers is a value.
_NUMBER_LIST = re.compile(r"^-[\d.]*\d[\d.]*(e[-+]?\d+)?(,.*)?$", re.IGNORECASE)


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "perceptron",
        help="print a perceptron's truth table",
        description=(
            "Print the truth table of a perceptron with 1 to 5 binary inputs: a header "
            "naming x1..xn and out, then one row per input in binary counting order."
        ),
    )
    parser._negative_number_matcher = _NUMBER_LIST
    parser.add_argument(
        "--weights",
        required=True,
        metavar="W1,W2,...",
        help="comma-separated weights, one per input (1 to 5), e.g. -2,-2",
    )
    rule = parser.add_mutually_exclusive_group(required=True)
    rule.add_argument("--bias", metavar="B", help="bias form: fire when w.x + b > 0")
    rule.add_argument("--threshold", metavar="T", help="threshold form: fire when w.x > T")
    parser.add_argument(
        "--sigmoid",
        metavar="C",
        help="print sigmoid outputs sigma(C (w.x + b)) to 4 decimals instead of 0/1",
    )
    parser.set_defaults(func=run)


def _number(text: str, what: str) -> float:
    from nnviz.core.errors import UsageError

    try:
        value = float(text)
    except ValueError:
        raise UsageError(f"{what} must be a number, got {text!r}") from None
    if not math.isfinite(value):
        raise UsageError(f"{what} must be a finite number, got {text!r}")
    return value


def parse_weights(text: str) -> tuple[float, ...]:
    """``"-2,-2"`` -> ``(-2.0, -2.0)``; a :class:`UsageError` naming the bad item otherwise."""
    from nnviz.core.errors import UsageError
    from nnviz.core.perceptron import MAX_INPUTS

    items = text.split(",")
    if len(items) > MAX_INPUTS:
        raise UsageError(
            f"--weights has {len(items)} values; give 1 to {MAX_INPUTS} (one per input)"
        )
    weights = []
    for j, item in enumerate(items, start=1):
        if not item.strip():
            raise UsageError(
                f"--weights {text!r}: weight {j} is empty; write numbers separated by commas, "
                "e.g. --weights -2,-2"
            )
        weights.append(_number(item.strip(), f"--weights: weight {j}"))
    return tuple(weights)


def run(args: argparse.Namespace) -> int:
    """Print the truth table (or sigmoid outputs) for the given perceptron."""
    from nnviz.core.errors import UsageError
    from nnviz.core.learning.neuron import MAX_SCALE
    from nnviz.core.perceptron import Perceptron, input_rows, sigmoid_output

    weights = parse_weights(args.weights)
    if args.bias is not None:
        p = Perceptron(weights, _number(args.bias, "--bias"))
    else:
        p = Perceptron.from_threshold(weights, _number(args.threshold, "--threshold"))
    c = None
    if args.sigmoid is not None:
        c = _number(args.sigmoid, "--sigmoid")
        if not 0 < c <= MAX_SCALE:
            raise UsageError(
                f"--sigmoid C must be greater than 0 and at most {MAX_SCALE:g} (beyond that "
                f"sigma(C z) is a step function to the last digit), got {args.sigmoid}"
            )

    header = [f"x{j + 1}" for j in range(p.n_inputs)] + ["out"]
    widths = [len(h) for h in header]
    print(" ".join(header))
    for x in input_rows(p.n_inputs):
        out = p.output(x) if c is None else f"{sigmoid_output(p, x, c):.4f}"
        cells = [*x, out]
        print(" ".join(f"{v!s:<{w}}" for v, w in zip(cells, widths, strict=True)).rstrip())
    return 0
