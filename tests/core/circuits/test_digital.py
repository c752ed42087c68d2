"""Digital's .dig files: read by geometry, compiled to NAND gates, written back.

The .dig files here are written by hand for these tests (Digital's own examples are GPL).
"""

from __future__ import annotations

import itertools
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from nnviz.core.circuits.digital import read_dig
from nnviz.core.circuits.digital_write import to_dig_text, write_dig
from nnviz.core.circuits.model import Circuit, CircuitError

HERE = Path(__file__).parent / "dig"


def table(c: Circuit) -> dict:
    """{input bits: output bits} with terminals in name order, for comparisons."""
    t = c.truth_table()
    ins, outs = list(t.input_names), list(t.output_names)
    oi, oo = (
        sorted(range(len(ins)), key=ins.__getitem__),
        sorted(range(len(outs)), key=outs.__getitem__),
    )
    return {tuple(i[k] for k in oi): tuple(o[k] for k in oo) for i, o in t.rows}


def part(name, x, y, **attrs) -> str:
    entries = []
    for key, value in attrs.items():
        key = {"inverter": "inverterConfig", "wide": "wideShape"}.get(key, key)
        if key == "rotation":
            body = f'<rotation rotation="{value}"/>'
        elif key == "inverterConfig":
            body = "<inverterConfig>" + "".join(f"<string>{v}</string>" for v in value)
            body += "</inverterConfig>"
        elif isinstance(value, bool):
            body = f"<boolean>{str(value).lower()}</boolean>"
        elif isinstance(value, int):
            body = f"<int>{value}</int>"
        else:
            body = f"<string>{value}</string>"
        entries.append(f"<entry><string>{key}</string>{body}</entry>")
    return (
        f"<visualElement><elementName>{name}</elementName><elementAttributes>"
        f'{"".join(entries)}</elementAttributes><pos x="{x}" y="{y}"/></visualElement>'
    )


def wire(a, b) -> str:
    return f'<wire><p1 x="{a[0]}" y="{a[1]}"/><p2 x="{b[0]}" y="{b[1]}"/></wire>'


def dig(tmp_path, parts, wires, name="c.dig") -> Path:
    text = (
        '<?xml version="1.0" encoding="utf-8"?><circuit><version>2</version><attributes/>'
        f"<visualElements>{''.join(parts)}</visualElements><wires>{''.join(wires)}</wires>"
        "</circuit>"
    )
    path = tmp_path / name
    path.write_text(text)
    return path


def test_a_half_adder_with_t_junctions_reads_as_nand_gates():
    c = read_dig(HERE / "half_adder.dig")
    assert set(c.input_names()) == {"A", "B"} and set(c.output_names()) == {"C", "S"}
    assert all(c.node(i).kind in ("input", "output", "nand") for i in c.nodes)
    assert table(c) == {(a, b): (a & b, a ^ b) for a, b in itertools.product((0, 1), repeat=2)}
    # The And gate's label is kept on the gate that gives its output.
    assert any(c.node(i).label == "carry gate" for i in c.nodes)


def test_a_point_halfway_along_a_wire_connects_nothing(tmp_path):
    # As in Digital: only end points join. The Out sits on the middle of a's wire.
    parts = [part("In", 0, 0, Label="a"), part("Out", 100, 0, Label="y")]
    with pytest.raises(CircuitError, match="Out 'y' at .*: its input is not connected"):
        read_dig(dig(tmp_path, parts, [wire((0, 0), (200, 0))]))  # y is not on a's wire
    c = read_dig(dig(tmp_path, parts, [wire((0, 0), (100, 0)), wire((100, 0), (200, 0))]))
    assert len(c.wires) == 1


def test_old_grid_wide_three_input_nor():
    c = read_dig(HERE / "nor3_old_grid.dig")
    assert table(c) == {bits: (int(not any(bits)),) for bits in itertools.product((0, 1), repeat=3)}


def test_rotation_inverted_inputs_tunnels_and_const(tmp_path):
    # And(NOT a, b) turned a quarter: Digital maps a local pin (x, y) to (y, -x).
    parts = [
        part("In", 100, 320, Label="a"),
        part("In", 100, 400, Label="b"),
        part("And", 300, 300, rotation=1, inverter=["In_1"]),
        part("Tunnel", 320, 200, NetName="t", rotation=0),
        part("Tunnel", 500, 100, NetName="t"),
        part("Out", 600, 100, Label="y"),
        part("Const", 500, 500, Value=1),
        part("Out", 600, 500, Label="one"),
        part("Not", 400, 600),
        part("Out", 600, 600, Label="nb"),
    ]
    wires = [
        wire((100, 320), (300, 320)),  # a -> In_1 (inverted: its pin sits one step left)
        wire((100, 400), (340, 400)),
        wire((340, 400), (340, 300)),  # b -> In_2
        wire((320, 240), (320, 200)),  # output (20, -60) from (300, 300) -> tunnel
        wire((500, 100), (600, 100)),  # the other end of tunnel t -> y
        wire((500, 500), (600, 500)),
        wire((340, 400), (340, 600)),  # b also along a straight wire to the Not
        wire((340, 600), (400, 600)),
        wire((440, 600), (600, 600)),  # a Not is 40 wide
    ]
    c = read_dig(dig(tmp_path, parts, wires))
    got = table(c)
    for a, b in itertools.product((0, 1), repeat=2):
        # outputs in name order: nb, one, y
        assert got[(a, b)] == (1 - b, 1, (1 - a) & b)


def test_a_latch_is_refused_naming_its_parts(tmp_path):
    parts = [
        part("In", 0, 0, Label="s"),
        part("In", 0, 200, Label="r"),
        part("NOr", 100, 0, Label="top"),
        part("NOr", 100, 200, Label="bottom"),
        part("Out", 300, 20, Label="q"),
    ]
    wires = [
        wire((0, 0), (100, 0)),
        wire((0, 200), (100, 240)),
        wire((180, 20), (300, 20)),
        wire((180, 20), (100, 200)),  # top's output into bottom
        wire((180, 220), (100, 40)),  # bottom's output into top: a loop
    ]
    with pytest.raises(CircuitError, match="feedback loop") as err:
        read_dig(dig(tmp_path, parts, wires, "latch.dig"))
    assert "NOr 'top'" in str(err.value) and "NOr 'bottom'" in str(err.value)
    assert "latch.dig" in str(err.value)


@pytest.mark.parametrize(
    "parts, message",
    [
        ([part("Clock", 10, 10)], "does not support the part 'Clock'"),
        ([part("In", 10, 10, Bits=4)], "4-bit parts are not supported"),
        ([part("And", 10, 10, Inputs=40)], "2 to 16 inputs"),
    ],
)
def test_unsupported_parts_are_named(tmp_path, parts, message):
    with pytest.raises(CircuitError, match=message):
        read_dig(dig(tmp_path, parts, []))


def test_bad_files_get_one_clear_line(tmp_path):
    broken = tmp_path / "broken.dig"
    broken.write_text("<circuit><visualElements>")
    with pytest.raises(CircuitError, match="not a readable .dig file"):
        read_dig(broken)
    other = tmp_path / "other.dig"
    other.write_text("<html/>")
    with pytest.raises(CircuitError, match="not a Digital <circuit>"):
        read_dig(other)
    with pytest.raises(CircuitError):
        read_dig(tmp_path)  # a folder


def test_two_outputs_on_one_wire_are_refused(tmp_path):
    parts = [part("In", 0, 0, Label="a"), part("In", 0, 100, Label="b"), part("Out", 200, 0)]
    wires = [wire((0, 0), (200, 0)), wire((0, 100), (200, 0))]
    with pytest.raises(CircuitError, match="drive the same wire"):
        read_dig(dig(tmp_path, parts, wires))


def test_nnviz_circuits_round_trip_through_dig(tmp_path):
    root = Path(__file__).resolve().parents[3] / "data" / "circuits"
    for name in ("half_adder", "full_adder", "adder2"):
        c = Circuit.load(root / f"{name}.json")
        path = write_dig(c, tmp_path / f"{name}.dig")
        back = read_dig(path)
        assert table(back) == table(c), name
        assert back.nand_count() == c.nand_count()  # blocks flattened, gates kept
    assert to_dig_text(Circuit.load(root / "nand.json")).startswith("<?xml")


def test_the_command_line_reads_dig_files(capsys, tmp_path):
    from nnviz.cli import main

    assert main(["circuit", "table", str(HERE / "half_adder.dig")]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split() == ["A", "B", "S", "C"] and out[-1].split() == ["1", "1", "0", "1"]
    assert main(["open", str(HERE / "nor3_old_grid.dig"), "--check"]) == 0
    assert "inputs p, q, r" in capsys.readouterr().out
    bad = dig(tmp_path, [part("Clock", 0, 0)], [], "clock.dig")
    assert main(["open", str(bad), "--check"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "Clock" in err[0]


def case_part(program: str, label: str = "") -> str:
    name = f"<entry><string>Label</string><string>{label}</string></entry>" if label else ""
    return (
        "<visualElement><elementName>Testcase</elementName><elementAttributes>"
        f"{name}<entry><string>Testdata</string><testData><dataString>{program}"
        '</dataString></testData></entry></elementAttributes><pos x="0" y="400"/>'
        "</visualElement>"
    )


def xor_parts(first_rotation_ref: bool) -> tuple[list[str], list[str]]:
    """A Not turned by a quarter (rotation 1, its input above, its output below), written
    once directly and once as an XStream back-reference to the first one's value."""
    turned = '<entry><string>rotation</string><rotation rotation="1"/></entry>'
    ref = (
        "<entry><string>rotation</string><rotation "
        'reference="../../../../visualElement[3]/elementAttributes/entry/rotation"/></entry>'
    )

    def not_part(x, y, body):
        return (
            f"<visualElement><elementName>Not</elementName><elementAttributes>{body}"
            f'</elementAttributes><pos x="{x}" y="{y}"/></visualElement>'
        )

    parts = [
        part("In", 0, 0, Label="A"),
        part("In", 0, 100, Label="B"),
        not_part(100, 0, turned),  # input (100, 0), output (100, -40) once turned
        not_part(200, 0, ref if first_rotation_ref else turned),
        part("Out", 100, -100, Label="NA"),
        part("Out", 200, -100, Label="NB"),
    ]
    wires = [
        wire((0, 0), (100, 0)),
        wire((100, -40), (100, -100)),
        wire((0, 100), (200, 100)),
        wire((200, 100), (200, 0)),
        wire((200, -40), (200, -100)),
    ]
    return parts, wires


def test_a_back_reference_reads_as_the_value_it_points_to(tmp_path):
    direct = read_dig(dig(tmp_path, *xor_parts(False), "direct.dig"))
    referred = read_dig(dig(tmp_path, *xor_parts(True), "referred.dig"))
    assert (
        table(direct)
        == table(referred)
        == {(a, b): (1 - a, 1 - b) for a, b in itertools.product((0, 1), repeat=2)}
    )
    bad_parts, wires = xor_parts(True)
    bad_parts[3] = bad_parts[3].replace("visualElement[3]", "visualElement[9]")
    with pytest.raises(CircuitError, match="refers to .*visualElement\\[9\\].* does not hold"):
        read_dig(dig(tmp_path, bad_parts, wires, "dangling.dig"))


def test_drawing_parts_and_rails_read_as_notes_and_constants(tmp_path):
    from nnviz.core.circuits.digital import read_dig_file

    parts = [
        part("VDD", 0, 0),
        part("Ground", 0, 100),
        part("NAnd", 100, 0),  # inputs (100, 0) and (100, 40): 1 and 0 make 1
        part("LED", 220, 20, Label="lit"),
        part("Text", 0, 300, Description="a hand-made note"),
        part("Rectangle", 0, 320),
        case_part("lit\n1\n", "always on"),
    ]
    wires = [
        wire((0, 0), (100, 0)),
        wire((0, 100), (100, 100)),
        wire((100, 100), (100, 40)),
        wire((180, 20), (220, 20)),
    ]
    d = read_dig_file(dig(tmp_path, parts, wires))
    assert d.circuit.output_names() == ["lit"] and d.circuit.evaluate({}) == {"lit": 1}
    assert [n.text for n in d.circuit.notes.values()] == ["a hand-made note"]
    assert [(t.name, t.program) for t in d.tests] == [("always on", "lit\n1\n")]


def test_an_unconnected_gate_input_is_refused_as_digital_refuses_it(tmp_path):
    parts = [part("In", 0, 0, Label="A"), part("And", 100, 0), part("Out", 200, 20, Label="Y")]
    with pytest.raises(CircuitError, match=r"And at \(100, 0\): input 2 is not connected"):
        read_dig(dig(tmp_path, parts, [wire((0, 0), (100, 0)), wire((160, 20), (200, 20))]))


def test_an_import_keeps_digitals_places_and_a_round_trip_is_stable(tmp_path):
    first = read_dig(HERE / "half_adder.dig")
    places = {first.node(i).name: first.node(i).pos for i in first.input_ids() + first.output_ids()}
    again = read_dig(write_dig(first, tmp_path / "once.dig"))
    twice = read_dig(write_dig(again, tmp_path / "twice.dig"))

    def layout(c):
        return sorted((c.node(i).kind, c.node(i).name or "", c.node(i).pos) for i in c.nodes)

    assert layout(again) == layout(twice)  # no growth from one round trip to the next
    width = max(p[0] for _, _, p in layout(twice)) - min(p[0] for _, _, p in layout(twice))
    assert width < 600  # Digital's half adder is about 300 wide; it used to triple each time
    root = ET.parse(HERE / "half_adder.dig")
    for e in root.getroot().iter("visualElement"):
        label = e.find(".//entry/string[.='Label']/../string[2]")
        if label is not None and label.text in places:
            pos = e.find("pos")
            assert places[label.text] == (float(pos.get("x")), float(pos.get("y")))
    assert table(twice) == table(first)


def test_exported_wires_run_horizontally_and_vertically_and_keep_their_nets(tmp_path):
    from nnviz.core.circuits.model import build_nand_circuit

    c = build_nand_circuit(
        ["a", "b", "c"],
        [("a", "b"), ("b", "c"), (0, 1), ("a", "c"), (2, 3)],
        [("y", 4), ("z", 0)],
    )
    path = write_dig(c, tmp_path / "xor_like.dig")
    text = path.read_text()
    segments = re.findall(r'<p1 x="(-?\d+)" y="(-?\d+)" />\s*<p2 x="(-?\d+)" y="(-?\d+)" />', text)
    assert segments and all(x1 == x2 or y1 == y2 for x1, y1, x2, y2 in segments)
    assert table(read_dig(path)) == table(c)


def test_labels_with_signs_stay_distinct_readable_names_and_tests_still_find_them(tmp_path):
    from nnviz.cli import main

    parts = [
        part("In", 0, 0, Label="P"),
        part("In", 0, 100, Label="Q"),
        part("Not", 100, 0),
        part("Out", 300, 0, Label="P'"),
        part("Out", 300, 100, Label="P=Q"),
        part("XNOr", 100, 100),  # inputs (100, 100) and (100, 140), output (180, 120)
        case_part("P Q P' P=Q\n0 0 1 1\n0 1 1 0\n1 0 0 0\n1 1 0 1\n", "compare"),
    ]
    wires = [
        wire((0, 0), (100, 0)),
        wire((140, 0), (300, 0)),
        wire((0, 0), (0, 60)),
        wire((0, 60), (100, 60)),
        wire((100, 60), (100, 100)),
        wire((0, 100), (20, 100)),
        wire((20, 100), (20, 140)),
        wire((20, 140), (100, 140)),
        wire((180, 120), (300, 120)),
        wire((300, 120), (300, 100)),
    ]
    path = dig(tmp_path, parts, wires)
    c = read_dig(path)
    assert sorted(c.output_names()) == ["P_eq_Q", "P_prime"]
    assert main(["circuit", "test", str(path)]) == 0


def not_chain(n: int, output_first: bool) -> tuple[list[str], list[str]]:
    """``n`` Not gates in a row from In a to Out y (a Not's input at its place, output 40
    right of it), optionally listed output first, as no editor writes them but a file may."""
    parts, wires = [part("In", 0, 0, Label="a")], []
    for k in range(n):
        parts.append(part("Not", 80 * k + 40, 0))
        wires.append(wire((80 * k, 0), (80 * k + 40, 0)))
    parts.append(part("Out", 80 * n + 40, 0, Label="y"))
    wires.append(wire((80 * n, 0), (80 * n + 40, 0)))
    return (parts[::-1] if output_first else parts), wires


@pytest.mark.parametrize("n", [2999, 3000])
def test_a_long_chain_listed_output_first_compiles_without_recursion(tmp_path, n):
    # The order was found by recursion, one level per gate: RecursionError past about 1,000.
    c = read_dig(dig(tmp_path, *not_chain(n, output_first=True)))
    assert c.nand_count() == n
    assert c.evaluate({"a": 1}) == {"y": (1 + n) % 2}
    assert c.evaluate({"a": 0}) == {"y": n % 2}


def test_a_loop_deep_in_a_long_chain_is_named(tmp_path):
    parts, wires = not_chain(1500, output_first=True)
    # The last Not's output also drives the first Not's input: the whole chain is one loop.
    wires = [w for w in wires if 'x="0" y="0"/><p2 x="40"' not in w]
    wires.append(wire((1500 * 80, 0), (40, 0)))
    parts = [p for p in parts if "<string>In</string>" not in p]
    with pytest.raises(CircuitError, match="feedback loop") as err:
        read_dig(dig(tmp_path, parts, wires))
    message = str(err.value)
    assert "more)" in message and len(message) < 500  # named in one line, not 1,500 parts


def test_a_part_off_the_canvas_is_refused_by_the_reader_as_by_the_canvas(tmp_path):
    # --check accepted it and the app then failed to place it (one check now, where parts
    # are placed)
    far = 2_000_000
    parts = [part("In", far, 0, Label="a"), part("Out", far + 100, 0, Label="y")]
    with pytest.raises(CircuitError, match=r"\(2,000,000, 0\) is off the canvas"):
        read_dig(dig(tmp_path, parts, [wire((far, 0), (far + 100, 0))]))


def test_a_terminal_name_ending_in_a_newline_is_refused():
    # "$" matched before a final newline, so "x2\n" stood beside "x2" as another name
    c = Circuit(name="c")
    c.add_node("input", (0, 0), name="x2")
    with pytest.raises(CircuitError, match="not a valid terminal name"):
        c.add_node("input", (0, 60), name="x2\n")


def test_a_value_referred_to_thousands_of_times_is_not_copied_without_end(tmp_path):
    """Digital writes a repeated value once and refers to it; 5,000 references to one big
    value in a 1.9 MB file made 8.5 GB of copies. The copies are counted as they are made."""
    from nnviz.core.circuits import digital

    entries = "".join(f"<entry><string>k{i}</string><string>v</string></entry>" for i in range(300))
    first = (
        "<visualElement><elementName>Text</elementName>"
        f'<elementAttributes>{entries}</elementAttributes><pos x="0" y="0"/></visualElement>'
    )
    refs = "".join(
        "<visualElement><elementName>Text</elementName>"
        '<elementAttributes reference="../../visualElement/elementAttributes"/>'
        f'<pos x="{20 * i}" y="100"/></visualElement>'
        for i in range(1, 1000)
    )
    path = tmp_path / "repeats.dig"
    path.write_text(
        '<?xml version="1.0"?><circuit><version>2</version><attributes/>'
        f"<visualElements>{first}{refs}</visualElements><wires/></circuit>"
    )
    with pytest.raises(CircuitError, match="repeated values expand to more than 200,000"):
        read_dig(path)  # 999 copies of 901 elements each
    assert digital.MAX_COPIED_ELEMENTS == 200_000
