"""Print one of the README's two set-up commands (`app` or `test`), as written there.

The README holds them in fenced blocks right after the lines "Install and start the app:" and
"Install and run the tests:". `.ci/run` executes the test command verbatim from here, so the
README can never drift from what CI runs.
"""

import sys
from pathlib import Path

MARKERS = {"app": "Install and start the app:", "test": "Install and run the tests:"}


def command(which: str) -> str:
    text = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    after = text.split(MARKERS[which], 1)[1]
    block = after.split("```", 2)[1]
    lines = [ln for ln in block.splitlines()[1:] if ln.strip()]
    if len(lines) != 1:
        raise SystemExit(f"README: expected one command line under {MARKERS[which]!r}")
    return lines[0].strip()


if __name__ == "__main__":
    print(command(sys.argv[1]))
