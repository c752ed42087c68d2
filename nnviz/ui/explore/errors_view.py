"""Where the trained network goes wrong on the test set.

Left: the 10x10 confusion matrix (rows: true digit, columns: the network's answer); clicking a
cell shows just those examples in the gallery (a diagonal cell shows the ones it got right).
Below it, the accuracy for each digit. Right: a gallery of thumbnails of the misclassified test
images with the true and predicted digit and the confidence, sortable.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, QSize, Qt
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListView,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from nnviz.core.datasets.dataset import Dataset
from nnviz.core.learning.evaluation import Evaluation, Mistake, evaluate_network, misclassified
from nnviz.core.learning.network import Network
from nnviz.ui.explore.draw_digit import gray_to_pixmap
from nnviz.ui.style import set_cell_colour

SORTS = {
    "most confident first": "conf_desc",
    "least confident first": "conf_asc",
    "test set order": "index",
    "by true digit": "label",
}
EntryRole = Qt.ItemDataRole.UserRole + 1


@dataclass(frozen=True)
class GalleryFilter:
    """Show only examples with this true digit and this answer (None: every mistake)."""

    label: int
    predicted: int


class ExampleListModel(QAbstractListModel):
    """Test examples (as :class:`Mistake` records) with thumbnails drawn on demand."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.entries: list[Mistake] = []
        self._images: np.ndarray | None = None  # (n, side, side) stored values
        self._top = 255.0
        self._zoom = 2
        self._pixmaps: dict[int, object] = {}

    def set_images(self, images: np.ndarray | None, top: float) -> None:
        self._images = images
        self._top = top
        side = 28 if images is None else images.shape[1]
        self._zoom = max(1, 56 // side)
        self._pixmaps.clear()

    def set_entries(self, entries: list[Mistake]) -> None:
        self.beginResetModel()
        self.entries = list(entries)
        self.endResetModel()

    def rowCount(self, parent=None) -> int:  # noqa: N802 (Qt override)
        return 0 if parent is not None and parent.isValid() else len(self.entries)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0):  # 0: DisplayRole
        if not index.isValid() or index.row() >= len(self.entries):
            return None
        e = self.entries[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{e.label} \u2192 {e.predicted}  {e.confidence:.2f}"
        if role == Qt.ItemDataRole.DecorationRole and self._images is not None:
            pix = self._pixmaps.get(e.index)
            if pix is None:
                pix = gray_to_pixmap(self._images[e.index], self._top, self._zoom)
                self._pixmaps[e.index] = pix
            return pix
        if role == Qt.ItemDataRole.ToolTipRole:
            verdict = "right" if e.label == e.predicted else "wrong"
            return (
                f"test image #{e.index}: a {e.label}; the network says {e.predicted} ({verdict}), "
                f"output activation {e.confidence:.3f}"
            )
        if role == EntryRole:
            return e
        return None


def sort_entries(entries: list[Mistake], key: str) -> list[Mistake]:
    """Entries ordered by one of the :data:`SORTS` keys (stable)."""
    if key == "conf_desc":
        return sorted(entries, key=lambda e: -e.confidence)
    if key == "conf_asc":
        return sorted(entries, key=lambda e: e.confidence)
    if key == "label":
        return sorted(entries, key=lambda e: (e.label, e.predicted, -e.confidence))
    return sorted(entries, key=lambda e: e.index)


class ErrorsView(QWidget):
    """Confusion matrix, per-digit accuracy and a gallery of mistakes for a network."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.network: Network | None = None
        self.dataset: Dataset | None = None
        self.evaluation: Evaluation | None = None
        self.confusion: np.ndarray | None = None
        self.mistakes: list[Mistake] = []
        self.filter: GalleryFilter | None = None
        self._stale = False

        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet("color: #8a4b00;")
        self.summary = QLabel()
        self.summary.setWordWrap(True)

        self.table = QTableWidget(10, 10)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setHorizontalHeaderLabels([str(d) for d in range(10)])
        self.table.setVerticalHeaderLabels([str(d) for d in range(10)])
        for header in (self.table.horizontalHeader(), self.table.verticalHeader()):
            header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
            header.setDefaultSectionSize(40)
        self.table.horizontalHeader().setDefaultSectionSize(44)
        self.table.setFixedSize(44 * 10 + 26, 40 * 10 + 26)
        self.table.setToolTip(
            "Rows: the true digit. Columns: the network's answer. "
            "Click a cell to see those examples."
        )
        matrix_box = QGroupBox("Confusion matrix (rows: true digit, columns: network's answer)")
        mlay = QVBoxLayout(matrix_box)
        mlay.addWidget(self.table)

        self.acc_plot = pg.PlotWidget(background="w")
        self.acc_plot.setMouseEnabled(False, False)
        self.acc_plot.hideButtons()
        self.acc_plot.setMenuEnabled(False)
        self.acc_plot.getAxis("bottom").setTicks([[(d, str(d)) for d in range(10)]])
        self.acc_plot.setLabel("left", "% right")
        self.acc_plot.setLabel("bottom", "true digit")
        self.acc_plot.setMinimumHeight(170)
        self.acc_bars = pg.BarGraphItem(
            x=np.arange(10), height=np.zeros(10), width=0.7, brush=QColor(120, 144, 180)
        )
        self.acc_plot.addItem(self.acc_bars)
        self.acc_texts = [pg.TextItem(anchor=(0.5, 1.0), color=(40, 40, 40)) for _ in range(10)]
        for t in self.acc_texts:
            self.acc_plot.addItem(t)
        acc_box = QGroupBox("Accuracy for each digit")
        alay = QVBoxLayout(acc_box)
        alay.addWidget(self.acc_plot)

        self.sort_combo = QComboBox()
        self.sort_combo.addItems(list(SORTS))
        self.filter_label = QLabel()
        self.show_all = QPushButton("Show all mistakes")
        self.show_all.setEnabled(False)
        self.model = ExampleListModel(self)
        self.gallery = QListView()
        self.gallery.setModel(self.model)
        self.gallery.setViewMode(QListView.ViewMode.IconMode)
        self.gallery.setResizeMode(QListView.ResizeMode.Adjust)
        self.gallery.setMovement(QListView.Movement.Static)
        self.gallery.setUniformItemSizes(True)
        self.gallery.setIconSize(QSize(56, 56))
        self.gallery.setGridSize(QSize(92, 84))
        self.gallery.setSpacing(2)
        self.gallery.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        gallery_box = QGroupBox("Examples (true \u2192 answer, confidence)")
        glay = QVBoxLayout(gallery_box)
        controls = QHBoxLayout()
        controls.addWidget(QLabel("Sort:"))
        controls.addWidget(self.sort_combo)
        controls.addStretch(1)
        controls.addWidget(self.show_all)
        glay.addLayout(controls)
        self.filter_label.setWordWrap(True)
        glay.addWidget(self.filter_label)  # its own row: long filters need not squeeze the rest
        glay.addWidget(self.gallery, 1)

        left = QWidget()
        llay = QVBoxLayout(left)
        llay.setContentsMargins(0, 0, 0, 0)
        llay.addWidget(matrix_box)
        llay.addWidget(acc_box, 1)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(gallery_box)
        splitter.setStretchFactor(1, 1)

        lay = QVBoxLayout(self)
        lay.addWidget(self.hint)
        lay.addWidget(self.summary)
        lay.addWidget(splitter, 1)

        self.table.cellClicked.connect(self._on_cell_clicked)
        self.sort_combo.currentIndexChanged.connect(self._on_sort_changed)
        self.show_all.clicked.connect(self.clear_filter)
        self.set_network(None, None)
        self.refresh()

    # -- public -----------------------------------------------------------------------------
    def set_network(self, network: Network | None, dataset: Dataset | None) -> None:
        """Evaluate ``network`` on ``dataset``'s test split and show the results.

        Evaluating 10,000 MNIST images takes a moment, so while the view is hidden this only
        remembers the network and evaluates when the view is shown (see :meth:`refresh`).
        """
        self.network, self.dataset = network, dataset
        self._stale = True
        if self.isVisible():
            self.refresh()

    def refresh(self) -> None:
        """Evaluate the current network now (e.g. after it was trained further in place)."""
        self._stale = False
        network, dataset = self.network, self.dataset
        self.evaluation = None
        self.filter = None
        problem = self._problem()
        if not problem:
            try:
                self.evaluation = evaluate_network(network, dataset)
            except ValueError as exc:
                problem = f"{exc}."
        self.hint.setText(problem)
        self.hint.setVisible(bool(problem))
        self._show()

    def set_filter(self, label: int | None, predicted: int | None = None) -> None:
        """Show only test examples of digit ``label`` answered ``predicted`` (None: all
        mistakes)."""
        self.filter = None if label is None else GalleryFilter(int(label), int(predicted))
        if self.filter is None:
            self.table.clearSelection()
        elif self.table.currentRow() != label or self.table.currentColumn() != predicted:
            self.table.setCurrentCell(int(label), int(predicted))  # show which cell is shown
        self._fill_gallery()

    def clear_filter(self) -> None:
        self.set_filter(None)

    @property
    def sort_key(self) -> str:
        return SORTS[self.sort_combo.currentText()]

    def showEvent(self, event) -> None:  # noqa: N802 (Qt override)
        super().showEvent(event)
        if self._stale:
            self.refresh()

    # -- internals --------------------------------------------------------------------------
    def _problem(self) -> str:
        if self.network is None or self.dataset is None:
            return (
                "No trained network yet: train one (or load one) and its mistakes on the "
                "test set appear here."
            )
        if not self.dataset.is_classification or self.dataset.n_outputs != 10:
            return (
                f"{self.dataset.name} is not a digit data set: choose MNIST or the 8x8 "
                "digits to see which digits get confused."
            )
        if self.network.sizes[-1] != 10:
            return f"This network has {self.network.sizes[-1]} outputs; digits need 10."
        return ""

    def _show(self) -> None:
        ev = self.evaluation
        if ev is None:
            self.confusion = None
            self.mistakes = []
            self.summary.setText("")
            self.table.clearContents()
            self.acc_bars.setOpts(height=np.zeros(10))
            self.acc_plot.setYRange(0, 100, padding=0)
            self.acc_plot.setXRange(-0.6, 9.6, padding=0)
            self.table.setCurrentCell(-1, -1)
            for t in self.acc_texts:
                t.setText("")
            self.model.set_images(None, 255.0)
            self._fill_gallery()
            return
        ds = self.dataset
        self.confusion = ev.confusion()
        self.mistakes = ev.mistakes()
        n = ev.labels.size
        self.summary.setText(
            f"Test set of {ds.name}: {n - len(self.mistakes):,} of {n:,} right "
            f"({100 * ev.accuracy:.2f}%), {len(self.mistakes):,} mistakes."
        )
        self._fill_table()
        self._fill_accuracy(ev.per_class())
        side = ds.image_shape[0] if ds.image_shape else int(round(np.sqrt(ds.n_inputs)))
        images = ds.test.x.reshape(len(ds.test), side, -1)
        self.model.set_images(images, 1.0 / ds.scale)
        self._fill_gallery()

    def _fill_table(self) -> None:
        c = self.confusion
        off = c.copy()
        np.fill_diagonal(off, 0)
        off_max = max(int(off.max()), 1)
        diag_max = max(int(np.diag(c).max()), 1)
        bold = QFont()
        bold.setBold(True)
        for t in range(10):
            for p in range(10):
                v = int(c[t, p])
                item = QTableWidgetItem(str(v) if v else "")
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                if t == p:
                    f = v / diag_max
                    color = QColor.fromRgbF(1 - 0.45 * f, 1 - 0.2 * f, 1 - 0.45 * f)
                    item.setFont(bold)
                else:
                    # square root: one or two mistakes should still show as a tint
                    f = np.sqrt(v / off_max)
                    color = QColor.fromRgbF(1.0, 1 - 0.65 * f, 1 - 0.7 * f)
                set_cell_colour(item, color)
                item.setToolTip(
                    f"{v} test images of a {t} the network called {p}"
                    + (" (right)" if t == p else "")
                )
                self.table.setItem(t, p, item)

    def _fill_accuracy(self, per_class: np.ndarray) -> None:
        pct = np.nan_to_num(100.0 * per_class, nan=0.0)
        self.acc_bars.setOpts(height=pct)
        lo = float(np.min(pct)) if pct.size else 0.0
        bottom = max(0.0, np.floor((lo - 8) / 10) * 10)  # zoom in: bars near 100% differ
        self.acc_plot.setYRange(bottom, 102, padding=0)
        self.acc_plot.setXRange(-0.6, 9.6, padding=0)
        for d, t in enumerate(self.acc_texts):
            t.setText(f"{pct[d]:.0f}" if not np.isnan(per_class[d]) else "-")
            t.setPos(d, bottom + 0.5 * (pct[d] - bottom) + 2 if pct[d] > bottom else bottom)
        self.acc_bars.setOpts(y0=0)

    def _entries(self) -> list[Mistake]:
        ev = self.evaluation
        if ev is None:
            return []
        f = self.filter
        if f is None:
            return self.mistakes
        if f.label != f.predicted:
            return [m for m in self.mistakes if m.label == f.label and m.predicted == f.predicted]
        # A diagonal cell: the examples of that digit the network got right.
        idx = np.flatnonzero((ev.labels == f.label) & (ev.predicted == f.label))
        conf = ev.outputs[f.label, idx]
        return [Mistake(int(i), f.label, f.label, float(c)) for i, c in zip(idx, conf)]

    def _fill_gallery(self) -> None:
        entries = sort_entries(self._entries(), self.sort_key)
        self.model.set_entries(entries)
        f = self.filter
        if self.evaluation is None:
            self.filter_label.setText("")
        elif f is None:
            self.filter_label.setText(f"all {len(entries):,} mistakes")
        elif f.label == f.predicted:
            self.filter_label.setText(f"{len(entries):,} images of a {f.label} answered right")
        else:
            self.filter_label.setText(
                f"{len(entries):,} images of a {f.label} taken for a {f.predicted}"
            )
        self.show_all.setEnabled(f is not None)

    def _on_cell_clicked(self, row: int, column: int) -> None:
        if self.evaluation is not None:
            self.set_filter(row, column)

    def _on_sort_changed(self, _index: int) -> None:
        self._fill_gallery()


__all__ = ["ErrorsView", "ExampleListModel", "GalleryFilter", "misclassified", "sort_entries"]
