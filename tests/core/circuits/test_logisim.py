"""logisim-evolution's .circ circuits, written by hand for these tests (its files are GPL):
pin places by each gate's size, facing, input count and negated inputs, as logisim draws them."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from nnviz.core.circuits.formats import load_circuit
from nnviz.core.circuits.logisim import read_circ_file
from nnviz.core.circuits.model import CircuitError


def comp(name: str, loc: tuple[int, int], lib: str | None = "1", **attrs: str) -> str:
    lib_attr = f' lib="{lib}"' if lib is not None else ""
    inner = "".join(f'<a name="{k}" val="{v}"/>' for k, v in attrs.items())
    return f'<comp{lib_attr} loc="({loc[0]},{loc[1]})" name="{name}">{inner}</comp>'


def pin(loc, label, output=False) -> str:
    extra = {"output": "true", "facing": "west"} if output else {}
    return comp("Pin", loc, "0", label=label, **extra)


def circ(tmp_path: Path, parts: list[str], wires: list[tuple], name="c.circ") -> Path:
    ws = "".join(f'<wire from="({a[0]},{a[1]})" to="({b[0]},{b[1]})"/>' for a, b in wires)
    text = (
        '<?xml version="1.0" encoding="UTF-8" standalone="no"?><project source="3.8.0" '
        'version="1.0"><lib desc="#Wiring" name="0"/><lib desc="#Gates" name="1"/>'
        f'<main name="main"/><circuit name="main">{"".join(parts)}{ws}</circuit></project>'
    )
    path = tmp_path / name
    path.write_text(text)
    return path


def table(c) -> dict:
    names = c.input_names()
    return {
        bits: tuple(c.evaluate(dict(zip(names, bits))).values())
        for bits in itertools.product((0, 1), repeat=len(names))
    }


def test_gates_of_each_size_and_facing_join_at_logisims_pin_places(tmp_path):
    parts = [
        pin((100, 100), "a"),
        pin((100, 140), "b"),
        pin((100, 200), "c"),
        # A medium AND facing east with its output at (200, 120): inputs 50 behind, 20 apart.
        comp("AND Gate", (200, 120)),
        # A narrow NAND facing south: output (300, 260), inputs 40 above, 10 either side.
        comp("NAND Gate", (300, 260), size="30", facing="south"),
        # A wide OR of three inputs, the middle one negated: inputs 70 behind, 30 apart.
        comp("OR Gate", (420, 200), size="70", inputs="3", negate1="true"),
        pin((500, 200), "y", output=True),
        pin((300, 320), "z", output=True),
    ]
    wires = [
        ((100, 100), (150, 100)),
        ((100, 140), (150, 140)),
        ((200, 120), (290, 120)),
        ((290, 120), (290, 220)),  # AND into the NAND's left input
        ((100, 200), (310, 200)),
        ((310, 200), (310, 220)),  # c into its right input
        ((300, 260), (300, 320)),
        ((100, 140), (100, 170)),
        ((100, 170), (350, 170)),  # b into the OR's first input
        ((310, 200), (340, 200)),  # c into the negated middle input (10 further back)
        ((200, 120), (200, 230)),
        ((200, 230), (350, 230)),  # a AND b into the third
        ((420, 200), (500, 200)),
    ]
    c = read_circ_file(circ(tmp_path, parts, wires)).circuit
    for (a, b, cc), (y, z) in table(c).items():
        assert z == 1 - ((a & b) & cc)
        assert y == (b | (1 - cc) | (a & b))


def test_xor_of_three_only_with_odd_parity_and_unsupported_parts_are_named(tmp_path):
    xor3 = [pin((0, 0), "a"), comp("XOR Gate", (200, 20), inputs="3"), pin((300, 20), "y", True)]
    with pytest.raises(CircuitError, match="exactly one input"):
        read_circ_file(circ(tmp_path, xor3, [((200, 20), (300, 20))]))
    for part, words in [
        (comp("Splitter", (0, 0), "0"), "part 'Splitter'"),
        (comp("Mux_2To1", (0, 0), None), "subcircuit 'Mux_2To1'"),
        (comp("Pin", (0, 0), "0", width="8"), "8-bit parts"),
    ]:
        with pytest.raises(CircuitError, match=words):
            read_circ_file(circ(tmp_path, [part], [], "bad.circ"))


def test_a_loose_gate_is_read_only_where_it_reaches_no_output(tmp_path):
    parts = [
        pin((100, 100), "a"),
        comp("NOT Gate", (200, 100)),  # input 30 behind: (170, 100)
        pin((300, 100), "y", output=True),
        comp("AND Gate", (200, 300)),  # nothing wired: logisim runs it, unknown and unused
        comp("Constant", (100, 400), "0", value="0x0"),
        comp("Tunnel", (150, 400), "0", label="zero"),
        comp("Text", (0, 500), "8", text="a note from logisim"),
    ]
    wires = [((100, 100), (170, 100)), ((200, 100), (300, 100)), ((100, 400), (150, 400))]
    d = read_circ_file(circ(tmp_path, parts, wires))
    assert table(d.circuit) == {(0,): (1,), (1,): (0,)}
    assert [n.text for n in d.circuit.notes.values()] == ["a note from logisim"]
    feeding = [comp("AND Gate", (200, 100)), pin((100, 100), "a"), pin((300, 100), "y", True)]
    with pytest.raises(CircuitError, match="not connected and reaches an output"):
        read_circ_file(circ(tmp_path, feeding, [((200, 100), (300, 100))], "open.circ"))
    assert load_circuit(circ(tmp_path, parts, wires, "by_extension.circ")).output_names() == ["y"]
