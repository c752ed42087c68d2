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
