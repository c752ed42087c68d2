"""UI test fixtures. (Threads and processes left running are caught in tests/conftest.py.)"""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True, scope="session")
def _clear_clipboard_at_exit(qapp):
    """Data a test put on the clipboard must be freed while Python still runs: Qt deletes it
    at process exit otherwise, after the interpreter is gone, and that crashes."""
    yield
    qapp.clipboard().clear()
    qapp.processEvents()
