"""How many live frames a second the network canvas draws (offscreen).

Feeds N snapshots with changing weights to a NetworkCanvas, forces a full repaint after each
(``repaint()`` then ``processEvents()``; ``--grab`` uses ``widget.grab()`` instead, which also
copies the pixels out) and prints frames per second, split into the recolour step
(``set_snapshot``) and the paint. Run::

    .venv/bin/python benchmarks/canvas_fps.py [--frames 200] [--grab]

A second part plays the live case: snapshots arrive at 30 a second (as the throttled training
worker sends them) for a few seconds, the canvas draws with its own frame limit and fast-while-
live edges, and the script prints the frames actually painted per second and the CPU the
process used (one GUI thread: 100% would mean the GUI had no time left for anything else).
"""

from __future__ import annotations

import argparse
import itertools
import os
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402
from PySide6.QtCore import QEvent, QEventLoop, QObject, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from nnviz.core.learning.network import Network  # noqa: E402
from nnviz.core.learning.snapshot import CHUNK, Progress, Snapshot  # noqa: E402
from nnviz.ui.canvas.view import NetworkCanvas  # noqa: E402


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


class _PaintCounter(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def eventFilter(self, obj, event) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.count += 1
        return False


def run_live(sizes: list[int], seconds: float, rate: float = 30.0) -> tuple[float, float]:
    """Frames painted per second and CPU use (%) while snapshots arrive at ``rate``/s."""
    app = QApplication.instance() or QApplication([])
    canvas = NetworkCanvas()
    canvas.resize(1100, 750)
    canvas.show()
    snaps = snapshots(sizes, int(seconds * rate) + 2)
    canvas.set_snapshot(snaps[0])
    app.processEvents()
    counter = _PaintCounter()
    canvas.viewport().installEventFilter(counter)
    it = itertools.cycle(snaps[1:])
    feeder = QTimer()
    feeder.setInterval(int(1000 / rate))
    feeder.timeout.connect(lambda: canvas.set_snapshot(next(it)))
    loop = QEventLoop()
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    cpu0, t0 = time.process_time(), time.perf_counter()
    feeder.start()
    loop.exec()
    feeder.stop()
    cpu, wall = time.process_time() - cpu0, time.perf_counter() - t0
    canvas.viewport().removeEventFilter(counter)
    canvas.close()
    return counter.count / wall, 100 * cpu / wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=200)
    parser.add_argument("--grab", action="store_true", help="force each frame with widget.grab()")
    parser.add_argument("--seconds", type=float, default=4.0, help="length of the live part")
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
    print(f"\nlive: snapshots at 30/s for {args.seconds:g} s, canvas limit 25 fps")
    for sizes in ([784, 30, 10], [784, 100, 10]):
        fps, cpu = run_live(sizes, args.seconds)
        print(f"{str(sizes):16s} painted {fps:5.1f} fps, process CPU {cpu:5.1f}% of one core")


if __name__ == "__main__":
    main()
