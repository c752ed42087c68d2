"""Digital's test cases, run on an nnviz circuit or on its perceptron networks.

A Digital ``Testcase`` holds a small program: a header line of signal names, then rows of
values, one per name: ``0``, ``1``, ``X`` (an input: both values are tried; an output: not
checked) or a number. Rows may be written with

- ``bits(n, expr)``: n columns, the bits of ``expr`` from the most significant;
- ``(expr)``: one column, the value of an expression;
- ``repeat(k) row``: the row k times, with ``n`` counting 0 to k - 1;
- ``loop(var, k)`` ... ``end loop``: the rows between, with ``var`` counting 0 to k - 1;
- ``let var = expr;``: a name for a value;
- ``#`` comments.

Expressions have C's operators (``+ - * / % << >> & | ^ ~ !``, comparisons with ``=`` or
``==``, ``!=``, ``<``, ``<=``, ``>``, ``>=``), decimal, ``0x`` and ``0b`` numbers, and
``ite(c, a, b)``. A test that needs more than that (a clock ``C``, high impedance ``Z``,
``program``, memory) is refused naming what it needs: nnviz circuits are combinational.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from nnviz.core.circuits.parts import CircuitError

MAX_ROWS = 1 << 20  # rows a test may expand to (X inputs double them)
DONT_CARE = -1


class TestError(CircuitError):
    """A test program nnviz cannot run; the message names what it needs."""

    __test__ = False  # not a pytest test class


# -- expressions ------------------------------------------------------------------------------
Node = tuple[Any, ...]  # ("num", 3), ("var", "A"), ("op", function, left, right), ...
_TOKEN = re.compile(
    r"\s*(0[xX][0-9a-fA-F]+|0[bB][01]+|\d+|[A-Za-z_][A-Za-z_0-9]*|<<|>>|<=|>=|==|!=|[-+*/%&|^~!=<>(),])"
)
_BINARY: list[dict[str, Callable[[int, int], int]]] = [  # loosest first
    {"|": lambda a, b: a | b},
    {"^": lambda a, b: a ^ b},
    {"&": lambda a, b: a & b},
    {
        "=": lambda a, b: int(a == b),
        "==": lambda a, b: int(a == b),
        "!=": lambda a, b: int(a != b),
    },
    {
        "<": lambda a, b: int(a < b),
        "<=": lambda a, b: int(a <= b),
        ">": lambda a, b: int(a > b),
        ">=": lambda a, b: int(a >= b),
    },
    {"<<": lambda a, b: a << (b & 63), ">>": lambda a, b: a >> (b & 63)},  # as Java's long
    {"+": lambda a, b: a + b, "-": lambda a, b: a - b},
    {"*": lambda a, b: a * b, "/": lambda a, b: a // b if b else 0, "%": lambda a, b: a % b},
]


def _tokens(text: str) -> list[str]:
    out, pos = [], 0
    text = text.strip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None:
            raise TestError(f"cannot read '{text[pos : pos + 20]}' in the test")
        out.append(m.group(1))
        pos = m.end()
        while pos < len(text) and text[pos].isspace():
            pos += 1
    return out


class _Expr:
    """A parsed expression, evaluated with the loop variables' values."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._toks = _tokens(text)
        self._pos = 0
        self._tree = self._parse(0)
        if self._pos != len(self._toks):
            raise TestError(f"cannot read the expression '{text}'")

    def _peek(self) -> str | None:
        return self._toks[self._pos] if self._pos < len(self._toks) else None

    def _take(self) -> str:
        tok = self._peek()
        if tok is None:
            raise TestError(f"the expression '{self.text}' ends too soon")
        self._pos += 1
        return tok

    def _parse(self, level: int) -> Node:
        if level == len(_BINARY):
            return self._unary()
        left = self._parse(level + 1)
        while self._peek() in _BINARY[level]:
            op = self._take()
            left = ("op", _BINARY[level][op], left, self._parse(level + 1))
        return left

    def _unary(self) -> Node:
        tok = self._take()
        if tok == "-":
            return ("neg", self._unary())
        if tok == "~":
            return ("not", self._unary())
        if tok == "!":
            return ("lnot", self._unary())
        if tok == "(":
            inner = self._parse(0)
            if self._take() != ")":
                raise TestError(f"a ')' is missing in '{self.text}'")
            return inner
        if tok[0].isdigit():
            return ("num", int(tok, 0))
        if self._peek() == "(":
            self._take()
            args = [self._parse(0)]
            while self._peek() == ",":
                self._take()
                args.append(self._parse(0))
            if self._take() != ")":
                raise TestError(f"a ')' is missing in '{self.text}'")
            if (tok, len(args)) not in (("ite", 3), ("signExt", 2)):
                raise TestError(f"nnviz does not run the test function '{tok}'")
            return (tok, *args)
        return ("var", tok)

    def value(self, env: dict[str, int]) -> int:
        return self._eval(self._tree, env)

    def _eval(self, node: Node, env: dict[str, int]) -> int:
        kind = node[0]
        if kind == "num":
            return int(node[1])
        if kind == "var":
            if node[1] not in env:
                raise TestError(f"the test uses '{node[1]}' before giving it a value")
            return env[node[1]]
        if kind == "op":  # 64-bit arithmetic that wraps around, as Digital's (Java's long)
            value = int(node[1](self._eval(node[2], env), self._eval(node[3], env)))
            return (value + (1 << 63)) % (1 << 64) - (1 << 63)
        if kind == "neg":
            return -self._eval(node[1], env)
        if kind == "not":
            return ~self._eval(node[1], env)
        if kind == "lnot":
            return int(not self._eval(node[1], env))
        if kind == "signExt":  # the value's top bit copied upwards
            bits, v = self._eval(node[1], env), self._eval(node[2], env)  # signExt(bits, v)
            v &= (1 << bits) - 1
            return v - (1 << bits) if bits > 0 and v >> (bits - 1) & 1 else v
        cond, a, b = node[1:]
        return self._eval(a, env) if self._eval(cond, env) else self._eval(b, env)


# -- programs ---------------------------------------------------------------------------------
@dataclass
class _Row:
    # ("value", int or None for X), ("expr", _Expr) or ("bits", (count _Expr, value _Expr))
    cells: list[tuple[str, Any]]


@dataclass
class _Loop:
    var: str
    count: _Expr
    body: list[object] = field(default_factory=list)


@dataclass
class _Let:
    var: str
    expr: _Expr


def _split_cells(line: str) -> list[str]:
    """A row's columns: whitespace separates them except inside parentheses."""
    cells, depth, cur = [], 0, ""
    for ch in line:
        if ch.isspace() and depth == 0:
            if cur:
                cells.append(cur)
            cur = ""
            continue
        depth += ch == "("
        depth -= ch == ")"
        cur += ch
    if cur:
        cells.append(cur)
    return cells


def _row(line: str) -> _Row:
    cells: list[tuple[str, Any]] = []
    for cell in _split_cells(line):
        low = cell.lower()
        if low == "x":
            cells.append(("value", None))
        elif low in ("c", "z"):
            what = "a clock (C)" if low == "c" else "high impedance (Z)"
            raise TestError(f"the test uses {what}; nnviz runs combinational tests only")
        elif low.startswith("bits("):
            inner = cell[5:-1] if cell.endswith(")") else ""
            n_text, _, expr = inner.partition(",")
            cells.append(("bits", (_Expr(n_text), _Expr(expr))))
        elif cell.startswith("("):
            cells.append(("expr", _Expr(cell)))
        else:
            try:
                cells.append(("value", int(cell, 0)))
            except ValueError:
                raise TestError(f"cannot read the test value '{cell}'") from None
    return _Row(cells)


def parse_program(text: str) -> tuple[list[str], list[object]]:
    """The signal names of the header and the program's statements."""
    lines = [line.split("#", 1)[0].strip() for line in text.replace("\r", "").split("\n")]
    lines = [line for line in lines if line]
    if not lines:
        return [], []  # an empty test checks nothing
    names = lines[0].split()
    stack: list[list[object]] = [[]]
    for line in lines[1:]:
        low = line.lower()
        m = re.fullmatch(r"loop\s*\(\s*([A-Za-z_]\w*)\s*,(.*)\)", line, re.IGNORECASE)
        if m:
            loop = _Loop(m.group(1), _Expr(m.group(2)))
            stack[-1].append(loop)
            stack.append(loop.body)
            continue
        if re.fullmatch(r"end\s+loop", low):
            if len(stack) == 1:
                raise TestError("'end loop' without a loop")
            stack.pop()
            continue
        m = re.fullmatch(r"repeat\s*\((.*?)\)\s*(.*)", line, re.IGNORECASE)
        if m:
            loop = _Loop("n", _Expr(m.group(1)), [_row(m.group(2))])
            stack[-1].append(loop)
            continue
        m = re.fullmatch(r"let\s+([A-Za-z_]\w*)\s*=\s*(.*?);?", line, re.IGNORECASE)
        if m:
            stack[-1].append(_Let(m.group(1), _Expr(m.group(2))))
            continue
        if re.match(r"(program|memory|init|declare|while|end\s+while)\b", low):
            word = low.split()[0].split("(")[0]
            raise TestError(f"the test uses '{word}', which nnviz does not run")
        stack[-1].append(_row(line))
    if len(stack) != 1:
        raise TestError("a loop has no 'end loop'")
    return names, stack[0]


def _rows(body: Sequence[object], env: dict[str, int]) -> Iterator[list[int | None]]:
    for statement in body:
        if isinstance(statement, _Let):
            env[statement.var] = statement.expr.value(env)
        elif isinstance(statement, _Loop):
            outer = env.get(statement.var)
            for k in range(statement.count.value(env)):
                env[statement.var] = k
                yield from _rows(statement.body, env)
            if outer is not None:
                env[statement.var] = outer
        else:
            assert isinstance(statement, _Row)
            values: list[int | None] = []  # None: X, not set or not checked
            for kind, arg in statement.cells:
                if kind == "value":
                    values.append(arg)
                elif kind == "expr":
                    values.append(arg.value(env))
                else:
                    n, v = arg[0].value(env), arg[1].value(env)
                    values.extend((v >> (n - 1 - i)) & 1 for i in range(n))
            yield values


# -- running ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class TestRun:
    """One test case run: every row's inputs, expected and actual outputs (DONT_CARE where
    the test does not check), and which rows failed."""

    __test__ = False  # not a pytest test class

    name: str
    input_names: tuple[str, ...]
    output_names: tuple[str, ...]
    inputs: np.ndarray  # (rows, n_in)
    expected: np.ndarray  # (rows, n_out), DONT_CARE where not checked
    actual: np.ndarray  # (rows, n_out)

    @property
    def failed_rows(self) -> np.ndarray:
        wrong = (self.expected != DONT_CARE) & (self.expected != self.actual)
        return np.flatnonzero(wrong.any(axis=1))

    @property
    def passed(self) -> bool:
        return self.failed_rows.size == 0


def run_test(
    name: str,
    program: str,
    circuit_inputs: Sequence[str],
    circuit_outputs: Sequence[str],
    evaluate: Callable[[np.ndarray], np.ndarray],
    rename: Mapping[str, str] | None = None,
    defaults: Mapping[str, int] | None = None,
) -> TestRun:
    """Run a Digital test program; ``evaluate`` maps input rows (m, n_in) in the circuit's
    input order to output rows (m, n_out) in its output order; ``rename`` maps the test's
    signal names to the circuit's (an import may have changed them); an input the test does
    not set keeps its value from ``defaults`` (else 0), as in Digital. TestError when it
    cannot run."""
    names, body = parse_program(program)
    names = [(rename or {}).get(n, n) for n in names]
    where = {n: i for i, n in enumerate(circuit_inputs)}
    outs = {n: i for i, n in enumerate(circuit_outputs)}
    for n in names:
        if n not in where and n not in outs:
            raise TestError(f"the test's signal '{n}' is neither an input nor an output here")
    fixed = [0] * len(circuit_inputs)
    for n, i in where.items():
        if n not in names:
            fixed[i] = int((defaults or {}).get(n, 0))
    in_rows: list[list[int]] = []
    exp_rows: list[list[int]] = []
    for values in _rows(body, {}):
        if len(values) != len(names):
            raise TestError(
                f"a row has {len(values)} values for the {len(names)} signals of the header"
            )
        ins = list(fixed)
        exp = [DONT_CARE] * len(circuit_outputs)
        free = []
        for n, v in zip(names, values, strict=True):
            # A value is cut to its signal's width, one bit here, as Digital cuts it.
            if n in where:
                if v is None:
                    free.append(where[n])
                else:
                    ins[where[n]] = v & 1
            elif v is not None:
                exp[outs[n]] = v & 1
        for combo in range(1 << len(free)):  # an X input: every value is tried
            row = list(ins)
            for k, i in enumerate(free):
                row[i] = (combo >> k) & 1
            in_rows.append(row)
            exp_rows.append(exp)
        if len(in_rows) > MAX_ROWS:
            raise TestError(f"the test has more than {MAX_ROWS:,} rows, more than nnviz runs")
    inputs = np.array(in_rows, dtype=np.int64).reshape(len(in_rows), len(circuit_inputs))
    expected = np.array(exp_rows, dtype=np.int64).reshape(len(exp_rows), len(circuit_outputs))
    actual = np.asarray(evaluate(inputs), dtype=np.int64).reshape(expected.shape)
    return TestRun(name, tuple(circuit_inputs), tuple(circuit_outputs), inputs, expected, actual)
