"""Visit every tab and sub-tab of the main window and save a screenshot of each.

    .venv/bin/python scripts/tour.py --size 1280x720 [--presenter] [--theme dark] -o /tmp/tour

Prints, per page, what :mod:`nnviz.ui.shell.layout_check` finds cut off (nothing, ideally).
Runs offscreen unless DISPLAY is set and --display is given.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--size", default="1280x720")
    ap.add_argument("--presenter", action="store_true")
    ap.add_argument("--theme", default="light", choices=("light", "contrast", "dark"))
    ap.add_argument("--scale", type=float, default=1.5)
    ap.add_argument("--display", action="store_true", help="use $DISPLAY, not offscreen")
    ap.add_argument("-o", "--out", default="/tmp/tour")
    args = ap.parse_args()
    if not args.display:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from PySide6.QtWidgets import QApplication

    from nnviz.ui.shell.app import make_app
    from nnviz.ui.shell.layout_check import pages, problems
    from nnviz.ui.shell.main_window import MainWindow

    app = make_app()
    width, height = (int(v) for v in args.size.split("x"))
    window = MainWindow()
    window.resize(width, height)
    window.show()
    if args.presenter:
        window.set_presenter_scale(args.scale)
        window.presenter_theme = args.theme
        window.set_presenter(True)
        window.setGeometry(0, 0, width, height)  # the projector, whatever the screen
    elif args.theme != "light":
        window.set_theme(args.theme)
    import time

    deadline = time.monotonic() + 30  # the first run's data loads after the first frame
    while window.studio.snapshot is None and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.01)
    for _ in range(20):
        app.processEvents()
    from nnviz.ui.shell.guide import GuideCard

    for card in window.findChildren(GuideCard):
        card.hide()  # "Got it": the tour shows the pages themselves
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    bad = 0
    for name in pages(window):
        for _ in range(5):
            app.processEvents()
        for card in window.findChildren(GuideCard):
            card.hide()
        file = out / (name.replace(" / ", "--").replace(" ", "_") + ".png")
        window.grab().save(str(file))
        found = problems(window)
        bad += len(found)
        print(f"{name}: {'ok' if not found else ''}")
        for line in found:
            print(f"    {line}")
    window.close()
    QApplication.processEvents()
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
