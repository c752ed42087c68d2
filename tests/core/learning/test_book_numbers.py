"""Chapter 1's numbers, reproduced on real MNIST from the command line.

These run the real `nnviz train` (they skip when MNIST is not available). The full 30-epoch
run takes about a minute on two cores.
"""

import re
import subprocess
import sys
import warnings

import numpy as np
import pytest

from nnviz.core.datasets.mnist import load_mnist
from nnviz.core.learning.network import Network
from nnviz.core.learning.snapshot import EPOCH
from nnviz.core.learning.training import TrainConfig, train

pytestmark = pytest.mark.mnist

LINE = re.compile(r"^Epoch (\d+): (\d+) / 10000\b")


def nnviz_train(mnist_path, *args):
    out = subprocess.run(
        [sys.executable, "-m", "nnviz", "train", "--data-dir", str(mnist_path), *args],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert out.returncode == 0, out.stderr
    assert "Warning" not in out.stderr and "nan" not in out.stdout.lower()
    counts = [int(m.group(2)) for m in map(LINE.match, out.stdout.splitlines()) if m]
    return counts


@pytest.mark.slow
def test_book_network_reaches_the_books_accuracy(mnist_path):
    counts = nnviz_train(
        mnist_path,
        "--sizes",
        "784,30,10",
        "--epochs",
        "30",
        "--batch-size",
        "10",
        "--eta",
        "3.0",
        "--seed",
        "1",
    )
    assert len(counts) == 30
    assert counts[0] >= 9000, counts  # epoch 0 >= 90%
    assert max(counts) >= 9480, counts  # best epoch >= 94.8% (the book: 95.42%)


def _epochs(mnist_path, eta, epochs):
    ds = load_mnist(mnist_path)
    net = Network([784, 30, 10], seed=2, dtype=np.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow warnings, even at eta = 100
        recs = train(net, ds, TrainConfig(epochs=epochs, batch_size=10, eta=eta, seed=2))
        return [r for r in recs if r.kind == EPOCH], net


@pytest.mark.slow
def test_tiny_learning_rate_learns_slowly(mnist_path):
    epochs, _ = _epochs(mnist_path, 0.001, 5)
    accuracies = [r.test_accuracy for r in epochs]
    assert max(accuracies) < 0.40, accuracies


@pytest.mark.slow
def test_huge_learning_rate_stays_near_chance_without_nan(mnist_path):
    epochs, net = _epochs(mnist_path, 100.0, 3)
    accuracies = [r.test_accuracy for r in epochs]
    assert max(accuracies) < 0.25, accuracies
    assert all(np.isfinite(r.cost) for r in epochs) and net.params_finite()


def test_darkness_baseline_is_exactly_the_books(mnist_path):
    out = subprocess.run(
        [sys.executable, "-m", "nnviz", "baseline", "darkness", "--data-dir", str(mnist_path)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "2225 / 10000"


@pytest.mark.slow
def test_a_full_mnist_run_stays_under_600_mb(mnist_path):
    """Peak resident memory of `nnviz train` on MNIST (float64, the bigger case), as the
    kernel counts it for the child's own address space: VmHWM, which starts afresh at exec.
    (ru_maxrss would not: Linux keeps it across exec, so a child forked from a big pytest
    process reports the parent's size.)"""
    code = (
        "import sys\n"
        "from nnviz.cli import main\n"
        f"rc = main(['train', '--data-dir', {str(mnist_path)!r}, '--epochs', '1', "
        "'--seed', '0', '--dtype', 'float64'])\n"
        "hwm = [l for l in open('/proc/self/status') if l.startswith('VmHWM:')]\n"
        "print(hwm[0].split()[1])\n"
        "sys.exit(rc)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr
    peak_mb = int(out.stdout.strip().splitlines()[-1]) / 1024  # VmHWM is in kB
    assert 50 < peak_mb < 600, peak_mb
