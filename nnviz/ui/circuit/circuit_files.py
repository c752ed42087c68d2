"""The sandbox's circuit as a document: new, open, save, save as, export, the question
about unsaved changes, and the autosave that keeps unsaved work across a crash.

The sandbox owns the circuit, its undo stack and ``path``; these helpers act on them.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

from PySide6.QtWidgets import QMessageBox

from nnviz import paths
from nnviz.core.circuits.digital import read_dig_file
from nnviz.core.circuits.formats import load_circuit, save_circuit
from nnviz.core.circuits.model import Circuit, CircuitError, canvas_problem
from nnviz.core.io.atomic import atomic_write
from nnviz.ui.circuit.view import export_png, export_svg
from nnviz.ui.file_dialogs import open_file, save_file
from nnviz.ui.settings import settings

AUTOSAVE_NAME = "autosave-circuit.json"
AUTOSAVE_META = "autosave-circuit.meta.json"
FILE_FILTER = (
    "Circuits (*.json *.dig *.circ);;nnviz circuits (*.json);;Digital circuits (*.dig);;"
    "logisim-evolution circuits (*.circ);;All files (*)"
)
SAVE_FILTER = "nnviz circuits (*.json);;Digital circuits (*.dig)"


class CircuitFiles:
    """Opening, saving and exporting the sandbox's circuit (``sandbox.files``)."""

    def __init__(self, sandbox) -> None:  # a CircuitSandbox
        self.sandbox = sandbox

    def replace(self, circuit: Circuit, path: Path | None) -> None:
        sb = self.sandbox
        sb.scene.input_values.clear()  # a new circuit starts with every switch at 0
        sb.circuit.replace_contents(circuit)
        sb.undo_stack.clear()
        sb.undo_stack.setClean()
        sb.path = path
        sb.update_title()
        sb.view.fit()

    def new_circuit(self) -> bool:
        """An empty circuit (after offering to save)."""
        if not self.maybe_save():
            return False
        self.replace(Circuit(name="untitled"), None)
        self.sandbox.show_message("New circuit.")
        return True

    def load_file(self, path: str | Path, as_copy: bool = False) -> bool:
        """Open a circuit file without asking to save first. A bad file changes nothing."""
        sb = self.sandbox
        path = Path(path)
        try:
            if path.suffix.lower() == ".dig":  # its own tests come along
                dig = read_dig_file(path)
                loaded, tests = dig.circuit, (dig.tests, dig.names, dig.defaults)
            else:
                loaded, tests = load_circuit(path), ((), {}, {})
            too_big = canvas_problem(loaded)
            if too_big:
                raise CircuitError(f"{path.name}: {too_big}")
        except CircuitError as exc:
            QMessageBox.warning(
                sb,
                "Could not open circuit",
                f"{exc}\n\nYour current circuit was not changed. Choose an nnviz circuit "
                "(.json), a Digital circuit (.dig) or a logisim-evolution one (.circ), or fix "
                "the file and open it again.",
            )
            sb.show_message(f"Could not open {path.name}; nothing changed.", True)
            return False
        self.replace(loaded, None if as_copy else path)
        sb.tests_panel.set_tests(*tests)
        note = ""
        if path.suffix.lower() == ".dig":
            note = " (from Digital: each gate became NAND gates, labels kept)"
            if tests[0]:
                note += f"; its {len(tests[0])} test case(s) are in the Tests tab"
        elif path.suffix.lower() == ".circ":
            note = " (from logisim-evolution: each gate became NAND gates)"
        sb.show_message(
            f"Opened {path.name}: {len(loaded.nodes)} parts, {loaded.nand_count()} NAND "
            f"gates{note}."
        )
        return True

    def open_dialog(self) -> bool:
        if not self.maybe_save():
            return False
        path = open_file(self.sandbox, "circuit", "Open circuit", FILE_FILTER)
        return bool(path) and self.load_file(path)

    def open_example(self, path: str | Path) -> bool:
        """Open a shipped example as an untitled copy (saving asks where)."""
        if not self.maybe_save():
            return False
        return self.load_file(path, as_copy=True)

    def write_file(self, path: str | Path) -> bool:
        """Save to ``path`` (atomic); mark clean. The palette changes only through Save as
        Block..., never as a side effect of saving a file."""
        sb = self.sandbox
        path = Path(path)
        try:
            save_circuit(sb.circuit, path)  # .dig: Digital's format, blocks become gates
        except CircuitError as exc:
            QMessageBox.warning(sb, "Could not save", f"{exc}\n\nYour circuit is unchanged.")
            return False
        except OSError as exc:
            QMessageBox.warning(
                sb,
                "Could not save",
                f"Could not write {path}: {exc}\n\nChoose another folder or "
                "file name; your circuit is still open and unchanged.",
            )
            return False
        sb.path = path
        sb.undo_stack.setClean()
        sb.autosave.remove()
        try:
            settings().setValue("circuit/last_save_time", time.time())
            settings().setValue("circuit/last_path", str(path))
        except Exception:
            pass
        sb.update_title()
        sb.show_message(f"Saved {path}.")
        return True

    def save(self) -> bool:
        """Save to the current file, or ask where."""
        sb = self.sandbox
        if sb.path is None:
            return self.save_as()
        return self.write_file(sb.path)

    def save_as(self, path: str | Path | None = None) -> bool:
        """Save under a new name (asks when ``path`` is None)."""
        sb = self.sandbox
        if path is None:
            name = sb.path.name if sb.path else f"{sb.circuit.name or 'circuit'}.json"
            path = save_file(sb, "circuit", "Save circuit", SAVE_FILTER, name)
            if not path:
                return False
            if not path.lower().endswith((".json", ".dig")):
                path += ".json"
        return self.write_file(path)

    def export_dialog(self, fmt: str) -> bool:
        sb = self.sandbox
        base = (sb.path.stem if sb.path else sb.circuit.name) or "circuit"
        filt = "PNG images (*.png)" if fmt == "png" else "SVG drawings (*.svg)"
        path = save_file(sb, "picture", "Export picture", filt, f"{base}.{fmt}")
        if not path:
            return False
        return self.export(path, fmt)

    def export(self, path: str | Path, fmt: str) -> bool:
        """Write the canvas as ``png`` or ``svg``."""
        sb = self.sandbox
        try:
            if fmt == "png":
                export_png(sb.scene, path)
            else:
                export_svg(sb.scene, path, title=sb.circuit.name or "circuit")
        except OSError as exc:
            QMessageBox.warning(sb, "Export failed", f"{exc}\n\nChoose another folder.")
            return False
        sb.show_message(f"Exported {path}.")
        return True

    def ask_unsaved(self) -> QMessageBox.StandardButton:
        """Ask Save / Discard / Cancel about unsaved changes (tests replace this)."""
        sb = self.sandbox
        name = sb.path.name if sb.path else (sb.circuit.name or "untitled")
        return QMessageBox.question(
            sb,
            "Unsaved circuit",
            f"The circuit “{name}” has changes that are not saved. Save them first?",
            QMessageBox.StandardButton.Save
            | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Save,
        )

    def maybe_save(self) -> bool:
        """True when it is fine to drop the circuit (saved, discarded or unchanged)."""
        sb = self.sandbox
        if sb.undo_stack.isClean():
            return True
        answer = self.ask_unsaved()
        if answer == QMessageBox.StandardButton.Save:
            return self.save()
        if answer == QMessageBox.StandardButton.Discard:
            sb.autosave.remove()
            return True
        return False

    def shipped_name(self) -> str | None:
        sb = self.sandbox
        from nnviz.paths import shipped_examples

        if sb.path is None:
            return None
        for name, path in shipped_examples().items():
            if Path(path).resolve() == Path(sb.path).resolve():
                return name
        return None

    def open_shipped(self, name: str) -> None:
        """Open the circuit nnviz ships as ``name``; the user's own unsaved edits of that very
        circuit stay on screen."""
        sb = self.sandbox
        from nnviz.paths import shipped_examples

        path = shipped_examples().get(name)
        if path is None:
            sb.show_message(f"This nnviz ships no circuit called {name!r}.", error=True)
            return
        if self.shipped_name() == name and not sb.undo_stack.isClean():
            return
        self.load_file(path)

    def show_circuit(self, circuit: Circuit, path: Path | None) -> None:
        """Show ``circuit`` (from ``path``, or none) in place of the current one."""
        self.replace(circuit, path)


class CircuitAutosave:
    """Unsaved work written every half minute, offered back in a banner at the next start
    (``sandbox.autosave``)."""

    def __init__(self, sandbox) -> None:  # a CircuitSandbox
        self.sandbox = sandbox

    def path(self) -> Path:
        return paths.user_state_dir() / AUTOSAVE_NAME

    def save_now(self) -> bool:
        """Write the circuit to the autosave file if it has unsaved changes."""
        sb = self.sandbox
        if sb.undo_stack.isClean():
            return False
        path = self.path()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            sb.circuit.save(path)  # atomic: temporary file, then rename
            meta = {
                "source": str(sb.path) if sb.path else None,
                "time": time.time(),
            }
            with atomic_write(path.with_name(AUTOSAVE_META)) as fh:
                fh.write(json.dumps(meta))
        except OSError as exc:
            sb.show_message(f"Autosave failed ({exc}); save your work by hand.", True)
            return False
        return True

    def remove(self) -> None:
        p = self.path()
        for f in (p, p.with_name(AUTOSAVE_META)):
            try:
                f.unlink(missing_ok=True)
            except OSError:
                pass

    def check_recovery(self) -> bool:
        """Offer (in a banner) an autosave newer than the last save."""
        sb = self.sandbox
        p = self.path()
        if not p.exists():
            return False
        try:
            last_save = float(settings().value("circuit/last_save_time", 0) or 0)
        except (TypeError, ValueError, Exception):
            last_save = 0.0
        if p.stat().st_mtime <= last_save:
            self.remove()  # older than a real save: nothing to recover
            return False
        when = time.strftime("%Y-%m-%d %H:%M", time.localtime(p.stat().st_mtime))
        sb.banner_label.setText(
            f"An unsaved circuit from {when} was kept when nnviz last closed. Recover it?"
        )
        sb.banner.show()
        return True

    def recover(self) -> bool:
        """Open the autosave as an unsaved circuit (its original file, if any, stays as is)."""
        sb = self.sandbox
        p = self.path()
        try:
            loaded = load_circuit(p)
        except CircuitError as exc:
            QMessageBox.warning(
                sb,
                "Could not recover",
                f"{exc}\n\nThe autosave is damaged; it was left where it is.",
            )
            return False
        source = None
        try:
            meta = json.loads(p.with_name(AUTOSAVE_META).read_text(encoding="utf-8"))
            source = Path(meta["source"]) if meta.get("source") else None
        except (OSError, ValueError, KeyError, TypeError):
            pass
        sb.files.replace(loaded, source)
        sb.undo_stack.resetClean()  # recovered work is unsaved until the user saves it
        sb.update_title()
        sb.banner.hide()
        sb.show_message("Recovered the autosaved circuit. Save it to keep it.")
        return True

    def discard(self) -> None:
        sb = self.sandbox
        self.remove()
        sb.banner.hide()
        sb.show_message("Discarded the autosaved circuit.")
