"""No key of the whole window is bound twice where both bindings could fire."""

from collections import defaultdict

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QWidget


def _can_fire(action: QAction) -> bool:
    """Enabled, and on a widget the user can reach now (a visible widget, or a menu)."""
    if not action.isEnabled():
        return False
    for obj in action.associatedObjects():
        if isinstance(obj, QMenu) or (isinstance(obj, QWidget) and obj.isVisible()):
            return True
    return False


def _clashes(window) -> list[str]:
    keys = defaultdict(list)
    for action in window.findChildren(QAction):
        if not _can_fire(action):
            continue
        own = [k.toString() for k in action.shortcuts() if not k.isEmpty()]
        if len(own) != len(set(own)):
            return [f"{action.text()!r} lists a key twice: {own}"]
        for key in own:
            keys[key].append(action.text())
    return [f"{key}: {names}" for key, names in keys.items() if len(names) > 1]


def test_no_key_is_bound_twice_on_any_tab(window, qtbot):
    checked = 0
    for i in range(window.tabs.count()):
        window.tabs.setCurrentIndex(i)  # builds the page if it was not yet
        qtbot.settle()
        view = window.view_at(i)
        inner = getattr(view, "tabs", None)
        for j in range(inner.count() if inner is not None else 1):
            if inner is not None:
                inner.setCurrentIndex(j)
                qtbot.settle()
            assert _clashes(window) == [], f"tab {window.tabs.tabText(i)}"
            checked += 1
    assert checked >= window.tabs.count()


def test_circuit_redo_answers_ctrl_y_and_ctrl_shift_z(window):
    redo = window.circuit_sandbox.actions_by_name["redo"]
    keys = [k.toString() for k in redo.shortcuts()]
    assert QKeySequence("Ctrl+Y").toString() in keys
    assert QKeySequence("Ctrl+Shift+Z").toString() in keys
    assert len(keys) == len(set(keys))


def test_unique_keys_drops_a_platform_binding_listed_again():
    """On X11 the platform's Redo is Ctrl+Shift+Z itself: listing it again made Qt call every
    press ambiguous (offscreen tests bind Ctrl+Y first, hence this direct test)."""
    from nnviz.ui.circuit.sandbox_menus import unique_keys

    keys = unique_keys(["Ctrl+Shift+Z", "Redo", "Ctrl+Shift+Z", "Ctrl+Y", "Ctrl+Y"])
    assert [k.toString() for k in keys] == ["Ctrl+Shift+Z", "Redo", "Ctrl+Y"]


def test_help_lists_every_key_of_the_window(window, qtbot):
    from nnviz.ui.shell.shortcuts_dialog import CANVAS, EVERYWHERE, ShortcutsDialog

    window.show_shortcuts()
    dialog = window.shortcuts_dialog
    assert isinstance(dialog, ShortcutsDialog) and dialog.isVisible()
    table = dialog.table
    rows = [tuple(table.item(r, c).text() for c in range(3)) for r in range(table.rowCount())]
    listed = {(keys, name) for keys, name, _where in rows}
    # Every action that has a key is in the table, pages built on demand included.
    for action in window.findChildren(QAction):
        keys = ", ".join(
            k.toString(QKeySequence.SequenceFormat.NativeText) for k in action.shortcuts()
        )
        if keys:
            name = action.text().replace("&", "").rstrip("\u2026").strip()
            assert (keys, name) in listed, (keys, name)
    where = {name: w for _k, name, w in rows}
    # Space plays everywhere, and flips a selected switch on the circuit canvas
    assert sorted(w for k, _n, w in rows if k == "Space") == sorted([EVERYWHERE, CANVAS])
    assert ("I, N, O", CANVAS) in {(k, w) for k, _n, w in rows}
    assert where["Redo"] == "Circuits" and any("Ctrl+Y" in k for k, n, _w in rows if n == "Redo")
    assert "Keyboard Shortcuts" in where
    dialog.close()


def test_every_menu_gives_each_accelerator_to_one_entry(window):
    """Alt+letter picks one entry in each menu: no letter is underlined twice (issue 30)."""
    import re

    from PySide6.QtWidgets import QMenu

    window.build_all_pages()
    menus = [("menu bar", window.menuBar().actions())]
    menus += [(m.title(), m.actions()) for m in window.findChildren(QMenu)]
    clashes = []
    for title, actions in menus:
        seen: dict[str, str] = {}
        for act in actions:
            found = re.search(r"&([^&])", act.text())
            if act.isSeparator() or not act.isVisible() or not found:
                continue
            key = found.group(1).lower()
            if key in seen:
                clashes.append((title, seen[key], act.text()))
            seen[key] = act.text()
    assert clashes == []


def test_a_focused_control_gets_its_own_keys_before_the_window_shortcuts(window, qtbot):
    """Up in the mini-batch box steps the box (it moved the test example); Right on a focused
    tab bar changes the tab; elsewhere Up and Down still browse the examples (issue 34)."""
    from PySide6.QtCore import Qt

    studio = window.studio
    window.show_view(studio)
    window.activateWindow()
    spin = studio.controls.batch_spin
    before_example, before_batch = studio.example_index, spin.value()
    spin.setFocus()
    qtbot.waitUntil(spin.hasFocus)
    qtbot.keyClick(spin, Qt.Key.Key_Up)
    assert spin.value() == before_batch + 1 and studio.example_index == before_example
    qtbot.waitUntil(lambda: studio.snapshot is not None)  # the new mini-batch size: a new run
    bar = studio.bottom_tabs.tabBar()
    bar.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
    bar.setFocus()
    qtbot.waitUntil(bar.hasFocus)
    seen = studio.snapshot.progress.examples_seen
    qtbot.keyClick(bar, Qt.Key.Key_Right)
    assert bar.currentIndex() == 1 and studio.snapshot.progress.examples_seen == seen
    # With the canvas focused, Down is the window's: the next test example.
    studio.canvas.setFocus()
    qtbot.waitUntil(studio.canvas.hasFocus)
    qtbot.keyClick(studio.canvas, Qt.Key.Key_Down)
    qtbot.waitUntil(lambda: studio.example_index == before_example + 1)
