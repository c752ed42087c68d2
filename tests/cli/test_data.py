"""`nnviz data ...` and `nnviz baseline ...`: output, messages and exit codes."""

from __future__ import annotations

import gzip
import hashlib
import subprocess
import sys
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest

from nnviz.cli import main
from nnviz.core.datasets import download
from nnviz.core.datasets.mnist import MNIST_FILES


@pytest.fixture
def no_mnist(monkeypatch):
    """No $NNVIZ_MNIST_DIR: the default folder is inside this test's empty user data dir."""
    monkeypatch.delenv("NNVIZ_MNIST_DIR", raising=False)


@pytest.fixture
def served(tmp_path, monkeypatch):
    """Four small fake .gz files on a loopback HTTP server; their md5s replace the real ones."""
    root = tmp_path / "served" / "mnist"
    root.mkdir(parents=True)
    sums = {}
    for i, base in enumerate(MNIST_FILES.values()):
        raw = bytes((j * 7 + i) % 251 for j in range(200_000 + i))
        (root / f"{base}.gz").write_bytes(gzip.compress(raw))
        sums[base] = hashlib.md5(raw).hexdigest()
    monkeypatch.setattr(download, "MNIST_MD5", sums)

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(
        ("127.0.0.1", 0), partial(Quiet, directory=str(tmp_path / "served"))
    )
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/mnist/"
    server.shutdown()
    server.server_close()
    thread.join(5)


def one_error_line(capsys) -> str:
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "Traceback" not in err, err
    return err


# --------------------------------------------------------------------------------------------
# nnviz data
# --------------------------------------------------------------------------------------------


@pytest.mark.mnist
def test_info_and_verify_real_mnist(mnist_path, capsys):
    assert main(["data", "info", "--data-dir", str(mnist_path)]) == 0
    out = capsys.readouterr().out
    assert str(mnist_path) in out and "60,000 examples" in out and "10,000 examples" in out
    assert main(["data", "verify", "--data-dir", str(mnist_path)]) == 0
    out = capsys.readouterr().out
    assert out.count("ok ") == 4 and "6bbc9ace898e44ae57da46a324031adb" in out


def test_info_without_mnist(no_mnist, tmp_path, capsys):
    assert main(["data", "info"]) == 0
    out = capsys.readouterr().out
    assert str(tmp_path / "user-data" / "mnist") in out and "nnviz data download" in out


@pytest.mark.parametrize("action", ["info", "verify"])
def test_missing_data_dir_is_one_line_exit_2(action, tmp_path, capsys):
    assert main(["data", action, "--data-dir", str(tmp_path / "nope")]) == 2
    assert "does not exist" in one_error_line(capsys)


def test_download_then_verify(served, tmp_path, capsys):
    folder = tmp_path / "dl"
    assert main(["data", "download", "--data-dir", str(folder), "--mirror", served]) == 0
    captured = capsys.readouterr()
    assert "MNIST is ready" in captured.out
    assert captured.err.count("downloading t10k") == 2  # one line per file when not a tty
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        f"{b}.gz" for b in MNIST_FILES.values()
    )

    assert main(["data", "verify", "--data-dir", str(folder)]) == 0
    capsys.readouterr()
    # damage one file: verify fails with what to do, and download repairs it
    victim = folder / "train-labels-idx1-ubyte.gz"
    victim.write_bytes(victim.read_bytes()[:-30])
    assert main(["data", "verify", "--data-dir", str(folder)]) == 1
    captured = capsys.readouterr()
    assert "BAD train-labels-idx1-ubyte.gz" in captured.out
    assert "nnviz data download" in captured.err
    assert main(["data", "download", "--data-dir", str(folder), "--mirror", served]) == 0
    assert "downloading it again" in capsys.readouterr().err
    assert main(["data", "verify", "--data-dir", str(folder)]) == 0


def test_download_all_mirrors_dead(served, tmp_path, capsys):
    dead = served.replace("/mnist/", "/elsewhere/")  # 404 for every file
    assert main(["data", "download", "--data-dir", str(tmp_path / "dl"), "--mirror", dead]) == 2
    err = capsys.readouterr().err.strip().splitlines()[-1]
    assert err.startswith("nnviz data: error: could not download") and dead in err


def test_ctrl_c_cancels_cleanly(served, tmp_path, capsys, monkeypatch):
    from nnviz.cli import data as cli_data

    calls = []

    def interrupted(self, done, total, name):
        calls.append(done)
        if len(calls) == 2:
            raise KeyboardInterrupt

    monkeypatch.setattr(cli_data._ProgressBar, "__call__", interrupted)
    folder = tmp_path / "dl"
    assert main(["data", "download", "--data-dir", str(folder), "--mirror", served]) == 130
    assert "cancelled" in capsys.readouterr().err
    assert list(folder.iterdir()) == []


# --------------------------------------------------------------------------------------------
# nnviz baseline
# --------------------------------------------------------------------------------------------


@pytest.mark.mnist
def test_darkness_on_mnist(mnist_path, capsys):
    assert main(["baseline", "darkness", "--data-dir", str(mnist_path)]) == 0
    assert capsys.readouterr().out.strip() == "2225 / 10000"


@pytest.mark.mnist
def test_mnist_is_the_default_when_found(mnist_path, monkeypatch, capsys):
    monkeypatch.setenv("NNVIZ_MNIST_DIR", str(mnist_path))
    assert main(["baseline", "random"]) == 0
    correct, total = capsys.readouterr().out.strip().split(" / ")
    assert total == "10000" and 850 < int(correct) < 1150


def test_no_mnist_says_how_to_get_it(no_mnist, capsys):
    assert main(["baseline", "darkness"]) == 2
    err = one_error_line(capsys)
    assert "MNIST was not found" in err and "nnviz data download" in err and "digits" in err


def test_svm_on_digits_prints_settings_then_caches(capsys):
    assert main(["baseline", "svm", "--dataset", "digits", "--train-limit", "300"]) == 0
    captured = capsys.readouterr()
    correct, total = captured.out.strip().split(" / ")
    assert total == "300" and 240 < int(correct) <= 300
    import sklearn

    assert sklearn.__version__ in captured.err and "rbf" in captured.err
    assert "cached" in captured.err and "about" in captured.err
    assert main(["baseline", "svm", "--dataset", "digits", "--train-limit", "300"]) == 0
    again = capsys.readouterr()
    assert again.out == captured.out and "using the cached result" in again.err


@pytest.mark.parametrize(
    "argv, match",
    [
        (["baseline", "svm", "--dataset", "digits", "--train-limit", "0"], "at least 1"),
        (["baseline", "svm", "--dataset", "digits", "--gamma", "huge"], "--gamma"),
        (["baseline", "darkness", "--data-dir", "/definitely/not/here"], "does not exist"),
    ],
)
def test_baseline_bad_arguments(argv, match, capsys):
    assert main(argv) == 2
    assert match in one_error_line(capsys)


def test_cli_error_has_no_traceback_in_a_real_process(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "nnviz", "baseline", "darkness", "--data-dir", str(tmp_path / "x")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr


def test_svm_defaults_to_the_books_gamma_and_names_todays(capsys):
    from sklearn.svm import SVC

    from nnviz.core.datasets.builtin import load_digits

    ds = load_digits()
    small = ds.train.head(300)

    def sk(gamma):
        pred = SVC(gamma=gamma).fit(small.x / 16.0, small.labels).predict(ds.test.x / 16.0)
        return int((pred == ds.test.labels).sum())

    assert main(["baseline", "svm", "--dataset", "digits", "--train-limit", "300"]) == 0
    out = capsys.readouterr()
    assert out.out == f"{sk('auto')} / 300\n" and "gamma='auto'" in out.err
    assert "scikit-learn's default today, gamma='scale': not run yet (--gamma scale)" in out.err
    argv = ["baseline", "svm", "--dataset", "digits", "--train-limit", "300", "--gamma", "scale"]
    assert main(argv) == 0
    out = capsys.readouterr()
    assert out.out == f"{sk('scale')} / 300\n"
    assert f"the book's setting, gamma='auto': {sk('auto')} / 300 (cached)" in out.err
