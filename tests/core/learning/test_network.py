import warnings

import numpy as np
import pytest

from nnviz.core.learning.network import Network, parse_sizes
from nnviz.core.learning.neuron import sigmoid
from tests.core.learning.reference import ref_backprop, ref_sigmoid, ref_update_mini_batch


def _batch(rng, sizes, m):
    x = rng.random((sizes[0], m))
    labels = rng.integers(0, sizes[-1], m)
    y = np.zeros((sizes[-1], m))
    y[labels, np.arange(m)] = 1
    return x, y


@pytest.mark.parametrize("sizes", [[784, 30, 10], [6, 5, 4, 3], [2, 1]])
@pytest.mark.parametrize("m", [1, 10, 7])
def test_matrix_update_matches_per_example_reference(sizes, m):
    rng = np.random.default_rng(3)
    net = Network(sizes, seed=1)
    x, y = _batch(rng, sizes, m)
    w0 = [w.copy() for w in net.weights]
    b0 = [b.copy() for b in net.biases]
    batch = [(x[:, i : i + 1], y[:, i : i + 1]) for i in range(m)]
    ref_w, ref_b = ref_update_mini_batch(w0, b0, batch, eta=3.0)
    net.update_mini_batch(x, y, 3.0)
    for l in range(len(sizes) - 1):
        assert not np.array_equal(net.weights[l], w0[l])  # something happened
        np.testing.assert_allclose(net.weights[l], ref_w[l], rtol=0, atol=1e-12)
        np.testing.assert_allclose(net.biases[l], ref_b[l], rtol=0, atol=1e-12)


def test_repeated_steps_track_reference():
    """Buffers reused across steps must not leak state from one step into the next."""
    rng = np.random.default_rng(5)
    sizes = [20, 8, 3]
    net = Network(sizes, seed=2)
    ws, bs = [w.copy() for w in net.weights], [b.copy() for b in net.biases]
    for _ in range(5):
        x, y = _batch(rng, sizes, 4)
        ws, bs = ref_update_mini_batch(
            ws, bs, [(x[:, i : i + 1], y[:, i : i + 1]) for i in range(4)], 0.5
        )
        net.update_mini_batch(x, y, 0.5)
    for l in range(2):
        np.testing.assert_allclose(net.weights[l], ws[l], atol=1e-12, rtol=0)


def test_backprop_matches_finite_differences():
    rng = np.random.default_rng(0)
    sizes = [5, 4, 3]
    net = Network(sizes, seed=4)
    x, y = _batch(rng, sizes, 3)
    nabla_b, nabla_w = net.backprop(x, y)

    def total_cost():  # summed over the batch, matching backprop's convention
        return net.cost(x, y) * x.shape[1]

    h = 1e-6
    for l in range(2):
        for idx in [(0, 0), (1, 2), (sizes[l + 1] - 1, sizes[l] - 1)]:
            old = net.weights[l][idx]
            net.weights[l][idx] = old + h
            up = total_cost()
            net.weights[l][idx] = old - h
            down = total_cost()
            net.weights[l][idx] = old
            assert nabla_w[l][idx] == pytest.approx((up - down) / (2 * h), rel=1e-6, abs=1e-9)
        old = net.biases[l][1, 0]
        net.biases[l][1, 0] = old + h
        up = total_cost()
        net.biases[l][1, 0] = old - h
        down = total_cost()
        net.biases[l][1, 0] = old
        assert nabla_b[l][1, 0] == pytest.approx((up - down) / (2 * h), rel=1e-6, abs=1e-9)


def test_backprop_matches_reference_sum():
    rng = np.random.default_rng(1)
    sizes = [7, 5, 2]
    net = Network(sizes, seed=9)
    x, y = _batch(rng, sizes, 6)
    nb, nw = net.backprop(x, y)
    sb = [np.zeros_like(b) for b in net.biases]
    sw = [np.zeros_like(w) for w in net.weights]
    for i in range(6):
        db, dw = ref_backprop(net.weights, net.biases, x[:, i : i + 1], y[:, i : i + 1])
        sb = [a + b for a, b in zip(sb, db)]
        sw = [a + b for a, b in zip(sw, dw)]
    for l in range(2):
        np.testing.assert_allclose(nw[l], sw[l], atol=1e-12)
        np.testing.assert_allclose(nb[l], sb[l], atol=1e-12)


def test_float32_update_close_to_float64():
    rng = np.random.default_rng(2)
    sizes = [784, 30, 10]
    n64 = Network(sizes, seed=0)
    n32 = n64.astype(np.float32)
    x, y = _batch(rng, sizes, 10)
    n64.update_mini_batch(x, y, 3.0)
    n32.update_mini_batch(x, y, 3.0)
    assert n32.weights[0].dtype == np.float32
    for l in range(2):
        np.testing.assert_allclose(n32.weights[l], n64.weights[l], atol=1e-4)


def test_initialisation_is_standard_normal_and_seeded():
    a, b = Network([784, 30, 10], seed=7), Network([784, 30, 10], seed=7)
    c = Network([784, 30, 10], seed=8)
    assert np.array_equal(a.weights[0], b.weights[0])
    assert not np.array_equal(a.weights[0], c.weights[0])
    w = a.weights[0].ravel()
    assert abs(w.mean()) < 0.02 and abs(w.std() - 1) < 0.02
    assert a.weights[0].shape == (30, 784) and a.biases[1].shape == (10, 1)


def test_weight_views_write_through():
    net = Network([3, 2, 1], seed=0)
    net.weights[0][1, 2] = 5.0
    net.biases[1][0, 0] = -1.0
    x = np.array([[0.0], [0.0], [1.0]])
    z1 = net.weights[0] @ x + net.biases[0]
    expected = ref_sigmoid(net.weights[1] @ ref_sigmoid(z1) - 1.0)
    np.testing.assert_allclose(net.feedforward(x), expected, atol=1e-15)


def test_sigmoid_safe_at_extremes():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        z = np.array([-1e6, -800.0, -40.0, 0.0, 40.0, 800.0, 1e6])
        s = sigmoid(z)
        s32 = sigmoid(z.astype(np.float32))
    assert np.all(np.isfinite(s)) and np.all(np.isfinite(s32))
    assert s[0] == 0.0 and s[-1] == 1.0 and s[3] == 0.5
    mid = np.linspace(-30, 30, 101)
    np.testing.assert_allclose(sigmoid(mid), ref_sigmoid(mid), atol=1e-15)


@pytest.mark.parametrize(
    "text, fragment",
    [
        ("784,,10", "empty"),
        ("0", "at least an input"),
        ("784,0,10", "at least one neuron"),
        ("a,b", "whole numbers"),
        ("784", "at least an input"),
    ],
)
def test_parse_sizes_rejects_bad_input(text, fragment):
    with pytest.raises(ValueError, match=fragment):
        parse_sizes(text)


def test_parse_sizes_accepts_spaces():
    assert parse_sizes(" 784, 30 ,10") == [784, 30, 10]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_constant_unit_stays_put_and_saturates_exactly(dtype):
    """The hidden layers' extra constant unit (see network.py) must read exactly 1.0 and
    never be moved by SGD, however hard training pushes."""
    from nnviz.core.learning.network import CONSTANT_Z

    assert sigmoid(np.array(CONSTANT_Z, dtype=dtype)) == 1.0
    rng = np.random.default_rng(0)
    net = Network([8, 6, 5, 3], seed=0, dtype=dtype)
    for _ in range(50):
        x, y = _batch(rng, net.sizes, 10)
        net.update_mini_batch(x, y, 50.0)
    for l, wb in enumerate(net._wb[:-1]):
        expected = np.zeros(wb.shape[1], dtype=dtype)
        expected[-1] = CONSTANT_Z
        np.testing.assert_array_equal(wb[-1], expected, err_msg=f"layer {l}")
    assert [w.shape for w in net.weights] == [(6, 8), (5, 6), (3, 5)]


def test_pickled_network_keeps_weights_as_views():
    """A network sent to the training process must still train what it evaluates."""
    import pickle

    net = pickle.loads(pickle.dumps(Network([6, 4, 3], seed=1)))
    rng = np.random.default_rng(0)
    x, y = _batch(rng, net.sizes, 5)
    before = net.feedforward(x).copy()
    net.update_mini_batch(x, y, 3.0)
    assert not np.array_equal(net.feedforward(x), before)
    net.weights[0][0, 0] = 9.0
    assert net._wb[0][0, 0] == 9.0


def test_a_snapshots_activations_are_the_book_forward_pass_layer_by_layer():
    from nnviz.core.learning.snapshot import Progress, Snapshot

    net = Network([5, 4, 3], seed=2, dtype="float32")
    progress = Progress("epoch", 0, 0, 1, 0, float("nan"), 3.0, 0.0)
    snap = Snapshot.capture(net, progress)
    x = np.linspace(0.0, 1.0, 5)
    acts = snap.activations(x)
    assert [a.shape for a in acts] == [(5,), (4,), (3,)]
    # a plain per-layer loop of a = sigmoid(w a + b), in float64, as the book writes it
    a = x.copy()
    for w, b, got in zip(net.weights, net.biases, acts[1:], strict=True):
        a = 1.0 / (1.0 + np.exp(-(w.astype(np.float64) @ a + b.astype(np.float64)[:, 0])))
        np.testing.assert_allclose(got, a, rtol=1e-12)
    np.testing.assert_allclose(acts[-1], net.feedforward(x), rtol=1e-5)
