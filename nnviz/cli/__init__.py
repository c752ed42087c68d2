"""Command line: `nnviz [subcommand] ...`.

Every module in this package that defines ``register(subparsers)`` adds one subcommand; the
parser it adds must ``set_defaults(func=...)`` with a function taking the parsed arguments and
returning an exit code. With no subcommand the GUI opens.
"""

from __future__ import annotations

import signal
import sys


def _interrupt(_signum: int, _frame: object) -> None:
    raise KeyboardInterrupt


# First, before any other import: SIGTERM ends a command as Ctrl-C does (its outputs are
# dropped or kept whole), and an interrupt during the imports below is caught by main().
try:
    signal.signal(signal.SIGTERM, _interrupt)
except ValueError:  # not the main thread (imported by a test's worker thread)
    pass

try:
    import argparse
    import importlib
    import os
    import pkgutil

    import nnviz
    from nnviz.core.errors import UsageError
except KeyboardInterrupt:  # before main() could catch it
    sys.stderr.write("interrupted\n")
    raise SystemExit(130) from None


class _HelpFormatter(argparse.HelpFormatter):
    """Shows every option's default in its help line, unless it has none worth showing."""

    def _get_help_string(self, action: argparse.Action) -> str:
        text = action.help or ""
        default = action.default
        if (
            "default" in text
            or not action.option_strings
            or default in (None, False, argparse.SUPPRESS)
            or action.nargs == 0
        ):
            return text
        return f"{text} (default: %(default)s)"


class _Parser(argparse.ArgumentParser):
    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("formatter_class", _HelpFormatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str):  # one clear line, no usage dump, exit 2
        sys.stderr.write(f"{self.prog}: error: {message} (see '{self.prog} --help')\n")
        raise SystemExit(2)


def _data_note() -> str:
    from nnviz.paths import user_data_dir

    return (
        "data: MNIST is read from --data-dir, else $NNVIZ_MNIST_DIR, else "
        f"{user_data_dir() / 'mnist'} (where `nnviz data download` puts it); without it, "
        "nnviz trains on the 8x8 digits built into scikit-learn. Example circuits ship with "
        "nnviz: `nnviz circuit list`."
    )


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="nnviz",
        description="See and touch how neural networks learn. With no command, opens the app.",
        epilog=_data_note(),
    )
    parser.add_argument("--version", action="version", version=f"nnviz {nnviz.__version__}")
    parser.add_argument("--present", action="store_true", help="start the app in presenter mode")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        if hasattr(module, "register"):
            module.register(sub)
    return parser


def entry() -> None:
    """The ``nnviz`` console script: main(), then exit with its status. Once the work is done a
    late Ctrl-C changes nothing (it used to end Python by SIGINT after the files were written)."""
    code = main()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, signal.SIG_IGN)
    sys.exit(code)


def main(argv: list[str] | None = None) -> int:
    """Run a command; Ctrl-C or SIGTERM at any moment (imports included) ends it with one
    line and status 130, never a traceback."""
    try:
        return _main(argv)
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        return 130


def _main(argv: list[str] | None) -> int:
    if not (sys.argv[1:] if argv is None else argv):
        # Plain `nnviz` opens the app at once: building the whole parser imports every
        # command's module (a sixth of a second the window would wait for).
        from nnviz.ui.shell.app import run_app

        return run_app(argparse.Namespace(command=None, present=False))
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        from nnviz.ui.shell.app import run_app

        return run_app(args)
    try:
        return int(args.func(args) or 0)
    except UsageError as exc:
        sys.stderr.write(f"nnviz {args.command}: error: {exc}\n")
        return 2
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        return 130
    except (OSError, ValueError, MemoryError, OverflowError, RecursionError) as exc:
        # Last resort: every known bad input has its own message above; this keeps an
        # unforeseen one to a line too (NNVIZ_DEBUG=1 shows the traceback).
        if os.environ.get("NNVIZ_DEBUG"):
            raise
        text = " ".join(str(exc).split())[:300] or type(exc).__name__
        sys.stderr.write(f"nnviz {args.command}: error: {text}\n")
        return 1
