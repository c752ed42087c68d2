"""Editing one weight or bias in place: a small box over the canvas, typed or dragged.

It opens at the neuron or edge that was double-clicked, with the parameter's symbol, a spin box
(type a value, or use the wheel and arrow keys) and a slider (drag it). Return or leaving the box
applies the value, Escape puts the old one back; nothing is modal, so the weight image and the
plots stay in view.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPoint, Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QDoubleSpinBox, QFrame, QHBoxLayout, QLabel, QSlider, QWidget

SLIDER_STEPS = 1000


class ParameterEditor(QFrame):
    """``committed(value)`` once the user is done; ``cancelled()`` on Escape."""

    committed = Signal(float)
    cancelled = Signal()

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.setObjectName("parameterEditor")
        self.label = QLabel()
        self.spin = QDoubleSpinBox()
        self.spin.setDecimals(4)
        self.spin.setRange(-1e6, 1e6)
        self.spin.setSingleStep(0.1)
        self.spin.setKeyboardTracking(False)
        self.spin.setMinimumWidth(110)
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(-SLIDER_STEPS, SLIDER_STEPS)
        self.slider.setMinimumWidth(140)
        self.slider.setToolTip("drag to change the value")
        self.slider.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the spin box keeps the focus
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.addWidget(self.label)
        layout.addWidget(self.spin)
        layout.addWidget(self.slider)
        self._reach = 1.0
        self._done = True
        self.slider.valueChanged.connect(self._on_slider)
        self.slider.sliderReleased.connect(self._commit)
        self.spin.lineEdit().returnPressed.connect(self._commit)
        self.spin.installEventFilter(self)
        self.hide()

    def open(self, symbol: str, value: float, at: QPoint) -> None:
        """Show the box near ``at`` (parent coordinates) for a parameter now ``value``."""
        self.label.setText(f"{symbol} =")
        self._original = float(value)
        # The slider reaches 4 either side, or twice the value if that is further.
        self._reach = max(4.0, 2 * abs(value))
        self.spin.blockSignals(True)
        self.spin.setValue(value)
        self.spin.blockSignals(False)
        self._set_slider(value)
        self.adjustSize()
        parent = self.parentWidget()
        x = min(max(0, at.x() + 12), max(0, parent.width() - self.width()))
        y = min(max(0, at.y() - self.height() // 2), max(0, parent.height() - self.height()))
        self.move(x, y)
        self._done = False
        self.show()
        self.raise_()
        self.spin.setFocus()
        self.spin.selectAll()

    def set_scale(self, scale: float) -> None:
        """Presenter mode: the box's text grows with the rest."""
        font = QFont()
        font.setPointSizeF((QFont().pointSizeF() or 9.0) * max(1.0, scale))
        for w in (self.label, self.spin):
            w.setFont(font)

    def is_open(self) -> bool:
        return not self._done

    def value(self) -> float:
        return self.spin.value()

    def _set_slider(self, value: float) -> None:
        self.slider.blockSignals(True)
        self.slider.setValue(round(SLIDER_STEPS * max(-1.0, min(1.0, value / self._reach))))
        self.slider.blockSignals(False)

    def _on_slider(self, step: int) -> None:
        self.spin.blockSignals(True)
        self.spin.setValue(self._reach * step / SLIDER_STEPS)
        self.spin.blockSignals(False)

    def _commit(self) -> None:
        if self._done:
            return
        self._done = True
        self.hide()
        self.committed.emit(self.spin.value())

    def cancel(self) -> None:
        if self._done:
            return
        self._done = True
        self.hide()
        self.cancelled.emit()

    def eventFilter(self, obj, event) -> bool:
        if event.type() == QEvent.Type.KeyPress and event.key() == Qt.Key.Key_Escape:
            self.cancel()
            return True
        if event.type() == QEvent.Type.FocusOut:
            # Focus left the box (a click on the canvas, another window): keep the value.
            self._commit()
        return super().eventFilter(obj, event)
