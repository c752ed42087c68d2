"""The logic-gate sandbox tab: build NAND circuits by hand, check levels, see them as perceptrons.

Composition only: the canvas (scene + view), the palette, the truth-table and levels panels,
the perceptron and learned views, files, autosave and the block library. Every edit is an
undo command on ``undo_stack``; the main window calls ``maybe_save()`` before closing.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QPointF, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QFrame,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QMenu,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QTabWidget,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from nnviz import paths
from nnviz.core.circuits.formats import load_circuit, save_circuit
from nnviz.core.circuits.levels import LEVELS, Level
from nnviz.core.circuits.model import Circuit, CircuitError, make_block_definition
from nnviz.core.io.atomic import atomic_write
from nnviz.ui.actions import connect_triggered
from nnviz.ui.circuit.learned_view import LearnedView
from nnviz.ui.circuit.levels_panel import LevelsPanel
from nnviz.ui.circuit.palette import Palette
from nnviz.ui.circuit.perceptron_view import PerceptronView
from nnviz.ui.circuit.scene import CircuitScene
from nnviz.ui.circuit.truth_table_panel import MAX_SHOWN_INPUTS, TruthTablePanel
from nnviz.ui.circuit.view import CircuitView, export_png, export_svg
from nnviz.ui.file_dialogs import open_file, save_file
from nnviz.ui.pages import ViewTabs, restore_tabs, tab_states

AUTOSAVE_NAME = "autosave-circuit.json"
AUTOSAVE_META = "autosave-circuit.meta.json"
AUTOSAVE_MS = 30_000
FILE_FILTER = (
    "Circuits (*.json *.dig);;nnviz circuits (*.json);;Digital circuits (*.dig);;All files (*)"
)
SAVE_FILTER = "nnviz circuits (*.json);;Digital circuits (*.dig)"

ERROR_STYLE = "color:#b91c1c;"
INFO_STYLE = "color:#374151;"
WARN_STYLE = "color:#b45309;"


def examples_dir() -> Path:
    """Where the shipped example circuits live."""
    return paths.SHIPPED_DATA / "circuits"


def library_dir() -> Path:
    """Where blocks (saved circuits, passed levels) are kept between sessions."""
    return paths.user_data_dir() / "blocks"


def _settings():
    from nnviz.ui.settings import settings

    return settings()


def unique_keys(keys) -> list[QKeySequence]:
    """``keys`` (sequences or strings) with each sequence once, in their order."""
    out: list[QKeySequence] = []
    for key in keys:
        key = QKeySequence(key)
        if not key.isEmpty() and key not in out:
            out.append(key)
    return out


class CircuitSandbox(QWidget):
    """The circuit sandbox tab. ``title_changed(str)`` carries "name — modified" style text."""

    page_id = "circuits"

    title_changed = Signal(str)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.circuit = Circuit(name="untitled")
        self.undo_stack = QUndoStack(self)
        self.path: Path | None = None
        self.library: dict[str, Circuit] = {}
        self._block_windows: list[QDialog] = []
        self._key_filter_on = False
        self._status_is_error = False

        self.scene = CircuitScene(self.circuit, self.undo_stack, parent=self)
        self.view = CircuitView(self.scene)
        self.palette = Palette()
        self.truth_panel = TruthTablePanel()
        self.levels_panel = LevelsPanel(self.circuit, passed=self._load_passed())
        self.perceptron_view = PerceptronView(self.circuit)
        self.learned_view = LearnedView(self.circuit)

        self.pages = QTabWidget()
        self.pages.addTab(self.view, "Gates")
        self.pages.addTab(self.perceptron_view, "As perceptrons")
        self.pages.addTab(self.learned_view, "Learned vs hand-built")
        self.side = QTabWidget()
        self.side.addTab(self.truth_panel, "Truth table")
        self.side.addTab(self.levels_panel, "Levels")
        self.view_tabs = [
            ViewTabs(self.pages, ["gates", "perceptrons", "learned"]),
            ViewTabs(self.side, ["truth", "levels"]),
            ViewTabs(self.perceptron_view.drawings, ["network", "layered"]),
        ]

        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.palette)
        split.addWidget(self.pages)
        split.addWidget(self.side)
        split.setStretchFactor(0, 0)
        split.setStretchFactor(1, 1)
        split.setStretchFactor(2, 0)
        split.setSizes([200, 800, 340])
        split.setChildrenCollapsible(False)

        self.toolbar = QToolBar()
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.title_label = QLabel()
        self.title_label.setStyleSheet("font-weight:bold; padding:0 8px;")
        self._make_actions()

        self.banner = QFrame()
        self.banner.setStyleSheet(
            "QFrame{background:#fef9c3; border:1px solid #facc15;}"
            "QLabel{color:#111827; border:none;}"  # dark on yellow in every theme
        )
        bl = QHBoxLayout(self.banner)
        bl.setContentsMargins(8, 4, 8, 4)
        self.banner_label = QLabel()
        self.recover_button = QPushButton("Recover it")
        self.discard_button = QPushButton("Discard it")
        self.recover_button.clicked.connect(self.recover_autosave)
        self.discard_button.clicked.connect(self.discard_autosave)
        bl.addWidget(self.banner_label, 1)
        bl.addWidget(self.recover_button)
        bl.addWidget(self.discard_button)
        self.banner.hide()

        self.status = QLabel()
        self.status.setWordWrap(True)
        self.problems = QLabel()
        self.problems.setStyleSheet(WARN_STYLE)
        status_row = QHBoxLayout()
        status_row.setContentsMargins(6, 0, 6, 2)
        status_row.addWidget(self.status, 3)
        status_row.addWidget(self.problems, 2)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.banner)
        layout.addWidget(split, 1)
        layout.addLayout(status_row)

        self.scene.message.connect(self.show_message)
        self.scene.values_changed.connect(self._on_values_changed)
        self.scene.open_block.connect(self.open_block)
        self.palette.part_chosen.connect(self.place_from_palette)
        self.palette.open_block.connect(self.open_block)
        self.palette.remove_block.connect(self.remove_block)
        self.truth_panel.row_clicked.connect(self.scene.set_input_row)
        self.levels_panel.start_requested.connect(self.start_level)
        self.levels_panel.unlocked.connect(self._on_level_unlocked)
        self.levels_panel.failing_row.connect(self._on_failing_row)
        self.undo_stack.cleanChanged.connect(self._update_title)
        self._unsubscribe = self.circuit.subscribe(self._on_circuit_event)

        self.autosave_timer = QTimer(self)
        self.autosave_timer.setInterval(AUTOSAVE_MS)
        self.autosave_timer.timeout.connect(self.autosave_now)
        self.autosave_timer.start()

        self._load_library()
        self._circuit_changed()
        self._update_title()
        try:
            curved = str(_settings().value("circuit/curved_wires", False)).lower() == "true"
        except Exception:
            curved = False
        if curved:
            self.set_curved_wires(True)
        self.show_message(
            "Place parts from the palette, drag from a port to wire, click a switch to flip it."
        )
        self._check_recovery()

    # -- actions ----------------------------------------------------------------------------
    def _action(self, text: str, slot, shortcuts=(), tip: str = "", on_view: bool = False):
        act = QAction(text, self)
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
        (self.view if on_view else self).addAction(act)
        return act

    def _make_actions(self) -> None:
        K = QKeySequence.StandardKey  # noqa: N806
        a = {}
        a["new"] = self._action("New", self.new_circuit, [K.New])
        a["open"] = self._action("Open…", self.open_dialog, [K.Open])
        a["save"] = self._action("Save", self.save, [K.Save])
        a["save_as"] = self._action("Save As…", self.save_as, [K.SaveAs])
        a["save_block"] = self._action(
            "Save as block…",
            self.save_as_block_dialog,
            tip="Keep this circuit in the palette as a block",
        )
        a["png"] = self._action("Export PNG…", lambda: self.export_dialog("png"))
        a["svg"] = self._action("Export SVG…", lambda: self.export_dialog("svg"))
        a["undo"] = self.undo_stack.createUndoAction(self, "Undo")
        a["undo"].setShortcuts([QKeySequence(K.Undo)])
        a["redo"] = self.undo_stack.createRedoAction(self, "Redo")
        # The platform's Redo keys plus the two that Digital and logisim users reach for. The
        # platform's list may hold one of them already (Ctrl+Shift+Z on Linux): a sequence
        # bound twice makes Qt refuse it as ambiguous, so each goes in once.
        a["redo"].setShortcuts(
            unique_keys([*QKeySequence.keyBindings(K.Redo), "Ctrl+Shift+Z", "Ctrl+Y"])
        )
        for k in ("undo", "redo"):
            a[k].setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            self.addAction(a[k])
        a["copy"] = self._action("Copy", self.scene.copy_selection, [K.Copy], on_view=True)
        a["paste"] = self._action("Paste", self.scene.paste, [K.Paste], on_view=True)
        a["delete"] = self._action(
            "Delete", self.scene.delete_selection, [K.Delete, "Backspace"], on_view=True
        )
        a["select_all"] = self._action("Select all", self._select_all, [K.SelectAll], on_view=True)
        a["rotate"] = self._action(
            "Rotate", self.scene.rotate_selection, ["R"], on_view=True, tip="Turn a quarter"
        )
        a["mirror"] = self._action(
            "Mirror", self.scene.flip_selection, ["M"], on_view=True, tip="Mirror left to right"
        )
        a["zoom_in"] = self._action("Zoom in", self.view.zoom_in, ["Ctrl+=", "Ctrl++"])
        a["zoom_out"] = self._action("Zoom out", self.view.zoom_out, ["Ctrl+-"])
        a["fit"] = self._action("Fit", self.view.fit, ["Ctrl+0"], tip="Show the whole circuit")
        a["curved"] = self._action(
            "Curved wires",
            lambda on: self.set_curved_wires(on),
            tip="Draw wires as curves instead of runs around the parts",
        )
        a["curved"].setCheckable(True)
        self.actions_by_name = a
        for act in a.values():  # show the keys in tooltips
            keys = ", ".join(
                k.toString(QKeySequence.SequenceFormat.NativeText) for k in act.shortcuts()
            )
            tip = act.toolTip() if act.toolTip() != act.text().replace("&", "") else act.text()
            if keys:
                act.setToolTip(f"{tip} ({keys})")

        file_menu = QMenu(self)
        for k in ("new", "open", "save", "save_as", "save_block"):
            file_menu.addAction(a[k])
        self.examples_menu = file_menu.addMenu("Open example")
        self._fill_examples_menu()
        file_menu.addSeparator()
        file_menu.addAction(a["png"])
        file_menu.addAction(a["svg"])
        file_button = QToolButton()
        file_button.setText("File")
        file_button.setMenu(file_menu)
        file_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.toolbar.addWidget(file_button)
        self.toolbar.addAction(a["open"])
        self.toolbar.addAction(a["save"])
        self.toolbar.addSeparator()
        for k in ("undo", "redo"):
            self.toolbar.addAction(a[k])
        self.toolbar.addSeparator()
        for k in ("copy", "paste", "delete"):
            self.toolbar.addAction(a[k])
        self.toolbar.addSeparator()
        for k in ("zoom_out", "zoom_in", "fit"):
            self.toolbar.addAction(a[k])
        self.toolbar.addSeparator()
        self.toolbar.addAction(a["curved"])
        spacer = QWidget()
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.toolbar.addWidget(spacer)
        self.toolbar.addWidget(self.title_label)

    def _fill_examples_menu(self) -> None:
        self.examples_menu.clear()
        folder = examples_dir()
        files = sorted(folder.glob("*.json")) if folder.is_dir() else []
        if not files:
            self.examples_menu.addAction("(no examples found)").setEnabled(False)
        for f in files:
            self.examples_menu.addAction(f.stem.replace("_", " "), lambda p=f: self.open_example(p))

    def _select_all(self) -> None:
        for item in self.scene.node_items.values():
            item.setSelected(True)

    # -- status -----------------------------------------------------------------------------
    def show_message(self, text: str, error: bool = False) -> None:
        """Show a line in the status area (red when it reports a refused edit or an error)."""
        self.status.setText(text)
        self.status.setStyleSheet(ERROR_STYLE if error else INFO_STYLE)
        self._status_is_error = error

    def set_curved_wires(self, on: bool) -> None:
        """Curves instead of orthogonal runs (remembered for the next start)."""
        self.scene.set_wire_style("curved" if on else "orthogonal")
        act = self.actions_by_name.get("curved")
        if act is not None and act.isChecked() != bool(on):
            act.setChecked(bool(on))
        try:
            _settings().setValue("circuit/curved_wires", bool(on))
        except Exception:  # settings are a convenience
            pass

    def _update_title(self, *_args) -> None:
        name = self.path.name if self.path is not None else (self.circuit.name or "untitled")
        text = f"{name}{' — modified' if not self.undo_stack.isClean() else ''}"
        self.title_label.setText(text)
        self.title_changed.emit(text)

    # -- reacting to the model ----------------------------------------------------------------
    def _on_circuit_event(self, event: str, arg) -> None:
        if event in ("block_defined", "block_undefined", "changed"):
            self._refresh_palette()
        if event not in (
            "node_moved",
            "look_changed",
            "note_added",
            "note_removed",
            "note_changed",
        ):
            # A verdict on the circuit as it was says nothing about this one (moving or
            # turning parts and editing notes leave the logic, and the verdict, as they were).
            self.levels_panel.clear_result()
        self._circuit_changed()

    def _circuit_changed(self) -> None:
        n_in = len(self.circuit.input_ids())
        if n_in > MAX_SHOWN_INPUTS:
            self.truth_panel.set_table(None, n_in)
        else:
            self.truth_panel.set_table(self.circuit.truth_table())
        self._on_values_changed()
        self.levels_panel.refresh_count()
        self.perceptron_view.mark_dirty()
        self.learned_view.mark_dirty()
        self.problems.setText(self.scene.unconnected_message())
        if self._status_is_error:
            self.show_message("")  # a refusal is stale once the circuit has moved on

    def current_row_index(self) -> int | None:
        """Index in the truth table of the switches' current combination."""
        ids = self.circuit.input_ids()
        if not ids:
            return 0 if self.circuit.output_ids() else None
        bits = "".join(str(self.scene.input_values.get(i, 0)) for i in ids)
        return int(bits, 2)

    def current_bits(self) -> tuple[int, ...]:
        return tuple(self.scene.input_values.get(i, 0) for i in self.circuit.input_ids())

    def _on_values_changed(self) -> None:
        self.truth_panel.set_current_row(self.current_row_index())
        if self.perceptron_view.isVisible():
            self.perceptron_view.set_inputs(self.current_bits())
        else:
            self.perceptron_view.input_bits = self.current_bits()

    # -- palette and blocks -------------------------------------------------------------------
    def place_from_palette(self, part: str) -> int | None:
        """Place a clicked palette part near the middle of the visible canvas."""
        self.pages.setCurrentWidget(self.view)
        pos = self.scene.free_spot(self.view.visible_center() - QPointF(40, 20))
        return self.scene.place_part(part, pos)

    def _load_library(self) -> None:
        folder = library_dir()
        bad = []
        if folder.is_dir():
            for f in sorted(folder.glob("*.json")):
                try:
                    c = load_circuit(f)
                    self.library[c.name or f.stem] = c
                except CircuitError:
                    bad.append(f.name)
        self._refresh_palette()
        if bad:
            self.show_message(f"Skipped unreadable block files in {folder}: {', '.join(bad)}", True)

    def _refresh_palette(self) -> None:
        blocks = dict(self.library)
        blocks.update(self.circuit.blocks)  # the circuit's own definition wins
        self.scene.block_library = blocks
        self.palette.set_blocks(blocks)

    def add_block(self, name: str, definition: Circuit, persist: bool = True) -> None:
        """Put a block definition in the palette (and in the library folder)."""
        definition = make_block_definition(definition, name)
        self.library[name] = definition
        if persist:
            folder = library_dir()
            try:
                folder.mkdir(parents=True, exist_ok=True)
                definition.save(folder / f"{_safe_file_name(name)}.json")
            except OSError as exc:
                self.show_message(
                    f"Block '{name}' is in the palette but could not be saved to {folder}: {exc}",
                    True,
                )
        self._refresh_palette()

    def remove_block(self, name: str) -> None:
        """Take a block out of the library (circuits that embed it keep their copy)."""
        if name in self.library:
            del self.library[name]
            try:
                (library_dir() / f"{_safe_file_name(name)}.json").unlink(missing_ok=True)
            except OSError as exc:
                self.show_message(f"Could not delete the block file: {exc}", True)
        self._refresh_palette()
        if name in self.circuit.blocks:
            self.show_message(f"'{name}' stays in the palette: this circuit uses it.")
        else:
            self.show_message(f"Removed block '{name}' from the palette.")

    def save_as_block_dialog(self) -> None:
        default = self.path.stem if self.path is not None else self.circuit.name
        name, ok = QInputDialog.getText(self, "Save as block", "Block name:", text=default)
        if not ok or not name.strip():
            return
        try:
            self.add_block(name.strip(), self.circuit)
        except CircuitError as exc:
            QMessageBox.warning(self, "Cannot make a block", f"{exc}")
            return
        self.show_message(f"Block '{name.strip()}' is now in the palette.")

    def open_block(self, name: str) -> QDialog | None:
        """Show the inside of a block, read-only, in its own window."""
        definition = self.circuit.blocks.get(name) or self.library.get(name)
        if definition is None:
            self.show_message(f"There is no block called {name!r}.", True)
            return None
        inner = definition.copy()
        dialog = QDialog(self)
        dialog.setWindowTitle(f"Inside block “{name}” (read-only)")
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        scene = CircuitScene(inner, read_only=True, parent=dialog)
        view = CircuitView(scene)
        note = QLabel(
            f"{inner.nand_count()} NAND gates. Flip the switches to explore; this view cannot "
            "be edited. Double-click an inner block to open it too."
        )
        note.setWordWrap(True)
        scene.open_block.connect(lambda n, c=inner: self._open_inner_block(c, n, dialog))
        lay = QVBoxLayout(dialog)
        lay.addWidget(note)
        lay.addWidget(view, 1)
        dialog.resize(760, 520)
        dialog.scene = scene  # keep references for tests and to keep the scene alive
        dialog.view = view
        dialog.finished.connect(lambda _r, s=scene: s.detach())
        dialog.show()
        view.fit()
        self._block_windows = [w for w in self._block_windows if _alive(w)] + [dialog]
        return dialog

    def _open_inner_block(self, outer: Circuit, name: str, parent: QDialog) -> None:
        if name in outer.blocks and name not in self.circuit.blocks and name not in self.library:
            self.library.setdefault(name, outer.blocks[name])  # for this session only
            self._refresh_palette()
        self.open_block(name)

    # -- levels ---------------------------------------------------------------------------------
    def start_level(self, level: Level) -> bool:
        """Replace the circuit with the level's workbench (after offering to save)."""
        if not self.maybe_save():
            return False
        starter = level.starter()
        self._replace(starter, None)
        # Blocks unlocked so far stay available through the palette.
        self.show_message(f"{level.title}: {level.description}")
        return True

    def _on_level_unlocked(self, name: str, definition: Circuit) -> None:
        self.add_block(name, definition)
        passed = self.levels_panel.passed
        try:
            _settings().setValue("circuit/passed_levels", ",".join(sorted(passed)))
        except Exception:  # settings are a convenience; never block a pass on them
            pass

    def _on_failing_row(self, bits: tuple) -> None:
        self.scene.set_input_row(bits)  # the lamps now show the wrong row

    def _load_passed(self) -> set[str]:
        try:
            raw = _settings().value("circuit/passed_levels", "")
        except Exception:
            return set()
        keys = {lv.key for lv in LEVELS}
        return {k for k in str(raw or "").split(",") if k in keys}

    # -- the page's state (sessions and deck steps; nnviz.ui.pages) ------------------------------
    def state(self) -> dict:
        state: dict = {
            "tabs": tab_states(self),
            "merge": self.perceptron_view.merge_box.isChecked(),
        }
        shipped = self._shipped_name()
        if shipped is not None and self.undo_stack.isClean():
            state["circuit"] = shipped
        return state

    def restore(self, state: dict) -> None:
        """Open a circuit nnviz ships (``circuit``), merge parallel connections (``merge``) and
        show the sub-views named in ``tabs``."""
        if "circuit" in state:
            self.open_shipped(str(state["circuit"]))
        if "merge" in state:
            self.perceptron_view.merge_box.setChecked(bool(state["merge"]))
        restore_tabs(self, state.get("tabs"))

    def _shipped_name(self) -> str | None:
        from nnviz.paths import shipped_examples

        if self.path is None:
            return None
        for name, path in shipped_examples().items():
            if Path(path).resolve() == Path(self.path).resolve():
                return name
        return None

    def open_shipped(self, name: str) -> None:
        """Open the circuit nnviz ships as ``name``; the user's own unsaved edits of that very
        circuit stay on screen."""
        from nnviz.paths import shipped_examples

        path = shipped_examples().get(name)
        if path is None:
            self.show_message(f"This nnviz ships no circuit called {name!r}.", error=True)
            return
        if self._shipped_name() == name and not self.undo_stack.isClean():
            return
        self.load_file(path)

    def show_circuit(self, circuit: Circuit, path: Path | None) -> None:
        """Show ``circuit`` (from ``path``, or none) in place of the current one."""
        self._replace(circuit, path)

    # -- files ----------------------------------------------------------------------------------
    def _replace(self, circuit: Circuit, path: Path | None) -> None:
        self.circuit.replace_contents(circuit)
        self.undo_stack.clear()
        self.undo_stack.setClean()
        self.path = path
        self._update_title()
        self.view.fit()

    def new_circuit(self) -> bool:
        """An empty circuit (after offering to save)."""
        if not self.maybe_save():
            return False
        self._replace(Circuit(name="untitled"), None)
        self.show_message("New circuit.")
        return True

    def load_file(self, path: str | Path, as_copy: bool = False) -> bool:
        """Open a circuit file without asking to save first. A bad file changes nothing."""
        path = Path(path)
        try:
            loaded = load_circuit(path)
        except CircuitError as exc:
            QMessageBox.warning(
                self,
                "Could not open circuit",
                f"{exc}\n\nYour current circuit was not changed. Choose an nnviz circuit "
                "(.json) or a Digital circuit (.dig), or fix the file and open it again.",
            )
            self.show_message(f"Could not open {path.name}; nothing changed.", True)
            return False
        self._replace(loaded, None if as_copy else path)
        note = ""
        if path.suffix.lower() == ".dig":
            note = " (from Digital: each gate became NAND gates, labels kept)"
        self.show_message(
            f"Opened {path.name}: {len(loaded.nodes)} parts, {loaded.nand_count()} NAND "
            f"gates{note}."
        )
        return True

    def open_dialog(self) -> bool:
        if not self.maybe_save():
            return False
        path = open_file(self, "circuit", "Open circuit", FILE_FILTER)
        return bool(path) and self.load_file(path)

    def open_example(self, path: str | Path) -> bool:
        """Open a shipped example as an untitled copy (saving asks where)."""
        if not self.maybe_save():
            return False
        return self.load_file(path, as_copy=True)

    def write_file(self, path: str | Path) -> bool:
        """Save to ``path`` (atomic); mark clean. The palette changes only through Save as
        Block..., never as a side effect of saving a file."""
        path = Path(path)
        try:
            save_circuit(self.circuit, path)  # .dig: Digital's format, blocks become gates
        except CircuitError as exc:
            QMessageBox.warning(self, "Could not save", f"{exc}\n\nYour circuit is unchanged.")
            return False
        except OSError as exc:
            QMessageBox.warning(
                self,
                "Could not save",
                f"Could not write {path}: {exc}\n\nChoose another folder or "
                "file name; your circuit is still open and unchanged.",
            )
            return False
        self.path = path
        self.undo_stack.setClean()
        self._remove_autosave()
        try:
            _settings().setValue("circuit/last_save_time", time.time())
            _settings().setValue("circuit/last_path", str(path))
        except Exception:
            pass
        self._update_title()
        self.show_message(f"Saved {path}.")
        return True

    def save(self) -> bool:
        """Save to the current file, or ask where."""
        if self.path is None:
            return self.save_as()
        return self.write_file(self.path)

    def save_as(self, path: str | Path | None = None) -> bool:
        """Save under a new name (asks when ``path`` is None)."""
        if path is None:
            name = self.path.name if self.path else f"{self.circuit.name or 'circuit'}.json"
            path = save_file(self, "circuit", "Save circuit", SAVE_FILTER, name)
            if not path:
                return False
            if not path.lower().endswith((".json", ".dig")):
                path += ".json"
        return self.write_file(path)

    def export_dialog(self, fmt: str) -> bool:
        base = (self.path.stem if self.path else self.circuit.name) or "circuit"
        filt = "PNG images (*.png)" if fmt == "png" else "SVG drawings (*.svg)"
        path = save_file(self, "picture", "Export picture", filt, f"{base}.{fmt}")
        if not path:
            return False
        return self.export(path, fmt)

    def export(self, path: str | Path, fmt: str) -> bool:
        """Write the canvas as ``png`` or ``svg``."""
        try:
            if fmt == "png":
                export_png(self.scene, path)
            else:
                export_svg(self.scene, path, title=self.circuit.name or "circuit")
        except OSError as exc:
            QMessageBox.warning(self, "Export failed", f"{exc}\n\nChoose another folder.")
            return False
        self.show_message(f"Exported {path}.")
        return True

    def _ask_unsaved(self) -> QMessageBox.StandardButton:
        """Ask Save / Discard / Cancel about unsaved changes (tests replace this)."""
        name = self.path.name if self.path else (self.circuit.name or "untitled")
        return QMessageBox.question(
            self,
            "Unsaved circuit",
            f"The circuit “{name}” has changes that are not saved. Save them first?",
            QMessageBox.StandardButton.Save
            | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Save,
        )

    def set_presentation(self, scale: float, dark: bool = False) -> None:
        """The theme reaches the circuit drawing and the network drawings beside it."""
        from nnviz.ui.canvas.view import NetworkCanvas

        for canvas in self.findChildren(NetworkCanvas):
            canvas.set_presentation(scale, dark)

    def maybe_save(self) -> bool:
        """True when it is fine to drop the circuit (saved, discarded or unchanged)."""
        if self.undo_stack.isClean():
            return True
        answer = self._ask_unsaved()
        if answer == QMessageBox.StandardButton.Save:
            return self.save()
        if answer == QMessageBox.StandardButton.Discard:
            self._remove_autosave()
            return True
        return False

    # -- autosave -------------------------------------------------------------------------------
    @staticmethod
    def autosave_path() -> Path:
        return paths.user_state_dir() / AUTOSAVE_NAME

    def autosave_now(self) -> bool:
        """Write the circuit to the autosave file if it has unsaved changes."""
        if self.undo_stack.isClean():
            return False
        path = self.autosave_path()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self.circuit.save(path)  # atomic: temporary file, then rename
            meta = {"source": str(self.path) if self.path else None, "time": time.time()}
            with atomic_write(path.with_name(AUTOSAVE_META)) as fh:
                fh.write(json.dumps(meta))
        except OSError as exc:
            self.show_message(f"Autosave failed ({exc}); save your work by hand.", True)
            return False
        return True

    def _remove_autosave(self) -> None:
        p = self.autosave_path()
        for f in (p, p.with_name(AUTOSAVE_META)):
            try:
                f.unlink(missing_ok=True)
            except OSError:
                pass

    def _check_recovery(self) -> bool:
        """Offer (in a banner) an autosave newer than the last save."""
        p = self.autosave_path()
        if not p.exists():
            return False
        try:
            last_save = float(_settings().value("circuit/last_save_time", 0) or 0)
        except (TypeError, ValueError, Exception):
            last_save = 0.0
        if p.stat().st_mtime <= last_save:
            self._remove_autosave()  # older than a real save: nothing to recover
            return False
        when = time.strftime("%Y-%m-%d %H:%M", time.localtime(p.stat().st_mtime))
        self.banner_label.setText(
            f"An unsaved circuit from {when} was kept when nnviz last closed. Recover it?"
        )
        self.banner.show()
        return True

    def recover_autosave(self) -> bool:
        """Open the autosave as an unsaved circuit (its original file, if any, stays as is)."""
        p = self.autosave_path()
        try:
            loaded = load_circuit(p)
        except CircuitError as exc:
            QMessageBox.warning(
                self,
                "Could not recover",
                f"{exc}\n\nThe autosave is damaged; it was left where it is.",
            )
            return False
        source = None
        try:
            meta = json.loads(p.with_name(AUTOSAVE_META).read_text(encoding="utf-8"))
            source = Path(meta["source"]) if meta.get("source") else None
        except (OSError, ValueError, KeyError, TypeError):
            pass
        self._replace(loaded, source)
        self.undo_stack.resetClean()  # recovered work is unsaved until the user saves it
        self._update_title()
        self.banner.hide()
        self.show_message("Recovered the autosaved circuit. Save it to keep it.")
        return True

    def discard_autosave(self) -> None:
        self._remove_autosave()
        self.banner.hide()
        self.show_message("Discarded the autosaved circuit.")

    # -- keys the main window may also bind ---------------------------------------------------
    def showEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().showEvent(event)
        app = QApplication.instance()
        if app is not None and not self._key_filter_on:
            app.installEventFilter(self)
            self._key_filter_on = True

    def hideEvent(self, event) -> None:  # noqa: N802
        app = QApplication.instance()
        if app is not None and self._key_filter_on:
            app.removeEventFilter(self)
            self._key_filter_on = False
        super().hideEvent(event)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802
        # The main window binds Ctrl+O / Ctrl+S to network files with a window-wide context;
        # two active shortcuts on one key fire neither. While focus is inside this tab, claim
        # the file keys (ShortcutOverride) and run the circuit's own action.
        t = event.type()
        if t not in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress):
            return False
        if not isinstance(obj, QWidget) or not (obj is self or self.isAncestorOf(obj)):
            return False
        action = self._file_key_action(event)
        if action is None:
            return False
        event.accept()
        if t == QEvent.Type.KeyPress:
            action.trigger()
        return True

    def _file_key_action(self, event) -> QAction | None:
        combo = QKeySequence(event.keyCombination())
        for name in ("new", "open", "save", "save_as"):
            act = self.actions_by_name[name]
            if any(
                combo.matches(k) == QKeySequence.SequenceMatch.ExactMatch for k in act.shortcuts()
            ):
                return act
        return None

    # -- closing --------------------------------------------------------------------------------
    def shutdown(self) -> None:
        """Stop timers and the training thread (the window is closing)."""
        self.autosave_timer.stop()
        self.learned_view.stop()
        app = QApplication.instance()
        if app is not None and self._key_filter_on:
            app.removeEventFilter(self)
            self._key_filter_on = False

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        self.shutdown()
        super().closeEvent(event)


def _safe_file_name(name: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in name) or "block"


def _alive(w: QWidget) -> bool:
    try:
        import shiboken6

        return shiboken6.isValid(w)
    except Exception:
        return False
