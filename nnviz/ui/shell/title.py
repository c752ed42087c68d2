"""The main window's title (Qt appends the application's display name: "How neural networks
learn — nnviz"); the window and the recording indicator both use it."""

TITLE = "How neural networks learn"
