"""The Training page's widgets and how they are laid out: controls at the left, the network
canvas with the example (or a neuron's weights) beside it, the plots and log below, and the
banner and replay bar above. What the widgets do is wired in :class:`TrainingStudio`.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from nnviz.ui.accessibility import set_name
from nnviz.ui.canvas.example import ExampleView
from nnviz.ui.canvas.view import NetworkCanvas
from nnviz.ui.canvas.weights import WeightHeatmap
from nnviz.ui.fit_scroll import size_to_current_tab
from nnviz.ui.pages import ViewTabs
from nnviz.ui.style import set_role
from nnviz.ui.training.controls import TrainingControls
from nnviz.ui.training.plots import TrainingPlots
from nnviz.ui.training.replay import ReplayBar

LIVE_RATE = 32.0  # snapshots a second while training (the network canvas's pace)


def build_layout(studio) -> None:
    """Make the page's widgets as attributes of ``studio`` and lay them out in it."""
    studio.controls = TrainingControls(studio.presets)
    scroll = QScrollArea()
    scroll.setWidget(studio.controls)
    scroll.setWidgetResizable(True)
    scroll.setMinimumWidth(studio.controls.sizeHint().width() + 24)
    scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

    studio.banner = QLabel()
    set_role(studio.banner, "banner")
    studio.banner.setWordWrap(True)
    studio.banner.hide()
    # A banner may offer up to two actions (e.g. "Download MNIST", "Choose MNIST Folder…"):
    # the window carries them out.
    studio.banner_button = QPushButton()
    studio.banner_button.hide()
    studio.banner_button2 = QPushButton()
    studio.banner_button2.hide()

    studio.canvas = NetworkCanvas()
    set_name(studio.canvas, "Network diagram: neurons and weighted connections")
    # The cap sits above the snapshot rate, so each snapshot is drawn as it arrives: at
    # the same cap, arrival jitter against the throttle's timer dropped one in six.
    studio.canvas.set_max_fps(1.25 * LIVE_RATE)
    studio.example = ExampleView()
    studio.example.setAccessibleName("Test example and the network's output activations")
    set_name(studio.example.image_view, "Test example image")
    set_name(studio.example.bars, "Output activations: one bar per output neuron")
    browse = QHBoxLayout()
    studio.prev_button = QPushButton("\u25c0")
    studio.next_button = QPushButton("\u25b6")
    studio.prev_button.setAccessibleName("Previous test example")
    studio.next_button.setAccessibleName("Next test example")
    studio.example_spin = QSpinBox()
    studio.example_spin.setPrefix("test example ")
    studio.example_spin.setAccessibleName("Test example number")
    studio.prev_button.setToolTip("Previous test example")
    studio.next_button.setToolTip("Next test example")
    for b in (studio.prev_button, studio.next_button):
        b.setFixedWidth(36)
        b.setFocusPolicy(Qt.FocusPolicy.TabFocus)  # Tab reaches them; a click keeps the focus
    browse.addWidget(studio.prev_button)
    browse.addWidget(studio.example_spin, 1)
    browse.addWidget(studio.next_button)
    studio.grid_box = QCheckBox("Inputs as image")
    studio.grid_box.setToolTip(
        "Draw the input layer as the image grid (28x28 or 8x8) instead of a column with an ellipsis"
    )
    browse.addWidget(studio.grid_box)
    example_page = QWidget()
    sv = QVBoxLayout(example_page)
    sv.setContentsMargins(0, 0, 0, 0)
    sv.addLayout(browse)
    sv.addWidget(studio.example, 1)
    studio.heatmap = WeightHeatmap()
    studio.heatmap.setAccessibleName("Incoming weights of the chosen hidden neuron, as an image")
    studio.heatmap_label = QLabel(
        "Click a neuron of the first hidden layer to see its incoming weights as an image."
    )
    studio.heatmap_label.setWordWrap(True)
    set_role(studio.heatmap_label, "hint")
    weights_page = QWidget()
    wv = QVBoxLayout(weights_page)
    wv.setContentsMargins(0, 0, 0, 0)
    wv.addWidget(studio.heatmap_label)
    wv.addWidget(studio.heatmap, 1)
    # The example and the weight image take turns in one panel: stacked, neither had
    # room for a readable bar chart or image on a 1280x720 projector.
    side = QTabWidget()
    side.addTab(example_page, "Test example")
    side.addTab(weights_page, "Weights into a neuron")
    studio.side_tabs = size_to_current_tab(side)

    middle = QSplitter(Qt.Orientation.Horizontal)
    middle.addWidget(studio.canvas)
    middle.addWidget(side)
    middle.setStretchFactor(0, 3)
    middle.setStretchFactor(1, 2)
    middle.setSizes([640, 420])

    studio.plots = TrainingPlots(readout=True)
    set_name(studio.plots.cost_plot, "Cost plot: the cost C against epochs trained")
    set_name(studio.plots.accuracy_plot, "Accuracy plot: test accuracy against epochs")
    plots_split = studio.plots.findChild(QSplitter)
    if plots_split is not None:  # side by side suits the wide bottom strip
        plots_split.setOrientation(Qt.Orientation.Horizontal)
    studio.log = QPlainTextEdit()
    studio.log.setAccessibleName("Training log")
    studio.log.setReadOnly(True)
    studio.log.setMaximumBlockCount(5000)
    set_role(studio.log, "log")
    bottom = QTabWidget()
    bottom.addTab(studio.plots, "Cost and accuracy")
    bottom.addTab(studio.log, "Log")
    # The plots' option boxes sit beside these tabs rather than in rows of their own.
    studio.plot_options = studio.plots.take_options()
    bottom.setCornerWidget(studio.plot_options, Qt.Corner.TopRightCorner)
    studio.bottom_tabs = size_to_current_tab(bottom)
    studio.view_tabs = [
        ViewTabs(side, ["example", "weights"]),
        ViewTabs(bottom, ["plots", "log"]),
    ]

    centre = QSplitter(Qt.Orientation.Vertical)
    top = QWidget()
    tv = QVBoxLayout(top)
    tv.setContentsMargins(0, 0, 0, 0)
    banner_row = QHBoxLayout()
    banner_row.addWidget(studio.banner, 1)
    banner_row.addWidget(studio.banner_button)
    banner_row.addWidget(studio.banner_button2)
    tv.addLayout(banner_row)
    studio.replay_bar = ReplayBar()
    studio.replay_bar.hide()
    tv.addWidget(studio.replay_bar)
    tv.addWidget(middle, 1)
    centre.addWidget(top)
    centre.addWidget(bottom)
    centre.setStretchFactor(0, 3)
    centre.setStretchFactor(1, 2)

    studio.splitter = QSplitter(Qt.Orientation.Horizontal)
    studio.splitter.addWidget(scroll)
    studio.splitter.addWidget(centre)
    studio.splitter.setStretchFactor(1, 1)
    studio.splitter.setSizes([340, 1100])
    studio.inner_splitters = (middle, centre)
    layout = QHBoxLayout(studio)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(studio.splitter)


def split_centre(studio) -> None:
    """Plots get 40% of the height; presenting, the network gets most of the width."""
    middle, centre = studio.inner_splitters
    total = max(1, centre.height())
    presenting = not studio.splitter.widget(0).isVisible()
    share = 0.62 if presenting else 0.6
    centre.setSizes([int(total * share), total - int(total * share)])
    if presenting:  # the network is the heart of a lecture: it gets most of the width
        width = max(1, middle.width())
        middle.setSizes([int(width * 0.62), width - int(width * 0.62)])


def show_secondary(studio, visible: bool) -> None:
    """Presenter mode hides what a lecturer does not need on screen (the settings panel,
    the log, the weight heatmap) and gives the canvas, example and plots the room."""
    studio.splitter.widget(0).setVisible(visible)
    studio.bottom_tabs.tabBar().setVisible(visible)
    # The option boxes (log scale, zoom to data) sit in the tab row, which presenting
    # hides: they move beside the plots, under the readout, so a lecturer keeps them.
    options = studio.plot_options
    if visible:
        studio.bottom_tabs.setCornerWidget(options, Qt.Corner.TopRightCorner)
    else:
        # (Taken from the tab widget first: it hides its corner widgets with its tab bar.)
        studio.bottom_tabs.setCornerWidget(None, Qt.Corner.TopRightCorner)
        studio.plots.dock_options(options)
    options.show()
    if not visible:
        studio.bottom_tabs.setCurrentWidget(studio.plots)
    studio.side_tabs.tabBar().setVisible(visible)
    if not visible:
        studio.side_tabs.setCurrentIndex(0)  # presenting: the example, not the weights
    split_centre(studio)
