"""The Deck menu: opening, stepping, editing and saving lecture decks in the main window."""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QInputDialog, QMessageBox

from nnviz.ui.file_dialogs import open_file, remember, save_file


class DeckMenu(QObject):
    """The Deck menu's actions over the window's DeckPlayer (nnviz.ui.shell.deck_player)."""

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window

    def build_menu(self, mb) -> None:
        w = self.window
        m = mb.addMenu("&Deck")
        w.act_next_step = w.action(
            "&Next Step", lambda: self.step_deck(1), "PgDown", tip="Show the deck's next step"
        )
        w.act_prev_step = w.action(
            "&Previous Step", lambda: self.step_deck(-1), "PgUp", tip="Show the previous step"
        )
        for a in (w.act_next_step, w.act_prev_step):
            w.addAction(a)  # also with the menu bar hidden in presenter mode
        entries = (
            ("&Open Deck…", self.open_deck_dialog, None),
            ("Open the C&hapter 1 Deck", lambda: self.open_deck(self._chapter1()), None),
            None,
            w.act_next_step,
            w.act_prev_step,
            None,
            ("&Add Current View as Step…", self.add_step_dialog, None),
            ("&Edit Caption…", self.edit_caption_dialog, None),
            ("Move Step Earl&ier", lambda: w.deck.move(-1), None),
            ("Move Step &Later", lambda: w.deck.move(1), None),
            ("&Remove Step", w.deck.remove, None),
            None,
            ("&Save Deck As…", self.save_deck_dialog, None),
            ("&Close Deck", self.close_deck, None),
        )
        w.deck_actions = {}  # text -> QAction
        for e in entries:
            if e is None:
                m.addSeparator()
            elif isinstance(e, QAction):
                m.addAction(e)
            else:
                act = w.action(e[0], e[1], e[2])
                w.deck_actions[e[0].replace("&", "").rstrip("…")] = act
                m.addAction(act)

    @staticmethod
    def _chapter1() -> str:
        from nnviz.paths import shipped_examples

        return str(shipped_examples()["chapter1"])

    def open_deck_dialog(self) -> None:
        path = open_file(self.window, "deck", "Open lecture deck", "nnviz decks (*.nnvizdeck)")
        if path:
            self.open_deck(path)

    def open_deck(self, path: str, present: bool = False) -> bool:
        """Open a lecture deck at its first step (in presenter mode with ``present``)."""
        w = self.window
        from nnviz.core.files.deck import DeckError

        if not self.deck_saved_or_discarded():
            return False
        try:
            deck = w.deck.open(path)
        except DeckError as exc:
            QMessageBox.warning(
                self.window, "Could not open the deck", f"{exc}\n\nNothing was changed."
            )
            return False
        if present and not w.presenter:
            w.set_presenter(True)
        w.status_label.setText(
            f"Deck: {deck.title} ({len(deck.steps)} steps). PgDown and PgUp step through it."
        )
        return True

    def step_deck(self, delta: int) -> bool:
        w = self.window
        if not w.deck.is_open:
            w.status_label.setText("Open a deck first (Deck ▸ Open Deck).")
            return False
        if not w.deck.step(delta):
            w.status_label.setText("The deck's last step." if delta > 0 else "Its first step.")
            return False
        return True

    def add_step_dialog(self) -> None:
        w = self.window
        title, ok = QInputDialog.getText(self.window, "Add step", "Title of the new step:")
        if not ok:
            return
        caption, ok = QInputDialog.getMultiLineText(self.window, "Add step", "Caption:")
        if not ok:
            return
        w.deck.add_step(w.deck.current_view_as_step(title.strip() or "Step", caption))

    def edit_caption_dialog(self) -> None:
        w = self.window
        d = w.deck
        if d.deck is None or d.index < 0:
            w.status_label.setText("Open a deck and show a step first.")
            return
        caption, ok = QInputDialog.getMultiLineText(
            self.window, "Edit caption", "Caption:", d.deck.steps[d.index].caption
        )
        if ok:
            d.set_caption(caption)

    def save_deck_dialog(self) -> bool:
        w = self.window
        from nnviz.core.files.deck import DeckError

        if w.deck.deck is None or not w.deck.deck.steps:
            w.status_label.setText("Nothing to save: add a step first.")
            return False
        path = save_file(self.window, "deck", "Save deck as", "nnviz decks (*.nnvizdeck)")
        if not path:
            return False
        try:
            saved = w.deck.save(path)
        except (DeckError, OSError) as exc:
            QMessageBox.warning(self.window, "Could not save the deck", f"{exc}")
            return False
        remember("deck", saved)
        w.status_label.setText(f"Deck saved: {saved}")
        return True

    def close_deck(self) -> None:
        if self.deck_saved_or_discarded():
            self.window.deck.close()

    def deck_saved_or_discarded(self) -> bool:
        """Offer to save an edited deck; False if the user cancelled."""
        w = self.window
        if not (w.deck.is_open and w.deck.modified):
            return True
        answer = QMessageBox.question(
            self.window,
            "Save the deck?",
            "The deck has changes that are not saved.",
            QMessageBox.StandardButton.Save
            | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel,
        )
        if answer == QMessageBox.StandardButton.Save:
            return self.save_deck_dialog()
        return answer == QMessageBox.StandardButton.Discard
