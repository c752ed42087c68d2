"""`nnviz install-desktop`: put nnviz into the applications menu of a Linux desktop."""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path

DESKTOP_NAME = "nnviz.desktop"
ICON_NAME = "nnviz.svg"


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "install-desktop",
        help="add nnviz to your desktop's applications menu (Linux)",
        description="Install nnviz's desktop entry and icon into your user's XDG folders "
        "($XDG_DATA_HOME, normally ~/.local/share), so nnviz appears in the applications "
        "menu and the task switcher shows its icon. --uninstall removes them again.",
    )
    p.add_argument(
        "--uninstall", action="store_true", help="remove the entry and icon installed before"
    )
    p.set_defaults(func=run)


def xdg_data_home() -> Path:
    env = os.environ.get("XDG_DATA_HOME")
    return Path(env).expanduser() if env else Path.home() / ".local" / "share"


def targets(base: Path | None = None) -> tuple[Path, Path]:
    """Where the desktop entry and the icon go."""
    base = xdg_data_home() if base is None else base
    return (
        base / "applications" / DESKTOP_NAME,
        base / "icons" / "hicolor" / "scalable" / "apps" / ICON_NAME,
    )


def desktop_entry(executable: str) -> str:
    """The shipped desktop entry with Exec pointing at this installation's nnviz."""
    from nnviz.paths import RESOURCES

    lines = []
    for line in (RESOURCES / DESKTOP_NAME).read_text().splitlines():
        if line.startswith("Exec="):
            line = f"Exec={_quote(executable)}"
        lines.append(line)
    return "\n".join(lines) + "\n"


def _quote(path: str) -> str:
    # The desktop entry spec quotes arguments that hold spaces with double quotes.
    return f'"{path}"' if any(c in path for c in ' \t"') else path


def _executable() -> str:
    found = shutil.which("nnviz")
    here = Path(sys.argv[0]).resolve() if sys.argv and sys.argv[0] else None
    if here is not None and here.name == "nnviz" and here.exists():
        return str(here)  # the nnviz that is running, even outside PATH (a venv)
    return found or "nnviz"


def run(args: argparse.Namespace) -> int:
    from nnviz.core.errors import UsageError
    from nnviz.core.io.atomic import atomic_write
    from nnviz.paths import RESOURCES

    entry, icon = targets()
    if args.uninstall:
        removed = [p for p in (entry, icon) if p.is_file()]
        for p in removed:
            p.unlink()
        print(f"removed {len(removed)} file(s)" + "".join(f"\n  {p}" for p in removed))
        return 0
    try:
        text = desktop_entry(_executable())
        for target in (entry, icon):
            target.parent.mkdir(parents=True, exist_ok=True)
        with atomic_write(entry) as fh:
            fh.write(text)
        with atomic_write(icon, binary=True) as fh:
            fh.write((RESOURCES / "icons" / ICON_NAME).read_bytes())
    except OSError as exc:
        raise UsageError(
            f"cannot write {exc.filename or entry}: {exc.strerror or exc}; "
            "check that your home folder is writable"
        ) from None
    print(f"installed {entry}\ninstalled {icon}")
    print("nnviz is now in your applications menu (log out and in if it does not show yet)")
    return 0
