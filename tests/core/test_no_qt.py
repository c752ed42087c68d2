"""The core must stay pure numpy: importing all of it loads no Qt and no UI module."""

import subprocess
import sys
import textwrap


def test_core_imports_no_qt():
    code = textwrap.dedent(
        """
        import importlib, pkgutil, sys
        import nnviz.core
        for m in pkgutil.walk_packages(nnviz.core.__path__, "nnviz.core."):
            importlib.import_module(m.name)
        bad = sorted(n for n in sys.modules
                     if n.split(".")[0] in {"PySide6", "pyqtgraph", "shiboken6"}
                     or n.startswith("nnviz.ui"))
        print(",".join(bad))
        """
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"nnviz.core pulled in: {out.stdout.strip()}"
