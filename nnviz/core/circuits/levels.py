"""Puzzle levels for the circuit sandbox: build each function from NAND gates.

Each :class:`Level` names the inputs and outputs a solution must have, the function it must
compute and the smallest NAND count we know of. ``level.check(circuit)`` compares the
circuit with the target on every input row and reports the first wrong row. A passed level
can be turned into a block definition (``level.unlock(circuit)``) so later levels can use it
as a component: the half adder inside the full adder, the full adder inside the 4-bit adder.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from nnviz.core.circuits.model import (
    Circuit,
    CircuitError,
    TruthTable,
    all_input_rows,
    make_block_definition,
)

Bits = tuple[int, ...]


@dataclass(frozen=True)
class LevelResult:
    """The outcome of checking a circuit against a level.

    ``failing_row`` is ``(inputs, expected, got)`` for the first wrong row (bits in the
    level's input and output order), or None when the circuit passed or could not be run
    (missing terminals: ``message`` says which).
    """

    passed: bool
    failing_row: tuple[Bits, Bits, Bits] | None
    message: str
    nand_count: int
    best: int


@dataclass(frozen=True)
class Level:
    """One puzzle: build ``target`` over the named inputs and outputs from NAND gates."""

    key: str
    title: str
    description: str
    inputs: tuple[str, ...]
    outputs: tuple[str, ...]
    target: Callable[[Bits], Bits]
    best: int
    aliases: tuple[str, ...] = ()

    @property
    def block_name(self) -> str:
        """Name of the block that passing this level unlocks."""
        return self.key

    def expected_table(self) -> TruthTable:
        """The target truth table, in binary counting order (first input most significant)."""
        rows = [
            (tuple(int(b) for b in row), tuple(self.target(tuple(int(b) for b in row))))
            for row in all_input_rows(len(self.inputs))
        ]
        return TruthTable(self.inputs, self.outputs, rows)

    def starter(self, spacing: float = 120.0) -> Circuit:
        """An empty workbench: the level's inputs in the left column and outputs at right."""
        c = Circuit(name=self.key, description=self.description)
        for k, name in enumerate(self.inputs):
            c.add_node("input", (0.0, k * spacing), name=name)
        right = spacing * max(4, len(self.inputs) + 1)
        for k, name in enumerate(self.outputs):
            c.add_node("output", (right, k * spacing), name=name)
        return c

    def check(self, circuit: Circuit) -> LevelResult:
        """Compare ``circuit`` with the target on every input row."""
        count = circuit.nand_count()
        have_in, have_out = circuit.input_names(), circuit.output_names()
        problems = []
        missing_in = [n for n in self.inputs if n not in have_in]
        extra_in = [n for n in have_in if n not in self.inputs]
        missing_out = [n for n in self.outputs if n not in have_out]
        if missing_in:
            problems.append(f"add input(s) named {', '.join(missing_in)}")
        if extra_in:
            problems.append(f"remove or rename the extra input(s) {', '.join(extra_in)}")
        if missing_out:
            problems.append(f"add output(s) named {', '.join(missing_out)}")
        if problems:
            need = f"inputs {', '.join(self.inputs)} and outputs {', '.join(self.outputs)}"
            return LevelResult(
                False,
                None,
                f"{self.title} needs {need}: " + "; ".join(problems) + ".",
                count,
                self.best,
            )
        expected = self.expected_table()
        # Level order -> the circuit's own input order, so one batch evaluates every row.
        order = [self.inputs.index(n) for n in have_in]
        bits = all_input_rows(len(self.inputs))
        got_all = circuit.evaluate_batch(bits[:, order])
        out_cols = [have_out.index(n) for n in self.outputs]
        for (ins, want), got_row in zip(expected.rows, got_all, strict=True):
            got = tuple(int(got_row[k]) for k in out_cols)
            if got != want:
                message = (
                    f"Not yet: for {_assign(self.inputs, ins)} the outputs should be "
                    f"{_assign(self.outputs, want)} but are {_assign(self.outputs, got)}."
                )
                return LevelResult(False, (ins, want, got), message, count, self.best)
        if count < self.best:
            verdict = f"fewer than the {self.best} we knew of. Remarkable!"
        elif count == self.best:
            verdict = "as few as the best solution we know."
        else:
            verdict = f"the best we know uses {self.best}; can you save some?"
        gates = "gate" if count == 1 else "gates"
        return LevelResult(
            True,
            None,
            f"{self.title} solved with {count} NAND {gates}: {verdict}",
            count,
            self.best,
        )

    def unlock(self, circuit: Circuit) -> Circuit:
        """A block definition (named ``block_name``) made from a circuit that passes.

        Its ports follow the level's order of inputs and outputs; extra outputs the solver
        added (to probe the circuit, say) are left out. Raises CircuitError if it fails.
        """
        result = self.check(circuit)
        if not result.passed:
            raise CircuitError(f"cannot unlock the {self.title} block yet: {result.message}")
        return make_block_definition(
            reorder_terminals(circuit, self.inputs, self.outputs), self.block_name
        )


def reorder_terminals(circuit: Circuit, inputs: Sequence[str], outputs: Sequence[str]) -> Circuit:
    """A copy whose inputs and outputs come in the given order; other outputs are dropped.

    Terminal order is node-id order, so the terminals swap ids among themselves and every
    wire is renumbered to match. ``inputs`` must name all of the circuit's inputs.
    """
    if sorted(inputs) != sorted(circuit.input_names()):
        raise CircuitError(
            f"the inputs {', '.join(inputs)} do not match the circuit's "
            f"{', '.join(circuit.input_names())}"
        )
    c = circuit.copy()
    for oid in c.output_ids():
        if c.node(oid).name not in outputs:
            c.remove_node(oid)
    data = c.to_dict()
    remap: dict[int, int] = {}
    for wanted in (list(inputs), list(outputs)):
        ids = [c.find_terminal(n) for n in wanted]
        if None in ids:
            missing = [n for n, i in zip(wanted, ids, strict=True) if i is None]
            raise CircuitError(f"the circuit has no terminal named {', '.join(missing)}")
        for slot, nid in zip(sorted(ids), ids, strict=True):
            remap[nid] = slot
    for nd in data["nodes"]:
        nd["id"] = remap.get(nd["id"], nd["id"])
    for wd in data["wires"]:
        wd["from"][0] = remap.get(wd["from"][0], wd["from"][0])
        wd["to"][0] = remap.get(wd["to"][0], wd["to"][0])
    data["nodes"].sort(key=lambda nd: nd["id"])
    return Circuit.from_dict(data)


def _assign(names: Sequence[str], bits: Bits) -> str:
    return ", ".join(f"{n}={b}" for n, b in zip(names, bits, strict=True))


def _adder(bits: int) -> Callable[[Bits], Bits]:
    """Target of a ``bits``-wide adder with inputs a0.., b0.. and outputs s0.., cout."""

    def add(row: Bits) -> Bits:
        a = sum(row[i] << i for i in range(bits))
        b = sum(row[bits + i] << i for i in range(bits))
        total = a + b
        return tuple((total >> i) & 1 for i in range(bits + 1))

    return add


def _adder_names(bits: int) -> tuple[tuple[str, ...], tuple[str, ...]]:
    ins = tuple(f"a{i}" for i in range(bits)) + tuple(f"b{i}" for i in range(bits))
    outs = tuple(f"s{i}" for i in range(bits)) + ("cout",)
    return ins, outs


LEVELS: tuple[Level, ...] = (
    Level(
        "not",
        "NOT",
        "Make y the opposite of x. A NAND gate whose two inputs are tied together is a start.",
        ("x",),
        ("y",),
        lambda r: (1 - r[0],),
        1,
    ),
    Level(
        "and",
        "AND",
        "Light y only when x1 and x2 are both 1. NAND is AND followed by NOT.",
        ("x1", "x2"),
        ("y",),
        lambda r: (r[0] & r[1],),
        2,
    ),
    Level(
        "or",
        "OR",
        "Light y when at least one input is 1. Invert both inputs first, then NAND them.",
        ("x1", "x2"),
        ("y",),
        lambda r: (r[0] | r[1],),
        3,
    ),
    Level(
        "xor",
        "XOR",
        "Light y when exactly one input is 1: the bitwise sum of x1 and x2.",
        ("x1", "x2"),
        ("y",),
        lambda r: (r[0] ^ r[1],),
        4,
    ),
    Level(
        "half_adder",
        "Half adder",
        "Add two bits: sum is x1 XOR x2 and carry is x1 AND x2. The book's circuit shares "
        "its first gate between both outputs.",
        ("x1", "x2"),
        ("sum", "carry"),
        lambda r: (r[0] ^ r[1], r[0] & r[1]),
        5,
    ),
    Level(
        "full_adder",
        "Full adder",
        "Add three bits a, b and cin so that a + b + cin = 2*cout + sum.",
        ("a", "b", "cin"),
        ("sum", "cout"),
        lambda r: ((r[0] + r[1] + r[2]) & 1, (r[0] + r[1] + r[2]) >> 1),
        9,
    ),
    Level(
        "adder2",
        "2-bit adder",
        "Add the 2-bit numbers a1a0 and b1b0 (bit 0 is the least significant); the result is "
        "cout s1 s0.",
        *_adder_names(2),
        _adder(2),
        14,  # a half adder (5) for bit 0 and a full adder (9) for bit 1
        ("2-bit adder",),
    ),
    Level(
        "adder4",
        "4-bit ripple-carry adder",
        "Add two 4-bit numbers a3..a0 and b3..b0 (bit 0 least significant), passing each "
        "carry on to the next bit; the result is cout s3 s2 s1 s0.",
        *_adder_names(4),
        _adder(4),
        32,  # a half adder for bit 0 and three full adders: 5 + 3 * 9
        ("4-bit adder", "ripple-carry adder"),
    ),
)


def level_names() -> list[str]:
    """The keys of all levels, in playing order."""
    return [lv.key for lv in LEVELS]


def get_level(name: str) -> Level:
    """The level called ``name`` (its key or title; case, spaces and '-' ignored)."""

    def norm(s: str) -> str:
        return s.lower().replace("-", "").replace("_", "").replace(" ", "")

    for lv in LEVELS:
        if norm(name) in {norm(n) for n in (lv.key, lv.title, *lv.aliases)}:
            return lv
    raise CircuitError(f"unknown level {name!r}; choose one of {', '.join(level_names())}")


def check_level(level: str | Level, circuit: Circuit) -> LevelResult:
    """Check ``circuit`` against a level given by name or object."""
    lv = get_level(level) if isinstance(level, str) else level
    return lv.check(circuit)
