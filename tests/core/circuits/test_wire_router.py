"""The wire router's guarantees, checked on random circuits: different nets never share a run
and meet only at right-angle crossings; no run passes through a body or over a foreign pin;
wires leave and enter their pins straight; no route visits a point twice; one net's branches
share a trunk and part at a junction dot."""

from __future__ import annotations

import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nnviz.core.circuits.wire_router import GRID, Wire, _cells, junction_points, route_all

W, H = 80, 40  # a NAND's body: inputs at y + 10 and y + 30 (between the editor's grid lines)


def nand(x: float, y: float):
    body = (x, y, x + W, y + H)
    return body, [(x, y + 10), (x, y + 30)], (x + W, y + 20)


@st.composite
def circuits(draw):
    """Up to 7 NANDs on distinct cells of a coarse grid, each input wired to a random
    earlier NAND's output (or left free): nets of one to several wires."""
    n = draw(st.integers(2, 7))
    cells = draw(
        st.lists(
            st.tuples(st.integers(0, 5), st.integers(0, 4)), min_size=n, max_size=n, unique=True
        )
    )
    cells.sort()  # left to right, so most wires run forwards (some go back)
    parts = [nand(cx * 160, cy * 100) for cx, cy in cells]
    wires = []
    for j in range(1, n):
        for k in range(2):
            i = draw(st.integers(-1, j - 1))
            if i < 0:
                continue
            wires.append(Wire((j, k), i, parts[i][2], (1, 0), parts[j][1][k], (1, 0)))
    return parts, wires


def segments(route):
    return list(zip(route, route[1:]))


def horizontal(s):
    return s[0][1] == s[1][1]


def check(parts, wires, result):
    bodies = [p[0] for p in parts]
    pins = {pt for p in parts for pt in (*p[1], p[2])}
    net_of = {w.key: w.net for w in wires}
    cells = {k: _cells(r) for k, r in result.routes.items()}
    routed = [w for w in wires if w.key not in result.unrouted]
    for w in routed:
        r = result.routes[w.key]
        # ends at its pins, leaving and entering straight in the pins' directions
        assert r[0] == w.start and r[-1] == w.end
        c = cells[w.key]
        assert (c[1][0] - c[0][0], c[1][1] - c[0][1]) == w.leave
        assert (c[-1][0] - c[-2][0], c[-1][1] - c[-2][1]) == w.enter
        # orthogonal, and no point visited twice (no loops)
        assert all(a[0] == b[0] or a[1] == b[1] for a, b in segments(r))
        assert len(set(c)) == len(c)
        # never through a body's inside, never over a pin but its own two
        for x, y in (p for p in c):
            px, py = x * GRID, y * GRID
            assert not any(x0 < px < x1 and y0 < py < y1 for x0, y0, x1, y1 in bodies)
            assert (px, py) not in pins or (px, py) in (w.start, w.end)
    for v, w in itertools.combinations(routed, 2):
        if net_of[v.key] == net_of[w.key]:
            continue
        # different nets: no shared edge, and a shared point only where both go straight
        # through it at a right angle
        cv, cw = cells[v.key], cells[w.key]
        ev = {frozenset(e) for e in zip(cv, cv[1:])}
        ew = {frozenset(e) for e in zip(cw, cw[1:])}
        assert not (ev & ew), (v.key, w.key)
        for p in set(cv) & set(cw):
            i, j = cv.index(p), cw.index(p)
            assert 0 < i < len(cv) - 1 and 0 < j < len(cw) - 1, (v.key, w.key, p)
            straight_v = cv[i - 1][0] == cv[i + 1][0] or cv[i - 1][1] == cv[i + 1][1]
            straight_w = cw[j - 1][0] == cw[j + 1][0] or cw[j - 1][1] == cw[j + 1][1]
            assert straight_v and straight_w
            assert (cv[i - 1][1] == cv[i + 1][1]) != (cw[j - 1][1] == cw[j + 1][1])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(circuits())
def test_random_circuits_keep_every_guarantee(circuit):
    parts, wires = circuit
    pins = [pt for p in parts for pt in (*p[1], p[2])]
    result = route_all(wires, [p[0] for p in parts], pins)
    # on these sparse circuits every wire finds a route that keeps the guarantees
    assert result.unrouted == []
    check(parts, wires, result)


def test_a_free_straight_path_is_taken_straight():
    a, b = nand(0, 0), nand(160, -10)  # b's lower input level with a's output
    w = Wire("w", 0, a[2], (1, 0), b[1][1], (1, 0))
    result = route_all([w], [a[0], b[0]], [*a[1], a[2], *b[1], b[2]])
    assert result.routes["w"] == [a[2], b[1][1]]


def test_one_nets_branches_share_a_trunk_and_part_at_a_dot():
    src, top, low = nand(0, 100), nand(240, 0), nand(240, 200)
    wires = [
        Wire("up", 0, src[2], (1, 0), top[1][0], (1, 0)),
        Wire("down", 0, src[2], (1, 0), low[1][1], (1, 0)),
    ]
    parts = [src, top, low]
    result = route_all(wires, [p[0] for p in parts], [q for p in parts for q in (*p[1], p[2])])
    up, down = result.routes["up"], result.routes["down"]
    assert up[:2] == down[:2] or up[1][1] == down[1][1] == src[2][1]  # a shared first run
    dots = junction_points([up, down])
    assert len(dots) == 1 and dots[0][1] == src[2][1]
    check(parts, wires, result)


def _groups(runs):
    """Wires joined as Digital joins them: at shared ends, or an end on another wire."""
    parent = list(range(len(runs)))

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def on(p, s):
        (x1, y1), (x2, y2) = s
        return (x1 == x2 == p[0] and min(y1, y2) <= p[1] <= max(y1, y2)) or (
            y1 == y2 == p[1] and min(x1, x2) <= p[0] <= max(x1, x2)
        )

    for i, j in itertools.combinations(range(len(runs)), 2):
        if any(on(p, runs[j]) for p in runs[i]) or any(on(p, runs[i]) for p in runs[j]):
            parent[find(i)] = find(j)
    groups = {}
    for i in range(len(runs)):
        groups.setdefault(find(i), []).append(runs[i])
    return list(groups.values())


def test_dig_export_writes_the_routers_runs_one_group_per_net(monkeypatch):
    import xml.etree.ElementTree as ET
    from pathlib import Path

    from nnviz.core.circuits import digital_write
    from nnviz.core.circuits.digital_write import flattened, to_dig_text
    from nnviz.core.circuits.model import Circuit

    def no_fallback(*_a):
        raise AssertionError("the router could not place a wire")

    simple = digital_write._simple_runs

    root = Path(__file__).resolve().parents[3] / "data" / "circuits"
    for name in ("half_adder", "full_adder", "adder2"):
        # Flattened blocks can sit too close for the router's rules (the 2-bit adder's
        # do): then the simple runs, which also keep nets apart, are written instead.
        fallback = simple if name == "adder2" else no_fallback
        monkeypatch.setattr(digital_write, "_simple_runs", fallback)
        c = Circuit.load(root / f"{name}.json")
        tree = ET.fromstring(to_dig_text(c))
        runs = [
            tuple((int(w.find(t).get("x")), int(w.find(t).get("y"))) for t in ("p1", "p2"))
            for w in tree.iter("wire")
        ]
        flat = flattened(c)
        nets = {(w.src, w.src_port) for w in flat.wires.values()}
        # every net one group of wires (nothing joined that the circuit keeps apart: the
        # read-back test would also catch it), and no two groups on one line
        assert len(_groups(runs)) == len(nets), name
        lines = {}
        for k, g in enumerate(_groups(runs)):
            for (x1, y1), (x2, y2) in g:
                key = ("h", y1) if y1 == y2 else ("v", x1)
                lo, hi = sorted((x1, x2) if y1 == y2 else (y1, y2))
                for other, (olo, ohi) in lines.get(key, []):
                    assert other == k or hi <= olo or ohi <= lo, (name, key)
                lines.setdefault(key, []).append((k, (lo, hi)))
