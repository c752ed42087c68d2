"""`nnviz open FILE`: open a session, recording, network or circuit in the app, or check it."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

KINDS = (
    "sessions (.nnviz), lecture decks (.nnvizdeck), recordings (.nnrec), networks (.npz) and "
    "circuits (.json, Digital's .dig or logisim-evolution's .circ)"
)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "open",
        help="open a session, lecture deck, recording, network or circuit file in the app",
        description="Open a saved session (.nnviz), a lecture deck (.nnvizdeck, e.g. "
        "chapter1, which opens in presenter mode), a recording (.nnrec), a trained network "
        "(.npz) or a circuit (.json, a Digital .dig or a logisim-evolution .circ) in the "
        "app. With --check, only read the file and print a one-line summary: "
        "exit 0 when it is fine, 1 when it opens but with a problem (a recording damaged but "
        "partly usable, or a session's recording missing), 2 when it cannot be opened.",
    )
    p.add_argument(
        "file",
        metavar="FILE",
        help="the file to open, or the name of an example nnviz ships (e.g. full_adder)",
    )
    p.add_argument(
        "--check",
        action="store_true",
        help="validate the file and print a summary instead of opening the app",
    )
    # SUPPRESS: without the flag here, `nnviz --present open FILE` keeps its value.
    p.add_argument(
        "--present", action="store_true", default=argparse.SUPPRESS, help="open in presenter mode"
    )
    p.set_defaults(func=run)


def check_file(path: str | Path) -> tuple[str, str | None]:
    """Read ``path`` fully; return (one-line summary, damage warning or None).

    Raises UsageError (one clear line) when the file cannot be opened at all.
    """
    from nnviz.core.errors import UsageError
    from nnviz.core.files.kinds import file_kind
    from nnviz.core.io.guard import check_regular_file

    # Before anything opens it: a FIFO would block forever, a device never end.
    path = check_regular_file(path, UsageError, f"give a file: {KINDS}")
    kind = file_kind(path)
    if kind == "session":
        from nnviz.core.files.session import SessionError, describe_session, load_session

        try:
            session = load_session(path)
        except SessionError as exc:
            raise UsageError(str(exc)) from None
        return describe_session(session), _session_recording_problem(session)
    if kind == "deck":
        from nnviz.core.files.deck import DeckError, describe_deck, load_deck

        try:
            deck = load_deck(path)
        except DeckError as exc:
            raise UsageError(str(exc)) from None
        return describe_deck(deck), None
    if kind == "recording":
        from nnviz.core.files.recording import RecordingError, describe, read_recording

        try:
            rec = read_recording(path)
        except RecordingError as exc:
            raise UsageError(str(exc)) from None
        return describe(rec), rec.damaged
    if kind == "network":
        from nnviz.core.files.network import NetworkFileError, read_network

        try:
            net, meta, notes = read_network(path)
        except NetworkFileError as exc:
            raise UsageError(str(exc)) from None
        trained = f", trained on {meta['dataset']}" if meta.get("dataset") else ""
        if meta.get("epoch") is not None:
            n = meta["epoch"] + 1
            trained += f" for {n} epoch{'s' if n != 1 else ''}"
        summary = f"network: {list(net.sizes)}, {net.dtype.name}{trained}"
        return summary, ("; ".join(notes) if notes else None)
    if kind == "circuit":
        from nnviz.core.circuits.formats import load_circuit
        from nnviz.core.circuits.model import CircuitError, canvas_problem

        try:
            c = load_circuit(path)
        except (CircuitError, OSError) as exc:
            raise UsageError(str(exc)) from None
        too_big = canvas_problem(c)  # the app's own check, so the two agree
        if too_big:
            raise UsageError(f"{path.name}: {too_big}")
        return (
            f"circuit {c.name!r}: inputs {_names(c.input_names())}, outputs "
            f"{_names(c.output_names())}, {c.nand_count()} NAND gates"
        ), None
    raise UsageError(f"{path.name}: not a file nnviz can open; it opens {KINDS}")


def _names(names: list[str], shown: int = 12) -> str:
    """Terminal names for one line: the first ``shown`` and how many more."""
    if len(names) <= shown:
        return ", ".join(names) or "-"
    return f"{', '.join(names[:shown])} and {len(names) - shown:,} more"


def _session_recording_problem(session) -> str | None:
    """A warning when the session's recording is missing or damaged (the session still opens)."""
    if session.recording is None:
        return None
    from nnviz.core.files.recording import RecordingError, read_recording

    if not session.recording.exists():
        return (
            f"the session's recording {session.recording} is missing; the session opens "
            f"without it (put the file back or record the run again)"
        )
    try:
        return read_recording(session.recording).damaged
    except RecordingError as exc:
        return f"the session's recording cannot be used: {exc}"


def run(args: argparse.Namespace) -> int:
    from nnviz.paths import resolve_file

    args.file = str(resolve_file(args.file))
    summary, damaged = check_file(args.file)
    if args.check:
        print(summary)
        if damaged:
            print(f"warning: {damaged}", file=sys.stderr)
            return 1
        return 0
    from nnviz.ui.shell.app import run_app

    # The main window's open_path() dispatches on the extension and reports damage itself.
    args.open_file = str(Path(args.file).resolve())
    return run_app(args)
