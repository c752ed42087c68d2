"""Training presets: one click each, named by the lesson they carry (data/presets/)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from nnviz.core.io.guard import JSON_HOOKS, json_depth_ok
from nnviz.core.learning.network import parse_sizes
from nnviz.paths import SHIPPED_DATA

PRESETS_FILE = SHIPPED_DATA / "presets" / "training.json"


@dataclass(frozen=True)
class Preset:
    key: str
    title: str
    dataset: str
    sizes: tuple[int, ...]
    eta: float
    batch_size: int
    epochs: int
    lesson: str


def load_presets(path: Path = PRESETS_FILE) -> list[Preset]:
    """Read the shipped presets; raise ValueError naming the file if it is missing or malformed."""
    try:
        text = Path(path).read_text()
    except OSError as exc:
        raise ValueError(
            f"presets file {path} cannot be read ({exc.strerror or exc}): "
            "nnviz is installed incompletely; reinstall it"
        ) from None
    try:
        if not json_depth_ok(text):
            raise ValueError("it nests too deeply")
        data = json.loads(text, **JSON_HOOKS)
        if not isinstance(data, dict) or data.get("format") != "nnviz-presets":
            raise ValueError("not an nnviz presets file")
        return [_preset(p) for p in data["presets"]]
    except (OSError, ValueError, KeyError, TypeError, RecursionError) as exc:
        raise ValueError(f"presets file {path} is malformed: {exc}"[:300]) from None


def _preset(p: object) -> Preset:
    """One preset, every field checked for type and range (ValueError naming the field)."""
    if not isinstance(p, dict):
        raise ValueError("a preset is not an object")
    texts = {k: p[k] for k in ("key", "title", "dataset", "lesson")}
    for k, v in texts.items():
        if not isinstance(v, str) or not v.strip() and k != "lesson":
            raise ValueError(f'"{k}" must be text')
    whole = {k: p[k] for k in ("batch_size", "epochs")}
    for k, v in whole.items():
        if not isinstance(v, int) or isinstance(v, bool) or not 1 <= v <= 10**6:
            raise ValueError(f'"{k}" must be a whole number from 1 to 10^6, got {v!r}')
    eta = p["eta"]
    if not isinstance(eta, int | float) or isinstance(eta, bool) or not 0 < eta <= 1e6:
        raise ValueError(f'"eta" must be a positive number, got {eta!r}')
    sizes = p["sizes"]
    if not isinstance(sizes, list) or not all(
        isinstance(s, int) and not isinstance(s, bool) for s in sizes
    ):
        raise ValueError('"sizes" must be a list of whole numbers')
    return Preset(sizes=tuple(parse_sizes(sizes)), eta=float(eta), **texts, **whole)
