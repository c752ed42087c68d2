"""Small controls for the perceptron lab: a slider and spin box kept in sync, and an output lamp."""

from __future__ import annotations

import math

from PySide6.QtCore import QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import QDoubleSpinBox, QHBoxLayout, QLabel, QSlider, QWidget

# Okabe-Ito orange and blue: told apart by colour-blind readers as well.
COLOR_ONE = QColor("#E69F00")
COLOR_ZERO = QColor("#0072B2")
COLOR_OFF = QColor("#d9dde3")


def mix(a: QColor, b: QColor, t: float) -> QColor:
    """The colour a fraction ``t`` (0..1) of the way from ``a`` to ``b``."""
    t = min(max(t, 0.0), 1.0)
    return QColor(
        round(a.red() + (b.red() - a.red()) * t),
        round(a.green() + (b.green() - a.green()) * t),
        round(a.blue() + (b.blue() - a.blue()) * t),
    )


class ParamRow(QWidget):
    """A labelled parameter: a slider for dragging and a spin box for exact values.

    The spin box holds the value; the slider follows it at its own resolution and never
    writes back a rounded value unless the user moves it. With ``log=True`` the slider
    moves along log10 of the value (for the scale factor c).
    """

    valueChanged = Signal(float)

    _STEPS = 1000  # slider resolution for log scale

    def __init__(
        self,
        label: str,
        minimum: float,
        maximum: float,
        value: float = 0.0,
        step: float = 0.5,
        decimals: int = 2,
        log: bool = False,
        slider_resolution: float = 0.1,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self._log = log
        self._res = slider_resolution
        self._min, self._max = minimum, maximum
        self.label = QLabel(label)
        self.label.setMinimumWidth(72)
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setMinimumWidth(110)
        if log:
            self.slider.setRange(0, self._STEPS)
        else:
            lo, hi = round(minimum / slider_resolution), round(maximum / slider_resolution)
            self.slider.setRange(lo, hi)
        self.spin = QDoubleSpinBox()
        self.spin.setRange(minimum, maximum)
        self.spin.setDecimals(decimals)
        self.spin.setSingleStep(step)
        self.spin.setKeyboardTracking(False)  # typing "-2" must not fire "-" then "-2"
        self.spin.setMinimumWidth(78)
        self.spin.setAlignment(Qt.AlignmentFlag.AlignRight)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.slider, 1)
        layout.addWidget(self.spin)
        self.slider.valueChanged.connect(self._on_slider)
        self.spin.valueChanged.connect(self._on_spin)
        self._name_controls(label)
        self.setValue(value)

    def _name_controls(self, label: str) -> None:
        # The label names the box (its buddy) and the slider, for a screen reader.
        self.label.setBuddy(self.spin)
        plain = label.rstrip(": ").replace("&", "") or "value"
        if plain[:1] in "wx" and plain[1:].isdigit():  # w1 is a weight, x1 an input
            plain = f"{'weight' if plain[0] == 'w' else 'input'} {plain}"
        elif plain in ("b", "scale c"):
            plain = {"b": "bias b", "scale c": "sigmoid scale c"}[plain]
        self.slider.setAccessibleName(f"{plain} slider")
        self.spin.setAccessibleName(plain)

    def value(self) -> float:
        return self.spin.value()

    def setValue(self, value: float) -> None:
        """Set without emitting ``valueChanged`` (the caller already knows)."""
        self.spin.blockSignals(True)
        self.spin.setValue(value)
        self.spin.blockSignals(False)
        self._sync_slider()

    def setLabel(self, text: str) -> None:
        self.label.setText(text)
        self._name_controls(text)

    def _slider_pos(self, value: float) -> int:
        if self._log:
            lo, hi = math.log10(self._min), math.log10(self._max)
            return round((math.log10(max(value, self._min)) - lo) / (hi - lo) * self._STEPS)
        return round(value / self._res)

    def _slider_value(self, pos: int) -> float:
        if self._log:
            lo, hi = math.log10(self._min), math.log10(self._max)
            return 10 ** (lo + (hi - lo) * pos / self._STEPS)
        return pos * self._res

    def _sync_slider(self) -> None:
        self.slider.blockSignals(True)
        self.slider.setValue(self._slider_pos(self.spin.value()))
        self.slider.blockSignals(False)

    def _on_slider(self, pos: int) -> None:
        self.spin.blockSignals(True)
        self.spin.setValue(self._slider_value(pos))
        self.spin.blockSignals(False)
        self.valueChanged.emit(self.spin.value())

    def _on_spin(self, value: float) -> None:
        self._sync_slider()
        self.valueChanged.emit(value)


class Lamp(QWidget):
    """A round lamp: dark at 0, fully lit at 1, in between for a sigmoid output."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._value = 0.0
        self._text = "0"
        self.setMinimumSize(64, 64)
        self.setToolTip("The neuron's output")

    def sizeHint(self) -> QSize:
        return QSize(72, 72)

    def value(self) -> float:
        return self._value

    def text(self) -> str:
        return self._text

    def setValue(self, value: float, text: str) -> None:
        self._value = float(value)
        self._text = text
        self.update()

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        side = min(self.width(), self.height()) - 6
        rect = QRectF((self.width() - side) / 2, (self.height() - side) / 2, side, side)
        fill = mix(COLOR_OFF, COLOR_ONE, self._value)
        painter.setPen(QPen(QColor("#5a5f66"), 2))
        painter.setBrush(fill)
        painter.drawEllipse(rect)
        font = QFont(self.font())
        font.setBold(True)
        font.setPointSizeF(max(8.0, side / (4.2 if len(self._text) < 4 else 6.0)))
        painter.setFont(font)
        painter.setPen(QColor("#1d1f22"))
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, self._text)
        painter.end()
