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


def test_the_command_line_trains_at_the_apps_precision():
    from nnviz.cli.train import DEFAULT_DTYPE
    from nnviz.core.learning.run import RunSpec

    assert DEFAULT_DTYPE == RunSpec().dtype == "float32"


def test_saving_into_a_new_folder_says_so_before_training(tmp_path, capsys):
    target = tmp_path / "new" / "dir" / "net.npz"
    args = ["train", "--dataset", "xor", "--epochs", "5", "--seed", "0", "--save", str(target)]
    assert main(args) == 0
    err = capsys.readouterr().err
    said = f"# --save: the folder {target.parent} does not exist yet; it will be created"
    assert said in err and err.index(said) < err.index("# saved to")
    assert target.is_file()
