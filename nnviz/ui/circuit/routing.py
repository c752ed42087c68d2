"""Orthogonal wire routes: horizontal and vertical runs that go around part bodies.

Plain geometry on (x, y) tuples, so it is tested without a scene. A wire leaves its output
port to the right and enters its input port from the left. A forward wire takes three runs:
along, across at some x, along again; that x is the one nearest the middle (or the user's
``bend``) whose runs cross no part body. A wire that has to go backwards, or finds no clear x,
steps out of both ports and goes around above or below the parts in its way.
"""

from __future__ import annotations

GRID = 20.0
STUB = 20.0  # how far a route runs straight out of a port before it turns

Point = tuple[float, float]
Rect = tuple[float, float, float, float]  # x0, y0, x1, y1


def _snap(v: float) -> float:
    return round(v / GRID) * GRID


def _hits(a: Point, b: Point, rects: list[Rect]) -> bool:
    """Does the horizontal or vertical run a-b pass through the inside of a rect?"""
    (x1, y1), (x2, y2) = a, b
    lo_x, hi_x, lo_y, hi_y = min(x1, x2), max(x1, x2), min(y1, y2), max(y1, y2)
    for x0, y0, rx1, ry1 in rects:
        if lo_x < rx1 and hi_x > x0 and lo_y < ry1 and hi_y > y0:
            if (y1 == y2 and y0 < y1 < ry1) or (x1 == x2 and x0 < x1 < rx1):
                return True
    return False


def clear(points: list[Point], rects: list[Rect]) -> bool:
    """True when no run of the route crosses a body."""
    return not any(_hits(a, b, rects) for a, b in zip(points, points[1:]))


def route(a: Point, b: Point, rects: list[Rect] = (), bend: float | None = None) -> list[Point]:
    """The corner points of an orthogonal route from output ``a`` to input ``b``."""
    (ax, ay), (bx, by) = a, b
    # Only bodies near the wire's box can be in its way (a detour goes one body beyond it).
    x0, x1 = min(ax, bx) - 2 * STUB, max(ax, bx) + 2 * STUB
    rects = [r for r in rects if r[0] < x1 and r[2] > x0]
    if ay == by and bx >= ax and bend is None and clear([a, b], rects):
        return [a, b]
    if bend is not None:
        x = bend
        return [a, (x, ay), (x, by), b]
    if bx - ax >= 2 * STUB:
        mid = _snap((ax + bx) / 2)
        lo, hi = ax + STUB, bx - STUB
        steps = int((hi - lo) // GRID) + 1
        candidates = sorted(
            (lo + k * GRID for k in range(max(steps, 1))), key=lambda x: (abs(x - mid), x)
        )
        for x in [mid, *candidates]:
            if not lo <= x <= hi:
                continue
            pts = [a, (x, ay), (x, by), b]
            if clear(pts, rects):
                return pts
    return _around(a, b, rects)


def _around(a: Point, b: Point, rects: list[Rect]) -> list[Point]:
    """Out of both ports, then along a free row above or below the parts in the way."""
    (ax, ay), (bx, by) = a, b
    xa, xb = ax + STUB, bx - STUB
    lo_x, hi_x = min(xa, xb), max(xa, xb)
    in_way = [r for r in rects if r[0] < hi_x and r[2] > lo_x] or [(lo_x, ay, hi_x, by)]
    top = min(min(r[1] for r in in_way), ay, by) - GRID
    bottom = max(max(r[3] for r in in_way), ay, by) + GRID
    options = []
    for y in (_snap(top - GRID / 2), _snap(bottom + GRID / 2)):
        pts = [a, (xa, ay), (xa, y), (xb, y), (xb, by), b]
        options.append((not clear(pts, rects), abs(ay - y) + abs(by - y), pts))
    options.sort(key=lambda o: (o[0], o[1]))
    return options[0][2]


def junctions(routes: list[list[Point]]) -> list[Point]:
    """Where wires from one output part ways: points at which three or more runs meet (a T or
    a cross of the same net). Those are drawn as dots, as Digital draws them."""
    corners = {p for r in routes for p in r[1:-1]}
    # Runs by the line they lie on: a corner only meets the runs through its own x or y.
    by_x: dict[float, list[tuple[Point, Point]]] = {}
    by_y: dict[float, list[tuple[Point, Point]]] = {}
    for r in routes:
        for a, b in zip(r, r[1:]):
            if a[0] == b[0]:
                by_x.setdefault(a[0], []).append((a, b))
            if a[1] == b[1]:
                by_y.setdefault(a[1], []).append((a, b))
    dots = []
    for p in sorted(corners):
        ways: set[tuple[int, int]] = set()
        for a, b in (*by_x.get(p[0], ()), *by_y.get(p[1], ())):
            ways |= _ways(p, a, b)
        if len(ways) >= 3:
            dots.append(p)
    return dots


def _ways(p: Point, a: Point, b: Point) -> set[tuple[int, int]]:
    """Directions in which the run a-b leaves point p (none if p is not on it)."""
    (x, y), (x1, y1), (x2, y2) = p, a, b
    if x1 == x2 == x and min(y1, y2) <= y <= max(y1, y2):
        out = set()
        if max(y1, y2) > y:
            out.add((0, 1))
        if min(y1, y2) < y:
            out.add((0, -1))
        return out
    if y1 == y2 == y and min(x1, x2) <= x <= max(x1, x2):
        out = set()
        if max(x1, x2) > x:
            out.add((1, 0))
        if min(x1, x2) < x:
            out.add((-1, 0))
        return out
    return set()
