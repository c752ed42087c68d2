"""Training throughput with the whole window open and every view updating, against the
headless core on the same configuration, plus the GUI event loop's latency while training.

Run: python benchmarks/gui_throughput.py [--epochs 1] [--repeats 2] [--size 1280x720 --presenter]
     [--preset xor --epochs 3000] (a tiny network whose records flood the views)
Uses real MNIST ([784, 30, 10], float32, mini-batch 10) when found, else the 8x8 digits.
Headless and windowed runs alternate so machine noise hits both alike; the script prints the
medians and their ratio, and the 50th/99th percentile lateness of a 10 ms QTimer probe.
Runs offscreen unless a display is set (then under a real X server, e.g. Xvfb).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
if not os.environ.get("DISPLAY"):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("NNVIZ_MNIST_DIR", str(ROOT.parent / "shared" / "data" / "mnist"))
# A fresh settings file: the user's saved layout (another tab, say) must not change the result.
os.environ["NNVIZ_SETTINGS_PATH"] = os.path.join(
    __import__("tempfile").mkdtemp(prefix="nnviz-bench-"), "settings.ini"
)

from PySide6.QtCore import QElapsedTimer, QEvent, QEventLoop, QObject, QTimer  # noqa: E402

from nnviz.core.datasets.catalog import load_dataset  # noqa: E402
from nnviz.core.datasets.mnist import find_mnist  # noqa: E402
from nnviz.core.learning.driver import keep_to_current_cpu  # noqa: E402
from nnviz.core.learning.network import Network  # noqa: E402
from nnviz.core.learning.training import TrainConfig, prepare_kernels, train  # noqa: E402
from nnviz.ui.shell.app import make_app  # noqa: E402


class PaintCounter(QObject):
    """Counts paint events of a widget (the network canvas's viewport)."""

    def __init__(self, widget) -> None:
        super().__init__()
        self.count = 0
        widget.installEventFilter(self)

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.Paint:
            self.count += 1
        return False


def rss_mb() -> float:
    """Resident memory of this process and its training process(es), in MB (Linux /proc)."""
    import multiprocessing

    total = 0
    for pid in [os.getpid(), *(p.pid for p in multiprocessing.active_children())]:
        try:
            with open(f"/proc/{pid}/status") as f:
                total += next(int(x.split()[1]) for x in f if x.startswith("VmRSS:"))
        except (OSError, StopIteration):
            pass
    return total / 1024


def headless(name: str, sizes, epochs: int, batch: int = 10, eta: float = 3.0) -> float:
    """Examples per second of the core alone, wall clock, evaluation included, in a process of
    its own as the app trains (so that its imports do not count towards the window's memory)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    spawn = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(1, mp_context=spawn) as pool:
        return pool.submit(_headless_run, name, sizes, epochs, batch, eta).result()


def _headless_run(name: str, sizes, epochs: int, batch: int, eta: float) -> float:
    dataset = load_dataset(name)
    net = Network(sizes, seed=0, dtype=np.float32)
    prepare_kernels(net.dtype, net, dataset.train)  # as the app's training process does
    keep_to_current_cpu()  # as the app's does: the ratio then is the window's cost alone
    t = time.perf_counter()
    seen = 0
    for rec in train(net, dataset, TrainConfig(epochs=epochs, batch_size=batch, eta=eta, seed=0)):
        seen = rec.examples_seen
    return seen / (time.perf_counter() - t)


def windowed(window, epochs: int) -> tuple[float, list[float], float, float]:
    """Examples per second with the window drawing everything, probe lateness (ms), the
    network canvas's frames per second, and the peak memory (MB) of window and training."""
    studio = window.studio
    studio.controls.epochs_spin.setValue(epochs)
    studio.reset()
    _wait_until(
        lambda: (
            studio.worker is not None
            and studio.snapshot is not None
            and studio.snapshot.run_id == studio.worker.run_id
            and studio.worker.idle  # kernels prepared, as the headless run's are
        ),
        30,
    )
    late: list[float] = []
    peak = [rss_mb()]
    clock = QElapsedTimer()
    probe = QTimer()
    probe.setInterval(10)

    def tick():
        elapsed = clock.restart()
        late.append(max(0.0, elapsed - 10.0))
        if len(late) % 20 == 0:
            peak[0] = max(peak[0], rss_mb())

    probe.timeout.connect(tick)
    frames = PaintCounter(studio.canvas.viewport())
    arrived = [0]
    original = studio.canvas.set_snapshot

    def counting(snapshot):
        arrived[0] += 1
        original(snapshot)

    studio.canvas.set_snapshot = counting  # how many snapshots reach the canvas
    clock.start()
    probe.start()
    t = time.perf_counter()
    studio.play()
    _wait_until(lambda: studio.worker.finished_run, 3600)
    wall = time.perf_counter() - t
    probe.stop()
    studio.canvas.set_snapshot = original
    print(f"  snapshots reaching the canvas: {arrived[0] / wall:.1f} a second", flush=True)
    seen = studio.worker.last_progress.examples_seen
    return seen / wall, late[1:], frames.count / wall, peak[0]


def _wait_until(cond, seconds: float) -> None:
    loop = QEventLoop()
    deadline = time.perf_counter() + seconds
    while not cond():
        if time.perf_counter() > deadline:
            raise TimeoutError("benchmark step timed out")
        QTimer.singleShot(5, loop.quit)
        loop.exec()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--epochs", type=int, default=1)
    ap.add_argument("--repeats", type=int, default=2)
    ap.add_argument("--size", default="1440x900", help="window size, WIDTHxHEIGHT")
    ap.add_argument("--presenter", action="store_true", help="in presenter mode (F5) at scale 1.5")
    ap.add_argument(
        "--preset",
        help="a training preset's key (e.g. xor: a tiny network whose epochs take "
        "microseconds); default: the book's network on MNIST, else the digits",
    )
    args = ap.parse_args()
    width, height = (int(v) for v in args.size.lower().split("x"))
    app = make_app()
    from nnviz.ui.shell.main_window import MainWindow

    name = "mnist" if find_mnist() is not None else "digits"
    key = "book" if name == "mnist" else "digits"
    batch, eta = 10, 3.0
    if args.preset:
        from nnviz.core.learning.presets import load_presets

        preset = next(p for p in load_presets() if p.key == args.preset)
        key, name, batch, eta = preset.key, preset.dataset, preset.batch_size, preset.eta
    dataset = load_dataset(name)
    sizes = [dataset.n_inputs, 30, 10] if not args.preset else list(preset.sizes)
    window = MainWindow()
    window.resize(width, height)
    window.show()
    if args.presenter:
        window.set_presenter_scale(1.5)
        window.set_presenter(True)
    window.tabs.setCurrentWidget(window.studio)
    window.studio.controls.choose_preset(key)
    window.studio.controls.dtype_combo.setCurrentText("float32")
    _wait_until(
        lambda: window.studio.dataset is not None and window.studio.snapshot is not None, 60
    )
    print(
        f"{name} {sizes} float32, mini-batch {batch}, {args.epochs} epoch(s) per run, "
        f"{os.environ.get('QT_QPA_PLATFORM') or 'display ' + os.environ['DISPLAY']}, "
        f"window {window.width()}x{window.height()}"
        + (", presenter mode at scale 1.5" if args.presenter else "")
    )
    c = window.studio.canvas
    print(
        f"  canvas {c.width()}x{c.height()} px, labels and titles "
        + " / ".join(f"{v:.1f}" for v in c.text_pixel_sizes())
        + " px on screen"
    )
    core, gui, lateness, fps, memory = [], [], [], [], []
    for _ in range(args.repeats):
        core.append(headless(name, sizes, args.epochs, batch, eta))
        speed, late, frame_rate, peak = windowed(window, args.epochs)
        gui.append(speed)
        memory.append(peak)
        lateness.extend(late)
        fps.append(frame_rate)
        print(
            f"  headless {core[-1]:,.0f} ex/s   window {gui[-1]:,.0f} ex/s   "
            f"canvas {frame_rate:.1f} frames/s   peak {peak:.0f} MB",
            flush=True,
        )
    c, g = statistics.median(core), statistics.median(gui)
    lat = np.array(lateness)
    print(
        f"\nthroughput with the window open: {g:,.0f} / {c:,.0f} examples/s = {g / c:.0%} "
        "of the headless core"
    )
    print(
        f"event-loop lateness of a 10 ms probe while training: p50 {np.percentile(lat, 50):.1f}"
        f" ms, p99 {np.percentile(lat, 99):.1f} ms, max {lat.max():.1f} ms "
        f"({len(lat)} ticks)"
    )
    print(f"network canvas while training: {statistics.median(fps):.1f} frames/s (median)")
    print(f"peak memory, window and training process together: {max(memory):.0f} MB RSS")
    window.close()
    app.processEvents()


if __name__ == "__main__":
    main()
