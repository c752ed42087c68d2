"""Truth tables: every input row in order, and a table as CSV, Markdown or plain text."""

from __future__ import annotations

import csv
import io

import numpy as np

from nnviz.core.circuits.parts import MAX_TABLE_INPUTS, CircuitError, TruthTable


def all_input_rows(n: int) -> np.ndarray:
    """Every 0/1 row of length n in binary counting order, first column most significant.

    Shape (2**n, n), dtype int64.
    """
    if n > MAX_TABLE_INPUTS:
        raise CircuitError(
            f"{n} inputs would make a truth table of {2**n} rows; "
            f"tables are limited to {MAX_TABLE_INPUTS} inputs"
        )
    counts = np.arange(2**n, dtype=np.int64)
    shifts = np.arange(n - 1, -1, -1, dtype=np.int64)
    return (counts[:, None] >> shifts[None, :]) & 1


def table_to_csv(table: TruthTable) -> str:
    """The truth table as CSV: a header of input then output names, then one row per line."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow([*table.input_names, *table.output_names])
    for ins, outs in table.rows:
        writer.writerow([*ins, *outs])
    return buf.getvalue()


def table_to_markdown(table: TruthTable) -> str:
    """The truth table as a Markdown table, inputs and outputs separated by a bar column."""
    head = [*table.input_names, *table.output_names]
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join([":-:"] * len(head)) + "|"]
    for ins, outs in table.rows:
        lines.append("| " + " | ".join(str(v) for v in (*ins, *outs)) + " |")
    return "\n".join(lines) + "\n"


def table_to_text(table: TruthTable) -> str:
    """Plain text: a header line of names separated by spaces, then rows of 0/1."""
    lines = [" ".join([*table.input_names, *table.output_names])]
    for ins, outs in table.rows:
        lines.append(" ".join(str(v) for v in (*ins, *outs)))
    return "\n".join(lines) + "\n"
