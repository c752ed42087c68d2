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
    merged = next(s for s in chapter1.steps if (s.page, s.view) == ("circuits", "perceptrons"))
    assert "-4" in merged.caption


def shown_views(window) -> list[str]:
    """The sub-view shown in each tab bar of the current page, by id."""
    return [bar.current() for bar in getattr(window.current_view(), "view_tabs", [])]


def test_shipped_deck_names_pages_and_views_by_id_never_by_title(chapter1, window):
    from nnviz.ui.pages import view_ids

    window.build_all_pages()
    text = shipped_examples()["chapter1"].read_text()
    titles = [window.tabs.tabText(i) for i in range(window.tabs.count())]
    for page_id in window.page_ids:
        page = window.page(page_id)
        titles += [bar.tabs.tabText(i) for bar in page.view_tabs for i in range(bar.tabs.count())]
    raw = json.loads(text)
    assert raw["version"] == 2 and not [s for s in raw["steps"] if "tab" in s or "subtab" in s]
    for step in chapter1.steps:
        assert step.page not in titles and step.view not in titles
        assert step.page in window.page_ids
        assert not step.view or step.view in view_ids(window.page(step.page))
        assert set(step.state) <= set(window.page_ids)


def test_the_decks_of_version_1_open_into_the_same_steps(chapter1):
    from pathlib import Path

    old = load_deck(Path(__file__).parents[2] / "fixtures" / "v1" / "chapter1.nnvizdeck")
    assert [(s.title, s.page, s.view) for s in old.steps] == [
        (s.title, s.page, s.view) for s in chapter1.steps
    ]
    # The shipped deck has since chosen plots for some steps; the rest of each state is kept.
    for was, now in zip(old.steps, chapter1.steps, strict=True):
        for page_id, state in was.state.items():
            assert state.items() <= now.state[page_id].items()


def test_pgdown_steps_through_every_step_with_its_caption(window, qtbot, chapter1):
    assert window.open_path(str(shipped_examples()["chapter1"]))
    assert window.presenter  # a deck opens in presenter mode
    check_every_step(window, qtbot, chapter1)
    assert not window.deck_menu.step_deck(1)  # past the end: stays on the last step
    qtbot.keyClick(window, Qt.Key.Key_PageUp)
    assert window.deck.index == len(chapter1.steps) - 2
    window.set_presenter(False)


def test_renamed_tabs_break_no_deck(window, qtbot, chapter1):
    """Titles are for people: rename every tab and sub-tab, and the deck still lands on the
    same pages and views (it stores ids)."""
    window.build_all_pages()
    for i in range(window.tabs.count()):
        window.tabs.setTabText(i, f"page {i}")
    for page_id in window.page_ids:
        for bar in window.page(page_id).view_tabs:
            for i in range(bar.tabs.count()):
                bar.tabs.setTabText(i, f"{page_id} view {i}")
    assert window.open_path(str(shipped_examples()["chapter1"]))
    check_every_step(window, qtbot, chapter1)
    window.set_presenter(False)


def check_every_step(window, qtbot, chapter1):
    bar = window.caption_bar
    for k, step in enumerate(chapter1.steps):
        if k:
            qtbot.keyClick(window, Qt.Key.Key_PageDown)
        assert window.deck.index == k
        assert window.current_page_id() == step.page
        assert window.current_view() is window.page(step.page)
        assert bar.isVisible() and bar.caption.text() == step.caption
        assert bar.counter.text().startswith(f"{k + 1} / {len(chapter1.steps)}")
        if step.view:
            assert step.view in shown_views(window), (step.title, shown_views(window))
        setup = {key: v for state in step.state.values() for key, v in state.items()}
        if setup.get("perceptron") == "nand":
            assert window.perceptron_lab.preset_combo.currentData() == "nand"
        if setup.get("neuron") == "sigmoid":
            assert window.perceptron_lab.sigmoid_radio.isChecked()
        if "c" in setup:
            assert window.perceptron_lab._c == pytest.approx(setup["c"])
        if "circuit" in setup:
            assert window.circuit_sandbox.circuit.nand_count() == 5
        if "compare" in setup:
            assert window.compare.etas() == [float(e) for e in setup["compare"]]
        if "experiment" in setup:  # without MNIST the book's run falls back to the digits
            from nnviz.core.datasets.mnist import find_mnist

            fallback = "digits" if find_mnist() is None else setup["experiment"]
            assert window.studio.preset_key in (setup["experiment"], fallback)


def test_lecturer_builds_edits_and_saves_a_deck_of_their_own(window, qtbot, tmp_path, monkeypatch):
    window.deck_menu.open_deck(str(shipped_examples()["chapter1"]))
    n = len(window.deck.deck.steps)
    window.deck_menu.step_deck(1)  # on step 2
    window.show_view(window.explore)
    window.explore.tabs.setCurrentIndex(window.explore.tabs.count() - 1)  # Matrix form
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("My matrices", True))
    monkeypatch.setattr(QInputDialog, "getMultiLineText", lambda *a, **k: ("Look here.", True))
    window.deck_menu.add_step_dialog()
    assert window.deck.index == 2 and window.deck.deck.steps[2].title == "My matrices"
    assert (window.deck.deck.steps[2].page, window.deck.deck.steps[2].view) == ("inside", "matrix")
    monkeypatch.setattr(QInputDialog, "getMultiLineText", lambda *a, **k: ("Read it aloud.", True))
    window.deck_menu.edit_caption_dialog()
    assert window.caption_bar.caption.text() == "Read it aloud."
    assert window.deck.move(-1) and window.deck.deck.steps[1].title == "My matrices"
    window.deck_menu.step_deck(1)
    assert window.deck.remove() and len(window.deck.deck.steps) == n  # added one, removed one
    target = tmp_path / "mine.nnvizdeck"
    import nnviz.ui.shell.deck_menu as mw

    monkeypatch.setattr(mw, "save_file", lambda *a, **k: str(target))
    assert window.deck_menu.save_deck_dialog()
    mine = load_deck(target)
    assert mine.steps[1].title == "My matrices" and mine.steps[1].caption == "Read it aloud."
    assert json.loads(shipped_examples()["chapter1"].read_text())["steps"][1]["title"] != (
        "My matrices"
    )  # the shipped deck is untouched
    # Reopened, the saved deck shows the lecturer's step where they put it.
    window.deck_menu.close_deck()
    assert window.deck_menu.open_deck(str(target)) and window.deck_menu.step_deck(1)
    assert window.current_page_id() == "inside" and shown_views(window) == ["matrix"]


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
    assert not window.deck_menu.open_deck(str(bad)) and not window.deck.is_open


def test_cli_check_prints_how_many_steps(capsys, chapter1):
    from nnviz.cli import main

    assert main(["open", "chapter1", "--check"]) == 0
    out = capsys.readouterr().out
    assert f": {len(chapter1.steps)} steps" in out and out.count("\n") == 1


def test_merged_step_shows_the_merged_minus_four_and_no_guide_cards(window, qtbot):
    from nnviz.ui.shell.guide import GuideCard

    window.deck_menu.open_deck(str(shipped_examples()["chapter1"]))
    while "perceptrons" not in window.deck.deck.steps[window.deck.index].title.lower():
        assert window.deck_menu.step_deck(1)
    view = window.circuit_sandbox.perceptron_view
    assert view.merge_box.isChecked()
    assert not any(c.isVisible() for c in window.findChildren(GuideCard))
    window.deck_menu.step_deck(-1)
    assert not view.merge_box.isChecked()


def test_a_step_asking_for_an_unknown_experiment_or_page_changes_nothing_else(
    window, tmp_path, qtbot
):
    """A deck from a newer nnviz (an experiment or a page this one lacks) opens; the step
    says what is missing instead of raising KeyError (issue 32)."""
    deck = tmp_path / "newer.nnvizdeck"
    deck.write_text(
        json.dumps(
            {
                "format": "nnviz-deck",
                "version": 2,
                "title": "From a newer nnviz",
                "steps": [
                    {"title": "a", "page": "training", "state": {"training": {"experiment": "x"}}},
                    {"title": "b", "page": "holograms", "state": {"holograms": {"x": 1}}},
                ],
            }
        )
    )
    texts = []
    window.studio.status_changed.connect(texts.append)
    before = window.studio.settings
    assert window.deck_menu.open_deck(str(deck))
    assert any("No experiment called 'x'" in t for t in texts)
    assert window.studio.settings == before and window.current_page_id() == "training"
    assert window.deck_menu.step_deck(1)
    assert "does not have" in window.statusBar().currentMessage()
    window.set_presenter(False)


@pytest.mark.slow
@pytest.mark.parametrize("size", [(1280, 720), (1920, 1080)], ids=["1280x720", "1920x1080"])
def test_every_step_of_the_shipped_deck_fits_the_projector(window, qtbot, monkeypatch, size):
    """Stepped as a lecturer does (presenter mode, PgDown): on no step does a page, panel or
    table scroll, a shown widget leave the window, or a layout lay text over text; at
    1280x720 no word is under 18 px (widgets, plot ticks, axis titles, legends, labels)."""
    from PySide6.QtWidgets import QApplication

    from nnviz.ui.shell.guide import GuideCard
    from nnviz.ui.shell.layout_check import small_text, strict_problems

    width, height = size
    monkeypatch.setattr(window, "showFullScreen", lambda: None)  # the test screen is smaller
    assert window.open_path(str(shipped_examples()["chapter1"]))
    window.setGeometry(0, 0, width, height)
    steps = load_deck(shipped_examples()["chapter1"]).steps
    found = {}
    for k, step in enumerate(steps):
        if k:
            # The offscreen platform can drop the window's activation while a page is built;
            # a lecturer's window keeps it.
            window.activateWindow()
            qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
            qtbot.keyClick(window, Qt.Key.Key_PageDown)
        assert window.deck.index == k and window.presenter
        for card in window.findChildren(GuideCard):
            card.hide()
        qtbot.settle()
        assert (window.width(), window.height()) == size
        bad = strict_problems(window)
        if size == (1280, 720):  # the back of the room: no word under 18 px
            bad += small_text(window)
        if bad:
            found[f"{k + 1} {step.title}"] = bad
    assert found == {}
    window.set_presenter(False)
