"""Start the Qt application."""

from __future__ import annotations

import os
import sys

_GC = None  # the GUI-thread garbage collector, once the app exists


def make_app():
    """The QApplication (created once), with nnviz's name, icon and pyqtgraph defaults."""
    import pyqtgraph as pg
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("nnviz")
    app.setOrganizationName("nnviz")
    app.setApplicationDisplayName("nnviz")
    pg.setConfigOptions(antialias=True, background="w", foreground="k")
    from PySide6.QtGui import QIcon

    from nnviz.paths import RESOURCES

    app.setWindowIcon(QIcon(str(RESOURCES / "icons" / "nnviz.svg")))
    # Ties the windows to nnviz.desktop (see `nnviz install-desktop`): task switchers and
    # Wayland docks take the name and icon from that entry.
    app.setDesktopFileName("nnviz")
    # Python's cyclic garbage collector runs in whichever thread allocates when a threshold
    # is crossed; run there (a worker's or a library's thread), it can destroy Qt graphics
    # items that the GUI thread is drawing, and the app crashes. pyqtgraph's collector
    # turns automatic collection off and collects on a timer in the GUI thread instead.
    global _GC
    if _GC is None:
        from pyqtgraph.util.garbage_collector import GarbageCollector

        _GC = GarbageCollector(interval=1.0)
    # No application style sheet in the default theme: the labels that need a look carry it
    # (nnviz.ui.style), and the window builds a third faster without one.
    return app


NO_DISPLAY = (
    "nnviz: no display to open a window on (DISPLAY and WAYLAND_DISPLAY are not set); "
    "start it from a desktop session, or on a server under a virtual display: xvfb-run nnviz "
    "(the command-line tools run anywhere with QT_QPA_PLATFORM=offscreen)"
)


def display_missing(environ=os.environ, platform: str = sys.platform) -> bool:
    """True on Linux/BSD when no X11 or Wayland display is set and no Qt platform is chosen:
    Qt would then abort with advice about libxcb that sends the user the wrong way."""
    if not platform.startswith(("linux", "freebsd", "openbsd")):
        return False
    keys = ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")
    return not any(environ.get(k) for k in keys)


def run_app(args=None) -> int:
    if display_missing():
        print(NO_DISPLAY, file=sys.stderr)
        return 2
    app = make_app()
    from nnviz.ui.shell.main_window import MainWindow

    window = MainWindow()
    _close_on_signals(window)
    window.show()
    if args is not None and getattr(args, "present", False) and hasattr(window, "set_presenter"):
        window.set_presenter(True)
    if args is not None and getattr(args, "open_file", None) and hasattr(window, "open_path"):
        window.open_path(args.open_file)
    if os.environ.get("NNVIZ_STARTUP_PROBE"):  # benchmarks/startup.py: when was it shown?
        _report_when_shown(window)
    quit_ms = os.environ.get("NNVIZ_SMOKE_QUIT_MS")
    if quit_ms:  # CI: prove the app starts on a real display, then close it normally
        from PySide6.QtCore import QTimer

        QTimer.singleShot(int(quit_ms), window.close)
    code = app.exec()
    if quit_ms:
        code = code or _smoke_check(app)
    # Free clipboard data created from Python (copied circuit parts) before the interpreter
    # shuts down; Qt would otherwise delete it after Python is gone.
    mime = app.clipboard().mimeData()
    if mime is not None and any(f.startswith("application/x-nnviz") for f in mime.formats()):
        app.clipboard().clear()
    return code


def _close_on_signals(window) -> None:
    """Ctrl-C and SIGTERM close the window as a close without questions does. Python runs a
    signal handler only when it gets control, which Qt's event loop never gives it: a timer
    hands it over four times a second (Ctrl-C and SIGTERM were ignored until then)."""
    import signal

    from PySide6.QtCore import QTimer

    def handler(_signum, _frame) -> None:
        QTimer.singleShot(0, window.close_unasked)

    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, handler)
    wake = QTimer(window)  # ends with the window
    wake.timeout.connect(lambda: None)
    wake.start(250)


def _report_when_shown(window) -> None:
    """Print the wall-clock time once the window is on screen and painted, then exit."""
    import time

    from PySide6.QtCore import QTimer

    def check() -> None:
        handle = window.windowHandle()
        if handle is None or not handle.isExposed():
            QTimer.singleShot(1, check)
            return
        window.repaint()  # the first frame, synchronously
        print(f"shown {time.time():.6f}", flush=True)
        os._exit(0)

    QTimer.singleShot(0, check)


def _smoke_check(app) -> int:
    """CI's smoke start: say what a new user's first start found, fail if any is missing."""
    from nnviz.core.learning.presets import load_presets
    from nnviz.paths import shipped_examples

    icon_ok = not app.windowIcon().isNull()
    presets = len(load_presets())
    circuits = sum(1 for p in shipped_examples().values() if p.suffix == ".json")
    print(
        f"smoke: icon {'ok' if icon_ok else 'MISSING'}, {presets} presets, "
        f"{circuits} example circuits"
    )
    return 0 if icon_ok and presets and circuits else 1
