"""Packaging glue that pyproject.toml cannot express: the shipped folders.

`data/` (presets, example circuits, lecture decks) and `resources/` (icons, styles, the
desktop file) stay at the top of the repository, where people look for them, and go into the
package as `nnviz.shipped` and `nnviz.resources`. nnviz finds them with importlib.resources,
so the same code works from a wheel, from pipx and from an editable install.
"""

from pathlib import Path

from setuptools import find_packages, setup

SHIPPED = {"nnviz.shipped": "data", "nnviz.resources": "resources"}


def shipped_packages() -> list[str]:
    names = []
    for package, folder in SHIPPED.items():
        root = Path(folder)
        for sub in [root, *sorted(p for p in root.rglob("*") if p.is_dir())]:
            if sub.name == "__pycache__":
                continue
            rel = sub.relative_to(root).parts
            names.append(".".join((package, *rel)))
    return names


setup(
    packages=find_packages(include=["nnviz", "nnviz.*"]) + shipped_packages(),
    package_dir=SHIPPED,
    package_data={name: ["*"] for name in shipped_packages()},
)
