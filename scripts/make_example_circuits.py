"""Regenerate the shipped example circuits in data/circuits/.

Run from the project root:  .venv/bin/python scripts/make_example_circuits.py
The tests check the files it writes (tests/core/circuits/test_examples.py).
"""

from __future__ import annotations

import sys
from pathlib import Path

from nnviz.core.circuits.model import Circuit, build_nand_circuit

HERE = Path(__file__).resolve().parent.parent / "data" / "circuits"
STEP = 120.0  # editor grid: one column or row apart

# Gates are listed as pairs of sources: an input name or the index of an earlier gate.
XOR_GATES = [("x1", "x2"), ("x1", 0), ("x2", 0), (1, 2)]
# The book's adder: the first NAND feeds both halves of the sum, and twice the carry gate.
HALF_ADDER_GATES = [*XOR_GATES, (0, 0)]
# Two XOR stages for the sum; the carry reuses the NANDs of a*b and (a xor b)*cin.
FULL_ADDER_GATES = [
    ("a", "b"),  # 0: not (a and b)
    ("a", 0),
    ("b", 0),
    (1, 2),  # 3: p = a xor b
    (3, "cin"),  # 4: not (p and cin)
    (3, 4),
    ("cin", 4),
    (5, 6),  # 7: sum = p xor cin
    (4, 0),  # 8: cout = (p and cin) or (a and b)
]


def _place(c: Circuit, grid: list[tuple[float, float]]) -> Circuit:
    """Move the nodes (in id order: inputs, gates, outputs) to grid cells (column, row)."""
    ids = sorted(c.nodes)
    assert len(ids) == len(grid), "one grid cell per node"
    for nid, (col, row) in zip(ids, grid, strict=True):
        c.move_node(nid, (col * STEP, row * STEP))
    return c


def nand() -> Circuit:
    c = build_nand_circuit(["x1", "x2"], [("x1", "x2")], [("y", 0)], name="nand", spacing=STEP)
    c.description = "One NAND gate: the output is 0 only when both inputs are 1."
    return c


def xor() -> Circuit:
    c = build_nand_circuit(["x1", "x2"], XOR_GATES, [("y", 3)], name="xor", spacing=STEP)
    c.description = "Exclusive or from four NAND gates: 1 when exactly one input is 1."
    return _place(c, [(0, 0), (0, 2), (1, 1), (2, 0), (2, 2), (3, 1), (4, 1)])


def half_adder() -> Circuit:
    c = build_nand_circuit(
        ["x1", "x2"], HALF_ADDER_GATES, [("sum", 3), ("carry", 4)], name="half_adder", spacing=STEP
    )
    c.description = (
        "Adds two bits with five NAND gates: sum = x1 xor x2, carry = x1 and x2. "
        "The carry gate reads the first gate on both inputs."
    )
    # As in the book's figure: the sum on top, the carry gate below and a little to the right.
    grid = [(0, 0), (0, 2), (1, 1), (2, 0), (2, 2), (3, 1), (3, 3), (4, 1), (4, 3)]
    return _place(c, grid)


def full_adder() -> Circuit:
    c = build_nand_circuit(
        ["a", "b", "cin"],
        FULL_ADDER_GATES,
        [("sum", 7), ("cout", 8)],
        name="full_adder",
        spacing=STEP,
    )
    c.description = "Adds three bits with nine NAND gates: a + b + cin = 2*cout + sum."
    inputs = [(0, 0), (0, 1), (0, 3)]
    gates = [(1, 0.5), (2, 0), (2, 1), (3, 0.5), (4, 2), (5, 1), (5, 3), (6, 2), (5, 4)]
    outputs = [(7, 2), (7, 4)]
    return _place(c, inputs + gates + outputs)


def ripple_adder(bits: int) -> Circuit:
    """A ``bits``-wide adder: a half adder for bit 0, then a chain of full adders.

    Inputs a0.., b0.. (bit 0 least significant); outputs s0.. and cout. Each bit's block
    sits one column right of the previous one so the carry ripples diagonally.
    """
    c = Circuit(name=f"adder{bits}")
    c.description = (
        f"Adds two {bits}-bit numbers a and b (bit 0 is the least significant): a half adder "
        "for bit 0, then full adders passing the carry along."
    )
    c.define_block("half_adder", half_adder())
    c.define_block("full_adder", full_adder())
    row = 2 * STEP  # each bit gets two rows: a_i above b_i
    a = [c.add_node("input", (0.0, i * row), name=f"a{i}") for i in range(bits)]
    b = [c.add_node("input", (0.0, i * row + STEP), name=f"b{i}") for i in range(bits)]
    carry = None
    sums = []
    for i in range(bits):
        kind = "half_adder" if i == 0 else "full_adder"
        blk = c.add_node("block", ((i + 1) * STEP * 1.5, i * row + STEP / 2), block=kind)
        c.add_wire(a[i], 0, blk, 0)
        c.add_wire(b[i], 0, blk, 1)
        if carry is not None:
            c.add_wire(carry, 1, blk, 2)
        sums.append(blk)
        carry = blk
    out_x = (bits + 1) * STEP * 1.5 + STEP
    for i, blk in enumerate(sums):
        s = c.add_node("output", (out_x, i * row + STEP / 2), name=f"s{i}")
        c.add_wire(blk, 0, s, 0)
    cout = c.add_node("output", (out_x, bits * row), name="cout")
    c.add_wire(carry, 1, cout, 0)
    return c


EXAMPLES = {
    "nand.json": nand,
    "xor.json": xor,
    "half_adder.json": half_adder,
    "full_adder.json": full_adder,
    "adder2.json": lambda: ripple_adder(2),
    "adder4.json": lambda: ripple_adder(4),
}


def main(folder: Path = HERE) -> int:
    for filename, make in EXAMPLES.items():
        make().save(folder / filename)
        print(f"wrote {folder / filename}")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE))
