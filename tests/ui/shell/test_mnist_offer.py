"""Without MNIST the app offers it (download, or a folder that holds it) until it is there."""

from __future__ import annotations

import os
import shutil

from PySide6.QtWidgets import QFileDialog, QMessageBox

from nnviz.ui.settings import settings
from nnviz.ui.shell.mnist_offer import SETTING, folder_problem


def offers(window) -> list[str]:
    st = window.studio
    return [b.text() for b in (st.banner_button, st.banner_button2) if b.isVisibleTo(st)]


def test_the_offer_stays_while_the_digits_load_and_train(window, qtbot):
    st = window.studio
    assert st.messages.topic == "mnist"  # a first start without MNIST
    assert offers(window) == ["Download MNIST (11 MB)", "Choose MNIST Folder\u2026"]
    st.apply_preset(next(p for p in st.presets if p.key == "book"))
    assert "needs MNIST" in st.banner.text() and len(offers(window)) == 2
    qtbot.waitUntil(lambda: st.dataset is not None and st.dataset.name.startswith("digits"))
    st.reset()  # a new run, and another preset that needs no MNIST: the offer stays
    st.apply_preset(next(p for p in st.presets if p.key == "xor"))
    qtbot.waitUntil(lambda: st.dataset is not None and st.dataset.name == "xor", timeout=15000)
    assert st.banner.isVisibleTo(st) and st.messages.topic == "mnist"
    assert len(offers(window)) == 2


def test_a_folder_without_mnist_is_refused_in_one_line(window, monkeypatch, tmp_path):
    said = []
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(tmp_path))
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text: said.append(text))
    window.studio.banner_button2.click()
    assert len(said) == 1 and "does not hold MNIST" in said[0] and "\n" not in said[0]
    assert os.environ["NNVIZ_MNIST_DIR"] == "/nonexistent"
    assert window.studio.messages.topic == "mnist"  # still offered


def test_a_damaged_file_is_named(mnist_path, tmp_path):
    folder = tmp_path / "copy"
    shutil.copytree(mnist_path, folder)
    victim = sorted(folder.glob("t10k-labels*"))[0]
    data = bytearray(victim.read_bytes())
    data[-3] ^= 0xFF
    victim.write_bytes(bytes(data))
    problem = folder_problem(folder)
    assert problem is not None and victim.name in problem and "copy that file again" in problem
    assert folder_problem(mnist_path) is None


def test_choosing_a_folder_with_mnist_uses_it_from_then_on(window, qtbot, monkeypatch, mnist_path):
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(mnist_path))
    window.act_choose_mnist.trigger()
    st = window.studio
    qtbot.waitUntil(lambda: "MNIST is ready" in st.banner.text(), timeout=30000)
    assert os.environ["NNVIZ_MNIST_DIR"] == str(mnist_path)
    assert settings().value(SETTING) == str(mnist_path)
    assert not window.act_download.isVisible() and offers(window) == []
    st.apply_preset(next(p for p in st.presets if p.key == "book"))
    qtbot.waitUntil(lambda: st.dataset is not None and st.dataset.name == "mnist", timeout=60000)
    # the next start reads MNIST from there (unless $NNVIZ_MNIST_DIR says otherwise)
    from nnviz.ui.shell.mnist_offer import use_remembered_mnist_dir

    monkeypatch.delenv("NNVIZ_MNIST_DIR")
    use_remembered_mnist_dir()
    assert os.environ["NNVIZ_MNIST_DIR"] == str(mnist_path)
    monkeypatch.setenv("NNVIZ_MNIST_DIR", "/elsewhere")
    use_remembered_mnist_dir()
    assert os.environ["NNVIZ_MNIST_DIR"] == "/elsewhere"
