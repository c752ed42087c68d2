"""Which kind of nnviz file a path holds, from its extension or its first bytes; shared by
``nnviz open`` (and its ``--check``) and the app's File > Open, so the two always agree."""

from __future__ import annotations

import re
from pathlib import Path

from nnviz.core.files.recording_format import MAGIC
from nnviz.core.io.guard import loads_bounded

KINDS = ("session", "deck", "recording", "network", "circuit")
_FORMAT = re.compile(rb'"format"\s*:\s*"([^"\\]{1,40})"')
_SNIFF_BYTES = 65_536
_MAX_JSON_BYTES = 100_000_000


def file_kind(path: str | Path) -> str:
    """One of KINDS, or "unknown"."""
    path = Path(path)
    suffix = path.suffix.lower()
    by_suffix = {
        ".nnviz": "session",
        ".nnvizdeck": "deck",
        ".nnrec": "recording",
        ".npz": "network",
        ".dig": "circuit",
        ".circ": "circuit",
    }
    if suffix in by_suffix:
        return by_suffix[suffix]
    try:
        with open(path, "rb") as fh:
            head = fh.read(_SNIFF_BYTES)
    except OSError:
        head = b""
    if suffix != ".json":
        if head.startswith(MAGIC):
            return "recording"
        if head.startswith(b"PK"):
            return "network"
        if head.lstrip()[:1] != b"{":
            return "unknown"
    # JSON: circuits, decks and sessions say which they are in "format".
    fmt = _json_format(path, head) or ""
    return {"nnviz-circuit": "circuit", "nnviz-deck": "deck"}.get(fmt, "session")


def _json_format(path: Path, head: bytes) -> str | None:
    found = _FORMAT.search(head)  # nnviz writes "format" first: no need to parse the file
    if found:
        return found.group(1).decode("utf-8", "replace")
    try:
        if path.stat().st_size > _MAX_JSON_BYTES:
            return None
        data = loads_bounded(path.read_text(encoding="utf-8"), ValueError, path.name)
    except (OSError, ValueError):
        return None
    fmt = data.get("format") if isinstance(data, dict) else None
    return fmt if isinstance(fmt, str) else None
