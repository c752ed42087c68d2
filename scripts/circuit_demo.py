"""Build the book's half adder in the sandbox through undo commands and save screenshots.

``python -m scripts.circuit_demo OUT_DIR`` places 2 inputs, 5 NANDs and 2 outputs, wires
them, flips a switch, checks the half-adder level, shows the perceptron view and writes a
PNG of each step into OUT_DIR. It uses temporary user folders, so it never touches the
user's autosave, settings or block library.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

HALF_ADDER = {
    "nodes": [
        ("x1", "input", (0, 40)),
        ("x2", "input", (0, 200)),
        ("g1", "nand", (140, 120)),
        ("g2", "nand", (300, 40)),
        ("g3", "nand", (300, 200)),
        ("g4", "nand", (460, 120)),
        ("g5", "nand", (460, 280)),
        ("sum", "output", (620, 120)),
        ("carry", "output", (620, 280)),
    ],
    "wires": [
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
    ],
}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    out = Path(argv[0] if argv else "circuit-demo").resolve()
    out.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="nnviz-demo-"))
    os.environ["NNVIZ_STATE_DIR"] = str(tmp / "state")
    os.environ["NNVIZ_DATA_DIR"] = str(tmp / "data")
    os.environ["NNVIZ_SETTINGS_PATH"] = str(tmp / "settings.ini")

    from PySide6.QtCore import QPointF
    from PySide6.QtWidgets import QApplication

    from nnviz.ui.circuit.commands import AddNodeCommand, AddWireCommand
    from nnviz.ui.circuit.items import RubberWire
    from nnviz.ui.circuit.sandbox import CircuitSandbox
    from nnviz.ui.shell.app import make_app

    app = make_app()
    sb = CircuitSandbox()
    sb.resize(1400, 860)
    sb.show()

    def shot(name: str) -> None:
        for _ in range(3):
            QApplication.processEvents()
        sb.grab().save(str(out / name))
        print(out / name)

    c, stack = sb.circuit, sb.undo_stack
    ids: dict[str, int] = {}
    for key, kind, pos in HALF_ADDER["nodes"]:
        cmd = AddNodeCommand(c, kind, pos, key if kind != "nand" else None)
        stack.push(cmd)
        ids[key] = cmd.node_id
    for s, d, p in HALF_ADDER["wires"][:7]:
        stack.push(AddWireCommand(c, ids[s], 0, ids[d], p))
    sb.view.fit()
    # A wire being dragged from g3's output, as the mouse would leave it mid-gesture.
    start = sb.scene.node_items[ids["g3"]].outputs[0].scene_center()
    rubber = RubberWire(start)
    sb.scene.addItem(rubber)
    rubber.follow(start + QPointF(110, 90))
    sb.show_message("Dragging a wire: drop it on an input port.")
    shot("1-half-built.png")
    sb.scene.removeItem(rubber)

    for s, d, p in HALF_ADDER["wires"][7:]:
        stack.push(AddWireCommand(c, ids[s], 0, ids[d], p))
    sb.scene.add_wire(ids["g4"], 0, ids["g1"], 0)  # closes a loop: refused with a message
    sb.scene.set_input(ids["x1"], 1)
    shot("2-half-adder-x1-on.png")

    sb.scene.set_input(ids["x2"], 1)
    sb.side.setCurrentWidget(sb.levels_panel)
    sb.levels_panel.select("half_adder")
    result = sb.levels_panel.check()
    print(result.message)
    shot("3-level-checked.png")

    sb.pages.setCurrentWidget(sb.perceptron_view)
    sb.side.setCurrentWidget(sb.truth_panel)
    shot("4-perceptrons.png")
    sb.perceptron_view.merge_box.setChecked(True)
    sb.perceptron_view.set_c(10)
    shot("5-perceptrons-merged-c10.png")
    sb.perceptron_view.drawings.setCurrentIndex(1)
    shot("6-layered.png")

    sb.pages.setCurrentWidget(sb.view)
    bid = sb.place_from_palette("block:half_adder")
    sb.scene.select_nodes([bid])
    shot("7-block-placed.png")
    sb.undo_stack.undo()
    sb.undo_stack.setClean()  # keep the demo from prompting or autosaving
    sb.shutdown()
    sb.close()
    app.processEvents()
    shutil.rmtree(tmp, ignore_errors=True)
    return 0 if result.passed else 1


if __name__ == "__main__":
    raise SystemExit(main())
