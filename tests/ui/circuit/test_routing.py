"""Orthogonal wire routes, as plain geometry."""

from nnviz.ui.circuit.routing import clear, junctions, route


def runs_are_orthogonal(points):
    return all(a[0] == b[0] or a[1] == b[1] for a, b in zip(points, points[1:]))


def test_forward_route_turns_at_the_middle_when_nothing_is_in_the_way():
    pts = route((0, 0), (200, 100))
    assert pts == [(0, 0), (100, 0), (100, 100), (200, 100)]
    assert route((0, 40), (200, 40)) == [(0, 40), (200, 40)]  # straight across


def test_forward_route_moves_its_turn_out_of_a_body():
    body = (80, -40, 140, 140)  # a part right where the middle would be
    pts = route((0, 0), (240, 100), [body])
    assert runs_are_orthogonal(pts) and clear(pts, [body])
    assert pts[1][0] not in range(80, 141)


def test_backward_route_goes_around_the_parts():
    src = (0, 0, 80, 40)  # the gate whose output is at (80, 20)
    dst = (-200, 100, -120, 140)  # a gate to the left, input at (-200, 110)
    pts = route((80, 20), (-200, 110), [src, dst])
    assert runs_are_orthogonal(pts) and clear(pts, [src, dst])
    assert pts[1] == (100, 20) and pts[-2] == (-220, 110)  # out of the ports first


def test_a_users_bend_is_kept():
    assert route((0, 0), (200, 100), bend=60) == [(0, 0), (60, 0), (60, 100), (200, 100)]


def test_fanned_out_wires_get_dots_where_they_part():
    a = route((0, 0), (200, 100))
    b = route((0, 0), (200, -100))
    c = route((0, 0), (300, 0))
    assert junctions([a, b]) == [(100, 0)]  # up and down from one corner: a T
    assert junctions([a, c]) == [(100, 0)]  # one turns off the other's straight run
    assert junctions([a]) == []


# --- big circuits: the quick lookups answer as the plain scans do -----------------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from nnviz.ui.circuit.routing import BodyIndex  # noqa: E402

coord = st.integers(-2000, 2000).map(lambda v: v * 10.0)


def junctions_by_scan(routes):
    """Every corner against every run: the definition the quick version must agree with."""
    corners = {p for r in routes for p in r[1:-1]}
    dots = []
    for x, y in sorted(corners):
        ways = set()
        for r in routes:
            for (x1, y1), (x2, y2) in zip(r, r[1:]):
                if x1 == x2 == x and min(y1, y2) <= y <= max(y1, y2):
                    ways |= {(0, 1)} if max(y1, y2) > y else set()
                    ways |= {(0, -1)} if min(y1, y2) < y else set()
                if y1 == y2 == y and min(x1, x2) <= x <= max(x1, x2):
                    ways |= {(1, 0)} if max(x1, x2) > x else set()
                    ways |= {(-1, 0)} if min(x1, x2) < x else set()
        if len(ways) >= 3:
            dots.append((x, y))
    return dots


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 30), st.integers(-6, 6)), min_size=1, max_size=40))
def test_junctions_agree_with_a_scan_of_every_run(ends):
    # Wires of one net from (0, 0) to ends on a coarse grid, so runs overlap and cross often.
    routes = [route((0.0, 0.0), (x * 20.0, y * 20.0)) for x, y in ends]
    assert junctions(routes) == junctions_by_scan(routes)


def test_a_net_of_thousands_of_wires_gets_its_dots():
    routes = [route((0.0, 0.0), (200.0, 40.0 * k)) for k in range(-1500, 1500)]
    dots = junctions(routes)
    assert (100.0, 0.0) in dots and len(dots) == len(set(dots)) > 1000


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(coord, coord, st.integers(1, 60), st.integers(1, 60)), max_size=60),
    st.tuples(coord, coord, st.integers(0, 200), st.integers(0, 200)),
)
def test_body_index_finds_what_a_scan_finds(rects, box):
    bodies = {k: (x, y, x + 10.0 * w, y + 10.0 * h) for k, (x, y, w, h) in enumerate(rects)}
    x, y, w, h = box
    query = (x, y, x + 10.0 * w, y + 10.0 * h)
    leave_out = (0, 3)
    found = BodyIndex(bodies).near(query, leave_out)
    expected = [
        r
        for k, r in bodies.items()
        if k not in leave_out
        and r[0] < query[2]
        and r[2] > query[0]
        and r[1] < query[3]
        and r[3] > query[1]
    ]
    assert sorted(found) == sorted(expected)
