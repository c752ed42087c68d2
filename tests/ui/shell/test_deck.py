"""The chapter-1 lecture deck: stepping through it, and a lecturer's own deck (issue 13, 6)."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QInputDialog

from nnviz.core.files.deck import DeckError, load_deck
from nnviz.paths import shipped_examples


@pytest.fixture
def chapter1():
    return load_deck(shipped_examples()["chapter1"])


def test_shipped_deck_has_the_chapter_in_order(chapter1):
    titles = [s.title.lower() for s in chapter1.steps]
    assert len(titles) >= 10
    order = [
        "perceptron decides",
        "nand perceptron",
        "nand gates",
        "as perceptrons",
        "sigmoid",
        "scale",
        "learns digits",
        "hidden neuron",
        "too small",
        "baselines",
        "gradient descent",
        "matrices",
    ]
    at = [next(i for i, t in enumerate(titles) if key in t) for key in order]
    assert at == sorted(at)
    assert all(s.caption and len(s.caption) < 300 for s in chapter1.steps)
    merged = next(s for s in chapter1.steps if s.subtab == "As perceptrons")
    assert "-4" in merged.caption


def test_pgdown_steps_through_every_step_with_its_caption(window, qtbot, chapter1):
    assert window.open_path(str(shipped_examples()["chapter1"]))
    assert window.presenter  # a deck opens in presenter mode
    bar = window.caption_bar
    for k, step in enumerate(chapter1.steps):
        if k:
            qtbot.keyClick(window, Qt.Key.Key_PageDown)
        assert window.deck.index == k
        assert window.tabs.tabText(window.tabs.currentIndex()) == step.tab
        assert bar.isVisible() and bar.caption.text() == step.caption
        assert bar.counter.text().startswith(f"{k + 1} / {len(chapter1.steps)}")
        if step.subtab:
            from PySide6.QtWidgets import QTabWidget

            shown = [
                t.tabText(t.currentIndex())
                for t in window.tabs.currentWidget().findChildren(QTabWidget)
            ]
            assert step.subtab in shown, (step.title, shown)
        setup = step.setup
        if setup.get("perceptron") == "nand":
            assert window.perceptron_lab.preset_combo.currentData() == "nand"
        if setup.get("neuron") == "sigmoid":
            assert window.perceptron_lab.sigmoid_radio.isChecked()
        if "c" in setup:
            assert window.perceptron_lab._c == pytest.approx(setup["c"])
        if "circuit" in setup:
            assert window.circuit_sandbox.circuit.nand_count() == 5
    assert not window.step_deck(1)  # past the end: stays on the last step
    qtbot.keyClick(window, Qt.Key.Key_PageUp)
    assert window.deck.index == len(chapter1.steps) - 2
    window.set_presenter(False)


def test_lecturer_builds_edits_and_saves_a_deck_of_their_own(window, qtbot, tmp_path, monkeypatch):
    window.open_deck(str(shipped_examples()["chapter1"]))
    n = len(window.deck.deck.steps)
    window.step_deck(1)  # on step 2
    window.show_view(window.explore)
    window.explore.tabs.setCurrentIndex(window.explore.tabs.count() - 1)  # Matrix form
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("My matrices", True))
    monkeypatch.setattr(QInputDialog, "getMultiLineText", lambda *a, **k: ("Look here.", True))
    window.add_step_dialog()
    assert window.deck.index == 2 and window.deck.deck.steps[2].title == "My matrices"
    assert window.deck.deck.steps[2].subtab == "Matrix form"
    monkeypatch.setattr(QInputDialog, "getMultiLineText", lambda *a, **k: ("Read it aloud.", True))
    window.edit_caption_dialog()
    assert window.caption_bar.caption.text() == "Read it aloud."
    assert window.deck.move(-1) and window.deck.deck.steps[1].title == "My matrices"
    window.step_deck(1)
    assert window.deck.remove() and len(window.deck.deck.steps) == n  # added one, removed one
    target = tmp_path / "mine.nnvizdeck"
    import nnviz.ui.shell.main_window as mw

    monkeypatch.setattr(mw, "save_file", lambda *a, **k: str(target))
    assert window.save_deck_dialog()
    mine = load_deck(target)
    assert mine.steps[1].title == "My matrices" and mine.steps[1].caption == "Read it aloud."
    assert json.loads(shipped_examples()["chapter1"].read_text())["steps"][1]["title"] != (
        "My matrices"
    )  # the shipped deck is untouched
    # Reopened, the saved deck shows the lecturer's step where they put it.
    window.close_deck()
    assert window.open_deck(str(target)) and window.step_deck(1)
    assert window.tabs.tabText(window.tabs.currentIndex()) == "Inside the network"
    assert window.explore.tabs.tabText(window.explore.tabs.currentIndex()) == "Matrix form"


@pytest.mark.parametrize(
    "text, words",
    [
        ("", "not an nnviz deck"),
        ('{"format": "nnviz-deck", "version": 9, "steps": []}', "update nnviz"),
        ('{"format": "nnviz-deck", "version": 1, "steps": []}', "at least one step"),
        ('{"format": "nnviz-deck", "version": 1, "steps": [{"setup": {"c": -1}}]}', "setup.c"),
        ('{"format": "nnviz-deck", "version": 1, "steps": [{"caption": 3}]}', '"caption"'),
        (
            '{"format": "nnviz-deck", "version": 1, "steps": [{"setup": {"compare": [0]}}]}',
            "setup.compare",
        ),
    ],
)
def test_bad_decks_get_one_line_and_change_nothing(window, tmp_path, text, words):
    bad = tmp_path / "bad.nnvizdeck"
    bad.write_text(text or "{}")
    with pytest.raises(DeckError) as err:
        load_deck(bad)
    assert words in str(err.value) and "\n" not in str(err.value)
    assert not window.open_deck(str(bad)) and not window.deck.is_open


def test_cli_check_prints_how_many_steps(capsys, chapter1):
    from nnviz.cli import main

    assert main(["open", "chapter1", "--check"]) == 0
    out = capsys.readouterr().out
    assert f": {len(chapter1.steps)} steps" in out and out.count("\n") == 1


def test_merged_step_shows_the_merged_minus_four_and_no_guide_cards(window, qtbot):
    from nnviz.ui.shell.guide import GuideCard

    window.open_deck(str(shipped_examples()["chapter1"]))
    while "perceptrons" not in window.deck.deck.steps[window.deck.index].title.lower():
        assert window.step_deck(1)
    view = window.circuit_sandbox.perceptron_view
    assert view.merge_box.isChecked()
    assert not any(c.isVisible() for c in window.findChildren(GuideCard))
    window.step_deck(-1)
    assert not view.merge_box.isChecked()
