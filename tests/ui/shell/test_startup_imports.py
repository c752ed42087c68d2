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


def test_without_a_display_the_app_says_how_to_run_it_and_exits_2():
    """Over SSH or on a server: one line naming xvfb-run and the offscreen platform, exit 2,
    instead of Qt's abort with advice about libxcb-cursor0 (issue 32)."""
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.pop("QT_QPA_PLATFORM", None)
    done = subprocess.run(
        [sys.executable, "-m", "nnviz"], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "xvfb-run nnviz" in lines[0] and "offscreen" in lines[0]


def test_a_display_or_a_chosen_platform_is_enough():
    from nnviz.ui.shell.app import display_missing

    assert display_missing({}, "linux")
    assert not display_missing({"DISPLAY": ":0"}, "linux")
    assert not display_missing({"WAYLAND_DISPLAY": "wayland-0"}, "linux")
    assert not display_missing({"QT_QPA_PLATFORM": "offscreen"}, "linux")
    assert not display_missing({}, "darwin") and not display_missing({}, "win32")
