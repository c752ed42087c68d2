"""Lecture decks: an ordered list of prepared steps, each a view of the app with a caption.

A lecturer steps through a deck with PgDown and PgUp; each step puts the app on a tab (and
sub-tab), sets it up (a perceptron preset, a circuit, a training experiment, ...) and shows
a short caption under the view. nnviz ships ``chapter1`` (``nnviz open chapter1``); a
lecturer adds, reorders and re-captions steps in the app and saves a deck of their own.

Layout, version 1 (``.nnvizdeck``, UTF-8 JSON)::

    {"format": "nnviz-deck", "version": 1, "title": "...",
     "steps": [{"title": "...", "caption": "...", "tab": "Perceptrons", "subtab": "",
                "setup": {"perceptron": "nand"}}, ...]}

``setup`` keys the app knows (any other key is kept and ignored, so a newer deck opens):

    perceptron        a perceptron preset key (``cheese5``, ``nand``, ...)
    neuron            ``"perceptron"`` or ``"sigmoid"``
    c                 the sigmoid lab's scale factor c (> 0)
    circuit           a circuit nnviz ships (``half_adder``, ...)
    experiment        a training preset key (``book``, ``eta_small``, ...)
    merge             true/false: merge parallel connections in the circuit's perceptron view
    play              true: start training at once
    weights_of        a hidden neuron (1-based) whose incoming weights are shown as an image
    compare           two or three learning rates trained side by side
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nnviz.core.io.atomic import atomic_write
from nnviz.core.io.guard import check_regular_file, loads_bounded, read_text_limited

FORMAT = "nnviz-deck"
VERSION = 1
SUFFIX = ".nnvizdeck"
MAX_DECK_BYTES = 2_000_000
MAX_STEPS = 500
MAX_CAPTION = 600  # characters: a caption is read from the back of a room, not a page
_HINT = "choose a deck saved by nnviz (Deck > Save Deck As), or nnviz's own chapter1"


class DeckError(ValueError):
    """A deck that cannot be used; the message says why and what to do."""


@dataclass
class Step:
    title: str
    caption: str = ""
    tab: str = ""
    subtab: str = ""
    setup: dict[str, Any] = field(default_factory=dict)


@dataclass
class Deck:
    title: str = "My deck"
    steps: list[Step] = field(default_factory=list)


def deck_to_dict(deck: Deck) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "version": VERSION,
        "title": deck.title,
        "steps": [
            {
                "title": s.title,
                "caption": s.caption,
                "tab": s.tab,
                "subtab": s.subtab,
                "setup": dict(s.setup),
            }
            for s in deck.steps
        ],
    }


def save_deck(path: str | os.PathLike[str], deck: Deck) -> Path:
    """Write ``deck`` atomically; raises DeckError for a deck that could not be read back."""
    path = Path(path)
    if not path.suffix:
        path = path.with_suffix(SUFFIX)
    data = deck_to_dict(deck)
    deck_from_dict(data, path.name)  # never write what load_deck would refuse
    text = json.dumps(data, indent=1, ensure_ascii=False, allow_nan=False)
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_write(path) as fh:
        fh.write(text + "\n")
    return path


def load_deck(path: str | os.PathLike[str]) -> Deck:
    """Read a deck; DeckError says in one line what is wrong and what to do."""
    path = check_regular_file(path, DeckError, _HINT)
    text = read_text_limited(path, MAX_DECK_BYTES, DeckError, _HINT)
    data = loads_bounded(text, DeckError, path.name)
    return deck_from_dict(data, path.name)


def deck_from_dict(data: object, name: str = "the deck") -> Deck:
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise DeckError(f"{name} is not an nnviz deck; {_HINT}")
    if data.get("version") != VERSION:
        v = data.get("version")
        newer = isinstance(v, int) and not isinstance(v, bool) and v > VERSION
        raise DeckError(
            f"{name} is a deck of version {v!r}, which this nnviz cannot read"
            + ("; update nnviz to open it" if newer else f"; {_HINT}")
        )

    def fail(problem: str):
        raise DeckError(f"{name} is damaged: {problem}; fix that entry or save the deck again")

    title = data.get("title", "")
    if not isinstance(title, str):
        fail('"title" should be text')
    steps = data.get("steps")
    if not isinstance(steps, list) or not steps:
        fail('"steps" must be a list of at least one step')
    if len(steps) > MAX_STEPS:
        fail(f'"steps" has {len(steps)} steps, more than the {MAX_STEPS} nnviz reads')
    out = []
    for k, raw in enumerate(steps, 1):
        if not isinstance(raw, dict):
            fail(f"step {k} is not an object")
        values = {}
        for key in ("title", "caption", "tab", "subtab"):
            v = raw.get(key, "")
            if not isinstance(v, str):
                fail(f'step {k}: "{key}" should be text')
            values[key] = v
        if len(values["caption"]) > MAX_CAPTION:
            fail(f"step {k}: the caption is longer than {MAX_CAPTION} characters")
        setup = raw.get("setup", {})
        if not isinstance(setup, dict):
            fail(f'step {k}: "setup" should be an object')
        problem = _setup_problem(setup)
        if problem:
            fail(f"step {k}: {problem}")
        out.append(Step(setup=dict(setup), **values))
    return Deck(title=title, steps=out)


def _setup_problem(setup: dict[str, Any]) -> str | None:
    text_keys = ("perceptron", "neuron", "circuit", "experiment")
    for key in text_keys:
        if key in setup and not isinstance(setup[key], str):
            return f'"setup.{key}" should be text'
    if setup.get("neuron", "perceptron") not in ("perceptron", "sigmoid"):
        return '"setup.neuron" must be "perceptron" or "sigmoid"'
    if "c" in setup:
        c = setup["c"]
        if isinstance(c, bool) or not isinstance(c, int | float) or not math.isfinite(c) or c <= 0:
            return '"setup.c" must be a positive number'
    for key in ("play", "merge"):
        if key in setup and not isinstance(setup[key], bool):
            return f'"setup.{key}" should be true or false'
    if "weights_of" in setup:
        w = setup["weights_of"]
        if isinstance(w, bool) or not isinstance(w, int) or w < 1:
            return '"setup.weights_of" must be a neuron number from 1'
    if "compare" in setup:
        etas = setup["compare"]
        if (
            not isinstance(etas, list)
            or not 1 <= len(etas) <= 3
            or not all(_positive(e) for e in etas)
        ):
            return '"setup.compare" must list one to three positive learning rates'
    return None


def _positive(value: object) -> bool:
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(value)
        and value > 0
    )


def describe_deck(deck: Deck) -> str:
    """One line for ``nnviz open --check``, e.g. "deck 'Chapter 1': 12 steps"."""
    n = len(deck.steps)
    first = deck.steps[0].title if deck.steps else ""
    return f"deck {deck.title!r}: {n} step{'s' if n != 1 else ''}, from {first!r}"
