"""The main window's actions, menus and toolbar, built once for a window ``w``.

Each action calls a public method of the window or of one of its parts (pages, the session
controller, the exporter, the deck menu); where a page has its own key for a command, the
window's action is disabled on that page (``MainWindow._on_tab_changed``).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QStyle, QToolBar

from nnviz.ui.canvas.drawing import sign_dashes_wanted
from nnviz.ui.focus_keys import WINDOW_TOOLBAR
from nnviz.ui.shell.window_state import show_about, show_about_book
from nnviz.ui.style import PRESENTER_SCALES, THEME_TITLES, THEMES


def build_actions(w) -> None:
    SP = QStyle.StandardPixmap
    s = w.studio
    w.act_play = w.action(
        "&Play / Pause", w.play_pause, "Space", SP.SP_MediaPlay, "Start or pause training"
    )
    w.act_step = w.action(
        "&Step one mini-batch", s.step, "Right", SP.SP_MediaSeekForward, "Train one mini-batch"
    )
    w.act_epoch = w.action(
        "Step one &epoch",
        s.step_epoch,
        "Shift+Right",
        SP.SP_MediaSkipForward,
        "Train to the end of the epoch",
    )
    w.act_reset = w.action("&Reset", s.reset, "R", SP.SP_BrowserReload, "New weights from the seed")
    w.act_open = w.action(
        "&Open Network\u2026",
        w.open_network_dialog,
        "Ctrl+O",
        SP.SP_DialogOpenButton,
        "Open a saved network (.npz)",
    )
    w.act_save = w.action(
        "&Save Network\u2026",
        w.exports.save_network_dialog,
        "Ctrl+S",
        SP.SP_DialogSaveButton,
        "Save the trained network (.npz)",
    )
    w.act_download = w.action(
        "&Download MNIST\u2026",
        w.download_mnist,
        None,
        SP.SP_ArrowDown,
        "Fetch the MNIST data set (11 MB)",
    )
    w.act_choose_mnist = w.action(
        "Choose &MNIST Folder\u2026",
        w.choose_mnist_folder,
        None,
        SP.SP_DirOpenIcon,
        "Use MNIST files already on this computer (checked like nnviz data verify)",
    )
    w.act_export_png = w.action(
        "Export Network Drawing as &PNG\u2026", lambda: w.exports.export_canvas("png")
    )
    w.act_export_svg = w.action(
        "Export Network Drawing as SV&G\u2026", lambda: w.exports.export_canvas("svg")
    )
    w.act_export_csv = w.action("Export Plot Data as &CSV\u2026", w.exports.export_csv)
    w.act_record = w.action(
        "Recor&d Run\u2026",
        w.sessions.toggle_recording,
        "Ctrl+Shift+R",
        tip="Record this run's snapshots and metrics to a file",
    )
    w.act_record.setCheckable(True)
    w.act_open_recording = w.action(
        "Open &Recording\u2026",
        w.sessions.open_recording_dialog,
        tip="Replay a recorded run with a timeline",
    )
    w.act_export_video = w.action(
        "Export Replay as &Video\u2026",
        w.exports.export_video_dialog,
        tip="Render a recording's replay to an MP4 or GIF for slides",
    )
    w.act_save_session = w.action(
        "Save Sess&ion\u2026",
        w.sessions.save_session_dialog,
        "Ctrl+Alt+S",  # Ctrl+Shift+S is the circuit editor's Save As
        tip="Save the whole state to one file",
    )
    w.act_open_session = w.action(
        "Open S&ession\u2026",
        w.sessions.open_session_dialog,
        "Ctrl+Alt+O",
        tip="Open a saved session",
    )
    w.act_next_session = w.action(
        "&Next Session",
        lambda: w.sessions.step_session(1),
        "Ctrl+Alt+PgDown",  # Ctrl+PgDown switches tabs, as in every tabbed Qt application
        tip="Open the next session file in the same folder (a prepared lecture)",
    )
    w.act_prev_session = w.action(
        "Previo&us Session",
        lambda: w.sessions.step_session(-1),
        "Ctrl+Alt+PgUp",
        tip="Open the previous session file in the same folder",
    )
    # Ctrl+PgDown / Ctrl+PgUp step through the tabs wherever the focus is, as in every tabbed
    # Qt application (a focused spin box took them for its own steps).
    w.act_next_tab = w.action(
        "Next Tab",
        lambda: w.tabs.setCurrentIndex((w.tabs.currentIndex() + 1) % w.tabs.count()),
        "Ctrl+PgDown",
        tip="Show the next tab",
    )
    w.act_prev_tab = w.action(
        "Previous Tab",
        lambda: w.tabs.setCurrentIndex((w.tabs.currentIndex() - 1) % w.tabs.count()),
        "Ctrl+PgUp",
        tip="Show the previous tab",
    )
    w.act_export_view_png = w.action(
        "Export Current View as PNG\u2026", lambda: w.exports.export_view_dialog("png")
    )
    w.act_export_view_svg = w.action(
        "Export Current View as SVG\u2026", lambda: w.exports.export_view_dialog("svg")
    )
    w.act_quit = w.action("&Quit", w.close, "Ctrl+Q")
    w.act_fit = w.action(
        "&Fit Network to Window",
        w.studio.canvas.fit,
        "F",
        tip="Zoom the network drawing to fit",
    )
    w.act_presenter = w.action(
        "&Presenter Mode",
        w.toggle_presenter,
        "F5",
        tip="Full screen, large type, projector colours",
    )
    w.act_presenter.setCheckable(True)
    w.act_readout = w.action(
        "Big &Readout",
        w.set_readout_visible,
        tip="Epochs, test accuracy and cost in large type beside the training plots",
    )
    w.act_readout.setCheckable(True)
    w.act_readout.setChecked(True)
    w.act_about = w.action("&About nnviz", lambda: show_about(w))
    w.act_book = w.action("About the &Book", lambda: show_about_book(w))
    # Shortcuts that move between examples, on the Training tab only.
    w.act_prev = w.action("Previous Example", lambda: s.show_example(s.example_index - 1), "Up")
    w.act_next = w.action("Next Example", lambda: s.show_example(s.example_index + 1), "Down")


def build_menus(w) -> None:
    mb = w.menuBar()
    m = mb.addMenu("&File")
    for a in (w.act_open, w.act_save):
        m.addAction(a)
    m.addSeparator()
    for a in (
        w.act_open_session,
        w.act_save_session,
        w.act_next_session,
        w.act_prev_session,
        w.act_open_recording,
        w.act_export_video,
    ):
        m.addAction(a)
    m.addSeparator()
    m.addAction(w.act_download)
    m.addAction(w.act_choose_mnist)
    m.addSeparator()
    for a in (
        w.act_export_png,
        w.act_export_svg,
        w.act_export_csv,
        w.act_export_view_png,
        w.act_export_view_svg,
    ):
        m.addAction(a)
    m.addSeparator()
    m.addAction(w.act_quit)
    m = mb.addMenu("&Training")
    for a in (w.act_play, w.act_step, w.act_epoch, w.act_reset):
        m.addAction(a)
    m.addSeparator()
    m.addAction(w.studio.edits.undo_action)
    m.addAction(w.studio.edits.redo_action)
    m.addSeparator()
    m.addAction(w.act_record)
    m.addSeparator()
    presets = m.addMenu("Presets")
    for p in w.studio.presets:
        act = QAction(p.title, w)
        act.setStatusTip(p.lesson)
        act.triggered.connect(lambda _c=False, key=p.key: w.choose_preset(key))
        presets.addAction(act)
    m.addSeparator()
    m.addAction(w.act_prev)
    m.addAction(w.act_next)
    w.deck_menu.build_menu(mb)
    w.view_menu = mb.addMenu("&View")
    w.view_menu.addAction(w.act_fit)
    w.view_menu.addAction(w.act_readout)
    w.view_menu.addAction(w.act_next_tab)
    w.view_menu.addAction(w.act_prev_tab)
    w.view_menu.addSeparator()
    w.view_menu.addAction(w.act_presenter)
    scale_menu = w.view_menu.addMenu("Presenter &Scale")
    for value in PRESENTER_SCALES:
        act = QAction(f"{value:g}\u00d7", w)
        act.setCheckable(True)
        act.setChecked(value == w.presenter_scale)
        act.triggered.connect(lambda _c=False, v=value: w.set_presenter_scale(v))
        scale_menu.addAction(act)
    w.scale_menu = scale_menu
    theme_menu = w.view_menu.addMenu("&Theme")
    w.theme_actions = QActionGroup(w)  # one checked: the theme in use
    for name in THEMES:
        act = QAction(THEME_TITLES[name], w)
        act.setCheckable(True)
        act.setData(name)
        act.setChecked(name == w.theme.look.theme)
        act.triggered.connect(lambda _c=False, n=name: w.set_theme(n))
        w.theme_actions.addAction(act)
        theme_menu.addAction(act)
    w.act_sign_dashes = QAction("Dashed &Negative Weights", w)
    w.act_sign_dashes.setCheckable(True)
    w.act_sign_dashes.setToolTip("Negative weights dashed as well as orange (a cue without colour)")
    w.act_sign_dashes.setChecked(sign_dashes_wanted(w.theme.look.theme))
    w.act_sign_dashes.triggered.connect(w.set_sign_dashes)
    w.view_menu.addAction(w.act_sign_dashes)
    w.view_menu.addSeparator()
    for i in range(w.tabs.count()):
        act = QAction(f"Go to {w.tabs.tabText(i)}", w)
        act.setShortcut(QKeySequence(f"Ctrl+{i + 1}"))
        act.triggered.connect(lambda _c=False, i=i: w.tabs.setCurrentIndex(i))
        w.view_menu.addAction(act)
    m = mb.addMenu("&Help")
    w.act_shortcuts = w.action(
        "&Keyboard Shortcuts\u2026",
        w.show_shortcuts,
        "F1",
        tip="Every key the window answers, and where",
    )
    m.addAction(w.act_shortcuts)
    w.act_guide = w.action(
        "&What Am I Looking At?",
        lambda: w.guides.show(),
        "Shift+F1",
        tip="A short guide to the tab in front of you",
    )
    m.addAction(w.act_guide)
    m.addAction(w.act_book)
    m.addAction(w.act_about)


def build_toolbar(w) -> None:
    tb = QToolBar("Training")
    tb.setObjectName("training-toolbar")
    tb.setProperty(WINDOW_TOOLBAR, True)  # its commands are in the menus: not Tab stops
    tb.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
    for a in (w.act_play, w.act_step, w.act_epoch, w.act_reset):
        tb.addAction(a)
    tb.addSeparator()
    for a in (w.act_open, w.act_save, w.act_download):
        tb.addAction(a)
    w.addToolBar(tb)
    w.toolbar = tb
    # Presenter mode's copy of it, in the tab bar's row (see MainWindow.set_presenter).
    corner = QToolBar("Training (presenter)")
    corner.setProperty(WINDOW_TOOLBAR, True)
    corner.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
    corner.addActions(tb.actions())
    corner.hide()
    w.tabs.setCornerWidget(corner, Qt.Corner.TopRightCorner)
    w.corner_toolbar = corner
