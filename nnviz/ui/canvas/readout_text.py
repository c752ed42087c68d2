"""What the network canvas's hover card says about a neuron or a weight, as pure functions
of what is drawn. Texts number layers and neurons as the book does: the input layer is
layer 1 and neurons count from 1, so ``weights[l][j, k]`` is w^(l+2)_(j+1),(k+1).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from nnviz.core.notation import symbol


@dataclass(frozen=True)
class Shown:
    """The numbers a canvas shows: sizes, parameters, the example's activations (or None),
    unit names per layer, the input grid's width (0: a column) and whether it is editable."""

    sizes: tuple[int, ...]
    weights: Sequence[np.ndarray]
    biases: Sequence[np.ndarray]
    activations: Sequence[np.ndarray] | None
    unit_names: Sequence[Sequence[str] | None]
    grid_columns: int = 0
    editable: bool = False


def unit_label(shown: Shown, layer: int, index: int) -> str:
    """A unit's name: its label (a digit of the output layer), a pixel's place in a grid, or
    x1, x2, ... for inputs and 1, 2, ... for the others."""
    names = shown.unit_names[layer] if layer < len(shown.unit_names) else None
    if names is not None and index < len(names) and names[index]:
        return names[index]
    if layer == 0 and shown.grid_columns:
        r, c = divmod(index, shown.grid_columns)
        return f"pixel (row {r}, col {c})"
    return f"x{index + 1}" if layer == 0 else f"{index + 1}"


def neuron_info(shown: Shown, layer: int, index: int) -> str:
    """Plain-text facts about a neuron, in the book's numbering: where it is, its bias, its
    weighted input z and activation a for the example shown, its strongest weights in."""
    l, j = layer + 1, index + 1
    lines = [f"{layer_word(shown, layer)} neuron {unit_label(shown, layer, index)}"]
    lines[0] += f"  (layer {l}, neuron {j})"
    if layer == 0:
        if shown.activations is not None:
            lines.append(f"input {symbol('a', 1, j)} = {shown.activations[0][index]:.4f}")
        return "\n".join(lines)
    b = float(np.asarray(shown.biases[layer - 1]).ravel()[index])
    lines.append(f"bias {symbol('b', l, j)} = {b:+.4f}")
    w = np.asarray(shown.weights[layer - 1][index], dtype=float)
    if shown.activations is not None:
        z = float(w @ shown.activations[layer - 1]) + b
        a = shown.activations[layer][index]
        lines.append(f"weighted input {symbol('z', l, j)} = {z:+.4f}")
        lines.append(f"activation {symbol('a', l, j)} = \u03c3(z) = {a:.4f}")
    top = np.argsort(-np.abs(w), kind="stable")[:5]
    lines.append("largest incoming weights:")
    for k in top.tolist():
        lines.append(
            f"  from {unit_label(shown, layer - 1, k)}: {symbol('w', l, j, k + 1)} = {w[k]:+.4f}"
        )
    if shown.editable:
        lines.append("double-click to edit the bias")
    return "\n".join(lines)


def edge_info(shown: Shown, layer: int, j: int, k: int) -> str:
    """The weight weights[layer][j, k] in the book's notation, and what it adds to z."""
    l = layer + 2
    w = float(shown.weights[layer][j, k])
    lines = [
        f"weight {symbol('w', l, j + 1, k + 1)} = {w:+.4f}",
        f"from {layer_word(shown, layer)} neuron {unit_label(shown, layer, k)} "
        f"(layer {l - 1}, neuron {k + 1})",
        f"to {layer_word(shown, layer + 1)} neuron {unit_label(shown, layer + 1, j)} "
        f"(layer {l}, neuron {j + 1})",
    ]
    if shown.activations is not None:
        a = float(shown.activations[layer][k])
        lines.append(
            f"adds {symbol('w', l, j + 1, k + 1)}\u00b7{symbol('a', l - 1, k + 1)} = "
            f"{w * a + 0.0:+.4f} to {symbol('z', l, j + 1)}"
        )
    if shown.editable:
        lines.append("double-click to edit")
    return "\n".join(lines)


def layer_word(shown: Shown, layer: int) -> str:
    if layer == 0:
        return "input"
    if layer == len(shown.sizes) - 1:
        return "output"
    return f"hidden layer {layer}" if len(shown.sizes) > 3 else "hidden"
