"""Connecting a QAction to its slot the way the slot expects."""

from __future__ import annotations

import inspect
from collections.abc import Callable

from PySide6.QtGui import QAction


def _takes_an_argument(slot: Callable) -> bool:
    try:
        params = inspect.signature(slot).parameters.values()
    except (TypeError, ValueError):  # a builtin without a signature: give it none
        return False
    return any(
        p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD, p.VAR_POSITIONAL) for p in params
    )


def connect_triggered(action: QAction, slot: Callable) -> None:
    """Call ``slot`` when ``action`` is triggered: with the checked state for a checkable
    action whose slot takes an argument, else with none. (Connected directly, PySide hands
    ``triggered(bool)``'s ``checked`` to any slot that can take an argument, so a
    ``save_as(path=None)`` got ``False`` as its path.)"""
    wants_state = _takes_an_argument(slot)

    def on_triggered(checked: bool = False) -> None:
        if action.isCheckable() and wants_state:
            slot(checked)
        else:
            slot()

    action.triggered.connect(on_triggered)
