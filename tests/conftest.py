"""Shared test set-up: offscreen Qt, the real-MNIST location, and a guard against stray threads."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Before any QApplication exists: tests never need a display.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Keep tests away from the user's real data, settings and autosaves.
os.environ.setdefault("NNVIZ_TESTING", "1")

ROOT = Path(__file__).resolve().parent.parent


def _user_mnist_dir() -> Path:
    # Read before any test swaps NNVIZ_DATA_DIR for a temporary folder.
    from nnviz.paths import user_data_dir

    return user_data_dir() / "mnist"


USER_MNIST = _user_mnist_dir()


def mnist_dir() -> Path | None:
    """The real MNIST folder: $NNVIZ_MNIST_DIR, else ../shared/data/mnist beside the project,
    else the per-user folder that `nnviz data download` fills."""
    env = os.environ.get("NNVIZ_MNIST_DIR")
    candidates = [Path(env)] if env else []
    candidates.append(ROOT.parent / "shared" / "data" / "mnist")
    candidates.append(USER_MNIST)
    for c in candidates:
        if (c / "t10k-labels-idx1-ubyte.gz").exists() or (c / "t10k-labels-idx1-ubyte").exists():
            return c
    return None


@pytest.fixture
def mnist_path() -> Path:
    path = mnist_dir()
    if path is None:
        pytest.skip(
            "real MNIST not found: run `nnviz data download` (or set NNVIZ_MNIST_DIR to a "
            "folder with the four MNIST files)"
        )
    return path


@pytest.fixture(autouse=True)
def _isolated_user_dirs(tmp_path, monkeypatch):
    """Every test gets its own data, state and settings folders."""
    monkeypatch.setenv("NNVIZ_DATA_DIR", str(tmp_path / "user-data"))
    monkeypatch.setenv("NNVIZ_STATE_DIR", str(tmp_path / "user-state"))
    monkeypatch.setenv("NNVIZ_SETTINGS_PATH", str(tmp_path / "settings.ini"))


@pytest.fixture
def mnist_present(tmp_path, monkeypatch) -> Path:
    """An MNIST folder that find_mnist() accepts (empty files: only presence is checked), set
    as $NNVIZ_MNIST_DIR. Loading it would fail; use it where the app only asks whether
    MNIST is there."""
    from nnviz.core.datasets.mnist import MNIST_FILES

    folder = tmp_path / "mnist-present"
    folder.mkdir()
    for base in MNIST_FILES.values():
        (folder / f"{base}.gz").write_bytes(b"")
    monkeypatch.setenv("NNVIZ_MNIST_DIR", str(folder))
    return folder
