"""The window's start pays for no heavy module it does not use yet (issue 16, start-up)."""

import os
import subprocess
import sys
import textwrap


def test_shown_window_has_not_imported_numba_scipy_or_sklearn(tmp_path):
    code = textwrap.dedent(
        """
        import sys
        from nnviz.ui.shell.app import make_app
        from nnviz.ui.shell.main_window import MainWindow
        app = make_app()
        w = MainWindow()
        w.show()
        app.processEvents()
        print(sorted(m for m in ("numba", "scipy", "sklearn") if m in sys.modules))
        w.close()
        """
    )
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    env["NNVIZ_SETTINGS_PATH"] = str(tmp_path / "settings.ini")
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, env=env
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "[]"
