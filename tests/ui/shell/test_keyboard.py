"""The circuit sandbox without a mouse: a half adder placed, wired and checked with keys
alone, in the whole window (so no window-wide shortcut takes a key the canvas needs)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from tests.ui.circuit.test_sandbox import HALF_ADDER_WIRES  # g1..g5 as in the book's figure


class Keys:
    """Presses keys on whatever has the focus, as a keyboard does, and counts them."""

    def __init__(self) -> None:
        self.count = 0

    def press(self, key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
        focus = QApplication.focusWidget()
        assert focus is not None, "nothing has the keyboard focus"
        QTest.keyClick(focus, key, modifier)
        self.count += 1
        # No key meant for the circuit reached a window-wide shortcut (Space plays training)
        window = next(w for w in QApplication.topLevelWidgets() if hasattr(w, "studio"))
        assert not window.studio.playing, f"{key!r} on {type(focus).__name__} played training"

    def until(self, key, done, most: int) -> None:
        """Press ``key`` until ``done()``, at most ``most`` times."""
        for _ in range(most):
            if done():
                return
            self.press(key)
        assert done(), f"{most} presses did not get there"


@pytest.fixture
def sandbox(window):
    """The window's circuit sandbox; left saved, so closing the window asks nothing."""
    window.show_view(window.circuit_sandbox)
    yield window.circuit_sandbox
    window.circuit_sandbox.undo_stack.setClean()


def test_a_half_adder_built_and_checked_with_the_keyboard_alone(window, sandbox, qtbot):
    scene = sandbox.scene
    qtbot.waitUntil(sandbox.view.isVisible)
    keys = Keys()
    # From the page's tab bar to the parts list, then Enter places the current part.
    window.tabs.tabBar().setFocus()
    keys.until(
        Qt.Key.Key_Tab, lambda: QApplication.focusWidget() is sandbox.parts_palette.parts, 30
    )
    keys.press(Qt.Key.Key_Return)  # the first entry: an input switch, placed and selected
    assert QApplication.focusWidget() is sandbox.view and len(scene.selectedItems()) == 1
    for key in [Qt.Key.Key_I] + [Qt.Key.Key_N] * 5 + [Qt.Key.Key_O] * 2:
        keys.press(key)  # I, N, O on the canvas place parts as the palette does
    c = sandbox.circuit
    inputs, outputs = c.input_ids(), c.output_ids()
    gates = sorted(n for n in c.nodes if c.node(n).kind == "nand")
    assert len(inputs) == 2 and len(gates) == 5 and len(outputs) == 2
    ids = dict(zip(["x1", "x2"], inputs)) | dict(zip(["sum", "carry"], outputs))
    ids |= {f"g{k + 1}": g for k, g in enumerate(gates)}
    items = scene.node_items

    def selected(nid):
        return lambda: scene.selectedItems() == [items[nid]]

    def hovering(port):
        return lambda: scene._hover_port is port

    for src, dst, port in HALF_ADDER_WIRES:
        keys.until(Qt.Key.Key_Tab, selected(ids[src]), len(items) + 1)
        keys.press(Qt.Key.Key_W)  # a wire from the selected part's output
        keys.until(Qt.Key.Key_Tab, hovering(items[ids[dst]].inputs[port]), 30)
        keys.press(Qt.Key.Key_Return)
        assert c.wire_into(ids[dst], port) is not None
    # Checked with the switches: Space flips the selected one
    rows = {}
    for a in (0, 1):
        for b in (0, 1):
            for name, want in (("x1", a), ("x2", b)):
                keys.until(Qt.Key.Key_Tab, selected(ids[name]), len(items) + 1)
                if scene.input_values[ids[name]] != want:
                    keys.press(Qt.Key.Key_Space)
            lamps = c.evaluate({c.node(ids["x1"]).name: a, c.node(ids["x2"]).name: b})
            rows[(a, b)] = (items[ids["sum"]].lit, items[ids["carry"]].lit)  # the lamps drawn
            assert rows[(a, b)] == tuple(lamps[c.node(ids[k]).name] for k in ("sum", "carry"))
    assert rows == {(0, 0): (0, 0), (0, 1): (1, 0), (1, 0): (1, 0), (1, 1): (0, 1)}
    print(f"half adder by keyboard: {keys.count} keys")
    # Escape clears the selection, and then Tab leaves the canvas: no trap
    keys.press(Qt.Key.Key_Escape)
    assert scene.selectedItems() == []
    keys.press(Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is not sandbox.view


def test_tab_leaves_every_table_and_list(window, qtbot):
    """30 presses of Tab never left the Perceptrons truth table (Qt walks cells with Tab)."""
    from PySide6.QtWidgets import QAbstractItemView

    window.show_view(window.perceptron_lab)
    lab = window.perceptron_lab
    table = lab.table
    qtbot.waitUntil(table.isVisible)
    table.setFocus()
    keys = Keys()
    keys.press(Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is not table
    table.setFocus()
    keys.press(Qt.Key.Key_Backtab)
    assert QApplication.focusWidget() is not table
    for view in window.findChildren(QAbstractItemView):  # every built page's tables and lists
        assert not view.tabKeyNavigation(), type(view).__name__


def accessible_name(widget) -> str:
    """The name a screen reader reads (set, or derived by Qt from text or a buddy label)."""
    from PySide6.QtGui import QAccessible

    iface = QAccessible.queryAccessibleInterface(widget)
    return iface.text(QAccessible.Text.Name) if iface is not None else ""


def every_view(window, qtbot):
    """Show each page, and on it each tab of every tab widget (nested ones too), in turn;
    yield a name for what is shown."""
    from PySide6.QtWidgets import QTabWidget

    def tabs_of(root, seen):
        for tabs in root.findChildren(QTabWidget):
            if tabs.isVisible() and tabs not in seen:
                seen.append(tabs)
                for j in range(tabs.count()):
                    tabs.setCurrentIndex(j)
                    qtbot.waitUntil(lambda t=tabs: t.currentWidget().isVisible())
                    QApplication.processEvents()  # a view built just now joins the chain
                    yield tabs.tabText(j)
                    yield from tabs_of(tabs.currentWidget(), seen)

    for i in range(window.tabs.count()):
        window.tabs.setCurrentIndex(i)
        page = window.tabs.currentWidget()
        qtbot.waitUntil(page.isVisible)
        QApplication.processEvents()
        yield window.tabs.tabText(i)
        for sub in tabs_of(page, []):
            yield f"{window.tabs.tabText(i)} / {sub}"


@pytest.mark.slow
def test_every_page_walks_by_keyboard_without_trap_and_every_stop_is_named(window, qtbot):
    """On every page and sub-tab, Tab from the main tab bar comes back to it (no trap);
    every stop on the way has a name; no stop is a scroll area (the first Tab on a page
    landed on an invisible one); every visible control is reached."""
    from PySide6.QtWidgets import QScrollArea

    bar = window.tabs.tabBar()
    walked = []
    for view in every_view(window, qtbot):
        walked.append(view)
        bar.setFocus()
        qtbot.waitUntil(bar.hasFocus)
        keys, stops = Keys(), [bar]
        for _ in range(150):  # until the focus is back on the tab bar
            keys.press(Qt.Key.Key_Tab)
            stops.append(QApplication.focusWidget())
            if stops[-1] is bar:
                break
        assert stops[-1] is bar, f"{view}: 150 presses of Tab never came back"
        inside = [w for w in stops[1:-1] if w is not bar]
        assert inside, f"{view}: Tab reaches nothing on the page"
        page = window.tabs.currentWidget()
        assert page.isAncestorOf(inside[0]), f"{view}: the first Tab left the page"
        assert not [w for w in inside if isinstance(w, QScrollArea)], view
        nameless = [type(w).__name__ for w in inside if not accessible_name(w).strip()]
        assert nameless == [], f"{view}: unnamed stops {nameless}"
        # A control with text keeps it as its name (a plot's name once replaced "log scale").
        from PySide6.QtWidgets import QAbstractButton

        renamed = [
            (w.text(), accessible_name(w))
            for w in inside
            if isinstance(w, QAbstractButton)
            and any(ch.isalpha() for ch in w.text())  # not a glyph such as ◀ (named apart)
            and w.text().replace("&", "") not in accessible_name(w)
        ]
        assert renamed == [], f"{view}: buttons read by another name {renamed}"
        unreached = [
            f"{type(c).__name__} {accessible_name(c)!r}"
            for c in controls(window.tabs.currentWidget())
            if not any(c is w for w in stops)
        ]
        assert unreached == [], f"{view}: Tab never reaches {unreached}"
    # Every page, the sub-tabs of Inside the network and the nested Layered network view.
    assert len(walked) > window.tabs.count() + 15
    assert any(v.endswith("Matrix form") for v in walked)
    assert any(v.endswith("Layered network") for v in walked)


def controls(page):
    """The visible, enabled controls on ``page`` a keyboard user must reach with Tab: buttons
    (toolbar buttons and "Got it" too), sliders, spin and combo boxes, text fields, tab bars.
    A group of radio buttons is one stop (arrows choose within it), so only the checked one."""
    from PySide6.QtWidgets import (
        QAbstractButton,
        QAbstractItemView,
        QAbstractSlider,
        QAbstractSpinBox,
        QComboBox,
        QLineEdit,
        QRadioButton,
        QScrollBar,
        QTabBar,
        QWidget,
    )

    kinds = (QAbstractButton, QAbstractSlider, QAbstractSpinBox, QComboBox, QLineEdit, QTabBar)
    for c in page.findChildren(QWidget):
        if not isinstance(c, kinds) or isinstance(c, QScrollBar):
            continue
        if not (c.isVisible() and c.isEnabled()):
            continue
        if isinstance(c, QLineEdit) and isinstance(c.parent(), QAbstractSpinBox | QComboBox):
            continue  # the editor inside a spin or combo box: the box is the stop
        if isinstance(c, QRadioButton) and not c.isChecked() and c.autoExclusive():
            continue
        if isinstance(c.parent(), QAbstractItemView):
            continue  # a table's select-all corner: the table is the stop
        yield c


def test_the_canvases_describe_what_they_show(window, sandbox, qtbot):
    """A screen reader hears what a canvas shows now, not only what it is."""
    view = sandbox.view
    view.setFocus()
    qtbot.waitUntil(view.hasFocus)
    keys = Keys()
    keys.press(Qt.Key.Key_N)  # a NAND gate, selected
    text = view.accessibleDescription()
    assert "1 parts, 0 wires" in text and "selected: NAND 1" in text, text
    keys.press(Qt.Key.Key_Escape)
    assert "selected" not in view.accessibleDescription()
    studio = window.studio
    window.show_view(studio)
    studio.step()  # one mini-batch: the status, and with it the descriptions, follow
    qtbot.waitUntil(lambda: "examples seen" in studio.canvas.accessibleDescription())
    sizes = "-".join(map(str, studio.canvas.sizes))
    assert studio.canvas.accessibleDescription().startswith(f"network {sizes}, epoch 0")
    assert "in epoch 0" in studio.plots.cost_plot.accessibleDescription()


def test_a_ring_marks_where_tab_went_in_every_theme(window, qtbot):
    """Canvases and plots showed no sign of having the focus; the ring follows Tab (not the
    mouse), in the colour of the theme."""
    from PySide6.QtCore import QPoint

    from nnviz.ui.focus_ring import RING_COLOURS, FocusRingFilter

    ring = QApplication.instance().findChild(FocusRingFilter).ring
    window.tabs.tabBar().setFocus()
    keys = Keys()
    for theme in ("light", "contrast", "dark"):
        window.set_theme(theme)
        keys.press(Qt.Key.Key_Tab)
        focused = QApplication.focusWidget()
        qtbot.waitUntil(lambda f=focused: ring.isVisible() and ring.target is f)
        corner = ring.mapTo(ring.window(), QPoint(0, 0))
        expected = focused.mapTo(focused.window(), QPoint(0, 0))
        assert corner == expected - QPoint(ring.WIDTH, ring.WIDTH)
        assert ring.colour.name() == RING_COLOURS[theme]
    QTest.mouseClick(window.studio.controls, Qt.MouseButton.LeftButton)  # no ring for a click
    window.studio.example_spin.setFocus(Qt.FocusReason.MouseFocusReason)
    qtbot.waitUntil(lambda: not ring.isVisible())
    window.set_theme("light")


def test_space_plays_after_a_click_on_step_and_clicks_a_button_tab_reached(window, qtbot):
    """The Play/Step/Epoch/Reset buttons are Tab stops, but a mouse click leaves the focus
    where it was, so Space still plays; on a button reached by Tab, Space clicks it."""
    studio = window.studio
    window.show_view(studio)
    studio.canvas.setFocus()
    qtbot.waitUntil(studio.canvas.hasFocus)
    step = studio.controls.step_button
    QTest.mouseClick(step, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: studio.snapshot.progress.examples_seen > 0, timeout=15000)
    assert not step.hasFocus()
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: studio.playing, timeout=5000)
    studio.pause()
    qtbot.waitUntil(lambda: not studio.playing, timeout=5000)
    reset = studio.controls.reset_button
    reset.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(reset.hasFocus)
    QTest.keyClick(reset, Qt.Key.Key_Space)  # Reset, not Play
    qtbot.waitUntil(
        lambda: studio.snapshot is not None and studio.snapshot.progress.examples_seen == 0,
        timeout=15000,
    )
    assert not studio.playing


def test_the_plane_matrices_and_compare_plots_describe_what_they_show(window, qtbot, tmp_path):
    """The decision plane, the matrix form and the Compare plots say in words what they
    draw, and the words follow the drawing."""
    lab = window.perceptron_lab
    window.show_view(lab)
    lab.set_weights([1.0, 1.0], -1.5)  # AND
    text = lab.plane.accessibleDescription()
    assert "Line 1·x1 + 1·x2 + -1.5 = 0" in text, text
    assert "(0, 1) gives 0" in text and "(1, 1) gives 1" in text
    lab.set_weights([1.0, 1.0], -0.5)  # OR
    assert "(0, 1) gives 1" in lab.plane.accessibleDescription()

    explore = window.explore
    window.show_view(explore)
    matrix = explore.views["matrix"]
    explore.tabs.setCurrentIndex(explore.tabs.indexOf(explore._pages["matrix"]))
    qtbot.waitUntil(lambda: "Layer 2:" in matrix.graphics.accessibleDescription())
    sizes = window.studio.snapshot.sizes
    assert f"is {sizes[1]} × {sizes[0]}" in matrix.graphics.accessibleDescription()
    matrix.set_layer(1)
    qtbot.waitUntil(lambda: "Layer 3:" in matrix.graphics.accessibleDescription())
    assert f"is {sizes[2]} × {sizes[1]}" in matrix.graphics.accessibleDescription()

    from tests.ui.training.test_compare import record_run

    rec = tmp_path / "run.nnrec"
    record_run(rec, eta=3.0, epochs=2)
    compare = window.compare
    assert compare.add_recording(rec)
    text = compare.accuracy.accessibleDescription()
    assert "after epoch 2" in text and "%" in text, text
    assert compare.cost.accessibleDescription() == text
