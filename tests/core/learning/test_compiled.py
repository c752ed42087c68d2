"""The compiled SGD engine (numba, sparse first layer) against the book's per-example loop and
against the numpy engine."""

import warnings

import numpy as np
import pytest

from nnviz.core.datasets.dataset import Dataset, Split, one_hot
from nnviz.core.learning import training
from nnviz.core.learning.network import Network
from nnviz.core.learning.snapshot import CHUNK, DIVERGED, DONE, EPOCH
from nnviz.core.learning.training import TrainConfig, TrainControl, train, uses_compiled
from tests.core.learning.reference import ref_update_mini_batch

compiled = pytest.importorskip("nnviz.core.learning.compiled")
pytestmark = pytest.mark.skipif(not compiled.available(), reason="numba is not installed")


def strokes(n=600, side=8, seed=0) -> Dataset:
    """Mostly blank uint8 "images" of three classes: a row, a column or a diagonal of ink."""
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 3, n + 200)
    x = np.zeros((n + 200, side, side), dtype=np.uint8)
    for i, c in enumerate(labels):
        p = rng.integers(1, side - 1)
        ink = rng.integers(120, 256, side).astype(np.uint8)
        if c == 0:
            x[i, p, :] = ink
        elif c == 1:
            x[i, :, p] = ink
        else:
            x[i, np.arange(side), np.arange(side)] = ink
        x[i][rng.random((side, side)) < 0.05] = rng.integers(1, 256)  # specks
    x = x.reshape(len(x), -1)
    y = one_hot(labels, 3)
    return Dataset(
        "strokes",
        Split(x[:n], y[:n], labels[:n]),
        Split(x[n:], y[n:], labels[n:]),
        scale=1 / 255,
    )


def reference_epoch(net, ds, seed, m, eta):
    """The book's epoch, one example at a time, on train()'s shuffle."""
    ws = [w.copy() for w in net.weights]
    bs = [b.copy() for b in net.biases]
    n = len(ds.train)
    rows = np.random.default_rng([seed, 7]).permutation(n)
    x = ds.train.x[rows] * ds.scale
    y = ds.train.y[rows].astype(float)
    for k in range(0, n, m):
        batch = [(x[i, :, None], y[i, :, None]) for i in range(k, min(n, k + m))]
        ws, bs = ref_update_mini_batch(ws, bs, batch, eta)
    return ws, bs


@pytest.mark.parametrize(
    ("sizes", "n", "m", "chunk"),
    [
        ([64, 6, 3], 600, 10, 100),  # MNIST's shape in small: one hidden layer
        ([64, 7, 5, 3], 603, 7, 13),  # two hidden layers, a short last mini-batch
        ([64, 3], 300, 10, 1),  # no hidden layer: no padding, one mini-batch per call
        ([64, 30, 3], 250, 64, 2),  # a width that is already a multiple of 8 with its 1
    ],
)
def test_compiled_epoch_equals_reference(sizes, n, m, chunk):
    ds = strokes(n)
    assert np.mean(ds.train.x == 0) > 0.7  # the sparse path has zeros to skip
    net = Network(sizes, seed=4)
    ws, bs = reference_epoch(net, ds, 9, m, 1.5)
    config = TrainConfig(1, m, 1.5, seed=9, engine="compiled")
    records = list(train(net, ds, config, TrainControl(1.5, chunk)))
    assert sum(r.kind == CHUNK for r in records) == (-(-n // m) - 1) // chunk
    for l in range(len(sizes) - 1):
        np.testing.assert_allclose(net.weights[l], ws[l], atol=1e-12, rtol=0)
        np.testing.assert_allclose(net.biases[l], bs[l], atol=1e-12, rtol=0)


def test_compiled_cost_and_accuracy_match_the_numpy_engine():
    ds = strokes(800)
    a, b = Network([64, 12, 3], seed=1), Network([64, 12, 3], seed=1)
    ra = list(train(a, ds, TrainConfig(3, 10, 3.0, seed=2, engine="compiled")))
    rb = list(train(b, ds, TrainConfig(3, 10, 3.0, seed=2, engine="numpy")))
    assert [r.kind for r in ra] == [r.kind for r in rb]
    for x, y in zip(ra, rb):
        assert x.cost == pytest.approx(y.cost, rel=1e-9, nan_ok=True)
        assert x.batch_cost == pytest.approx(y.batch_cost, rel=1e-9, nan_ok=True)
        assert x.test_correct == y.test_correct and x.examples_seen == y.examples_seen
    for wa, wb in zip(a.weights, b.weights):
        np.testing.assert_allclose(wa, wb, atol=1e-9)


def test_float32_compiled_run_stays_close_to_float64():
    ds = strokes(600)
    a = Network([64, 10, 3], seed=3, dtype=np.float32)
    b = Network([64, 10, 3], seed=3, dtype=np.float64)
    list(train(a, ds, TrainConfig(1, 10, 3.0, seed=1, engine="compiled")))
    list(train(b, ds, TrainConfig(1, 10, 3.0, seed=1, engine="compiled")))
    assert a.weights[0].dtype == np.float32
    np.testing.assert_allclose(a.weights[0], b.weights[0], atol=1e-4)


def test_hand_edits_between_records_reach_the_compiled_run():
    ds = strokes(600)
    nets = {}
    for engine in ("compiled", "numpy"):
        net = Network([64, 6, 3], seed=0)
        gen = train(net, ds, TrainConfig(1, 10, 2.0, seed=5, engine=engine), TrainControl(2.0, 7))
        assert next(gen).kind == CHUNK
        net.weights[0][2, 27] = 3.5  # what the driver's "edit" command does
        net.biases[1][1, 0] = -2.0
        rest = list(gen)
        assert rest[-1].kind == DONE
        nets[engine] = net
    for wa, wb in zip(nets["compiled"].weights, nets["numpy"].weights):
        np.testing.assert_allclose(wa, wb, atol=1e-12, rtol=0)


def test_padding_stays_zero_and_the_network_is_current_at_every_record():
    ds = strokes(400)
    net = Network([64, 9, 3], seed=0)  # 9 + the constant unit = 10, padded to 16
    stepper = compiled.Stepper(net, ds.train.x, ds.train.y, ds.scale, 10)
    order = np.random.default_rng(0).permutation(400)
    before = [w.copy() for w in net.weights]
    stepper.run(order, 0, 400, 3.0)
    assert stepper.wts[0].shape == (65, 16) and stepper.wts[1].shape == (16, 3)
    assert not np.any(stepper.wts[0][:, 10:]) and not np.any(stepper.wts[1][10:])
    assert not np.array_equal(before[0], net.weights[0])  # copied back after the run
    np.testing.assert_array_equal(stepper.wts[0][:64, :9], net.weights[0].T)
    assert net._wb[0][9, -1] == 40.0 and not np.any(net._wb[0][9, :-1])  # constant unit


def test_sparse_rows_hold_exactly_the_nonzero_entries():
    rng = np.random.default_rng(0)
    x = (rng.random((50, 37)) < 0.3) * rng.integers(1, 256, (50, 37))
    x = x.astype(np.uint8)
    x[7] = 0  # an empty row
    rows = compiled.SparseRows(x)
    dense = np.zeros_like(x)
    for i in range(len(x)):
        s = slice(rows.ptr[i], rows.ptr[i + 1])
        assert np.all(np.diff(rows.idx[s].astype(int)) > 0)
        dense[i, rows.idx[s]] = rows.val[s]
    np.testing.assert_array_equal(dense, x)
    assert rows.ptr[8] == rows.ptr[7]
    with pytest.raises(ValueError, match="uint8"):
        compiled.SparseRows(x.astype(np.float64))


def test_seeded_compiled_runs_are_identical():
    ds = strokes(500)
    a, b = Network([64, 8, 3], seed=2), Network([64, 8, 3], seed=2)
    ra = list(train(a, ds, TrainConfig(2, 10, 3.0, seed=4, engine="compiled")))
    rb = list(train(b, ds, TrainConfig(2, 10, 3.0, seed=4, engine="compiled")))
    assert [r.transcript_line() for r in ra if r.kind == EPOCH] == [
        r.transcript_line() for r in rb if r.kind == EPOCH
    ]
    for wa, wb in zip(a.weights, b.weights):
        np.testing.assert_array_equal(wa, wb)


def test_diverging_compiled_run_ends_in_a_diverged_record_without_warnings():
    ds = strokes(400)
    net = Network([64, 6, 3], seed=0)
    net.weights[1][0, 0] = np.inf
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        records = list(train(net, ds, TrainConfig(2, 10, 1.0, seed=0, engine="compiled")))
    assert records[-1].kind == DIVERGED and "smaller learning rate" in records[-1].message


def test_auto_engine_uses_compiled_only_where_it_gains(monkeypatch):
    big = Split(np.zeros((300, 784), np.uint8), np.zeros((300, 10), np.uint8))
    small = Split(np.zeros((4, 2), np.uint8), np.zeros((4, 1), np.uint8))
    mnist_like = Network([784, 30, 10], seed=0)
    assert uses_compiled(mnist_like, big)
    assert not uses_compiled(mnist_like, big, "numpy")
    assert not uses_compiled(Network([2, 2, 1], seed=0), small)  # a truth table: numpy
    assert uses_compiled(Network([2, 2, 1], seed=0), small, "compiled")
    wide = Network([784, 600, 600, 10], seed=0)  # big hidden-to-hidden products: BLAS wins
    assert not uses_compiled(wide, big)
    monkeypatch.setattr(training, "compiled_module", lambda: None)  # as where numba is absent
    assert not uses_compiled(mnist_like, big)
    with pytest.raises(ValueError, match="needs numba"):
        uses_compiled(mnist_like, big, "compiled")
    with pytest.raises(ValueError, match="engine must be one of"):
        TrainConfig(engine="gpu").validate()


def test_numpy_engine_is_exactly_the_plain_step():
    """The numpy engine's results are bit for bit those of Network.step in a loop: the
    compiled engine's arrival changed nothing for runs that choose numpy."""
    ds = strokes(300)
    net, plain = Network([64, 5, 3], seed=6), Network([64, 5, 3], seed=6)
    list(train(net, ds, TrainConfig(1, 10, 2.5, seed=3, engine="numpy"), TrainControl(2.5, 4)))
    rows = np.random.default_rng([3, 7]).permutation(300)
    xa = np.ones((300, 65))
    np.multiply(ds.train.x[rows], np.float64(ds.scale), out=xa[:, :64], dtype=np.float64)
    y = ds.train.y[rows].astype(np.float64)
    for k in range(0, 300, 10):
        plain.step(xa[k : k + 10], y[k : k + 10], 2.5, True)
    for a, b in zip(net.weights, plain.weights):
        np.testing.assert_array_equal(a, b)


@pytest.mark.mnist
def test_engines_agree_on_mnist(mnist_path):
    from nnviz.core.datasets.mnist import load_mnist

    full = load_mnist(mnist_path)
    ds = Dataset("mnist", full.train.head(20_000), full.test, scale=full.scale)
    counts = {}
    for engine in ("compiled", "numpy"):
        net = Network([784, 30, 10], seed=1, dtype=np.float32)
        recs = train(net, ds, TrainConfig(1, 10, 3.0, seed=1, engine=engine))
        counts[engine] = [r.test_correct for r in recs if r.kind == EPOCH][0]
    assert counts["compiled"] >= 8500 and counts["numpy"] >= 8500, counts
    assert abs(counts["compiled"] - counts["numpy"]) <= 100, counts  # 1% of the test set


def test_small_runs_never_import_numba():
    """A truth table trained in the window's own thread (the circuit's learned view) must
    not pay numba's import: its size is checked first."""
    import subprocess
    import sys
    import textwrap

    code = textwrap.dedent(
        """
        import sys
        from nnviz.core.datasets.builtin import truth_table_dataset
        from nnviz.core.learning.network import Network
        from nnviz.core.learning.training import TrainConfig, train
        ds = truth_table_dataset("xor")
        list(train(Network([2, 3, 1], seed=0), ds, TrainConfig(epochs=2, seed=0)))
        print("numba" in sys.modules)
        """
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["False"]
