"""The logic-gate sandbox tab: build NAND circuits by hand, check levels, see them as perceptrons.

Composition only: the canvas (scene + view), the palette, the truth-table and levels panels,
the perceptron and learned views, files, autosave and the block library. Every edit is an
undo command on ``undo_stack``; the main window calls ``files.maybe_save()`` before closing.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QPointF, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from nnviz.core.circuits.levels import LEVELS, Level
from nnviz.core.circuits.model import Circuit
from nnviz.ui.accessibility import describe, set_name
from nnviz.ui.circuit.block_library import BlockLibrary
from nnviz.ui.circuit.circuit_files import CircuitAutosave, CircuitFiles
from nnviz.ui.circuit.commands import ReplaceContentsCommand
from nnviz.ui.circuit.learned_view import LearnedView
from nnviz.ui.circuit.levels_panel import LevelsPanel
from nnviz.ui.circuit.palette import Palette
from nnviz.ui.circuit.perceptron_view import PerceptronView
from nnviz.ui.circuit.sandbox_menus import SandboxMenus
from nnviz.ui.circuit.scene import CircuitScene
from nnviz.ui.circuit.tests_panel import TestsPanel
from nnviz.ui.circuit.truth_table_panel import MAX_SHOWN_INPUTS, TruthTablePanel
from nnviz.ui.circuit.view import CircuitView
from nnviz.ui.fit_scroll import follow_width, size_to_current_tab
from nnviz.ui.pages import ViewTabs, restore_tabs, tab_states

AUTOSAVE_MS = 30_000
ERROR_STYLE = "color:#b91c1c;"
INFO_STYLE = "color:#374151;"
WARN_STYLE = "color:#b45309;"


def _settings():
    from nnviz.ui.settings import settings

    return settings()


class CircuitSandbox(QWidget):
    """The circuit sandbox tab. ``title_changed(str)`` carries "name — modified" style text."""

    page_id = "circuits"

    title_changed = Signal(str)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.circuit = Circuit(name="untitled")
        self.undo_stack = QUndoStack(self)
        self.path: Path | None = None
        self.files = CircuitFiles(self)
        self.autosave = CircuitAutosave(self)
        self.blocks = BlockLibrary(self)
        self.menus = SandboxMenus(self)
        self._key_filter_on = False
        self._status_is_error = False

        self.scene = CircuitScene(self.circuit, self.undo_stack, parent=self)
        self.view = CircuitView(self.scene)
        set_name(
            self.view,
            "Circuit canvas: I, N and O place parts; with a part selected Tab selects the "
            "next, W wires it, Space flips a switch",
        )
        self.scene.selectionChanged.connect(self._describe_canvas)
        self.parts_palette = Palette()
        self.truth_panel = TruthTablePanel()
        self.levels_panel = LevelsPanel(self.circuit, passed=self._load_passed())
        self.perceptron_view = PerceptronView(self.circuit)
        self.learned_view = LearnedView(self.circuit)

        self.pages = QTabWidget()
        self.pages.addTab(self.view, "Gates")
        self.pages.addTab(self.perceptron_view, "As perceptrons")
        # In a scroll area, which scrolls only down: where the page is narrow its rows stack.
        learned = QScrollArea()
        learned.setWidget(self.learned_view)
        learned.setWidgetResizable(True)
        learned.setFrameShape(QFrame.Shape.NoFrame)
        follow_width(learned, self.learned_view.fit_width)  # stacks rather than scrolls sideways
        self.pages.addTab(learned, "Learned vs hand-built")
        self.side = QTabWidget()
        self.side.addTab(self.truth_panel, "Truth table")
        self.side.addTab(self.levels_panel, "Levels")
        self.tests_panel = TestsPanel(self.circuit)
        self.side.addTab(self.tests_panel, "Tests")
        size_to_current_tab(self.pages)
        self._compact = False  # presenter mode (set_compact)
        self.pages.currentChanged.connect(lambda _i: self._fit_side())
        size_to_current_tab(self.side)
        self.view_tabs = [
            ViewTabs(self.pages, ["gates", "perceptrons", "learned"]),
            ViewTabs(self.side, ["truth", "levels", "tests"]),
            ViewTabs(self.perceptron_view.drawings, ["network", "layered"]),
        ]

        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.parts_palette)
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
        self.actions_by_name: dict[str, QAction] = self.menus.build()

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
        self.recover_button.clicked.connect(self.autosave.recover)
        self.discard_button.clicked.connect(self.autosave.discard)
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
        self.scene.open_block.connect(self.blocks.open)
        self.scene.place_requested.connect(self.place_from_palette)
        self.parts_palette.part_chosen.connect(self.place_from_palette)
        self.parts_palette.open_block.connect(self.blocks.open)
        self.parts_palette.remove_block.connect(self.blocks.remove)
        self.truth_panel.row_clicked.connect(self.scene.set_input_row)
        self.levels_panel.start_requested.connect(self.start_level)
        self.levels_panel.unlocked.connect(self._on_level_unlocked)
        self.levels_panel.failing_row.connect(self._on_failing_row)
        self.undo_stack.cleanChanged.connect(self.update_title)
        self._unsubscribe = self.circuit.subscribe(self._on_circuit_event)

        self.autosave_timer = QTimer(self)
        self.autosave_timer.setInterval(AUTOSAVE_MS)
        self.autosave_timer.timeout.connect(self.autosave.save_now)
        self.autosave_timer.start()

        self.blocks.load()
        self._circuit_changed()
        self.update_title()
        try:
            curved = str(_settings().value("circuit/curved_wires", False)).lower() == "true"
        except Exception:
            curved = False
        if curved:
            self.set_curved_wires(True)
        self.show_message(
            "Place parts from the palette, drag from a port to wire, click a switch to flip it."
        )
        self.autosave.check_recovery()

    # -- actions ----------------------------------------------------------------------------

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

    def update_title(self, *_args) -> None:
        name = self.path.name if self.path is not None else (self.circuit.name or "untitled")
        text = f"{name}{' — modified' if not self.undo_stack.isClean() else ''}"
        self.title_label.setText(text)
        self.title_changed.emit(text)

    # -- reacting to the model ----------------------------------------------------------------
    def _on_circuit_event(self, event: str, arg) -> None:
        if event in ("block_defined", "block_undefined", "changed"):
            self.blocks.refresh_palette()
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
        self.tests_panel.refresh()
        self.perceptron_view.mark_dirty()
        self.learned_view.mark_dirty()
        self.problems.setText(self.scene.unconnected_message())
        self._describe_canvas()
        if self._status_is_error:
            self.show_message("")  # a refusal is stale once the circuit has moved on

    def _describe_canvas(self) -> None:
        """The canvas in words, for a screen reader: what it holds and what is selected."""
        c = self.circuit
        picked = [
            c.describe(i.node_id)
            for i in self.scene.selectedItems()
            if hasattr(i, "node_id") and i.node_id in c.nodes
        ]
        text = (
            f"circuit {c.name}: {len(c.nodes)} parts, {len(c.wires)} wires, "
            f"inputs {', '.join(c.input_names()) or 'none'}, "
            f"outputs {', '.join(c.output_names()) or 'none'}"
        )
        if picked:
            text += f"; selected: {', '.join(picked[:5])}"
        describe(self.view, text)

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
        nid = self.scene.place_part(part, pos)
        item = self.scene.node_items.get(nid) if nid is not None and part != "note" else None
        if item is not None:  # selected, and the canvas has the keys: arrows move it, W wires
            self.scene.clearSelection()
            item.setSelected(True)
            self.view.setFocus(Qt.FocusReason.OtherFocusReason)
        return nid

    # -- levels ---------------------------------------------------------------------------------
    def start_level(self, level: Level) -> bool:
        """Replace the circuit with the level's workbench (after offering to save)."""
        if not self.files.maybe_save():
            return False
        self.scene.input_values.clear()  # a fresh workbench: every switch at 0
        # One undo step (Edit > Undo goes back to the circuit before); the new workbench
        # counts as saved, so leaving it untouched asks nothing.
        self.undo_stack.push(
            ReplaceContentsCommand(self.circuit, level.starter(), f"Start level {level.title}")
        )
        self.undo_stack.setClean()
        self.path = None
        self.update_title()
        self.view.fit()
        self.levels_panel.forget_result()
        # Blocks unlocked so far stay available through the palette.
        self.show_message(f"{level.title}: {level.description}")
        return True

    def _on_level_unlocked(self, name: str, definition: Circuit) -> None:
        self.blocks.add(name, definition)
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
        shipped = self.files.shipped_name()
        if shipped is not None and self.undo_stack.isClean():
            state["circuit"] = shipped
        return state

    def restore(self, state: dict) -> None:
        """Open a circuit nnviz ships (``circuit``), merge parallel connections (``merge``) and
        show the sub-views named in ``tabs``."""
        if "circuit" in state:
            self.files.open_shipped(str(state["circuit"]))
        if "merge" in state:
            self.perceptron_view.merge_box.setChecked(bool(state["merge"]))
        restore_tabs(self, state.get("tabs"))

    # -- files ----------------------------------------------------------------------------------

    def set_compact(self, on: bool) -> None:
        """Presenter mode: a lecture watches and clicks switches rather than building, so
        the parts palette gives its room to the circuit; beside the perceptron network the
        comparison table stands in for the truth table."""
        self._compact = bool(on)
        self.parts_palette.setVisible(not on)
        self.perceptron_view.set_compact(on)
        self._fit_side()

    def _fit_side(self) -> None:
        perceptrons = self.pages.currentWidget() is self.perceptron_view
        self.side.setVisible(not (self._compact and perceptrons))

    def set_presentation(self, scale: float, dark: bool = False) -> None:
        """The theme reaches the circuit drawing and the network drawings beside it."""
        from nnviz.ui.canvas.view import NetworkCanvas

        for canvas in self.findChildren(NetworkCanvas):
            canvas.set_presentation(scale, dark)

    # -- autosave -------------------------------------------------------------------------------

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
