"""The circuit scene and its undo commands: edits, undo/redo, mouse gestures, clipboard."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QPointF, QRectF, Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtTest import QTest

from nnviz.core.circuits.model import Circuit
from nnviz.ui.circuit.commands import AddNodeCommand, AddWireCommand, MoveNodesCommand
from nnviz.ui.circuit.items import GRID, BlockItem, InputItem, NandItem, OutputItem
from nnviz.ui.circuit.scene import CircuitScene
from nnviz.ui.circuit.view import CircuitView, export_png, export_svg
from nnviz.ui.circuit.wire_items import WireItem


@pytest.fixture
def editor(qtbot):
    circuit = Circuit()
    stack = QUndoStack()
    scene = CircuitScene(circuit, stack)
    view = CircuitView(scene)
    view.resize(800, 600)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitExposed(view)
    view.zoom_reset()
    view.centerOn(QPointF(200, 100))
    yield circuit, stack, scene, view
    scene.detach()


def contents(circuit: Circuit) -> dict:
    """to_dict without the id counters: undo never hands an id out twice, so they only grow."""
    d = circuit.to_dict()
    del d["next_node_id"], d["next_wire_id"]
    return d


def build_half_adder(scene: CircuitScene) -> dict[str, int]:
    """The book's half adder with five NANDs, placed and wired through scene edits."""
    ids = {
        "x1": scene.add_node("input", (0, 0), name="x1"),
        "x2": scene.add_node("input", (0, 120), name="x2"),
        "g1": scene.add_node("nand", (120, 60)),
        "g2": scene.add_node("nand", (240, 0)),
        "g3": scene.add_node("nand", (240, 120)),
        "g4": scene.add_node("nand", (360, 60)),
        "g5": scene.add_node("nand", (360, 180)),
        "sum": scene.add_node("output", (480, 60), name="sum"),
        "carry": scene.add_node("output", (480, 180), name="carry"),
    }
    for src, dst, port in [
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
    ]:
        assert scene.add_wire(ids[src], 0, ids[dst], port) is not None
    return ids


def test_add_nodes_creates_items_of_the_right_kind(editor):
    circuit, stack, scene, _ = editor
    a = scene.add_node("input", (3, 7))
    g = scene.add_node("nand", (100, 0))
    o = scene.add_node("output", (200, 0))
    assert isinstance(scene.node_items[a], InputItem)
    assert isinstance(scene.node_items[g], NandItem)
    assert isinstance(scene.node_items[o], OutputItem)
    # Snapped to the grid both in the model and in the view.
    assert circuit.node(a).pos == (0.0, 0.0)
    assert scene.node_items[a].pos() == QPointF(0, 0)
    assert stack.count() == 3


def test_undo_redo_restore_the_same_model(editor):
    circuit, stack, scene, _ = editor
    empty = contents(circuit)
    build_half_adder(scene)
    states_after = circuit.to_dict()
    n = stack.count()
    assert n == 9 + 12
    for _ in range(n):
        stack.undo()
    assert contents(circuit) == empty
    assert not scene.node_items and not scene.wire_items
    for _ in range(n):
        stack.redo()
    assert circuit.to_dict() == states_after
    assert set(scene.node_items) == set(circuit.nodes)
    assert set(scene.wire_items) == set(circuit.wires)


def test_half_adder_lamps_follow_the_switches(editor):
    circuit, _, scene, _ = editor
    ids = build_half_adder(scene)
    for a in (0, 1):
        for b in (0, 1):
            scene.set_input(ids["x1"], a)
            scene.set_input(ids["x2"], b)
            assert scene.lamp_values() == {"sum": a ^ b, "carry": a & b}
            assert scene.node_items[ids["sum"]].lit == a ^ b
            assert scene.node_items[ids["carry"]].lit == a & b
    # Wires carry the value of their source.
    scene.set_input(ids["x1"], 1)
    scene.set_input(ids["x2"], 0)
    for wid, item in scene.wire_items.items():
        w = circuit.wire(wid)
        assert item.value == scene.signals[(w.src, w.src_port)]


def test_clicking_a_switch_toggles_it_and_lights_the_lamp(editor, qtbot):
    circuit, stack, scene, view = editor
    a = scene.add_node("input", (0, 0), name="a")
    o = scene.add_node("output", (200, 0), name="y")
    scene.add_wire(a, 0, o, 0)
    depth = stack.count()
    item = scene.node_items[a]
    centre = view.mapFromScene(item.mapToScene(QPointF(20, 20)))
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    assert scene.input_values[a] == 1
    assert scene.node_items[o].lit == 1
    assert stack.count() == depth  # a switch is simulation state, not an edit
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    assert scene.node_items[o].lit == 0


def test_unconnected_gate_inputs_are_flagged(editor):
    _, _, scene, _ = editor
    a = scene.add_node("input", (0, 0))
    g = scene.add_node("nand", (120, 0))
    scene.add_wire(a, 0, g, 0)
    gate = scene.node_items[g]
    assert not gate.inputs[0].missing
    assert gate.inputs[1].missing
    assert "not connected" in scene.unconnected_message()
    assert "NAND" in scene.unconnected_message()


def test_loop_is_refused_with_a_message(editor, qtbot):
    circuit, stack, scene, _ = editor
    g1 = scene.add_node("nand", (0, 0))
    g2 = scene.add_node("nand", (120, 0))
    scene.add_wire(g1, 0, g2, 0)
    before = circuit.to_dict()
    depth = stack.count()
    with qtbot.waitSignal(scene.message) as blocker:
        assert scene.add_wire(g2, 0, g1, 0) is None
    text, is_error = blocker.args
    assert is_error and "loop" in text
    assert circuit.to_dict() == before
    assert stack.count() == depth


def test_wire_dragged_with_the_mouse(editor, qtbot):
    circuit, stack, scene, view = editor
    a = scene.add_node("input", (0, 0))
    g = scene.add_node("nand", (160, 0))
    start = view.mapFromScene(scene.node_items[a].outputs[0].scenePos())
    end = view.mapFromScene(scene.node_items[g].inputs[1].scenePos())
    vp = view.viewport()
    QTest.mousePress(vp, Qt.MouseButton.LeftButton, pos=start)
    QTest.mouseMove(vp, (start + end) / 2)
    # While dragging, a rubber-band wire follows the mouse.
    assert scene._wiring is not None
    QTest.mouseMove(vp, end)
    QTest.mouseRelease(vp, Qt.MouseButton.LeftButton, pos=end)
    assert scene._wiring is None
    assert len(circuit.wires) == 1
    w = next(iter(circuit.wires.values()))
    assert (w.src, w.src_port, w.dst, w.dst_port) == (a, 0, g, 1)
    assert isinstance(scene.wire_items[w.id], WireItem)
    # Nodes did not move while the wire was drawn.
    assert circuit.node(a).pos == (0.0, 0.0)


def test_wire_dropped_on_nothing_is_not_added(editor):
    circuit, _, scene, view = editor
    a = scene.add_node("input", (0, 0))
    start = view.mapFromScene(scene.node_items[a].outputs[0].scenePos())
    vp = view.viewport()
    QTest.mousePress(vp, Qt.MouseButton.LeftButton, pos=start)
    QTest.mouseMove(vp, start + QPoint(150, 80))
    QTest.mouseRelease(vp, Qt.MouseButton.LeftButton, pos=start + QPoint(150, 80))
    assert not circuit.wires
    assert scene._wiring is None


def test_drag_is_one_undo_step_and_snaps(editor, qtbot):
    circuit, stack, scene, view = editor
    g = scene.add_node("nand", (0, 0))
    o = scene.add_node("output", (200, 0))
    scene.add_wire(g, 0, o, 0)
    depth = stack.count()
    body = view.mapFromScene(QPointF(35, 20))
    vp = view.viewport()
    QTest.mousePress(vp, Qt.MouseButton.LeftButton, pos=body)
    for k in range(1, 8):
        QTest.mouseMove(vp, body + QPoint(10 * k, 7 * k))
    QTest.mouseRelease(vp, Qt.MouseButton.LeftButton, pos=body + QPoint(70, 49))
    assert stack.count() == depth + 1
    assert isinstance(stack.command(stack.count() - 1), MoveNodesCommand)
    x, y = circuit.node(g).pos
    assert (x % GRID, y % GRID) == (0, 0)
    assert (x, y) != (0.0, 0.0)
    # The wire followed the gate.
    wire = next(iter(scene.wire_items.values()))
    assert wire.path().elementAt(0).x == pytest.approx(x + 80)
    stack.undo()
    assert circuit.node(g).pos == (0.0, 0.0)
    assert scene.node_items[g].pos() == QPointF(0, 0)


def test_multi_delete_is_one_macro(editor, qtbot):
    circuit, stack, scene, view = editor
    ids = build_half_adder(scene)
    full = circuit.to_dict()
    depth = stack.count()
    scene.select_nodes([ids["g1"], ids["g4"], ids["sum"]])
    scene.delete_selection()  # the sandbox binds the Delete key to this (tested there)
    assert stack.count() == depth + 1
    assert ids["g1"] not in circuit.nodes and ids["sum"] not in circuit.nodes
    stack.undo()
    assert circuit.to_dict() == full


def test_rubber_band_selects_several(editor, qtbot):
    _, _, scene, view = editor
    a = scene.add_node("nand", (0, 0))
    b = scene.add_node("nand", (0, 80))
    c = scene.add_node("nand", (400, 400))
    vp = view.viewport()
    p0 = view.mapFromScene(QPointF(-30, -30))
    p1 = view.mapFromScene(QPointF(100, 140))
    QTest.mousePress(vp, Qt.MouseButton.LeftButton, pos=p0)
    QTest.mouseMove(vp, (p0 + p1) / 2)
    QTest.mouseMove(vp, p1)
    QTest.mouseRelease(vp, Qt.MouseButton.LeftButton, pos=p1)
    assert scene.selected_node_ids() == sorted([a, b])
    assert c not in scene.selected_node_ids()


def test_copy_paste_keeps_internal_wires(editor):
    circuit, stack, scene, _ = editor
    x = scene.add_node("input", (0, 0), name="x")
    g1 = scene.add_node("nand", (120, 0))
    g2 = scene.add_node("nand", (240, 0))
    scene.add_wire(x, 0, g1, 0)
    scene.add_wire(x, 0, g1, 1)
    scene.add_wire(g1, 0, g2, 0)
    scene.select_nodes([g1, g2])
    assert scene.copy_selection()
    before = contents(circuit)
    new = scene.paste()
    assert len(new) == 2
    assert all(circuit.node(n).kind == "nand" for n in new)
    internal = [w for w in circuit.wires.values() if w.src in new and w.dst in new]
    assert len(internal) == 1  # g1 -> g2 copied; the wires from x were not
    assert len(circuit.wires) == 4
    assert scene.selected_node_ids() == sorted(new)
    # Beside the originals, clear of them (it used to land 40 px off, on top of them).
    assert [circuit.node(n).pos for n in new] == [(360.0, 0.0), (480.0, 0.0)]
    pasted = circuit.to_dict()
    stack.undo()
    assert contents(circuit) == before
    stack.redo()
    assert circuit.to_dict() == pasted


def test_paste_renames_terminals_that_clash(editor):
    circuit, _, scene, _ = editor
    x = scene.add_node("input", (0, 0), name="x")
    scene.select_nodes([x])
    scene.copy_selection()
    [y] = scene.paste()
    assert circuit.node(y).kind == "input"
    assert circuit.node(y).name != "x"


def test_block_placed_from_the_library_and_undone(editor):
    circuit, stack, scene, _ = editor
    inner = Circuit()
    a = inner.add_node("input", name="a")
    b = inner.add_node("input", name="b")
    g = inner.add_node("nand")
    o = inner.add_node("output", name="y")
    inner.add_wire(a, 0, g, 0)
    inner.add_wire(b, 0, g, 1)
    inner.add_wire(g, 0, o, 0)
    scene.block_library["my nand"] = inner
    bid = scene.place_part("block:my nand", QPointF(100, 100))
    assert isinstance(scene.node_items[bid], BlockItem)
    assert "my nand" in circuit.blocks
    assert [p.name for p in scene.node_items[bid].inputs] == ["a", "b"]
    stack.undo()
    assert "my nand" not in circuit.blocks and not circuit.nodes
    stack.redo()
    assert circuit.node(bid).block == "my nand"


def test_rename_through_the_scene(editor):
    circuit, stack, scene, _ = editor
    a = scene.add_node("input", (0, 0))
    assert scene.rename(a, "cin")
    assert scene.node_items[a].name == "cin"
    assert not scene.rename(a, "not a name!")
    stack.undo()
    assert circuit.node(a).name == "x1"


def test_commands_alone_drive_the_scene(editor):
    """Commands pushed directly (as a script would) update the view through model events."""
    circuit, stack, scene, _ = editor
    add_a = AddNodeCommand(circuit, "input", (0, 0), name="a")
    stack.push(add_a)
    add_o = AddNodeCommand(circuit, "output", (200, 0), name="y")
    stack.push(add_o)
    stack.push(AddWireCommand(circuit, add_a.node_id, 0, add_o.node_id, 0))
    assert len(scene.wire_items) == 1
    scene.set_input(add_a.node_id, 1)
    assert scene.node_items[add_o.node_id].lit == 1


def test_replace_contents_rebuilds(editor):
    circuit, _, scene, _ = editor
    scene.add_node("nand", (0, 0))
    other = Circuit()
    other.add_node("input", name="p")
    other.add_node("output", name="q")
    circuit.replace_contents(other)
    kinds = sorted(type(i).__name__ for i in scene.node_items.values())
    assert kinds == ["InputItem", "OutputItem"]


def test_zoom_and_fit(editor):
    _, _, scene, view = editor
    build_half_adder(scene)
    view.zoom_in()
    assert view.zoom() == pytest.approx(1.25)
    view.zoom_out()
    view.zoom_out()
    assert view.zoom() == pytest.approx(0.8)
    view.fit()
    visible = view.mapToScene(view.viewport().rect()).boundingRect()
    assert visible.contains(scene.node_items[next(iter(scene.node_items))].sceneBoundingRect())


def test_export_png_and_svg(editor, tmp_path):
    _, _, scene, _ = editor
    build_half_adder(scene)
    png = tmp_path / "c.png"
    svg = tmp_path / "c.svg"
    export_png(scene, png)
    export_svg(scene, svg)
    from PySide6.QtGui import QImage

    img = QImage(str(png))
    assert img.width() > 400 and img.height() > 200
    text = svg.read_text()
    assert "<svg" in text and "NAND" in text


def test_escape_cancels_a_wire_drag(editor, qtbot):
    circuit, _, scene, view = editor
    a = scene.add_node("input", (0, 0))
    g = scene.add_node("nand", (160, 0))
    start = view.mapFromScene(scene.node_items[a].outputs[0].scenePos())
    end = view.mapFromScene(scene.node_items[g].inputs[0].scenePos())
    vp = view.viewport()
    view.setFocus()
    QTest.mousePress(vp, Qt.MouseButton.LeftButton, pos=start)
    QTest.mouseMove(vp, end)
    assert scene._wiring is not None
    QTest.keyClick(view, Qt.Key.Key_Escape)
    assert scene._wiring is None
    QTest.mouseRelease(vp, Qt.MouseButton.LeftButton, pos=end)
    assert not circuit.wires


def test_wheel_zooms_the_view(editor):
    from PySide6.QtCore import QPoint as P
    from PySide6.QtGui import QWheelEvent
    from PySide6.QtWidgets import QApplication

    _, _, _, view = editor
    z = view.zoom()
    vp = view.viewport()
    centre = QPointF(vp.rect().center())
    ev = QWheelEvent(
        centre,
        QPointF(vp.mapToGlobal(vp.rect().center())),
        P(0, 0),
        P(0, 120),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(vp, ev)
    assert view.zoom() > z * 1.1
    for _ in range(40):
        QApplication.sendEvent(vp, ev)
    assert view.zoom() == pytest.approx(4.0)  # clamped


def test_a_refused_command_is_rolled_back_and_not_stored(editor):
    """Scripts may push commands without checking first: a refusal must leave no trace."""
    circuit, stack, scene, _ = editor
    g1 = scene.add_node("nand", (0, 0))
    g2 = scene.add_node("nand", (160, 0))
    scene.add_wire(g1, 0, g2, 0)
    before = contents(circuit)
    depth = stack.count()
    loop = AddWireCommand(circuit, g2, 0, g1, 0)
    stack.push(loop)
    assert loop.error and "loop" in loop.error
    assert stack.count() == depth
    # A macro whose second step is refused undoes its first step too.
    from nnviz.ui.circuit.commands import MacroCommand, RemoveWireCommand

    [wid] = circuit.wires
    macro = MacroCommand("bad")
    macro.add(RemoveWireCommand(circuit, wid))
    macro.add(AddWireCommand(circuit, g1, 0, g2, 7))  # no such port
    stack.push(macro)
    assert macro.error and "port" in macro.error
    assert stack.count() == depth
    assert contents(circuit) == before
    assert set(scene.wire_items) == set(circuit.wires)
    # A terminal with an invalid name is refused the same way.
    bad = AddNodeCommand(circuit, "input", (0, 0), name="not ok!")
    stack.push(bad)
    assert bad.error and stack.count() == depth
    assert contents(circuit) == before


def test_dragging_a_selection_moves_all_of_it_in_one_step(editor):
    circuit, stack, scene, view = editor
    a = scene.add_node("nand", (0, 0))
    b = scene.add_node("nand", (0, 80))
    scene.select_nodes([a, b])
    depth = stack.count()
    vp = view.viewport()
    body = view.mapFromScene(QPointF(35, 20))
    QTest.mousePress(vp, Qt.MouseButton.LeftButton, pos=body)
    for k in range(1, 6):
        QTest.mouseMove(vp, body + QPoint(16 * k, 0))
    QTest.mouseRelease(vp, Qt.MouseButton.LeftButton, pos=body + QPoint(80, 0))
    assert stack.count() == depth + 1
    cmd = stack.command(stack.count() - 1)
    assert isinstance(cmd, MoveNodesCommand) and set(cmd.moves) == {a, b}
    dx = circuit.node(a).pos[0]
    assert dx > 0 and circuit.node(b).pos == (dx, 80.0)
    stack.undo()
    assert circuit.node(a).pos == (0.0, 0.0) and circuit.node(b).pos == (0.0, 80.0)


def test_dropping_on_a_used_input_rewires_it_in_one_step(editor):
    circuit, stack, scene, _ = editor
    a = scene.add_node("input", (0, 0), name="a")
    b = scene.add_node("input", (0, 80), name="b")
    g = scene.add_node("nand", (160, 0))
    scene.add_wire(a, 0, g, 0)
    depth = stack.count()
    wid = scene.finish_wire(scene.node_items[g].inputs[0], scene.node_items[b].outputs[0])
    assert wid is not None
    w = circuit.wire(wid)
    assert (w.src, w.dst, w.dst_port) == (b, g, 0)
    assert len(circuit.wires) == 1 and stack.count() == depth + 1
    stack.undo()
    [old] = circuit.wires.values()
    assert old.src == a


@pytest.mark.parametrize("zoom", [1.0, 1.5, 0.6])
def test_a_dragged_wire_snaps_to_a_legal_port_within_20_screen_pixels(editor, zoom):
    circuit, _, scene, view = editor
    a = scene.add_node("input", (0, 0))
    g = scene.add_node("nand", (160, 0))
    h = scene.add_node("nand", (320, 0))
    scene.add_wire(g, 0, h, 0)
    view.resetTransform()
    view.scale(zoom, zoom)
    view.centerOn(QPointF(200, 40))
    vp = view.viewport()
    start = view.mapFromScene(scene.node_items[a].outputs[0].scenePos())
    target = scene.node_items[g].inputs[1]
    end = view.mapFromScene(target.scenePos()) + QPoint(12, 11)  # 16 px off, at any zoom
    QTest.mousePress(vp, Qt.MouseButton.LeftButton, pos=start)
    QTest.mouseMove(vp, (start + end) / 2)
    # Every legal end is marked while dragging: inputs of other nodes, no outputs.
    legal = {(p.node.node_id, p.index) for p in scene._targets}
    assert legal == {(g, 0), (g, 1), (h, 0), (h, 1)}
    assert all(p.legal for p in scene._targets)
    assert not any(p.legal for p in scene.node_items[a].outputs)
    QTest.mouseMove(vp, end)
    assert scene._hover_port is target and target.hover  # the port that will take it
    QTest.mouseRelease(vp, Qt.MouseButton.LeftButton, pos=end)
    w = next(iter(w for w in circuit.wires.values() if w.src == a))
    assert (w.dst, w.dst_port) == (g, 1)
    assert not any(p.legal for item in scene.node_items.values() for p in item.inputs)


def test_no_snap_beyond_20_pixels_or_onto_a_loop(editor):
    circuit, _, scene, view = editor
    g = scene.add_node("nand", (0, 0))
    h = scene.add_node("nand", (160, 0))
    scene.add_wire(g, 0, h, 0)
    vp = view.viewport()
    # From h's output: g's inputs would close a loop, so they are not targets.
    start_port = scene.node_items[h].outputs[0]
    legal = {(p.node.node_id, p.index) for p in scene.legal_targets(start_port)}
    assert legal == set()  # h's own inputs loop too; nothing else is there
    # From g's second input: the only outputs here are g's and h's, both fed by g.
    assert scene.legal_targets(scene.node_items[g].inputs[1]) == []
    a = scene.add_node("input", (-200, 0))
    start = view.mapFromScene(scene.node_items[a].outputs[0].scenePos())
    far = view.mapFromScene(scene.node_items[g].inputs[1].scenePos()) + QPoint(0, 24)
    QTest.mousePress(vp, Qt.MouseButton.LeftButton, pos=start)
    QTest.mouseMove(vp, far)
    assert scene._hover_port is None
    QTest.mouseRelease(vp, Qt.MouseButton.LeftButton, pos=far)
    assert not any(w.src == a for w in circuit.wires.values())


def test_arrow_keys_move_the_selection_one_grid_step(editor):
    circuit, stack, scene, view = editor
    g = scene.add_node("nand", (40, 40))
    h = scene.add_node("nand", (200, 40))
    scene.select_nodes([g, h])
    view.setFocus()
    depth = stack.count()
    QTest.keyClick(view.viewport(), Qt.Key.Key_Right)
    QTest.keyClick(view.viewport(), Qt.Key.Key_Down)
    assert circuit.node(g).pos == (40 + GRID, 40 + GRID)
    assert circuit.node(h).pos == (200 + GRID, 40 + GRID)
    assert stack.count() == depth + 2  # each press one undo step
    stack.undo()
    stack.undo()
    assert circuit.node(g).pos == (40, 40)


def test_double_clicking_a_switch_renames_it_without_flipping_it(editor, monkeypatch):
    from PySide6.QtWidgets import QInputDialog

    circuit, _, scene, view = editor
    a = scene.add_node("input", (0, 0), name="a")
    monkeypatch.setattr(QInputDialog, "getText", lambda *args, **k: ("carry_in", True))
    pos = view.mapFromScene(scene.node_items[a].sceneBoundingRect().center())
    assert scene.input_values.get(a, 0) == 0
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    assert scene.input_values[a] == 1  # a click flips it
    # A double-click: its first click flips, then the double-click takes that back.
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    assert scene.input_values[a] == 0
    QTest.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    assert circuit.node(a).name == "carry_in"
    assert scene.input_values[a] == 1  # as it was before the double-click


def test_rotate_mirror_and_label_are_undoable_and_saved(editor, monkeypatch, tmp_path):
    circuit, stack, scene, view = editor
    a = scene.add_node("input", (0, 0), name="a")
    g = scene.add_node("nand", (160, 0))
    scene.add_wire(a, 0, g, 0)
    item = scene.node_items[g]
    before_in = item.inputs[0].scenePos()
    scene.select_nodes([g])
    view.setFocus()
    scene.rotate_selection()  # R in the sandbox
    assert circuit.node(g).rotation == 90
    # The ports turned with the body, and the wire follows its port.
    moved = item.inputs[0].scenePos()
    assert moved != before_in
    wire = next(iter(scene.wire_items.values()))
    end = wire.mapToScene(wire.path().pointAtPercent(1.0))
    assert abs(end.x() - moved.x()) < 0.5 and abs(end.y() - moved.y()) < 0.5
    scene.flip_selection()
    assert circuit.node(g).flip
    # Gates are captioned "NAND k" until labelled; messages name them the same way.
    assert item.name == "NAND 1" and not item.caption_strong
    monkeypatch.setattr(
        "PySide6.QtWidgets.QInputDialog.getText", lambda *args, **k: ("first gate", True)
    )
    scene.ask_label(g)
    assert circuit.node(g).label == "first gate" and item.name == "first gate"
    assert circuit.describe(g) == "NAND 'first gate'"
    # The logic is untouched, and a file keeps the look.
    path = tmp_path / "turned.json"
    circuit.save(path)
    again = Circuit.load(path)
    n = again.node(g)
    assert (n.rotation, n.flip, n.label) == (90, True, "first gate")
    for _ in range(3):
        stack.undo()
    assert (circuit.node(g).rotation, circuit.node(g).flip, circuit.node(g).label) == (0, False, "")
    assert item.transform().isIdentity()


def test_text_notes_are_placed_edited_moved_and_saved(editor, tmp_path):
    circuit, stack, scene, view = editor
    g = scene.add_node("nand", (0, 0))
    nid = scene.place_part("note", QPointF(100, 200))
    item = scene.note_items[nid]
    assert circuit.notes[nid].pos == (100, 200) and "double-click" in item.toPlainText()
    # Edited in place: typing letters (R, M, Delete) edits the text, it does not turn parts.
    item.start_editing()
    item.setPlainText("")
    QTest.keyClicks(view.viewport(), "Ring")
    scene.select_nodes([g])  # focus leaves the note: the text is kept as one undo step
    item.clearFocus()
    assert circuit.notes[nid].text == "Ring" and circuit.node(g).rotation == 0
    # Moved with the mouse: one undo step.
    pos = view.mapFromScene(item.sceneBoundingRect().center())
    scene.clearSelection()
    QTest.mousePress(view.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    QTest.mouseMove(view.viewport(), pos + QPoint(40, 0))
    QTest.mouseMove(view.viewport(), pos + QPoint(80, 0))
    QTest.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton, pos=pos + QPoint(80, 0))
    assert circuit.notes[nid].pos[0] > 150
    path = tmp_path / "noted.json"
    circuit.save(path)
    assert Circuit.load(path).notes[nid].text == "Ring"
    # Notes take no part in the logic.
    assert circuit.nand_count() == 1
    stack.undo()  # the move
    assert circuit.notes[nid].pos == (100, 200)
    stack.undo()  # the edit
    assert "double-click" in circuit.notes[nid].text
    scene.clearSelection()
    item.setSelected(True)
    assert scene.delete_selection() and nid not in circuit.notes
    stack.undo()
    assert nid in circuit.notes and nid in scene.note_items


def _is_orthogonal(points):
    return len(points) >= 2 and all(
        a[0] == b[0] or a[1] == b[1] for a, b in zip(points, points[1:])
    )


def test_wires_run_orthogonally_around_parts_by_default(editor):
    circuit, stack, scene, view = editor
    a = scene.add_node("input", (0, 0))
    g = scene.add_node("nand", (300, 100))
    block = scene.add_node("nand", (140, 20))  # sits where a middle turn would go
    wid = scene.add_wire(a, 0, g, 1)
    w = scene.wire_items[wid]
    assert _is_orthogonal(w.points)
    assert w.points[0] == (60, 20) and w.points[-1] == (300, 130)  # port to port
    body = scene.node_items[block].sceneBoundingRect()
    for (x1, y1), (x2, y2) in zip(w.points, w.points[1:]):
        seg = QRectF(QPointF(min(x1, x2), min(y1, y2)), QPointF(max(x1, x2), max(y1, y2)))
        assert not seg.adjusted(-0.1, -0.1, 0.1, 0.1).intersects(body.adjusted(5, 5, -5, -25))
    # Curves stay an option.
    scene.set_wire_style("curved")
    assert w.points == [] and w.path().elementCount() > 2
    scene.set_wire_style("orthogonal")
    assert _is_orthogonal(w.points)


def test_dragging_a_wires_bend_moves_it_and_undo_puts_it_back(editor):
    circuit, stack, scene, view = editor
    a = scene.add_node("input", (0, 0))
    g = scene.add_node("nand", (300, 100))
    wid = scene.add_wire(a, 0, g, 0)
    w = scene.wire_items[wid]
    x, y0, y1 = w.bend_run()
    vp = view.viewport()
    start = view.mapFromScene(QPointF(x, (y0 + y1) / 2))
    end = view.mapFromScene(QPointF(x + 60, (y0 + y1) / 2))
    QTest.mousePress(vp, Qt.MouseButton.LeftButton, pos=start)
    QTest.mouseMove(vp, (start + end) / 2)
    QTest.mouseMove(vp, end)
    QTest.mouseRelease(vp, Qt.MouseButton.LeftButton, pos=end)
    assert circuit.wire(wid).bend == pytest.approx(x + 60, abs=GRID / 2)
    assert w.bend_run()[0] == circuit.wire(wid).bend
    stack.undo()
    assert circuit.wire(wid).bend is None and w.bend_run()[0] == x
    stack.redo()
    assert circuit.wire(wid).bend is not None
    scene.bend_wire(wid, None)  # what a double-click on the wire does
    assert circuit.wire(wid).bend is None


def test_a_fanned_out_output_gets_a_junction_dot(editor):
    circuit, _, scene, view = editor
    a = scene.add_node("input", (0, 100))
    g = scene.add_node("nand", (300, 0))
    h = scene.add_node("nand", (300, 200))
    w1 = scene.add_wire(a, 0, g, 0)
    w2 = scene.add_wire(a, 0, h, 1)
    dots = scene.wire_items[w1].dots + scene.wire_items[w2].dots
    assert dots and all(d[1] == 120 for d in dots)  # where the two part ways at a's output row


def test_the_canvas_grows_to_parts_far_out_and_fit_shows_them_all(qtbot):
    c = Circuit()
    a = c.add_node("input", (-60_000.0, 0.0), name="a")
    y = c.add_node("output", (45_000.0, 30_000.0), name="y")
    c.add_wire(a, 0, y, 0)
    scene = CircuitScene(c)
    view = CircuitView(scene)
    qtbot.addWidget(view)
    view.resize(800, 600)
    view.show()
    qtbot.waitExposed(view)
    for nid in (a, y):
        assert scene.sceneRect().contains(scene.node_items[nid].sceneBoundingRect())
    view.fit()
    shown = view.mapToScene(view.viewport().rect()).boundingRect()
    for nid in (a, y):
        assert shown.contains(scene.node_items[nid].sceneBoundingRect())
    scene.detach()


def test_paste_at_a_point_keeps_labels_and_turns(editor):
    circuit, _, scene, _ = editor
    g = scene.add_node("nand", (100, 100))
    scene.set_label(g, "carry")
    scene.select_nodes([g])
    assert scene.rotate_selection()
    assert scene.copy_selection()
    (new,) = scene.paste(QPointF(403, 517))  # snapped to the grid
    n = circuit.node(new)
    assert (n.pos, n.label, n.rotation) == ((400.0, 520.0), "carry", 90)
