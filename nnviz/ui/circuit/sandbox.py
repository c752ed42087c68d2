"""Placeholder until the circuit sandbox lands (issue 5)."""

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget


class CircuitSandbox(QWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        QVBoxLayout(self).addWidget(QLabel("The circuit sandbox is being built."))
