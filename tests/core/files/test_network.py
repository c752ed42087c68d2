import numpy as np
import pytest

from nnviz.core.files.network import NetworkFileError, load_network, save_network
from nnviz.core.learning.network import Network


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_round_trip(tmp_path, dtype):
    net = Network([6, 4, 2], seed=3, dtype=dtype)
    path = save_network(tmp_path / "net.npz", net, {"eta": 3.0, "epoch": 4, "seed": 3})
    loaded, meta = load_network(path)
    assert loaded.sizes == [6, 4, 2] and loaded.dtype == np.dtype(dtype)
    assert meta == {"eta": 3.0, "epoch": 4, "seed": 3}
    for a, b in zip(net.weights + net.biases, loaded.weights + loaded.biases):
        assert np.array_equal(a, b)
    x = np.random.default_rng(0).random((6, 5))
    assert np.array_equal(net.feedforward(x), loaded.feedforward(x))


def test_garbage_file_gives_clear_error(tmp_path):
    bad = tmp_path / "bad.npz"
    bad.write_bytes(b"this is not a zip file")
    with pytest.raises(NetworkFileError, match="could not be read"):
        load_network(bad)


def test_other_npz_is_refused(tmp_path):
    p = tmp_path / "other.npz"
    np.savez(p, a=np.zeros(3))
    with pytest.raises(NetworkFileError, match="not an nnviz network"):
        load_network(p)


def test_mismatched_shapes_are_refused(tmp_path):
    net = Network([6, 4, 2], seed=0)
    p = save_network(tmp_path / "n.npz", net)
    with np.load(p) as d:
        arrays = dict(d)
    arrays["w1"] = np.zeros((2, 5))
    np.savez(p, **arrays)
    with pytest.raises(NetworkFileError, match="mismatched"):
        load_network(p)


def test_missing_file(tmp_path):
    with pytest.raises(NetworkFileError, match="no such file"):
        load_network(tmp_path / "nope.npz")


def test_save_is_atomic_on_failure(tmp_path, monkeypatch):
    good = Network([3, 2], seed=0)
    p = save_network(tmp_path / "keep.npz", good)
    original = p.read_bytes()

    def boom(*a, **k):
        raise OSError("disk full")

    monkeypatch.setattr(np, "savez", boom)
    with pytest.raises(OSError):
        save_network(p, Network([3, 2], seed=1))
    assert p.read_bytes() == original
    assert [f.name for f in tmp_path.iterdir()] == ["keep.npz"]


@pytest.mark.parametrize(
    ("member", "shape"), [("sizes", (-1,)), ("b0", (-1,)), ("b1", (3, -1)), ("w0", (-5, -5))]
)
def test_a_member_declaring_a_negative_shape_is_refused_before_its_data_is_read(
    tmp_path, monkeypatch, member, shape
):
    """numpy accepts such a header; read naively, -1 items means 'read everything': a 4 MB
    file that inflates to gigabytes. The header alone must be enough to refuse it."""
    import io
    import zipfile

    good = save_network(tmp_path / "good.npz", Network([4, 3, 2], seed=0))
    with zipfile.ZipFile(good) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    victim = f"{member}.npy"
    assert victim in members
    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(
        header,
        {"descr": "<i8" if member == "sizes" else "<f8", "fortran_order": False, "shape": shape},
    )
    members[victim] = header.getvalue() + bytes(8 * 1000)
    bad = tmp_path / "bad.npz"
    with zipfile.ZipFile(bad, "w", zipfile.ZIP_DEFLATED) as zf:
        for n, data in members.items():
            zf.writestr(n, data)
    reads = []
    real_read = zipfile.ZipExtFile.read

    def spy(self, n=-1):
        reads.append(n)
        return real_read(self, n)

    monkeypatch.setattr(zipfile.ZipExtFile, "read", spy)
    with pytest.raises(NetworkFileError, match=r"declares the shape|has shape \(-"):
        load_network(bad)
    assert all(n is not None and n >= 0 for n in reads)  # never "everything"
