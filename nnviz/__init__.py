"""nnviz: see and touch how neural networks learn (Nielsen, chapters 1 and 2)."""

__version__ = "0.1.0"
