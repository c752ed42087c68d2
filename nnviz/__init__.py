"""nnviz: see and touch how neural networks learn (Nielsen, chapters 1 and 2)."""

from importlib.metadata import PackageNotFoundError, version

try:  # one version, written in pyproject.toml and read from the installed metadata
    __version__ = version("nnviz")
except PackageNotFoundError:  # a source tree on sys.path that was never installed
    __version__ = "0+unknown"
