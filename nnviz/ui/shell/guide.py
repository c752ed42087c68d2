""" "What am I looking at?": a short card over each tab, shown the first time the tab opens.

The card sits in the tab's top-right corner, names what is on the screen and what to try
first, and goes with "Got it". Which cards were seen is stored in the settings, so each shows
by itself once; Help > What Am I Looking At? brings back the current tab's card.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTabBar,
    QVBoxLayout,
    QWidget,
)

from nnviz.core.files.deck import page_id_of
from nnviz.ui.settings import settings as settings_store

SEEN_KEY = "guides/seen"
MARGIN = 12
TOP_BARS = 80  # tab bars starting this near the page's top are kept clear of the card

# Page id (nnviz.ui.pages) -> (heading, lines). Plain words; the book's symbols where they help.
GUIDES: dict[str, tuple[str, tuple[str, ...]]] = {
    "training": (
        "A network learning to read digits",
        (
            "The diagram is the network: circles are neurons, filled by their activation for "
            "the test image on the left; lines are weights (blue positive, orange negative, "
            "thicker for larger).",
            "Press Play: stochastic gradient descent changes every weight a mini-batch at a "
            "time. Below, the cost falls and the test accuracy climbs.",
            "Hover a neuron or a line for its numbers (b, z, a, w, in the book's notation). "
            "Pause, then double-click one to change it by hand.",
            "Experiment replays the book's runs: [784, 30, 10] at \u03b7 = 3, a tiny and a "
            "huge \u03b7, more hidden neurons, no hidden layer.",
        ),
    ),
    "perceptrons": (
        "One neuron, to poke at",
        (
            "A perceptron outputs 1 when w\u00b7x + b > 0, else 0. Move the weights, the bias "
            "and the inputs and watch the output and the truth table.",
            "Presets start from the book's examples, such as the NAND perceptron (weights "
            "\u22122, \u22122, bias 3); the gate challenges ask you to find weights yourself.",
            "Switch to a sigmoid neuron to see the smooth version, and raise the scale c to "
            "watch it turn back into a step.",
        ),
    ),
    "circuits": (
        "Logic built from NAND gates",
        (
            "Drag parts from the palette onto the canvas, wire an output to an input, flip the "
            "switches: the circuit simulates as you build it.",
            "Levels ask for a gate or an adder and check every row of its truth table.",
            "The perceptron view turns the circuit into a network of NAND perceptrons, and "
            "beside it a network that learned the same table.",
        ),
    ),
    "inside": (
        "The Training tab's network, from other sides",
        (
            "Each sub-tab follows the network as it trains: the digits it gets wrong, a digit "
            "you draw, the baselines it must beat, the cost's shape, gradient descent on a "
            "valley, and one layer's forward pass as matrices.",
            "Hovering an entry names it in the book's notation.",
        ),
    ),
    "compare": (
        "Learning rates side by side",
        (
            "Two or three networks start from the same weights and see the same examples; "
            "only \u03b7 differs (by default 3, 0.001 and 100, the book's three).",
            "Press Start and watch which one learns, which crawls and which gets stuck.",
        ),
    ),
}


class GuideCard(QFrame):
    """The card itself: heading, a few lines, and a button that dismisses it."""

    dismissed = Signal(str)  # the page id

    def __init__(self, page_id: str, parent: QWidget) -> None:
        super().__init__(parent)
        self.page_id = page_id
        heading, lines = GUIDES[page_id]
        self.setObjectName("guideCard")
        self.setStyleSheet(
            "QFrame#guideCard { background: #fffdf3; border: 1px solid #c8b66a;"
            " border-radius: 6px; } QFrame#guideCard QLabel { color: #1c1c1c; }"
        )
        self.heading = QLabel(f"What am I looking at? {heading}")
        font = QFont(self.heading.font())
        font.setBold(True)
        self.heading.setFont(font)
        self.heading.setWordWrap(True)
        self.body = QLabel("\n".join(f"\u2022 {line}" for line in lines))
        self.body.setWordWrap(True)
        self.ok_button = QPushButton("Got it")
        # Tab reaches it; a click does not leave the focus on it (Space keeps playing).
        self.ok_button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.ok_button.clicked.connect(self.dismiss)
        # Escape dismisses the card while it shows (a shortcut of a hidden widget is off).
        self.escape = QShortcut(QKeySequence(Qt.Key.Key_Escape), self)
        self.escape.setContext(Qt.ShortcutContext.WindowShortcut)
        self.escape.activated.connect(self.dismiss)
        hint = QLabel("Help \u203a What Am I Looking At? shows this again.")
        hint.setStyleSheet("color: #6b6b6b;")
        hint.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(hint, 1)
        row.addWidget(self.ok_button)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(14, 12, 14, 12)
        lay.addWidget(self.heading)
        lay.addWidget(self.body)
        lay.addLayout(row)
        self.hide()

    def dismiss(self) -> None:
        self.hide()
        self.dismissed.emit(self.page_id)

    def place(self) -> None:
        """Top-right of the parent, as wide as reads well, never wider than the parent."""
        parent = self.parentWidget()
        width = max(200, min(460, parent.width() - 2 * MARGIN))
        self.setFixedWidth(width)
        lay = self.layout()
        if lay.hasHeightForWidth():
            height = lay.totalHeightForWidth(width)
        else:
            height = self.sizeHint().height()
        top = MARGIN + _top_tab_bar_height(parent)  # never over a page's own sub-tabs
        self.resize(width, min(height, max(80, parent.height() - top - MARGIN)))
        self.move(max(0, parent.width() - self.width() - MARGIN), top)


def _top_tab_bar_height(page: QWidget) -> int:
    """Where the tab bars near the top of ``page`` end (its sub-tabs, a side panel's tabs),
    so the card starts below them; 0 if there are none."""
    bottom = 0
    for bar in page.findChildren(QTabBar):
        if bar.isVisible() and bar.mapTo(page, QPoint(0, 0)).y() < TOP_BARS:
            bottom = max(bottom, bar.mapTo(page, QPoint(0, bar.height())).y())
    return bottom


class TabGuides(QObject):
    """Shows each tab's card the first time it is shown; remembers which were seen."""

    def __init__(self, tabs, page_ids: list[str]) -> None:
        super().__init__(tabs)
        self.tabs = tabs
        self.page_ids = list(page_ids)  # of the tabs, in order
        self.cards: dict[str, GuideCard] = {}
        self.quiet = False  # True while a lecture deck runs: no card pops up by itself
        tabs.currentChanged.connect(self._on_tab)

    def seen(self) -> set[str]:
        value = settings_store().value(SEEN_KEY, [])
        if isinstance(value, str):
            value = [value]
        # Older versions noted the tabs' titles: read them as ids.
        return {page_id_of(str(v)) for v in (value or [])}

    def _mark_seen(self, page_id: str) -> None:
        store = settings_store()
        store.setValue(SEEN_KEY, sorted(self.seen() | {page_id}))
        store.sync()

    def start(self) -> None:
        """Show the current tab's card if it was never seen (call once the window shows)."""
        self._on_tab(self.tabs.currentIndex())

    def hide_all(self) -> None:
        for card in self.cards.values():
            card.hide()

    def _on_tab(self, index: int) -> None:
        if self.quiet:
            return
        page_id = self._id_at(index)
        if page_id in GUIDES and page_id not in self.seen():
            self.show(page_id)

    def _id_at(self, index: int) -> str:
        return self.page_ids[index] if 0 <= index < len(self.page_ids) else ""

    def show(self, page_id: str | None = None) -> GuideCard | None:
        """Show the card of page ``page_id`` (default: the current page)."""
        if page_id is None:
            page_id = self._id_at(self.tabs.currentIndex())
        if page_id not in GUIDES or page_id not in self.page_ids:
            return None
        page = self.tabs.widget(self.page_ids.index(page_id))
        card = self.cards.get(page_id)
        if card is None:
            card = GuideCard(page_id, page)
            page.installEventFilter(self)
            self.cards[page_id] = card
        card.place()
        card.show()
        card.raise_()
        # Again once the page is laid out (a page built just now has no geometry yet).
        QTimer.singleShot(0, card, lambda: card.isVisible() and card.place())
        self._mark_seen(page_id)  # shown once: it does not come back by itself
        return card

    def visible_card(self) -> GuideCard | None:
        for card in self.cards.values():
            if card.isVisible():
                return card
        return None

    def eventFilter(self, obj, event) -> bool:
        if event.type() == QEvent.Type.Resize:
            for card in self.cards.values():
                if card.parentWidget() is obj and card.isVisible():
                    card.place()
        return False
