"""Big circuits: loading, opening in the editor, and zooming and panning it.

Prints, in one run:
- the time ``Circuit.load`` takes for chains of 1,000 and 10,000 NAND gates (each gate fed by
  the previous one and by one shared input), and their ratio (linear would be 10x);
- the time the circuit editor takes to open a 2,000-NAND chain (4,001 wires): reading the
  file, building the scene, routing every wire;
- frames per second while that circuit is zoomed in and out step by step, and while it is
  panned, each frame a full repaint of the view (``repaint()``, as a wheel step triggers).

Run: python benchmarks/circuit_scale.py [--size 1280x720]
Offscreen unless a display is set (then e.g. under Xvfb). Timings are medians of a few runs.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
if not os.environ.get("DISPLAY"):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["NNVIZ_SETTINGS_PATH"] = os.path.join(tempfile.mkdtemp(), "settings.ini")
os.environ.setdefault("NNVIZ_TESTING", "1")

from nnviz.core.circuits.model import Circuit, nand_chain  # noqa: E402


def chain(n: int) -> Circuit:
    """n NAND gates in a chain, every gate's second input fed by the one input."""
    return nand_chain(n, name=f"chain of {n}")


def median_time(fn, repeats: int = 3) -> float:
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--size", default="1280x720", help="editor window size, WIDTHxHEIGHT")
    args = ap.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="nnviz-circuits-"))
    loads = {}
    for n in (1000, 10000):
        path = folder / f"chain{n}.json"
        chain(n).save(path)
        loads[n] = median_time(lambda p=path: Circuit.load(p))
    print(
        f"Circuit.load: 1,000 gates {loads[1000]:.3f} s, 10,000 gates {loads[10000]:.3f} s, "
        f"ratio {loads[10000] / loads[1000]:.1f}x (linear: 10x)"
    )

    from PySide6.QtWidgets import QApplication

    from nnviz.ui.circuit.sandbox import CircuitSandbox

    app = QApplication.instance() or QApplication(sys.argv[:1])
    path = folder / "chain2000.json"
    chain(2000).save(path)
    width, height = (int(v) for v in args.size.lower().split("x"))
    sandbox = CircuitSandbox()
    sandbox.resize(width, height)
    sandbox.show()
    app.processEvents()

    def open_it() -> None:
        sandbox.files.load_file(path, as_copy=True)
        app.processEvents()

    opened = median_time(open_it, repeats=2)
    scene = sandbox.scene
    print(
        f"opening a 2,000-NAND circuit ({len(scene.wire_items):,} wires) in the editor: "
        f"{opened:.2f} s"
    )
    view = sandbox.view
    app.processEvents()

    def frames(step, count: int = 40) -> float:
        t = time.perf_counter()
        for k in range(count):
            step(k)
            view.viewport().repaint()
            app.processEvents()
        return count / (time.perf_counter() - t)

    def zoom(k: int) -> None:
        view.zoom_by(1.25 if (k // 5) % 2 == 0 else 0.8)  # five steps in, five steps out

    def pan(k: int) -> None:
        bar = view.horizontalScrollBar()
        bar.setValue(bar.value() + (60 if (k // 10) % 2 == 0 else -60))

    view.fit()  # the whole circuit in view, as it opens
    app.processEvents()
    whole = frames(zoom)
    view.fit()
    view.zoom_by(4)
    app.processEvents()
    near = frames(zoom)
    view.zoom_reset()  # 100%: parts drawn in full
    view.centerOn(scene.items_rect().center())
    panned = frames(pan)
    print(
        f"frames per second, each a full repaint: zooming in and out from the whole circuit "
        f"{whole:.0f}, around a quarter of it {near:.0f}; panning at 100% {panned:.0f}"
    )
    sandbox.close()


if __name__ == "__main__":
    main()
