"""The main window: composition only. Each tab is a self-contained view; this file wires
menus, shortcuts, the status bar and settings to them."""

from __future__ import annotations

# File formats, SVG and the download dialog are imported where they are used: the window
# shows sooner without them.
from pathlib import Path

from PySide6.QtCore import QSize, Qt, QTimer, Slot
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QIcon,
    QKeySequence,
)
from PySide6.QtWidgets import (
    QLabel,
    QMainWindow,
    QMessageBox,
    QSizePolicy,
    QStyle,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from nnviz.paths import RESOURCES
from nnviz.ui.actions import connect_triggered
from nnviz.ui.explore.tab import ExploreTab
from nnviz.ui.file_dialogs import open_file, remember
from nnviz.ui.fit_scroll import FitScrollArea, size_to_current_tab
from nnviz.ui.focus_keys import install_focus_keys
from nnviz.ui.focus_ring import install_focus_ring
from nnviz.ui.shell.deck_menu import DeckMenu
from nnviz.ui.shell.exports import Exporter
from nnviz.ui.shell.menus import build_actions, build_menus, build_toolbar
from nnviz.ui.shell.mnist_offer import MnistOffer, use_remembered_mnist_dir
from nnviz.ui.shell.sessions import SessionController
from nnviz.ui.shell.title import TITLE
from nnviz.ui.shell.window_state import (
    first_size,
    fit_to_screen,
    restore_window,
    save_window,
)
from nnviz.ui.style import Look, app_theme, theme_plots
from nnviz.ui.training.studio import TrainingStudio


class MainWindow(QMainWindow):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        # First, so every page's widgets are polished with it: a focused control's own keys
        # win over single-key shortcuts, Tab leaves tables, scroll areas are not Tab stops.
        install_focus_keys()
        # A ring around whatever Tab moved to, in the colour of the theme in use
        install_focus_ring(lambda: app_theme().look.theme)
        # Qt appends the application display name: "How neural networks learn — nnviz".
        self.setWindowTitle(TITLE)
        self.setWindowIcon(QIcon(str(RESOURCES / "icons" / "nnviz.svg")))
        self.resize(first_size())
        use_remembered_mnist_dir()  # a folder chosen with "Choose MNIST Folder…"
        self.studio = TrainingStudio()
        self.explore = ExploreTab()
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self._pages: list[tuple[QWidget, QWidget | None]] = []  # (page, view or None yet)
        self._lazy: dict[str, tuple[QWidget, bool]] = {}  # attribute -> (page, scrolls)
        self._built: dict[str, QWidget] = {}  # attribute -> its view, once built
        # Pages by stable id (nnviz.ui.pages): files store the ids, never the titles.
        self._page_ids: list[str] = []
        for page_id, view, title, scroll in (
            ("training", self.studio, "Training", False),
            ("perceptrons", "perceptron_lab", "Perceptrons", True),
            ("circuits", "circuit_sandbox", "Circuits", True),
            ("inside", self.explore, "Inside the network", False),  # its pages scroll
            ("compare", "compare", "Compare runs", False),
        ):
            self._page_ids.append(page_id)
            if isinstance(view, str):
                # Built when first shown or asked for: the window starts without them.
                page = QWidget()
                QVBoxLayout(page).setContentsMargins(0, 0, 0, 0)
                self._lazy[view] = (page, scroll)
                self._pages.append((page, None))
            else:
                page = view
                self._pages.append((page, view))
            self.tabs.addTab(page, title)
        size_to_current_tab(self.tabs)
        # Under the tabs: a lecture deck's caption bar (hidden unless a deck is open).
        from nnviz.ui.shell.deck_player import CaptionBar, DeckPlayer

        central = QWidget()
        cl = QVBoxLayout(central)
        cl.setContentsMargins(0, 0, 0, 0)
        cl.setSpacing(0)
        cl.addWidget(self.tabs, 1)
        self.caption_bar = CaptionBar()
        cl.addWidget(self.caption_bar)
        self.deck = DeckPlayer(self, self.caption_bar)
        self.setCentralWidget(central)
        self.status_label = QLabel()
        # A long status line must never set the window's minimum width (projectors are narrow).
        self.status_label.setMinimumWidth(1)
        self.status_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.status_label.setProperty("elide_ok", True)  # its tail may be cut, never the window
        self.statusBar().addWidget(self.status_label, 1)
        # While recording: a red REC with the file's name, here and in the window title.
        self.rec_label = QLabel()
        self.rec_label.setStyleSheet("color: #c62828; font-weight: bold; padding: 0 6px;")
        self.rec_label.hide()
        self.statusBar().addPermanentWidget(self.rec_label)
        self.theme = app_theme()  # the one look; F5 changes its scale, never its colours
        self.theme.changed.connect(self._on_look_changed)
        for view in (self.studio, self.explore):  # built now; the others get it when built
            theme_plots(view, force=True)
        self.presenter = False
        self.presenter_scale = 1.5
        self._toolbar_shown = True  # the toolbar's own visibility, kept over presenter mode
        self.sessions = SessionController(self)
        self.exports = Exporter(self)
        self.deck_menu = DeckMenu(self)
        build_actions(self)
        build_menus(self)
        build_toolbar(self)
        self._studio_status = ""  # the Training page's last status, shown on that page only
        self.studio.status_changed.connect(self._on_studio_status)
        self.studio.run_state_changed.connect(self._on_run_state)
        self.mnist = MnistOffer(self)
        self.mnist.ready.connect(self._on_mnist_ready)
        self.studio.banner_action.connect(self._on_banner_action)
        self.studio.snapshot_shown.connect(self.explore.on_snapshot)
        self.studio.dataset_changed.connect(self.explore.on_dataset)
        self.studio.run_settings_changed.connect(self.explore.on_run_settings)
        self.studio.example_changed.connect(self.explore.set_example)
        self.explore.baseline_computed.connect(self.studio.set_baseline)
        self.tabs.currentChanged.connect(self._on_tab_changed)
        self._show_download_if_needed()
        from nnviz.ui.shell.guide import TabGuides

        self.guides = TabGuides(self.tabs, self._page_ids)
        self._guides_started = False
        self._fitted = False  # the framed window was put within the screen (see moveEvent)
        restore_window(self)

    # -- pages -------------------------------------------------------------------------------
    @property
    def perceptron_lab(self):
        return self._view("perceptron_lab")

    @property
    def circuit_sandbox(self):
        return self._view("circuit_sandbox")

    @property
    def compare(self):
        return self._view("compare")

    def _view(self, name: str) -> QWidget:
        """The view of a page built on first use (imported then, too)."""
        built = self._built.get(name)
        if built is not None:
            return built
        if name == "perceptron_lab":
            from nnviz.ui.perceptron.lab import PerceptronLab as cls
        elif name == "circuit_sandbox":
            from nnviz.ui.circuit.sandbox import CircuitSandbox as cls
        else:
            from nnviz.ui.training.compare import CompareView as cls
        view = cls()
        self._built[name] = view
        page, scroll = self._lazy[name]
        content = view
        if scroll:
            # Dense views scroll instead of forcing a window larger than a 1280x720
            # projector when presenter mode enlarges the type.
            content = FitScrollArea(view)  # scrolls only below the page's least size
        page.layout().addWidget(content)
        self._pages = [(p, view if p is page else v) for p, v in self._pages]
        look = self.theme.look
        hook = getattr(view, "set_presentation", None)
        if hook is not None and look != Look():
            hook(look.scale, look.dark)
        theme_plots(view, look.theme, look.scale, force=True)
        compact = getattr(view, "set_compact", None)
        if compact is not None and self.presenter:
            compact(True)
        return view

    _PAGE_ATTRS = {
        "training": "studio",
        "perceptrons": "perceptron_lab",
        "circuits": "circuit_sandbox",
        "inside": "explore",
        "compare": "compare",
    }

    @property
    def page_ids(self) -> list[str]:
        return list(self._page_ids)

    def page(self, page_id: str) -> QWidget | None:
        """The page with id ``page_id`` (built now if it was not yet), or None."""
        attr = self._PAGE_ATTRS.get(page_id)
        return None if attr is None else getattr(self, attr)

    def current_page_id(self) -> str:
        i = self.tabs.currentIndex()
        return self._page_ids[i] if 0 <= i < len(self._page_ids) else ""

    def show_page(self, page_id: str) -> bool:
        if page_id not in self._page_ids:
            return False
        self.tabs.setCurrentIndex(self._page_ids.index(page_id))
        return True

    def build_all_pages(self) -> None:
        """Build every page now (e.g. to list the actions they bring)."""
        for name in self._lazy:
            self._view(name)
        self.explore.build_all_views()

    def show_shortcuts(self) -> None:
        from nnviz.ui.shell.shortcuts_dialog import ShortcutsDialog

        dlg = ShortcutsDialog(self)
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dlg.show()
        self.shortcuts_dialog = dlg

    def built_views(self) -> list[QWidget]:
        return [v for _p, v in self._pages if v is not None]

    def show_view(self, view: QWidget) -> None:
        """Bring the tab holding ``view`` to the front."""
        for page, v in self._pages:
            if v is view:
                self.tabs.setCurrentWidget(page)
                return

    def current_view(self) -> QWidget | None:
        return self.view_at(self.tabs.currentIndex())

    def view_at(self, index: int) -> QWidget | None:
        """The view on tab ``index`` (built now if it was not yet)."""
        page = self.tabs.widget(index)
        for name, (lazy_page, _scroll) in self._lazy.items():
            if lazy_page is page:
                return self._view(name)
        return next((v for p, v in self._pages if p is page), None)

    # -- actions -----------------------------------------------------------------------------
    def action(self, text, slot, shortcut=None, icon=None, tip=None) -> QAction:
        act = QAction(text, self)
        if shortcut:
            act.setShortcut(QKeySequence(shortcut))
            act.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        if icon is not None:
            act.setIcon(self.style().standardIcon(icon))
        if tip:
            act.setStatusTip(tip)
            act.setToolTip(f"{tip} ({act.shortcut().toString()})" if shortcut else tip)
        connect_triggered(act, slot)
        return act

    def choose_preset(self, key: str) -> None:
        self.show_view(self.studio)
        self.studio.controls.choose_preset(key)

    # -- presenting ----------------------------------------------------------------------------
    def _views(self) -> list:
        """The views that follow the theme and scale (pages built later get them then)."""
        s = self.studio
        later = [v for v in self.built_views() if v not in (s, self.explore)]
        return [s.canvas, s.plots, s.example, s.heatmap, self.explore, *later]

    def toggle_presenter(self) -> None:
        self.set_presenter(not self.presenter)

    def set_presenter(self, on: bool) -> None:
        """Presenter mode: full screen, large type and lines, projector colours, and only the
        controls a lecturer needs (secondary panels hidden)."""
        self.presenter = bool(on)
        self.act_presenter.setChecked(self.presenter)
        if self.presenter:
            if not self.isFullScreen():
                self.normal_geometry = self.saveGeometry()  # what the next start restores
            self.theme.set(scale=self.presenter_scale)
            self.showFullScreen()
            self.setGeometry(self.screen().geometry())  # also without a window manager
        else:
            self.theme.set(scale=1.0)
            self.showNormal()
        for view in self.built_views():  # the studio among them
            hook = getattr(view, "set_compact", None)
            if hook is not None:
                hook(self.presenter)
        self.caption_bar.set_scale(self.presenter_scale if self.presenter else 1.0)
        # The toolbar moves into the tab bar's row, as icons (tooltips still name them) that
        # grow with the type: a row of its own would take a slide's lines on a 1280x720
        # projector, and labelled buttons would make the window wider than it.
        side = int(24 * (self.presenter_scale if self.presenter else 1.0))
        self.corner_toolbar.setIconSize(QSize(side, side))
        if self.presenter and self.corner_toolbar.isHidden():
            self._toolbar_shown = self.toolbar.isVisibleTo(self)
        self.corner_toolbar.setVisible(self.presenter)
        self.toolbar.setVisible(not self.presenter and self._toolbar_shown)

    def set_readout_visible(self, visible: bool) -> None:
        """Show or hide the Training page's big readout (View > Big Readout)."""
        self.act_readout.setChecked(visible)
        readout = self.studio.plots.readout
        if readout is not None:
            readout.setVisible(visible)

    def set_presenter_scale(self, scale: float) -> None:
        self.presenter_scale = scale
        for act in self.scale_menu.actions():
            act.setChecked(act.text() == f"{scale:g}\u00d7")
        if self.presenter:
            self.theme.set(scale=scale)
            self.caption_bar.set_scale(scale)

    def set_theme(self, theme: str) -> None:
        """Use ``theme`` (in presenter mode and out of it, until another is chosen)."""
        self.theme.set(theme=theme)

    def set_sign_dashes(self, on: bool) -> None:
        """Dash negative weights on every network drawing (kept as the user's choice)."""
        from nnviz.ui.canvas.drawing import SIGN_DASHES_KEY, NetworkDrawing
        from nnviz.ui.settings import settings

        settings().setValue(SIGN_DASHES_KEY, "on" if on else "off")
        for drawing in self.findChildren(NetworkDrawing):
            drawing.set_sign_dashes(on)
        self.act_sign_dashes.setChecked(on)

    def _on_look_changed(self, look: Look) -> None:
        """Every page built so far follows the theme and scale (pages built later get them
        as they are built)."""
        from nnviz.ui.canvas.drawing import sign_dashes_wanted

        for act in self.theme_actions.actions():
            act.setChecked(act.data() == look.theme)
        self.act_sign_dashes.setChecked(sign_dashes_wanted(look.theme))
        for view in self._views():
            hook = getattr(view, "set_presentation", None)
            if hook is not None:
                hook(look.scale, look.dark)
            theme_plots(view, look.theme, look.scale, force=True)  # after: contrast's axes win

    # -- slots ---------------------------------------------------------------------------------
    def play_pause(self) -> None:
        if self.current_view() is self.studio:
            self.studio.toggle_play()

    @Slot(bool)
    def _on_run_state(self, playing: bool) -> None:
        sp = QStyle.StandardPixmap
        icon = sp.SP_MediaPause if playing else sp.SP_MediaPlay
        self.act_play.setIcon(self.style().standardIcon(icon))
        self.act_play.setText("&Pause" if playing else "&Play")
        self._on_tab_changed(self.tabs.currentIndex())  # enables what fits tab and state

    @Slot(str)
    def _on_studio_status(self, text: str) -> None:
        self._studio_status = text
        if self.current_view() is self.studio:
            self.status_label.setText(text)

    @Slot(int)
    def _on_tab_changed(self, index: int) -> None:
        on_training = self.view_at(index) is self.studio
        # The Training page's status ("Epoch 3 ... paused", "press Reset") is about that
        # page: other pages do not show it.
        if on_training:
            self.status_label.setText(self._studio_status)
        elif self.status_label.text() == self._studio_status:
            self.status_label.clear()
        # Other tabs own these keys (the circuit sandbox has its own Open/Save and undo).
        for a in (
            self.act_play,
            self.act_step,
            self.act_epoch,
            self.act_reset,
            self.act_prev,
            self.act_next,
            self.act_fit,
            self.act_open,
            self.act_save,
        ):
            a.setEnabled(
                on_training
                and (a not in (self.act_step, self.act_epoch) or not self.studio.playing)
            )
        if self.view_at(index) is self.explore and self.explore.isVisible():
            self.explore.refresh()

    def open_network_dialog(self) -> None:
        path = open_file(self, "network", "Open network", "nnviz networks (*.npz)")
        if path:
            self.open_path(path)

    def open_path(self, path: str) -> bool:
        """Open any nnviz file: a network (.npz), a recording (.nnrec), a session (.nnviz)
        or a circuit (.json, Digital's .dig or logisim-evolution's .circ)."""
        from nnviz.core.files.kinds import file_kind
        from nnviz.core.files.network import NetworkFileError

        kind = file_kind(path)  # as nnviz open --check decides it
        if kind == "recording":
            return self.sessions.open_recording(path)
        if kind == "deck":
            return self.deck_menu.open_deck(path, present=True)  # a deck is for presenting
        if kind == "session":
            return self.sessions.open_session(path)
        if kind == "circuit":
            self.show_view(self.circuit_sandbox)
            return self.circuit_sandbox.files.load_file(path)
        try:
            self.studio.open_network(path)
        except (NetworkFileError, ValueError) as exc:
            QMessageBox.warning(
                self, "Could not open the network", f"{exc}\n\nThe current network is unchanged."
            )
            return False
        remember("network", path)  # also when opened from the command line or a drop
        self.show_view(self.studio)
        return True

    def download_mnist(self) -> None:
        self.mnist.download()

    def choose_mnist_folder(self) -> None:
        self.mnist.choose_folder()

    @Slot(Path)
    def _on_mnist_ready(self, folder: Path) -> None:
        self.studio.hide_banner("mnist")
        self.studio.show_banner(
            f"MNIST is ready in {folder}. Pick an MNIST preset to train on it.", "info"
        )
        self._show_download_if_needed()

    def _show_download_if_needed(self) -> None:
        """Download MNIST is offered only while MNIST is missing."""
        from nnviz.core.datasets.mnist import find_mnist

        self.act_download.setVisible(find_mnist() is None)

    @Slot(str)
    def _on_banner_action(self, key: str) -> None:
        if key == "download":
            self.download_mnist()
        elif key == "choose_mnist":
            self.choose_mnist_folder()

    # -- settings and closing ------------------------------------------------------------------

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if not self._guides_started:
            # The first tab's guide, once the window is on screen (and sized).
            self._guides_started = True
            QTimer.singleShot(0, self.guides, self.guides.start)

    def moveEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().moveEvent(event)
        # The window manager frames the window a moment after it is shown (the window moves
        # under its title bar): then the frame too is put within the screen, once.
        if not self._fitted and self.frameGeometry() != self.geometry():
            self._fitted = True
            fit_to_screen(self)

    def close_unasked(self) -> None:
        """Close without questions (Ctrl-C in the terminal, SIGTERM at log-out): an unsaved
        circuit goes to the autosave, offered back at the next start, as after a crash."""
        self._unasked = True
        self.close()

    def closeEvent(self, event: QCloseEvent) -> None:
        sandbox = self._built.get("circuit_sandbox")  # never built: nothing to save
        if getattr(self, "_unasked", False):
            if sandbox is not None:
                sandbox.autosave.save_now()
        elif not self.deck_menu.deck_saved_or_discarded():
            event.ignore()
            return
        elif sandbox is not None and not sandbox.files.maybe_save():
            event.ignore()
            return
        save_window(self)
        self.studio.shutdown()
        for view in self.built_views():
            if view is self.studio:
                continue
            shutdown = getattr(view, "shutdown", None)
            if shutdown is not None:
                shutdown()
        if self.theme.look != Look():
            # Presenter type and colours are the application's: give them back, so a window
            # opened after this one (or a dialog still up) starts plain.
            try:
                self.theme.changed.disconnect(self._on_look_changed)
            except (RuntimeError, TypeError):  # closed before
                pass
            self.theme.set("light", 1.0)
        event.accept()
