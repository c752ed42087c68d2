"""The application shell: start-up, the main window that composes the feature tabs, themes and the
MNIST download dialog.
"""
