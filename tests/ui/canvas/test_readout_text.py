"""The hover card's texts are pure functions of the numbers shown (no canvas needed)."""

import numpy as np

from nnviz.ui.canvas.readout_text import Shown, edge_info, layer_word, neuron_info, unit_label


def _shown(**changes) -> Shown:
    weights = [np.array([[0.5, -2.0], [1.0, 0.25], [0.0, 3.0]]), np.array([[1.5, -1.0, 0.5]])]
    biases = [np.array([[0.1], [-0.2], [0.3]]), np.array([[-0.4]])]
    a0 = np.array([1.0, 0.5])
    z1 = weights[0] @ a0 + biases[0].ravel()
    a1 = 1 / (1 + np.exp(-z1))
    a2 = 1 / (1 + np.exp(-(weights[1] @ a1 + biases[1].ravel())))
    fields = dict(
        sizes=(2, 3, 1),
        weights=weights,
        biases=biases,
        activations=[a0, a1, a2],
        unit_names=[None, None, ["yes"]],
    )
    fields.update(changes)
    return Shown(**fields)


def test_a_hidden_neuron_reports_its_bias_z_and_a_in_the_books_numbering():
    shown = _shown()
    text = neuron_info(shown, 1, 0)  # layer 2, neuron 1
    z = 0.5 * 1.0 - 2.0 * 0.5 + 0.1
    assert text.splitlines()[0] == "hidden neuron 1  (layer 2, neuron 1)"
    assert f"= {z:+.4f}" in text and f"= {1 / (1 + np.exp(-z)):.4f}" in text
    assert "= +0.1000" in text  # the bias
    # the largest weight in first: -2.0 from x2
    strongest = text.splitlines().index("largest incoming weights:") + 1
    assert "from x2" in text.splitlines()[strongest] and "-2.0000" in text.splitlines()[strongest]
    assert "double-click" not in text
    assert "double-click to edit the bias" in neuron_info(_shown(editable=True), 1, 0)


def test_an_edge_says_what_it_adds_to_z_and_names_its_ends():
    text = edge_info(_shown(), 0, 2, 1)  # weights[0][2, 1] = 3.0, from x2 (a = 0.5)
    assert text.splitlines()[1] == "from input neuron x2 (layer 1, neuron 2)"
    assert text.splitlines()[2] == "to hidden neuron 3 (layer 2, neuron 3)"
    assert "= +1.5000 to" in text  # 3.0 * 0.5
    assert "adds" not in edge_info(_shown(activations=None), 0, 2, 1)


def test_unit_and_layer_names():
    shown = _shown()
    assert unit_label(shown, 2, 0) == "yes"
    assert unit_label(shown, 0, 1) == "x2"
    assert unit_label(_shown(sizes=(6, 3, 1), grid_columns=3), 0, 4) == "pixel (row 1, col 1)"
    assert [layer_word(shown, layer) for layer in range(3)] == ["input", "hidden", "output"]
    assert layer_word(_shown(sizes=(2, 3, 3, 1)), 2) == "hidden layer 2"
