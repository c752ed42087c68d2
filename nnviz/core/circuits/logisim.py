"""logisim-evolution's ``.circ`` circuits, read into NAND circuits (combinational, one bit).

A ``.circ`` file is XML: ``<circuit>`` elements of ``<comp>`` parts (a library number, a
name, ``loc`` and ``<a name=... val=...>`` attributes) and ``<wire from=... to=...>``
segments. Wires join where their ends meet, as in Digital, so the nets are made the same way
(:func:`nnviz.core.circuits.digital.circuit_from_parts`). The main circuit is read.

Read: Pin (an input, or an output with ``output="true"``), AND, OR, NAND, NOR, XOR, XNOR
(``inputs``, ``size`` 30, 50 or 70, ``facing``, negated inputs ``negateK``; an XOR of more
than two inputs only with ``xor="odd"``, since logisim's default is "exactly one"), NOT,
Constant, Power, Ground, Tunnel, and Text (as a note). Pin places follow logisim's shapes: a
gate's ``loc`` is its output, each input ``size`` (plus 10 for an XOR, 10 for a negated
output, 10 for a negated input) behind it; a NOT's input 30 (20 when narrow) behind.
Anything else (a splitter, a multi-bit pin, a subcircuit, a clock) is refused by name. logisim
runs a circuit with a loose input (its value is unknown); nnviz reads such an input as 0, so
it accepts one only where it reaches no output pin, and the results are the same.
"""

from __future__ import annotations

import os
import re
import xml.etree.ElementTree as ET

from nnviz.core.circuits.digital import (
    MAX_PARTS,
    DigitalFile,
    Part,
    Point,
    circuit_from_parts,
    read_xml_circuit,
)
from nnviz.core.circuits.model import Circuit, CircuitError

HINT = "choose a logisim-evolution .circ file of pins, gates, constants and tunnels"
GATES = {
    "AND Gate": "And",
    "OR Gate": "Or",
    "NAND Gate": "NAnd",
    "NOR Gate": "NOr",
    "XOR Gate": "XOr",
    "XNOR Gate": "XNOr",
}
NEGATED_OUTPUT = {"NAND Gate", "NOR Gate", "XNOR Gate"}
XOR_LIKE = {"XOR Gate", "XNOR Gate"}
FACING = {"east": (1, 0), "west": (-1, 0), "north": (0, -1), "south": (0, 1)}


def _point(text: str | None, what: str) -> Point:
    m = re.fullmatch(r"\s*\(\s*(-?\d+)\s*,\s*(-?\d+)\s*\)\s*", text or "")
    if m is None:
        raise CircuitError(f"{what} has no valid position ({text!r})")
    return int(m.group(1)), int(m.group(2))


def _input_offset(size: int, inputs: int, index: int) -> int:
    """How far from the gate's axis input ``index`` sits (logisim's spacing rules)."""
    if inputs <= 3:
        start, dist, lower = (
            (-5, 10, 10)
            if size < 40
            else ((-10, 20, 20) if size < 60 or inputs <= 2 else (-15, 30, 30))
        )
    elif inputs == 4 and size >= 60:
        start, dist, lower = -5, 20, 0
    else:
        start, dist, lower = -5, 10, 10
    if inputs % 2:
        return start * (inputs - 1) + dist * index
    dy = start * inputs + dist * index
    if index >= inputs // 2:
        dy += lower
    if inputs == 4 and size >= 60:
        dy -= 10
    return dy


def _turned(facing: str, back: int, side: int) -> Point:
    """An offset ``back`` behind the output along the facing and ``side`` across it."""
    fx, fy = FACING[facing]
    return (-fx * back + (side if fx == 0 else 0), -fy * back + (side if fy == 0 else 0))


def _part(comp: ET.Element, k: int) -> Part:
    name = comp.get("name", "")
    loc = _point(comp.get("loc"), f"part {k + 1} ({name or 'unnamed'})")
    attrs = {a.get("name", ""): a.get("val", a.text or "") for a in comp.findall("a")}
    label = attrs.get("label", "").strip()
    part = Part(name, loc, label)
    where = part.describe()
    width = attrs.get("width", "1")
    if width not in ("1", ""):
        raise CircuitError(f"{where}: {width}-bit parts are not supported; nnviz wires carry 1 bit")
    facing = attrs.get("facing", "east")
    if facing not in FACING:
        raise CircuitError(f"{where}: unknown facing {facing!r}")
    if name == "Pin":
        if attrs.get("output", "false") == "true":
            part.kind, part.inputs = "Out", [loc]
        else:
            part.kind, part.output = "In", loc
    elif name in ("Constant", "Power", "Ground"):
        value = {"Power": 1, "Ground": 0}.get(name)
        if value is None:
            try:
                value = int(attrs.get("value", "0x1"), 0)
            except ValueError:
                raise CircuitError(f"{where}: the value must be a number") from None
        part.kind, part.output, part.value = "Const", loc, value & 1
    elif name == "Tunnel":
        part.kind, part.inputs, part.net_name = "Tunnel", [loc], label
    elif name == "Text":
        part.kind, part.label = "Text", attrs.get("text", "").strip()
    elif name == "NOT Gate":
        back = 20 if attrs.get("size", "30") == "20" else 30
        part.kind, part.output = "Not", loc
        dx, dy = _turned(facing, back, 0)
        part.inputs = [(loc[0] + dx, loc[1] + dy)]
    elif name in GATES:
        if attrs.get("out", "01") != "01":
            raise CircuitError(
                f"{where}: open-collector outputs ({attrs['out']}) are not supported"
            )
        try:
            size, inputs = int(attrs.get("size", "50")), int(attrs.get("inputs", "2"))
        except ValueError:
            raise CircuitError(f"{where}: size and inputs must be numbers") from None
        if not 2 <= inputs <= 32:
            raise CircuitError(f"{where}: a gate needs 2 to 32 inputs, got {inputs}")
        if name in XOR_LIKE and inputs > 2 and attrs.get("xor", "1") != "odd":
            raise CircuitError(
                f"{where}: this XOR is 1 when exactly one input is; nnviz reads the parity "
                "XOR only (logisim's 'odd' behaviour)"
            )
        axis = size + (10 if name in XOR_LIKE else 0) + (10 if name in NEGATED_OUTPUT else 0)
        part.kind, part.output = GATES[name], loc
        for i in range(inputs):
            negated = attrs.get(f"negate{i}", "false") == "true"
            if negated:
                part.inverted.add(i)
            dx, dy = _turned(facing, axis + (10 if negated else 0), _input_offset(size, inputs, i))
            part.inputs.append((loc[0] + dx, loc[1] + dy))
    else:
        kind = "subcircuit" if comp.get("lib") is None else "part"
        raise CircuitError(
            f"{where}: nnviz does not read the {kind} '{name}' (it reads pins, AND, OR, NOT, "
            "NAND, NOR, XOR and XNOR gates, constants, power, ground and tunnels)"
        )
    return part


def read_circ_file(path: str | os.PathLike[str]) -> DigitalFile:
    """A logisim-evolution ``.circ`` file's main circuit; CircuitError says why not."""
    return read_xml_circuit(path, HINT, ".circ", circ_from_tree)


def circ_from_tree(root: ET.Element, name: str = "circuit") -> DigitalFile:
    if root.tag != "project":
        raise CircuitError(f"the file's root is <{root.tag}>, not a logisim <project>")
    main = root.find("main")
    circuits = root.findall("circuit")
    if not circuits:
        raise CircuitError("the file holds no circuit")
    wanted = main.get("name") if main is not None else circuits[0].get("name")
    circuit = next((c for c in circuits if c.get("name") == wanted), circuits[0])
    comps = circuit.findall("comp")
    if len(comps) > MAX_PARTS:
        raise CircuitError(f"{len(comps)} parts is more than nnviz reads ({MAX_PARTS})")
    parts = [_part(comp, k) for k, comp in enumerate(comps)]
    wires = [
        (_point(w.get("from"), "a wire"), _point(w.get("to"), "a wire"))
        for w in circuit.findall("wire")
    ]
    return circuit_from_parts(
        parts, wires, circuit.get("name") or name, tool="logisim-evolution", floating_ok=True
    )


def read_circ(path: str | os.PathLike[str]) -> Circuit:
    """The circuit of a ``.circ`` file (see :func:`read_circ_file`)."""
    return read_circ_file(path).circuit
