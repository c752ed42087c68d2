"""Orthogonal wire routes: horizontal and vertical runs that go around part bodies.

Plain geometry on (x, y) tuples, so it is tested without a scene. A wire leaves its output
port to the right and enters its input port from the left. A forward wire takes three runs:
along, across at some x, along again; that x is the one nearest the middle (or the user's
``bend``) whose runs cross no part body. A wire that has to go backwards, or finds no clear x,
steps out of both ports and goes around above or below the parts in its way.
"""

from __future__ import annotations

import bisect
import itertools

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


class BodyIndex:
    """Part bodies in a coarse grid, so a wire in a big circuit looks only at the bodies near
    it (a list of every body per wire made opening 5,000 gates take minutes)."""

    CELL = 400.0

    def __init__(self, bodies: dict[int, Rect]) -> None:
        self._cells: dict[tuple[int, int], list[tuple[int, Rect]]] = {}
        for key, r in bodies.items():
            for cell in self._keys(r):
                self._cells.setdefault(cell, []).append((key, r))

    def _keys(self, r: Rect) -> list[tuple[int, int]]:
        c = self.CELL
        return [
            (i, j)
            for i in range(int(r[0] // c), int(r[2] // c) + 1)
            for j in range(int(r[1] // c), int(r[3] // c) + 1)
        ]

    def near(self, box: Rect, leave_out: tuple[int, ...] = ()) -> list[Rect]:
        """The bodies overlapping ``box`` (each once), but those keyed in ``leave_out``."""
        seen: set[int] = set(leave_out)
        out = []
        for cell in self._keys(box):
            for key, r in self._cells.get(cell, ()):
                if key not in seen and r[0] < box[2] and r[2] > box[0]:
                    if r[1] < box[3] and r[3] > box[1]:
                        seen.add(key)
                        out.append(r)
        return out


def junctions(routes: list[list[Point]]) -> list[Point]:
    """Where wires from one output part ways: points at which three or more runs meet (a T or
    a cross of the same net). Those are drawn as dots, as Digital draws them.

    Runs are grouped by the line they lie on and sorted, so each corner asks its two lines
    in log time (a net of 10,000 wires took seconds when every corner looked at every run)."""
    corners = {p for r in routes for p in r[1:-1]}
    rows: dict[float, list[tuple[float, float]]] = {}  # y -> spans (x0, x1) of horizontal runs
    cols: dict[float, list[tuple[float, float]]] = {}  # x -> spans (y0, y1) of vertical runs
    for r in routes:
        for a, b in zip(r, r[1:]):
            if a[0] == b[0] and a[1] != b[1]:
                cols.setdefault(a[0], []).append((min(a[1], b[1]), max(a[1], b[1])))
            elif a[1] == b[1] and a[0] != b[0]:
                rows.setdefault(a[1], []).append((min(a[0], b[0]), max(a[0], b[0])))
    row_index = {y: _Spans(spans) for y, spans in rows.items()}
    col_index = {x: _Spans(spans) for x, spans in cols.items()}
    dots = []
    for x, y in sorted(corners):
        ways = 0
        if y in row_index:
            ways += row_index[y].ways(x)
        if x in col_index:
            ways += col_index[x].ways(y)
        if ways >= 3:
            dots.append((x, y))
    return dots


class _Spans:
    """Spans on one line; which ways they leave a point on it (0, 1 or 2 of its two ways)."""

    def __init__(self, spans: list[tuple[float, float]]) -> None:
        spans.sort()
        self.starts = [lo for lo, _ in spans]
        self.reach = list(itertools.accumulate((hi for _, hi in spans), max))

    def ways(self, v: float) -> int:
        # On towards higher values: a span with lo <= v < hi; back: one with lo < v <= hi.
        k = bisect.bisect_right(self.starts, v)
        on = k > 0 and self.reach[k - 1] > v
        j = bisect.bisect_left(self.starts, v)
        back = j > 0 and self.reach[j - 1] >= v
        return int(on) + int(back)
