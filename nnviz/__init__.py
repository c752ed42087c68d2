"""nnviz: see and touch how neural networks learn (Nielsen, chapters 1 and 2)."""


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
