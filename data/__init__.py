"""The files nnviz ships (presets, example circuits, decks): `nnviz.shipped` once installed."""
