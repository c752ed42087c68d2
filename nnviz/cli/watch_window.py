"""``nnviz watch-window``: the window ``nnviz.watch(net)`` starts for a script's network.

It reads a recording stream on its standard input (a pipe from the watched script) and shows
the network, its example and its plots as they change. Not meant to be typed: call
``nnviz.watch(net)`` in your script instead.
"""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "watch-window",
        help="the window of nnviz.watch(net) (reads a recording stream on stdin)",
        description=__doc__,
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import os
    import sys

    from nnviz.ui.shell.app import NO_DISPLAY, display_missing, make_app

    if sys.stdin.isatty():
        print(
            "nnviz watch-window: error: it reads what nnviz.watch(net) sends; call "
            "nnviz.watch(net) in your script before net.SGD(...) instead",
            file=sys.stderr,
        )
        return 2
    if display_missing():
        print(NO_DISPLAY, file=sys.stderr)
        return 2
    app = make_app()
    from nnviz.ui.training.watch_window import WatchWindow

    window = WatchWindow()
    if app.platformName() == "offscreen":  # nobody can see it or close it: leave at the end
        window.ended.connect(app.quit)
    window.show()
    code = int(app.exec())
    # The reader thread may be blocked reading the pipe; a normal interpreter shutdown would
    # wait on its lock and abort. Nothing is left to save: leave at once.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
