"""The circuit sandbox tab: palette, keys, panels, levels, files, autosave, perceptron view."""

from __future__ import annotations

import itertools
import json
import os
import time
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox

from nnviz import paths
from nnviz.core.circuits.levels import get_level
from nnviz.core.circuits.model import Circuit, table_to_csv, table_to_markdown
from nnviz.ui.circuit.block_library import library_dir
from nnviz.ui.circuit.commands import AddNodeCommand, AddWireCommand
from nnviz.ui.circuit.items import BlockItem, NandItem
from nnviz.ui.circuit.sandbox import CircuitSandbox
from nnviz.ui.circuit.sandbox_menus import examples_dir
from nnviz.ui.circuit.scene import PART_MIME

HALF_ADDER_WIRES = [
    ("x1", "g1", 0),
    ("x2", "g1", 1),
    ("x1", "g2", 0),
    ("g1", "g2", 1),
    ("g1", "g3", 0),
    ("x2", "g3", 1),
    ("g2", "g4", 0),
    ("g3", "g4", 1),
    ("g1", "g5", 0),
    ("g1", "g5", 1),
    ("g4", "sum", 0),
    ("g5", "carry", 0),
]


@pytest.fixture
def sandbox(qtbot):
    w = qtbot.show_at(CircuitSandbox(), 1300, 800)
    yield w
    w.shutdown()


@pytest.fixture
def warnings(monkeypatch) -> list[str]:
    """The texts of the warning boxes shown, each answered OK at once."""
    shown: list[str] = []
    monkeypatch.setattr(
        QMessageBox,
        "warning",
        staticmethod(lambda *a, **k: shown.append(a[2]) or QMessageBox.StandardButton.Ok),
    )
    return shown


def build_half_adder(sb: CircuitSandbox) -> dict[str, int]:
    """Place 2 inputs, 5 NANDs and 2 outputs and wire them, all through undo commands."""
    c, stack = sb.circuit, sb.undo_stack

    def add(kind, pos, name=None):
        cmd = AddNodeCommand(c, kind, pos, name)
        stack.push(cmd)
        return cmd.node_id

    ids = {
        "x1": add("input", (0, 40), "x1"),
        "x2": add("input", (0, 200), "x2"),
        "g1": add("nand", (140, 120)),
        "g2": add("nand", (300, 40)),
        "g3": add("nand", (300, 200)),
        "g4": add("nand", (460, 120)),
        "g5": add("nand", (460, 280)),
        "sum": add("output", (620, 120), "sum"),
        "carry": add("output", (620, 280), "carry"),
    }
    for s, d, p in HALF_ADDER_WIRES:
        stack.push(AddWireCommand(c, ids[s], 0, ids[d], p))
    return ids


def table_rows(panel) -> list[tuple]:
    m = panel.model
    return [
        tuple(int(m.data(m.index(r, col))) for col in range(m.columnCount()))
        for r in range(m.rowCount())
    ]


# -- building ----------------------------------------------------------------------------------
def test_palette_click_places_a_part(sandbox):
    item = sandbox.parts_palette.parts.item(1)  # NAND gate
    rect = sandbox.parts_palette.parts.visualItemRect(item)
    QTest.mouseClick(
        sandbox.parts_palette.parts.viewport(), Qt.MouseButton.LeftButton, pos=rect.center()
    )
    assert [n.kind for n in sandbox.circuit.nodes.values()] == ["nand"]
    assert isinstance(next(iter(sandbox.scene.node_items.values())), NandItem)
    # A second click stacks the next part beside, not on top of, the first.
    QTest.mouseClick(
        sandbox.parts_palette.parts.viewport(), Qt.MouseButton.LeftButton, pos=rect.center()
    )
    positions = [n.pos for n in sandbox.circuit.nodes.values()]
    assert len(set(positions)) == 2


def test_palette_drag_data_and_drop_on_canvas(sandbox):
    parts = sandbox.parts_palette.parts
    mime = parts.mimeData([parts.item(0)])
    assert bytes(mime.data(PART_MIME)) == b"input"
    vp = sandbox.view.viewport()
    drop_at = QPoint(300, 200)
    data = QMimeData()
    data.setData(PART_MIME, b"output")
    enter = QDragEnterEvent(
        drop_at,
        Qt.DropAction.CopyAction,
        data,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(vp, enter)
    move = QDragMoveEvent(
        drop_at,
        Qt.DropAction.CopyAction,
        data,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(vp, move)
    drop = QDropEvent(
        QPointF(drop_at),
        Qt.DropAction.CopyAction,
        data,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(vp, drop)
    [node] = sandbox.circuit.nodes.values()
    assert node.kind == "output"
    expected = sandbox.view.mapToScene(drop_at)
    assert abs(node.pos[0] - expected.x()) <= 10 and abs(node.pos[1] - expected.y()) <= 10


def test_delete_key_and_undo_redo_keys(sandbox, qtbot):
    ids = build_half_adder(sandbox)
    full = sandbox.circuit.to_dict()
    sandbox.scene.select_nodes([ids["g1"], ids["g2"]])
    sandbox.view.setFocus()
    qtbot.waitUntil(sandbox.view.hasFocus)
    QTest.keyClick(sandbox.view, Qt.Key.Key_Delete)
    assert ids["g1"] not in sandbox.circuit.nodes and ids["g2"] not in sandbox.circuit.nodes
    QTest.keyClick(sandbox.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert sandbox.circuit.to_dict() == full  # the two deletions were one step
    QTest.keyClick(
        sandbox.view,
        Qt.Key.Key_Z,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert ids["g1"] not in sandbox.circuit.nodes


def test_copy_paste_keys(sandbox, qtbot):
    ids = build_half_adder(sandbox)
    sandbox.scene.select_nodes([ids["g1"], ids["g5"]])
    sandbox.view.setFocus()
    qtbot.waitUntil(sandbox.view.hasFocus)
    QTest.keyClick(sandbox.view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClick(sandbox.view, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert sandbox.circuit.nand_count() == 7
    new = sandbox.scene.selected_node_ids()
    assert len(new) == 2 and not set(new) & set(ids.values())
    # g1 feeds g5 twice: both internal wires came along.
    internal = [w for w in sandbox.circuit.wires.values() if w.src in new and w.dst in new]
    assert len(internal) == 2


def test_zoom_keys(sandbox, qtbot):
    sandbox.view.setFocus()
    qtbot.waitUntil(sandbox.view.hasFocus)
    z = sandbox.view.zoom()
    QTest.keyClick(sandbox.view, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
    assert sandbox.view.zoom() == pytest.approx(z * 1.25)
    QTest.keyClick(sandbox.view, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    assert sandbox.view.zoom() == pytest.approx(z)


# -- simulation and truth table -----------------------------------------------------------------
def test_truth_table_panel_matches_model_and_follows_switches(sandbox):
    ids = build_half_adder(sandbox)
    table = sandbox.circuit.truth_table()
    assert table_rows(sandbox.truth_panel) == [(*i, *o) for i, o in table.rows]
    assert table_rows(sandbox.truth_panel) == [
        (0, 0, 0, 0),
        (0, 1, 1, 0),
        (1, 0, 1, 0),
        (1, 1, 0, 1),
    ]
    sandbox.scene.set_input(ids["x1"], 1)
    assert sandbox.truth_panel.model.current_row == 2
    assert sandbox.scene.node_items[ids["sum"]].lit == 1
    sandbox.scene.set_input(ids["x2"], 1)
    assert sandbox.truth_panel.model.current_row == 3
    assert sandbox.scene.node_items[ids["carry"]].lit == 1
    assert sandbox.scene.node_items[ids["sum"]].lit == 0
    # Clicking a row sets the switches to it.
    view = sandbox.truth_panel.view
    rect = view.visualRect(sandbox.truth_panel.model.index(1, 0))
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert sandbox.current_bits() == (0, 1)
    assert sandbox.scene.lamp_values() == {"sum": 1, "carry": 0}


def test_truth_table_export(sandbox, tmp_path):
    build_half_adder(sandbox)
    sandbox.truth_panel.export(tmp_path / "t.csv", "csv")
    sandbox.truth_panel.export(tmp_path / "t.md", "md")
    table = sandbox.circuit.truth_table()
    assert (tmp_path / "t.csv").read_text() == table_to_csv(table)
    assert (tmp_path / "t.md").read_text() == table_to_markdown(table)
    assert (tmp_path / "t.csv").read_text().splitlines()[0] == "x1,x2,sum,carry"


def test_unconnected_inputs_in_the_status_line(sandbox):
    sandbox.scene.add_node("nand", (0, 0))
    assert "not connected" in sandbox.problems.text()
    sandbox.undo_stack.undo()
    assert sandbox.problems.text() == ""


def test_loop_refused_in_the_status_line(sandbox):
    g1 = sandbox.scene.add_node("nand", (0, 0))
    g2 = sandbox.scene.add_node("nand", (160, 0))
    sandbox.scene.add_wire(g1, 0, g2, 0)
    assert sandbox.scene.add_wire(g2, 0, g1, 1) is None
    assert "loop" in sandbox.status.text()
    assert "b91c1c" in sandbox.status.styleSheet()  # shown as an error
    assert len(sandbox.circuit.wires) == 1


# -- levels and blocks ----------------------------------------------------------------------------
def test_half_adder_level_passes_and_unlocks_a_block(sandbox):
    build_half_adder(sandbox)
    sandbox.levels_panel.select("half_adder")
    result = sandbox.levels_panel.check()
    assert result.passed
    assert "5" in sandbox.levels_panel.count.text()
    assert "half_adder" in sandbox.parts_palette.block_names()
    assert (library_dir() / "half_adder.json").exists()
    # The block can now go inside another circuit.
    bid = sandbox.place_from_palette("block:half_adder")
    assert isinstance(sandbox.scene.node_items[bid], BlockItem)
    assert sandbox.circuit.nand_count() == 10


def test_failing_level_names_the_row_and_shows_it(sandbox):
    build_half_adder(sandbox)
    sandbox.levels_panel.select("xor")
    # Rename so the terminals fit the XOR level; carry stays as an extra output.
    sandbox.scene.rename(sandbox.circuit.find_terminal("carry"), "y")
    result = sandbox.levels_panel.check()
    assert not result.passed
    assert result.failing_row is not None
    text = sandbox.levels_panel.result.text()
    assert "x1=" in text and "should be" in text
    # The switches now show the failing row.
    assert sandbox.current_bits() == result.failing_row[0]


def test_start_level_sets_up_terminals(sandbox):
    level = get_level("full_adder")
    assert sandbox.start_level(level)
    assert sandbox.circuit.input_names() == ["a", "b", "cin"]
    assert sandbox.circuit.output_names() == ["sum", "cout"]
    assert sandbox.undo_stack.isClean()


def test_open_block_shows_a_read_only_inside(sandbox, qtbot):
    assert sandbox.files.load_file(examples_dir() / "adder2.json", as_copy=True)
    block_nodes = [n for n in sandbox.circuit.nodes.values() if n.kind == "block"]
    assert block_nodes
    item = sandbox.scene.node_items[block_nodes[0].id]
    centre = sandbox.view.mapFromScene(item.mapToScene(QPointF(60, 10)))
    QTest.mouseDClick(sandbox.view.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    dialogs = [d for d in sandbox.blocks.windows if d.isVisible()]
    assert dialogs
    inner = dialogs[-1].scene
    assert inner.read_only
    before = inner.circuit.to_dict()
    assert inner.add_node("nand", (0, 0)) is None  # refused
    assert inner.circuit.to_dict() == before
    assert inner.circuit.nand_count() == sandbox.circuit.blocks[block_nodes[0].block].nand_count()
    dialogs[-1].close()


# -- files ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["nand", "xor", "half_adder", "full_adder", "adder2", "adder4"])
def test_open_shipped_examples(sandbox, name):
    path = examples_dir() / f"{name}.json"
    assert sandbox.files.load_file(path, as_copy=True)
    expected = Circuit.load(path)
    assert sandbox.circuit.to_dict() == expected.to_dict()
    assert set(sandbox.scene.node_items) == set(expected.nodes)
    assert set(sandbox.scene.wire_items) == set(expected.wires)
    assert table_rows(sandbox.truth_panel) == [(*i, *o) for i, o in expected.truth_table().rows]
    assert sandbox.path is None  # examples open as copies: Save asks where


def test_malformed_file_changes_nothing(sandbox, tmp_path, warnings):
    build_half_adder(sandbox)
    before = sandbox.circuit.to_dict()
    depth = sandbox.undo_stack.count()
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "nnviz-circuit", "version": 1, "nodes": [{"id": 1}], ')
    assert not sandbox.files.load_file(bad)
    wrong = tmp_path / "wrong.json"
    wrong.write_text(json.dumps({"format": "something else"}))
    assert not sandbox.files.load_file(wrong)
    assert len(warnings) == 2
    assert "not valid JSON" in warnings[0] and "not changed" in warnings[0]
    assert "not an nnviz circuit" in warnings[1]
    assert sandbox.circuit.to_dict() == before
    assert sandbox.undo_stack.count() == depth
    assert len(sandbox.scene.node_items) == 9


def test_save_as_through_its_action_saves_under_a_new_name_and_as_dig(
    sandbox, tmp_path, monkeypatch
):
    """The File actions run as a menu runs them: QAction.trigger() passes Qt's `checked`."""
    import nnviz.ui.circuit.circuit_files as sandbox_module

    build_half_adder(sandbox)
    first = tmp_path / "first.json"
    assert sandbox.files.save_as(first)
    chosen = []
    monkeypatch.setattr(sandbox_module, "save_file", lambda *a, **k: chosen.pop(0))
    for name in ("second.json", "third.dig"):
        chosen.append(str(tmp_path / name))
        sandbox.actions_by_name["save_as"].trigger()
        assert (tmp_path / name).exists(), name
        assert Path(sandbox.path) == tmp_path / name
    assert Circuit.load(tmp_path / "second.json").to_dict() == Circuit.load(first).to_dict()
    # Save (not As) writes to the newest name; the curved-wires toggle still gets its state.
    sandbox.actions_by_name["save"].trigger()
    sandbox.actions_by_name["curved"].trigger()
    assert sandbox.actions_by_name["curved"].isChecked() and sandbox.scene.wire_style == "curved"


def test_save_load_round_trip_and_clean_state(sandbox, tmp_path):
    build_half_adder(sandbox)
    assert not sandbox.undo_stack.isClean()
    assert "modified" in sandbox.title_label.text()
    path = tmp_path / "mine.json"
    assert sandbox.files.save_as(path)
    assert sandbox.undo_stack.isClean()
    assert "modified" not in sandbox.title_label.text()
    saved = sandbox.circuit.to_dict()
    assert sandbox.files.new_circuit()
    assert not sandbox.circuit.nodes
    assert sandbox.files.load_file(path)
    assert sandbox.circuit.to_dict() == saved
    assert sandbox.path == path
    # Saving does not make a block (that is Save as Block...).
    assert "mine" not in sandbox.parts_palette.block_names()


def test_maybe_save_prompts_when_dirty(sandbox, tmp_path, monkeypatch):
    asked = []

    def answer(button):
        def ask():
            asked.append(button)
            return button

        return ask

    assert sandbox.files.maybe_save()  # clean: no question
    sandbox.scene.add_node("nand", (0, 0))
    monkeypatch.setattr(sandbox.files, "ask_unsaved", answer(QMessageBox.StandardButton.Cancel))
    assert not sandbox.files.maybe_save()
    assert not sandbox.files.new_circuit()
    assert sandbox.circuit.nodes  # cancel kept the work
    monkeypatch.setattr(sandbox.files, "ask_unsaved", answer(QMessageBox.StandardButton.Save))
    target = tmp_path / "s.json"
    monkeypatch.setattr(
        sandbox.files, "save_as", lambda path=None: sandbox.files.write_file(target)
    )
    assert sandbox.files.maybe_save()
    assert (tmp_path / "s.json").exists() and sandbox.undo_stack.isClean()
    sandbox.scene.add_node("nand", (0, 80))
    monkeypatch.setattr(sandbox.files, "ask_unsaved", answer(QMessageBox.StandardButton.Discard))
    assert sandbox.files.maybe_save()
    assert len(asked) == 4


def test_export_pictures(sandbox, tmp_path):
    build_half_adder(sandbox)
    assert sandbox.files.export(tmp_path / "c.png", "png")
    assert sandbox.files.export(tmp_path / "c.svg", "svg")
    assert (tmp_path / "c.png").stat().st_size > 1000
    assert "<svg" in (tmp_path / "c.svg").read_text()


# -- autosave -------------------------------------------------------------------------------------
def test_autosave_written_only_when_dirty_and_recoverable(qtbot, tmp_path):
    first = CircuitSandbox()
    qtbot.addWidget(first)
    path = paths.user_state_dir() / "autosave-circuit.json"
    assert not first.autosave.save_now() and not path.exists()
    build_half_adder(first)
    first.scene.rename(first.circuit.find_terminal("sum"), "s")
    assert first.autosave.save_now()
    assert path.exists()
    assert Circuit.load(path).to_dict() == first.circuit.to_dict()
    assert first.autosave_timer.isActive() and first.autosave_timer.interval() == 30_000
    work = first.circuit.to_dict()
    first.shutdown()  # as if the app died: the autosave stays

    second = CircuitSandbox()
    qtbot.addWidget(second)
    assert not second.banner.isHidden()
    assert "Recover" in second.recover_button.text()
    assert second.autosave.recover()
    assert second.circuit.to_dict() == work
    assert not second.undo_stack.isClean()  # recovered work still needs saving
    assert second.banner.isHidden()
    assert second.files.write_file(tmp_path / "kept.json")
    assert not path.exists()  # a real save makes the autosave obsolete
    second.shutdown()


def test_stale_autosave_is_not_offered(qtbot, tmp_path):
    from nnviz.ui.settings import settings

    path = paths.user_state_dir() / "autosave-circuit.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    Circuit().save(path)
    old = time.time() - 3600
    os.utime(path, (old, old))
    settings().setValue("circuit/last_save_time", time.time())
    w = CircuitSandbox()
    qtbot.addWidget(w)
    assert w.banner.isHidden()
    w.shutdown()


def test_discarding_the_autosave(qtbot):
    path = paths.user_state_dir() / "autosave-circuit.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    c = Circuit()
    c.add_node("nand")
    c.save(path)
    w = CircuitSandbox()
    qtbot.addWidget(w)
    assert not w.banner.isHidden()
    w.autosave.discard()
    assert not path.exists() and w.banner.isHidden()
    assert not w.circuit.nodes
    w.shutdown()


# -- perceptron view ------------------------------------------------------------------------------
def test_perceptron_view_table_equals_circuit_table(sandbox):
    build_half_adder(sandbox)
    pv = sandbox.perceptron_view
    sandbox.pages.setCurrentWidget(pv)
    assert pv.tables_agree()
    assert list(pv.perceptron_table.rows) == list(sandbox.circuit.truth_table().rows)
    # The table widget shows circuit and perceptron columns side by side, equal on each row.
    t = pv.table
    pv.set_c(10.0)  # large c: every sigmoid output rounds to the right bit
    for r in range(t.rowCount()):
        circ = [t.item(r, c).text() for c in (2, 3)]
        perc = [t.item(r, c).text() for c in (4, 5)]
        assert circ == perc
        assert t.item(r, t.columnCount() - 1).text() == "✔"
    # At c = 1 the sigmoid network of the half adder rounds wrong, and the column says so
    # (the perceptron table still equals the circuit's).
    pv.set_c(1.0)
    sig = [[float(t.item(r, c).text()) for c in (6, 7)] for r in range(t.rowCount())]
    for r, row in enumerate(sig):
        circ = [int(t.item(r, c).text()) for c in (2, 3)]
        right = [int(v >= 0.5) for v in row] == circ
        assert t.item(r, t.columnCount() - 1).text() == ("✔" if right else "✘")
    assert [t.item(r, t.columnCount() - 1).text() for r in range(4)] == ["✘"] * 4
    assert pv.tables_agree()
    assert pv.net.perceptron_count == 5
    assert all(u.bias == 3 for u in pv.net.units if u.kind == "nand")
    assert sorted({c.weight for c in pv.net.connections}) == [-2.0]


def test_merge_parallel_connections(sandbox):
    build_half_adder(sandbox)
    pv = sandbox.perceptron_view
    sandbox.pages.setCurrentWidget(pv)
    assert len(pv.net.connections) == 10
    pv.merge_box.setChecked(True)
    assert len(pv.net.connections) == 9
    assert -4.0 in [c.weight for c in pv.net.connections]
    assert "-4" in pv.diagram.weight_labels
    assert pv.tables_agree()


def test_sigmoid_outputs_approach_the_perceptrons_as_c_grows(sandbox):
    build_half_adder(sandbox)
    pv = sandbox.perceptron_view
    sandbox.pages.setCurrentWidget(pv)
    errors = []
    for c in (1, 2, 5, 10, 50):
        pv.set_c(c)
        errors.append(pv.max_sigmoid_error())
    assert errors == sorted(errors, reverse=True)
    assert errors[0] > 0.3 and errors[-1] < 1e-6  # near 0/1 once c is large
    assert "c = 50" in pv.c_label.text()


def test_layered_network_drawn_with_activations(sandbox):
    ids = build_half_adder(sandbox)
    pv = sandbox.perceptron_view
    sandbox.pages.setCurrentWidget(pv)
    assert list(pv.canvas.sizes) == pv.layered.sizes
    sandbox.scene.set_input(ids["x1"], 1)
    sandbox.scene.set_input(ids["x2"], 1)
    acts = pv.canvas.activations
    assert list(acts[0]) == [1.0, 1.0]
    assert list(acts[-1]) == [0.0, 1.0]  # sum 0, carry 1


# -- learned versus hand-built --------------------------------------------------------------------
def test_learned_network_trains_in_a_thread(sandbox, qtbot):
    build_half_adder(sandbox)
    lv = sandbox.learned_view
    sandbox.pages.setCurrentWidget(lv)
    lv.epochs_spin.setValue(3000)
    assert lv.start()
    assert lv.is_running() or lv.learned is not None
    qtbot.waitUntil(lambda: lv.learned is not None, timeout=60000)
    assert lv.last_status == "done"
    assert lv.learned.sizes == [2, 4, 2]
    assert lv.learned_accuracy() == 1.0
    assert lv.progress_bar.value() == 3000
    assert lv.compare_labels[("learned", "sizes")].text() == "[2, 4, 2]"
    assert lv.compare_labels[("hand", "sizes")].text() == str(pv_sizes(sandbox))
    out = lv.learned_outputs()
    want = np.array([r[1] for r in sandbox.circuit.truth_table().rows])
    assert np.all((out > 0.5) == want.astype(bool))
    # Both networks drawn alike, the learned one with its trained weights.
    assert lv.hand_canvas.sizes == tuple(pv_sizes(sandbox))
    assert lv.learned_canvas.sizes == (2, 4, 2)
    np.testing.assert_array_equal(lv.learned_canvas.weights[0], lv.learned.weights[0])
    # What each hidden neuron computes: its output on every row, by the plain forward pass.
    hand_names, hand, names, values = lv.hidden_outputs()
    assert names == ["h1", "h2", "h3", "h4"] and values.shape == (4, 4)
    rows = np.array([r[0] for r in sandbox.circuit.truth_table().rows], dtype=float)
    w, b = lv.learned.weights[0].astype(float), lv.learned.biases[0].astype(float)
    np.testing.assert_allclose(values, (1 / (1 + np.exp(-(w @ rows.T + b)))).T, rtol=1e-5)
    assert "NAND 1" in hand_names and set(np.unique(hand)) <= {0.0, 1.0}
    t = lv.hidden_rows
    headers = [t.horizontalHeaderItem(c).text() for c in range(t.columnCount())]
    assert headers[:2] == ["x1", "x2"] and "h1 (learned)" in headers and "NAND 1 (hand)" in headers
    c = headers.index("h1 (learned)")
    assert t.item(0, c).text().startswith(str(int(values[0, 0] >= 0.5)))
    # NAND 1 of the half adder is NAND(x1, x2): its column is the NAND truth table.
    c = headers.index("NAND 1 (hand)")
    assert [t.item(r, c).text() for r in range(4)] == ["1", "1", "1", "0"]
    assert lv.hidden_edit.toolTip().startswith("Sizes of the hidden layers")


def pv_sizes(sb):
    from nnviz.core.circuits.perceptrons import to_layered_network

    return to_layered_network(sb.circuit).sizes


def test_training_cancel_and_close_stop_the_thread(sandbox, qtbot):
    build_half_adder(sandbox)
    lv = sandbox.learned_view
    sandbox.pages.setCurrentWidget(lv)
    lv.epochs_spin.setValue(100000)
    assert lv.start()
    # Cancel while it runs (100,000 epochs of a 4-row table take seconds, not minutes, so
    # do not wait for progress first on a busy machine).
    qtbot.waitUntil(lambda: lv.thread is not None and lv.thread.isRunning(), timeout=30000)
    lv.cancel()
    qtbot.waitUntil(lambda: lv.learned is not None, timeout=30000)
    assert lv.last_status == "cancelled"
    assert lv.thread is None
    # A run still going when the widget closes is stopped and waited for.
    assert lv.start()
    thread = lv.thread
    sandbox.close()
    assert not thread.isRunning()


def test_bad_hidden_sizes_say_why(sandbox):
    build_half_adder(sandbox)
    lv = sandbox.learned_view
    lv.hidden_edit.setText("4, x")
    assert not lv.start()
    assert "whole numbers" in lv.status.text()
    assert lv.thread is None


def test_ctrl_s_saves_the_circuit_even_when_the_window_binds_it(qtbot, tmp_path):
    """The main window's window-wide Ctrl+S (networks) must not swallow the tab's Ctrl+S."""
    from PySide6.QtGui import QAction, QKeySequence
    from PySide6.QtWidgets import QMainWindow

    window = QMainWindow()
    qtbot.addWidget(window)
    window_hits = []
    act = QAction("Save network", window)
    act.setShortcut(QKeySequence("Ctrl+S"))
    act.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
    act.triggered.connect(lambda: window_hits.append(1))
    window.addAction(act)
    sb = CircuitSandbox()
    window.setCentralWidget(sb)
    window.show()
    qtbot.waitExposed(window)
    sb.path = tmp_path / "k.json"
    sb.scene.add_node("nand", (0, 0))
    sb.view.setFocus()
    qtbot.waitUntil(sb.view.hasFocus)
    QTest.keyClick(sb.view, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert (tmp_path / "k.json").exists()
    assert sb.undo_stack.isClean()
    assert window_hits == []
    sb.shutdown()


def test_examples_menu_opens_an_example(sandbox):
    actions = {a.text(): a for a in sandbox.examples_menu.actions()}
    assert "full adder" in actions
    actions["full adder"].trigger()
    assert sandbox.circuit.to_dict() == Circuit.load(examples_dir() / "full_adder.json").to_dict()


def test_palette_block_menu_actions(sandbox):
    build_half_adder(sandbox)
    sandbox.levels_panel.select("half_adder")
    assert sandbox.levels_panel.check().passed
    sandbox.parts_palette.open_block.emit("half_adder")
    dialog = sandbox.blocks.windows[-1]
    assert dialog.scene.read_only and dialog.scene.circuit.nand_count() == 5
    dialog.close()
    sandbox.parts_palette.remove_block.emit("half_adder")
    assert "half_adder" not in sandbox.parts_palette.block_names()
    assert not (library_dir() / "half_adder.json").exists()


def test_taken_terminal_name_is_refused_without_an_undo_step(sandbox):
    sandbox.scene.add_node("input", (0, 0), name="a")
    depth = sandbox.undo_stack.count()
    assert sandbox.scene.add_node("input", (0, 80), name="a") is None
    assert sandbox.undo_stack.count() == depth
    assert "already used" in sandbox.status.text()


def test_autosave_timer_writes_the_file(sandbox, qtbot):
    path = paths.user_state_dir() / "autosave-circuit.json"
    ticks = []
    sandbox.autosave_timer.timeout.connect(lambda: ticks.append(1))
    sandbox.autosave_timer.setInterval(50)
    qtbot.waitUntil(lambda: len(ticks) >= 2)  # the timer fired, twice
    assert not path.exists()  # clean: nothing to keep
    sandbox.scene.add_node("nand", (0, 0))
    qtbot.waitUntil(path.exists, timeout=3000)
    assert Circuit.load(path).to_dict() == sandbox.circuit.to_dict()


@pytest.mark.parametrize("name", ["nand", "xor", "full_adder", "adder2", "adder4"])
def test_perceptron_view_agrees_on_every_example(sandbox, name):
    assert sandbox.files.load_file(examples_dir() / f"{name}.json", as_copy=True)
    pv = sandbox.perceptron_view
    sandbox.pages.setCurrentWidget(pv)
    assert pv.tables_agree()
    assert pv.layered.truth_table().rows == sandbox.circuit.truth_table().rows
    assert "✔" in pv.summary.text()


def test_saving_a_file_leaves_the_palette_alone(sandbox, tmp_path, monkeypatch):
    build_half_adder(sandbox)
    before = sandbox.parts_palette.block_names()
    assert sandbox.files.write_file(tmp_path / "my_adder.json")
    assert sandbox.parts_palette.block_names() == before  # a saved file is not a block by itself
    from PySide6.QtWidgets import QInputDialog

    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("my_adder", True))
    sandbox.blocks.save_as_block_dialog()
    assert "my_adder" in sandbox.parts_palette.block_names()


def test_r_and_m_turn_and_mirror_the_selection(sandbox):
    g = sandbox.scene.add_node("nand", (0, 0))
    sandbox.scene.select_nodes([g])
    sandbox.view.setFocus()
    QTest.keyClick(sandbox.view, Qt.Key.Key_R)
    QTest.keyClick(sandbox.view, Qt.Key.Key_R)
    QTest.keyClick(sandbox.view, Qt.Key.Key_M)
    n = sandbox.circuit.node(g)
    assert (n.rotation, n.flip) == (180, True)


def test_typing_in_a_note_never_fires_the_canvas_keys(sandbox):
    g = sandbox.scene.add_node("nand", (0, 0))
    nid = sandbox.place_from_palette("note")
    item = sandbox.scene.note_items[nid]
    sandbox.scene.select_nodes([g])
    item.setSelected(True)
    sandbox.view.setFocus()
    item.start_editing()
    item.setPlainText("")
    QTest.keyClicks(sandbox.view.viewport(), "RMx")
    QTest.keyClick(sandbox.view.viewport(), Qt.Key.Key_Backspace)
    assert item.toPlainText() == "RM"
    n = sandbox.circuit.node(g)
    assert (n.rotation, n.flip) == (0, False) and g in sandbox.circuit.nodes


def test_level_verdict_clears_when_the_circuit_changes(sandbox):
    build_half_adder(sandbox)
    panel = sandbox.levels_panel
    panel.select("half_adder")
    assert panel.check().passed and "solved" in panel.result.text().lower()
    sandbox.scene.add_node("nand", (600, 300))
    assert "solved" not in panel.result.text().lower() and panel.last_result is None
    assert "Check again" in panel.result.text()
    panel.check()
    assert panel.last_result is not None
    sandbox.undo_stack.setClean()  # nothing to save: New asks nothing
    assert sandbox.files.new_circuit()  # another circuit: the verdict goes too
    assert panel.last_result is None


def test_a_refused_loop_is_outlined_and_named_by_labels(sandbox):
    scene = sandbox.scene
    g1 = scene.add_node("nand", (0, 0))
    g2 = scene.add_node("nand", (160, 0))
    scene.add_wire(g1, 0, g2, 0)
    scene.set_label(g2, "second")
    assert scene.add_wire(g2, 0, g1, 1) is None
    text = sandbox.status.text()
    assert "NAND 'second' -> NAND 1 -> NAND 'second'" in text and "node" not in text
    assert sorted(scene.loop_shown()) == sorted([g1, g2])
    assert scene.node_items[g1].alarm and scene.node_items[g1]._outline_pen().widthF() > 3
    scene.add_node("input", (-200, 0))  # the next edit clears the outline
    assert scene.loop_shown() == [] and not scene.node_items[g1].alarm


def test_the_empty_canvas_hint_goes_with_the_first_part(sandbox, qtbot):
    from PySide6.QtCore import QEvent, QObject

    sandbox.show()
    qtbot.waitExposed(sandbox)
    view = sandbox.view
    assert view.hint_visible()

    class Painted(QObject):
        def __init__(self):
            super().__init__()
            self.regions = []

        def eventFilter(self, obj, event):
            if event.type() == QEvent.Type.Paint:
                self.regions.append(event.region())
            return False

    spy = Painted()
    view.viewport().installEventFilter(spy)
    sandbox.place_from_palette("nand")
    assert not view.hint_visible()
    # The whole hint area is repainted (the hint spans the middle of the canvas's width).
    vp = view.viewport().rect()
    corner = vp.adjusted(vp.width() // 20, vp.height() // 2 - 10, 0, 0).topLeft()
    qtbot.waitUntil(lambda: any(r.contains(corner) for r in spy.regions))
    view.viewport().removeEventFilter(spy)


def test_digital_files_open_and_save(sandbox, tmp_path):
    here = Path(__file__).resolve().parents[2] / "core" / "circuits" / "dig"
    assert sandbox.files.load_file(here / "half_adder.dig")
    assert "from Digital" in sandbox.status.text()
    assert set(sandbox.circuit.input_names()) == {"A", "B"}
    rows = list(sandbox.circuit.truth_table().rows)
    out = tmp_path / "again.dig"
    assert sandbox.files.write_file(out)
    assert sandbox.files.load_file(out)
    assert list(sandbox.circuit.truth_table().rows) == rows


def test_a_digital_files_tests_run_through_gates_and_perceptrons_in_the_tests_tab(
    sandbox, tmp_path
):
    from tests.core.circuits.test_digital import case_part, dig, part, wire

    parts = [
        part("In", 0, 0, Label="A"),
        part("In", 0, 100, Label="B"),
        part("XOr", 100, 0),
        part("Out", 200, 20, Label="Y"),
        case_part("A B Y\nloop(a,2)\nloop(b,2)\n(a) (b) (a^b)\nend loop\nend loop\n", "xor"),
    ]
    wires = [
        wire((0, 0), (100, 0)),
        wire((0, 100), (100, 100)),
        wire((100, 100), (100, 40)),
        wire((160, 20), (200, 20)),
    ]
    assert sandbox.files.load_file(dig(tmp_path, parts, wires))
    panel = sandbox.tests_panel
    from nnviz.ui.pages import show_sub_view

    assert show_sub_view(sandbox, "tests") and sandbox.side.currentWidget() is panel
    assert "“xor”: 4 rows · gates all pass ✓ · perceptrons all pass ✓" in panel.summary.text()
    assert panel.table.rowCount() == 4 and panel.table.item(0, 4).text() == "✓"
    ok_g, ok_p = panel.results()
    assert ok_g.all() and ok_p.all()
    # Break the circuit: the output's wire goes, so Y reads 0; the failing rows come first.
    out = sandbox.circuit.find_terminal("Y")
    sandbox.scene.delete_items([], sandbox.circuit.wires_of(out))
    assert "gates 2 of 4 fail ✗" in panel.summary.text()
    assert "perceptrons 2 of 4 fail ✗" in panel.summary.text()
    assert [panel.table.item(r, 4).text() for r in range(4)] == ["✗", "✗", "✓", "✓"]
    ok_g, ok_p = panel.results()
    assert ok_g.tolist() == ok_p.tolist() == [True, False, False, True]


def test_every_file_action_runs_as_its_menu_runs_it(sandbox, tmp_path, monkeypatch):
    """Each File action through QAction.trigger(), Qt's ``checked`` and all: the dialogs
    answer with files in tmp_path, and each action does its work."""
    from PySide6.QtWidgets import QInputDialog

    import nnviz.ui.circuit.circuit_files as files_module

    build_half_adder(sandbox)
    saves = iter([str(tmp_path / "s.json"), str(tmp_path / "pic.png"), str(tmp_path / "pic.svg")])
    monkeypatch.setattr(files_module, "save_file", lambda *a, **k: next(saves))
    monkeypatch.setattr(files_module, "open_file", lambda *a, **k: str(examples_dir() / "xor.json"))
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("mine", True))
    act = sandbox.actions_by_name
    act["save"].trigger()  # no file yet: asks where
    assert (tmp_path / "s.json").exists() and sandbox.undo_stack.isClean()
    act["png"].trigger()
    act["svg"].trigger()
    assert (tmp_path / "pic.png").stat().st_size > 0 and (tmp_path / "pic.svg").exists()
    act["save_block"].trigger()
    assert "mine" in sandbox.parts_palette.block_names()
    act["open"].trigger()
    assert (
        sandbox.circuit.truth_table().rows
        == Circuit.load(examples_dir() / "xor.json").truth_table().rows
    )
    act["new"].trigger()
    assert not sandbox.circuit.nodes


def test_starting_a_level_is_one_undo_step_with_every_switch_at_0(sandbox, tmp_path):
    ids = build_half_adder(sandbox)
    sandbox.scene.set_input(ids["x1"], 1)
    mine = sandbox.circuit.to_dict()
    assert sandbox.files.write_file(tmp_path / "ha.json")  # saved: starting asks nothing
    assert sandbox.start_level(get_level("and"))
    assert sandbox.scene.input_values and not any(sandbox.scene.input_values.values())
    assert sandbox.levels_panel.result.text() == ""  # never checked: nothing has "changed"
    sandbox.levels_panel.check()
    assert sandbox.levels_panel.result.text()
    assert sandbox.start_level(get_level("xor"))
    assert sandbox.levels_panel.result.text() == ""  # the old level's verdict goes with it
    sandbox.undo_stack.undo()
    sandbox.undo_stack.undo()
    assert sandbox.circuit.to_dict() == mine  # Edit > Undo brings the half adder back
    sandbox.undo_stack.redo()
    assert sandbox.circuit.input_names() == get_level("and").starter().input_names()


def _drawn_routes(scene):
    """(net, corner points) of every wire as drawn."""
    out = []
    for wid, item in scene.wire_items.items():
        w = scene.circuit.wire(wid)
        out.append(((w.src, w.src_port), wid, list(item.points)))
    return out


def _assert_no_shared_runs(scene):
    """Different nets never share a run and meet only where both pass straight through at
    a right angle; no wire crosses a part's body."""
    from nnviz.core.circuits.wire_router import _cells

    routes = _drawn_routes(scene)
    cells = {wid: _cells(pts) for _n, wid, pts in routes}
    bodies = []
    for node in scene.node_items.values():
        r = node.mapRectToScene(node.boundingRect().adjusted(4, 4, -4, -24))
        bodies.append((r.left(), r.top(), r.right(), r.bottom()))
    for _n, wid, _pts in routes:
        for x, y in cells[wid][1:-1]:
            px, py = x * 10.0, y * 10.0
            assert not any(x0 < px < x1 and y0 < py < y1 for x0, y0, x1, y1 in bodies), wid
    for (nv, v, _), (nw, w, _) in itertools.combinations(routes, 2):
        if nv == nw:
            continue
        cv, cw = cells[v], cells[w]
        assert not (
            {frozenset(e) for e in zip(cv, cv[1:])} & {frozenset(e) for e in zip(cw, cw[1:])}
        )
        for p in set(cv) & set(cw):
            i, j = cv.index(p), cw.index(p)
            assert 0 < i < len(cv) - 1 and 0 < j < len(cw) - 1, (v, w, p)
            hv = cv[i - 1][1] == cv[i + 1][1]
            hw = cw[j - 1][1] == cw[j + 1][1]
            assert hv != hw and (hv or cv[i - 1][0] == cv[i + 1][0])
            assert hw or cw[j - 1][0] == cw[j + 1][0]


@pytest.mark.parametrize("name", ["half_adder", "full_adder", "adder2", "adder4"])
def test_shipped_circuits_are_drawn_without_shared_runs(sandbox, name):
    assert sandbox.files.load_file(examples_dir() / f"{name}.json", as_copy=True)
    assert sandbox.scene.unrouted == []
    _assert_no_shared_runs(sandbox.scene)


def test_an_imported_digital_circuit_is_drawn_without_shared_runs(sandbox):
    path = Path(__file__).parents[2] / "core" / "circuits" / "dig" / "half_adder.dig"
    assert sandbox.files.load_file(path, as_copy=True)
    assert sandbox.scene.unrouted == []
    _assert_no_shared_runs(sandbox.scene)


def test_start_and_check_stay_put_whatever_the_level_says(sandbox, qtbot):
    from nnviz.core.circuits.levels import LEVELS

    panel = sandbox.levels_panel
    sandbox.show()
    panel.show()
    qtbot.waitExposed(panel)
    places = set()
    lengths = set()
    for lv in LEVELS:
        panel.select(lv.key)
        QApplication.processEvents()
        places.add((panel.start_button.mapTo(panel, QPoint(0, 0)).y(), panel.check_button.y()))
        lengths.add(len(lv.description))
    assert len(lengths) > 1 and len(places) == 1


# -- circuits too big to draw ----------------------------------------------------------------


def test_a_circuit_past_the_canvas_limit_is_refused_as_open_check_refuses_it(
    sandbox, tmp_path, warnings
):
    from nnviz.cli.open import check_file
    from nnviz.core.circuits.model import MAX_DRAWN_PARTS, nand_chain
    from nnviz.core.errors import UsageError

    build_half_adder(sandbox)
    before = sandbox.circuit.to_dict()
    big = tmp_path / "big.json"
    nand_chain(MAX_DRAWN_PARTS - 1).save(big)  # with its input and output: one part too many
    assert not sandbox.files.load_file(big)
    assert f"{MAX_DRAWN_PARTS + 1:,} parts" in warnings[0] and "not changed" in warnings[0]
    assert sandbox.circuit.to_dict() == before
    with pytest.raises(UsageError) as refused:
        check_file(big)
    assert str(refused.value) in warnings[0]  # one check, the same words
    fits = tmp_path / "fits.json"
    nand_chain(MAX_DRAWN_PARTS - 2).save(fits)
    assert "NAND gates" in check_file(fits)[0]


def test_the_perceptron_views_say_when_a_circuit_is_too_big_for_them(sandbox, monkeypatch):
    from nnviz.core.circuits import model

    monkeypatch.setattr(model, "MAX_PERCEPTRON_GATES", 4)  # the half adder has 5
    build_half_adder(sandbox)
    pv, lv = sandbox.perceptron_view, sandbox.learned_view
    sandbox.pages.setCurrentWidget(pv)
    assert pv.net is None and pv.layered is None
    assert "expands to 5 NAND gates" in pv.summary.text()
    assert "up to 4" in pv.layered_note.text() and pv.canvas.isHidden()
    shown = pv.diagram.scene().items()  # the note alone, and nothing to adjust
    assert len(shown) == 1 and "up to 4" in shown[0].toPlainText()
    assert not pv.merge_box.isEnabled() and not pv.c_slider.isEnabled()
    sandbox.pages.setCurrentWidget(sandbox.pages.widget(sandbox.pages.indexOf(pv) + 1))
    assert lv.hand_built is None
    assert "expands to 5" in lv.compare_labels[("hand", "sizes")].text()
    monkeypatch.setattr(model, "MAX_PERCEPTRON_GATES", 250)
    sandbox.pages.setCurrentWidget(pv)
    pv.refresh()
    assert pv.net is not None and pv.net.perceptron_count == 5 and not pv.canvas.isHidden()
    assert pv.merge_box.isEnabled() and pv.c_slider.isEnabled()
