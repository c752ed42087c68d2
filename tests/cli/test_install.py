"""nnviz as an installed program: shipped files by name, help, the digits fallback, desktop."""

from __future__ import annotations

import argparse
import re
from importlib.metadata import version

import pytest

import nnviz
from nnviz.cli import build_parser, main
from nnviz.cli.desktop import targets
from nnviz.core.learning.presets import load_presets
from nnviz.paths import RESOURCES, SHIPPED_DATA, resolve_file, shipped_examples


def all_parsers(parser=None, path=("nnviz",)):
    parser = parser or build_parser()
    yield path, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from all_parsers(sub, (*path, name))


def test_every_command_and_option_explains_itself():
    seen = 0
    for path, parser in all_parsers():
        assert parser.description, f"{' '.join(path)} has no description"
        for action in parser._actions:
            if isinstance(action, (argparse._HelpAction, argparse._SubParsersAction)):
                continue
            seen += 1
            assert action.help, f"{' '.join(path)} {action.option_strings} has no help"
    assert seen > 30


def test_help_shows_the_defaults_and_where_data_comes_from(capsys, monkeypatch, tmp_path):
    with pytest.raises(SystemExit):
        main(["train", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    for needle in (
        "--epochs N passes over the data (default: 30)",
        "(default: 10)",
        "(default: 3.0)",
        "(default: float32)",
        "--save FILE",
        "--record FILE",
        "else digits",
    ):
        assert needle in text
    monkeypatch.setenv("NNVIZ_DATA_DIR", str(tmp_path / "here"))
    with pytest.raises(SystemExit):
        main(["--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert str(tmp_path / "here" / "mnist") in text.replace(" ", "") or (
        str(tmp_path / "here" / "mnist") in text
    )
    for name in ("train", "baseline", "circuit", "open", "install-desktop", "classify"):
        assert name in text


def test_shipped_files_come_from_the_package():
    assert (SHIPPED_DATA / "presets" / "training.json").is_file()
    assert (RESOURCES / "icons" / "nnviz.svg").is_file()
    names = shipped_examples()
    assert {"half_adder", "full_adder", "xor", "adder4"} <= set(names)
    assert resolve_file("half_adder") == names["half_adder"]
    assert resolve_file("full_adder.json") == names["full_adder"]
    assert str(resolve_file("sub/half_adder")) == "sub/half_adder"  # a path stays a path


def test_a_local_file_wins_over_a_shipped_name(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "half_adder.json").write_text("{}")
    assert resolve_file("half_adder.json") == (tmp_path / "half_adder.json").relative_to(tmp_path)


def test_circuits_by_name(capsys):
    assert main(["circuit", "table", "half_adder"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "1 1 0 1"
    assert main(["open", "full_adder", "--check"]) == 0
    assert "9 NAND" in capsys.readouterr().out
    assert main(["circuit", "list"]) == 0
    out = capsys.readouterr().out
    assert re.search(r"half_adder\s+in: x1 x2\s+out: sum carry\s+5 NAND", out)
    assert "adder4" in out and "Levels" in out and "best: 9 NAND" in out
    assert main(["circuit", "table", "no_such_circuit"]) == 2
    assert "half_adder" in capsys.readouterr().err  # the message names what there is


def test_train_without_mnist_uses_the_digits_and_says_so(capsys, monkeypatch):
    monkeypatch.delenv("NNVIZ_MNIST_DIR", raising=False)
    # the README's first example, on a machine with no MNIST
    assert main(["train", "--sizes", "784,30,10", "--epochs", "1", "--batch-size", "10"]) == 0
    out, err = capsys.readouterr()
    notes = err.splitlines()
    assert "MNIST is not downloaded" in notes[0] and "nnviz data download" in notes[0]
    header = notes[1]
    assert header.startswith("# digits: sizes [64, 30, 10]")
    seed = int(re.search(r"seed (\d+)", header).group(1))  # a number, not None
    first = out.splitlines()[0]
    assert re.match(r"Epoch 0: \d+ / 300 ", first)
    # the printed seed repeats the run exactly (timings aside)
    assert main(["train", "--epochs", "1", "--seed", str(seed)]) == 0
    again = capsys.readouterr().out.splitlines()[0]
    assert again.split("  ")[0] == first.split("  ")[0]
    # an explicit --dataset mnist still stops with the clear message
    assert main(["train", "--dataset", "mnist", "--epochs", "1"]) == 2
    assert "nnviz data download" in capsys.readouterr().err


def test_install_desktop_puts_entry_and_icon_in_xdg_folders(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "share"))
    entry, icon = targets()
    assert main(["install-desktop"]) == 0
    text = entry.read_text()
    assert "Icon=nnviz" in text and re.search(r"^Exec=\S*nnviz", text, re.M)
    assert icon.read_bytes() == (RESOURCES / "icons" / "nnviz.svg").read_bytes()
    assert main(["install-desktop", "--uninstall"]) == 0
    assert not entry.exists() and not icon.exists()


def test_one_version_from_the_metadata(capsys):
    assert nnviz.__version__ == version("nnviz")
    with pytest.raises(SystemExit):
        main(["--version"])
    assert capsys.readouterr().out.strip() == f"nnviz {version('nnviz')}"


def test_a_missing_presets_file_is_not_called_malformed(tmp_path):
    with pytest.raises(ValueError, match="cannot be read.*reinstall") as info:
        load_presets(tmp_path / "gone.json")
    assert "malformed" not in str(info.value)


def test_readme_lists_every_subcommand():
    from tests.conftest import ROOT

    readme = (ROOT / "README.md").read_text()
    table = readme.split("## The command line", 1)[1].split("\n\n`nnviz --help`", 1)[0]
    for path, _ in all_parsers():
        if len(path) == 2:
            assert f"`nnviz {path[1]}" in table, f"README's table lacks nnviz {path[1]}"
        elif len(path) == 3:
            assert path[2] in table, f"README's table lacks nnviz {path[1]} {path[2]}"
