"""Every loader, fed mutated copies of a valid file, either raises its own error type with a
one-line message or returns something usable, within a time and memory bound.

Mutations: truncation, flipped and inserted bytes, and for JSON formats replaced values
(wrong types, huge numbers, deep nesting, long strings) and deleted keys. Bounded so the
whole module runs in well under a minute (max_examples, a deadline per example).
"""

from __future__ import annotations

import gzip
import json
import os
import struct
import tracemalloc
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nnviz.core.circuits.model import Circuit, CircuitError
from nnviz.core.datasets.mnist import read_idx
from nnviz.core.errors import DataError
from nnviz.core.files.network import NetworkFileError, load_network, save_network
from nnviz.core.files.recording import (
    Recorder,
    RecordingError,
    RecordingWriter,
    make_header,
    read_recording,
)
from nnviz.core.files.session import Session, SessionError, load_session, save_session
from nnviz.core.learning.network import Network
from nnviz.core.learning.presets import PRESETS_FILE, load_presets
from nnviz.core.learning.run import RunSpec
from nnviz.core.learning.snapshot import CHUNK, Progress, Snapshot
from nnviz.paths import SHIPPED_CIRCUITS

FUZZ = settings(
    max_examples=int(os.environ.get("NNVIZ_FUZZ_EXAMPLES", "80")),
    deadline=3000,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,
)
MEMORY_LIMIT = 200_000_000  # bytes allocated while loading one small mutated file
TRIED: dict[str, list[int]] = {}  # loader -> [tried, clean]; printed at the end


def bounded(name: str, load, path: Path, errors: tuple[type[Exception], ...]):
    """Run ``load(path)``; only ``errors`` (one line) may come out; memory stays bounded."""
    counts = TRIED.setdefault(name, [0, 0])
    counts[0] += 1
    tracemalloc.start()
    try:
        result = load(path)
    except errors as exc:
        message = str(exc)
        assert message and "\n" not in message, f"{name}: not one line: {message!r}"
        assert "allow_pickle" not in message
        result = None
    finally:
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    assert peak < MEMORY_LIMIT, f"{name}: {peak / 1e6:.0f} MB for a {path.stat().st_size} B file"
    counts[1] += 1
    return result


# -- byte-level mutations ---------------------------------------------------------------------
def mutations(max_len: int = 4096):
    return st.lists(
        st.one_of(
            st.tuples(st.just("cut"), st.integers(0, max_len)),
            st.tuples(st.just("flip"), st.integers(0, max_len), st.integers(1, 255)),
            st.tuples(
                st.just("insert"), st.integers(0, max_len), st.binary(min_size=1, max_size=16)
            ),
        ),
        min_size=1,
        max_size=4,
    )


def mutate_bytes(data: bytes, ops) -> bytes:
    b = bytearray(data)
    for op in ops:
        if not b:
            break
        pos = op[1] % len(b)
        if op[0] == "cut":
            del b[pos:]
        elif op[0] == "flip":
            b[pos] ^= op[2]
        else:
            b[pos:pos] = op[2]
    return bytes(b)


# -- JSON mutations ---------------------------------------------------------------------------
NASTY = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**30), 10**30),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=40),
    st.just("x" * 5000),
    st.just([[[[[[[[[[[[]]]]]]]]]]]]),
    st.just({"format": "nnviz-circuit"}),
    st.lists(st.integers(-5, 5), max_size=5),
)


def paths_in(doc, prefix=()):
    """Every (container, key) path inside a JSON document."""
    if isinstance(doc, dict):
        for k, v in doc.items():
            yield (*prefix, k)
            yield from paths_in(v, (*prefix, k))
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            yield (*prefix, i)
            yield from paths_in(v, (*prefix, i))


def mutate_json(doc, choice: int, value, delete: bool):
    doc = json.loads(json.dumps(doc))
    paths = list(paths_in(doc))
    if not paths:
        return value
    path = paths[choice % len(paths)]
    parent = doc
    for key in path[:-1]:
        parent = parent[key]
    if delete and isinstance(parent, dict):
        del parent[path[-1]]
    else:
        parent[path[-1]] = value
    return doc


def json_text(doc, raw_tail: str) -> str:
    text = json.dumps(doc)
    return text + raw_tail  # trailing garbage, huge literals ("1e400", 400 digits, NaN)


RAW_TAILS = st.sampled_from(["", "", "", " 1e400", "9" * 400, "NaN", "[" * 3000])


# -- the loaders ------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def valid(tmp_path_factory):
    folder = tmp_path_factory.mktemp("valid")
    net = Network([6, 4, 3], seed=1)
    files = {"network": save_network(folder / "net.npz", net, {"epoch": 2, "seed": 1})}
    header = make_header(
        RunSpec(sizes=net.sizes, dataset="digits", eta=3.0, batch_size=10, epochs=1, seed=1)
    )
    rec = Recorder(RecordingWriter(folder / "run.nnrec", header))
    for k in range(3):
        p = Progress(CHUNK, 0, k, 3, 10 * k, 0.5 / (k + 1), 3.0, 0.01 * k)
        rec.add(p, Snapshot.capture(net, p))
    files["recording"] = rec.close()
    files["session"] = save_session(
        folder / "s.nnviz", Session(run=RunSpec(dataset="digits", sizes=(6, 4, 3)), network=net)
    )
    return files


@FUZZ
@given(ops=mutations())
def test_network_loader(valid, tmp_path, ops):
    path = tmp_path / "m.npz"
    path.write_bytes(mutate_bytes(valid["network"].read_bytes(), ops))
    result = bounded("network", load_network, path, (NetworkFileError,))
    if result is not None:
        net, meta = result
        assert net.params_finite() and isinstance(meta, dict)


@FUZZ
@given(ops=mutations(20000))
def test_recording_loader(valid, tmp_path, ops):
    path = tmp_path / "m.nnrec"
    path.write_bytes(mutate_bytes(valid["recording"].read_bytes(), ops))
    rec = bounded("recording", read_recording, path, (RecordingError, ValueError))
    if rec is not None:
        assert all(len(f.weights) == 2 for f in (rec.frames[i] for i in range(len(rec.frames))))


@FUZZ
@given(choice=st.integers(0, 10**6), value=NASTY, delete=st.booleans(), tail=RAW_TAILS)
def test_session_loader(valid, tmp_path, choice, value, delete, tail):
    doc = json.loads(valid["session"].read_text())
    path = tmp_path / "m.nnviz"
    path.write_text(json_text(mutate_json(doc, choice, value, delete), tail))
    s = bounded("session", load_session, path, (SessionError,))
    if s is not None:
        assert s.run.batch_size >= 1 and s.run.eta > 0 and (s.run.seed is None or s.run.seed >= 0)


@FUZZ
@given(
    name=st.sampled_from(["half_adder", "full_adder", "adder2"]),
    choice=st.integers(0, 10**6),
    value=NASTY,
    delete=st.booleans(),
    tail=RAW_TAILS,
)
def test_circuit_loader(tmp_path, name, choice, value, delete, tail):
    doc = json.loads((SHIPPED_CIRCUITS / f"{name}.json").read_text())
    path = tmp_path / "m.json"
    path.write_text(json_text(mutate_json(doc, choice, value, delete), tail))
    c = bounded("circuit", Circuit.load, path, (CircuitError,))
    if c is not None:
        c.truth_table()  # what the app shows first; it must not fail on a loaded circuit


@FUZZ
@given(choice=st.integers(0, 10**6), value=NASTY, delete=st.booleans(), tail=RAW_TAILS)
def test_deck_loader(tmp_path, choice, value, delete, tail):
    from nnviz.core.files.deck import DeckError, load_deck
    from nnviz.paths import shipped_examples

    doc = json.loads(shipped_examples()["chapter1"].read_text())
    path = tmp_path / "m.nnvizdeck"
    path.write_text(json_text(mutate_json(doc, choice, value, delete), tail))
    deck = bounded("deck", load_deck, path, (DeckError,))
    if deck is not None:
        assert deck.steps and all(isinstance(s.caption, str) for s in deck.steps)


@FUZZ
@given(choice=st.integers(0, 10**6), value=NASTY, delete=st.booleans(), tail=RAW_TAILS)
def test_presets_loader(tmp_path, choice, value, delete, tail):
    doc = json.loads(PRESETS_FILE.read_text())
    path = tmp_path / "p.json"
    path.write_text(json_text(mutate_json(doc, choice, value, delete), tail))
    presets = bounded("presets", load_presets, path, (ValueError,))
    for p in presets or ():
        assert p.batch_size >= 1 and p.eta > 0 and len(p.sizes) >= 2


def idx_bytes(count: int = 5) -> bytes:
    return (
        struct.pack(">IIII", 0x803, count, 28, 28)
        + bytes(range(256)) * 15
        + b"\0" * (count * 784 - 256 * 15)
    )


@FUZZ
@given(ops=mutations(5000), gz=st.booleans())
def test_idx_loader(tmp_path, ops, gz):
    data = mutate_bytes(idx_bytes(), ops)
    path = tmp_path / ("m-idx3-ubyte.gz" if gz else "m-idx3-ubyte")
    path.write_bytes(gzip.compress(data) if gz else data)
    arr = bounded("mnist idx", lambda p: read_idx(p, 0x803, 5, (28, 28)), path, (DataError,))
    if arr is not None:
        assert arr.shape == (5, 28, 28) and arr.dtype == np.uint8


@pytest.mark.parametrize(
    ("load", "error", "suffix"),
    [
        (load_network, NetworkFileError, ".npz"),
        (read_recording, RecordingError, ".nnrec"),
        (load_session, SessionError, ".nnviz"),
        (Circuit.load, CircuitError, ".json"),
        ("deck", None, ".nnvizdeck"),
    ],
)
def test_fifos_and_folders_are_refused_without_blocking(tmp_path, load, error, suffix):
    if load == "deck":
        from nnviz.core.files.deck import DeckError, load_deck

        load, error = load_deck, DeckError
    fifo = tmp_path / f"pipe{suffix}"
    os.mkfifo(fifo)
    with pytest.raises(error, match="not a regular file"):
        load(fifo)
    folder = tmp_path / f"folder{suffix}"
    folder.mkdir()
    with pytest.raises(error, match="folder"):
        load(folder)
    with pytest.raises(error):
        load(tmp_path / ("nul\0" + suffix))


def book_pickle_bytes() -> bytes:
    import pickle

    rng = np.random.default_rng(0)
    parts = tuple(
        ((rng.integers(0, 256, (n, 784)) / 256).astype(np.float32), np.arange(n) % 10)
        for n in (4, 2, 3)
    )
    return gzip.compress(pickle.dumps(parts, protocol=2))


@FUZZ
@given(ops=mutations(30000))
def test_mnist_pickle_loader(tmp_path, ops):
    from nnviz.core.datasets.mnist import read_mnist_pickle

    path = tmp_path / "mnist.pkl.gz"
    path.write_bytes(mutate_bytes(book_pickle_bytes(), ops))
    ds = bounded("mnist pickle", lambda p: read_mnist_pickle(p, (4, 2, 3)), path, (DataError,))
    if ds is not None:
        assert ds.train.x.dtype == np.uint8 and ds.test.x.shape == (3, 784)


SHAPE_DIM = st.one_of(
    st.integers(-3, 12),  # negative, zero, small
    st.sampled_from([2**31, 2**32 + 1, 2**62, 2**63 - 1, -(2**63)]),  # overflowing products
)


@FUZZ
@given(
    member=st.sampled_from(["sizes", "w0", "b0", "w1", "b1"]),
    shape=st.lists(SHAPE_DIM, min_size=0, max_size=3).map(tuple),
    descr=st.sampled_from(["<f8", "<f4", "<i8", "|u1", "<c16", "|O"]),
    extra=st.integers(0, 4096),
)
def test_network_members_declaring_any_shape(valid, tmp_path, member, shape, descr, extra):
    """A member's .npy header may declare any shape and type; only its bytes are real. The
    header is judged against the bytes present before anything is allocated."""
    import io
    import zipfile

    with zipfile.ZipFile(valid["network"]) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(
        header, {"descr": descr, "fortran_order": False, "shape": shape}
    )
    members[f"{member}.npy"] = header.getvalue() + bytes(extra)
    path = tmp_path / "shaped.npz"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for n, data in members.items():
            zf.writestr(n, data)
    result = bounded("network shapes", load_network, path, (NetworkFileError,))
    if result is not None:
        assert result[0].params_finite()


@FUZZ
@given(ops=mutations(20000))
def test_recording_read_as_a_stream(valid, ops):
    """The reader nnviz.watch's window uses on its pipe: the same bytes, mutated, give records
    or a RecordingError, never another error, in bounded memory."""
    import io

    from nnviz.core.files.recording import read_stream

    data = mutate_bytes(valid["recording"].read_bytes(), ops)
    counts = TRIED.setdefault("recording stream", [0, 0])
    counts[0] += 1
    tracemalloc.start()
    try:
        for item in read_stream(io.BytesIO(data), "the pipe"):
            assert isinstance(item, dict | tuple)
    except RecordingError as exc:
        assert str(exc) and "\n" not in str(exc)
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    assert peak < MEMORY_LIMIT
    counts[1] += 1


def test_report_counts():
    """Not a check: prints how many mutated files each loader was given and handled."""
    for name, (tried, clean) in sorted(TRIED.items()):
        print(f"fuzz {name}: {tried} tried, {clean} clean")
    assert all(t == c for t, c in TRIED.values())
