"""The circuit view of a big circuit: while it is zoomed or panned it shows a picture taken
when the motion began, and draws everything again once the motion stops."""

from __future__ import annotations

from nnviz.core.circuits.model import Circuit, nand_chain
from nnviz.ui.circuit.sandbox import CircuitSandbox
from nnviz.ui.circuit.view import PICTURE_ITEMS


def chain(n: int) -> Circuit:
    return nand_chain(n, per_row=50)


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


def test_a_fitted_circuit_stays_whole_when_the_view_shrinks_until_the_user_zooms(qtbot):
    from nnviz.ui.circuit.sandbox_menus import examples_dir

    sandbox = qtbot.show_at(CircuitSandbox(), 1400, 800)
    assert sandbox.files.load_file(examples_dir() / "full_adder.json", as_copy=True)
    view = sandbox.view
    view.fit()

    def whole_in_view() -> bool:
        seen = view.mapToScene(view.viewport().rect()).boundingRect()
        return seen.contains(view.scene().items_rect())

    assert view.fitted and whole_in_view()
    sandbox.resize(900, 600)  # as presenter mode's larger type leaves the canvas less room
    qtbot.waitUntil(lambda: view.width() < 700)
    qtbot.waitUntil(whole_in_view)
    view.zoom_by(1.25)  # the user's own zoom is kept
    assert not view.fitted
    zoom, width = view.zoom(), view.width()
    sandbox.resize(1100, 650)
    qtbot.waitUntil(lambda: view.width() != width)
    assert view.zoom() == zoom


def test_the_palette_widens_to_its_entries_in_a_larger_font(qtbot):
    from PySide6.QtGui import QFont

    from nnviz.ui.circuit.palette import Palette

    palette = Palette()
    qtbot.addWidget(palette)
    palette.show()
    big = QFont(palette.font())
    big.setPointSizeF(palette.font().pointSizeF() * 1.6)
    palette.setFont(big)
    need = palette.parts.sizeHintForColumn(0)
    assert palette.minimumWidth() >= need
    assert palette.parts.horizontalScrollBar().maximum() == 0 or not (
        palette.parts.horizontalScrollBar().isVisible()
    )


def test_the_background_grid_never_asks_for_millions_of_dots(qtbot):
    """Zoomed out over a big circuit the visible area can hold millions of grid points; they
    were all made (gigabytes) and then not drawn. Now the grid thins out and is drawn."""
    from PySide6.QtCore import QRectF
    from PySide6.QtGui import QImage, QPainter

    from nnviz.ui.circuit.drawing import MAX_GRID_DOTS
    from nnviz.ui.circuit.scene import CircuitScene

    drawn = []

    class Counting(QPainter):
        def drawPoints(self, points):  # noqa: N802 (Qt name)
            drawn.append(len(points))
            super().drawPoints(points)

    scene = CircuitScene(Circuit(name="empty"))
    image = QImage(200, 200, QImage.Format.Format_ARGB32)
    painter = Counting(image)
    painter.scale(0.001, 0.001)  # a 200,000 unit square on 200 pixels
    scene.drawBackground(painter, QRectF(0, 0, 200_000, 200_000))
    painter.scale(1000, 1000)
    scene.drawBackground(painter, QRectF(0, 0, 400, 400))  # at 100%: every grid step
    painter.end()
    assert 0 < drawn[0] <= MAX_GRID_DOTS
    assert drawn[1] == 21 * 21
