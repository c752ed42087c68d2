"""The main window: composition only. Each tab is a self-contained view; this file wires
menus, shortcuts, the status bar and settings to them."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, Qt, Slot
from PySide6.QtGui import QAction, QCloseEvent, QIcon, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QStyle,
    QTabWidget,
    QToolBar,
)

from nnviz import __version__
from nnviz.core.network_io import NetworkFileError
from nnviz.paths import RESOURCES
from nnviz.ui.app import settings
from nnviz.ui.circuit.sandbox import CircuitSandbox
from nnviz.ui.download_dialog import DownloadDialog
from nnviz.ui.explore_tab import ExploreTab
from nnviz.ui.perceptron_lab import PerceptronLab
from nnviz.ui.theme import THEME_TITLES, THEMES, Presentation
from nnviz.ui.training_studio import TrainingStudio

PRESENTER_SCALES = (1.0, 1.5, 2.0, 2.5, 3.0)


class MainWindow(QMainWindow):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle("nnviz \u2014 how neural networks learn")
        self.setWindowIcon(QIcon(str(RESOURCES / "icons" / "nnviz.svg")))
        self.resize(1440, 900)
        self.studio = TrainingStudio()
        self.perceptron_lab = PerceptronLab()
        self.circuit_sandbox = CircuitSandbox()
        self.explore = ExploreTab()
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.studio, "Training")
        self.tabs.addTab(self.perceptron_lab, "Perceptrons")
        self.tabs.addTab(self.circuit_sandbox, "Circuits")
        self.tabs.addTab(self.explore, "Inside the network")
        self.setCentralWidget(self.tabs)
        self.status_label = QLabel()
        self.statusBar().addWidget(self.status_label, 1)
        self.presentation = Presentation()
        self.presenter = False
        self.presenter_scale = 1.75
        self.presenter_theme = "contrast"
        self._build_actions()
        self._build_menus()
        self._build_toolbar()
        self.studio.status_changed.connect(self.status_label.setText)
        self.studio.run_state_changed.connect(self._on_run_state)
        self.studio.snapshot_shown.connect(self.explore.on_snapshot)
        self.studio.dataset_changed.connect(self.explore.on_dataset)
        self.explore.baseline_computed.connect(self.studio.set_baseline)
        self.explore.weight_hovered.connect(self._on_weight_hovered)
        self.tabs.currentChanged.connect(self._on_tab_changed)
        self._restore_settings()

    # -- actions -----------------------------------------------------------------------------
    def _action(self, text, slot, shortcut=None, icon=None, tip=None) -> QAction:
        act = QAction(text, self)
        if shortcut:
            act.setShortcut(QKeySequence(shortcut))
            act.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        if icon is not None:
            act.setIcon(self.style().standardIcon(icon))
        if tip:
            act.setStatusTip(tip)
            act.setToolTip(f"{tip} ({act.shortcut().toString()})" if shortcut else tip)
        act.triggered.connect(slot)
        return act

    def _build_actions(self) -> None:
        SP = QStyle.StandardPixmap
        s = self.studio
        self.act_play = self._action("&Play / Pause", self._play_pause, "Space", SP.SP_MediaPlay,
                                     "Start or pause training")
        self.act_step = self._action("&Step one mini-batch", s.step, "Right",
                                     SP.SP_MediaSeekForward, "Train one mini-batch")
        self.act_epoch = self._action("Step one &epoch", s.step_epoch, "Shift+Right",
                                      SP.SP_MediaSkipForward, "Train to the end of the epoch")
        self.act_reset = self._action("&Reset", s.reset, "R", SP.SP_BrowserReload,
                                      "New weights from the seed")
        self.act_open = self._action("&Open Network\u2026", self.open_network_dialog, "Ctrl+O",
                                     SP.SP_DialogOpenButton, "Open a saved network (.npz)")
        self.act_save = self._action("&Save Network\u2026", self.save_network_dialog, "Ctrl+S",
                                     SP.SP_DialogSaveButton, "Save the trained network (.npz)")
        self.act_download = self._action("&Download MNIST\u2026", self.download_mnist, None,
                                         SP.SP_ArrowDown, "Fetch the MNIST data set (11 MB)")
        self.act_export_png = self._action("Export Network Drawing as &PNG\u2026",
                                           lambda: self._export_canvas("png"))
        self.act_export_svg = self._action("Export Network Drawing as S&VG\u2026",
                                           lambda: self._export_canvas("svg"))
        self.act_export_csv = self._action("Export Plot Data as &CSV\u2026", self._export_csv)
        self.act_quit = self._action("&Quit", self.close, "Ctrl+Q")
        self.act_fit = self._action("&Fit Network to Window", self.studio.canvas.fit, "F",
                                    tip="Zoom the network drawing to fit")
        self.act_presenter = self._action("&Presenter Mode", self.toggle_presenter, "F5",
                                          tip="Full screen, large type, projector colours")
        self.act_presenter.setCheckable(True)
        self.act_about = self._action("&About nnviz", self._about)
        self.act_book = self._action("About the &Book", self._about_book)
        # Shortcuts that move between examples, on the Training tab only.
        self.act_prev = self._action("Previous Example", lambda: s.show_example(
            s._example_index - 1), "Up")
        self.act_next = self._action("Next Example", lambda: s.show_example(
            s._example_index + 1), "Down")

    def _build_menus(self) -> None:
        mb = self.menuBar()
        m = mb.addMenu("&File")
        for a in (self.act_open, self.act_save):
            m.addAction(a)
        m.addSeparator()
        m.addAction(self.act_download)
        m.addSeparator()
        for a in (self.act_export_png, self.act_export_svg, self.act_export_csv):
            m.addAction(a)
        m.addSeparator()
        m.addAction(self.act_quit)
        m = mb.addMenu("&Training")
        for a in (self.act_play, self.act_step, self.act_epoch, self.act_reset):
            m.addAction(a)
        m.addSeparator()
        presets = m.addMenu("Presets")
        for p in self.studio.presets:
            act = QAction(p.title, self)
            act.setStatusTip(p.lesson)
            act.triggered.connect(lambda _c=False, key=p.key: self._choose_preset(key))
            presets.addAction(act)
        m.addSeparator()
        m.addAction(self.act_prev)
        m.addAction(self.act_next)
        self.view_menu = mb.addMenu("&View")
        self.view_menu.addAction(self.act_fit)
        self.view_menu.addSeparator()
        self.view_menu.addAction(self.act_presenter)
        scale_menu = self.view_menu.addMenu("Presenter &Scale")
        for value in PRESENTER_SCALES:
            act = QAction(f"{value:g}\u00d7", self)
            act.setCheckable(True)
            act.setChecked(value == self.presenter_scale)
            act.triggered.connect(lambda _c=False, v=value: self.set_presenter_scale(v))
            scale_menu.addAction(act)
        self.scale_menu = scale_menu
        theme_menu = self.view_menu.addMenu("&Theme")
        for name in THEMES:
            act = QAction(THEME_TITLES[name], self)
            act.triggered.connect(lambda _c=False, n=name: self.set_theme(n))
            theme_menu.addAction(act)
        self.view_menu.addSeparator()
        for i in range(self.tabs.count()):
            act = QAction(f"Go to {self.tabs.tabText(i)}", self)
            act.setShortcut(QKeySequence(f"Ctrl+{i + 1}"))
            act.triggered.connect(lambda _c=False, i=i: self.tabs.setCurrentIndex(i))
            self.view_menu.addAction(act)
        m = mb.addMenu("&Help")
        m.addAction(self.act_book)
        m.addAction(self.act_about)

    def _build_toolbar(self) -> None:
        tb = QToolBar("Training")
        tb.setObjectName("training-toolbar")
        tb.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        for a in (self.act_play, self.act_step, self.act_epoch, self.act_reset):
            tb.addAction(a)
        tb.addSeparator()
        for a in (self.act_open, self.act_save, self.act_download):
            tb.addAction(a)
        self.addToolBar(tb)
        self.toolbar = tb

    def _choose_preset(self, key: str) -> None:
        self.tabs.setCurrentWidget(self.studio)
        self.studio.controls.choose_preset(key)

    # -- presenting ----------------------------------------------------------------------------
    def _views(self) -> list:
        s = self.studio
        return [s.canvas, s.plots, s.example, s.heatmap, self.perceptron_lab,
                self.circuit_sandbox, self.explore]

    def toggle_presenter(self) -> None:
        self.set_presenter(not self.presenter)

    def set_presenter(self, on: bool) -> None:
        """Presenter mode: full screen, large type and lines, projector colours, and only the
        controls a lecturer needs (secondary panels hidden)."""
        self.presenter = bool(on)
        self.act_presenter.setChecked(self.presenter)
        if self.presenter:
            self.presentation.apply(self.presenter_theme, self.presenter_scale, self._views())
            self.showFullScreen()
        else:
            self.presentation.apply("light", 1.0, self._views())
            self.showNormal()
        self.studio.set_secondary_visible(not self.presenter)

    def set_presenter_scale(self, scale: float) -> None:
        self.presenter_scale = scale
        for act in self.scale_menu.actions():
            act.setChecked(act.text() == f"{scale:g}\u00d7")
        if self.presenter:
            self.presentation.apply(self.presenter_theme, scale, self._views())

    def set_theme(self, theme: str) -> None:
        """Use ``theme`` now, and in presenter mode from then on."""
        self.presenter_theme = theme
        scale = self.presenter_scale if self.presenter else 1.0
        self.presentation.apply(theme, scale, self._views())

    # -- slots ---------------------------------------------------------------------------------
    def _play_pause(self) -> None:
        if self.tabs.currentWidget() is self.studio:
            self.studio.toggle_play()

    @Slot(bool)
    def _on_run_state(self, playing: bool) -> None:
        sp = QStyle.StandardPixmap
        icon = sp.SP_MediaPause if playing else sp.SP_MediaPlay
        self.act_play.setIcon(self.style().standardIcon(icon))
        self.act_play.setText("&Pause" if playing else "&Play")
        self.act_step.setEnabled(not playing)
        self.act_epoch.setEnabled(not playing)

    @Slot(int)
    def _on_tab_changed(self, index: int) -> None:
        on_training = self.tabs.widget(index) is self.studio
        # Other tabs own these keys (the circuit sandbox has its own Open/Save and undo).
        for a in (self.act_play, self.act_step, self.act_epoch, self.act_reset, self.act_prev,
                  self.act_next, self.act_fit, self.act_open, self.act_save):
            a.setEnabled(on_training and (a not in (self.act_step, self.act_epoch)
                                          or not self.studio.playing))
        if self.tabs.widget(index) is self.explore:
            self.explore.refresh()

    @Slot(int, int, int)
    def _on_weight_hovered(self, layer: int, j: int, k: int) -> None:
        if hasattr(self.studio.canvas, "highlight_edge"):
            self.studio.canvas.highlight_edge(layer, j, k)

    def open_network_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open network", self._last_dir(),
                                              "nnviz networks (*.npz)")
        if path:
            self.open_path(path)

    def open_path(self, path: str) -> bool:
        try:
            self.studio.open_network(path)
        except (NetworkFileError, ValueError) as exc:
            QMessageBox.warning(self, "Could not open the network",
                                f"{exc}\n\nThe current network is unchanged.")
            return False
        settings().setValue("last_dir", str(path).rsplit("/", 1)[0])
        self.tabs.setCurrentWidget(self.studio)
        return True

    def save_network_dialog(self) -> None:
        if self.studio.snapshot is None:
            QMessageBox.information(self, "Nothing to save", "There is no network yet.")
            return
        self.studio.pause()
        path, _ = QFileDialog.getSaveFileName(self, "Save network", self._last_dir(),
                                              "nnviz networks (*.npz)")
        if not path:
            return
        try:
            saved = self.studio.save_network(path)
        except (OSError, ValueError) as exc:
            QMessageBox.warning(self, "Could not save", f"{exc}\n\nChoose another folder.")
            return
        settings().setValue("last_dir", str(saved.parent))
        self.status_label.setText(f"Saved {saved}")

    def download_mnist(self) -> None:
        dlg = DownloadDialog(self)
        if dlg.run() and dlg.folder is not None:
            self.studio.show_banner(f"MNIST is ready in {dlg.folder}. Pick an MNIST preset "
                                    "to train on it.", "info")

    def _export_canvas(self, kind: str) -> None:
        path, _ = QFileDialog.getSaveFileName(self, f"Export network as {kind.upper()}",
                                              self._last_dir(), f"{kind.upper()} (*.{kind})")
        if not path:
            return
        if not path.lower().endswith(f".{kind}"):
            path += f".{kind}"
        ok = (self.studio.canvas.export_png(path) if kind == "png"
              else self.studio.canvas.export_svg(path))
        if not ok:
            QMessageBox.warning(self, "Export failed", f"Could not write {path}.")

    def _export_csv(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export plot data", self._last_dir(),
                                              "CSV (*.csv)")
        if path:
            try:
                self.studio.plots.export_csv(path)
            except OSError as exc:
                QMessageBox.warning(self, "Export failed", str(exc))

    def _last_dir(self) -> str:
        return str(settings().value("last_dir", ""))

    def _about(self) -> None:
        QMessageBox.about(
            self, "About nnviz",
            f"<b>nnviz {__version__}</b><p>See and touch how neural networks learn: "
            "perceptrons, NAND-gate adders, and an MNIST network trained live by stochastic "
            "gradient descent.</p>")

    def _about_book(self) -> None:
        QMessageBox.information(
            self, "The book",
            "nnviz follows chapter 1 and the start of chapter 2 of Michael Nielsen's "
            "\u201cNeural Networks and Deep Learning\u201d (neuralnetworksanddeeplearning.com).")

    # -- settings and closing ------------------------------------------------------------------
    def _restore_settings(self) -> None:
        st = settings()
        geo = st.value("window/geometry")
        if isinstance(geo, QByteArray | bytes):
            self.restoreGeometry(geo)
        state = st.value("window/state")
        if isinstance(state, QByteArray | bytes):
            self.restoreState(state)
        split = st.value("studio/splitter")
        if isinstance(split, QByteArray | bytes):
            self.studio.splitter.restoreState(split)
        tab = st.value("window/tab")
        if tab is not None:
            try:
                self.tabs.setCurrentIndex(int(tab))
            except (TypeError, ValueError):
                pass

    def _save_settings(self) -> None:
        st = settings()
        st.setValue("window/geometry", self.saveGeometry())
        st.setValue("window/state", self.saveState())
        st.setValue("studio/splitter", self.studio.splitter.saveState())
        st.setValue("window/tab", self.tabs.currentIndex())
        st.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        maybe_save = getattr(self.circuit_sandbox, "maybe_save", None)
        if maybe_save is not None and not maybe_save():
            event.ignore()
            return
        self._save_settings()
        self.studio.shutdown()
        for view in (self.explore, self.circuit_sandbox, self.perceptron_lab):
            shutdown = getattr(view, "shutdown", None)
            if shutdown is not None:
                shutdown()
        event.accept()
