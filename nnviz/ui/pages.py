"""Pages: the window's tabs, known by stable ids rather than by the titles users read.

A page (the Training studio, the Perceptrons lab, the Circuits sandbox, Inside the network,
Compare runs) is a widget with

* ``page_id``: a stable id (``"training"``, ...) that sessions and decks store,
* ``view_tabs``: its sub-views (tab bars) as :class:`ViewTabs`, the main one first,
* ``state() -> dict`` and ``restore(dict)``: what a session or a deck step keeps of it,
  as plain JSON values (which sub-views are shown, the preset chosen, ...),
* ``set_presentation(scale, dark)`` and ``shutdown()``.

Titles can change with a translation or a better word; ids never do, so every file a user
saved keeps working. Files written before the ids stored titles: :data:`LEGACY_PAGE_TITLES`
and :data:`LEGACY_VIEW_TITLES` (in :mod:`nnviz.core.files.deck`) map them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol, runtime_checkable

from PySide6.QtWidgets import QTabWidget, QWidget


class ViewTabs:
    """A tab widget whose tabs are addressed by ids (``ids[i]`` names tab ``i``)."""

    def __init__(self, tabs: QTabWidget, ids: Sequence[str]) -> None:
        if len(ids) != tabs.count():
            raise ValueError(f"{len(ids)} ids for {tabs.count()} tabs")
        self.tabs = tabs
        self.ids = tuple(ids)

    def current(self) -> str:
        i = self.tabs.currentIndex()
        return self.ids[i] if 0 <= i < len(self.ids) else ""

    def show(self, view_id: str) -> bool:
        if view_id not in self.ids:
            return False
        self.tabs.setCurrentIndex(self.ids.index(view_id))
        return True

    def state(self) -> str:
        return self.current()


@runtime_checkable
class Page(Protocol):
    page_id: str
    view_tabs: list[ViewTabs]

    def state(self) -> dict[str, Any]: ...

    def restore(self, state: dict[str, Any]) -> None: ...

    def shutdown(self) -> None: ...


def view_ids(page: QWidget) -> list[str]:
    """Every sub-view id of ``page``, over all its tab bars."""
    return [i for bar in getattr(page, "view_tabs", []) for i in bar.ids]


def current_view(page: QWidget) -> str:
    """The id of the sub-view shown in ``page``'s main tab bar ("" without one)."""
    bars = getattr(page, "view_tabs", [])
    return bars[0].current() if bars else ""


def show_sub_view(page: QWidget, view_id: str) -> bool:
    """Show sub-view ``view_id`` of ``page`` in whichever of its tab bars holds it."""
    return any(bar.show(view_id) for bar in getattr(page, "view_tabs", []))


def tab_states(page: QWidget) -> dict[str, str]:
    """The shown sub-view of each of ``page``'s tab bars, keyed by the bar's first id."""
    return {bar.ids[0]: bar.current() for bar in getattr(page, "view_tabs", [])}


def restore_tabs(page: QWidget, tabs: object) -> None:
    """Undo :func:`tab_states` (unknown ids are skipped: a newer file still opens)."""
    if isinstance(tabs, dict):
        for view_id in tabs.values():
            if isinstance(view_id, str):
                show_sub_view(page, view_id)
