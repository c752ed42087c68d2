"""How many live frames a second the network canvas draws (offscreen).

Feeds N snapshots with changing weights to a NetworkCanvas, forces a full repaint after each
(``repaint()`` then ``processEvents()``; ``--grab`` uses ``widget.grab()`` instead, which also
copies the pixels out) and prints frames per second, split into the recolour step
(``set_snapshot``) and the paint. Run::

    .venv/bin/python benchmarks/canvas_fps.py [--frames 200] [--grab]
"""

from __future__ import annotations

import argparse
import os
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from nnviz.core.network import Network  # noqa: E402
from nnviz.core.snapshot import CHUNK, Progress, Snapshot  # noqa: E402
from nnviz.ui.network_canvas import NetworkCanvas  # noqa: E402


def snapshots(sizes: list[int], n: int, seed: int = 0) -> list[Snapshot]:
    """n snapshots whose weights drift a little each step, as training does."""
    net = Network(sizes, seed=seed, dtype=np.float32)
    rng = np.random.default_rng(seed)
    out = []
    for i in range(n):
        for w in net.weights:
            w += rng.normal(0, 0.05, w.shape).astype(np.float32)
        for b in net.biases:
            b += rng.normal(0, 0.05, b.shape).astype(np.float32)
        p = Progress(CHUNK, 0, i, n, i * 10, 0.1, 3.0, 0.0)
        out.append(Snapshot.capture(net, p))
    return out


def run(sizes: list[int], frames: int, grab: bool, antialias: bool) -> tuple[float, float, float]:
    app = QApplication.instance() or QApplication([])
    canvas = NetworkCanvas()
    canvas.set_max_fps(0)  # measure raw drawing, not the live throttle
    canvas.setRenderHint(canvas.renderHints().Antialiasing, antialias)
    canvas.resize(1100, 750)
    canvas.show()
    snaps = snapshots(sizes, frames)
    canvas.set_snapshot(snaps[0])
    app.processEvents()
    t_update = t_paint = 0.0
    t0 = time.perf_counter()
    for s in snaps:
        a = time.perf_counter()
        canvas.set_snapshot(s)
        b = time.perf_counter()
        if grab:
            canvas.grab()
        else:
            canvas.viewport().repaint()
        app.processEvents()
        t_paint += time.perf_counter() - b
        t_update += b - a
    total = time.perf_counter() - t0
    canvas.close()
    return frames / total, 1000 * t_update / frames, 1000 * t_paint / frames


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=200)
    parser.add_argument("--grab", action="store_true", help="force each frame with widget.grab()")
    args = parser.parse_args()
    how = "grab()" if args.grab else "repaint()+processEvents()"
    print(f"{args.frames} frames per case, 1100x750 canvas, offscreen, forced with {how}")
    for sizes in ([784, 30, 10], [784, 100, 10], [64, 30, 10]):
        for aa in (True, False):
            fps, upd, paint = run(sizes, args.frames, args.grab, aa)
            print(
                f"{str(sizes):16s} antialias={'on ' if aa else 'off'}  {fps:7.1f} fps"
                f"   (set_snapshot {upd:5.2f} ms, paint {paint:5.2f} ms per frame)"
            )


if __name__ == "__main__":
    main()
