"""Orthogonal wire routes for a whole circuit, with the guarantees a Digital user reads by.

Wires are routed one after another on a grid, each by A* search with a penalty for every
bend (orthogonal connector routing as in libavoid, on a grid instead of a visibility
graph). What earlier wires occupy constrains the later ones:

- two different nets never run along the same grid edge, and they meet only where both
  pass straight through at a right angle (a crossing, never a T or a shared corner, which
  would read as a connection);
- no run passes through a part's body (widened by ``margin``) or over a pin other than the
  wire's own two ends;
- a wire leaves its output and enters its input straight, in the pin's own direction;
- wires of one net may run on each other's edges at no cost, so branches share a trunk and
  part at a T (where :func:`junction_points` puts a dot).

A wire that finds no such route within the search limit gets the plain three-run route and is
listed in ``Routing.unrouted``: its guarantee does not hold, and the caller can say so.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field

Point = tuple[float, float]
Rect = tuple[float, float, float, float]  # x0, y0, x1, y1
Direction = tuple[int, int]  # a unit grid step: (1, 0) right, (0, 1) down, ...
Cell = tuple[int, int]  # a grid point, in grid steps
State = tuple[Cell, Direction]  # where the search is, and which way it arrived
DIRECTIONS: tuple[Direction, ...] = ((1, 0), (-1, 0), (0, 1), (0, -1))

GRID = 10.0  # half the editor's snapping step: a NAND's inputs sit between its grid lines
BEND_COST = 6.0  # a bend costs as much as six grid steps (60 px) of length
CROSS_COST = 1.0  # crossing another net costs a step: crossings only where they help
SHARE_COST = 0.1  # running on the own net's edges is almost free: branches share a trunk
MARGIN_STEPS = 6  # the search may go this many grid steps beyond every part and pin
MAX_EXPANSIONS = 6000  # per wire: past this the plain route is taken (and reported)


@dataclass(frozen=True)
class Wire:
    """One wire to route: from ``start`` (an output pin, leaving in direction ``leave``) to
    ``end`` (an input pin, entered moving in direction ``enter``). ``net`` groups the wires
    of one output; ``key`` names the wire in the result."""

    key: Hashable
    net: Hashable
    start: Point
    leave: Direction
    end: Point
    enter: Direction


@dataclass
class Routing:
    routes: dict[Hashable, list[Point]] = field(default_factory=dict)
    unrouted: list[Hashable] = field(default_factory=list)


def _grid(p: Point) -> tuple[int, int]:
    return round(p[0] / GRID), round(p[1] / GRID)


def _point(g: tuple[int, int]) -> Point:
    return g[0] * GRID, g[1] * GRID


def _on_grid(p: Point) -> bool:
    return (
        abs(p[0] / GRID - round(p[0] / GRID)) < 1e-6
        and abs(p[1] / GRID - round(p[1] / GRID)) < 1e-6
    )


class Router:
    """Routes wires one by one against what is already routed (see the module's rules)."""

    def __init__(self, bodies: Iterable[Rect], pins: Iterable[Point], margin: float = 10.0):
        self.bodies = [
            (x0 - margin, y0 - margin, x1 + margin, y1 + margin) for x0, y0, x1, y1 in bodies
        ]
        self.pins = {_grid(p) for p in pins if _on_grid(p)}
        self._blocked: set[tuple[int, int]] = set()
        xs, ys = [], []
        for x0, y0, x1, y1 in self.bodies:
            for gx in range(int(x0 // GRID), int(x1 // GRID) + 2):
                for gy in range(int(y0 // GRID), int(y1 // GRID) + 2):
                    if x0 < gx * GRID < x1 and y0 < gy * GRID < y1:
                        self._blocked.add((gx, gy))
            xs += [x0, x1]
            ys += [y0, y1]
        for gx, gy in self.pins:
            xs.append(gx * GRID)
            ys.append(gy * GRID)
        self.box = (
            int(min(xs, default=0) // GRID) - MARGIN_STEPS,
            int(min(ys, default=0) // GRID) - MARGIN_STEPS,
            int(max(xs, default=0) // GRID) + MARGIN_STEPS + 1,
            int(max(ys, default=0) // GRID) + MARGIN_STEPS + 1,
        )
        # What routed wires hold: each grid edge's net, and at each grid point the nets
        # there with how they use it ("h"/"v" passing straight, "x" a corner or an end).
        self.edges: dict[tuple[tuple[int, int], tuple[int, int]], Hashable] = {}
        self.uses: dict[tuple[int, int], dict[Hashable, set[str]]] = {}
        self.net_points: dict[Hashable, dict[tuple[int, int], list[Point]]] = {}

    # -- occupancy ---------------------------------------------------------------------
    @staticmethod
    def _edge(p: Cell, q: Cell) -> tuple[Cell, Cell]:
        return (p, q) if p <= q else (q, p)

    def _others_at(self, p: tuple[int, int], net: Hashable) -> set[str]:
        kinds: set[str] = set()
        for other, k in self.uses.get(p, {}).items():
            if other != net:
                kinds |= k
        return kinds

    def _take(self, net: Hashable, cells: list[tuple[int, int]], route: list[Point]) -> None:
        for i, p in enumerate(cells):
            kinds = self.uses.setdefault(p, {}).setdefault(net, set())
            before = cells[i - 1] if i else None
            after = cells[i + 1] if i + 1 < len(cells) else None
            if before is None or after is None:
                kinds.add("x")
            elif before[1] == p[1] == after[1]:
                kinds.add("h")
            elif before[0] == p[0] == after[0]:
                kinds.add("v")
            else:
                kinds.add("x")
            # the route up to here, so a later wire of the net can branch off at p
            here = _point(p)
            prefix = route[: _prefix_end(route, p) + 1]
            if prefix[-1] != here:
                prefix = [*prefix, here]
            self.net_points.setdefault(net, {}).setdefault(p, prefix)
            if after is not None:
                self.edges[self._edge(p, after)] = net

    def reserve(self, wires: Iterable[Wire]) -> None:
        """Hold every wire's first and last step for its net before any is routed, so an
        earlier wire of another net cannot block a later one's way into its pin."""
        for w in wires:
            if _on_grid(w.start) and _on_grid(w.end):
                a, b = _grid(w.start), _grid(w.end)
                for p in (
                    (a[0] + w.leave[0], a[1] + w.leave[1]),
                    (b[0] - w.enter[0], b[1] - w.enter[1]),
                ):
                    self.uses.setdefault(p, {}).setdefault(w.net, set()).add("x")

    # -- search -------------------------------------------------------------------------
    def route(self, wire: Wire) -> list[Point] | None:
        """The corner points of ``wire``'s route, recorded as taken; None if the search
        finds none (nothing is recorded then)."""
        if not (_on_grid(wire.start) and _on_grid(wire.end)):
            return None
        a, b = _grid(wire.start), _grid(wire.end)
        a1 = (a[0] + wire.leave[0], a[1] + wire.leave[1])  # one step out of the output
        b1 = (b[0] - wire.enter[0], b[1] - wire.enter[1])  # one step before the input
        for p in (a1, b1):
            if p in self._blocked or (p in self.pins and p not in (a, b)):
                return None
            if self._others_at(p, wire.net):
                return None
        cells = self._search(wire, a, a1, b1, b)
        if cells is None:
            return None
        route = _corners([_point(c) for c in cells])
        self._take(wire.net, cells, route)
        return route

    def _search(self, wire: Wire, a: Cell, a1: Cell, b1: Cell, b: Cell) -> list[Cell] | None:
        net = wire.net
        x0, y0, x1, y1 = self.box
        counter = itertools.count()
        # Start at the stub's end, arriving in the leave direction; or anywhere on the own
        # net's routes, arriving as that route did (a branch off the trunk).
        starts: list[tuple[float, tuple[int, int], Direction, list[tuple[int, int]]]] = []
        starts.append((1.0, a1, wire.leave, [a, a1]))
        for p, prefix in self.net_points.get(net, {}).items():
            if p in (a, b) or len(prefix) < 2:
                continue
            cells = _cells(prefix)
            if len(cells) < 2:
                continue
            d = (cells[-1][0] - cells[-2][0], cells[-1][1] - cells[-2][1])
            starts.append((SHARE_COST * (len(cells) - 1), p, d, cells))
        goal_dir = wire.enter

        def h(p: Cell) -> float:
            return float(abs(p[0] - b1[0]) + abs(p[1] - b1[1]))

        frontier: list[tuple[float, int, float, State]] = []
        best: dict[State, float] = {}
        came: dict[State, State | None] = {}
        heads: dict[tuple[tuple[int, int], Direction], list[tuple[int, int]]] = {}
        for cost, p, d, cells in starts:
            state = (p, d)
            if cost < best.get(state, float("inf")):
                best[state] = cost
                came[state] = None
                heads[state] = cells
                heapq.heappush(frontier, (cost + h(p), next(counter), cost, state))
        expansions = 0
        while frontier:
            _f, _n, cost, state = heapq.heappop(frontier)
            if cost > best.get(state, float("inf")):
                continue
            p, d = state
            if p == b1 and d != (-goal_dir[0], -goal_dir[1]):
                # (b1 is free of other nets, checked before the search: it may turn here)
                return self._path(state, came, heads) + [b]
            expansions += 1
            if expansions > MAX_EXPANSIONS:
                return None
            crossing = bool(self._others_at(p, net))  # passing through another net: straight on
            for nd in DIRECTIONS:
                if nd == (-d[0], -d[1]):
                    continue
                turning = nd != d
                if turning and (crossing or not self._turn_ok(p, net)):
                    continue
                q = (p[0] + nd[0], p[1] + nd[1])
                if not (x0 <= q[0] <= x1 and y0 <= q[1] <= y1):
                    continue
                if q in self._blocked or (q in self.pins and q != b1):
                    continue
                edge_net = self.edges.get(self._edge(p, q))
                if edge_net is not None and edge_net != net:
                    continue
                others = self._others_at(q, net)
                step = SHARE_COST if edge_net == net else 1.0
                if others:
                    # only a right-angle crossing of a net that passes straight through
                    if "x" in others or q == b1:
                        continue
                    if (nd[0] != 0 and "h" in others) or (nd[1] != 0 and "v" in others):
                        continue
                    step += CROSS_COST
                new_cost = cost + step + (BEND_COST if turning else 0.0)
                ns = (q, nd)
                if new_cost < best.get(ns, float("inf")):
                    best[ns] = new_cost
                    came[ns] = state
                    heapq.heappush(frontier, (new_cost + h(q), next(counter), new_cost, ns))
        return None

    def _turn_ok(self, p: tuple[int, int], net: Hashable) -> bool:
        return not self._others_at(p, net)

    @staticmethod
    def _path(
        state: State, came: dict[State, State | None], heads: dict[State, list[Cell]]
    ) -> list[Cell]:
        tail = []
        previous = came[state]
        while previous is not None:
            tail.append(state[0])
            state, previous = previous, came[previous]
        return heads[state] + tail[::-1]


def _prefix_end(route: list[Point], p: tuple[int, int]) -> int:
    """Index in ``route`` of the corner at or before grid point ``p`` (which lies on it)."""
    target = _point(p)
    for i, (u, v) in enumerate(zip(route, route[1:])):
        if _between(target, u, v):
            if target == v:
                return i + 1
            return i
    return len(route) - 1


def _between(p: Point, u: Point, v: Point) -> bool:
    return (u[0] == v[0] == p[0] and min(u[1], v[1]) <= p[1] <= max(u[1], v[1])) or (
        u[1] == v[1] == p[1] and min(u[0], v[0]) <= p[0] <= max(u[0], v[0])
    )


def _cells(route: list[Point]) -> list[tuple[int, int]]:
    """Every grid point along a route of corner points (which all lie on the grid)."""
    cells = [_grid(route[0])]
    for u, v in zip(route, route[1:]):
        gu, gv = _grid(u), _grid(v)
        if gu[0] != gv[0] and gu[1] != gv[1]:
            raise ValueError(f"route {route} is not orthogonal at {u} -> {v}")
        dx = (gv[0] > gu[0]) - (gv[0] < gu[0])
        dy = (gv[1] > gu[1]) - (gv[1] < gu[1])
        p = gu
        while p != gv:
            p = (p[0] + dx, p[1] + dy)
            cells.append(p)
    return cells


def _corners(points: list[Point]) -> list[Point]:
    """The route's ends and the points where it turns."""
    out = [points[0]]
    for i in range(1, len(points) - 1):
        u, p, v = out[-1], points[i], points[i + 1]
        if not ((u[0] == p[0] == v[0]) or (u[1] == p[1] == v[1])):
            out.append(p)
    out.append(points[-1])
    return out


def route_all(
    wires: Sequence[Wire],
    bodies: Iterable[Rect],
    pins: Iterable[Point],
    margin: float = 10.0,
    fallback: Callable[[Wire], list[Point]] | None = None,
    attempts: int = 2,
) -> Routing:
    """Route ``wires``, short ones first so long ones go around them. Greedy routing can box
    a wire in with earlier ones: then the whole circuit is routed again with the wires that
    failed first (up to ``attempts`` orders; the one with fewest failures wins).
    ``fallback(wire)`` gives the route of a wire no order places (default: out, across, in)."""
    bodies, pins = list(bodies), list(pins)
    first = sorted(
        wires,
        key=lambda w: (abs(w.start[0] - w.end[0]) + abs(w.start[1] - w.end[1]), str(w.key)),
    )
    order, best = first, None
    for _ in range(max(1, attempts)):
        result = _route_in_order(order, bodies, pins, margin)
        if best is None or len(result.unrouted) < len(best.unrouted):
            best = result
        if not result.unrouted:
            break
        failed = set(result.unrouted)
        order = [w for w in order if w.key in failed] + [w for w in order if w.key not in failed]
    assert best is not None
    for key in best.unrouted:
        w = next(w for w in wires if w.key == key)
        best.routes[key] = fallback(w) if fallback is not None else _plain(w)
    return best


def _route_in_order(
    order: Sequence[Wire], bodies: list[Rect], pins: list[Point], margin: float
) -> Routing:
    router = Router(bodies, pins, margin)
    router.reserve(order)
    out = Routing()
    for w in order:
        pts = router.route(w)
        if pts is None:
            out.unrouted.append(w.key)
        else:
            out.routes[w.key] = pts
    return out


def _plain(w: Wire) -> list[Point]:
    (ax, ay), (bx, by) = w.start, w.end
    mid = round((ax + bx) / 2 / GRID) * GRID
    return _corners([(ax, ay), (mid, ay), (mid, by), (bx, by)])


def junction_points(routes: Sequence[list[Point]]) -> list[Point]:
    """Points where three or more runs of one net's routes meet (a T or a cross)."""
    ways: dict[Point, set[Direction]] = {}
    for r in routes:
        cells = _cells(r)
        for p, q in zip(cells, cells[1:]):
            d = (q[0] - p[0], q[1] - p[1])
            ways.setdefault(_point(p), set()).add(d)
            ways.setdefault(_point(q), set()).add((-d[0], -d[1]))
    return sorted(p for p, w in ways.items() if len(w) >= 3)


def net_segments(routes: Sequence[list[Point]]) -> list[tuple[Point, Point]]:
    """One net's routes as the fewest straight segments that draw them: the edges they
    cover once each, joined along straight stretches and split wherever the net branches
    (so every T has a segment end, which is how Digital connects wires)."""
    ways: dict[Cell, set[Direction]] = {}
    for r in routes:
        cells = _cells(r)
        for p, q in zip(cells, cells[1:]):
            d = (q[0] - p[0], q[1] - p[1])
            ways.setdefault(p, set()).add(d)
            ways.setdefault(q, set()).add((-d[0], -d[1]))
    out: list[tuple[Point, Point]] = []
    for p in sorted(ways):
        for d in ((1, 0), (0, 1)):
            if d not in ways[p]:
                continue
            back = (-d[0], -d[1])
            if back in ways[p] and len(ways[p]) == 2:
                continue  # p is inside a straight stretch that starts further back
            q = (p[0] + d[0], p[1] + d[1])
            while d in ways.get(q, set()) and len(ways[q]) == 2:
                q = (q[0] + d[0], q[1] + d[1])
            out.append((_point(p), _point(q)))
    return out
