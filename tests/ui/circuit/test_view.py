"""The circuit view of a big circuit: while it is zoomed or panned it shows a picture taken
when the motion began, and draws everything again once the motion stops."""

from __future__ import annotations

from nnviz.core.circuits.model import Circuit
from nnviz.ui.circuit.sandbox import CircuitSandbox
from nnviz.ui.circuit.view import PICTURE_ITEMS


def chain(n: int) -> Circuit:
    c = Circuit(name="chain")
    a = c.add_node("input", (0, 0), name="a")
    prev = a
    for k in range(n):
        g = c.add_node("nand", (100 + 120 * (k % 50), 80 * (k // 50)))
        c.add_wire(prev, 0, g, 0)
        c.add_wire(a, 0, g, 1)
        prev = g
    c.add_wire(prev, 0, c.add_node("output", (6200, 0), name="y"), 0)
    return c


def test_a_big_circuit_moves_as_a_picture_and_settles_sharp(qtbot, tmp_path):
    sandbox = CircuitSandbox()
    qtbot.addWidget(sandbox)
    sandbox.resize(1000, 700)
    sandbox.show()
    qtbot.waitExposed(sandbox)
    path = tmp_path / "chain.json"
    chain(600).save(path)
    assert sandbox.files.load_file(path, as_copy=True)
    view = sandbox.view
    assert len(view.scene().items()) > PICTURE_ITEMS
    view.fit()
    qtbot.waitUntil(lambda: not view.moving)
    view.zoom_by(1.25)
    assert view.moving and view._picture is not None
    picture = view._picture
    view.zoom_by(1.25)  # the same motion: the same picture
    view.horizontalScrollBar().setValue(view.horizontalScrollBar().value() + 40)
    assert view._picture is picture
    view.viewport().repaint()  # draws the picture (no item paints)
    qtbot.waitUntil(lambda: not view.moving, timeout=5000)
    assert view._picture is None
    # a small circuit never switches to a picture
    small = tmp_path / "small.json"
    chain(5).save(small)
    assert sandbox.files.load_file(small, as_copy=True)
    view.zoom_by(1.25)
    assert not view.moving
