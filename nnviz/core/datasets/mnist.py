"""Reading MNIST: the four IDX files or the book's pickle, from the folder nnviz looks in.

Every loader returns a :class:`~nnviz.core.datasets.dataset.Dataset` whose inputs are compact uint8
rows plus a ``scale``. Loaded arrays are marked read-only because loaders cache their
results and share them between callers; code that wants to change data must copy it.

MNIST is read from the four IDX files (``.gz`` or uncompressed) or from the book's
``mnist.pkl.gz``. The folder is ``data_dir`` if given, else ``$NNVIZ_MNIST_DIR``, else
``<user data dir>/mnist`` (where ``nnviz data download`` puts it).
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import io
import json
import os
import pickle
import zlib
from pathlib import Path

import numpy as np

from nnviz.core.datasets.dataset import Dataset, Split, one_hot, readonly
from nnviz.core.errors import DataError
from nnviz.core.io.guard import check_regular_file

# ---------------------------------------------------------------------------------------------
# MNIST
# ---------------------------------------------------------------------------------------------

# key -> file name without .gz
MNIST_FILES: dict[str, str] = {
    "train_images": "train-images-idx3-ubyte",
    "train_labels": "train-labels-idx1-ubyte",
    "test_images": "t10k-images-idx3-ubyte",
    "test_labels": "t10k-labels-idx1-ubyte",
}
MNIST_PICKLE = "mnist.pkl.gz"
# md5 of each file once uncompressed (the published values).
MNIST_MD5: dict[str, str] = {
    "train-images-idx3-ubyte": "6bbc9ace898e44ae57da46a324031adb",
    "train-labels-idx1-ubyte": "a25bea736e30d166cdddb491f175f624",
    "t10k-images-idx3-ubyte": "2646ac647ad5339dbf082846283269ea",
    "t10k-labels-idx1-ubyte": "27ae3e4e09519cfbb04c329615203637",
}
_PUBLISHED_COUNTS = {"train": 60000, "test": 10000}  # the files the checksums are for
MNIST_COUNTS = {"train": 60000, "test": 10000}
MNIST_VALIDATION = 10000  # the last 10,000 training images, as in the book
_IDX_IMAGES_MAGIC = 0x00000803  # unsigned bytes, 3 dimensions
_IDX_LABELS_MAGIC = 0x00000801  # unsigned bytes, 1 dimension

_HOW_TO_GET = (
    "run `nnviz data download`, or copy the four MNIST files "
    "(train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz, "
    "t10k-labels-idx1-ubyte.gz) into {folder}, or pass --data-dir"
)


def mnist_dir(data_dir: str | os.PathLike[str] | None = None) -> Path:
    """The folder MNIST is read from and downloaded to (it need not exist yet).

    ``data_dir`` if given, else ``$NNVIZ_MNIST_DIR``, else ``<user data dir>/mnist``.
    """
    if data_dir is not None:
        return Path(data_dir).expanduser()
    env = os.environ.get("NNVIZ_MNIST_DIR")
    if env:
        return Path(env).expanduser()
    from nnviz.paths import user_data_dir  # lazy: keeps importing the core cheap

    return user_data_dir() / "mnist"


def mnist_file(folder: Path, key: str) -> Path | None:
    """The path of one MNIST IDX file in ``folder`` (``.gz`` preferred), or None if absent."""
    base = MNIST_FILES[key]
    for candidate in (folder / f"{base}.gz", folder / base):
        if candidate.is_file():
            return candidate
    return None


def find_mnist(data_dir: str | os.PathLike[str] | None = None) -> Path | None:
    """The MNIST folder if it holds all four IDX files (gz or raw) or ``mnist.pkl.gz``.

    Only checks that the files are there; :func:`load_mnist` checks their contents.
    """
    folder = mnist_dir(data_dir)
    if folder.is_file() and folder.name.endswith(".pkl.gz"):
        return folder
    if not folder.is_dir():
        return None
    if all(mnist_file(folder, key) is not None for key in MNIST_FILES):
        return folder
    if (folder / MNIST_PICKLE).is_file():
        return folder
    return None


def load_mnist(data_dir: str | os.PathLike[str] | None = None) -> Dataset:
    """MNIST in the book's split, as compact uint8 pixels.

    train: the first 50,000 training images; validation: the last 10,000 training images;
    test: the 10,000 t10k images. ``x`` is (n, 784) uint8, ``scale`` 1/255: the network sees
    pixel / 255, so 0.0 is background and 1.0 full ink (MNIST stores ink as high values).
    ``labels`` (n,) int64, ``y`` one-hot (n, 10) uint8, ``image_shape`` (28, 28).

    Raises DataError if the files are missing, truncated or corrupt. Results are cached per
    folder (and file size and modification time), so asking again costs nothing.
    """
    folder = mnist_dir(data_dir)
    if not folder.exists():
        raise DataError(
            f"MNIST folder {folder} does not exist: " + _HOW_TO_GET.format(folder=folder)
        )
    found = find_mnist(folder)
    if found is None:
        missing = [MNIST_FILES[k] + ".gz" for k in MNIST_FILES if mnist_file(folder, k) is None]
        raise DataError(
            f"MNIST files missing in {folder} ({', '.join(missing)}): "
            + _HOW_TO_GET.format(folder=folder)
        )
    found = found.resolve()
    if found.is_file() or mnist_file(found, "train_images") is None:
        pkl = found if found.is_file() else found / MNIST_PICKLE
        return _load_pickle_cached(pkl, _stat_key([pkl]))
    paths = [mnist_file(found, key) for key in MNIST_FILES]
    return _load_idx_cached(found, _stat_key(paths))


def _stat_key(paths: list[Path | None]) -> tuple:
    # Part of the cache key, so a replaced or re-downloaded file is read again.
    out = []
    for p in paths:
        st = p.stat()
        out.append((p.name, st.st_size, st.st_mtime_ns))
    return tuple(out)


@functools.lru_cache(maxsize=4)
def _load_idx_cached(folder: Path, _key: tuple) -> Dataset:
    return read_mnist_idx(folder)


@functools.lru_cache(maxsize=2)
def _load_pickle_cached(path: Path, _key: tuple) -> Dataset:
    return read_mnist_pickle(path)


def _read_bytes(path: Path, limit: int | None = None) -> bytes:
    """File contents, decompressed if it ends in .gz; DataError if unreadable.

    With ``limit``, at most ``limit + 1`` bytes are read (decompressed): enough to tell a
    file that is too long, never a gzip bomb's gigabytes.
    """
    path = check_regular_file(path, DataError, "give the MNIST files themselves")
    n = -1 if limit is None else limit + 1
    try:
        if path.name.endswith(".gz"):
            with gzip.open(path, "rb") as f:
                return f.read(n)
        with open(path, "rb") as f:
            return f.read(n)
    except (EOFError, gzip.BadGzipFile, zlib.error) as exc:
        raise DataError(
            f"{path} is truncated or not a valid gzip file ({exc}): delete it and run "
            "`nnviz data download` again"
        ) from exc
    except OSError as exc:
        raise DataError(f"cannot read {path}: {exc}") from exc


def read_idx(
    path: Path,
    magic: int,
    count: int,
    item_shape: tuple[int, ...],
    expected_md5: str | None = None,
) -> np.ndarray:
    """An IDX file of unsigned bytes as a read-only array of shape (count, *item_shape).

    Checks the magic number, the dimensions, the example count and the exact file length,
    and with ``expected_md5`` the checksum of the uncompressed content (a file already found
    good, by its size and modification time, is not hashed again).
    """
    ndim = magic & 0xFF
    header_len = 4 + 4 * ndim
    data = _read_bytes(path, header_len + count * int(np.prod(item_shape)))
    redo = "delete it and run `nnviz data download` again"
    if len(data) < header_len:
        raise DataError(f"{path} is too short to be an IDX file ({len(data)} bytes): {redo}")
    found_magic = int.from_bytes(data[0:4], "big")
    if found_magic != magic:
        raise DataError(
            f"{path} has magic number {found_magic:#010x}, expected {magic:#010x} "
            f"(is it the right file?): {redo}"
        )
    dims = tuple(int.from_bytes(data[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim))
    expected = (count, *item_shape)
    if dims != expected:
        raise DataError(f"{path} has dimensions {dims}, expected {expected}: {redo}")
    body = len(data) - header_len
    need = int(np.prod(expected))
    if body != need:
        if body < need:
            raise DataError(f"{path} is truncated ({body} of {need} data bytes): {redo}")
        raise DataError(f"{path} is longer than its header says (over {need} data bytes): {redo}")
    if expected_md5 is not None and not _known_good(path):
        got = hashlib.md5(data).hexdigest()
        if got != expected_md5:
            raise ChecksumMismatch(
                f"{path.name}: md5 {got} does not match the expected {expected_md5} (the file "
                f"is damaged): {redo}"
            )
        _remember_good(path)
    # frombuffer over immutable bytes: no copy, and the array is read-only.
    return np.frombuffer(data, dtype=np.uint8, offset=header_len).reshape(expected)


class ChecksumMismatch(DataError):
    """A file with MNIST's name and shape whose content is not MNIST's published one."""


def _verified_file() -> Path:
    from nnviz.paths import user_data_dir

    return user_data_dir() / "cache" / "mnist_verified.json"


def _file_key(path: Path) -> str:
    # The change time and the inode too: a byte changed and the old mtime put back (touch -d)
    # kept size and mtime, and the damaged file was trained on. No program can set ctime.
    st = path.stat()
    return f"{path.resolve()}|{st.st_size}|{st.st_mtime_ns}|{st.st_ctime_ns}|{st.st_ino}"


def _known_good(path: Path) -> bool:
    try:
        return _file_key(path) in json.loads(_verified_file().read_text())
    except (OSError, ValueError, TypeError):
        return False


def _remember_good(path: Path) -> None:
    """Keep a file's verified checksum by path, size and times (best effort: a read-only
    cache only means hashing again next time)."""
    target = _verified_file()
    try:
        known = json.loads(target.read_text()) if target.exists() else []
        if not isinstance(known, list):
            known = []
    except (OSError, ValueError):
        known = []
    known = [k for k in known if isinstance(k, str)][-64:] + [_file_key(path)]
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(known))
    except OSError:
        pass


def read_mnist_idx(
    folder: Path,
    counts: dict[str, int] | None = None,
    n_validation: int | None = None,
) -> Dataset:
    """Read the four IDX files in ``folder`` (uncached; see :func:`load_mnist`).

    ``counts`` and ``n_validation`` exist so tests can use small synthetic files.
    """
    counts = counts or MNIST_COUNTS
    n_validation = MNIST_VALIDATION if n_validation is None else n_validation
    arrays = {}
    mismatched: list[ChecksumMismatch] = []
    for key in MNIST_FILES:
        path = mnist_file(folder, key)
        if path is None:
            raise DataError(
                f"{MNIST_FILES[key]}(.gz) missing in {folder}: " + _HOW_TO_GET.format(folder=folder)
            )
        part = "train" if key.startswith("train") else "test"
        # The real MNIST's files must match their published checksums; small synthetic
        # files (tests, the user's own IDX data of other sizes) have none to match.
        md5 = MNIST_MD5[MNIST_FILES[key]] if counts == _PUBLISHED_COUNTS else None
        magic, shape = (
            (_IDX_IMAGES_MAGIC, (28, 28)) if key.endswith("images") else (_IDX_LABELS_MAGIC, ())
        )
        try:
            arrays[key] = read_idx(path, magic, counts[part], shape, md5)
        except ChecksumMismatch as exc:
            mismatched.append(exc)
            arrays[key] = read_idx(path, magic, counts[part], shape)
    note = ""
    if mismatched and len(mismatched) < len(MNIST_FILES):
        # Some files are MNIST's and some are not: damage (a flipped byte), not other data.
        raise mismatched[0]
    if mismatched:
        note = (
            f"the files in {folder} are not the published MNIST (no checksum matches); "
            "training on them as your own data"
        )
    train_x = arrays["train_images"].reshape(counts["train"], 784)
    test_x = arrays["test_images"].reshape(counts["test"], 784)
    return _mnist_dataset(
        train_x,
        arrays["train_labels"],
        test_x,
        arrays["test_labels"],
        n_validation,
        source=str(folder),
        fmt="idx",
        note=note,
    )


def _split(x: np.ndarray, raw_labels: np.ndarray, source: str) -> Split:
    if raw_labels.size and int(raw_labels.max()) > 9:
        raise DataError(
            f"MNIST labels in {source} include {int(raw_labels.max())}, but digits are 0-9: "
            "the label file is corrupt; delete it and run `nnviz data download` again"
        )
    labels = raw_labels.astype(np.int64)
    y = one_hot(labels, 10)
    readonly(x, labels, y)
    return Split(x, y, labels)


def _mnist_dataset(
    train_x: np.ndarray,
    train_labels: np.ndarray,
    test_x: np.ndarray,
    test_labels: np.ndarray,
    n_validation: int,
    source: str,
    fmt: str,
    note: str = "",
) -> Dataset:
    n_train = train_x.shape[0] - n_validation
    return Dataset(
        name="mnist",
        # Slices are views: the training split and validation share the file's buffer.
        train=_split(train_x[:n_train], train_labels[:n_train], source),
        validation=_split(train_x[n_train:], train_labels[n_train:], source),
        test=_split(test_x, test_labels, source),
        scale=1.0 / 255.0,
        image_shape=(28, 28),
        description="MNIST handwritten digits: 28x28 images, 50,000 train / 10,000 "
        "validation / 10,000 test",
        extra={"source": source, "format": fmt, **({"note": note} if note else {})},
    )


class _ArrayUnpickler(pickle.Unpickler):
    """Unpickles only numpy arrays, tuples and numbers: a data file must not run code."""

    _ALLOWED = {
        ("numpy.core.multiarray", "_reconstruct"),
        ("numpy._core.multiarray", "_reconstruct"),
        ("numpy.core.multiarray", "scalar"),
        ("numpy._core.multiarray", "scalar"),
        ("numpy", "ndarray"),
        ("numpy", "dtype"),
        ("_codecs", "encode"),  # how protocol-2 pickles spell bytes; harmless
    }

    def find_class(self, module: str, name: str):
        if (module, name) not in self._ALLOWED:
            raise DataError(
                f"refusing to load {module}.{name} from a pickle: mnist.pkl.gz should hold "
                "only numpy arrays; use the four IDX files instead (`nnviz data download`)"
            )
        return super().find_class(module, name)


def pixel_scale(values: np.ndarray) -> float:
    """256 if the pixels are bytes divided by 256 (the book's mnist.pkl.gz), else 255.

    Every byte / 256 is a float32 exactly, so times 256 they are whole numbers; bytes / 255
    are not (1/255 * 256 = 1.0039...). Rounding x * 255 instead turns byte/256 values from 129
    up into one byte too few.
    """
    v = np.asarray(values, dtype=np.float32)
    times = v * np.float32(256.0)
    if float(np.max(np.abs(times - np.rint(times)))) < 1e-3 and float(v.max()) < 1.0:
        return 256.0
    return 255.0


def read_mnist_pickle(path: Path, sizes: tuple[int, int, int] = (50000, 10000, 10000)) -> Dataset:
    """Read the book's ``mnist.pkl.gz`` (float pixels in [0, 1]) into compact uint8 form.

    The pickle holds ((train_x, train_y), (val_x, val_y), (test_x, test_y)) with x float32
    of shape (n, 784). Pixels go back to bytes exactly, whether stored as byte / 255 or as
    the book's byte / 256 (:func:`pixel_scale`).
    """
    limit = 8 * 784 * sum(sizes) + 10_000_000  # float64 pixels at most, and the labels
    raw = _read_bytes(path, limit)
    if len(raw) > limit:
        raise DataError(
            f"{path} unpacks to more than {limit // 10**6} MB, more than MNIST's pickle; "
            "use the four IDX files instead (`nnviz data download`)"
        )
    try:
        # latin1: the book's file was written by Python 2 with numpy byte strings inside.
        parts = _ArrayUnpickler(io.BytesIO(raw), encoding="latin1").load()
    except DataError:
        raise
    except Exception as exc:  # any unpickling failure means a bad file
        raise DataError(
            f"{path} is not a readable MNIST pickle ({type(exc).__name__}: {exc}): use the "
            "four IDX files instead (`nnviz data download`)"
        ) from exc
    del raw
    names = ("training", "validation", "test")
    if not (isinstance(parts, tuple | list) and len(parts) == 3):
        raise DataError(f"{path} should hold three (images, labels) pairs: it is not MNIST")
    xs, labs = [], []
    scale = None  # 256 for the book's file (byte / 256, at most 0.99609375), else 255
    for part, name, n in zip(parts, names, sizes, strict=True):
        try:
            fx, fl = part
            fx, fl = np.asarray(fx), np.asarray(fl)
        except (TypeError, ValueError) as exc:
            raise DataError(f"{path}: the {name} part is not an (images, labels) pair") from exc
        if fx.shape != (n, 784) or fl.shape != (n,):
            raise DataError(
                f"{path}: the {name} part has shapes {fx.shape} and {fl.shape}, expected "
                f"({n}, 784) and ({n},): the file is not the book's MNIST pickle"
            )
        if not np.issubdtype(fx.dtype, np.floating) or not np.issubdtype(fl.dtype, np.integer):
            raise DataError(f"{path}: the {name} part has unexpected types {fx.dtype}, {fl.dtype}")
        if fl.size and (int(fl.min()) < 0 or int(fl.max()) > 9):
            raise DataError(f"{path}: the {name} labels are not all digits 0-9")
        x = np.empty((n, 784), dtype=np.uint8)
        for s in range(0, n, 5000):  # in chunks: never a float64 copy of the whole set
            raw = fx[s : s + 5000].astype(np.float32)
            if scale is None and np.any(raw > 0):
                scale = pixel_scale(raw)
            block = raw * np.float32(scale or 255.0)
            if not (np.all(np.isfinite(block)) and block.min() > -0.5 and block.max() < 255.5):
                raise DataError(f"{path}: the {name} pixels are not all in [0, 1]")
            x[s : s + 5000] = np.rint(block)
        xs.append(x)
        labs.append(fl.astype(np.uint8))
    train_x = np.concatenate(xs[:2])
    train_l = np.concatenate(labs[:2])
    return _mnist_dataset(train_x, train_l, xs[2], labs[2], sizes[1], source=str(path), fmt="pkl")
