"""The circuit model: edits, listeners, evaluation, truth tables and files."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nnviz.core.circuits.model import (
    Circuit,
    CircuitError,
    build_nand_circuit,
    table_to_csv,
    table_to_markdown,
    table_to_text,
)
from tests.core.circuits.test_perceptrons import circuits_with_blocks

# The book's half adder: g0 = NAND(x1, x2) feeds both halves; the carry is NAND(g0, g0).
HALF_ADDER_GATES = [("x1", "x2"), ("x1", 0), ("x2", 0), (1, 2), (0, 0)]


def half_adder() -> Circuit:
    return build_nand_circuit(
        ["x1", "x2"], HALF_ADDER_GATES, [("sum", 3), ("carry", 4)], name="half_adder"
    )


def test_single_nand_truth_table():
    c = Circuit()
    a = c.add_node("input", (0, 0), name="a")
    b = c.add_node("input", (0, 120), name="b")
    g = c.add_node("nand", (120, 60))
    y = c.add_node("output", (240, 60), name="y")
    c.add_wire(a, 0, g, 0)
    c.add_wire(b, 0, g, 1)
    c.add_wire(g, 0, y, 0)
    table = c.truth_table()
    assert table.input_names == ("a", "b")
    assert table.output_names == ("y",)
    assert [r[0] for r in table.rows] == [(0, 0), (0, 1), (1, 0), (1, 1)]
    assert [r[1] for r in table.rows] == [(1,), (1,), (1,), (0,)]
    assert c.nand_count() == 1
    assert c.unconnected_inputs() == []


def test_half_adder_evaluates_and_colours_wires():
    c = half_adder()
    for x1 in (0, 1):
        for x2 in (0, 1):
            assert c.evaluate({"x1": x1, "x2": x2}) == {"sum": x1 ^ x2, "carry": x1 & x2}
    sig = c.signal_values({"x1": 1, "x2": 1})
    first_gate = c.wire(c.wire_into(c.output_ids()[1], 0)).src  # carry's NAND
    assert sig[(first_gate, 0)] == 1
    wires = c.wire_values({"x1": 1, "x2": 1})
    assert set(wires) == set(c.wires)


def test_unconnected_input_reads_zero_and_is_reported():
    c = Circuit()
    a = c.add_node("input", name="a")
    g = c.add_node("nand")
    y = c.add_node("output", name="y")
    c.add_wire(a, 0, g, 0)
    c.add_wire(g, 0, y, 0)
    assert c.unconnected_inputs() == [(g, 1)]
    assert c.evaluate({"a": 1}) == {"y": 1}  # NAND(1, 0) = 1


def test_loop_is_refused_with_path():
    c = Circuit()
    g1 = c.add_node("nand")
    g2 = c.add_node("nand")
    c.add_wire(g1, 0, g2, 0)
    with pytest.raises(CircuitError, match="this wire would make a loop"):
        c.add_wire(g2, 0, g1, 0)
    with pytest.raises(CircuitError, match="loop"):
        c.add_wire(g1, 0, g1, 1)


def test_occupied_input_and_bad_ports_are_refused():
    c = Circuit()
    a = c.add_node("input", name="a")
    g = c.add_node("nand")
    c.add_wire(a, 0, g, 0)
    with pytest.raises(CircuitError, match="already has wire"):
        c.add_wire(a, 0, g, 0)
    with pytest.raises(CircuitError, match="no input port 2"):
        c.add_wire(a, 0, g, 2)
    with pytest.raises(CircuitError, match="no output port"):
        c.add_wire(g, 1, g, 1)


def test_names_validated_and_unique():
    c = Circuit()
    c.add_node("input", name="x")
    with pytest.raises(CircuitError, match="already used"):
        c.add_node("output", name="x")
    with pytest.raises(CircuitError, match="not a valid terminal name"):
        c.add_node("input", name="two words")
    y = c.add_node("output")
    assert c.node(y).name == "y1"
    with pytest.raises(CircuitError, match="already used"):
        c.rename(y, "x")


def test_remove_then_restore_is_exact_and_events_fire():
    c = half_adder()
    before = c.to_dict()
    events = []
    c.subscribe(lambda ev, arg: events.append((ev, arg)))
    victim = c.wire(c.wire_into(c.output_ids()[0], 0)).src
    n_wires = len(c.wires_of(victim))
    record = c.remove_node(victim)
    assert [e for e, _ in events] == ["wire_removed"] * n_wires + ["node_removed"]
    assert c.to_dict() != before
    c.restore(record)
    assert c.to_dict() == before
    assert events[-1][0] == "wire_added"


def test_json_round_trip(tmp_path):
    c = half_adder()
    c.move_node(c.input_ids()[0], (-10.5, 3.25))
    path = tmp_path / "ha.json"
    c.save(path)
    again = Circuit.load(path)
    assert again.to_dict() == c.to_dict()
    assert again.truth_table() == c.truth_table()


def test_malformed_files_raise_clear_errors(tmp_path):
    p = tmp_path / "bad.json"
    p.write_text("{not json")
    with pytest.raises(CircuitError, match="not valid JSON"):
        Circuit.load(p)
    d = half_adder().to_dict()
    d["version"] = 99
    with pytest.raises(CircuitError, match="unsupported circuit file version 99"):
        Circuit.from_dict(d)
    d = half_adder().to_dict()
    d["wires"][0]["to"] = [999, 0]
    with pytest.raises(CircuitError, match=r"wires\[0\].*no node 999"):
        Circuit.from_dict(d)


def test_text_exports():
    t = half_adder().truth_table()
    assert table_to_text(t).splitlines()[:2] == ["x1 x2 sum carry", "0 0 0 0"]
    assert table_to_csv(t).splitlines()[-1] == "1,1,0,1"
    assert table_to_markdown(t).splitlines()[0] == "| x1 | x2 | sum | carry |"
    json.dumps(half_adder().to_dict())  # JSON-ready


def test_block_ports_evaluation_and_nand_count():
    c = Circuit()
    c.define_block("half_adder", half_adder())
    a = c.add_node("input", name="a")
    b = c.add_node("input", name="b")
    blk = c.add_node("block", (120, 0), block="half_adder")
    assert c.input_port_names(blk) == ["x1", "x2"]
    assert c.output_port_names(blk) == ["sum", "carry"]
    s = c.add_node("output", name="s")
    k = c.add_node("output", name="k")
    c.add_wire(a, 0, blk, 0)
    c.add_wire(b, 0, blk, 1)
    c.add_wire(blk, 0, s, 0)
    c.add_wire(blk, 1, k, 0)
    assert c.nand_count() == 5
    rows = c.truth_table().rows
    assert [out for _, out in rows] == [(0, 0), (1, 0), (1, 0), (0, 1)]
    again = Circuit.from_dict(json.loads(json.dumps(c.to_dict())))
    assert again.to_dict() == c.to_dict()
    with pytest.raises(CircuitError, match="still used"):
        c.undefine_block("half_adder")


# -- properties over random circuits ------------------------------------------------------


@st.composite
def nand_descriptions(draw):
    """(inputs, gates, outputs) for build_nand_circuit, with some sources left open."""
    inputs = [f"i{k}" for k in range(draw(st.integers(1, 4)))]
    gates = []

    def source(limit):
        options = [st.sampled_from(inputs), st.none()]
        if limit:
            options.append(st.integers(0, limit - 1))
        return draw(st.one_of(*options))

    for g in range(draw(st.integers(0, 10))):
        gates.append((source(g), source(g)))
    outputs = [(f"o{k}", source(len(gates))) for k in range(draw(st.integers(1, 3)))]
    return inputs, gates, outputs


def reference_outputs(inputs, gates, outputs, bits):
    """Evaluate a description directly, gate by gate in list order (open = 0)."""
    env = dict(zip(inputs, bits, strict=True))
    vals: list[int] = []

    def get(src):
        if src is None:
            return 0
        return env[src] if isinstance(src, str) else vals[src]

    for a, b in gates:
        vals.append(1 - (get(a) & get(b)))
    return tuple(get(src) for _, src in outputs)


@settings(max_examples=120, deadline=None)
@given(nand_descriptions())
def test_random_circuit_matches_direct_evaluation(desc):
    inputs, gates, outputs = desc
    c = build_nand_circuit(inputs, gates, outputs)
    table = c.truth_table()
    assert len(table.rows) == 2 ** len(inputs)
    for k, (bits, outs) in enumerate(table.rows):
        assert int("".join(map(str, bits)), 2) == k  # counting order, first input = MSB
        assert outs == reference_outputs(inputs, gates, outputs, bits)
    open_ports = sum(src is None for pair in gates for src in pair)
    assert len(c.unconnected_inputs()) == open_ports + sum(src is None for _, src in outputs)


@settings(max_examples=80, deadline=None)
@given(nand_descriptions())
def test_random_round_trip_through_json(desc):
    c = build_nand_circuit(*desc)
    d = c.to_dict()
    again = Circuit.from_dict(json.loads(json.dumps(d)))
    assert again.to_dict() == d
    assert again.truth_table() == c.truth_table()


@settings(max_examples=80, deadline=None)
@given(nand_descriptions(), st.data())
def test_remove_then_restore_any_node_is_exact(desc, data):
    c = build_nand_circuit(*desc)
    before = c.to_dict()
    victim = data.draw(st.sampled_from(sorted(c.nodes)))
    record = c.remove_node(victim)
    assert victim not in c.nodes and not c.wires_of(victim)
    c.restore(record)
    assert c.to_dict() == before


@settings(max_examples=80, deadline=None)
@given(nand_descriptions(), st.data())
def test_any_wire_closing_a_loop_is_refused(desc, data):
    c = build_nand_circuit(*desc)
    gates = [n for n in sorted(c.nodes) if c.node(n).kind == "nand"]
    if not gates:
        return
    # A wire from a gate downstream of src (or src itself) back into src closes a loop.
    src = data.draw(st.sampled_from(gates))
    downstream = [g for g in gates if c.path(src, g) is not None]
    dst = data.draw(st.sampled_from(downstream))
    for port in (0, 1):
        wid = c.wire_into(src, port)
        if wid is not None:
            c.remove_wire(wid)
        before = c.to_dict()
        with pytest.raises(CircuitError, match="this wire would make a loop"):
            c.add_wire(dst, 0, src, port)
        assert c.to_dict() == before  # a refused wire leaves no trace


FIELD_NAMES = ("id", "kind", "x", "y", "name", "block", "from", "to", "blocks", "version")
JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-3, 50)
    | st.floats(allow_nan=True)
    | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=6,
)


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(st.data())
def test_mutated_files_load_or_raise_circuit_error(data):
    c = Circuit()
    c.define_block("half_adder", half_adder())
    c.add_node("block", block="half_adder")
    d = c.to_dict()
    # Walk to some dict or list in the document, then overwrite or add one entry there.
    target = d
    while True:
        keys = list(target) if isinstance(target, dict) else list(range(len(target)))
        inner = [k for k in keys if isinstance(target[k], dict | list) and target[k]]
        if not inner or not data.draw(st.booleans()):
            break
        target = target[data.draw(st.sampled_from(inner))]
    if isinstance(target, dict):
        key = data.draw(st.sampled_from(sorted(set(target) | set(FIELD_NAMES))))
    else:
        key = data.draw(st.integers(0, max(0, len(target) - 1)))
        if not target:
            target.append(None)
    target[key] = data.draw(JSON)
    try:
        c = Circuit.from_dict(d)
    except CircuitError as exc:
        assert str(exc) and "\n" not in str(exc)
    else:
        assert Circuit.from_dict(c.to_dict()).to_dict() == c.to_dict()


def test_evaluate_rejects_unknown_names_and_non_bits():
    c = half_adder()
    with pytest.raises(CircuitError, match="unknown input name.*'x3'.*x1, x2"):
        c.evaluate({"x3": 1})
    with pytest.raises(CircuitError, match="must be 0 or 1"):
        c.evaluate({"x1": 2})
    assert c.evaluate({"x1": True}) == {"sum": 1, "carry": 0}
    assert c.evaluate({}) == {"sum": 0, "carry": 0}  # missing inputs read 0


def test_circuit_without_inputs_has_one_row():
    c = Circuit()
    g = c.add_node("nand")
    y = c.add_node("output", name="y")
    z = c.add_node("output", name="z")
    c.add_wire(g, 0, y, 0)
    table = c.truth_table()
    assert table.rows == [((), (1, 0))]  # NAND(0, 0) = 1; z is unconnected
    assert c.unconnected_inputs() == [(g, 0), (g, 1), (z, 0)]


def test_listeners_unsubscribe_and_replace_contents():
    c = Circuit()
    seen = []
    stop = c.subscribe(lambda ev, arg: seen.append((ev, arg)))
    nid = c.add_node("input", name="a")
    c.move_node(nid, (5, 6))
    c.rename(nid, "b")
    c.replace_contents(half_adder())
    assert seen == [("node_added", nid), ("node_moved", nid), ("renamed", nid), ("changed", None)]
    assert c.input_names() == ["x1", "x2"]
    stop()
    c.add_node("nand")
    assert len(seen) == 4


def test_undo_style_inverses_restore_the_model():
    c = half_adder()
    before = c.to_dict()
    nid = c.input_ids()[0]
    old_pos = c.move_node(nid, (300, 300))
    old_name = c.rename(nid, "first")
    wire = c.remove_wire(sorted(c.wires)[0])
    extra = c.add_node("nand")
    c.remove_node(extra)
    c.add_wire(wire.src, wire.src_port, wire.dst, wire.dst_port, wire_id=wire.id)
    c.rename(nid, old_name)
    c.move_node(nid, old_pos)
    after = c.to_dict()
    # Ids are never reused: only the counter moved on past the removed node.
    assert after.pop("next_node_id") == before.pop("next_node_id") + 1
    assert after == before


def test_save_is_atomic_and_keeps_old_file_on_failure(tmp_path, monkeypatch):
    path = tmp_path / "c.json"
    half_adder().save(path)
    original = path.read_text()

    def boom(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr("nnviz.core.circuits.model.os.replace", boom)
    c = half_adder()
    c.add_node("nand")
    with pytest.raises(OSError, match="disk full"):
        c.save(path)
    assert path.read_text() == original
    assert [p.name for p in tmp_path.iterdir()] == ["c.json"]  # no temp file left behind


@pytest.mark.parametrize(
    "mutate, message",
    [
        (lambda d: d.pop("nodes"), 'missing or malformed "nodes"'),
        (lambda d: d["nodes"][0].pop("kind"), r'nodes\[0\]: missing "kind"'),
        (lambda d: d["nodes"][1].update(name="x1"), r"nodes\[1\]: the name 'x1' is already used"),
        (lambda d: d["nodes"][2].update(kind="gate"), r"nodes\[2\]: unknown node kind 'gate'"),
        (lambda d: d["nodes"][2].update(id=1), r"nodes\[2\]: node id 1 is already in use"),
        (lambda d: d.update(format="something"), "not an nnviz circuit"),
        (lambda d: d.update(next_node_id=2), '"next_node_id" must be a whole number above'),
        (
            # A wire from the last gate back into the first one.
            lambda d: d["wires"].__setitem__(0, {"id": 1, "from": [6, 0], "to": [3, 0]}),
            r"wires\[\d+\]: this wire would make a loop: NAND",
        ),
        (
            lambda d: d["wires"].append({"id": 99, "from": [1, 0], "to": [3, 0]}),
            r"wires\[12\]: input port 0 of NAND 1 already has wire",
        ),
    ],
)
def test_malformed_documents_say_what_and_where(mutate, message):
    d = half_adder().to_dict()
    mutate(d)
    with pytest.raises(CircuitError, match=message):
        Circuit.from_dict(d)


def test_malformed_block_definition_is_located(tmp_path):
    c = Circuit()
    c.define_block("half_adder", half_adder())
    d = c.to_dict()
    d["blocks"]["half_adder"]["version"] = 2
    path = tmp_path / "outer.json"
    path.write_text(json.dumps(d))
    with pytest.raises(CircuitError, match=r"outer.json.blocks\['half_adder'\]: unsupported"):
        Circuit.load(path)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_circuits_with_blocks_round_trip_and_restore(data):
    c = data.draw(circuits_with_blocks())
    d = c.to_dict()
    again = Circuit.from_dict(json.loads(json.dumps(d)))
    assert again.to_dict() == d and again.truth_table() == c.truth_table()
    victim = data.draw(st.sampled_from(sorted(c.nodes)))
    record = c.remove_node(victim)
    c.restore(record)
    assert c.to_dict() == d
