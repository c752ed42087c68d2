"""The pieces a circuit is made of (nodes, wires, notes, truth tables), its limits, and the
checks of names and values shared by the model, its files and the importers.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple, cast

import numpy as np

FORMAT = "nnviz-circuit"


VERSION = 1


MAX_BLOCK_DEPTH = 32  # blocks inside blocks; the 4-bit adder uses 3


MAX_COORD = 1e6  # canvas coordinates, in scene units (a grid step is 20)


MAX_FILE_BYTES = 50_000_000


# NAND gates with every block instance expanded. Each flip of a switch evaluates all of them
# (about 30 us a gate here), so this bounds a flip to about half a second. Digital's own
# example circuits expand to at most 182.
MAX_EXPANDED_GATES = 20_000

# What the app's views draw, checked by the app and by nnviz open --check alike: parts on the
# circuit canvas (3,000 open in about 3 s here) and expanded gates in the perceptron views (which
# draw every gate as a unit and relay units for every layer a wire skips: 400 take 3 s).
MAX_DRAWN_PARTS = 3_000
MAX_PERCEPTRON_GATES = 250


KINDS = ("input", "output", "nand", "block")


# The largest truth table we build: 2**16 rows is still instant with vectorised evaluation.
MAX_TABLE_INPUTS = 16


_TERMINAL_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_\-]{0,31}")  # fullmatch: "$" let "x2\n" in


class CircuitError(ValueError):
    """An edit or a file that would make an invalid circuit; the message says what to do."""


class LoopError(CircuitError):
    """A wire that would close a loop; ``loop`` holds the node ids on it, for an editor to
    show."""

    def __init__(self, message: str, loop: list[int]) -> None:
        super().__init__(message)
        self.loop = loop


@dataclass(frozen=True)
class Node:
    """One node. ``name`` is set for terminals only, ``block`` for blocks only."""

    id: int
    kind: str
    pos: tuple[float, float]
    name: str | None = None
    block: str | None = None
    rotation: int = 0  # degrees clockwise: 0, 90, 180 or 270 (drawing only)
    flip: bool = False  # mirrored left-right (drawing only)
    label: str = ""  # free text shown with the part; terminals are named by ``name``


@dataclass(frozen=True)
class Wire:
    """A wire from output port ``src_port`` of ``src`` to input port ``dst_port`` of ``dst``."""

    id: int
    src: int
    src_port: int
    dst: int
    dst_port: int
    bend: float | None = None  # x of the vertical run the user dragged it to (drawing only)


@dataclass(frozen=True)
class Note:
    """Free text on the canvas: explains a circuit, takes no part in its logic."""

    id: int
    pos: tuple[float, float]
    text: str


MAX_LABEL = 40  # characters in a part's label
MAX_NOTE = 2000  # characters in one note


MAX_NOTES = 500


@dataclass(frozen=True)
class RemovedNode:
    """What :meth:`Circuit.remove_node` took away; :meth:`Circuit.restore` puts it back."""

    node: Node
    wires: tuple[Wire, ...]


class TruthTable(NamedTuple):
    """``rows[i] = (input bits, output bits)``; unpacks as ``(inputs, outputs, rows)``."""

    input_names: tuple[str, ...]
    output_names: tuple[str, ...]
    rows: list[tuple[tuple[int, ...], tuple[int, ...]]]


Listener = Callable[[str, Any], None]


def validate_terminal_name(name: object) -> str:
    """Return ``name`` if it can name an input or output, else raise CircuitError."""
    if not isinstance(name, str) or not _TERMINAL_NAME.fullmatch(name):
        raise CircuitError(
            f"{name!r} is not a valid terminal name: use 1-32 letters, digits, '_' or '-', "
            "starting with a letter or '_' (for example x1, sum, cin)"
        )
    return name


def validate_block_name(name: object) -> str:
    """Return ``name`` if it can name a block definition, else raise CircuitError."""
    if (
        not isinstance(name, str)
        or not name
        or name != name.strip()
        or len(name) > 60
        or not name.isprintable()
    ):
        raise CircuitError(
            f"{name!r} is not a valid block name: use 1-60 printable characters with no "
            "leading or trailing spaces (for example half_adder)"
        )
    return name


def check_rotation(value: object) -> int:
    if isinstance(value, bool) or value not in (0, 90, 180, 270):
        raise CircuitError(f'"rotation" must be 0, 90, 180 or 270 degrees, got {value!r}'[:120])
    return int(value)  # one of 0, 90, 180, 270


def check_bend(value: object) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not np.isfinite(value):
        raise CircuitError(f'a wire\'s "bend" must be a number, got {value!r}'[:120])
    if not -MAX_COORD <= value <= MAX_COORD:
        raise CircuitError(f'a wire\'s "bend" is off the canvas ({value:.3g})')
    return float(value)


def check_note(value: object) -> str:
    if not isinstance(value, str):
        raise CircuitError(f"a note's text must be text, got {type(value).__name__}")
    if len(value) > MAX_NOTE:
        raise CircuitError(f"a note has at most {MAX_NOTE} characters, got {len(value):,}")
    return value


def check_label(value: object) -> str:
    if not isinstance(value, str):
        raise CircuitError(f"a label must be text, got {type(value).__name__}")
    text = " ".join(value.split())
    if len(text) > MAX_LABEL:
        raise CircuitError(f"a label has at most {MAX_LABEL} characters, got {len(text)}")
    return text


def as_pos(pos: object) -> tuple[float, float]:
    try:
        a, b = cast(Sequence[Any], pos)  # any pair; anything else fails here
        x, y = float(a), float(b)
    except (TypeError, ValueError):
        raise CircuitError(f"a position must be two numbers (x, y), got {pos!r}") from None
    if not (np.isfinite(x) and np.isfinite(y)):
        raise CircuitError(f"a position must be finite, got {pos!r}"[:200])
    if not (-MAX_COORD <= x <= MAX_COORD and -MAX_COORD <= y <= MAX_COORD):
        # Checked here, where every part is placed (files, imports, edits), so a circuit
        # nnviz open --check accepts is one the canvas can show.
        raise CircuitError(
            f"a part at ({x:,.0f}, {y:,.0f}) is off the canvas (x and y within "
            f"±{MAX_COORD:,.0f}); move the circuit nearer the origin in the program that made it"
        )
    return (x, y)
