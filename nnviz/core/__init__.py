"""The numpy core of nnviz: networks, training, data, perceptrons and circuits.

Nothing in this package imports Qt, pyqtgraph or `nnviz.ui`; a test enforces it.
"""
