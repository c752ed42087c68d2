"""Training presets: one click each, named by the lesson they carry (data/presets/)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from nnviz.core.io.guard import JSON_HOOKS, json_depth_ok
from nnviz.core.learning.run import RunSpec, RunSpecError
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

    def spec(self, seed: int | None = 0, dtype: str = "float32") -> RunSpec:
        """The run this preset sets up, with the seed and precision the user keeps."""
        return RunSpec(
            self.dataset, self.sizes, self.eta, self.batch_size, self.epochs, seed, dtype
        )


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
    texts = {k: p[k] for k in ("key", "title", "lesson")}
    for k, v in texts.items():
        if not isinstance(v, str) or not v.strip() and k != "lesson":
            raise ValueError(f'"{k}" must be text')
    missing = [k for k in ("dataset", "sizes", "eta", "batch_size", "epochs") if k not in p]
    if missing:
        raise ValueError(f"a preset has no {', '.join(missing)}")
    try:  # the run's values are checked as every run is (seed and precision are the user's)
        run = RunSpec.from_dict(p, where=f"preset {texts['key']!r}", base=RunSpec())
    except RunSpecError as exc:
        raise ValueError(str(exc)) from None
    return Preset(
        dataset=run.dataset,
        sizes=run.sizes,
        eta=run.eta,
        batch_size=run.batch_size,
        epochs=run.epochs,
        **texts,
    )
