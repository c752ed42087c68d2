"""The example beside the network: a test example chosen by number, its activations on the
canvas (a forward pass through the snapshot shown), its picture and output bars, and the
weights of a clicked hidden neuron drawn as an image."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QObject, Slot

from nnviz.core.learning.snapshot import Snapshot


class ExamplePanel(QObject):
    """The chosen test example (``index``) and what shows it (``studio.examples``)."""

    def __init__(self, studio) -> None:  # a TrainingStudio
        super().__init__(studio)
        self.studio = studio
        self.index = 0
        self.image_shown: tuple | None = None  # (data set, index) of the picture drawn

    def data_changed(self, n_examples: int) -> None:
        """A new run's data set: keep the example's number if it has one that large."""
        self.image_shown = None
        spin = self.studio.example_spin
        spin.setRange(0, n_examples - 1)
        self.index = min(self.index, n_examples - 1)
        spin.blockSignals(True)
        spin.setValue(self.index)
        spin.blockSignals(False)

    @Slot(int)
    def show(self, index: int) -> None:
        st = self.studio
        if st.dataset is None:
            return
        n = len(st.dataset.test)
        index %= n
        changed = index != self.index
        self.index = index
        if changed:
            st.example_changed.emit(index)
        if st.example_spin.value() != index:
            st.example_spin.blockSignals(True)
            st.example_spin.setValue(index)
            st.example_spin.blockSignals(False)
        self.update()

    def shown_snapshot(self) -> Snapshot | None:
        """What the canvas shows: the replay's frame while replaying, else the live run."""
        st = self.studio
        if st.replay is not None and st.replay.frame_count:
            return st.replay.frame(st.replay.position)
        return st.snapshot

    def example_input(self) -> np.ndarray | None:
        """The chosen test example as a network input column (n_0,)."""
        ds = self.studio.dataset
        if ds is None:
            return None
        return ds.test.x[self.index].astype(np.float64) * ds.scale

    def update(self, snap: Snapshot | None = None) -> None:
        st = self.studio
        ds, snap = st.dataset, snap or self.shown_snapshot()
        if ds is None or snap is None or snap.sizes[0] != ds.n_inputs:
            return
        x = self.example_input()
        if x is None:
            return
        acts = snap.activations(x)
        st.canvas.set_activations(acts)
        image = None
        if ds.image_shape is not None:
            image = ds.test.x[self.index].reshape(ds.image_shape) * ds.scale
            key = (id(ds), self.index)
            if self.image_shown != key:  # the image only changes with the example
                self.image_shown = key
                st.canvas.set_input_image(image)
        label = None if ds.test.labels is None else int(ds.test.labels[self.index])
        st.example.set_example(image, label, acts[-1])

    @Slot(bool)
    def on_grid_toggled(self, on: bool) -> None:
        st = self.studio
        if st.dataset is not None and st.dataset.image_shape is None:
            if on:
                st.grid_box.setChecked(False)  # truth tables have no image to draw
                return
        else:
            st.grid_wanted = on  # the user's choice, for the next image data set too
        st.canvas.set_input_mode("grid" if on else "column")
        self.image_shown = None
        self.update()

    @Slot(object)
    def on_dataset_changed(self, dataset) -> None:
        """Images are drawn as images (unless the user chose the column); other inputs as a
        column."""
        st = self.studio
        st.grid_box.setChecked(st.grid_wanted and dataset.image_shape is not None)

    @Slot(int, int)
    def on_neuron_clicked(self, layer: int, index: int) -> None:
        st = self.studio
        ds = st.dataset
        if layer == 1 and ds is not None and ds.image_shape is not None:
            if st.side_tabs.tabBar().isVisible():
                st.side_tabs.setCurrentIndex(1)
            st.heatmap.set_image_shape(ds.image_shape)
            st.heatmap.set_neuron(0, index)
            st.heatmap_label.setText(
                f"Incoming weights of hidden neuron {index + 1}, drawn "
                f"as a {ds.image_shape[0]}x{ds.image_shape[1]} image "
                "(blue positive, orange negative)."
            )
