"""Placeholder until the perceptron lab lands (issue 4)."""

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget


class PerceptronLab(QWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        QVBoxLayout(self).addWidget(QLabel("The perceptron lab is being built."))
