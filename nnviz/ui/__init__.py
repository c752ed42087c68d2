"""The Qt shell of nnviz: windows, views, the training worker and undoable commands."""
