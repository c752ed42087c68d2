"""Training presets: one click each, named by the lesson they carry (data/presets/)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

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
        data = json.loads(text)
        if data.get("format") != "nnviz-presets":
            raise ValueError("not an nnviz presets file")
        return [
            Preset(
                key=p["key"],
                title=p["title"],
                dataset=p["dataset"],
                sizes=tuple(int(s) for s in p["sizes"]),
                eta=float(p["eta"]),
                batch_size=int(p["batch_size"]),
                epochs=int(p["epochs"]),
                lesson=p["lesson"],
            )
            for p in data["presets"]
        ]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ValueError(f"presets file {path} is malformed: {exc}") from None
