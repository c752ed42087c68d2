"""Circuits drawn in an editor that joins wires where their ends meet (Digital,
logisim-evolution), compiled into nnviz's NAND circuits.

Each reader turns its file into :class:`Part` records with pins in the editor's coordinates;
:func:`circuit_from_parts` makes the nets (wires that share an end, pins on the same spot,
tunnels of one name), checks each net has one driver, no loop and no open input, and builds
the NAND gates, keeping the author's layout (see :func:`_compile`).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from nnviz.core.circuits.model import Circuit, CircuitError, validate_terminal_name

SIZE = 20  # the editors' grid
GATES = {"And", "NAnd", "Or", "NOr", "XOr", "XNOr", "Not"}
INVERTED = {"NAnd", "NOr", "XNOr", "Not"}
# Parts that only draw or describe (no logic): skipped; a Text becomes a note, a Testcase a test.
DRAWING = {"Text", "Rectangle", "Testcase", "Probe", "PowerSupply"}
Point = tuple[int, int]
Node = int | None  # an nnviz node id, or nothing (an open input)
Nand = Callable[[Node, Node, Point], int]  # adds a NAND of two sources at a place
At = Callable[[], Point]  # the next place for a NAND


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


Source = Callable[[Point], "Part | None"]  # the part driving the net a pin is on


class _Nets:
    """Union-find over points: the nets that wires and pins make."""

    def __init__(self) -> None:
        self.parent: dict[tuple[int, int], tuple[int, int]] = {}

    def find(self, p: Point) -> Point:
        self.parent.setdefault(p, p)
        while self.parent[p] != p:
            self.parent[p] = self.parent[self.parent[p]]
            p = self.parent[p]
        return p

    def join(self, a: Point, b: Point) -> None:
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

    def source(pin: Point) -> Part | None:
        return drivers.get(nets.find(pin))

    checked = parts
    if floating_ok:  # only what feeds an output: a loose gate elsewhere changes no result
        checked, todo, seen = [], [p for p in parts if p.kind == "Out"], set()
        while todo:
            part = todo.pop()
            if id(part) in seen:
                continue
            seen.add(id(part))
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
    order = [p for p in _feed_order(parts, source) if p.kind not in DRAWING]
    names: dict[str, str] = {}
    circuit = _compile([p for p in parts if p.kind not in DRAWING], order, name, names, source)
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


def _feed_order(parts: list[Part], source: Source) -> list[Part]:
    """The parts with each after the parts feeding it (file order otherwise), found by one
    depth-first walk without recursion, so a file's length never meets Python's stack limit
    and the time is linear in parts and wires. A loop is refused naming its parts."""
    feeds = {id(p): [s for s in (source(q) for q in p.inputs) if s is not None] for p in parts}
    state: dict[int, int] = {}  # 1: on the current path, 2: done
    order: list[Part] = []
    for first in parts:
        if id(first) in state:
            continue
        path = [first]
        todo = [iter(feeds[id(first)])]
        state[id(first)] = 1
        while path:
            s = next(todo[-1], None)
            if s is None:
                done = path.pop()
                todo.pop()
                state[id(done)] = 2
                order.append(done)
            elif state.get(id(s)) == 1:
                loop = path[[id(q) for q in path].index(id(s)) :] + [s]
                named = [q.describe() for q in (loop if len(loop) <= 8 else loop[:6])]
                if len(loop) > 8:  # one line, however long the loop
                    named += [f"... ({len(loop) - 8:,} more)", loop[-2].describe(), s.describe()]
                names = " <- ".join(named)
                raise CircuitError(
                    f"it has a feedback loop (a latch or flip-flop?): {names}; nnviz circuits "
                    "are combinational, every wire runs forward"
                )
            elif id(s) not in state:
                state[id(s)] = 1
                path.append(s)
                todo.append(iter(feeds[id(s)]))
    return order


def _compile(
    parts: list[Part], order: list[Part], name: str, names: dict[str, str], source: Source
) -> Circuit:
    """Build the NAND circuit: terminals for In and Out, NAND networks for gates (in ``order``,
    each after its sources); ``names`` learns each labelled terminal's nnviz name.

    Positions are Digital's, one grid step to one: terminals and the gates that are one NAND
    (a two-input NAnd, a Not, a Const 1) sit where the file has them, so a file nnviz wrote
    reads back to the same places. A gate that becomes several NANDs gets them as a compact
    group at its place, or as near to it as the group fits without covering another part.
    """
    c = Circuit(name=_safe_name(name) or "circuit", description="imported from Digital")
    out_of: dict[int, int | None] = {}  # id(part) -> nnviz node id of its output
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

    def nand(a: Node, b: Node, pos: Point) -> int:
        g = c.add_node("nand", pos)
        for port, src in ((0, a), (1, b)):
            if src is not None:
                c.add_wire(src, 0, g, port)
        return g

    for part in order:
        if part.kind in ("In", "Out", "Tunnel"):
            continue
        spots = iter(groups[id(part)])
        out = _build(part, source, out_of, nand, spots.__next__)
        if part.label:
            c.set_look(out, label=part.label[:40])
        out_of[id(part)] = out
    for part in parts:
        if part.kind == "Out":
            o = c.add_node("output", part.pos, name=_terminal(part, used, "y", names))
            s = source(part.inputs[0])
            v = out_of.get(id(s)) if s is not None else None
            if v is not None:
                c.add_wire(v, 0, o, 0)
    return c


def _build(part: Part, source: Source, out_of: dict[int, Node], nand: Nand, at: At) -> int:
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

    def nand(a: Node, b: Node, pos: Point) -> int:
        nonlocal count
        count += 1
        return count

    _build(part, lambda pin: None, {}, nand, lambda: (0, 0))
    return count


NODE_SIZE = {"input": (60, 40), "output": (60, 40), "nand": (80, 40)}  # as the canvas draws them
GROUP_STEP = (140, 80)  # NANDs of one gate: this far apart, two to a row (room for wires)


class _Placer:
    """Free room on the canvas: rectangles taken, in a coarse grid for quick lookups."""

    CELL = 200

    def __init__(self) -> None:
        self._cells: dict[tuple[int, int], list[tuple[int, int, int, int]]] = {}

    def _keys(self, r: tuple[int, int, int, int]) -> Iterator[tuple[int, int]]:
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


def _gate(kind: str, ins: list[Node], nand: Nand, at: At) -> int:
    def not_(a: Node) -> int:
        return nand(a, a, at())

    def and2(a: Node, b: Node) -> int:
        return not_(nand(a, b, at()))

    def or2(a: Node, b: Node) -> int:
        return nand(not_(a), not_(b), at())

    def xor2(a: Node, b: Node) -> int:
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
    parity = xor2(ins[0], ins[1])  # XOr / XNOr: parity, as Digital computes it for many inputs
    for v in ins[2:]:
        parity = xor2(parity, v)
    return parity if kind == "XOr" else not_(parity)


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
    labelled = itertools.chain([base], (f"{base}_{k}"[:32] for k in range(2, 100)))
    numbered = (f"{prefix}{k}" for k in range(1, 10_000))  # made as needed: one name each
    for name in itertools.chain(labelled if base else (), numbered):
        if name in used:
            continue
        try:
            validate_terminal_name(name)
        except CircuitError:
            continue
        used.add(name)
        if part.label:
            names[part.label] = name
        return name
    raise CircuitError("too many terminals")
