"""Checks every loader makes before it reads: a regular file, of a sane size, nesting bound.

Opening a FIFO blocks forever and a device never ends, so loaders refuse anything that is not
a regular file before opening it. Each loader passes its own error type, so the message comes
out in that format's words.
"""

from __future__ import annotations

import json
import os
import re
import stat
from pathlib import Path

MAX_JSON_DEPTH = 64  # nnviz's own files nest a few levels (circuits inside blocks: ~20)


def check_regular_file(path: str | os.PathLike[str], error: type[Exception], hint: str) -> Path:
    """``path`` as a Path if it is a regular file; else ``error`` saying what it is instead."""
    path = Path(path)
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise error(f"{path}: no such file; {hint}") from None
    except (OSError, ValueError) as exc:  # ValueError: a NUL byte in the path
        reason = getattr(exc, "strerror", None) or str(exc)
        raise error(f"{str(path)[:200]}: cannot be opened ({reason}); {hint}") from None
    if stat.S_ISDIR(mode):
        raise error(f"{path} is a folder, not a file; {hint}")
    if not stat.S_ISREG(mode):
        raise error(f"{path} is not a regular file (a pipe or a device); {hint}")
    return path


def read_text_limited(path: Path, limit: int, error: type[Exception], hint: str) -> str:
    """The file's text (UTF-8), refusing files larger than ``limit`` bytes before reading."""
    size = path.stat().st_size
    if size > limit:
        raise error(
            f"{path.name} is {size / 1e6:.1f} MB, more than nnviz reads for this kind of file "
            f"({limit / 1e6:.0f} MB); {hint}"
        )
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise error(f"{path.name} is not a text file; {hint}") from None
    except OSError as exc:
        raise error(f"{path} could not be read ({exc.strerror or exc}); {hint}") from None


# A JSON value costs Python 30 to 60 bytes however short it is in the file (``{}`` is 2 bytes
# there, 64 in memory), so a file is bounded by its number of values as well as its size. The
# biggest nnviz files hold far fewer: a session's 6,000 history records are about 100,000.
MAX_JSON_VALUES = 3_000_000
_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')  # strings (skipped whole) and brackets


def json_too_big(text: str) -> bool:
    """True when ``text`` may hold more than MAX_JSON_VALUES values (counted from above, in C:
    every comma and opening bracket, in strings too)."""
    return text.count(",") + text.count("{") + text.count("[") > MAX_JSON_VALUES


def json_depth_ok(text: str, limit: int = MAX_JSON_DEPTH) -> bool:
    """False if brackets nest deeper than ``limit`` (checked without parsing, so no recursion).

    Brackets inside strings are skipped; escaped quotes are honoured. The regular expression
    steps over each string in C, so a long one (a network's base64) costs no Python loop."""
    if text.count("{") + text.count("[") <= limit:
        return True
    depth = 0
    for match in _TOKENS.finditer(text):
        ch = match.group()
        if ch in "[{":
            depth += 1
            if depth > limit:
                return False
        elif ch in "]}":
            depth -= 1
    return True


def loads_bounded(text: str, error: type[Exception], what: str, depth: int = MAX_JSON_DEPTH):
    """json.loads that refuses deep nesting, too many values and huge numbers with ``error``
    (one line)."""
    if json_too_big(text):
        raise error(
            f"{what} holds more values than any nnviz file ({MAX_JSON_VALUES:,}); it is damaged"
        )
    if not json_depth_ok(text, depth):
        raise error(f"{what} nests deeper than {depth} levels; it is damaged")
    try:
        return json.loads(text, **JSON_HOOKS)
    except json.JSONDecodeError as exc:
        raise error(
            f"{what} is damaged or not an nnviz file (unreadable JSON at line {exc.lineno}, "
            f"column {exc.colno})"
        ) from None
    except (ValueError, RecursionError) as exc:
        raise error(f"{what} holds a value nnviz cannot use ({exc})") from None


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not a number nnviz accepts")


def _finite_float(text: str) -> float:
    value = float(text)
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError(f"the number {text[:20]} is out of range")
    return value


def bounded_int(text: str) -> int:
    """json parse_int hook: refuses integers beyond int64 (slow to convert, never ours)."""
    if len(text.lstrip("-")) > 18:  # beyond int64: no meaningful nnviz value is this large
        raise ValueError(f"the number {text[:20]}... is too large")
    return int(text)


# json.loads keyword arguments that refuse NaN and Infinity, numbers that overflow to inf,
# and integers beyond int64 (a 5000-digit number would otherwise take seconds to convert).
JSON_HOOKS = {
    "parse_constant": _refuse_constant,
    "parse_int": bounded_int,
    "parse_float": _finite_float,
}
