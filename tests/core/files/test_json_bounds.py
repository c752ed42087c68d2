"""JSON files are bounded by their number of values as well as their bytes, and their kind is
told from their first bytes, without parsing them."""

from __future__ import annotations

import json
import tracemalloc

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nnviz.core.circuits.model import Circuit, CircuitError
from nnviz.core.files.kinds import file_kind
from nnviz.core.files.session import SessionError, load_session
from nnviz.core.io.guard import MAX_JSON_VALUES, json_depth_ok


def depth_by_walking(text: str) -> int:
    """The deepest nesting, one character at a time (the definition)."""
    depth = deepest = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth -= 1
    return deepest


json_values = st.recursive(
    st.none() | st.integers() | st.text(alphabet='[]{}"\\ab,', max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=3), inner),
    max_leaves=30,
)


@settings(max_examples=200, deadline=None)
@given(json_values, st.integers(0, 8))
def test_depth_check_agrees_with_a_character_walk(value, limit):
    text = json.dumps(value)
    assert json_depth_ok(text, limit) == (depth_by_walking(text) <= limit)


def test_a_file_of_millions_of_empty_objects_is_refused_before_parsing(tmp_path):
    """A 24 MB session of {} took 2.5 GB to parse (each costs 64 bytes in memory)."""
    n = MAX_JSON_VALUES + 10
    body = ",".join(["{}"] * n)
    session = tmp_path / "empty.nnviz"
    session.write_text('{"format": "nnviz-session", "version": 2, "junk": [' + body + "]}")
    circuit = tmp_path / "empty.json"
    circuit.write_text('{"format": "nnviz-circuit", "version": 1, "junk": [' + body + "]}")
    del body
    tracemalloc.start()
    try:
        with pytest.raises(SessionError, match="more values than any nnviz session"):
            load_session(session)
        with pytest.raises(CircuitError, match="more values than any circuit"):
            Circuit.load(circuit)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 4 * session.stat().st_size  # the text, not millions of objects
    assert file_kind(session) == "session" and file_kind(circuit) == "circuit"


def test_the_kind_of_a_json_file_comes_from_its_format(tmp_path):
    from nnviz.core.circuits.model import nand_chain

    saved = tmp_path / "c.json"
    nand_chain(3).save(saved)
    assert file_kind(saved) == "circuit"
    # "format" past the first 64 KB (a file written by hand): read as a whole, still right
    late = tmp_path / "late.json"
    late.write_text(json.dumps({"padding": "x" * 70_000, "format": "nnviz-deck"}))
    assert file_kind(late) == "deck"
    other = tmp_path / "notes.json"
    other.write_text("[1, 2, 3]")
    assert file_kind(other) == "session"  # what nnviz open then says is not a session
    no_suffix = tmp_path / "circuit"
    no_suffix.write_bytes(saved.read_bytes())
    assert file_kind(no_suffix) == "circuit"
    (tmp_path / "x.bin").write_bytes(b"\x00\x01")
    assert file_kind(tmp_path / "x.bin") == "unknown"
