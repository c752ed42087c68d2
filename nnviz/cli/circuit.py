"""`nnviz circuit table|check|info|levels`: logic-gate circuits from the terminal.

``table`` prints a circuit's truth table: a header line of input then output names, then
one row of 0/1 per input combination (first input most significant). With --perceptrons,
--merged, --layered or --sigmoid C it computes the table through the corresponding network
of perceptrons (or sigmoid neurons) instead; for a valid circuit every mode prints the same
table, which is the point of section 1.1 of the book.
"""

from __future__ import annotations

import sys


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "circuit",
        help="truth tables, level checks and facts about NAND circuit files",
        description="Work with circuit files saved by the logic-gate sandbox. FILE is a "
        "path, or the name of a circuit nnviz ships (see `nnviz circuit list`), e.g. "
        "half_adder.",
    )
    sub = p.add_subparsers(dest="circuit_command", metavar="ACTION", required=True)

    table = sub.add_parser(
        "table",
        help="print the truth table",
        description="Print the truth table: a header line of input and output names, then "
        "one row per input combination. The options compute it through a network of "
        "perceptrons instead of the gates; all of them print the same table.",
    )
    table.add_argument(
        "file", metavar="FILE", help="a circuit .json file, or a shipped circuit's name"
    )
    mode = table.add_mutually_exclusive_group()
    mode.add_argument(
        "--perceptrons",
        action="store_true",
        help="each NAND as a perceptron (weights -2, -2, bias 3)",
    )
    mode.add_argument(
        "--merged",
        action="store_true",
        help="perceptrons with parallel connections merged (two -2 become one -4)",
    )
    mode.add_argument(
        "--layered",
        action="store_true",
        help="the strictly layered perceptron network (relay units across skipped layers)",
    )
    mode.add_argument(
        "--sigmoid",
        type=float,
        metavar="C",
        help="the layered network with sigmoid neurons, every weight and bias times C; "
        "outputs are rounded at 0.5",
    )
    table.add_argument(
        "--values",
        action="store_true",
        help="with --sigmoid: print the sigmoid outputs themselves instead of rounding",
    )
    table.add_argument(
        "--format",
        choices=("text", "csv", "markdown"),
        default="text",
        help="output format (default: text)",
    )

    test = sub.add_parser(
        "test",
        help="run a Digital file's own test cases (exit 1 if a row fails)",
        description="Run every Testcase of a Digital .dig file against the circuit nnviz "
        "read from it (its NAND gates), or against one of its perceptron networks. Prints "
        "each failing row and a summary per test. Exit 0 when every row passes, 1 when a "
        "row fails, 2 when the file or a test cannot be run (a latch, a clock, ...).",
    )
    test.add_argument("file", metavar="FILE", help="a Digital .dig file with Testcase parts")
    tmode = test.add_mutually_exclusive_group()
    tmode.add_argument("--perceptrons", action="store_true", help="each NAND as a perceptron")
    tmode.add_argument("--merged", action="store_true", help="perceptrons, parallel inputs merged")
    tmode.add_argument("--layered", action="store_true", help="the layered perceptron network")
    tmode.add_argument(
        "--sigmoid",
        type=float,
        metavar="C",
        help="the layered network of sigmoid neurons, weights and biases times C, rounded",
    )

    convert = sub.add_parser(
        "convert",
        help="convert a circuit between .json and .dig (or from logisim's .circ)",
        description="Read IN and write OUT, each in the format its extension names: nnviz's "
        ".json or Digital's .dig (blocks become their gates; wires run horizontally and "
        "vertically); IN may also be a logisim-evolution .circ or a shipped circuit's name. "
        "OUT is replaced atomically.",
    )
    convert.add_argument("file", metavar="IN", help="a circuit file, or a shipped circuit's name")
    convert.add_argument("-o", "--output", required=True, metavar="OUT", help="the file to write")

    check = sub.add_parser(
        "check",
        help="check a circuit against a level (exit code 1 if it fails)",
        description="Compare the circuit with a level's target on every input row.",
    )
    check.add_argument(
        "file", metavar="FILE", help="a circuit .json file, or a shipped circuit's name"
    )
    check.add_argument("--level", required=True, metavar="NAME", help="level name, e.g. xor")

    info = sub.add_parser(
        "info",
        help="counts, NAND gates, blocks and unconnected inputs",
        description="Print what a circuit is made of: terminals, gates (NAND gates counted "
        "through its blocks), blocks, unconnected inputs, and the size of its layered "
        "perceptron network.",
    )
    info.add_argument(
        "file", metavar="FILE", help="a circuit .json file, or a shipped circuit's name"
    )

    sub.add_parser(
        "levels",
        help="list the levels with their inputs, outputs and best counts",
        description="List the sandbox's levels in order: name, title, inputs, outputs and "
        "the fewest NAND gates known to solve it.",
    )
    sub.add_parser(
        "list",
        help="list the circuits nnviz ships and the levels",
        description="List the example circuits that ship with nnviz (open them by name: "
        "`nnviz circuit table half_adder`, `nnviz open full_adder`), then the levels.",
    )

    p.set_defaults(func=run)
    for q in sub.choices.values():
        q.set_defaults(func=run)


def run(args) -> int:
    """Dispatch to the chosen action; CircuitError becomes a one-line usage error."""
    from nnviz.core.circuits.model import CircuitError
    from nnviz.core.errors import UsageError

    actions = {
        "table": _table,
        "test": _test,
        "convert": _convert,
        "check": _check,
        "info": _info,
        "levels": _levels,
        "list": _list,
    }
    try:
        return actions[args.circuit_command](args)
    except CircuitError as exc:
        raise UsageError(" ".join(str(exc).split())) from None


def _load(path: str):
    from nnviz.core.circuits.formats import load_circuit
    from nnviz.core.errors import UsageError
    from nnviz.paths import resolve_file, shipped_examples

    found = resolve_file(path)
    if not found.exists():
        names = ", ".join(n for n, p in shipped_examples().items() if p.suffix == ".json")
        raise UsageError(f"{path}: no such file; give a circuit file or a shipped name ({names})")
    return load_circuit(found)


def _table(args) -> int:
    import numpy as np

    from nnviz.core.circuits.model import (
        TruthTable,
        all_input_rows,
        table_to_csv,
        table_to_markdown,
        table_to_text,
    )
    from nnviz.core.circuits.perceptrons import (
        merged,
        scale_that_rounds,
        to_layered_network,
        to_perceptron_network,
    )
    from nnviz.core.errors import UsageError
    from nnviz.core.learning.neuron import MAX_SCALE

    if args.values and args.sigmoid is None:
        raise UsageError("--values only makes sense with --sigmoid C")
    if args.sigmoid is not None and not (np.isfinite(args.sigmoid) and args.sigmoid > 0):
        raise UsageError(f"--sigmoid needs a positive number C, got {args.sigmoid}")
    if args.sigmoid is not None and args.sigmoid > MAX_SCALE:
        raise UsageError(
            f"--sigmoid C can be at most {MAX_SCALE:g} (beyond that the sigmoid network is a "
            f"step function to the last digit), got {args.sigmoid:g}"
        )
    circuit = _load(args.file)
    exact = circuit.truth_table()
    warning = None
    if args.perceptrons:
        table = to_perceptron_network(circuit).truth_table()
    elif args.merged:
        table = merged(to_perceptron_network(circuit)).truth_table()
    elif args.layered:
        table = to_layered_network(circuit).truth_table()
    elif args.sigmoid is not None:
        bits = all_input_rows(len(exact.input_names))
        if exact.input_names and exact.output_names:
            sig_net = to_layered_network(circuit)
        else:  # no layered network without inputs or outputs; the flat one still works
            sig_net = to_perceptron_network(circuit)
        values = sig_net.sigmoid_batch(bits, args.sigmoid)
        rounded = (values > 0.5).astype(np.int64)
        expected = np.array([outs for _, outs in exact.rows], dtype=np.int64)
        expected = expected.reshape(rounded.shape)
        wrong = int(np.any(rounded != expected, axis=1).sum())
        if wrong:
            worst = float(np.max(np.abs(values - expected)))
            enough = scale_that_rounds(sig_net, exact, start=args.sigmoid)
            hint = f"C={enough:g} is enough" if enough is not None else "even larger"
            warning = (
                f"warning: with C={args.sigmoid:g} the sigmoid outputs round to the wrong bit "
                f"in {wrong} of {len(exact.rows)} rows (worst output is {worst:.3f} away from "
                f"its bit); use a larger C ({hint})"
            )
        if args.values:
            if args.format != "text":
                raise UsageError("--values prints plain text only; drop --format")
            print(" ".join([*exact.input_names, *exact.output_names]))
            for (ins, _), row in zip(exact.rows, values, strict=True):
                print(" ".join([*map(str, ins), *(f"{v:.6f}" for v in row)]))
            if warning:
                sys.stderr.write(warning + "\n")
            return 1 if warning else 0
        table = TruthTable(
            exact.input_names,
            exact.output_names,
            [
                (ins, tuple(int(v) for v in row))
                for (ins, _), row in zip(exact.rows, rounded, strict=True)
            ],
        )
    else:
        table = exact
    render = {"text": table_to_text, "csv": table_to_csv, "markdown": table_to_markdown}
    sys.stdout.write(render[args.format](table))
    if warning:
        sys.stderr.write(warning + "\n")
        return 1
    return 0


def _check(args) -> int:
    from nnviz.core.circuits.levels import get_level

    level = get_level(args.level)
    result = level.check(_load(args.file))
    print(("PASS: " if result.passed else "FAIL: ") + result.message)
    return 0 if result.passed else 1


def _info(args) -> int:
    from nnviz.core.circuits.perceptrons import to_layered_network, to_perceptron_network

    c = _load(args.file)
    kinds = [n.kind for n in c.nodes.values()]
    print(f"name: {c.name}")
    if c.description:
        print(f"description: {c.description}")
    print(f"inputs ({len(c.input_names())}): {' '.join(c.input_names()) or '-'}")
    print(f"outputs ({len(c.output_names())}): {' '.join(c.output_names()) or '-'}")
    print(f"NAND gates: {c.nand_count()} ({kinds.count('nand')} at top level)")
    used: dict[str, int] = {}
    for n in c.nodes.values():
        if n.kind == "block":
            used[n.block] = used.get(n.block, 0) + 1
    blocks = ", ".join(
        f"{name} x{used.get(name, 0)} ({c.blocks[name].nand_count()} NANDs each)"
        for name in sorted(c.blocks)
    )
    print(f"blocks: {blocks or '-'}")
    print(f"nodes: {len(kinds)}, wires: {len(c.wires)}")
    free = c.unconnected_inputs()
    if free:
        where = "; ".join(
            f"{c.describe(nid)} port {c.input_port_names(nid)[port]}" for nid, port in free
        )
        print(f"unconnected inputs ({len(free)}, read as 0): {where}")
    else:
        print("unconnected inputs: none")
    net = to_perceptron_network(c)
    print(f"perceptrons: {net.perceptron_count}, connections: {len(net.connections)}")
    if c.input_names() and c.output_names():
        layered = to_layered_network(c)
        relays = sum(k == "relay" for layer in layered.kinds for k in layer)
        print(f"layered network: sizes {runs_of(layered.sizes)} ({relays} relay units)")
    return 0


def _level_lines() -> list[str]:
    from nnviz.core.circuits.levels import LEVELS

    return [
        f"{lv.key:<11} {lv.title:<25} in: {' '.join(lv.inputs):<24} "
        f"out: {' '.join(lv.outputs):<18} best: {lv.best} NAND"
        for lv in LEVELS
    ]


def _levels(args) -> int:
    for line in _level_lines():
        print(line)
    return 0


def _list(args) -> int:
    from nnviz.core.circuits.formats import load_circuit
    from nnviz.core.circuits.model import CircuitError
    from nnviz.paths import shipped_examples

    print("Circuits that ship with nnviz (open them by name):")
    for name, path in shipped_examples().items():
        if path.suffix != ".json":
            continue
        try:
            c = load_circuit(path)
            t = c.truth_table()
            what = (
                f"in: {' '.join(t.input_names):<16} out: {' '.join(t.output_names):<16} "
                f"{c.nand_count()} NAND"
            )
        except CircuitError as exc:  # a damaged install: say so, list the rest
            what = f"cannot be read: {exc}"
        print(f"  {name:<12} {what}")
    print()
    print("Levels (nnviz circuit check FILE --level NAME):")
    for line in _level_lines():
        print(f"  {line}")
    return 0


def _test(args) -> int:
    """``nnviz circuit test``: a Digital file's Testcases through the chosen network."""
    from pathlib import Path

    import numpy as np

    from nnviz.core.circuits.digital import read_dig_file
    from nnviz.core.circuits.digital_tests import TestError, run_test
    from nnviz.core.circuits.perceptrons import (
        merged,
        to_layered_network,
        to_perceptron_network,
    )
    from nnviz.core.errors import UsageError

    if Path(args.file).suffix.lower() != ".dig":
        raise UsageError(f"{args.file}: test cases come with Digital .dig files only")
    if args.sigmoid is not None and not (np.isfinite(args.sigmoid) and args.sigmoid > 0):
        raise UsageError(f"--sigmoid needs a positive number C, got {args.sigmoid}")
    dig = read_dig_file(args.file)
    if not dig.tests:
        raise UsageError(f"{args.file} has no test cases (Digital's Testcase parts)")
    circuit = dig.circuit
    if args.perceptrons:
        evaluate, how = to_perceptron_network(circuit).evaluate_batch, "perceptrons"
    elif args.merged:
        evaluate, how = merged(to_perceptron_network(circuit)).evaluate_batch, "merged perceptrons"
    elif args.layered:
        evaluate, how = to_layered_network(circuit).evaluate_batch, "the layered network"
    elif args.sigmoid is not None:
        net, c = to_layered_network(circuit), args.sigmoid

        def evaluate(bits):
            return (net.sigmoid_batch(bits, c) > 0.5).astype(np.int64)

        how = f"sigmoid neurons (C = {c:g})"
    else:
        evaluate, how = circuit.evaluate_batch, "NAND gates"
    failed = 0
    for t in dig.tests:
        try:
            run = run_test(
                t.name,
                t.program,
                circuit.input_names(),
                circuit.output_names(),
                evaluate,
                dig.names,
                dig.defaults,
            )
        except TestError as exc:
            raise UsageError(f"{args.file}: test '{t.name}' cannot run: {exc}") from None
        bad = run.failed_rows
        for r in bad[:10]:
            ins = " ".join(f"{n}={v}" for n, v in zip(run.input_names, run.inputs[r]))
            wrong = ", ".join(
                f"{n} is {a}, expected {e}"
                for n, a, e in zip(run.output_names, run.actual[r], run.expected[r])
                if e >= 0 and a != e
            )
            print(f"  row {r + 1}: {ins}: {wrong}")
        rows = len(run.inputs)
        if bad.size:
            failed += 1
            print(f"test '{t.name}': {bad.size} of {rows} rows FAILED through {how}")
        else:
            print(f"test '{t.name}': all {rows} rows pass through {how}")
    return 1 if failed else 0


def _convert(args) -> int:
    """``nnviz circuit convert IN -o OUT``: by the files' extensions."""
    from pathlib import Path

    from nnviz.core.circuits.formats import WRITABLE, save_circuit
    from nnviz.core.errors import UsageError

    out = Path(args.output)
    if out.suffix.lower() not in WRITABLE:
        raise UsageError(f"{out}: write a {' or '.join(WRITABLE)} file (by its extension)")
    if out.is_dir():
        raise UsageError(f"{out} is a folder; give a file name ending in .json or .dig")
    circuit = _load(args.file)
    try:
        save_circuit(circuit, out)
    except OSError as exc:
        raise UsageError(
            f"cannot write {out} ({exc.strerror or exc}); choose another folder"
        ) from None
    print(f"wrote {out}: {len(circuit.nodes)} parts, {circuit.nand_count()} NAND gates")
    return 0


def runs_of(sizes) -> str:
    """Layer sizes with repeats counted: ``1, 2 x 9999, 1`` rather than ten thousand numbers."""
    out: list[str] = []
    k = 0
    sizes = list(sizes)
    while k < len(sizes):
        j = k
        while j + 1 < len(sizes) and sizes[j + 1] == sizes[k]:
            j += 1
        count = j - k + 1
        out.append(f"{sizes[k]} x {count}" if count > 2 else ",".join([str(sizes[k])] * count))
        k = j + 1
    return ",".join(out)
