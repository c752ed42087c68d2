"""The "Inside the network" tab: views that explore the network being trained.

Every view has ``set_network(network, dataset)``. This tab hands the current network (rebuilt
from the newest snapshot) only to the view that is visible, and only when it is shown or an
epoch ends, so exploring never slows training down.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import QScrollArea, QSplitter, QTabWidget, QVBoxLayout, QWidget

from nnviz.core.datasets.dataset import Dataset
from nnviz.core.learning.network import Network
from nnviz.core.learning.snapshot import CHUNK, Snapshot
from nnviz.ui.accessibility import set_name
from nnviz.ui.canvas.view import NetworkCanvas
from nnviz.ui.fit_scroll import FitScrollArea, size_to_current_tab
from nnviz.ui.pages import ViewTabs, restore_tabs, tab_states
from nnviz.ui.style import current_look, theme_plots

MAX_HISTORY = 200


# Each view is imported and built when its sub-tab is first
# shown (or asked for), so the window starts without them (baselines bring scikit-learn).
VIEWS = [  # (stable id, sub-tab title, module, class)
    ("draw", "Draw a digit", "draw_digit", "DrawDigitView"),
    ("mistakes", "Mistakes and confusion", "errors_view", "ErrorsView"),
    ("baselines", "Baselines", "baselines_view", "BaselinesView"),
    ("binary", "Binary output", "binary_output", "BinaryOutputView"),
    ("descent", "Gradient descent", "valley_view", "ValleyView"),
    ("estimates", "Gradient estimates", "gradient_noise", "GradientNoiseView"),
    ("cost_terms", "Cost per example", "cost_terms", "CostTermsView"),
    ("cost_slice", "Cost slice", "cost_slice", "CostSliceView"),
    ("matrix", "Matrix form", "matrix_view", "MatrixView"),
]
# Presenter mode's titles: the nine full ones do not fit a 1280-pixel projector at 18 px, and
# a tab bar that scrolls hides its first tabs behind its arrows (the full title stays in the
# tab's tooltip).
SHORT_TITLES = {
    "draw": "Draw",
    "mistakes": "Mistakes",
    "baselines": "Baselines",
    "binary": "Binary",
    "descent": "Descent",
    "estimates": "Estimates",
    "cost_terms": "Per example",
    "cost_slice": "Slice",
    "matrix": "Matrices",
}


class _Views(dict):
    """The views built so far, by id; asking for one that is not built yet builds it."""

    def __init__(self, build) -> None:
        super().__init__()
        self._build = build

    def __missing__(self, view_id: str) -> QWidget:
        return self._build(view_id)


class ExploreTab(QWidget):
    baseline_computed = Signal(str, str, float)  # key, label, percent
    weight_hovered = Signal(int, int, int)
    page_id = "inside"

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.tabs = QTabWidget()
        self.views: dict[str, QWidget] = _Views(self._build_view)
        self.matrix_canvas: NetworkCanvas | None = None
        self._page_views: dict[QWidget, QWidget] = {}  # tab page -> the view inside it
        self._pages: dict[str, QWidget] = {}  # view id -> its (at first empty) tab page
        for view_id, title, _module, _cls in VIEWS:
            page = QWidget()
            QVBoxLayout(page).setContentsMargins(0, 0, 0, 0)
            self._pages[view_id] = page
            self.tabs.addTab(page, title)
        size_to_current_tab(self.tabs)
        self.view_tabs = [ViewTabs(self.tabs, [v[0] for v in VIEWS])]
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)
        self.snapshot: Snapshot | None = None
        self.dataset: Dataset | None = None
        self.history: list[Snapshot] = []
        self._given: dict[int, tuple] = {}  # id(view) -> (snapshot, dataset) it last received
        self._batch_size: int | None = None  # what views built later are told
        self._example: int | None = None
        self._compact = False  # presenter mode (set_compact)
        self.tabs.currentChanged.connect(lambda _i: self.refresh())

    def set_presentation(self, scale: float, dark: bool = False) -> None:
        """Themes and presenter scale reach the sub-tabs' plots (built ones now, the others
        when they are built) and the network drawing beside the matrices."""
        for view in list(self.views.values()):
            theme_plots(view)
            hook = getattr(view, "set_presentation", None)
            if hook is not None:
                hook(scale, dark)
        canvas = getattr(self, "matrix_canvas", None)
        if canvas is not None:
            canvas.set_presentation(scale, dark)

    def set_compact(self, on: bool) -> None:
        """Presenter mode: views that have a slide-sized arrangement take it (now, and when
        they are built)."""
        self._compact = bool(on)
        for i, (view_id, title, _module, _cls) in enumerate(VIEWS):
            self.tabs.setTabText(i, SHORT_TITLES[view_id] if on else title)
            self.tabs.setTabToolTip(i, title)
        for view in list(self.views.values()):
            hook = getattr(view, "set_compact", None)
            if hook is not None:
                hook(self._compact)

    # -- the page's state (sessions and deck steps; nnviz.ui.pages) ------------------------------
    def state(self) -> dict:
        return {"tabs": tab_states(self)}

    def restore(self, state: dict) -> None:
        restore_tabs(self, state.get("tabs"))

    def build_all_views(self) -> None:
        for view_id, *_rest in VIEWS:
            self.views[view_id]

    def _build_view(self, view_id: str) -> QWidget:
        """Import and build the view of one sub-tab and put it into its page."""
        import importlib

        module, cls = next((m, c) for i, _t, m, c in VIEWS if i == view_id)
        view = getattr(importlib.import_module(f"nnviz.ui.explore.{module}"), cls)()
        dict.__setitem__(self.views, view_id, view)
        content = view
        if view_id == "matrix":
            # Hovering w^l_jk in the matrices marks that connection on a network drawing
            # beside them: at the side, where it gets the page's full height to be read.
            self.matrix_canvas = NetworkCanvas()
            self.matrix_canvas.set_legend_visible(False)
            set_name(self.matrix_canvas, "Network diagram: the connection under the pointer")
            self.matrix_canvas.setMinimumSize(240, 240)
            content = QSplitter(Qt.Orientation.Horizontal)
            content.addWidget(view)
            content.addWidget(self.matrix_canvas)
            content.setStretchFactor(0, 3)
            content.setStretchFactor(1, 1)
            content.setSizes([900, 340])
            view.weight_hovered.connect(self.matrix_canvas.highlight_edge)
            view.hover_cleared.connect(self.matrix_canvas.clear_highlight)
        theme, scale = current_look()
        theme_plots(view, theme, scale)
        if getattr(self, "matrix_canvas", None) is not None and view_id == "matrix":
            self.matrix_canvas.set_presentation(scale, theme == "dark")
        if hasattr(view, "baseline_computed"):
            view.baseline_computed.connect(self.baseline_computed)
        if hasattr(view, "weight_hovered"):
            view.weight_hovered.connect(self.weight_hovered)
        if hasattr(view, "set_presentation"):
            view.set_presentation(scale, theme == "dark")
        if self._compact and hasattr(view, "set_compact"):
            view.set_compact(True)
        if self._batch_size is not None and hasattr(view, "set_batch_size"):
            view.set_batch_size(self._batch_size)
        if self._example is not None and hasattr(view, "set_example"):
            view.set_example(self._example)
        # Each page scrolls on its own, so one dense view never makes every other page
        # taller than the window.
        page = self._pages[view_id]
        page.layout().addWidget(FitScrollArea(content))
        self._page_views[page] = view
        return view

    @Slot(object)
    def on_snapshot(self, snap: Snapshot) -> None:
        prev = self.snapshot
        if prev is not None and snap.run_id != prev.run_id:
            self.history = []
        self.snapshot = snap
        self.history.append(snap)
        if len(self.history) > MAX_HISTORY:
            self.history = self.history[::2]  # keep the whole run, at half the resolution
        new_epoch = prev is None or prev.progress.epoch != snap.progress.epoch
        if (new_epoch or snap.progress.kind != CHUNK) and self.isVisible():
            self.refresh()

    @Slot(object)
    def on_dataset(self, dataset: Dataset) -> None:
        self.dataset = dataset
        self.history = []
        if self.isVisible():
            self.refresh()

    @Slot(object)
    def on_run_settings(self, settings) -> None:
        """The studio set up a run: views that mark its mini-batch size learn it."""
        m = getattr(settings, "batch_size", None)
        self._batch_size = m
        for view in self.views.values():
            if hasattr(view, "set_batch_size"):
                view.set_batch_size(m)

    @Slot(int)
    def set_example(self, index: int) -> None:
        """The studio shows another test example: views about one example follow it."""
        self._example = index
        for view in self.views.values():
            if hasattr(view, "set_example"):
                view.set_example(index)

    def current_view(self) -> QWidget | None:
        """The view on the sub-tab shown (not the scroll area around it), built if need be."""
        page = self.tabs.currentWidget()
        view_id = next((i for i, p in self._pages.items() if p is page), None)
        return None if view_id is None else self.views[view_id]

    def current_page(self) -> QWidget | None:
        """What the sub-tab shows inside its scroll area (a view, or a view with a drawing)."""
        if self.current_view() is None:
            return None
        scroll = self.tabs.currentWidget().findChild(QScrollArea)
        return scroll.widget() if scroll is not None else None

    def network(self) -> Network | None:
        snap = self.snapshot
        if snap is None:
            return None
        return Network.from_params(snap.weights, snap.biases, snap.weights[0].dtype)

    def refresh(self) -> None:
        """Give the visible view the newest network (if it has not seen it yet)."""
        view = self.current_view()
        if view is None or not hasattr(view, "set_network"):
            return  # e.g. the gradient-descent valley needs no network
        last = self._given.get(id(view))
        if last is not None and last[0] is self.snapshot and last[1] is self.dataset:
            return
        self._given[id(view)] = (self.snapshot, self.dataset)
        view.set_network(self.network(), self.dataset)
        if view is self.views.get("matrix") and self.snapshot is not None:
            snap = self.snapshot
            self.matrix_canvas.set_network(snap.sizes, snap.weights, snap.biases)
        if hasattr(view, "set_history"):
            view.set_history(list(self.history))

    def shutdown(self) -> None:
        for view in self.views.values():
            stop = getattr(view, "shutdown", None)
            if stop is not None:
                stop()
