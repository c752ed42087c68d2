"""`nnviz train` ends with the studio's diagnosis as a `# diagnosis:` line."""

from __future__ import annotations

import pytest

from nnviz.cli import main


@pytest.mark.parametrize(
    ("eta", "epochs", "kind"),
    [(3.0, 2, "none"), (100.0, 4, "saturated"), (0.001, 3, "too_small")],
)
def test_train_prints_the_diagnosis_last(capsys, eta, epochs, kind):
    args = ["train", "--dataset", "digits", "--seed", "0", "--dtype", "float32"]
    assert main([*args, "--eta", str(eta), "--epochs", str(epochs)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.startswith("Epoch ") for line in lines] == [True] * epochs + [False]
    assert lines[-1].startswith(f"# diagnosis: {kind}")


def test_a_truth_table_run_has_nothing_to_diagnose(capsys):
    assert main(["train", "--dataset", "xor", "--epochs", "50", "--seed", "0"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "# diagnosis: none"
