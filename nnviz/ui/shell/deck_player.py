"""Stepping through a lecture deck in the main window, and editing it.

The player owns the open :class:`~nnviz.core.files.deck.Deck`, the step shown and the caption
bar under the tabs. A step puts the window on its page and sub-view (by their stable ids) and
hands each page the state the step keeps for it, through the page's own ``restore`` (what a
user's clicks would do), so a deck can never reach a state the app cannot otherwise show.
Edits (add the current view, caption, move, remove) change the deck in memory; a deck nnviz
ships is never overwritten: saving it asks for a file of the lecturer's own.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QWidget

from nnviz.core.files.deck import Deck, Step, load_deck, save_deck
from nnviz.paths import SHIPPED_DATA
from nnviz.ui.pages import current_view, show_sub_view


class CaptionBar(QFrame):
    """The step counter and caption under the view; large type in presenter mode."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("caption_bar")
        self.setStyleSheet(
            "QFrame#caption_bar{background:#20242c; border-top:2px solid #3d7be0;}"
            "QLabel{color:#f4f6fa; background:transparent;}"
        )
        lay = QHBoxLayout(self)
        lay.setContentsMargins(12, 6, 12, 6)
        self.counter = QLabel()
        self.caption = QLabel()
        self.caption.setWordWrap(True)
        self.caption.setTextFormat(Qt.TextFormat.PlainText)
        lay.addWidget(self.counter, 0, Qt.AlignmentFlag.AlignTop)
        lay.addWidget(self.caption, 1)
        self.set_scale(1.0)
        self.hide()

    def set_scale(self, scale: float) -> None:
        for label, bold in ((self.counter, True), (self.caption, False)):
            font = QFont(label.font())
            font.setPointSizeF(11.0 * scale)
            font.setBold(bold)
            label.setFont(font)

    def show_step(self, number: int, total: int, step: Step) -> None:
        self.counter.setText(f"{number} / {total}  {step.title}")
        self.caption.setText(step.caption)
        self.show()


class DeckPlayer(QObject):
    """Opens decks, shows their steps in ``window`` and edits them."""

    changed = Signal()  # a deck opened or closed, a step shown, the deck edited

    def __init__(self, window, bar: CaptionBar) -> None:
        super().__init__(window)
        self.window = window
        self.bar = bar
        self.deck: Deck | None = None
        self.path: Path | None = None
        self.index = -1
        self.modified = False

    # -- opening ---------------------------------------------------------------------------
    @property
    def is_open(self) -> bool:
        return self.deck is not None

    @property
    def shipped(self) -> bool:
        """True for a deck nnviz ships (read-only: Save As makes a copy)."""
        if self.path is None:
            return False
        try:
            return self.path.resolve().is_relative_to(Path(SHIPPED_DATA).resolve())
        except (OSError, ValueError):
            return False

    def open(self, path: str | Path) -> Deck:
        """Load ``path`` (raises DeckError, nothing changes then) and show its first step."""
        deck = load_deck(path)
        self.deck, self.path, self.modified = deck, Path(path), False
        self.show(0)
        return deck

    def new_deck(self) -> None:
        self.deck, self.path, self.modified, self.index = Deck(), None, False, -1
        self.bar.hide()
        self.changed.emit()

    def close(self) -> None:
        if getattr(self.window, "guides", None) is not None:
            self.window.guides.quiet = False
        self.deck, self.path, self.index, self.modified = None, None, -1, False
        self.bar.hide()
        self.changed.emit()

    # -- stepping --------------------------------------------------------------------------
    def step(self, delta: int) -> bool:
        if self.deck is None or not self.deck.steps:
            return False
        i = self.index + delta
        if not 0 <= i < len(self.deck.steps):
            return False
        self.show(i)
        return True

    def show(self, i: int) -> None:
        assert self.deck is not None
        guides = getattr(self.window, "guides", None)
        if guides is not None:  # the lecturer knows the tabs: no cards over the steps
            guides.quiet = True
            guides.hide_all()
        self.index = i
        step = self.deck.steps[i]
        self.apply(step)
        self.bar.show_step(i + 1, len(self.deck.steps), step)
        self._keep_focus()
        self.changed.emit()

    def _keep_focus(self) -> None:
        """The next PgDown must reach the deck: when the step's page change took the focus
        away with the widget that had it, the page's tab bar takes it (the clicker's keys
        otherwise go nowhere until the lecturer clicks into the window)."""
        from PySide6.QtWidgets import QApplication

        focus = QApplication.focusWidget()
        if focus is None or not focus.isVisible():
            self.window.tabs.tabBar().setFocus()

    def apply(self, step: Step) -> None:
        """Put the window on ``step``'s page, restore the pages' states it keeps and show its
        sub-view, through each page's own ``restore`` (nnviz.ui.pages)."""
        w = self.window
        if step.page and not w.show_page(step.page):
            w.statusBar().showMessage(
                f"This step shows a page this nnviz does not have ({step.page!r}).", 10000
            )
        for page_id, state in step.state.items():
            page = w.page(page_id)
            if page is not None:
                page.restore(state)
        if step.view:
            show_sub_view(w.current_view(), step.view)

    # -- editing -----------------------------------------------------------------------------
    def current_view_as_step(self, title: str, caption: str) -> Step:
        """A step that puts the window back where it is now: the page, its sub-view and its
        state (with the training preset, if the run came from one)."""
        w = self.window
        view = w.current_view()
        state = dict(view.state()) if view is not None else {}
        if view is w.studio and w.studio.preset_key is not None:
            state["experiment"] = w.studio.preset_key
        page_id = w.current_page_id()
        return Step(
            title=title,
            caption=caption,
            page=page_id,
            view=current_view(view) if view is not None else "",
            state={page_id: state} if state else {},
        )

    def add_step(self, step: Step) -> None:
        if self.deck is None:
            self.deck = Deck()
        at = self.index + 1
        self.deck.steps.insert(at, step)
        self.modified = True
        self.show_bar(at)

    def set_caption(self, caption: str) -> None:
        if self.deck is None or self.index < 0:
            return
        self.deck.steps[self.index].caption = caption
        self.modified = True
        self.show_bar(self.index)

    def move(self, delta: int) -> bool:
        if self.deck is None or self.index < 0:
            return False
        j = self.index + delta
        if not 0 <= j < len(self.deck.steps):
            return False
        steps = self.deck.steps
        steps[self.index], steps[j] = steps[j], steps[self.index]
        self.modified = True
        self.show_bar(j)
        return True

    def remove(self) -> bool:
        if self.deck is None or self.index < 0:
            return False
        del self.deck.steps[self.index]
        self.modified = True
        if not self.deck.steps:
            self.index = -1
            self.bar.hide()
            self.changed.emit()
        else:
            self.show_bar(min(self.index, len(self.deck.steps) - 1))
        return True

    def show_bar(self, i: int) -> None:
        """Show step ``i``'s caption without applying it (after an edit)."""
        assert self.deck is not None
        self.index = i
        self.bar.show_step(i + 1, len(self.deck.steps), self.deck.steps[i])
        self.changed.emit()

    def save(self, path: str | Path) -> Path:
        assert self.deck is not None
        saved = save_deck(path, self.deck)
        self.path, self.modified = saved, False
        self.changed.emit()
        return saved
