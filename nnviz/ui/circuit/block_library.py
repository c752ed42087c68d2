"""The block library: circuits kept in the palette as reusable blocks (saved between
sessions in the user's data folder), and read-only windows that show a block's inside."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QInputDialog, QLabel, QMessageBox, QVBoxLayout, QWidget

from nnviz import paths
from nnviz.core.circuits.formats import load_circuit
from nnviz.core.circuits.model import Circuit, CircuitError, make_block_definition
from nnviz.ui.circuit.scene import CircuitScene
from nnviz.ui.circuit.view import CircuitView


def library_dir() -> Path:
    """Where blocks (saved circuits, passed levels) are kept between sessions."""
    return paths.user_data_dir() / "blocks"


class BlockWindow(QDialog):
    """The inside of a block, read-only, in its own window (closing it deletes it)."""

    def __init__(self, inner: Circuit, name: str, parent: QWidget) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Inside block “{name}” (read-only)")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.scene = CircuitScene(inner, read_only=True, parent=self)
        self.view = CircuitView(self.scene)
        note = QLabel(
            f"{inner.nand_count()} NAND gates. Flip the switches to explore; this view cannot "
            "be edited. Double-click an inner block to open it too."
        )
        note.setWordWrap(True)
        lay = QVBoxLayout(self)
        lay.addWidget(note)
        lay.addWidget(self.view, 1)
        self.resize(760, 520)
        self.finished.connect(lambda _r, s=self.scene: s.detach())


class BlockLibrary:
    """The blocks the palette offers (``sandbox.blocks``): the user's library plus the
    circuit's own definitions."""

    def __init__(self, sandbox) -> None:  # a CircuitSandbox
        self.sandbox = sandbox
        self.library: dict[str, Circuit] = {}
        self.windows: list[QDialog] = []  # the open block windows

    def load(self) -> None:
        folder = library_dir()
        bad = []
        if folder.is_dir():
            for f in sorted(folder.glob("*.json")):
                try:
                    c = load_circuit(f)
                    self.library[c.name or f.stem] = c
                except CircuitError:
                    bad.append(f.name)
        self.refresh_palette()
        if bad:
            self.sandbox.show_message(
                f"Skipped unreadable block files in {folder}: {', '.join(bad)}", True
            )

    def refresh_palette(self) -> None:
        sb = self.sandbox
        blocks = dict(self.library)
        blocks.update(sb.circuit.blocks)  # the circuit's own definition wins
        sb.scene.block_library = blocks
        sb.parts_palette.set_blocks(blocks)

    def add(self, name: str, definition: Circuit, persist: bool = True) -> None:
        """Put a block definition in the palette (and in the library folder)."""
        definition = make_block_definition(definition, name)
        self.library[name] = definition
        if persist:
            folder = library_dir()
            try:
                folder.mkdir(parents=True, exist_ok=True)
                definition.save(folder / f"{_safe_file_name(name)}.json")
            except OSError as exc:
                self.sandbox.show_message(
                    f"Block '{name}' is in the palette but could not be saved to {folder}: {exc}",
                    True,
                )
        self.refresh_palette()

    def remove(self, name: str) -> None:
        """Take a block out of the library (circuits that embed it keep their copy)."""
        sb = self.sandbox
        if name in self.library:
            del self.library[name]
            try:
                (library_dir() / f"{_safe_file_name(name)}.json").unlink(missing_ok=True)
            except OSError as exc:
                sb.show_message(f"Could not delete the block file: {exc}", True)
        self.refresh_palette()
        if name in sb.circuit.blocks:
            sb.show_message(f"'{name}' stays in the palette: this circuit uses it.")
        else:
            sb.show_message(f"Removed block '{name}' from the palette.")

    def save_as_block_dialog(self) -> None:
        sb = self.sandbox
        default = sb.path.stem if sb.path is not None else sb.circuit.name
        name, ok = QInputDialog.getText(sb, "Save as block", "Block name:", text=default)
        if not ok or not name.strip():
            return
        try:
            self.add(name.strip(), sb.circuit)
        except CircuitError as exc:
            QMessageBox.warning(sb, "Cannot make a block", f"{exc}")
            return
        sb.show_message(f"Block '{name.strip()}' is now in the palette.")

    def open(self, name: str) -> QDialog | None:
        """Show the inside of a block, read-only, in its own window."""
        sb = self.sandbox
        definition = sb.circuit.blocks.get(name) or self.library.get(name)
        if definition is None:
            sb.show_message(f"There is no block called {name!r}.", True)
            return None
        inner = definition.copy()
        dialog = BlockWindow(inner, name, sb)
        dialog.scene.open_block.connect(lambda n, c=inner: self._open_inner(c, n, dialog))
        dialog.show()
        dialog.view.fit()
        self.windows = [w for w in self.windows if _alive(w)] + [dialog]
        return dialog

    def _open_inner(self, outer: Circuit, name: str, parent: QDialog) -> None:
        if (
            name in outer.blocks
            and name not in self.sandbox.circuit.blocks
            and name not in self.library
        ):
            self.library.setdefault(name, outer.blocks[name])  # for this session only
            self.refresh_palette()
        self.open(name)


def _safe_file_name(name: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in name) or "block"


def _alive(w: QWidget) -> bool:
    try:
        import shiboken6

        return shiboken6.isValid(w)
    except Exception:
        return False
