"""Lecture decks: an ordered list of prepared steps, each a view of the app with a caption.

A lecturer steps through a deck with PgDown and PgUp; each step puts the app on a page (and
one of its sub-views), restores what the step keeps of the pages (a perceptron preset, a
circuit, a training experiment, ...) and shows a short caption under the view. nnviz ships
``chapter1`` (``nnviz open chapter1``); a lecturer adds, reorders and re-captions steps in
the app and saves a deck of their own.

Layout, version 2 (``.nnvizdeck``, UTF-8 JSON)::

    {"format": "nnviz-deck", "version": 2, "title": "...",
     "steps": [{"title": "...", "caption": "...", "page": "perceptrons", "view": "",
                "state": {"perceptrons": {"perceptron": "nand"}}}, ...]}

Pages and views are named by stable ids (``nnviz.ui.pages``), never by the titles on the
tabs, so renaming a tab breaks no deck. ``state`` maps a page id to what that page restores;
the keys pages know (any other key is kept and ignored, so a newer deck opens):

    perceptron        a perceptron preset key (``cheese5``, ``nand``, ...)       perceptrons
    neuron            ``"perceptron"`` or ``"sigmoid"``                            perceptrons
    c                 the sigmoid lab's scale factor c (> 0)                       perceptrons
    circuit           a circuit nnviz ships (``half_adder``, ...)                  circuits
    merge             true/false: merge parallel connections                      circuits
    experiment        a training preset key (``book``, ``eta_small``, ...)         training
    play              true: start training at once                                 training
    weights_of        a hidden neuron (1-based) whose incoming weights are shown   training
    example           the test example shown (0-based)                             training
    compare           one to three learning rates trained side by side             compare
    tabs              {bar: view id}: the sub-view shown in each of a page's bars  any page

Version 1 stored the tabs' display titles (``"tab": "Circuits", "subtab": "Gates"``) and one
flat ``setup``; it is still read, its titles mapped to ids and each setup key given to the
page that owns it.
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

from nnviz.core.io.atomic import atomic_write
from nnviz.core.io.guard import check_regular_file, loads_bounded, read_text_limited

FORMAT = "nnviz-deck"
VERSION = 2
SUFFIX = ".nnvizdeck"
MAX_DECK_BYTES = 2_000_000
MAX_STEPS = 500
MAX_CAPTION = 600  # characters: a caption is read from the back of a room, not a page
_HINT = "choose a deck saved by nnviz (Deck > Save Deck As), or nnviz's own chapter1"


class DeckError(ValueError):
    """A deck that cannot be used; the message says why and what to do."""


# The pages' ids, and the display titles files of version 1 stored for them and their views.
LEGACY_PAGE_TITLES = {
    "Training": "training",
    "Perceptrons": "perceptrons",
    "Circuits": "circuits",
    "Inside the network": "inside",
    "Compare runs": "compare",
}
PAGE_IDS = tuple(LEGACY_PAGE_TITLES.values())
LEGACY_VIEW_TITLES = {
    "Test example": "example",
    "Weights into a neuron": "weights",
    "Cost and accuracy": "plots",
    "Log": "log",
    "Gates": "gates",
    "As perceptrons": "perceptrons",
    "Learned vs hand-built": "learned",
    "Truth table": "truth",
    "Levels": "levels",
    "Perceptron network": "network",
    "Layered network": "layered",
    "Draw a digit": "draw",
    "Mistakes and confusion": "mistakes",
    "Baselines": "baselines",
    "Binary output": "binary",
    "Gradient descent": "descent",
    "Gradient estimates": "estimates",
    "Cost per example": "cost_terms",
    "Cost slice": "cost_slice",
    "Matrix form": "matrix",
}
# Which page restores each key of a version-1 setup.
SETUP_OWNERS = {
    "perceptron": "perceptrons",
    "neuron": "perceptrons",
    "c": "perceptrons",
    "circuit": "circuits",
    "merge": "circuits",
    "experiment": "training",
    "play": "training",
    "weights_of": "training",
    "example": "training",
    "compare": "compare",
}


def page_id_of(title_or_id: str) -> str:
    """A page id from an id or a version-1 title ("" stays "")."""
    return LEGACY_PAGE_TITLES.get(title_or_id, title_or_id)


def view_id_of(title_or_id: str) -> str:
    return LEGACY_VIEW_TITLES.get(title_or_id, title_or_id)


@dataclass
class Step:
    title: str
    caption: str = ""
    page: str = ""
    view: str = ""
    state: dict[str, dict[str, Any]] = field(default_factory=dict)


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
                "page": s.page,
                "view": s.view,
                "state": {k: dict(v) for k, v in s.state.items()},
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
    version = data.get("version")
    if version not in (1, VERSION) or isinstance(version, bool):
        newer = isinstance(version, int) and not isinstance(version, bool) and version > VERSION
        raise DeckError(
            f"{name} is a deck of version {version!r}, which this nnviz cannot read"
            + ("; update nnviz to open it" if newer else f"; {_HINT}")
        )

    def fail(problem: str) -> NoReturn:
        raise DeckError(f"{name} is damaged: {problem}; fix that entry or save the deck again")

    title = data.get("title", "")
    if not isinstance(title, str):
        fail('"title" should be text')
    steps = data.get("steps")
    if not isinstance(steps, list) or not steps:
        fail('"steps" must be a list of at least one step')
    if len(steps) > MAX_STEPS:
        fail(f'"steps" has {len(steps)} steps, more than the {MAX_STEPS} nnviz reads')
    texts = (
        ("title", "caption", "tab", "subtab")
        if version == 1
        else ("title", "caption", "page", "view")
    )
    out = []
    for k, raw in enumerate(steps, 1):
        if not isinstance(raw, dict):
            fail(f"step {k} is not an object")
        values = {}
        for key in texts:
            v = raw.get(key, "")
            if not isinstance(v, str):
                fail(f'step {k}: "{key}" should be text')
            values[key] = v
        if len(values["caption"]) > MAX_CAPTION:
            fail(f"step {k}: the caption is longer than {MAX_CAPTION} characters")
        if version == 1:
            setup = raw.get("setup", {})
            if not isinstance(setup, dict):
                fail(f'step {k}: "setup" should be an object')
            problem = state_problem(setup, "setup.")
            if problem:
                fail(f"step {k}: {problem}")
            page = page_id_of(values["tab"])
            state = _migrate_setup(setup, page)
            step = Step(values["title"], values["caption"], page, view_id_of(values["subtab"]))
        else:
            state = raw.get("state", {})
            if not isinstance(state, dict) or not all(isinstance(v, dict) for v in state.values()):
                fail(f'step {k}: "state" should map page ids to objects')
            step = Step(values["title"], values["caption"], values["page"], values["view"])
            for page, page_state in state.items():
                problem = state_problem(page_state, f"state.{page}.")
                if problem:
                    fail(f"step {k}: {problem}")
        step.state = {str(p): dict(v) for p, v in state.items()}
        out.append(step)
    return Deck(title=title, steps=out)


def _migrate_setup(setup: dict[str, Any], page: str) -> dict[str, dict[str, Any]]:
    """A version-1 step's flat setup as page states: each key to the page that owns it."""
    state: dict[str, dict[str, Any]] = {}
    for key, value in setup.items():
        state.setdefault(SETUP_OWNERS.get(key, page or "training"), {})[key] = value
    return state


def state_problem(setup: dict[str, Any], prefix: str = "setup.") -> str | None:
    """What is wrong with one page's state (a version-1 setup), or None; shared by decks
    and sessions so a value is checked the same way wherever it comes from."""
    text_keys = ("perceptron", "neuron", "circuit", "experiment")
    for key in text_keys:
        if key in setup and not isinstance(setup[key], str):
            return f'"{prefix}{key}" should be text'
    if setup.get("neuron", "perceptron") not in ("perceptron", "sigmoid"):
        return f'"{prefix}neuron" must be "perceptron" or "sigmoid"'
    if "c" in setup:
        c = setup["c"]
        if isinstance(c, bool) or not isinstance(c, int | float) or not math.isfinite(c) or c <= 0:
            return f'"{prefix}c" must be a positive number'
    for key in ("play", "merge"):
        if key in setup and not isinstance(setup[key], bool):
            return f'"{prefix}{key}" should be true or false'
    if "example" in setup:
        e = setup["example"]
        if isinstance(e, bool) or not isinstance(e, int) or e < 0:
            return f'"{prefix}example" must be a whole number from 0'
    if "tabs" in setup:
        tabs = setup["tabs"]
        if not isinstance(tabs, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in tabs.items()
        ):
            return f'"{prefix}tabs" must map tab bars to view ids'
    if "weights_of" in setup:
        w = setup["weights_of"]
        if isinstance(w, bool) or not isinstance(w, int) or w < 1:
            return f'"{prefix}weights_of" must be a neuron number from 1'
    if "compare" in setup:
        etas = setup["compare"]
        if (
            not isinstance(etas, list)
            or not 1 <= len(etas) <= 3
            or not all(_positive(e) for e in etas)
        ):
            return f'"{prefix}compare" must list one to three positive learning rates'
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
