"""The main window's lasting state (its size and place, toolbars, splitter, page) kept in
the user's settings between starts, its first size, and the About boxes."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSize, Qt, QTimer
from PySide6.QtWidgets import QMessageBox

import nnviz
from nnviz.ui.settings import settings


def first_size() -> QSize:
    """1440x900, or the screen's free area if that is smaller (a 1280x720 projector)."""
    from PySide6.QtGui import QGuiApplication

    size = QSize(1440, 900)
    screen = QGuiApplication.primaryScreen()
    if screen is not None:
        size = size.boundedTo(screen.availableGeometry().size())
    return size


def fit_to_screen(w, tries: int = 3) -> None:
    """Shrink and move a shown window so its frame (the title bar too) lies within its
    screen's free area: a 1280x720 window on a 1280x720 projector put its status bar below
    the edge. Window managers place the frame in their own time, so this looks again a
    moment later while the frame still sticks out."""
    screen = w.screen()
    if screen is None or w.isFullScreen() or w.isMaximized() or not w.isVisible():
        return
    free = screen.availableGeometry()
    frame, inner = w.frameGeometry(), w.geometry()
    over_x = max(0, frame.right() - free.right()) + max(0, free.left() - frame.left())
    over_y = max(0, frame.bottom() - free.bottom()) + max(0, free.top() - frame.top())
    if not (over_x or over_y):
        return
    w.resize(inner.width() - over_x, inner.height() - over_y)
    w.move(
        max(free.left(), min(frame.x(), free.right() + 1 - frame.width() + over_x)),
        max(free.top(), min(frame.y(), free.bottom() + 1 - frame.height() + over_y)),
    )
    if tries > 1:
        QTimer.singleShot(200, w, lambda: fit_to_screen(w, tries - 1))


def restore_window(w) -> None:
    st = settings()
    geo = st.value("window/geometry")
    if isinstance(geo, QByteArray | bytes):
        w.restoreGeometry(geo)
    if w.windowState() & Qt.WindowState.WindowFullScreen:
        # Never start full screen: that is presenter mode's, and it starts off.
        w.setWindowState(w.windowState() & ~Qt.WindowState.WindowFullScreen)
    state = st.value("window/state")
    if isinstance(state, QByteArray | bytes):
        w.restoreState(state)
    split = st.value("studio/splitter")
    if isinstance(split, QByteArray | bytes):
        w.studio.splitter.restoreState(split)
    page = st.value("window/page")
    if not (isinstance(page, str) and w.show_page(page)):
        tab = st.value("window/tab")  # older versions kept the tab's index
        try:
            w.tabs.setCurrentIndex(int(tab))
        except (TypeError, ValueError):
            pass


def save_window(w) -> None:
    st = settings()
    if w.presenter or w.isFullScreen():
        # The window as it was before presenter mode, never the full-screen one.
        geo = getattr(w, "normal_geometry", None)
        if geo is not None:
            st.setValue("window/geometry", geo)
    else:
        st.setValue("window/geometry", w.saveGeometry())
    st.setValue("window/state", w.saveState())
    st.setValue("studio/splitter", w.studio.splitter.saveState())
    st.setValue("window/page", w.current_page_id())
    w.studio.remember_settings()
    st.sync()


def show_about(w) -> None:
    QMessageBox.about(
        w,
        "About nnviz",
        f"<b>nnviz {nnviz.__version__}</b><p>See and touch how neural networks learn: "
        "perceptrons, NAND-gate adders, and an MNIST network trained live by stochastic "
        "gradient descent.</p>",
    )


def show_about_book(w) -> None:
    QMessageBox.information(
        w,
        "The book",
        "nnviz follows chapter 1 and the start of chapter 2 of Michael Nielsen's "
        "\u201cNeural Networks and Deep Learning\u201d (neuralnetworksanddeeplearning.com).",
    )
