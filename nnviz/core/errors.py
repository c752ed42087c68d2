"""Error types shared by the core, the command line and the views.

Each carries a one-line message that says what went wrong and what to do; the CLI prints it
and exits, a view shows it in a banner or a dialog.
"""

from __future__ import annotations


class UsageError(Exception):
    """A bad argument or input: printed as one line on stderr, exit code 2."""


class DataError(Exception):
    """A data set could not be found or read; the message says what to do about it."""
