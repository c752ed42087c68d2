"""Pictures of a whole network drawing (not just the part in view), with its colour key:
PNG at a chosen scale and SVG with vector lines and text."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QImage, QPainter

from nnviz.ui.canvas.drawing import NetworkDrawing
from nnviz.ui.canvas.style import legend_size, paint_legend


def _render_whole(
    canvas: NetworkDrawing, painter: QPainter, size: QSize, scale: float = 1.0
) -> None:
    source = canvas.content_rect()
    target = QRectF(0, 0, size.width(), size.height())
    painter.fillRect(target, canvas.backgroundBrush().color())
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
    canvas.scene().render(painter, target, source, Qt.AspectRatioMode.KeepAspectRatio)
    if canvas.legend_visible():
        painter.resetTransform()
        painter.scale(scale, scale)
        paint_legend(painter, QPointF(8, size.height() / scale - legend_size()[1] - 8))


def _export_size(canvas: NetworkDrawing, scale: float) -> QSize:
    r = canvas.content_rect()
    lw, lh = legend_size()
    return QSize(int(r.width() * scale), int((r.height() + lh + 16) * scale))


def export_png(canvas: NetworkDrawing, path: str, scale: float = 2) -> bool:
    """Write the whole network (not just the visible part) as a PNG; True on success."""
    size = _export_size(canvas, scale)
    image = QImage(size, QImage.Format.Format_ARGB32)
    image.fill(canvas.backgroundBrush().color())
    painter = QPainter(image)
    _render_whole(canvas, painter, size, scale)
    painter.end()
    return image.save(str(path))


def export_svg(canvas: NetworkDrawing, path: str) -> bool:
    """Write the whole network as an SVG (vector lines and text)."""
    from PySide6.QtSvg import QSvgGenerator

    size = _export_size(canvas, 1.0)
    gen = QSvgGenerator()
    gen.setFileName(str(path))
    gen.setSize(size)
    gen.setViewBox(QRectF(0, 0, size.width(), size.height()))
    gen.setTitle("nnviz network")
    painter = QPainter(gen)
    _render_whole(canvas, painter, size)
    return painter.end()
