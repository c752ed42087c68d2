"""Data loaders: truth tables, the 8x8 digits, and MNIST from IDX files or the book's pickle."""

from __future__ import annotations

import gzip
import io
import itertools
import os
import pickle
import struct
from pathlib import Path

import numpy as np
import pytest

from nnviz.core.datasets import mnist as data
from nnviz.core.datasets.builtin import load_digits, truth_table_dataset
from nnviz.core.datasets.catalog import DATASET_NAMES, load_dataset
from nnviz.core.datasets.mnist import (
    find_mnist,
    load_mnist,
    mnist_dir,
    read_mnist_idx,
    read_mnist_pickle,
)
from nnviz.core.errors import DataError

# --------------------------------------------------------------------------------------------
# Truth tables, against a definition written with arithmetic instead of bit operators
# --------------------------------------------------------------------------------------------

REFERENCE = {
    "and": (2, lambda r: [r[0] * r[1]]),
    "or": (2, lambda r: [min(1, r[0] + r[1])]),
    "nand": (2, lambda r: [1 - r[0] * r[1]]),
    "xor": (2, lambda r: [(r[0] + r[1]) % 2]),
    "half_adder": (2, lambda r: [sum(r) % 2, sum(r) // 2]),
    "full_adder": (3, lambda r: [sum(r) % 2, sum(r) // 2]),
}


@pytest.mark.parametrize("name", sorted(REFERENCE))
def test_truth_table_matches_definition(name):
    n_in, rule = REFERENCE[name]
    ds = truth_table_dataset(name)
    assert ds.train.x.dtype == np.uint8 and ds.train.y.dtype == np.uint8
    assert ds.train.x.shape == (2**n_in, n_in)
    # every input combination exactly once
    rows = {tuple(int(v) for v in r) for r in ds.train.x}
    assert rows == set(itertools.product((0, 1), repeat=n_in))
    for x, y in zip(ds.train.x, ds.train.y, strict=True):
        assert [int(v) for v in y] == rule([int(v) for v in x]), (name, x)
    assert ds.validation is None and ds.train.labels is None
    assert ds.test.x.tolist() == ds.train.x.tolist() and ds.test.y.tolist() == ds.train.y.tolist()
    assert ds.scale == 1.0 and ds.image_shape is None
    assert len(ds.input_names) == n_in and len(ds.output_names) == ds.n_outputs
    assert ds.description and "\n" not in ds.description


def test_truth_table_names():
    assert truth_table_dataset("half_adder").output_names == ("sum", "carry")
    assert truth_table_dataset("xor").input_names == ("x1", "x2")
    assert truth_table_dataset("XOR").name == "xor"
    with pytest.raises(DataError, match="xor"):
        truth_table_dataset("xnor")


def test_truth_table_is_read_only():
    ds = truth_table_dataset("and")
    with pytest.raises(ValueError):
        ds.train.y[0, 0] = 1


# --------------------------------------------------------------------------------------------
# 8x8 digits
# --------------------------------------------------------------------------------------------


def test_digits_splits_sizes_and_types():
    ds = load_digits()
    assert (len(ds.train), len(ds.validation), len(ds.test)) == (1197, 300, 300)
    assert ds.n_inputs == 64 and ds.n_outputs == 10
    assert ds.image_shape == (8, 8) and ds.scale == pytest.approx(1 / 16)
    for split in (ds.train, ds.validation, ds.test):
        assert split.x.dtype == np.uint8 and split.y.dtype == np.uint8
        assert split.labels.dtype == np.int64
        assert int(split.x.max()) <= 16
        assert np.array_equal(split.y.argmax(axis=1), split.labels)
        assert np.array_equal(split.y.sum(axis=1), np.ones(len(split)))


def test_digits_is_a_permutation_of_sklearn_data():
    from sklearn.datasets import load_digits as sk

    bunch = sk()
    ds = load_digits()
    ours = np.concatenate([ds.train.x, ds.validation.x, ds.test.x]).astype(np.int64)
    our_labels = np.concatenate([ds.train.labels, ds.validation.labels, ds.test.labels])
    theirs = bunch.data.astype(np.int64)
    # same multiset of (image, label) rows
    key = lambda x, y: sorted(map(tuple, np.column_stack([x, y]).tolist()))  # noqa: E731
    assert key(ours, our_labels) == key(theirs, bunch.target)
    # and actually shuffled, not the sklearn order
    assert not np.array_equal(ours[:50], theirs[:50])


def test_digits_split_is_deterministic():
    a = load_digits()
    load_digits.cache_clear()
    b = load_digits()
    assert a is not b
    for sa, sb in ((a.train, b.train), (a.validation, b.validation), (a.test, b.test)):
        assert np.array_equal(sa.x, sb.x) and np.array_equal(sa.labels, sb.labels)
    assert load_digits() is b  # cached


# --------------------------------------------------------------------------------------------
# Synthetic MNIST files
# --------------------------------------------------------------------------------------------


def idx_bytes(arr: np.ndarray, magic: int | None = None, dims=None) -> bytes:
    """An IDX file for a uint8 array, written from the format description."""
    arr = np.asarray(arr, dtype=np.uint8)
    dims = arr.shape if dims is None else dims
    magic = (0x0800 | len(dims)) if magic is None else magic
    header = struct.pack(">I", magic) + b"".join(struct.pack(">I", d) for d in dims)
    return header + arr.tobytes()


def fake_mnist(n_train=30, n_test=10, seed=1):
    rng = np.random.default_rng(seed)
    return {
        "train_images": rng.integers(0, 256, (n_train, 28, 28), dtype=np.uint8),
        "train_labels": rng.integers(0, 10, n_train, dtype=np.uint8),
        "test_images": rng.integers(0, 256, (n_test, 28, 28), dtype=np.uint8),
        "test_labels": rng.integers(0, 10, n_test, dtype=np.uint8),
    }


def write_mnist(folder: Path, arrays: dict, gz: bool = True, blobs: dict | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for key, base in data.MNIST_FILES.items():
        blob = (blobs or {}).get(key) or idx_bytes(arrays[key])
        if gz:
            (folder / f"{base}.gz").write_bytes(gzip.compress(blob))
        else:
            (folder / base).write_bytes(blob)
    return folder


SMALL = {"train": 30, "test": 10}


@pytest.mark.parametrize("gz", [True, False], ids=["gz", "raw"])
def test_read_idx_small(tmp_path, gz):
    arrays = fake_mnist()
    folder = write_mnist(tmp_path / "m", arrays, gz=gz)
    ds = read_mnist_idx(folder, counts=SMALL, n_validation=8)
    assert (len(ds.train), len(ds.validation), len(ds.test)) == (22, 8, 10)
    flat = arrays["train_images"].reshape(30, 784)
    assert np.array_equal(ds.train.x, flat[:22])
    assert np.array_equal(ds.validation.x, flat[22:])
    assert np.array_equal(ds.test.x, arrays["test_images"].reshape(10, 784))
    assert ds.train.labels.tolist() == arrays["train_labels"][:22].tolist()
    assert ds.validation.labels.tolist() == arrays["train_labels"][22:].tolist()
    assert ds.test.labels.tolist() == arrays["test_labels"].tolist()
    for split in (ds.train, ds.validation, ds.test):
        assert split.x.dtype == np.uint8 and split.labels.dtype == np.int64
        assert split.y.dtype == np.uint8 and split.y.shape == (len(split), 10)
        assert np.array_equal(np.flatnonzero(split.y), np.arange(len(split)) * 10 + split.labels)
    assert ds.image_shape == (28, 28) and ds.scale == pytest.approx(1 / 255)
    with pytest.raises(ValueError):  # shared cached arrays must not be writable
        ds.train.x[0, 0] = 3


def test_mixed_gz_and_raw(tmp_path):
    arrays = fake_mnist()
    folder = write_mnist(tmp_path / "m", arrays, gz=True)
    raw = folder / data.MNIST_FILES["test_labels"]
    (folder / (raw.name + ".gz")).unlink()
    raw.write_bytes(idx_bytes(arrays["test_labels"]))
    assert find_mnist(folder) == folder
    ds = read_mnist_idx(folder, counts=SMALL, n_validation=10)
    assert ds.test.labels.tolist() == arrays["test_labels"].tolist()


def _bad(tmp_path, key, blob=None, gz_blob=None):
    arrays = fake_mnist()
    folder = write_mnist(tmp_path / "m", arrays, blobs={key: blob} if blob else None)
    if gz_blob is not None:
        (folder / f"{data.MNIST_FILES[key]}.gz").write_bytes(gz_blob)
    return folder


@pytest.mark.parametrize(
    "key, make, match",
    [
        ("train_images", lambda a: idx_bytes(a["train_images"], magic=0x0801), "magic"),
        ("train_labels", lambda a: idx_bytes(a["train_images"]), "magic"),
        ("test_images", lambda a: idx_bytes(a["test_images"])[:-100], "truncated"),
        ("test_images", lambda a: idx_bytes(a["test_images"]) + b"\0" * 5, "longer"),
        ("train_labels", lambda a: idx_bytes(a["train_labels"][:20]), "dimensions"),
        ("test_images", lambda a: idx_bytes(np.zeros((10, 27, 29))), "dimensions"),
        ("test_labels", lambda a: b"\0\0\x08", "too short"),
        ("test_labels", lambda a: idx_bytes(np.full(10, 12)), "0-9"),
    ],
)
def test_bad_idx_raises(tmp_path, key, make, match):
    folder = _bad(tmp_path, key, blob=make(fake_mnist()))
    with pytest.raises(DataError, match=match) as info:
        read_mnist_idx(folder, counts=SMALL, n_validation=10)
    assert "nnviz data download" in str(info.value) or "0-9" in match


def test_truncated_and_garbage_gzip(tmp_path):
    good = gzip.compress(idx_bytes(fake_mnist()["train_images"]))
    folder = _bad(tmp_path, "train_images", gz_blob=good[: len(good) // 2])
    with pytest.raises(DataError, match="truncated or not a valid gzip"):
        read_mnist_idx(folder, counts=SMALL, n_validation=10)
    folder = _bad(tmp_path / "2", "train_images", gz_blob=b"this is not gzip at all")
    with pytest.raises(DataError, match="gzip"):
        read_mnist_idx(folder, counts=SMALL, n_validation=10)


def test_load_mnist_never_returns_a_short_set(tmp_path):
    # Headers claim the real sizes but the image file holds only 100 images.
    folder = tmp_path / "short"
    folder.mkdir()
    blobs = {
        "train_images": idx_bytes(np.zeros((100, 28, 28)), dims=(60000, 28, 28)),
        "train_labels": idx_bytes(np.zeros(60000)),
        "test_images": idx_bytes(np.zeros((10000, 28, 28))),
        "test_labels": idx_bytes(np.zeros(10000)),
    }
    write_mnist(folder, {}, blobs=blobs)
    with pytest.raises(DataError, match="truncated"):
        load_mnist(folder)


def test_missing_folder_and_files(tmp_path):
    with pytest.raises(DataError, match="does not exist.*nnviz data download"):
        load_mnist(tmp_path / "nowhere")
    folder = write_mnist(tmp_path / "m", fake_mnist())
    (folder / "t10k-labels-idx1-ubyte.gz").unlink()
    assert find_mnist(folder) is None
    with pytest.raises(DataError, match="t10k-labels-idx1-ubyte.gz") as info:
        load_mnist(folder)
    assert str(folder) in str(info.value)


def test_mnist_dir_resolution(tmp_path, monkeypatch):
    monkeypatch.delenv("NNVIZ_MNIST_DIR", raising=False)
    # conftest points NNVIZ_DATA_DIR at tmp_path / "user-data"
    assert mnist_dir() == tmp_path / "user-data" / "mnist"
    monkeypatch.setenv("NNVIZ_MNIST_DIR", str(tmp_path / "env"))
    assert mnist_dir() == tmp_path / "env"
    assert mnist_dir(tmp_path / "given") == tmp_path / "given"


# --------------------------------------------------------------------------------------------
# The book's mnist.pkl.gz
# --------------------------------------------------------------------------------------------


def write_pickle(path: Path, parts) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(gzip.compress(pickle.dumps(parts, protocol=2)))
    return path


def test_read_book_pickle(tmp_path):
    rng = np.random.default_rng(3)
    sizes = (20, 6, 7)
    pixels = [rng.integers(0, 256, (n, 784)) for n in sizes]
    labels = [rng.integers(0, 10, n).astype(np.int64) for n in sizes]
    # floats as the book stores them (float32 in [0, 1]), with a little rounding noise
    floats = [(p / 255.0 + rng.uniform(-0.4, 0.4, p.shape) / 255.0).clip(0, 1) for p in pixels]
    parts = tuple((f.astype(np.float32), lab) for f, lab in zip(floats, labels, strict=True))
    path = write_pickle(tmp_path / "mnist.pkl.gz", parts)
    ds = read_mnist_pickle(path, sizes=sizes)
    assert ds.train.x.dtype == np.uint8
    assert np.array_equal(ds.train.x, pixels[0]) and np.array_equal(ds.validation.x, pixels[1])
    assert np.array_equal(ds.test.x, pixels[2])
    assert ds.train.labels.tolist() == labels[0].tolist()
    assert ds.test.labels.tolist() == labels[2].tolist()
    assert ds.extra["format"] == "pkl"


def test_pickle_written_by_old_numpy(tmp_path):
    # The book's file names numpy.core.multiarray (numpy 1.x); numpy 2 calls it numpy._core.
    rng = np.random.default_rng(5)
    pixels = [rng.integers(0, 256, (n, 784)) for n in (4, 2, 3)]
    parts = tuple((p.astype(np.float32) / 255, np.arange(len(p)) % 10) for p in pixels)
    blob = pickle.dumps(parts, protocol=2)
    if b"numpy._core.multiarray" in blob:
        blob = blob.replace(b"numpy._core.multiarray", b"numpy.core.multiarray")
    assert b"numpy.core.multiarray" in blob
    path = tmp_path / "mnist.pkl.gz"
    path.write_bytes(gzip.compress(blob))
    ds = read_mnist_pickle(path, sizes=(4, 2, 3))
    assert np.array_equal(ds.test.x, pixels[2]) and ds.validation.labels.tolist() == [0, 1]


def test_pickle_wrong_shape_through_load_mnist(tmp_path):
    parts = tuple((np.zeros((5, 784), np.float32), np.zeros(5, np.int64)) for _ in range(3))
    write_pickle(tmp_path / "book" / "mnist.pkl.gz", parts)
    assert find_mnist(tmp_path / "book") == tmp_path / "book"
    with pytest.raises(DataError, match=r"expected \(50000, 784\)"):
        load_mnist(tmp_path / "book")


def test_pickle_that_runs_code_is_refused(tmp_path):
    class Evil:
        def __reduce__(self):
            return (os.system, ("echo pwned",))

    buf = io.BytesIO()
    pickle.dump(Evil(), buf)
    path = tmp_path / "mnist.pkl.gz"
    path.write_bytes(gzip.compress(buf.getvalue()))
    with pytest.raises(DataError, match="refusing"):
        read_mnist_pickle(path)


# --------------------------------------------------------------------------------------------
# Real MNIST (skipped when absent)
# --------------------------------------------------------------------------------------------


@pytest.mark.mnist
def test_real_mnist_split(mnist_path):
    ds = load_mnist(mnist_path)
    assert (len(ds.train), len(ds.validation), len(ds.test)) == (50000, 10000, 10000)
    for split in (ds.train, ds.validation, ds.test):
        assert split.x.dtype == np.uint8 and split.x.shape[1] == 784
        assert split.labels.dtype == np.int64 and split.y.dtype == np.uint8
    # compact: no float copies anywhere (47 MB of pixels, not 376 MB)
    total = sum(
        s.x.nbytes + s.y.nbytes + s.labels.nbytes for s in (ds.train, ds.validation, ds.test)
    )
    assert total < 60e6
    # validation is the tail of the training file: compare with a direct read of that file
    with gzip.open(mnist_path / "train-labels-idx1-ubyte.gz") as f:
        all_labels = np.frombuffer(f.read()[8:], dtype=np.uint8)
    assert ds.train.labels.tolist() == all_labels[:50000].tolist()
    assert ds.validation.labels.tolist() == all_labels[50000:].tolist()
    # the digit counts of the t10k set are well known
    assert np.bincount(ds.test.labels).tolist() == [
        980,
        1135,
        1032,
        1010,
        982,
        892,
        958,
        1028,
        974,
        1009,
    ]
    assert load_mnist(mnist_path) is ds  # cached per folder
    assert load_dataset("mnist", mnist_path) is ds


def test_cache_notices_a_changed_file(tmp_path, monkeypatch):
    monkeypatch.setattr(data, "MNIST_COUNTS", SMALL)
    monkeypatch.setattr(data, "MNIST_VALIDATION", 10)
    folder = write_mnist(tmp_path / "m", fake_mnist())
    first = load_mnist(folder)
    assert load_mnist(folder) is first
    arrays = fake_mnist(seed=9)
    write_mnist(folder, arrays)
    path = folder / "t10k-labels-idx1-ubyte.gz"
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))
    second = load_mnist(folder)
    assert second is not first
    assert second.test.labels.tolist() == arrays["test_labels"].tolist()


# --------------------------------------------------------------------------------------------
# By name
# --------------------------------------------------------------------------------------------


def test_load_dataset_by_name():
    assert load_dataset("digits") is load_digits()
    assert load_dataset("nand").name == "nand"
    assert set(DATASET_NAMES) >= {"mnist", "digits", "and", "or", "nand", "xor"}
    with pytest.raises(DataError) as info:
        load_dataset("cifar")
    for name in DATASET_NAMES:
        assert name in str(info.value)


@pytest.mark.parametrize("divisor", [255.0, 256.0])
def test_pickle_bytes_round_trip_for_either_scale(tmp_path, divisor):
    """The book's mnist.pkl.gz stores byte / 256 (largest value 0.99609375); other copies
    byte / 255. Both come back as the same bytes, including every byte from 129 up."""
    sizes = (3, 1, 1)
    every_byte = np.arange(256).reshape(1, 256)
    pixels = [np.tile(every_byte, (n, 4))[:, :784] for n in sizes]
    labels = [np.arange(n) % 10 for n in sizes]
    parts = tuple(
        ((p / divisor).astype(np.float32), lab) for p, lab in zip(pixels, labels, strict=True)
    )
    ds = read_mnist_pickle(write_pickle(tmp_path / f"m{divisor:.0f}.pkl.gz", parts), sizes)
    assert np.array_equal(ds.train.x, np.concatenate(pixels[:1]))
    assert np.array_equal(ds.test.x, pixels[2])
    if divisor == 256.0:
        assert float(parts[0][0].max()) == 0.99609375


@pytest.mark.slow
def test_corrupt_mnist_is_refused_with_verify_message(mnist_path, tmp_path, monkeypatch):
    """One flipped pixel byte in the real t10k images: loading refuses it (it used to train
    on it silently); the good files are remembered by size and mtime, not hashed again."""
    import shutil

    from nnviz.core.datasets import mnist as m

    folder = tmp_path / "mnist"
    folder.mkdir()
    for f in mnist_path.iterdir():
        if f.name.endswith(".gz"):
            shutil.copy(f, folder / f.name)
    target = folder / "t10k-images-idx3-ubyte.gz"
    raw = bytearray(gzip.decompress(target.read_bytes()))
    raw[16 + 784 * 3 + 400] ^= 0x01
    target.write_bytes(gzip.compress(bytes(raw)))
    with pytest.raises(DataError, match="md5 .* does not match"):
        m.read_mnist_idx(folder)
    raw[16 + 784 * 3 + 400] ^= 0x01  # repaired
    target.write_bytes(gzip.compress(bytes(raw)))
    hashed = []
    real_md5 = m.hashlib.md5
    monkeypatch.setattr(m.hashlib, "md5", lambda data: hashed.append(1) or real_md5(data))
    m.read_mnist_idx(folder)
    # the three good files were found good (and remembered) while the damaged one was
    # refused; now only the repaired file is hashed, and nothing on the next load
    assert len(hashed) == 1
    m.read_mnist_idx(folder)
    assert len(hashed) == 1


@pytest.mark.slow
def test_a_byte_changed_under_the_old_mtime_is_hashed_again(mnist_path, tmp_path):
    """A verified raw IDX file changed in place with its mtime put back (same size, same
    mtime) was trusted and trained on; its change time gives it away."""
    from nnviz.core.datasets import mnist as m

    folder = tmp_path / "raw"
    folder.mkdir()
    for f in mnist_path.iterdir():
        if f.name.endswith(".gz"):
            (folder / f.name[:-3]).write_bytes(gzip.decompress(f.read_bytes()))
    m.read_mnist_idx(folder)  # verified and remembered
    target = folder / "t10k-images-idx3-ubyte"
    st = target.stat()
    with open(target, "r+b") as fh:
        fh.seek(16 + 784 * 5 + 300)
        byte = fh.read(1)[0]
        fh.seek(-1, os.SEEK_CUR)
        fh.write(bytes([byte ^ 0x10]))
    os.utime(target, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert (target.stat().st_size, target.stat().st_mtime_ns) == (st.st_size, st.st_mtime_ns)
    with pytest.raises(DataError, match="does not match"):
        m.read_mnist_idx(folder)


@pytest.mark.slow
def test_other_data_in_mnist_format_is_allowed_with_a_note(mnist_path, tmp_path):
    """Every file differs from MNIST's (say, Fashion-MNIST, same names and sizes): not
    damage but the user's own data, so it trains, with a note; one file off is damage."""
    from nnviz.core.datasets import mnist as m

    folder = tmp_path / "own"
    folder.mkdir()
    for f in mnist_path.iterdir():
        if f.name.endswith(".gz"):
            raw = bytearray(gzip.decompress(f.read_bytes()))
            raw[-1] = (raw[-1] + 1) % (256 if "images" in f.name else 10)
            (folder / f.name).write_bytes(gzip.compress(bytes(raw), compresslevel=1))
    ds = m.read_mnist_idx(folder)
    assert "not the published MNIST" in ds.extra["note"]
    assert len(ds.train) == 50000


def test_digits_read_without_importing_scikit_learn_equal_its_loader():
    """The fast path reads scikit-learn's CSV itself: the same pixels and labels, in order."""
    import subprocess
    import sys

    from sklearn.datasets import load_digits as sk_load_digits

    from nnviz.core.datasets.builtin import _digits_arrays

    x, labels = _digits_arrays()
    bunch = sk_load_digits()
    assert x.dtype == np.uint8 and np.array_equal(x, bunch.data)
    assert np.array_equal(labels, bunch.target)
    code = (
        "import sys; from nnviz.core.datasets.builtin import load_digits; load_digits(); "
        "print('sklearn.datasets' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


@pytest.mark.parametrize("content", [b"", b"\x1f\x8b\x08\x00trunc", b"not gzip at all"])
def test_digits_fall_back_to_scikit_learn_when_its_csv_is_damaged(content, tmp_path, monkeypatch):
    import importlib.util
    import types

    from sklearn.datasets import load_digits as sk_load_digits

    from nnviz.core.datasets.builtin import _digits_arrays

    (tmp_path / "datasets" / "data").mkdir(parents=True)
    (tmp_path / "datasets" / "data" / "digits.csv.gz").write_bytes(content)
    fake = types.SimpleNamespace(origin=str(tmp_path / "__init__.py"))
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: fake)
    x, labels = _digits_arrays()
    assert np.array_equal(x, sk_load_digits().data) and labels.shape == (1797,)
