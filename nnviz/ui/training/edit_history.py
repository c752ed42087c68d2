"""Hand edits of the network's weights and biases as undoable commands.

An edit is sent to the training process, which applies it between mini-batches and reports
the test accuracy it leads to (an EDIT record, logged). Undo sends the old value back the same
way. Training moves every parameter, so the history ends when training continues: an old value
would no longer mean "as it was before the edit".
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence, QUndoCommand, QUndoStack
from PySide6.QtWidgets import QWidget

from nnviz.core.notation import symbol

# (layer, j, k or None, value, note) -> the edit is on its way to the training process
Send = Callable[[int, int, "int | None", float, str], None]


def parameter_name(layer: int, j: int, k: int | None) -> str:
    """The book's name of a parameter (input layer 1, neurons from 1): w³₄,₂₄ or b²₇."""
    if k is None:
        return f"bias {symbol('b', layer + 2, j + 1)}"
    return f"weight {symbol('w', layer + 2, j + 1, k + 1)}"


class ParameterEdit(QUndoCommand):
    def __init__(
        self, send: Send, layer: int, j: int, k: int | None, old: float, new: float
    ) -> None:
        super().__init__(f"set {parameter_name(layer, j, k)} to {new:g}")
        self.send, self.where = send, (layer, j, k)
        self.old, self.new = old, new
        self.done_once = False

    def redo(self) -> None:
        self.send(*self.where, self.new, "redo" if self.done_once else "")
        self.done_once = True

    def undo(self) -> None:
        self.send(*self.where, self.old, "undo")


class EditHistory(QObject):
    """The Training page's undo stack for hand edits, with Undo and Redo actions whose keys
    (Ctrl+Z; Ctrl+Shift+Z or Ctrl+Y) act only while focus is on ``page``."""

    def __init__(self, page: QWidget, send: Send) -> None:
        super().__init__(page)
        self.send = send
        self.stack = QUndoStack(self)
        self.undo_action: QAction = self.stack.createUndoAction(self, "&Undo Edit")
        self.redo_action: QAction = self.stack.createRedoAction(self, "Red&o Edit")
        self.undo_action.setShortcuts([QKeySequence(QKeySequence.StandardKey.Undo)])
        # The platform's Redo keys plus Ctrl+Shift+Z and Ctrl+Y, each once (a sequence bound
        # twice is refused by Qt as ambiguous).
        platform = [k.toString() for k in QKeySequence.keyBindings(QKeySequence.StandardKey.Redo)]
        redo_keys = list(dict.fromkeys([*platform, "Ctrl+Shift+Z", "Ctrl+Y"]))
        self.redo_action.setShortcuts([QKeySequence(k) for k in redo_keys])
        for action in (self.undo_action, self.redo_action):
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            page.addAction(action)
        self.undo_action.setStatusTip("Put back the weight or bias as it was before your edit")

    def edit(self, layer: int, j: int, k: int | None, old: float, new: float) -> None:
        """Set a parameter from ``old`` to ``new`` (one undo step)."""
        self.stack.push(ParameterEdit(self.send, layer, j, k, old, new))

    def clear(self) -> None:
        """Forget the history (training continued, or a new run began)."""
        self.stack.clear()
