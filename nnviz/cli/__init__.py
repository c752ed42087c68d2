"""Command line: `nnviz [subcommand] ...`.

Every module in this package that defines ``register(subparsers)`` adds one subcommand; the
parser it adds must ``set_defaults(func=...)`` with a function taking the parsed arguments and
returning an exit code. With no subcommand the GUI opens.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys

from nnviz import __version__
from nnviz.core.errors import UsageError


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one clear line, no usage dump, exit 2
        sys.stderr.write(f"{self.prog}: error: {message} (see '{self.prog} --help')\n")
        raise SystemExit(2)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="nnviz",
        description="See and touch how neural networks learn. With no command, opens the app.",
    )
    parser.add_argument("--version", action="version", version=f"nnviz {__version__}")
    parser.add_argument("--present", action="store_true", help="start the app in presenter mode")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        if hasattr(module, "register"):
            module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
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
