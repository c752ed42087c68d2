"""The parts palette: switches, lamps, NAND gates and saved blocks to click or drag in."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QMimeData, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QIcon, QPainter, QPen, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGraphicsScene,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QVBoxLayout,
    QWidget,
)

from nnviz.core.circuits.model import Circuit
from nnviz.ui.circuit.items import BlockItem, InputItem, NandItem, NodeItem, OutputItem
from nnviz.ui.circuit.scene import PART_MIME

ICON_SIZE = QSize(64, 40)
PART_ROLE = Qt.ItemDataRole.UserRole + 1
EMPTY_BLOCKS = "No blocks yet. Pass a level, or use File › Save as block."
MAX_WIDTH = 340  # the palette never takes more of the canvas's width than this

_BASIC_PARTS = (
    ("input", "Input switch", "A 0/1 switch: click it on the canvas to flip it"),
    ("nand", "NAND gate", "Outputs 0 only when both inputs are 1"),
    ("output", "Output lamp", "Lights when its input is 1"),
    ("note", "Text note", "Free text on the canvas: double-click it to write"),
)


def part_icon(item: NodeItem) -> QIcon:
    """Draw a node item into a small transparent icon."""
    scene = QGraphicsScene()
    scene.addItem(item)
    rect = item.sceneBoundingRect().adjusted(-6, -2, 6, 2)
    rect.setHeight(item.height + 8)
    pix = QPixmap(ICON_SIZE * 2)
    pix.fill(QColor(0, 0, 0, 0))
    painter = QPainter(pix)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    target = pix.rect().toRectF()
    scene.render(painter, target, rect, Qt.AspectRatioMode.KeepAspectRatio)
    painter.end()
    pix.setDevicePixelRatio(2.0)
    scene.removeItem(item)
    return QIcon(pix)


def _note_icon() -> QIcon:
    pix = QPixmap(ICON_SIZE * 2)
    pix.fill(QColor(0, 0, 0, 0))
    p = QPainter(pix)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setPen(QPen(QColor("#e5d27a"), 2))
    p.setBrush(QColor("#fffbe6"))
    p.drawRoundedRect(QRectF(12, 8, 104, 64), 6, 6)
    p.setPen(QPen(QColor("#9ca3af"), 3))
    for y in (26, 40, 54):
        p.drawLine(24, y, 100 if y < 54 else 70, y)
    p.end()
    return QIcon(pix)


def _icon_for(part: str, definition: Circuit | None = None) -> QIcon:
    if part == "note":
        return _note_icon()
    if part == "input":
        item: NodeItem = InputItem(0)
        item.set_switch(1)
        item.set_values([], [1])
    elif part == "nand":
        item = NandItem(0)
    elif part == "output":
        item = OutputItem(0)
        item.set_lamp(1)
        item.set_values([1], [])
    else:
        d = definition or Circuit()
        item = BlockItem(0, "", "", d.input_names(), d.output_names())
    return part_icon(item)


class PartList(QListWidget):
    """A list whose items drag out as palette parts; Enter or Space on the current entry
    chooses it (``chosen``), as a click does, so the palette works without a mouse."""

    chosen = Signal(QListWidgetItem)

    def keyPressEvent(self, event) -> None:  # noqa: N802 (Qt name)
        keys = (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space)
        item = self.currentItem()
        if event.key() in keys and item is not None and item.flags() & Qt.ItemFlag.ItemIsEnabled:
            self.chosen.emit(item)
            event.accept()
            return
        super().keyPressEvent(event)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setDragEnabled(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.setIconSize(ICON_SIZE)
        self.setSpacing(2)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setUniformItemSizes(False)
        # Never sideways: long names wrap, and the palette widens to its entries (Palette).
        self.setWordWrap(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

    def mimeData(self, items) -> QMimeData:  # noqa: N802 (Qt name)
        mime = QMimeData()
        if items:
            part = items[0].data(PART_ROLE)
            if part:
                mime.setData(PART_MIME, str(part).encode("utf-8"))
        return mime

    def mimeTypes(self) -> list[str]:  # noqa: N802
        return [PART_MIME]


class Palette(QWidget):
    """Basic parts and blocks. ``part_chosen(str)`` fires when a part is clicked."""

    part_chosen = Signal(str)
    open_block = Signal(str)
    remove_block = Signal(str)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(4)
        self.parts = PartList()
        self.blocks = PartList()
        self.blocks.setToolTip("Saved circuits and passed levels: place one inside a circuit")
        for title, widget in (("Parts", self.parts), ("Blocks", self.blocks)):
            widget.setAccessibleName(
                f"{title}: Enter places the chosen one"
                if title == "Parts"
                else "Blocks: saved circuits and passed levels; Enter places the chosen one"
            )
            label = QLabel(title)
            f = QFont(label.font())
            f.setBold(True)
            label.setFont(f)
            layout.addWidget(label)
            layout.addWidget(widget, 0 if widget is self.parts else 1)
        self.hint = QLabel("Click a part to place it, or drag it onto the canvas.")
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet("color: #6b7280; font-size: 11px;")
        layout.addWidget(self.hint)
        for part, text, tip in _BASIC_PARTS:
            item = QListWidgetItem(_icon_for(part), text)
            item.setData(PART_ROLE, part)
            item.setToolTip(tip)
            self.parts.addItem(item)
        self.parts.setFixedHeight(len(_BASIC_PARTS) * (ICON_SIZE.height() + 10) + 8)
        self.empty_blocks = QListWidgetItem(EMPTY_BLOCKS)
        self.empty_blocks.setFlags(Qt.ItemFlag.NoItemFlags)
        self.blocks.addItem(self.empty_blocks)
        for parts in (self.parts, self.blocks):
            parts.itemClicked.connect(self._on_clicked)
            parts.chosen.connect(self._on_clicked)
        self.blocks.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.blocks.customContextMenuRequested.connect(self._on_block_menu)
        self._fit_width()

    def _fit_width(self) -> None:
        """Wide enough for the parts' icons and names in the current font (presenter mode
        enlarges it), at least 190 px, at most MAX_WIDTH."""
        need = self.parts.sizeHintForColumn(0) + 2 * self.parts.frameWidth() + 8 + 12
        width = max(190, min(need, MAX_WIDTH))
        self.setMinimumWidth(width)
        self.setMaximumWidth(max(260, width))

    def changeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._fit_width()

    def showEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().showEvent(event)
        self._fit_width()

    def _on_clicked(self, item: QListWidgetItem) -> None:
        part = item.data(PART_ROLE)
        if part:
            self.part_chosen.emit(str(part))

    def _on_block_menu(self, pos) -> None:
        item = self.blocks.itemAt(pos)
        part = item.data(PART_ROLE) if item is not None else None
        if not part:
            return
        name = str(part)[len("block:") :]
        menu = QMenu(self)
        menu.addAction("Look inside", lambda: self.open_block.emit(name))
        menu.addAction("Remove from palette", lambda: self.remove_block.emit(name))
        menu.exec(self.blocks.viewport().mapToGlobal(pos))

    def set_blocks(self, definitions: dict[str, Circuit]) -> None:
        """Show these block definitions (name -> circuit), sorted by name."""
        self.blocks.clear()
        if not definitions:
            self.empty_blocks = QListWidgetItem(EMPTY_BLOCKS)
            self.empty_blocks.setFlags(Qt.ItemFlag.NoItemFlags)
            self.blocks.addItem(self.empty_blocks)
            return
        for name in sorted(definitions):
            d = definitions[name]
            item = QListWidgetItem(_icon_for("block", d), name)
            item.setData(PART_ROLE, f"block:{name}")
            n = d.nand_count()
            item.setToolTip(
                f"{name}: inputs {', '.join(d.input_names()) or '-'}; outputs "
                f"{', '.join(d.output_names())}; {n} NAND gate{'s' if n != 1 else ''}"
            )
            self.blocks.addItem(item)

    def block_names(self) -> list[str]:
        """Names of the blocks listed."""
        out = []
        for i in range(self.blocks.count()):
            part = self.blocks.item(i).data(PART_ROLE)
            if part:
                out.append(str(part)[len("block:") :])
        return out
