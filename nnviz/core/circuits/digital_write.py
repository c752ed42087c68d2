"""Digital's ``.dig`` files written from nnviz circuits: blocks become their gates, each NAND a
NAnd (a NAND with no inputs a Const), terminals In and Out at the circuit's own places, and
wires routed in horizontal and vertical runs that keep every net apart (Digital joins wires
where their ends meet). Reading them back gives the same places (see ``digital``)."""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from pathlib import Path

from nnviz.core.circuits.digital import SIZE
from nnviz.core.circuits.model import Circuit, CircuitError
from nnviz.core.io.atomic import atomic_write


# -- writing ----------------------------------------------------------------------------------
def write_dig(circuit: Circuit, path: str | os.PathLike[str]) -> Path:
    """Save ``circuit`` as a Digital ``.dig`` file (blocks flattened into their NAND gates)."""

    text = to_dig_text(circuit)
    path = Path(path)
    with atomic_write(path) as f:
        f.write(text)
    return path


def flattened(circuit: Circuit) -> Circuit:
    """The same logic with every block replaced by its gates (placed where the block was)."""
    flat = Circuit(name=circuit.name, description=circuit.description)

    def expand(
        c: Circuit, given: list[int | None] | None, dx: float, dy: float
    ) -> list[int | None]:
        src: dict[tuple[int, int], int | None] = {}
        outs: list[int | None] = []
        inputs = c.input_ids()

        def fed(nid: int, port: int) -> int | None:
            wid = c.wire_into(nid, port)
            if wid is None:
                return None
            w = c.wire(wid)
            return src.get((w.src, w.src_port))

        for nid in c.topological_order():
            n = c.node(nid)
            x, y = n.pos[0] + dx, n.pos[1] + dy
            if n.kind == "input":
                if given is None:
                    src[(nid, 0)] = flat.add_node("input", (x, y), name=n.name)
                else:
                    src[(nid, 0)] = given[inputs.index(nid)]
            elif n.kind == "nand":
                g = flat.add_node("nand", (x, y))
                for port in (0, 1):
                    a = fed(nid, port)
                    if a is not None:
                        flat.add_wire(a, 0, g, port)
                if n.label:
                    flat.set_look(g, label=n.label)
                src[(nid, 0)] = g
            elif n.kind == "block":
                inner = c.definition(nid)
                ins = [fed(nid, p) for p in range(len(inner.input_ids()))]
                for p, o in enumerate(expand(inner, ins, x, y)):
                    src[(nid, p)] = o
        for oid in c.output_ids():
            n = c.node(oid)
            if given is None:
                o = flat.add_node("output", (n.pos[0] + dx, n.pos[1] + dy), name=n.name)
                a = fed(oid, 0)
                if a is not None:
                    flat.add_wire(a, 0, o, 0)
            else:
                outs.append(fed(oid, 0))
        return outs

    expand(circuit, None, 0.0, 0.0)
    return flat


Point = tuple[int, int]


class _Router:
    """Wires as Digital draws them: horizontal and vertical runs. Digital joins wires where
    their ends meet, so a run is only taken when no end of it touches another net's wire or
    pin, and no other net's end lies on it; else the wire goes straight (still correct)."""

    MAX_WIRES = 3000  # beyond this, straight wires: checking each run would take too long

    def __init__(self, pins: set[Point]) -> None:
        self.pins = set(pins)  # every pin point; a wire's own two are allowed
        self.segments: list[tuple[Point, Point, object]] = []
        self.ends: dict[Point, object] = {}

    @staticmethod
    def _on(p: Point, a: Point, b: Point) -> bool:
        return (a[0] == b[0] == p[0] and min(a[1], b[1]) <= p[1] <= max(a[1], b[1])) or (
            a[1] == b[1] == p[1] and min(a[0], b[0]) <= p[0] <= max(a[0], b[0])
        )

    def _clear(self, path: list[Point], net: object, own: tuple[Point, Point]) -> bool:
        runs = list(zip(path, path[1:]))
        for a, b in runs:  # no pin but this wire's own two on a run
            if any(self._on(p, a, b) for p in self.pins if p not in own):
                return False
            for p, other in self.ends.items():
                if other != net and self._on(p, a, b):
                    return False
        for p in path:  # no end of this wire on another net's run
            for a, b, other in self.segments:
                if other != net and self._on(p, a, b):
                    return False
        return True

    def route(self, a: Point, b: Point, net: object) -> list[tuple[Point, Point]]:
        paths: list[list[Point]] = [[a, b]] if a[1] == b[1] or a[0] == b[0] else []
        if len(self.segments) < self.MAX_WIRES and not paths:
            mid = (a[0] + b[0]) // (2 * SIZE) * SIZE
            for k in range(40):
                x = mid + SIZE * ((k + 1) // 2) * (1 if k % 2 else -1)
                paths.append([a, (x, a[1]), (x, b[1]), b])
        chosen = next((p for p in paths if self._clear(p, net, (a, b))), [a, b])
        chosen = [p for k, p in enumerate(chosen) if k == 0 or p != chosen[k - 1]]
        runs = list(zip(chosen, chosen[1:]))
        for p, q in runs:
            self.segments.append((p, q, net))
            self.ends[p] = self.ends[q] = net
        return runs


# Where each part's body lies around its position (Digital's shapes, a little generous), for
# the router: In and Const to the left of their pin, Out to the right, NAnd between its pins.
BODIES = {
    "input": (-2 * SIZE - 10, -SIZE, -10, SIZE),
    "const": (-SIZE - 10, -SIZE // 2, -10, SIZE // 2),
    "output": (10, -SIZE, 2 * SIZE + 10, SIZE),
    "nand": (1, -SIZE // 2, 4 * SIZE - 1, 2 * SIZE + SIZE // 2),
}
ROUTED_WIRES = 600  # up to this many wires, all routed together with the router's rules


def _wire_runs(
    flat: Circuit,
    pins: dict[tuple[int, bool, int], tuple[int, int]],
    taken: set[tuple[int, int]],
    constant: set[int],
) -> list[tuple[Point, Point]]:
    """The wires' runs: the router's routes (nnviz.core.circuits.wire_router, as the editor
    draws them) merged per net, so Digital joins exactly what belongs together. The router
    works on a 10-unit grid: Digital's 20-unit coordinates are halved for it and doubled back.
    A circuit too big to route together, or a wire the router cannot place, takes the
    simple runs of :class:`_Router` (still correct: it only takes runs that touch no other
    net)."""
    from nnviz.core.circuits.wire_router import Wire, net_segments, route_all

    order = sorted(flat.wires)
    if len(order) > ROUTED_WIRES:
        return _simple_runs(flat, pins, taken, order)
    half = 2
    bodies = []
    for nid in flat.nodes:
        kind = "const" if nid in constant else flat.node(nid).kind
        ox, oy = next(
            (xy for (n, out, _i), xy in pins.items() if n == nid and (out or kind == "output")),
            (0, 0),
        )
        if kind == "nand":  # the position is the upper input pin's
            ox, oy = pins[(nid, False, 0)]
        x0, y0, x1, y1 = BODIES[kind]
        bodies.append(((ox + x0) / half, (oy + y0) / half, (ox + x1) / half, (oy + y1) / half))
    routed = []
    for wid in order:
        w = flat.wire(wid)
        a, b = pins[(w.src, True, w.src_port)], pins[(w.dst, False, w.dst_port)]
        routed.append(
            Wire(
                wid,
                (w.src, w.src_port),
                (a[0] / half, a[1] / half),
                (1, 0),
                (b[0] / half, b[1] / half),
                (1, 0),
            )
        )
    result = route_all(routed, bodies, [(x / half, y / half) for x, y in taken], margin=5.0)
    if result.unrouted:
        return _simple_runs(flat, pins, taken, order)
    by_net: dict[object, list[list[tuple[float, float]]]] = {}
    for wire in routed:
        by_net.setdefault(wire.net, []).append(result.routes[wire.key])
    runs = []
    for routes in by_net.values():
        for p, q in net_segments(routes):
            runs.append(
                ((round(p[0] * half), round(p[1] * half)), (round(q[0] * half), round(q[1] * half)))
            )
    return runs


def _simple_runs(
    flat: Circuit,
    pins: dict[tuple[int, bool, int], tuple[int, int]],
    taken: set[tuple[int, int]],
    order: list[int],
) -> list[tuple[Point, Point]]:
    router = _Router(taken)
    runs = []
    for wid in order:
        w = flat.wire(wid)
        a, b = pins[(w.src, True, w.src_port)], pins[(w.dst, False, w.dst_port)]
        runs += router.route(a, b, net=(w.src, w.src_port))
    return runs


def to_dig_text(circuit: Circuit) -> str:
    flat = flattened(circuit)
    root = ET.Element("circuit")
    ET.SubElement(root, "version").text = "2"
    ET.SubElement(root, "attributes")
    elements = ET.SubElement(root, "visualElements")
    wires = ET.SubElement(root, "wires")
    pins: dict[tuple[int, bool, int], tuple[int, int]] = {}

    def grid(v: float) -> int:
        return int(round(v / SIZE)) * SIZE

    taken: set[tuple[int, int]] = set()  # pin points in use: two parts never share one

    # A NAND with no input wire at all is the constant 1: Digital's Const, which reads back
    # as that same single NAND.
    constant = {
        nid
        for nid in flat.nodes
        if flat.node(nid).kind == "nand"
        and not any(flat.wire_into(nid, p) is not None for p in (0, 1))
    }

    def pin_offsets(kind: str) -> list[tuple[bool, int, tuple[int, int]]]:
        if kind in ("input", "const"):
            return [(True, 0, (0, 0))]
        if kind == "output":
            return [(False, 0, (0, 0))]
        return [(False, 0, (0, 0)), (False, 1, (0, 2 * SIZE)), (True, 0, (4 * SIZE, SIZE))]

    for nid in sorted(flat.nodes):
        n = flat.node(nid)
        x, y = grid(n.pos[0]), grid(n.pos[1])
        offsets = pin_offsets("const" if nid in constant else n.kind)
        while any((x + dx, y + dy) in taken for _o, _i, (dx, dy) in offsets):
            y += 3 * SIZE  # make room below: pins that touch would join their nets
        for is_out, index, (dx, dy) in offsets:
            taken.add((x + dx, y + dy))
            pins[(nid, is_out, index)] = (x + dx, y + dy)
        e = ET.SubElement(elements, "visualElement")
        kind = (
            "Const"
            if nid in constant
            else {"input": "In", "output": "Out", "nand": "NAnd"}.get(n.kind)
        )
        if kind is None:
            raise CircuitError(f"{flat.describe(nid)} cannot be written to a .dig file")
        ET.SubElement(e, "elementName").text = kind
        attrs = ET.SubElement(e, "elementAttributes")
        label = n.name if n.kind in ("input", "output") else n.label
        if label:
            entry = ET.SubElement(attrs, "entry")
            ET.SubElement(entry, "string").text = "Label"
            ET.SubElement(entry, "string").text = label
        ET.SubElement(e, "pos", x=str(x), y=str(y))
    for p, q in _wire_runs(flat, pins, taken, constant):
        el = ET.SubElement(wires, "wire")
        ET.SubElement(el, "p1", x=str(p[0]), y=str(p[1]))
        ET.SubElement(el, "p2", x=str(q[0]), y=str(q[1]))
    # nnviz reads an unconnected input as 0; Digital refuses one, so it gets a Const 0.
    for nid, port in flat.unconnected_inputs():
        if nid in constant:
            continue
        px, py = pins[(nid, False, port)]
        cx = px - 2 * SIZE
        while (cx, py) in taken:
            cx -= 2 * SIZE
        taken.add((cx, py))
        e = ET.SubElement(elements, "visualElement")
        ET.SubElement(e, "elementName").text = "Const"
        attrs = ET.SubElement(e, "elementAttributes")
        entry = ET.SubElement(attrs, "entry")
        ET.SubElement(entry, "string").text = "Value"
        ET.SubElement(entry, "long").text = "0"
        ET.SubElement(e, "pos", x=str(cx), y=str(py))
        el = ET.SubElement(wires, "wire")
        ET.SubElement(el, "p1", x=str(cx), y=str(py))
        ET.SubElement(el, "p2", x=str(px), y=str(py))
    ET.indent(root)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
