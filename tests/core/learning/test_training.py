import warnings

import numpy as np
import pytest

from nnviz.core.datasets.dataset import Dataset, Split, one_hot
from nnviz.core.learning.network import Network
from nnviz.core.learning.snapshot import CHUNK, DIVERGED, DONE, EPOCH, Snapshot
from nnviz.core.learning.training import TrainConfig, TrainControl, train
from tests.core.learning.reference import ref_update_mini_batch


def blobs(n=600, seed=0) -> Dataset:
    """Three separable clusters in 4 dimensions, stored as uint8 like images."""
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 3, n)
    centres = np.array([[40, 200, 40, 200], [200, 40, 200, 40], [200, 200, 40, 40]])
    x = np.clip(centres[labels] + rng.normal(0, 25, (n, 4)), 0, 255).astype(np.uint8)
    split = lambda a, b: Split(x[a:b], one_hot(labels[a:b], 3), labels[a:b])  # noqa: E731
    return Dataset("blobs", split(0, 400), split(500, 600), split(400, 500), scale=1 / 255)


def run(net, ds, **kw):
    control = kw.pop("control", None)
    return list(train(net, ds, TrainConfig(**kw), control))


def test_training_learns_and_reports_epochs():
    ds = blobs()
    net = Network([4, 8, 3], seed=1)
    records = run(net, ds, epochs=5, batch_size=10, eta=3.0, seed=0)
    epochs = [r for r in records if r.kind == EPOCH]
    assert [r.epoch for r in epochs] == [0, 1, 2, 3, 4]
    assert records[-1].kind == DONE
    assert epochs[-1].test_correct >= 95 and epochs[-1].test_total == 100
    assert epochs[-1].validation_total == 100
    assert epochs[-1].cost < epochs[0].cost
    assert epochs[-1].examples_seen == 5 * 400
    assert epochs[0].transcript_line() == f"Epoch 0: {epochs[0].test_correct} / 100"


def test_training_is_deterministic_for_a_seed():
    ds = blobs()
    a, b = Network([4, 5, 3], seed=3), Network([4, 5, 3], seed=3)
    ra = run(a, ds, epochs=2, batch_size=7, eta=1.0, seed=11)
    rb = run(b, ds, epochs=2, batch_size=7, eta=1.0, seed=11)
    assert np.array_equal(a.weights[0], b.weights[0])
    assert [r.cost for r in ra if r.kind == EPOCH] == [r.cost for r in rb if r.kind == EPOCH]
    c = Network([4, 5, 3], seed=3)
    run(c, ds, epochs=2, batch_size=7, eta=1.0, seed=12)
    assert not np.array_equal(a.weights[0], c.weights[0])


def test_one_epoch_equals_reference_sgd_on_the_same_shuffle():
    """The generator's epoch = the book's loop over mini-batches of the shuffled data."""
    ds = blobs(n=600)
    net = Network([4, 6, 3], seed=2)
    ws = [w.copy() for w in net.weights]
    bs = [b.copy() for b in net.biases]
    # Recreate the generator's shuffle: a permutation of the rows drawn with this rng.
    rows = np.random.default_rng([5, 7]).permutation(len(ds.train))
    x = ds.train.x[rows] / 255.0
    y = ds.train.y[rows].astype(float)
    for k in range(0, 400, 10):
        batch = [(x[i, :, None], y[i, :, None]) for i in range(k, k + 10)]
        ws, bs = ref_update_mini_batch(ws, bs, batch, 2.0)
    run(net, ds, epochs=1, batch_size=10, eta=2.0, seed=5)
    for l in range(2):
        np.testing.assert_allclose(net.weights[l], ws[l], atol=1e-12, rtol=0)


def big_blobs(n_train: int) -> Dataset:
    ds = blobs(n=n_train + 200)
    x, y, labels = ds.train.x, ds.train.y, ds.train.labels
    rng = np.random.default_rng(1)
    rows = rng.integers(0, len(x), n_train)  # resample the 400 training rows to n_train
    return Dataset("blobs", Split(x[rows], y[rows], labels[rows]), ds.test, scale=ds.scale)


@pytest.mark.parametrize(("n", "m", "chunk"), [(1203, 7, 100), (1500, 10, 13), (300, 64, 1)])
def test_epoch_over_many_gathered_blocks_equals_reference(n, m, chunk):
    """Blocks of gathered rows, CHUNK records and a short last mini-batch change nothing."""
    ds = big_blobs(n)
    net = Network([4, 6, 3], seed=4)
    ws = [w.copy() for w in net.weights]
    bs = [b.copy() for b in net.biases]
    rows = np.random.default_rng([9, 7]).permutation(n)
    x = ds.train.x[rows] / 255.0
    y = ds.train.y[rows].astype(float)
    for k in range(0, n, m):
        batch = [(x[i, :, None], y[i, :, None]) for i in range(k, min(n, k + m))]
        ws, bs = ref_update_mini_batch(ws, bs, batch, 1.5)
    records = list(train(net, ds, TrainConfig(1, m, 1.5, seed=9), TrainControl(1.5, chunk)))
    batches = -(-n // m)
    assert sum(r.kind == CHUNK for r in records) == (batches - 1) // chunk  # none at the end
    for l in range(2):
        np.testing.assert_allclose(net.weights[l], ws[l], atol=1e-12, rtol=0)
        np.testing.assert_allclose(net.biases[l], bs[l], atol=1e-12, rtol=0)


def test_small_batches_run_blas_on_one_thread_and_restore_it():
    from threadpoolctl import threadpool_info

    def blas_threads():
        return [i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"]

    seen = []

    class Watching(TrainControl):
        @property
        def eta(self):  # read before every mini-batch, inside the training step
            seen.append(blas_threads())
            return 1.0

        @eta.setter
        def eta(self, value):
            pass

    ds = blobs()
    list(train(Network([4, 5, 3], seed=0), ds, TrainConfig(1, 10, 1.0, seed=0)))  # loads BLAS
    before = blas_threads()
    gen = train(Network([4, 5, 3], seed=0), ds, TrainConfig(1, 10, 1.0, seed=0), Watching(1.0))
    next(gen)
    assert seen and all(t == [1] * len(before) for t in seen)
    assert blas_threads() == before  # between records the caller's setting is back
    gen.close()
    assert blas_threads() == before


def test_chunks_and_eta_change_between_minibatches():
    ds = blobs()
    net = Network([4, 5, 3], seed=0)
    control = TrainControl(eta=1.0, chunk=10)
    gen = train(net, ds, TrainConfig(epochs=1, batch_size=10, eta=1.0, seed=0), control)
    first = next(gen)
    assert first.kind == CHUNK and first.batch == 10 and first.examples_seen == 100
    assert first.eta == 1.0 and np.isfinite(first.cost) and np.isfinite(first.batch_cost)
    control.eta, control.chunk = 0.5, 1
    second = next(gen)
    assert second.batch == 11 and second.eta == 0.5
    gen.close()  # cancelling: nothing else runs
    w = net.weights[0].copy()
    assert np.array_equal(w, net.weights[0])


def test_eta_100_saturates_without_warning_or_nan():
    ds = blobs()
    net = Network([4, 10, 3], seed=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        records = run(net, ds, epochs=3, batch_size=10, eta=100.0, seed=0)
    assert records[-1].kind == DONE
    assert all(np.isfinite(r.cost) for r in records if r.kind == EPOCH)
    assert net.params_finite()


def test_non_finite_parameters_end_in_diverged_record():
    ds = blobs()
    net = Network([4, 5, 3], seed=0)
    net.weights[1][0, 0] = np.inf
    records = run(net, ds, epochs=3, batch_size=10, eta=1.0, seed=0, control=TrainControl(1.0, 5))
    assert records[-1].kind == DIVERGED
    assert "smaller learning rate" in records[-1].message
    assert sum(r.kind == EPOCH for r in records) == 0


@pytest.mark.parametrize(
    "kw, fragment",
    [
        ({"eta": -1.0}, "positive"),
        ({"eta": 0.0}, "positive"),
        ({"batch_size": 0}, "mini-batch"),
        ({"epochs": 0}, "epochs"),
        ({"eta": float("nan")}, "positive"),
    ],
)
def test_bad_settings_are_refused(kw, fragment):
    with pytest.raises(ValueError, match=fragment):
        run(Network([4, 3, 3], seed=0), blobs(), **kw)


def test_mismatched_network_is_refused_with_advice():
    with pytest.raises(ValueError, match="sizes starting with 4"):
        run(Network([5, 3, 3], seed=0), blobs())


def test_snapshot_is_a_frozen_copy():
    net = Network([4, 3, 3], seed=0)
    ds = blobs()
    rec = next(train(net, ds, TrainConfig(epochs=1, batch_size=10, seed=0), TrainControl(3.0, 5)))
    snap = Snapshot.capture(net, rec)
    before = snap.weights[0].copy()
    net.update_mini_batch(np.ones((4, 2)), np.eye(3)[:, :2], 5.0)
    assert np.array_equal(snap.weights[0], before)
    with pytest.raises(ValueError):
        snap.weights[0][0, 0] = 1.0
