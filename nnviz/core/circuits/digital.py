"""Digital's ``.dig`` circuits, read into NAND circuits and written back.

Digital (hneemann/Digital) saves a circuit as XML: ``visualElement`` parts, each with an
``elementName``, attributes and a position, and ``wire`` segments between two points. Nets
are made as Digital makes them when it loads a file: wires that share an end point are one
net, a pin on a wire's end point is on that net, and pins on the same spot touch. (Digital's
editor splits a wire where another one meets it in the middle, so its files have their
T-junctions as shared end points; a point halfway along a wire connects nothing.) Then each
gate is compiled into NAND gates, so the perceptron views work on the result.

Supported parts: In, Out, And, NAnd, Or, NOr, XOr, XNOr, Not (any number of ``Inputs``, inverted
inputs through ``inverterConfig``, ``rotation``, ``wideShape``), Const and Tunnel, one bit wide.
Files of format version 0 (the older 10-pixel grid) are scaled to the current 20-pixel one.
Anything else (a clock, a flip-flop, a multi-bit wire) is refused naming the part, and so is a
feedback loop (a latch), naming the parts on it.

Pin places follow Digital's shapes: inputs down the left edge 20 pixels apart (the lower half
moved down one step when their number is even), the output half-way down the right edge, at
x = 60 (80 when wide), one step further for an inverted output; a Not is 40 (60) wide.
"""

from __future__ import annotations

import copy
import os
import xml.etree.ElementTree as ET
from collections.abc import Callable

from nnviz.core.circuits.drawn import (
    DRAWING,
    GATES,
    INVERTED,
    SIZE,
    DigitalFile,
    DigitalTest,
    Part,
    Point,
    circuit_from_parts,
)
from nnviz.core.circuits.model import (
    MAX_FILE_BYTES,
    Circuit,
    CircuitError,
)
from nnviz.core.io.guard import check_regular_file

__all__ = [
    "SIZE",
    "DigitalFile",
    "DigitalTest",
    "Part",
    "Point",
    "circuit_from_parts",
    "read_dig",
    "read_dig_file",
    "read_xml_circuit",
]

CONSTANTS = {"Ground": 0, "VDD": 1}  # the supply rails, as constants
PARTS = GATES | {"In", "Out", "Const", "Tunnel", "LED"} | DRAWING | set(CONSTANTS)
MAX_PARTS = 5000
MAX_COPIED_ELEMENTS = 200_000  # Digital's own examples copy at most a few thousand
HINT = "choose a Digital .dig file of In, Out, gates, Const and Tunnel parts"


def _attributes(element: ET.Element) -> dict[str, ET.Element]:
    out = {}
    attrs = element.find("elementAttributes")
    for entry in attrs if attrs is not None else ():
        if len(entry) >= 2 and entry[0].tag == "string":
            out[(entry[0].text or "").strip()] = entry[1]
    return out


def _rotate(x: int, y: int, turns: int) -> tuple[int, int]:
    """Digital's rotation (a quarter turn counter-clockwise on screen per step)."""
    for _ in range(turns % 4):
        x, y = y, -x
    return x, y


def _int(node: ET.Element | None, default: int, what: str, where: str) -> int:
    if node is None:
        return default
    try:
        return int((node.text or "").strip())
    except ValueError:
        raise CircuitError(f"{where}: {what} must be a whole number") from None


def _xy(node: ET.Element | None, scale: int) -> Point:
    """A point's x and y attributes on the current grid; ValueError when they are missing."""
    if node is None:
        raise ValueError("no point")
    return int(node.get("x", "")) * scale, int(node.get("y", "")) * scale


def _read_part(element: ET.Element, scale: int, k: int) -> Part:
    name = (element.findtext("elementName") or "").strip()
    try:
        px, py = _xy(element.find("pos"), scale)
    except ValueError:
        raise CircuitError(f"part {k + 1} ({name or 'unnamed'}) has no valid position") from None
    part = Part(name, (px, py))
    attrs = _attributes(element)
    where = part.describe()
    if name not in PARTS:
        raise CircuitError(
            f"{where}: nnviz does not support the part '{name}' (it reads In, Out, And, NAnd, "
            "Or, NOr, XOr, XNOr, Not, Const and Tunnel)"
        )
    label = attrs.get("Label")
    part.label = (label.text or "").strip() if label is not None else ""
    where = part.describe()
    bits = _int(attrs.get("Bits"), 1, "Bits", where)
    if bits != 1:
        raise CircuitError(f"{where}: {bits}-bit parts are not supported; nnviz wires carry 1 bit")
    rot = attrs.get("rotation")
    turns = 0
    if rot is not None:
        try:
            turns = int(rot.get("rotation", "0"))
        except ValueError:
            raise CircuitError(f"{where}: the rotation must be 0 to 3") from None
    wide_node = attrs.get("wideShape")
    wide = wide_node is not None and (wide_node.text or "").strip() == "true"
    local_in: list[tuple[int, int]] = []
    local_out: tuple[int, int] | None = None
    if name in DRAWING:
        pass  # no pins
    elif name in ("In", "Const") or name in CONSTANTS:
        local_out = (0, 0)
    elif name in ("Out", "LED"):
        local_in = [(0, 0)]
    elif name == "Tunnel":
        net = attrs.get("NetName")
        part.net_name = (net.text or "").strip() if net is not None else ""
        local_in = [(0, 0)]
    elif name == "Not":
        local_in = [(0, 0)]
        local_out = ((3 if wide else 2) * SIZE, 0)
    else:
        n = _int(attrs.get("Inputs"), 2, "Inputs", where)
        if not 2 <= n <= 16:
            raise CircuitError(f"{where}: a gate needs 2 to 16 inputs, got {n}")
        cfg = attrs.get("inverterConfig")
        inverted_names = {(s.text or "").strip() for s in cfg} if cfg is not None else set()
        part.inverted = {i for i in range(n) if f"In_{i + 1}" in inverted_names}
        for i in range(n):
            correct = SIZE if n % 2 == 0 and i >= n // 2 else 0
            dx = -SIZE if i in part.inverted else 0
            local_in.append((dx, i * SIZE + correct))
        width = 4 if wide else 3
        local_out = (SIZE * (width + (1 if name in INVERTED else 0)), n // 2 * SIZE)
    if name == "Const":
        part.value = 1 if _int(attrs.get("Value"), 1, "Value", where) else 0
    elif name == "In":  # the value a test that does not set the input gives it
        part.value = 1 if _int(attrs.get("Default"), 0, "Default", where) else 0
    elif name in CONSTANTS:
        part.kind, part.value = "Const", CONSTANTS[name]
    elif name == "LED":
        part.kind = "Out"
    elif name == "Text":
        text = attrs.get("Description")
        part.label = (text.text or "").strip() if text is not None else ""
    elif name == "Testcase":
        data = element.find(".//dataString")
        part.test_data = data.text or "" if data is not None else ""

    def place(p: tuple[int, int]) -> tuple[int, int]:
        x, y = _rotate(*p, turns)
        return x + px, y + py

    part.inputs = [place(p) for p in local_in]
    part.output = place(local_out) if local_out is not None else None
    return part


def read_dig(path: str | os.PathLike[str]) -> Circuit:
    """A Digital ``.dig`` file as an nnviz circuit of NAND gates; CircuitError says why not."""
    return read_dig_file(path).circuit


def read_dig_file(path: str | os.PathLike[str]) -> DigitalFile:
    """A Digital ``.dig`` file with its Testcases; CircuitError says why it cannot be read."""
    return read_xml_circuit(path, HINT, ".dig", dig_file_from_tree)


def read_xml_circuit(
    path: str | os.PathLike[str],
    hint: str,
    kind: str,
    from_tree: Callable[[ET.Element, str], DigitalFile],
) -> DigitalFile:
    """An editor's XML circuit file, parsed and handed to ``from_tree``; every problem becomes
    one CircuitError naming the file."""
    path = check_regular_file(path, CircuitError, hint)
    if path.stat().st_size > MAX_FILE_BYTES:
        raise CircuitError(f"{path}: larger than nnviz opens ({MAX_FILE_BYTES // 10**6} MB)")
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as exc:
        raise CircuitError(f"{path}: not a readable {kind} file ({exc})") from None
    except OSError as exc:
        raise CircuitError(f"{path}: cannot read it ({exc})") from None
    try:
        return from_tree(root, path.stem)
    except CircuitError as exc:
        raise CircuitError(f"{path}: {exc}") from None


def _resolve_references(root: ET.Element) -> None:
    """Digital saves through XStream, which writes a value repeated in the file once and then
    as ``reference="../../visualElement[3]/elementAttributes/entry/rotation"``: a path from
    the referring element to the first copy. Each such element gets the copy's content."""
    parent = {child: node for node in root.iter() for child in node}
    copied = 0  # elements made by copying: a small file can refer to a big value many times
    for element in list(root.iter()):
        path = element.get("reference")
        if path is None:
            continue
        node: ET.Element | None = element
        for step in path.split("/"):
            if node is None:
                break
            if step == "..":
                node = parent.get(node)
                continue
            tag, _, index = step.partition("[")
            matches = [c for c in node if c.tag == tag]
            k = int(index.rstrip("]")) - 1 if index else 0
            node = matches[k] if 0 <= k < len(matches) else None
        if node is None or node is element or node.get("reference") is not None:
            raise CircuitError(f"a value refers to '{path}', which the file does not hold")
        copied += sum(1 for _ in node.iter())
        if copied > MAX_COPIED_ELEMENTS:
            raise CircuitError(
                f"its repeated values expand to more than {MAX_COPIED_ELEMENTS:,} XML elements, "
                "more than any circuit nnviz reads holds"
            )
        del element.attrib["reference"]
        element.attrib.update(node.attrib)
        element.text = node.text
        for child in node:
            element.append(copy.deepcopy(child))
        for node_ in element.iter():
            for child in node_:
                parent[child] = node_


def from_dig_tree(root: ET.Element, name: str = "circuit") -> Circuit:
    """The circuit of a parsed ``.dig`` file."""
    return dig_file_from_tree(root, name).circuit


def dig_file_from_tree(root: ET.Element, name: str = "circuit") -> DigitalFile:
    if root.tag != "circuit":
        raise CircuitError(f"the file's root is <{root.tag}>, not a Digital <circuit>")
    _resolve_references(root)
    version = _int(root.find("version"), 0, "version", "the file")
    scale = 2 if version == 0 else 1  # version 0 used a 10-pixel grid
    elements = root.find("visualElements")
    parts = [
        _read_part(e, scale, k) for k, e in enumerate(elements if elements is not None else ())
    ]
    if len(parts) > MAX_PARTS:
        raise CircuitError(f"{len(parts)} parts is more than nnviz reads ({MAX_PARTS})")
    wires = []
    for w in root.findall("wires/wire"):
        try:
            wires.append((_xy(w.find("p1"), scale), _xy(w.find("p2"), scale)))
        except ValueError:
            raise CircuitError("a wire without two valid points") from None

    return circuit_from_parts(parts, wires, name, tool="Digital")
