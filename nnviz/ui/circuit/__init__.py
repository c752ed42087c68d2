"""The logic-gate sandbox: scene, items and undoable commands over `nnviz.core.circuits.model`."""
