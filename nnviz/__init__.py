"""nnviz: see and touch how neural networks learn (Nielsen, chapters 1 and 2).

``nnviz.watch(net)`` shows a network of your own learning (one line before ``net.SGD``);
``nnviz.open_recording(path)`` reads a recording back. See ``nnviz.core.watch``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # nothing else is imported: the command line starts here, and a Ctrl-C
    import os  # in an import before its handler would print a traceback
    from typing import Any


def watch(
    net: Any,
    *,
    record: str | os.PathLike[str] | None = None,
    show: bool = True,
    title: str | None = None,
) -> Any:
    """Watch ``net`` (shaped like the book's Network) learn: a window follows its training and,
    with ``record=``, an nnviz recording is written. Call it before ``net.SGD(...)``."""
    from nnviz.core.watch import watch as _watch

    return _watch(net, record=record, show=show, title=title)


def unwatch(net: Any) -> None:
    """Stop watching ``net`` and give it back its own methods."""
    from nnviz.core.watch import unwatch as _unwatch

    _unwatch(net)


def open_recording(path: str | os.PathLike[str]) -> Any:
    """An nnviz recording read back: ``.snapshots[-1].weights`` and ``.biases`` are numpy
    arrays of the last state recorded."""
    from nnviz.core.watch import open_recording as _open

    return _open(path)


def __getattr__(name: str):
    # The version is read from the installed metadata when first asked for: importlib.metadata
    # costs about 50 ms, which every start of the app would otherwise pay.
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:  # one version, written in pyproject.toml
            value = version("nnviz")
        except PackageNotFoundError:  # a source tree on sys.path that was never installed
            value = "0+unknown"
        globals()["__version__"] = value
        return value
    raise AttributeError(f"module 'nnviz' has no attribute {name!r}")
