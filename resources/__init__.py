"""Icons, styles and the desktop file: `nnviz.resources` once installed."""
