"""The main window: composition only. Each tab is a self-contained view."""

from __future__ import annotations

from PySide6.QtWidgets import QMainWindow, QTabWidget

from nnviz.ui.circuit.sandbox import CircuitSandbox
from nnviz.ui.perceptron_lab import PerceptronLab


class MainWindow(QMainWindow):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWindowTitle("nnviz")
        self.resize(1400, 900)
        self.tabs = QTabWidget()
        self.perceptron_lab = PerceptronLab()
        self.circuit_sandbox = CircuitSandbox()
        self.tabs.addTab(self.perceptron_lab, "Perceptron")
        self.tabs.addTab(self.circuit_sandbox, "Circuits")
        self.setCentralWidget(self.tabs)
