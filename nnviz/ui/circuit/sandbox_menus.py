"""The sandbox's actions, File menu and toolbar. Canvas edits are bound to the canvas and
file keys to the sandbox, so other tabs keep their own keys."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QSizePolicy, QToolButton, QWidget

from nnviz import paths
from nnviz.ui.actions import connect_triggered


def examples_dir() -> Path:
    """Where the shipped example circuits live."""
    return paths.SHIPPED_DATA / "circuits"


def unique_keys(keys) -> list[QKeySequence]:
    """``keys`` (sequences or strings) with each sequence once, in their order."""
    out: list[QKeySequence] = []
    for key in keys:
        key = QKeySequence(key)
        if not key.isEmpty() and key not in out:
            out.append(key)
    return out


class SandboxMenus:
    """Builds ``sandbox.actions_by_name``, the File menu and the toolbar (``sandbox.menus``)."""

    def __init__(self, sandbox) -> None:  # a CircuitSandbox
        self.sandbox = sandbox

    def _action(self, text: str, slot, shortcuts=(), tip: str = "", on_view: bool = False):
        sb = self.sandbox
        act = QAction(text, sb)
        if shortcuts:
            act.setShortcuts([QKeySequence(s) for s in shortcuts])
        # Only while the sandbox (or, for canvas edits, the canvas) has the focus: other
        # tabs keep their own keys.
        act.setShortcutContext(
            Qt.ShortcutContext.WidgetShortcut
            if on_view
            else Qt.ShortcutContext.WidgetWithChildrenShortcut
        )
        if tip:
            act.setToolTip(tip)
        connect_triggered(act, slot)
        (sb.view if on_view else sb).addAction(act)
        return act

    def build(self) -> dict[str, QAction]:
        """Make the actions (returned by name), the File menu and the toolbar."""
        sb = self.sandbox
        K = QKeySequence.StandardKey  # noqa: N806
        a: dict[str, QAction] = {}
        a["new"] = self._action("New", sb.files.new_circuit, [K.New])
        a["open"] = self._action("Open…", sb.files.open_dialog, [K.Open])
        a["save"] = self._action("Save", sb.files.save, [K.Save])
        a["save_as"] = self._action("Save As…", sb.files.save_as, [K.SaveAs])
        a["save_block"] = self._action(
            "Save as block…",
            sb.blocks.save_as_block_dialog,
            tip="Keep this circuit in the palette as a block",
        )
        a["png"] = self._action("Export PNG…", lambda: sb.files.export_dialog("png"))
        a["svg"] = self._action("Export SVG…", lambda: sb.files.export_dialog("svg"))
        a["undo"] = sb.undo_stack.createUndoAction(sb, "Undo")
        a["undo"].setShortcuts([QKeySequence(K.Undo)])
        a["redo"] = sb.undo_stack.createRedoAction(sb, "Redo")
        # The platform's Redo keys plus the two that Digital and logisim users reach for. The
        # platform's list may hold one of them already (Ctrl+Shift+Z on Linux): a sequence
        # bound twice makes Qt refuse it as ambiguous, so each goes in once.
        a["redo"].setShortcuts(
            unique_keys([*QKeySequence.keyBindings(K.Redo), "Ctrl+Shift+Z", "Ctrl+Y"])
        )
        for k in ("undo", "redo"):
            a[k].setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            sb.addAction(a[k])
        a["copy"] = self._action("Copy", sb.scene.copy_selection, [K.Copy], on_view=True)
        a["paste"] = self._action(
            "Paste",
            lambda: sb.scene.paste(sb.view.cursor_scene_pos()),  # at the mouse, if on the canvas
            [K.Paste],
            on_view=True,
        )
        a["delete"] = self._action(
            "Delete", sb.scene.delete_selection, [K.Delete, "Backspace"], on_view=True
        )
        a["select_all"] = self._action("Select all", self.select_all, [K.SelectAll], on_view=True)
        a["rotate"] = self._action(
            "Rotate", sb.scene.rotate_selection, ["R"], on_view=True, tip="Turn a quarter"
        )
        a["mirror"] = self._action(
            "Mirror",
            sb.scene.flip_selection,
            ["M"],
            on_view=True,
            tip="Mirror left to right",
        )
        a["zoom_in"] = self._action("Zoom in", sb.view.zoom_in, ["Ctrl+=", "Ctrl++"])
        a["zoom_out"] = self._action("Zoom out", sb.view.zoom_out, ["Ctrl+-"])
        a["fit"] = self._action("Fit", sb.view.fit, ["Ctrl+0"], tip="Show the whole circuit")
        a["curved"] = self._action(
            "Curved wires",
            lambda on: sb.set_curved_wires(on),
            tip="Draw wires as curves instead of runs around the parts",
        )
        a["curved"].setCheckable(True)
        for act in a.values():  # show the keys in tooltips
            keys = ", ".join(
                k.toString(QKeySequence.SequenceFormat.NativeText) for k in act.shortcuts()
            )
            tip = act.toolTip() if act.toolTip() != act.text().replace("&", "") else act.text()
            if keys:
                act.setToolTip(f"{tip} ({keys})")

        file_menu = QMenu(sb)
        for k in ("new", "open", "save", "save_as", "save_block"):
            file_menu.addAction(a[k])
        sb.examples_menu = file_menu.addMenu("Open example")
        self.fill_examples_menu()
        file_menu.addSeparator()
        file_menu.addAction(a["png"])
        file_menu.addAction(a["svg"])
        file_button = QToolButton()
        file_button.setText("File")
        file_button.setMenu(file_menu)
        file_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        sb.toolbar.addWidget(file_button)
        sb.toolbar.addAction(a["open"])
        sb.toolbar.addAction(a["save"])
        sb.toolbar.addSeparator()
        for k in ("undo", "redo"):
            sb.toolbar.addAction(a[k])
        sb.toolbar.addSeparator()
        for k in ("copy", "paste", "delete"):
            sb.toolbar.addAction(a[k])
        sb.toolbar.addSeparator()
        for k in ("zoom_out", "zoom_in", "fit"):
            sb.toolbar.addAction(a[k])
        sb.toolbar.addSeparator()
        sb.toolbar.addAction(a["curved"])
        spacer = QWidget()
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        sb.toolbar.addWidget(spacer)
        sb.toolbar.addWidget(sb.title_label)
        return a

    def fill_examples_menu(self) -> None:
        sb = self.sandbox
        sb.examples_menu.clear()
        folder = examples_dir()
        files = sorted(folder.glob("*.json")) if folder.is_dir() else []
        if not files:
            sb.examples_menu.addAction("(no examples found)").setEnabled(False)
        for f in files:
            sb.examples_menu.addAction(
                f.stem.replace("_", " "), lambda p=f: sb.files.open_example(p)
            )

    def select_all(self) -> None:
        for item in self.sandbox.scene.node_items.values():
            item.setSelected(True)
