"""The zoomable view onto a circuit scene, and image export of a scene."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt, QTimer
from PySide6.QtGui import QColor, QCursor, QFont, QImage, QPainter, QPixmap, QWheelEvent
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import QGraphicsScene, QGraphicsView

from nnviz.ui.circuit.scene import CircuitScene

MIN_ZOOM = 0.2
MAX_ZOOM = 4.0
# A circuit with more items than this is shown, while it is zoomed or panned, as a picture
# taken when the motion began (each frame would otherwise paint thousands of Python items);
# it is drawn in full again once the view has been still for SETTLE_MS.
PICTURE_ITEMS = 3000
SETTLE_MS = 180
PICTURE_PIXELS = 3000  # the picture's longer side, at most


class CircuitView(QGraphicsView):
    """Rubber-band selection with the left button, wheel zoom around the cursor,
    middle-button panning."""

    def event(self, event) -> bool:  # noqa: A003 (Qt name)
        # Tab moves the focus on before any key handler sees it; while a part is selected or
        # a wire is being made it steps through parts or ports instead (the scene's keys).
        if event.type() == QEvent.Type.KeyPress and event.key() in (
            Qt.Key.Key_Tab,
            Qt.Key.Key_Backtab,
        ):
            scene = self.scene()
            takes = getattr(scene, "takes_tab", None)
            if callable(takes) and takes():
                scene.keyPressEvent(event)
                return True
        return super().event(event)

    def wants_key(self, key: int, text: str) -> bool:
        """Keys the canvas uses itself, before any window-wide shortcut (nnviz.ui.focus_keys):
        the window's Space plays the training, its arrows step it."""
        scene = self.scene()
        wants = getattr(scene, "wants_key", None)
        return bool(wants(key)) if callable(wants) else False

    def __init__(self, scene: QGraphicsScene, parent=None) -> None:
        super().__init__(scene, parent)
        self.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
        self.setDragMode(QGraphicsView.DragMode.RubberBandDrag)
        self.setRubberBandSelectionMode(Qt.ItemSelectionMode.IntersectsItemShape)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.SmartViewportUpdate)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setAcceptDrops(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._pan_from: QPointF | None = None
        self.fitted = False  # the whole circuit is in view and the user has not moved it
        self._fitting = False
        # The picture shown while a big circuit moves: (pixmap, the scene rect it shows).
        self._picture: tuple[QPixmap, QRectF] | None = None
        self.moving = False
        self._settle = QTimer(self)
        self._settle.setSingleShot(True)
        self._settle.setInterval(SETTLE_MS)
        self._settle.timeout.connect(self._end_motion)
        scene.changed.connect(self._forget_picture)

    # -- a picture while moving --------------------------------------------------------
    def _forget_picture(self, *_args) -> None:
        if not self.moving:
            self._picture = None

    def _begin_motion(self) -> None:
        """Called before every zoom or pan step; takes the picture at the first."""
        scene = self.scene()
        if scene is None or len(scene.items()) < PICTURE_ITEMS:
            return
        if not self.moving:
            self._picture = self._take_picture()
            self.moving = self._picture is not None
        self._settle.start()

    def _take_picture(self) -> tuple[QPixmap, QRectF] | None:
        """The part of the scene around what is in view (three times the view each way,
        within the circuit), drawn once at about the view's resolution."""
        scene = self.scene()
        seen = self.mapToScene(self.viewport().rect()).boundingRect()
        whole = scene.items_rect() if isinstance(scene, CircuitScene) else scene.itemsBoundingRect()
        around = seen.adjusted(-seen.width(), -seen.height(), seen.width(), seen.height())
        region = around.intersected(whole.adjusted(-200, -200, 200, 200)).united(seen)
        if region.isEmpty():
            return None
        scale = min(self.zoom(), PICTURE_PIXELS / max(region.width(), region.height()))
        size = QSize(max(1, int(region.width() * scale)), max(1, int(region.height() * scale)))
        pixmap = QPixmap(size)
        pixmap.fill(
            self.backgroundBrush().color() if self.backgroundBrush().style() else QColor("white")
        )
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        scene.render(painter, QRectF(0, 0, size.width(), size.height()), region)
        painter.end()
        return pixmap, region

    def _end_motion(self) -> None:
        self.moving = False
        self._picture = None
        self.viewport().update()

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt name)
        if self.moving and self._picture is not None:
            pixmap, region = self._picture
            painter = QPainter(self.viewport())
            painter.fillRect(self.viewport().rect(), self.palette().base())
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
            target = self.mapFromScene(region).boundingRect()
            painter.drawPixmap(target, pixmap)
            painter.end()
            return
        super().paintEvent(event)

    def scrollContentsBy(self, dx: int, dy: int) -> None:  # noqa: N802 (Qt name)
        if not self._fitting:
            self._begin_motion()
        super().scrollContentsBy(dx, dy)

    def zoom(self) -> float:
        """Current scale factor (1.0 = 100%)."""
        return self.transform().m11()

    def zoom_by(self, factor: float) -> None:
        """Scale by ``factor``, kept between 20% (or what shows a big circuit whole) and
        400%."""
        low = min(MIN_ZOOM, self._fit_zoom())
        new = min(MAX_ZOOM, max(low, self.zoom() * factor))
        f = new / self.zoom()
        if abs(f - 1.0) > 1e-9:
            if not self._fitting:
                self.fitted = False  # the user chose a zoom: keep it
                self._begin_motion()
            self.scale(f, f)

    def zoom_in(self) -> None:
        self.zoom_by(1.25)

    def zoom_out(self) -> None:
        self.zoom_by(1 / 1.25)

    def zoom_reset(self) -> None:
        self.zoom_by(1.0 / self.zoom())

    def _fit_zoom(self) -> float:
        """The zoom at which the whole circuit fits in the view."""
        scene = self.scene()
        rect = scene.items_rect() if isinstance(scene, CircuitScene) else scene.itemsBoundingRect()
        vp = self.viewport().rect()
        if rect.width() <= 0 or rect.height() <= 0:
            return MIN_ZOOM
        return min(vp.width() / rect.width(), vp.height() / rect.height())

    def fit(self) -> None:
        """Show the whole circuit, however big (never magnified past 150%). Until the user
        zooms or pans, the view fits again whenever it changes size (presenter mode, a
        smaller window)."""
        scene = self.scene()
        rect = scene.items_rect() if isinstance(scene, CircuitScene) else scene.itemsBoundingRect()
        self._fitting = True
        try:
            self.fitInView(rect, Qt.AspectRatioMode.KeepAspectRatio)
            if self.zoom() > 1.5:
                self.zoom_by(1.5 / self.zoom())
            self.centerOn(rect.center())
        finally:
            self._fitting = False
        self.fitted = True

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        fitted = self.fitted
        super().resizeEvent(event)
        if fitted:
            self.fit()

    def cursor_scene_pos(self) -> QPointF | None:
        """Where the mouse is on the canvas, or None when it is elsewhere."""
        at = self.viewport().mapFromGlobal(QCursor.pos())
        if not self.viewport().rect().contains(at):
            return None
        return self.mapToScene(at)

    def visible_center(self) -> QPointF:
        """The scene point in the middle of the viewport (where palette clicks place parts)."""
        return self.mapToScene(self.viewport().rect().center())

    def hint_visible(self) -> bool:
        """True while the canvas is empty and says how to start."""
        scene = self.scene()
        return isinstance(scene, CircuitScene) and not scene.node_items and not scene.read_only

    def drawForeground(self, painter: QPainter, rect: QRectF) -> None:  # noqa: N802 (Qt name)
        super().drawForeground(painter, rect)
        if not self.hint_visible():
            return
        # An empty canvas says how to start, in screen pixels whatever the zoom.
        painter.save()
        painter.setWorldMatrixEnabled(False)
        painter.setPen(QColor("#94a3b8"))
        font = QFont(painter.font())
        font.setPointSizeF(11)
        painter.setFont(font)
        painter.drawText(
            self.viewport().rect(),
            int(Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap),
            "Click or drag a part from the palette to begin.\n"
            "Drag from a port to another port to wire them; click a switch to flip it.\n"
            "Or pick a level on the right and press Start.\n"
            "Keyboard: I, N and O place parts here; W wires the selected one (F1 lists keys).",
        )
        painter.restore()

    def wheelEvent(self, event: QWheelEvent) -> None:  # noqa: N802 (Qt name)
        delta = event.angleDelta().y()
        if delta == 0:
            super().wheelEvent(event)
            return
        self.zoom_by(1.0015**delta)  # one notch (120) is about 20%
        event.accept()

    def mousePressEvent(self, event) -> None:  # noqa: N802
        if event.button() == Qt.MouseButton.MiddleButton:
            self._pan_from = event.position()
            self.setCursor(Qt.CursorShape.ClosedHandCursor)
            event.accept()
            return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event) -> None:  # noqa: N802
        if self._pan_from is not None:
            d = event.position() - self._pan_from
            self._pan_from = event.position()
            self.fitted = False  # the user moved the view: keep it where they put it
            self.horizontalScrollBar().setValue(self.horizontalScrollBar().value() - int(d.x()))
            self.verticalScrollBar().setValue(self.verticalScrollBar().value() - int(d.y()))
            event.accept()
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802
        if self._pan_from is not None and event.button() == Qt.MouseButton.MiddleButton:
            self._pan_from = None
            self.unsetCursor()
            event.accept()
            return
        super().mouseReleaseEvent(event)


def _render_rect(scene: CircuitScene) -> QRectF:
    return scene.items_rect()


@contextmanager
def _clean(scene: CircuitScene) -> Iterator[None]:
    """No selection outlines and no dotted grid while drawing a picture of the scene."""
    selected = scene.selectedItems()
    scene.clearSelection()
    scene.plain_background = True
    try:
        yield
    finally:
        scene.plain_background = False
        for item in selected:
            item.setSelected(True)


def export_png(scene: CircuitScene, path: str | Path, scale: float = 2.0) -> None:
    """Draw the circuit (not the empty canvas around it) into a PNG at ``scale``x."""
    rect = _render_rect(scene)
    size = QSize(max(1, int(rect.width() * scale)), max(1, int(rect.height() * scale)))
    image = QImage(size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.white)
    with _clean(scene):
        painter = QPainter(image)
        painter.setRenderHints(
            QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing
        )
        scene.render(painter, QRectF(0, 0, size.width(), size.height()), rect)
        painter.end()
    if not image.save(str(path), "PNG"):
        raise OSError(f"could not write {path}")


def export_svg(scene: CircuitScene, path: str | Path, title: str = "circuit") -> None:
    """Write the circuit as an SVG drawing."""
    rect = _render_rect(scene)
    gen = QSvgGenerator()
    gen.setFileName(str(path))
    gen.setSize(QSize(int(rect.width()), int(rect.height())))
    gen.setViewBox(QRectF(0, 0, rect.width(), rect.height()))
    gen.setTitle(title)
    gen.setDescription("Logic circuit drawn by nnviz")
    with _clean(scene):
        painter = QPainter()
        if not painter.begin(gen):
            raise OSError(f"could not write {path}")
        painter.setRenderHints(
            QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing
        )
        scene.render(painter, QRectF(0, 0, rect.width(), rect.height()), rect)
        painter.end()
    if not Path(path).exists():
        raise OSError(f"could not write {path}")
