"""Learned versus hand-built: train a small sigmoid network on the circuit's truth table.

The hand-built network is the circuit compiled to layered perceptrons; the learned one is a
sigmoid network trained by SGD (``nnviz.core.learning.training.train``) in a worker thread,
on a data set made from the circuit's truth table. Both are shown side by side: sizes, weights, each
row's outputs and accuracy.
"""

from __future__ import annotations

import time

import numpy as np
from PySide6.QtCore import QEvent, QObject, Qt, QThread, Signal, Slot
from PySide6.QtWidgets import (
    QBoxLayout,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from nnviz.core.circuits.model import Circuit, CircuitError, TruthTable, perceptron_problem
from nnviz.core.circuits.perceptrons import to_layered_network
from nnviz.core.datasets.dataset import Dataset, Split
from nnviz.core.learning.network import Network
from nnviz.core.learning.snapshot import DIVERGED, EPOCH
from nnviz.core.learning.training import TrainConfig, train
from nnviz.ui.circuit.learned_layout import build_layout
from nnviz.ui.circuit.perceptron_view import layered_activations
from nnviz.ui.style import set_cell_colour

MAX_INPUTS = 10


def dataset_from_table(table: TruthTable, name: str = "circuit") -> Dataset:
    """Every row of a truth table as a data set to fit exactly (train = test = all rows)."""
    if not table.input_names or not table.output_names:
        raise CircuitError("the circuit needs at least one input and one output to learn from")
    x = np.array([r[0] for r in table.rows], dtype=np.uint8)
    y = np.array([r[1] for r in table.rows], dtype=np.uint8)
    split = Split(x, y, None)
    return Dataset(
        name=name,
        train=split,
        test=split,
        validation=None,
        scale=1.0,
        input_names=tuple(table.input_names),
        output_names=tuple(table.output_names),
        description=f"truth table of {name}",
    )


def parse_hidden(text: str) -> list[int]:
    """'4' or '4, 3' -> hidden layer sizes; '' -> none. ValueError with a clear reason."""
    text = text.strip()
    if not text:
        return []
    try:
        sizes = [int(p) for p in text.replace(" ", "").split(",")]
    except ValueError:
        raise ValueError(
            f"hidden layers {text!r} must be whole numbers separated by commas, like 4 or 4,3"
        ) from None
    if any(s < 1 or s > 256 for s in sizes):
        raise ValueError("each hidden layer needs between 1 and 256 neurons")
    return sizes


def row_accuracy(outputs: np.ndarray, targets: np.ndarray) -> float:
    """Fraction of rows whose every output rounds to its target. Shapes (m, n_out)."""
    if outputs.shape[0] == 0:
        return float("nan")
    return float(np.mean(np.all((outputs > 0.5) == (targets > 0.5), axis=1)))


class TrainThread(QThread):
    """Runs ``train()`` to the end or until interrupted; reports at most ~20 times a second."""

    progress = Signal(int, int, float, float)  # epoch done, epochs, cost, accuracy
    finished_run = Signal(object, str)  # trained Network (a copy), final status

    def __init__(self, network: Network, dataset: Dataset, config: TrainConfig, parent=None):
        super().__init__(parent)
        self.network = network
        self.dataset = dataset
        self.config = config

    def run(self) -> None:
        gen = train(self.network, self.dataset, self.config)
        last_emit = 0.0
        status = "done"
        total = self.config.epochs
        try:
            for record in gen:
                if self.isInterruptionRequested():
                    status = "cancelled"
                    break
                if record.kind == DIVERGED:
                    status = record.message
                    break
                if record.kind == EPOCH:
                    now = time.perf_counter()
                    if now - last_emit > 0.05 or record.epoch + 1 == total:
                        last_emit = now
                        acc = record.test_accuracy or 0.0
                        self.progress.emit(record.epoch + 1, total, float(record.cost), acc)
        finally:
            gen.close()
        self.finished_run.emit(self.network.copy(), status)


class LearnedView(QWidget):
    """Train on the circuit's truth table and compare with the hand-built network."""

    def __init__(self, circuit: Circuit, parent=None) -> None:
        super().__init__(parent)
        self.circuit = circuit
        self.thread: TrainThread | None = None
        self.learned: Network | None = None
        self.hand_built = None  # LayeredNetwork compiled from the circuit
        self.table: TruthTable | None = None
        self.last_status = ""
        self._window_filtered: QObject | None = None

        build_layout(self)  # the widgets (nnviz.ui.circuit.learned_layout)
        self.train_button.clicked.connect(self.start)
        self.cancel_button.clicked.connect(self.cancel)
        self._dirty = True

    def fit_width(self, width: int) -> None:
        """Lay the settings beside the comparison, and the two drawings and two tables side
        by side, only where ``width`` (the scroll area's) holds them; else stack them. At
        1.5x text and on a 1280-wide window the page scrolled sideways."""
        pair = self.settings_box, self.compare_box
        wide = sum(w.minimumSizeHint().width() for w in pair) + 24 <= width
        self.top.setDirection(
            QBoxLayout.Direction.LeftToRight if wide else QBoxLayout.Direction.TopToBottom
        )
        for split in (self.drawings, self.tables):
            parts = [split.widget(i) for i in range(split.count())]
            need = sum(w.minimumSizeHint().width() for w in parts) + 24
            split.setOrientation(
                Qt.Orientation.Horizontal if need <= width else Qt.Orientation.Vertical
            )

    # -- circuit changes ----------------------------------------------------------------
    def mark_dirty(self) -> None:
        """The circuit changed: the learned network no longer matches it."""
        self._dirty = True
        if self.isVisible():
            self.refresh()

    def showEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().showEvent(event)
        win = self.window()
        if win is not self and win is not self._window_filtered:
            win.installEventFilter(self)  # stop training when the window closes
            self._window_filtered = win
        if self._dirty:
            self.refresh()

    def refresh(self) -> None:
        """Recompute the hand-built side and the per-row table."""
        self._dirty = False
        n_in = len(self.circuit.input_ids())
        if n_in > MAX_INPUTS:
            self.table = None
        else:
            self.table = self.circuit.truth_table()
        if (
            self.learned is not None
            and self.table is not None
            and (
                self.learned.sizes[0] != len(self.table.input_names)
                or self.learned.sizes[-1] != len(self.table.output_names)
            )
        ):
            self.learned = None  # the terminals changed: that network no longer fits
        self._fill_hand_built()
        self._fill_learned_stats()
        self._fill_rows()
        self._fill_hidden()
        self._draw_networks()

    def _fill_hand_built(self) -> None:
        labels = self.compare_labels
        try:
            too_big = perceptron_problem(self.circuit)
            if too_big:
                raise CircuitError(too_big)
            layered = to_layered_network(self.circuit)
        except CircuitError as exc:
            self.hand_built = None
            for key in ("sizes", "weights", "biases", "accuracy"):
                labels[("hand", key)].setText("–")
            labels[("hand", "sizes")].setText(str(exc))
            return
        n_w = sum(w.size for w in layered.weights)
        nonzero = sum(int(np.count_nonzero(w)) for w in layered.weights)
        n_b = sum(b.size for b in layered.biases)
        labels[("hand", "sizes")].setText(str(layered.sizes))
        labels[("hand", "weights")].setText(f"{n_w} ({nonzero} non-zero)")
        labels[("hand", "biases")].setText(str(n_b))
        self.hand_built = layered
        labels[("hand", "accuracy")].setText(f"{self.hand_built_accuracy():.0%} of rows")

    def _fill_learned_stats(self) -> None:
        labels = self.compare_labels
        net = self.learned
        if net is None:
            for key in ("sizes", "weights", "biases", "accuracy"):
                labels[("learned", key)].setText("–")
            return
        labels[("learned", "sizes")].setText(str(net.sizes))
        labels[("learned", "weights")].setText(str(sum(w.size for w in net.weights)))
        labels[("learned", "biases")].setText(str(sum(b.size for b in net.biases)))
        acc = self.learned_accuracy()
        labels[("learned", "accuracy")].setText(
            "–" if acc != acc else f"{acc:.0%} of rows (outputs rounded at 0.5)"
        )

    def hand_built_outputs(self) -> np.ndarray | None:
        """The layered perceptron network's outputs per truth-table row, (m, n_out)."""
        if self.hand_built is None or self.table is None or not self.table.rows:
            return None
        x = np.array([r[0] for r in self.table.rows], dtype=np.int64)
        return self.hand_built.evaluate_batch(x).astype(float)

    def hand_built_accuracy(self) -> float:
        out = self.hand_built_outputs()
        if out is None:
            return float("nan")
        return row_accuracy(out, np.array([r[1] for r in self.table.rows], dtype=float))

    def learned_outputs(self) -> np.ndarray | None:
        """The learned network's outputs per truth-table row, (m, n_out), or None."""
        if self.learned is None or self.table is None or not self.table.rows:
            return None
        x = np.array([r[0] for r in self.table.rows], dtype=np.float64).T
        return self.learned.feedforward(x.astype(self.learned.dtype)).T

    def learned_accuracy(self) -> float:
        out = self.learned_outputs()
        if out is None:
            return float("nan")
        y = np.array([r[1] for r in self.table.rows], dtype=float)
        return row_accuracy(out, y)

    def _fill_rows(self) -> None:
        t = self.rows
        if self.table is None:
            t.setRowCount(0)
            t.setColumnCount(0)
            self.status.setText(
                f"Circuits with more than {MAX_INPUTS} inputs are not trained "
                "here: the table would be too long."
            )
            return
        ins, outs = list(self.table.input_names), list(self.table.output_names)
        learned = self.learned_outputs()
        hand = self.hand_built_outputs()
        headers = (
            ins
            + [f"target {o}" for o in outs]
            + [f"hand-built {o}" for o in outs]
            + [f"learned {o}" for o in outs]
        )
        _start_table(t, headers, len(self.table.rows))
        for r, (i_bits, o_bits) in enumerate(self.table.rows):
            col = 0
            for v in (*i_bits, *o_bits):
                t.setItem(r, col, _cell(str(v)))
                col += 1
            for k in range(len(outs)):
                t.setItem(r, col, _cell("–" if hand is None else str(int(hand[r, k]))))
                col += 1
            for k in range(len(outs)):
                if learned is None:
                    t.setItem(r, col, _cell("–"))
                else:
                    v = float(learned[r, k])
                    right = (v > 0.5) == bool(o_bits[k])
                    cell = _cell(f"{v:.3f}")
                    set_cell_colour(cell, "#dcfce7" if right else "#fee2e2")
                    t.setItem(r, col, cell)
                col += 1

    def hidden_outputs(self) -> tuple[list[str], np.ndarray | None, list[str], np.ndarray | None]:
        """(names, values) of the hidden units of the hand-built and the learned network on
        every truth-table row: values are (rows, units), hand-built 0/1, learned sigmoid."""
        if self.table is None or not self.table.rows:
            return [], None, [], None
        bits = np.array([r[0] for r in self.table.rows], dtype=float)
        hand_names, hand = [], None
        if self.hand_built is not None and len(self.hand_built.labels) > 2:
            cols = []
            for row in bits:
                acts = layered_activations(self.hand_built, row)
                cols.append(np.concatenate(acts[1:-1]))
            hand = np.array(cols)
            for layer in self.hand_built.labels[1:-1]:
                hand_names.extend(layer)
        learned_names, learned = [], None
        net = self.learned
        if net is not None and len(net.sizes) > 2:
            a = bits.T.astype(net.dtype)
            outs = []
            for w, b in zip(net.weights[:-1], net.biases[:-1]):
                a = 1.0 / (1.0 + np.exp(-(w @ a + b)))
                outs.append(a.T)
            learned_names = [n for layer in _hidden_names(net.sizes) for n in layer]
            learned = np.concatenate(outs, axis=1).astype(float)
        return hand_names, hand, learned_names, learned

    def _fill_hidden(self) -> None:
        t = self.hidden_rows
        hand_names, hand, learned_names, learned = self.hidden_outputs()
        if self.table is None or (hand is None and learned is None):
            t.setRowCount(0)
            t.setColumnCount(0)
            return
        ins = list(self.table.input_names)
        headers = (
            ins + [f"{n} (hand)" for n in hand_names] + [f"{n} (learned)" for n in learned_names]
        )
        _start_table(t, headers, len(self.table.rows))
        for r, (i_bits, _o) in enumerate(self.table.rows):
            col = 0
            for v in i_bits:
                t.setItem(r, col, _cell(str(v)))
                col += 1
            for k in range(len(hand_names)):
                t.setItem(r, col, _cell(str(int(hand[r, k]))))
                col += 1
            for k in range(len(learned_names)):
                v = float(learned[r, k])
                cell = _cell(f"{int(v >= 0.5)}  ({v:.2f})")
                set_cell_colour(cell, "#dcfce7" if v >= 0.5 else "#f3f4f6")
                t.setItem(r, col, cell)
                col += 1

    def _draw_networks(self) -> None:
        hand = self.hand_built
        if hand is not None:
            self.hand_canvas.set_network(
                hand.sizes,
                hand.weights,
                hand.biases,
                layer_names=["inputs"]
                + [f"layer {k}" for k in range(1, len(hand.sizes) - 1)]
                + ["outputs"],
                unit_names=[list(layer) for layer in hand.labels[:-1]] + [list(hand.output_names)],
            )
            self.hand_canvas.set_presentation(1.3)
        net = self.learned
        if net is not None and self.table is not None:
            names = [list(self.table.input_names)]
            names += _hidden_names(net.sizes)
            names.append(list(self.table.output_names))
            self.learned_canvas.set_network(
                net.sizes,
                net.weights,
                net.biases,
                layer_names=["inputs"] + [f"hidden ({n})" for n in net.sizes[1:-1]] + ["outputs"],
                unit_names=names,
            )
            self.learned_canvas.set_presentation(1.3)

    # -- training -----------------------------------------------------------------------
    def is_running(self) -> bool:
        return self.thread is not None and self.thread.isRunning()

    def start(self) -> bool:
        """Start training (cancelling a run in progress); False with a message if it cannot."""
        self.stop()
        self.refresh()
        if self.table is None:
            return False
        try:
            hidden = parse_hidden(self.hidden_edit.text())
            dataset = dataset_from_table(self.table, self.circuit.name or "circuit")
        except (ValueError, CircuitError) as exc:
            self.status.setText(str(exc))
            return False
        sizes = [dataset.n_inputs, *hidden, dataset.n_outputs]
        network = Network(sizes, seed=self.seed_spin.value())
        config = TrainConfig(
            epochs=self.epochs_spin.value(),
            batch_size=min(10, len(dataset.train)),
            eta=self.eta_spin.value(),
            seed=self.seed_spin.value(),
            evaluate_validation=False,
        )
        self.thread = TrainThread(network, dataset, config)
        self.thread.progress.connect(self._on_progress)
        self.thread.finished_run.connect(self._on_finished)
        self.progress_bar.setRange(0, config.epochs)
        self.progress_bar.setValue(0)
        self.train_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.status.setText(f"Training {sizes} on {len(dataset.train)} rows…")
        self.thread.start()
        return True

    def cancel(self) -> None:
        """Stop the run; the network as trained so far is still shown."""
        if self.is_running():
            self.thread.requestInterruption()

    def stop(self) -> None:
        """Interrupt and wait for the worker thread (safe to call any time)."""
        t = self.thread
        if t is not None:
            t.requestInterruption()
            t.wait(10000)
            self.thread = None
        self.train_button.setEnabled(True)
        self.cancel_button.setEnabled(False)

    @Slot(int, int, float, float)
    def _on_progress(self, epoch: int, total: int, cost: float, acc: float) -> None:
        if self.sender() is not self.thread:
            return  # a late report from a run that was already stopped
        self.progress_bar.setValue(epoch)
        self.status.setText(f"Epoch {epoch} / {total}: cost {cost:.4f}, {acc:.0%} of rows right")

    @Slot(object, str)
    def _on_finished(self, network: Network, status: str) -> None:
        if self.sender() is not self.thread:
            return  # a run that was stopped (its result was not asked for any more)
        self.learned = network
        self.last_status = status
        if (network.sizes[0], network.sizes[-1]) != (
            len(self.circuit.input_ids()),
            len(self.circuit.output_ids()),
        ):
            # The circuit's terminals changed while it trained: this network fits nothing.
            self.learned = None
            status = "The circuit's inputs or outputs changed during training; train again."
        if self.thread is not None:
            self.thread.wait(5000)
            self.thread = None
        self.train_button.setEnabled(True)
        self.cancel_button.setEnabled(False)
        if self._dirty:
            self.refresh()  # the circuit changed while hidden: compare with its table now
        acc = self.learned_accuracy()
        if status == "done":
            self.progress_bar.setValue(self.progress_bar.maximum())
            self.status.setText(f"Finished: {acc:.0%} of rows right.")
        elif status == "cancelled":
            self.status.setText(f"Cancelled: the network so far gets {acc:.0%} of rows right.")
        else:
            self.status.setText(status)
        self._fill_learned_stats()
        self._fill_rows()
        self._fill_hidden()
        self._draw_networks()

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt name)
        if event.type() == QEvent.Type.Close:
            self.stop()
        return False

    def closeEvent(self, event) -> None:  # noqa: N802
        self.stop()
        super().closeEvent(event)


def _hidden_names(sizes) -> list[list[str]]:
    """Hidden neurons named in the book's numbering: h1, h2... for one hidden layer; h2,1 (layer
    2, neuron 1)... when there are several."""
    one = len(sizes) == 3
    return [
        [f"h{j + 1}" if one else f"h{layer},{j + 1}" for j in range(n)]
        for layer, n in enumerate(sizes[1:-1], start=2)
    ]


def _start_table(t: QTableWidget, headers: list[str], rows: int) -> None:
    t.setColumnCount(len(headers))
    t.setHorizontalHeaderLabels(headers)
    t.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    t.setRowCount(rows)


def _cell(text: str) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
    return item
