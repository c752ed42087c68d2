"""Session files: everything needed to put the app back as it was, in one JSON file.

A lecturer prepares a few sessions (a trained network, the example on screen, an open circuit,
presenter mode) and opens each with ``nnviz open lecture3.nnviz``. Layout, version 2::

    {
      "format": "nnviz-session", "version": 2, "saved": "<UTC time>", "nnviz": "<version>",
      "title": "...",
      "training": {"dataset", "sizes", "eta", "batch_size", "epochs", "seed", "dtype",
                   "engine"},                                  (a RunSpec.to_dict())
      "network": null | {"encoding": "npz-base64", "data": "<base64 of a network .npz>"},
      "example_index": 0,
      "circuit": null | <Circuit.to_dict()>,
      "ui": {"page": "<page id>", "view": "<view id>", "pages": {"<page id>": {...}},
             "layout": "<opaque base64 from the UI>", "presenter": false, "settings": {...}},
      "recording": null | {"relative": "runs/a.nnrec", "absolute": "/home/.../runs/a.nnrec",
                           "position": <frame shown>},
      "history": null | {"records": [<Progress as an object; NaN written as null>, ...],
                         "log": "<the log's text>"}
    }

Pages and their sub-views are named by stable ids (``nnviz.ui.pages``); ``ui.pages`` holds
what each page keeps (see :mod:`nnviz.core.files.deck` for the keys). Version 1 stored the
tabs' display titles (``"tab"``, ``"subtab"``) and no page states; it is still read, the
titles mapped to ids. ``recording.position`` and ``history`` are optional: older files open
unchanged (no curves, no log, the replay from its start). The history keeps
the current run's cost and accuracy curves and its log, so a prepared lecture reopens with
its plots drawn; at most ``MAX_HISTORY`` records are kept (every epoch record, and the
others thinned evenly), which bounds a 30-epoch MNIST run's history to about 2 MB.

The network is embedded (base64 of exactly the bytes :func:`~nnviz.core.files.network.save_network`
writes) rather than referenced as a sibling file: one file is easy to copy to the lecture
room's machine or mail to a student and can never lose its network. A [784, 30, 10] network
adds about 130 KB (float32) or 250 KB (float64). Recordings are large, so they are referenced:
by a path relative to the session file (works when the folder is moved as a whole) and by the
absolute path as a fallback. A missing recording is not an error in the session itself; the
UI says so when it opens it.

Unknown keys are ignored, so a session written by a slightly newer nnviz still opens when the
version number is the same.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import datetime as _dt
import json
import math
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nnviz.core.files.deck import page_id_of, state_problem, view_id_of
from nnviz.core.files.network import NetworkFileError, load_network, save_network
from nnviz.core.io.atomic import atomic_write
from nnviz.core.io.guard import (
    JSON_HOOKS,
    MAX_JSON_VALUES,
    check_regular_file,
    json_depth_ok,
    json_too_big,
)
from nnviz.core.learning.network import Network
from nnviz.core.learning.run import RunSpec, RunSpecError
from nnviz.core.learning.snapshot import EPOCH, Progress

FORMAT = "nnviz-session"
VERSION = 2
SUFFIX = ".nnviz"
_HINT = "choose a session file saved by nnviz (File > Save Session)"
MAX_HISTORY = 6000  # records kept in a session's history
MAX_LOG_CHARS = 500_000
_PROGRESS_FIELDS = {f.name for f in dataclasses.fields(Progress)}


class SessionError(ValueError):
    """A session file that cannot be used; the message says why and what to do."""


@dataclass
class Session:
    """The app's state worth keeping between lectures.

    ``layout`` is opaque to the core: a base64 string the UI makes (e.g. from
    ``QMainWindow.saveState()``). ``circuit`` is a ``Circuit.to_dict()``. ``recording`` is
    an absolute path after loading. ``settings`` holds any other JSON-ready UI values.
    """

    run: RunSpec = field(default_factory=RunSpec)
    network: Network | None = None
    network_meta: dict[str, Any] = field(default_factory=dict)
    example_index: int = 0
    circuit: dict[str, Any] | None = None
    page: str = ""
    layout: str = ""
    presenter: bool = False
    recording: Path | None = None
    settings: dict[str, Any] = field(default_factory=dict)
    title: str = ""
    view: str = ""
    pages: dict[str, dict[str, Any]] = field(default_factory=dict)
    replay_position: int = 0
    history: list[Progress] = field(default_factory=list)
    log: str = ""


# ---------------------------------------------------------------------------------------------
# Saving
# ---------------------------------------------------------------------------------------------


def _network_blob(network: Network, meta: dict[str, Any]) -> str:
    with tempfile.TemporaryDirectory(prefix="nnviz-session-") as tmp:
        path = save_network(Path(tmp) / "network.npz", network, meta)
        return base64.b64encode(path.read_bytes()).decode("ascii")


def thin_history(records: list[Progress], limit: int = MAX_HISTORY) -> list[Progress]:
    """At most ``limit`` records: every epoch (and other non-chunk) record, and the chunk
    records thinned evenly, first and last kept, so the curves keep their shape."""
    if len(records) <= limit:
        return list(records)
    keep = [i for i, r in enumerate(records) if r.kind != "chunk"]
    chunks = [i for i, r in enumerate(records) if r.kind == "chunk"]
    room = max(2, limit - len(keep))
    if len(chunks) > room:
        picks = {chunks[round(k * (len(chunks) - 1) / (room - 1))] for k in range(room)}
    else:
        picks = set(chunks)
    return [records[i] for i in sorted(set(keep[-limit:]) | picks)][-limit:]


def _history_entry(records: list[Progress], log: str) -> dict[str, Any] | None:
    if not records and not log:
        return None
    out = []
    for p in thin_history(records):
        d = dataclasses.asdict(p)
        for k, v in d.items():
            if isinstance(v, float) and not math.isfinite(v):
                d[k] = None  # the file is strict JSON: NaN (no cost yet) is written as null
        out.append(d)
    return {"records": out, "log": log[-MAX_LOG_CHARS:]}


def _recording_entry(
    recording: Path | None, folder: Path, position: int = 0
) -> dict[str, Any] | None:
    if recording is None:
        return None
    absolute = Path(recording).expanduser().resolve()
    entry: dict[str, Any] = {"absolute": str(absolute), "position": int(position)}
    try:
        entry["relative"] = Path(os.path.relpath(absolute, folder)).as_posix()
    except ValueError:  # another drive on Windows: only the absolute path can work
        pass
    return entry


def session_to_dict(session: Session, folder: str | os.PathLike[str] = ".") -> dict[str, Any]:
    """The JSON-ready form of ``session``; ``folder`` is where the file will live."""
    folder = Path(folder).resolve()
    data = {
        "format": FORMAT,
        "version": VERSION,
        "saved": _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "nnviz": _nnviz_version(),
        "title": session.title,
        "training": session.run.to_dict(),
        "network": None,
        "example_index": int(session.example_index),
        "circuit": session.circuit,
        "ui": {
            "page": session.page,
            "view": session.view,
            "pages": session.pages,
            "layout": session.layout,
            "presenter": bool(session.presenter),
            "settings": session.settings,
        },
        "recording": _recording_entry(session.recording, folder, session.replay_position),
        "history": _history_entry(session.history, session.log),
    }
    try:  # never write a file that load_session would reject
        session_from_dict(data, folder, "the session")
    except SessionError as exc:
        raise SessionError(
            str(exc)
            .replace(" is damaged:", " has a bad value:")
            .replace("; re-save the session or fix that entry", "")
        ) from None
    if session.network is not None:
        data["network"] = {
            "encoding": "npz-base64",
            "data": _network_blob(session.network, session.network_meta),
        }
    return data


def _nnviz_version() -> str:
    try:
        from nnviz import __version__
    except ImportError:  # pragma: no cover
        return "?"
    return __version__


def save_session(path: str | os.PathLike[str], session: Session) -> Path:
    """Write ``session`` to ``path`` atomically (temp file, then rename); returns the path.

    Raises SessionError for values that cannot be stored, OSError when the folder is not
    writable. An existing file is replaced only once the new one is complete.
    """
    path = Path(path)
    if not path.suffix:
        path = path.with_suffix(SUFFIX)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        text = json.dumps(session_to_dict(session, path.parent), indent=1, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise SessionError(f"the session cannot be saved: {exc}") from None
    with atomic_write(path) as fh:
        fh.write(text + "\n")
    return path


# ---------------------------------------------------------------------------------------------
# Loading
# ---------------------------------------------------------------------------------------------


def load_session(path: str | os.PathLike[str]) -> Session:
    """Read a session file; raise SessionError saying what is wrong and what to do."""
    path = check_regular_file(path, SessionError, _HINT)
    name = path.name
    if path.stat().st_size > MAX_SESSION_BYTES:
        raise SessionError(
            f"{name} is larger than any session nnviz writes ({MAX_SESSION_BYTES // 10**6} MB); "
            f"{_HINT}"
        )
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise SessionError(f"{name} is not a session file (it is not text); {_HINT}") from None
    except OSError as exc:
        raise SessionError(f"{path} could not be read ({exc.strerror or exc})") from None
    if json_too_big(text):
        raise SessionError(
            f"{name} is damaged: it holds more values than any nnviz session "
            f"({MAX_JSON_VALUES:,}); {_HINT}"
        )
    if not json_depth_ok(text):
        raise SessionError(f"{name} is damaged: it nests deeper than any nnviz session; {_HINT}")
    try:
        data = json.loads(text, **JSON_HOOKS)
    except json.JSONDecodeError as exc:
        raise SessionError(
            f"{name} is damaged or not a session file (unreadable JSON at line {exc.lineno}, "
            f"column {exc.colno}); {_HINT}, or restore it from a backup"
        ) from None
    except (ValueError, RecursionError) as exc:
        raise SessionError(f"{name} is damaged: {exc}; re-save the session") from None
    return session_from_dict(data, path.parent, name)


MAX_SESSION_BYTES = 100_000_000


def session_from_dict(
    data: object, folder: str | os.PathLike[str] = ".", name: str = "session"
) -> Session:
    """Rebuild a Session from :func:`session_to_dict` output; SessionError names the problem."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise SessionError(f"{name} is not an nnviz session file; {_HINT}")
    version = data.get("version")
    if version not in (1, VERSION) or isinstance(version, bool):
        newer = isinstance(version, int) and not isinstance(version, bool) and version > VERSION
        raise SessionError(
            f"{name} is a session file of version {version!r}, which this nnviz cannot read "
            f"(it reads version {VERSION} and older)"
            + ("; update nnviz to open it" if newer else f"; {_HINT}")
        )
    r = _Reader(name)
    training = r.section(data, "training")
    ui = r.section(data, "ui", required=False)
    try:
        run = RunSpec.from_dict(training, where='"training"')
    except RunSpecError as exc:
        where = f'"training.{exc.field}"' if exc.field else '"training"'
        r.fail(f"{where}: {str(exc).removeprefix(chr(34) + 'training' + chr(34) + ': ')}")
    s = Session(
        run=run,
        example_index=r.whole(data, "example_index", minimum=0, default=0),
        title=r.get(data, "title", str, default=""),
        page=page_id_of(r.get(ui, "ui.tab" if version == 1 else "ui.page", str, default="")),
        view=view_id_of(r.get(ui, "ui.subtab" if version == 1 else "ui.view", str, default="")),
        pages=_read_pages(ui.get("pages"), r),
        layout=r.get(ui, "ui.layout", str, default=""),
        presenter=r.get(ui, "ui.presenter", bool, default=False),
        settings=r.get(ui, "ui.settings", dict, default={}),
    )
    if s.layout:
        try:
            base64.b64decode(s.layout, validate=True)
        except (binascii.Error, ValueError):
            r.fail('"ui.layout" is not valid base64')
    s.circuit = _read_circuit(data.get("circuit"), r)
    s.network, s.network_meta = _read_network(data.get("network"), r)
    s.recording = _read_recording_entry(data.get("recording"), Path(folder), r)
    if isinstance(data.get("recording"), dict):
        s.replay_position = r.whole(data["recording"], "recording.position", 0, default=0)
    s.history, s.log = _read_history(data.get("history"), r)
    return s


def _read_pages(value: object, r: _Reader) -> dict[str, dict[str, Any]]:
    """The pages' own states (``{page id: {...}}``); absent in version 1."""
    if value is None:
        return {}
    if not isinstance(value, dict) or not all(isinstance(v, dict) for v in value.values()):
        r.fail('"ui.pages" must map page ids to objects')
    for page, state in value.items():
        problem = state_problem(state, f"ui.pages.{page}.")
        if problem:
            r.fail(problem)
    return {str(k): dict(v) for k, v in value.items()}


def _read_history(value: object, r: _Reader) -> tuple[list[Progress], str]:
    if value is None:
        return [], ""
    if not isinstance(value, dict):
        r.fail('"history" must be an object with "records" and "log"')
    log = r.get(value, "history.log", str, default="")
    raw = value.get("records") or []
    if not isinstance(raw, list) or len(raw) > MAX_HISTORY:
        r.fail(f'"history.records" must be a list of at most {MAX_HISTORY} records')
    records = []
    for k, d in enumerate(raw):
        if not isinstance(d, dict):
            r.fail(f'"history.records[{k}]" is not an object')
        d = {key: v for key, v in d.items() if key in _PROGRESS_FIELDS}
        for key in ("cost", "batch_cost"):
            if d.get(key) is None:
                d[key] = float("nan")
        try:
            p = Progress(**d)
            ok = isinstance(p.kind, str) and all(
                isinstance(getattr(p, f), int) and not isinstance(getattr(p, f), bool)
                for f in ("epoch", "batch", "batches_per_epoch", "examples_seen")
            )
            ok = ok and all(
                isinstance(getattr(p, f), int | float) for f in ("cost", "eta", "seconds")
            )
        except TypeError:
            ok = False
        if not ok:
            r.fail(f'"history.records[{k}]" is not a training record')
        records.append(p)
    return records, log[:MAX_LOG_CHARS]


class _Reader:
    """Typed field access that turns every problem into one SessionError."""

    def __init__(self, name: str) -> None:
        self.name = name

    def fail(self, problem: str):
        raise SessionError(
            f"{self.name} is damaged: {problem}; re-save the session or fix that entry"
        )

    def section(self, data: dict, key: str, required: bool = True) -> dict:
        value = data.get(key)
        if value is None and not required:
            return {}
        if not isinstance(value, dict):
            self.fail(f'"{key}" is missing or not an object')
        return value

    _MISSING = object()

    def get(self, d: dict, dotted: str, typ: type, default: Any = _MISSING) -> Any:
        key = dotted.rsplit(".", 1)[-1]
        if key not in d or d[key] is None:
            if default is self._MISSING:
                self.fail(f'"{dotted}" is missing')
            return default
        value = d[key]
        if not isinstance(value, typ) or (typ is not bool and isinstance(value, bool)):
            kind = {str: "text", bool: "true or false", dict: "an object", int: "a whole number"}
            self.fail(f'"{dotted}" should be {kind.get(typ, "a number")}, got {value!r}'[:200])
        return value

    def whole(
        self,
        d: dict,
        dotted: str,
        minimum: int | None,
        optional: bool = False,
        default: Any = _MISSING,
    ) -> Any:
        key = dotted.rsplit(".", 1)[-1]
        if optional and d.get(key) is None:
            return None
        value = self.get(d, dotted, int, default)
        if minimum is not None and value < minimum:
            self.fail(f'"{dotted}" must be at least {minimum}, got {value}')
        return value


def _read_circuit(value: object, r: _Reader) -> dict[str, Any] | None:
    if value is None:
        return None
    from nnviz.core.circuits.model import Circuit, CircuitError

    try:
        Circuit.from_dict(value, where="the open circuit")
    except (CircuitError, ValueError, TypeError, KeyError) as exc:
        r.fail(str(exc))
    return value  # type: ignore[return-value]


def _read_network(value: object, r: _Reader) -> tuple[Network | None, dict[str, Any]]:
    if value is None:
        return None, {}
    if not isinstance(value, dict) or value.get("encoding") != "npz-base64":
        r.fail('"network" must be an object with "encoding": "npz-base64"')
    blob = value.get("data")
    if not isinstance(blob, str):
        r.fail('"network.data" is missing')
    try:
        raw = base64.b64decode(blob, validate=True)
    except (binascii.Error, ValueError):
        r.fail('"network.data" is not valid base64 (the file was cut or edited)')
    with tempfile.TemporaryDirectory(prefix="nnviz-session-") as tmp:
        npz = Path(tmp) / "network.npz"
        npz.write_bytes(raw)
        try:
            net, meta = load_network(npz)
        except NetworkFileError as exc:
            r.fail(f"its network cannot be read ({str(exc).replace('network.npz', 'it')})")
    return net, meta


def _read_recording_entry(value: object, folder: Path, r: _Reader) -> Path | None:
    if value is None:
        return None
    if not isinstance(value, dict) or not any(
        isinstance(value.get(k), str) for k in ("relative", "absolute")
    ):
        r.fail('"recording" must hold a "relative" or "absolute" path')
    if any("\x00" in v for v in value.values() if isinstance(v, str)):
        r.fail('"recording" holds a path no file can have (a NUL character)')
    candidates = []
    if isinstance(value.get("relative"), str):
        candidates.append((folder / value["relative"]).resolve())
    if isinstance(value.get("absolute"), str):
        candidates.append(Path(value["absolute"]))
    for c in candidates:
        try:
            if c.exists():
                return c
        except (OSError, ValueError):  # a NUL byte or a name too long: never a recording
            r.fail('"recording" holds a path no file can have')
    return candidates[0]  # missing: the UI reports it when it tries to open the recording


def describe_session(session: Session) -> str:
    """One line about a session, e.g. for ``nnviz open --check``."""
    parts = [f"session: {session.run.describe()}"]
    if session.title:
        parts[0] = f"session {session.title!r}: " + parts[0].split(": ", 1)[1]
    if session.network is not None:
        meta = session.network_meta
        trained = ""
        if meta.get("epoch") is not None:
            trained = f" after epoch {meta['epoch']}"
            if meta.get("test_correct") is not None:
                trained += f" ({meta['test_correct']} correct)"
        parts.append(f"network {list(session.network.sizes)}{trained}")
    else:
        parts.append("no network")
    if session.circuit is not None:
        parts.append(f"circuit {session.circuit.get('name', '?')!r}")
    if session.recording is not None:
        missing = "" if session.recording.exists() else " (missing)"
        parts.append(f"recording {session.recording.name}{missing}")
    if session.page:
        parts.append(f"page {session.page!r}" + (f" / {session.view!r}" if session.view else ""))
    epochs = sum(1 for p in session.history if p.kind == EPOCH)
    if session.history:
        parts.append(f"history of {epochs} epochs ({len(session.history)} records)")
    if session.presenter:
        parts.append("presenter mode")
    return ", ".join(parts)
