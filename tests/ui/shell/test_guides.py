"""Each tab's "what am I looking at?" card: shown by itself once, back from Help."""

from PySide6.QtCore import Qt

from nnviz.ui.shell.guide import GUIDES
from nnviz.ui.shell.main_window import MainWindow


def test_every_tab_has_a_guide(window):
    assert sorted(window.page_ids) == sorted(GUIDES)


def test_each_card_shows_once_then_comes_back_from_help(window, qtbot):
    guides = window.guides
    qtbot.waitUntil(lambda: guides.visible_card() is not None, timeout=3000)
    card = guides.visible_card()
    assert card.page_id == "training" and "What am I looking at?" in card.heading.text()
    # In the page's top-right corner, entirely inside it.
    page = window.tabs.currentWidget()
    assert page.rect().contains(card.geometry())
    assert card.geometry().right() > page.width() - 40
    qtbot.mouseClick(card.ok_button, Qt.MouseButton.LeftButton)
    assert not card.isVisible()
    # Another tab: its own card, once.
    window.tabs.setCurrentIndex(1)
    qtbot.waitUntil(lambda: guides.cards.get("perceptrons") is not None, timeout=3000)
    assert guides.cards["perceptrons"].isVisible()
    guides.cards["perceptrons"].dismiss()
    window.tabs.setCurrentIndex(0)
    window.tabs.setCurrentIndex(1)
    assert guides.visible_card() is None
    # Help brings back the current tab's card.
    window.act_guide.trigger()
    assert guides.visible_card() is guides.cards["perceptrons"]
    # A new window (the next start) remembers what was seen.
    again = MainWindow()
    qtbot.addWidget(again)
    again.show()
    qtbot.waitUntil(lambda: again.studio.snapshot is not None, timeout=15000)
    assert again.guides.visible_card() is None
    again.tabs.setCurrentIndex(2)
    assert again.guides.visible_card().page_id == "circuits"
    again.close()


def test_the_card_keeps_space_for_play(window, qtbot):
    qtbot.waitUntil(lambda: window.guides.visible_card() is not None, timeout=3000)
    card = window.guides.visible_card()
    # It follows the page's size.
    window.resize(900, 700)
    qtbot.waitUntil(lambda: window.tabs.currentWidget().rect().contains(card.geometry()))
    # "Got it" clicked with the mouse leaves the focus where it was: Space still plays.
    studio = window.studio
    studio.canvas.setFocus()
    qtbot.waitUntil(studio.canvas.hasFocus)
    qtbot.mouseClick(card.ok_button, Qt.MouseButton.LeftButton)
    assert not card.isVisible() and studio.canvas.hasFocus()
    qtbot.keyClick(studio.canvas, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: studio.playing, timeout=5000)
    studio.pause()


def test_tab_reaches_got_it_and_space_dismisses_the_card(window, qtbot):
    qtbot.waitUntil(lambda: window.guides.visible_card() is not None, timeout=3000)
    card = window.guides.visible_card()
    button = card.ok_button
    window.tabs.tabBar().setFocus()
    for _ in range(80):
        if button.hasFocus():
            break
        qtbot.keyClick(window.focusWidget(), Qt.Key.Key_Tab)
    assert button.hasFocus()
    qtbot.keyClick(button, Qt.Key.Key_Space)
    assert not card.isVisible() and not window.studio.playing


def test_the_card_leaves_a_pages_sub_tabs_uncovered(window, qtbot):
    window.tabs.setCurrentIndex(3)  # Inside the network: a row of sub-tabs at the top
    qtbot.waitUntil(lambda: window.guides.visible_card() is not None, timeout=3000)
    card = window.guides.visible_card()
    bar = window.explore.tabs.tabBar()
    top_left = bar.mapTo(card.parentWidget(), bar.rect().topLeft())
    bar_rect = bar.rect().translated(top_left)
    assert not bar_rect.intersects(card.geometry())


def test_escape_dismisses_the_card_and_ctrl_pgdown_switches_tabs(window, qtbot):
    """A keyboard user can close the card with Escape (or Tab to "Got it" and Space) and
    move between tabs with Ctrl+PgDown and Ctrl+PgUp, as in every tabbed Qt application
    (Next Session had taken Ctrl+PgDown; it moved to Ctrl+Alt+PgDown)."""
    from PySide6.QtGui import QKeySequence

    qtbot.waitUntil(lambda: window.guides.visible_card() is not None, timeout=3000)
    card = window.guides.visible_card()
    window.activateWindow()
    qtbot.waitUntil(lambda: window.isActiveWindow())
    qtbot.keyClick(window, Qt.Key.Key_Escape)
    assert not card.isVisible()
    assert window.act_next_session.shortcut() == QKeySequence("Ctrl+Alt+PgDown")
    window.studio.controls.eta_spin.setFocus()
    qtbot.waitUntil(lambda: window.studio.controls.eta_spin.hasFocus())
    qtbot.keyClick(
        window.studio.controls.eta_spin, Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier
    )
    assert window.tabs.currentIndex() == 1
    qtbot.keyClick(
        window.focusWidget() or window, Qt.Key.Key_PageUp, Qt.KeyboardModifier.ControlModifier
    )
    assert window.tabs.currentIndex() == 0
