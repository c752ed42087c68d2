"""Keys a focused control needs go to that control, not to a window-wide shortcut.

The Training page binds single keys window-wide (Space plays, Right steps, Up and Down browse
the test examples, R resets). Qt gives such a shortcut precedence over the focused widget, so
Up in the mini-batch box moved the test example and Right on a focused tab bar stepped
training. This filter answers Qt's ShortcutOverride for those keys when the focused widget
uses them itself (text fields, spin and combo boxes, sliders, lists and tables, tab bars,
buttons for Space), so the key reaches the control; elsewhere the shortcuts work as before.
It also makes Tab leave every table and list, as it leaves any other control, puts toolbar
buttons in the Tab order and takes page scroll areas out of it.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSlider,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QTabBar,
    QTextEdit,
    QToolBar,
    QToolButton,
)

K = Qt.Key
WINDOW_TOOLBAR = "nnviz_window_toolbar"  # a QToolBar property: the window's, not a page's
ARROWS = {K.Key_Up, K.Key_Down, K.Key_Left, K.Key_Right}
TYPING = (QLineEdit, QAbstractSpinBox, QTextEdit, QPlainTextEdit, QComboBox)


def control_wants(widget: object, key: int, text: str) -> bool:
    """Whether the focused ``widget`` uses the plain key ``key`` itself. A widget of our own
    says so through a ``wants_key(key, text)`` method (the circuit canvas: Space flips the
    selected switch there, it does not play the training)."""
    own = getattr(widget, "wants_key", None)
    if callable(own):
        return bool(own(key, text))
    if isinstance(widget, TYPING):
        editable = not isinstance(widget, QComboBox) or widget.isEditable()
        return key in ARROWS or (editable and bool(text) and text.isprintable())
    if isinstance(widget, QAbstractSlider | QAbstractItemView | QTabBar):
        return key in ARROWS or (isinstance(widget, QAbstractItemView) and key == K.Key_Space)
    if isinstance(widget, QAbstractButton):
        return key == K.Key_Space
    return False


class FocusedKeysFirst(QObject):
    """Install on the application: ``app.installEventFilter(FocusedKeysFirst(app))``."""

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt name
        if event.type() == QEvent.Type.Polish and isinstance(obj, QAbstractItemView):
            # Tab leaves a table or list (arrows move inside it): Qt's default walks the
            # cells with Tab, and 30 presses of Tab never left the Perceptrons truth table.
            obj.setTabKeyNavigation(False)
        elif event.type() == QEvent.Type.Polish and isinstance(obj, QScrollArea):
            # A page's scroll area is a frame, not a control: the first Tab on a page landed
            # on it (invisible, nameless). It still scrolls to the control that has focus.
            obj.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        elif (
            event.type() == QEvent.Type.Polish
            and isinstance(obj, QToolButton)
            and _on_a_page_toolbar(obj)
        ):
            # Qt leaves toolbar buttons out of the Tab order; the circuit toolbar's eleven
            # (Open, Save, Copy, Zoom...) could not be reached without a mouse. A click still
            # does not focus them. The window's own toolbars stay out: they repeat menu
            # commands (Alt reaches them), and in the chain they came before a page's first
            # control.
            obj.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        if event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent):
            plain = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
            focus = QApplication.focusWidget()
            if (
                plain == Qt.KeyboardModifier.NoModifier
                and obj is focus
                and control_wants(focus, event.key(), event.text())
            ):
                event.accept()  # the key goes to the control, not to a shortcut
                return True
        return False


def _on_a_page_toolbar(button: QToolButton) -> bool:
    bar = button.parentWidget()
    return isinstance(bar, QToolBar) and not bar.property(WINDOW_TOOLBAR)


def install_focus_keys() -> None:
    """Once per application: keys a focused control uses reach it before any shortcut."""
    app = QApplication.instance()
    if app is not None and app.findChild(FocusedKeysFirst) is None:
        app.installEventFilter(FocusedKeysFirst(app))
