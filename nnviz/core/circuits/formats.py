"""Circuit files by their extension: nnviz's own ``.json``, Digital's ``.dig`` and (to read)
logisim-evolution's ``.circ``.

The one place that knows which reader or writer a file name needs, above the model and the
format modules, so neither has to import the other.
"""

from __future__ import annotations

import os
from pathlib import Path

from nnviz.core.circuits.model import Circuit

READABLE = (".json", ".dig", ".circ")
WRITABLE = (".json", ".dig")


def _suffix(path: str | os.PathLike[str]) -> str:
    return Path(path).suffix.lower()


def load_circuit(path: str | os.PathLike[str]) -> Circuit:
    """Read a circuit file (nnviz's .json, Digital's .dig, logisim-evolution's .circ); any
    problem becomes a CircuitError naming the file."""
    if _suffix(path) == ".circ":
        from nnviz.core.circuits.logisim import read_circ

        return read_circ(path)
    if _suffix(path) == ".dig":
        from nnviz.core.circuits.digital import read_dig  # only when a .dig is opened

        return read_dig(path)
    return Circuit.load(path)


def save_circuit(circuit: Circuit, path: str | os.PathLike[str]) -> None:
    """Write ``circuit`` atomically in the format its extension names (.dig: Digital's, where
    blocks become their gates; anything else: nnviz's JSON)."""
    if _suffix(path) == ".dig":
        from nnviz.core.circuits.digital_write import write_dig

        write_dig(circuit, path)
    else:
        circuit.save(path)
