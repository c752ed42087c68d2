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
from dataclasses import dataclass, field

from nnviz.core.circuits.model import (
    MAX_FILE_BYTES,
    Circuit,
    CircuitError,
    validate_terminal_name,
)
from nnviz.core.io.guard import check_regular_file

SIZE = 20  # Digital's grid
GATES = {"And", "NAnd", "Or", "NOr", "XOr", "XNOr", "Not"}
# Parts that only draw or describe (no logic): skipped; a Text becomes a note, a Testcase a test.
DRAWING = {"Text", "Rectangle", "Testcase", "Probe", "PowerSupply"}
CONSTANTS = {"Ground": 0, "VDD": 1}  # the supply rails, as constants
PARTS = GATES | {"In", "Out", "Const", "Tunnel", "LED"} | DRAWING | set(CONSTANTS)
INVERTED = {"NAnd", "NOr", "XNOr", "Not"}
MAX_PARTS = 5000
HINT = "choose a Digital .dig file of In, Out, gates, Const and Tunnel parts"


@dataclass
class Part:
    """One Digital part with its pins in circuit coordinates."""

    kind: str
    pos: tuple[int, int]
    label: str = ""
    inputs: list[tuple[int, int]] = field(default_factory=list)
    output: tuple[int, int] | None = None
    value: int = 1  # Const
    net_name: str = ""  # Tunnel
    inverted: set[int] = field(default_factory=set)  # input indices (inverterConfig)
    test_data: str = ""  # Testcase: Digital's test program

    def describe(self) -> str:
        what = f"{self.kind} '{self.label}'" if self.label else self.kind
        return f"{what} at ({self.pos[0]}, {self.pos[1]})"


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


def _read_part(element: ET.Element, scale: int, k: int) -> Part:
    name = (element.findtext("elementName") or "").strip()
    pos_node = element.find("pos")
    try:
        px = int(pos_node.get("x")) * scale
        py = int(pos_node.get("y")) * scale
    except (AttributeError, TypeError, ValueError):
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


Point = tuple[int, int]


class _Nets:
    """Union-find over points: the nets that wires and pins make."""

    def __init__(self) -> None:
        self.parent: dict[tuple[int, int], tuple[int, int]] = {}

    def find(self, p):
        self.parent.setdefault(p, p)
        while self.parent[p] != p:
            self.parent[p] = self.parent[self.parent[p]]
            p = self.parent[p]
        return p

    def join(self, a, b) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[ra] = rb


@dataclass(frozen=True)
class DigitalTest:
    """One of a file's Testcase parts: its label and Digital's test program."""

    name: str
    program: str


@dataclass(frozen=True)
class DigitalFile:
    """A ``.dig`` file read: the circuit and the file's own tests."""

    circuit: Circuit
    tests: tuple[DigitalTest, ...]
    names: dict[str, str] = field(default_factory=dict)  # Digital's label -> terminal name
    defaults: dict[str, int] = field(default_factory=dict)  # input -> value when a test is silent


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
    for w in root.find("wires") if root.find("wires") is not None else ():
        try:
            a = (int(w.find("p1").get("x")) * scale, int(w.find("p1").get("y")) * scale)
            b = (int(w.find("p2").get("x")) * scale, int(w.find("p2").get("y")) * scale)
        except (AttributeError, TypeError, ValueError):
            raise CircuitError("a wire without two valid points") from None
        wires.append((a, b))

    return circuit_from_parts(parts, wires, name, tool="Digital")


def circuit_from_parts(
    parts: list[Part],
    wires: list[tuple[Point, Point]],
    name: str,
    tool: str,
    floating_ok: bool = False,
) -> DigitalFile:
    """The NAND circuit of parts and wires drawn in an editor that joins wires where their
    ends meet (Digital, logisim-evolution): nets, one driver each, no loop, no open input
    (with ``floating_ok``, as logisim runs them: none that reaches an output)."""
    nets = _Nets()
    for a, b in wires:
        nets.join(a, b)
    tunnels: dict[str, tuple[int, int]] = {}
    for part in parts:
        if part.kind == "Tunnel" and part.net_name:
            first = tunnels.setdefault(part.net_name, part.inputs[0])
            nets.join(first, part.inputs[0])

    drivers: dict[tuple[int, int], Part] = {}
    for part in parts:
        if part.output is None:
            continue
        root_p = nets.find(part.output)
        other = drivers.get(root_p)
        if other is not None:
            raise CircuitError(
                f"{part.describe()} and {other.describe()} drive the same wire; "
                "in nnviz each wire has one source"
            )
        drivers[root_p] = part

    def source(pin) -> Part | None:
        return drivers.get(nets.find(pin))

    checked = parts
    if floating_ok:  # only what feeds an output: a loose gate elsewhere changes no result
        checked, todo = [], [p for p in parts if p.kind == "Out"]
        while todo:
            part = todo.pop()
            if any(part is q for q in checked):
                continue
            checked.append(part)
            todo.extend(s for s in map(source, part.inputs) if s is not None)
    for part in checked:
        if part.kind in GATES or part.kind == "Out":
            for k, pin in enumerate(part.inputs):
                if source(pin) is None:
                    which = f"input {k + 1}" if len(part.inputs) > 1 else "its input"
                    raise CircuitError(
                        f"{part.describe()}: {which} is not connected"
                        + (
                            f" and reaches an output, which {tool} shows as unknown"
                            if floating_ok
                            else f"; {tool} does not run such a circuit either"
                        )
                    )
    _refuse_loops(parts, source)
    names: dict[str, str] = {}
    circuit = _compile([p for p in parts if p.kind not in DRAWING], source, name, names)
    circuit.description = f"imported from {tool}"
    for part in parts:
        if part.kind == "Text" and part.label:
            x, y = part.pos
            circuit.add_note(part.label[:1000], (x, y))
    tests = tuple(
        DigitalTest(p.label or f"test {k + 1}", p.test_data)
        for k, p in enumerate(q for q in parts if q.kind == "Testcase")
    )
    defaults = {names[p.label]: p.value for p in parts if p.kind == "In" and p.label in names}
    return DigitalFile(circuit, tests, names, defaults)


def _refuse_loops(parts: list[Part], source) -> None:
    feeds = {id(p): [s for s in (source(q) for q in p.inputs) if s is not None] for p in parts}
    state: dict[int, int] = {}
    stack: list[Part] = []

    def visit(p: Part) -> list[Part] | None:
        state[id(p)] = 1
        stack.append(p)
        for s in feeds[id(p)]:
            if state.get(id(s)) == 1:
                return stack[stack.index(s) :] + [s]
            if id(s) not in state:
                found = visit(s)
                if found:
                    return found
        stack.pop()
        state[id(p)] = 2
        return None

    for p in parts:
        if id(p) not in state:
            loop = visit(p)
            if loop:
                names = " <- ".join(q.describe() for q in loop)
                raise CircuitError(
                    f"it has a feedback loop (a latch or flip-flop?): {names}; nnviz circuits "
                    "are combinational, every wire runs forward"
                )


def _compile(parts: list[Part], source, name: str, names: dict[str, str]) -> Circuit:
    """Build the NAND circuit: terminals for In and Out, NAND networks for gates; ``names``
    learns each labelled terminal's nnviz name.

    Positions are Digital's, one grid step to one: terminals and the gates that are one NAND
    (a two-input NAnd, a Not, a Const 1) sit where the file has them, so a file nnviz wrote
    reads back to the same places. A gate that becomes several NANDs gets them as a compact
    group at its place, or as near to it as the group fits without covering another part.
    """
    c = Circuit(name=_safe_name(name) or "circuit", description="imported from Digital")
    out_of: dict[int, int | None] = {}  # id(part) -> nnviz node id of its output
    order = _topological(parts, source)
    used: set[str] = set()
    placer = _Placer()
    groups: dict[int, list[tuple[int, int]]] = {}
    for part in parts:  # the parts that keep their place, first
        if part.kind in ("In", "Out"):
            placer.take(*part.pos, *NODE_SIZE["input"])
        elif part.kind != "Tunnel" and _nands_for(part) == 1:
            groups[id(part)] = [part.pos]
            placer.take(*part.pos, *NODE_SIZE["nand"])
    for part in order:
        if part.kind not in ("In", "Out", "Tunnel") and id(part) not in groups:
            groups[id(part)] = placer.group(*part.pos, _nands_for(part))

    for part in parts:
        if part.kind == "In":
            out_of[id(part)] = c.add_node("input", part.pos, name=_terminal(part, used, "x", names))

    def nand(a: int | None, b: int | None, pos, label: str = "") -> int:
        g = c.add_node("nand", pos)
        for port, src in ((0, a), (1, b)):
            if src is not None:
                c.add_wire(src, 0, g, port)
        if label:
            c.set_look(g, label=label)
        return g

    for part in order:
        if part.kind in ("In", "Out", "Tunnel"):
            continue
        spots = iter(groups[id(part)])
        out_of[id(part)] = _build(part, source, out_of, nand, lambda s=spots: next(s))
        if part.label:
            c.set_look(out_of[id(part)], label=part.label[:40])
    for part in parts:
        if part.kind == "Out":
            o = c.add_node("output", part.pos, name=_terminal(part, used, "y", names))
            s = source(part.inputs[0])
            v = out_of.get(id(s)) if s is not None else None
            if v is not None:
                c.add_wire(v, 0, o, 0)
    return c


def _build(part: Part, source, out_of: dict, nand, at) -> int:
    """The NAND gates of one Digital part; returns the node giving its output."""
    if part.kind == "Const":
        one = nand(None, None, at())  # a NAND of nothing reads 0, 0 and outputs 1
        return one if part.value else nand(one, one, at())
    ins = []
    for i, pin in enumerate(part.inputs):
        s = source(pin)
        v = out_of.get(id(s)) if s is not None else None
        if i in part.inverted:
            v = nand(v, v, at())
        ins.append(v)
    return _gate(part.kind, ins, nand, at)


def _nands_for(part: Part) -> int:
    """How many NAND gates a part becomes (a dry run of :func:`_build`)."""
    count = 0

    def nand(a, b, pos, label: str = "") -> int:
        nonlocal count
        count += 1
        return count

    _build(part, lambda pin: None, {}, nand, lambda: (0, 0))
    return count


NODE_SIZE = {"input": (60, 40), "output": (60, 40), "nand": (80, 40)}  # as the canvas draws them
GROUP_STEP = (100, 60)  # NANDs of one gate: this far apart, two to a row


class _Placer:
    """Free room on the canvas: rectangles taken, in a coarse grid for quick lookups."""

    CELL = 200

    def __init__(self) -> None:
        self._cells: dict[tuple[int, int], list[tuple[int, int, int, int]]] = {}

    def _keys(self, r: tuple[int, int, int, int]):
        c = self.CELL
        for i in range(r[0] // c, r[2] // c + 1):
            for j in range(r[1] // c, r[3] // c + 1):
                yield i, j

    def take(self, x: int, y: int, w: int, h: int) -> None:
        r = (x - 10, y - 10, x + w + 10, y + h + 10)
        for key in self._keys(r):
            self._cells.setdefault(key, []).append(r)

    def free(self, x: int, y: int, w: int, h: int) -> bool:
        r = (x, y, x + w, y + h)
        return not any(
            o[0] < r[2] and r[0] < o[2] and o[1] < r[3] and r[1] < o[3]
            for key in self._keys(r)
            for o in self._cells.get(key, ())
        )

    def group(self, x: int, y: int, count: int) -> list[tuple[int, int]]:
        """Places for ``count`` NANDs, as near (x, y) as a block of them is free."""
        cols = 1 if count == 1 else 2
        rows = -(-count // cols)
        w, h = cols * GROUP_STEP[0] - 20, rows * GROUP_STEP[1] - 20
        ox, oy = 0, 0
        for r in range(0, 4000, SIZE):  # square rings of growing distance
            ring = [(dx, dy) for dx in range(-r, r + 1, SIZE) for dy in {-r, r}]
            ring += [(dx, dy) for dx in {-r, r} for dy in range(-r + SIZE, r, SIZE)]
            ring.sort(key=lambda d: (abs(d[0]) + abs(d[1]), -d[0], d[1]))
            hit = next((d for d in ring if self.free(x + d[0], y + d[1], w, h)), None)
            if hit is not None:
                ox, oy = hit
                break
        x, y = x + ox, y + oy
        self.take(x, y, w, h)
        return [
            (x + GROUP_STEP[0] * (k % cols), y + GROUP_STEP[1] * (k // cols)) for k in range(count)
        ]


def _gate(kind: str, ins: list, nand, at) -> int:
    def not_(a):
        return nand(a, a, at())

    def and2(a, b):
        return not_(nand(a, b, at()))

    def or2(a, b):
        return nand(not_(a), not_(b), at())

    def xor2(a, b):
        t = nand(a, b, at())
        return nand(nand(a, t, at()), nand(b, t, at()), at())

    if kind == "Not":
        return nand(ins[0], ins[0], at())
    if kind in ("NAnd", "And"):
        if kind == "NAnd" and len(ins) == 2:
            return nand(ins[0], ins[1], at())
        acc = ins[0]
        for v in ins[1:-1]:
            acc = and2(acc, v)
        last = nand(acc, ins[-1], at())  # NAND of all
        return last if kind == "NAnd" else not_(last)
    if kind in ("Or", "NOr"):
        acc = ins[0]
        for v in ins[1:-1]:
            acc = or2(acc, v)
        last = nand(not_(acc), not_(ins[-1]), at())  # OR of all
        return last if kind == "Or" else not_(last)
    acc = ins[0]  # XOr / XNOr: parity, as Digital computes it for many inputs
    for v in ins[1:]:
        acc = xor2(acc, v)
    return acc if kind == "XOr" else not_(acc)


def _topological(parts: list[Part], source) -> list[Part]:
    done: set[int] = set()
    out: list[Part] = []

    def visit(p: Part) -> None:
        if id(p) in done:
            return
        done.add(id(p))
        for pin in p.inputs:
            s = source(pin)
            if s is not None:
                visit(s)
        out.append(p)

    for p in parts:
        visit(p)
    return out


# How signs in Digital's labels read in a terminal name (letters, digits and _ only), so that
# P<Q, P=Q and P>Q stay three names a reader tells apart: P_lt_Q, P_eq_Q, P_gt_Q.
SIGN_WORDS = {
    "<": "lt",
    ">": "gt",
    "=": "eq",
    "!": "not",
    "~": "not",
    "&": "and",
    "|": "or",
    "^": "xor",
    "+": "plus",
    "*": "times",
    "/": "not",  # /CS: an active-low signal
    "%": "mod",
    "#": "n",
    "'": "prime",
}


def _safe_name(text: str) -> str:
    parts = [f"_{SIGN_WORDS[ch]}_" if ch in SIGN_WORDS else ch for ch in text.strip()]
    keep = "".join(ch if ch.isalnum() or ch == "_" else "_" for ch in "".join(parts))
    while "__" in keep:
        keep = keep.replace("__", "_")
    return keep.strip("_")[:32]


def _terminal(part: Part, used: set[str], prefix: str, names: dict[str, str]) -> str:
    """The part's label as a terminal name (made valid and unique), else x1/y1...; ``names``
    learns which label became which name."""
    base = _safe_name(part.label)
    if base and not (base[0].isalpha() or base[0] == "_"):
        base = f"_{base}"[:32]
    candidates = [base] if base else []
    candidates += [f"{base}_{k}"[:32] for k in range(2, 100)] if base else []
    candidates += [f"{prefix}{k}" for k in range(1, 10_000)]
    for name in candidates:
        try:
            validate_terminal_name(name)
        except CircuitError:
            continue
        if name not in used:
            used.add(name)
            if part.label:
                names[part.label] = name
            return name
    raise CircuitError("too many terminals")
