"""nnviz's circuit files: a circuit as a JSON-ready dict and back, and the JSON file itself.

The reader is linear in the size of the data (each nested block definition is built once and
the feedforward check runs once over the whole circuit) and names the place of every problem
(``circuit.blocks['adder'].wires[3]: ...``). Files of every kind, by extension:
:func:`nnviz.core.circuits.formats.load_circuit`.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, TypeVar

from nnviz.core.circuits.edits import EditableCircuit
from nnviz.core.circuits.graph import CircuitGraph
from nnviz.core.circuits.parts import (
    FORMAT,
    MAX_BLOCK_DEPTH,
    MAX_COORD,
    MAX_EXPANDED_GATES,
    MAX_FILE_BYTES,
    VERSION,
    CircuitError,
    validate_block_name,
)
from nnviz.core.io.atomic import atomic_write
from nnviz.core.io.guard import (
    JSON_HOOKS,
    MAX_JSON_VALUES,
    check_regular_file,
    json_depth_ok,
    json_too_big,
)

E = TypeVar("E", bound=EditableCircuit)


def circuit_to_dict(c: CircuitGraph) -> dict[str, Any]:
    """A JSON-ready dict (nodes and wires sorted by id, blocks embedded by value)."""
    nodes = []
    for nid in sorted(c.nodes):
        n = c.nodes[nid]
        d: dict[str, Any] = {"id": n.id, "kind": n.kind, "x": n.pos[0], "y": n.pos[1]}
        if n.name is not None:
            d["name"] = n.name
        if n.block is not None:
            d["block"] = n.block
        if n.rotation:
            d["rotation"] = n.rotation
        if n.flip:
            d["flip"] = True
        if n.label:
            d["label"] = n.label
        nodes.append(d)
    wires = []
    for w in (c.wires[i] for i in sorted(c.wires)):
        wd: dict[str, Any] = {
            "id": w.id,
            "from": [w.src, w.src_port],
            "to": [w.dst, w.dst_port],
        }
        if w.bend is not None:
            wd["bend"] = w.bend
        wires.append(wd)
    d = {
        "format": FORMAT,
        "version": VERSION,
        "name": c.name,
        "description": c.description,
        "next_node_id": c.next_node_id,
        "next_wire_id": c.next_wire_id,
        "nodes": nodes,
        "wires": wires,
        "blocks": {k: circuit_to_dict(c.blocks[k]) for k in sorted(c.blocks)},
    }
    if c.notes:  # optional: files without notes read as before, in older versions too
        d["notes"] = [
            {"id": n.id, "x": n.pos[0], "y": n.pos[1], "text": n.text}
            for n in (c.notes[i] for i in sorted(c.notes))
        ]
    return d


def circuit_from_dict(cls: type[E], data: object, where: str = "circuit", depth: int = 0) -> E:
    """Build a ``cls`` from :func:`circuit_to_dict` output; CircuitError says what and where.

    Linear in the size of the data: each nested block definition is built once, and the
    feedforward check runs once over the whole circuit instead of once per wire.
    """
    if depth > MAX_BLOCK_DEPTH:
        top = where.split(".blocks[")[0]
        raise CircuitError(
            f"{top}: blocks are nested more than {MAX_BLOCK_DEPTH} deep, more than nnviz "
            "opens; flatten some of them"
        )
    if not isinstance(data, dict):
        raise CircuitError(f"{where}: expected a JSON object, got {type(data).__name__}")
    if data.get("format") != FORMAT:
        raise CircuitError(
            f'{where}: not an nnviz circuit ("format" should be "{FORMAT}", '
            f"got {data.get('format')!r})"
        )
    version = data.get("version")
    if version != VERSION:
        raise CircuitError(
            f"{where}: unsupported circuit file version {version!r}; this nnviz reads "
            f"version {VERSION} (a newer nnviz may have written it)"
        )
    for key, typ in (("nodes", list), ("wires", list)):
        if not isinstance(data.get(key), typ):
            raise CircuitError(f'{where}: missing or malformed "{key}" (expected a list)')
    name = data.get("name", "circuit")
    description = data.get("description", "")
    if not isinstance(name, str) or not isinstance(description, str):
        raise CircuitError(f'{where}: "name" and "description" must be text')
    c = cls(name=name, description=description)
    blocks = data.get("blocks", {})
    if not isinstance(blocks, dict):
        raise CircuitError(f'{where}: "blocks" must be an object keyed by block name')
    try:
        for bname, bdata in blocks.items():
            validate_block_name(bname)
            inner = circuit_from_dict(
                cls, bdata, where=f"{where}.blocks[{bname!r}]", depth=depth + 1
            )
            if not inner.output_ids():
                raise CircuitError(f"block '{bname}' has no outputs")
            c.adopt_block(bname, inner)
        for k, nd in enumerate(data["nodes"]):
            loc = f"{where}.nodes[{k}]"
            if not isinstance(nd, dict):
                raise CircuitError(f"{loc}: expected an object")
            for key in ("id", "kind", "x", "y"):
                if key not in nd:
                    raise CircuitError(f'{loc}: missing "{key}"')
            for key in ("x", "y"):
                v = nd[key]
                if not isinstance(v, int | float) or isinstance(v, bool):
                    raise CircuitError(f'{loc}: "{key}" must be a number, got {v!r}'[:200])
                if not -MAX_COORD <= v <= MAX_COORD:
                    raise CircuitError(
                        f'{loc}: "{key}" is {v:.3g}, off the canvas (|{key}| <= {MAX_COORD:g})'
                    )
            try:
                nid = c.add_node(
                    nd["kind"],
                    (nd["x"], nd["y"]),
                    name=nd.get("name"),
                    block=nd.get("block"),
                    node_id=nd["id"],
                )
                if any(k in nd for k in ("rotation", "flip", "label")):
                    flip = nd.get("flip", False)
                    if not isinstance(flip, bool):
                        raise CircuitError(f'"flip" must be true or false, got {flip!r}')
                    c.set_look(nid, nd.get("rotation", 0), flip, nd.get("label", ""))
            except CircuitError as exc:
                raise CircuitError(f"{loc}: {exc}") from None
        with c.deferred_loop_check():
            for k, wd in enumerate(data["wires"]):
                loc = f"{where}.wires[{k}]"
                if not isinstance(wd, dict):
                    raise CircuitError(f"{loc}: expected an object")
                for key in ("id", "from", "to"):
                    if key not in wd:
                        raise CircuitError(f'{loc}: missing "{key}"')
                ends = (wd["from"], wd["to"])
                if not all(isinstance(e, list) and len(e) == 2 for e in ends):
                    raise CircuitError(f'{loc}: "from" and "to" must be [node id, port] pairs')
                try:
                    (src, src_port), (dst, dst_port) = wd["from"], wd["to"]
                    c.add_wire(src, src_port, dst, dst_port, wire_id=wd["id"], bend=wd.get("bend"))
                except CircuitError as exc:
                    raise CircuitError(f"{loc}: {exc}") from None
        loop = c.find_loop()
        if loop is not None:
            # Name the wire of the loop that comes last in the file: adding the wires in
            # file order, it is the one that closes this loop.
            hops = set(zip(loop, [*loop[1:], loop[0]]))
            ids = [wd["id"] for wd in data["wires"]]
            k = max(i for i, wid in enumerate(ids) if (c.wires[wid].src, c.wires[wid].dst) in hops)
            w = c.wires[ids[k]]
            start = loop.index(w.dst)
            path = [*loop[start:], *loop[:start]]  # dst ... src
            names = " -> ".join(c.describe(i) for i in [w.src, *path])
            raise CircuitError(
                f"{where}.wires[{k}]: this wire would make a loop: {names}; "
                "a circuit must be feedforward"
            )
    except CircuitError as exc:
        if str(exc).startswith(where.split(".blocks[")[0]):
            raise  # already says where (nested definitions name their own place)
        raise CircuitError(f"{where}: {exc}") from None
    c.reserve_ids(
        data.get("next_node_id", c.next_node_id),
        data.get("next_wire_id", c.next_wire_id),
        where,
    )
    if depth == 0 and c.nand_count() > MAX_EXPANDED_GATES:
        raise CircuitError(
            f"{where}: it {'expands' if c.blocks else 'comes'} to {c.nand_count():,} NAND "
            f"gates, more than nnviz simulates ({MAX_EXPANDED_GATES:,})"
        )
    notes = data.get("notes", [])
    if not isinstance(notes, list):
        raise CircuitError(f'{where}: "notes" must be a list')
    for k, nd in enumerate(notes):
        loc = f"{where}.notes[{k}]"
        if not isinstance(nd, dict) or not isinstance(nd.get("id"), int):
            raise CircuitError(f'{loc}: expected an object with a whole-number "id"')
        for key in ("x", "y"):
            v = nd.get(key, 0.0)
            if isinstance(v, bool) or not isinstance(v, int | float):
                raise CircuitError(f'{loc}: "{key}" must be a number')
            if not -MAX_COORD <= v <= MAX_COORD:
                raise CircuitError(f'{loc}: "{key}" is off the canvas')
        try:
            c.add_note(nd.get("text", ""), (nd.get("x", 0.0), nd.get("y", 0.0)), nd["id"])
        except CircuitError as exc:
            raise CircuitError(f"{loc}: {exc}") from None
    return c


def write_circuit_json(c: CircuitGraph, path: str | os.PathLike[str]) -> None:
    """Write the circuit as JSON atomically (temporary file, then rename over ``path``).

    A failed write (OSError) leaves any existing file at ``path`` untouched.
    """
    text = json.dumps(circuit_to_dict(c), indent=1) + "\n"
    with atomic_write(path) as fh:
        fh.write(text)


def read_circuit_json(path: str | os.PathLike[str]) -> tuple[Path, object]:
    """The checked path and parsed JSON of an nnviz circuit file; any problem becomes a
    CircuitError naming the file (``Circuit.load`` builds the circuit)."""
    hint = "choose a circuit .json file saved by nnviz, or a Digital .dig file"
    path = check_regular_file(path, CircuitError, hint)
    if path.stat().st_size > MAX_FILE_BYTES:
        raise CircuitError(
            f"{path}: {path.stat().st_size / 1e6:.0f} MB is larger than nnviz opens "
            f"({MAX_FILE_BYTES // 10**6} MB)"
        )
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CircuitError(f"{path}: cannot read it ({exc})") from None
    if json_too_big(text):
        raise CircuitError(
            f"{path}: it holds more values than any circuit nnviz opens ({MAX_JSON_VALUES:,})"
        )
    if not json_depth_ok(text, 4 * MAX_BLOCK_DEPTH + 16):
        raise CircuitError(
            f"{path}: blocks are nested more than {MAX_BLOCK_DEPTH} deep, more than nnviz opens"
        )
    try:
        data = json.loads(
            text,
            parse_constant=JSON_HOOKS["parse_constant"],
            parse_int=JSON_HOOKS["parse_int"],
            parse_float=JSON_HOOKS["parse_float"],
        )
    except json.JSONDecodeError as exc:
        raise CircuitError(
            f"{path}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from None
    except RecursionError:
        raise CircuitError(f"{path}: the JSON is nested too deeply to be a circuit") from None
    except ValueError as exc:  # NaN, Infinity, or a number of hundreds of digits
        raise CircuitError(f"{path}: {exc}") from None
    return path, data
