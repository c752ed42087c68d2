"""`nnviz classify`: redrawn MNIST test digits (moved, resized, inverted, saved as PNG) get the
same answer as the original 28x28 images, and bad input gives one clear line and exit 2.

The pictures are written with a small stdlib PNG encoder here, independent of the Qt reader
the command uses, and upscaled with a plain bilinear interpolation written for this test.
"""

from __future__ import annotations

import struct
import subprocess
import sys
import zlib
from pathlib import Path

import numpy as np
import pytest

from nnviz.cli import main
from nnviz.cli.classify import classify_file, load_model
from nnviz.core.files.network import save_network
from nnviz.core.learning.network import Network

N_REDRAWN = 100
CANVAS = 280


def write_png(path: Path, gray: np.ndarray) -> None:
    """8-bit greyscale PNG from an (H, W) uint8 array (filter type 0 on every row)."""
    h, w = gray.shape
    raw = b"".join(b"\x00" + gray[i].tobytes() for i in range(h))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    ihdr = struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0)
    Path(path).write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def bilinear_upscale(img: np.ndarray, factor: float) -> np.ndarray:
    """Smoothly enlarge a float image by ``factor`` (pixel-centre aligned, zero outside)."""
    src = np.pad(img.astype(np.float64), 1)  # zero border: ink fades out at the edges
    h, w = img.shape
    oh, ow = int(round(h * factor)), int(round(w * factor))
    ys = (np.arange(oh) + 0.5) / factor - 0.5 + 1  # +1 for the padding
    xs = (np.arange(ow) + 0.5) / factor - 0.5 + 1
    y0 = np.clip(np.floor(ys).astype(int), 0, h)
    x0 = np.clip(np.floor(xs).astype(int), 0, w)
    fy = np.clip(ys - y0, 0, 1)[:, None]
    fx = np.clip(xs - x0, 0, 1)[None, :]
    a = src[y0][:, x0]
    b = src[y0][:, x0 + 1]
    c = src[y0 + 1][:, x0]
    d = src[y0 + 1][:, x0 + 1]
    return a * (1 - fy) * (1 - fx) + b * (1 - fy) * fx + c * fy * (1 - fx) + d * fy * fx


def redraw(image28: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A 280x280 dark-on-light picture of an MNIST digit: bigger and somewhere else."""
    rows = np.flatnonzero(image28.any(axis=1))
    cols = np.flatnonzero(image28.any(axis=0))
    crop = image28[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]
    big = bilinear_upscale(crop / 255.0, rng.uniform(6, 10))
    big = big[: CANVAS - 2, : CANVAS - 2]  # a factor-10 20-pixel digit is 200 px: fits anyway
    h, w = big.shape
    y = rng.integers(0, CANVAS - h + 1)
    x = rng.integers(0, CANVAS - w + 1)
    ink = np.zeros((CANVAS, CANVAS))
    ink[y : y + h, x : x + w] = big
    return np.round(255 * (1 - np.clip(ink, 0, 1))).astype(np.uint8)


_CACHE: dict = {}


@pytest.fixture
def trained(mnist_path, tmp_path_factory):
    """A [784, 30, 10] network trained one epoch (float32, eta 3, mini-batch 10, seed 0),
    saved to a file, plus 100 redrawn test digits; built once per session."""
    if "net" not in _CACHE:
        from nnviz.core.datasets.mnist import load_mnist
        from nnviz.core.learning.training import TrainConfig, predict_rows, train

        ds = load_mnist(mnist_path)
        net = Network([784, 30, 10], seed=0, dtype=np.float32)
        for _ in train(net, ds, TrainConfig(epochs=1, batch_size=10, eta=3.0, seed=0)):
            pass
        folder = tmp_path_factory.mktemp("classify")
        model = save_network(folder / "mnist-784-30-10.npz", net, {"dataset": "mnist"})
        rng = np.random.default_rng(0)
        idx = rng.choice(len(ds.test), N_REDRAWN, replace=False)
        originals = ds.test.x[idx].reshape(-1, 28, 28)
        paths = []
        for k, img in enumerate(originals):
            p = folder / f"digit-{k:03d}.png"
            write_png(p, redraw(img, rng))
            paths.append(p)
        expected = predict_rows(net, ds.test.x[idx], ds.scale)
        _CACHE.update(
            net=net, model=model, paths=paths, expected=expected, labels=ds.test.labels[idx]
        )
    return _CACHE


@pytest.mark.slow
@pytest.mark.mnist
def test_redrawn_digits_agree_with_originals(trained, capsys):
    net = load_model(trained["model"])
    got = np.array([classify_file(net, p)[0] for p in trained["paths"]])
    agreement = float(np.mean(got == trained["expected"]))
    with capsys.disabled():
        print(
            f"\nclassify agreement with the original 28x28 images: {agreement:.0%} "
            f"({np.sum(got == trained['expected'])}/{N_REDRAWN}); accuracy of redrawn "
            f"{np.mean(got == trained['labels']):.0%}, of originals "
            f"{np.mean(trained['expected'] == trained['labels']):.0%}"
        )
    assert agreement >= 0.9


@pytest.mark.mnist
def test_real_command_prints_digit_first(trained):
    net = load_model(trained["model"])
    for p in trained["paths"][:3]:
        out = subprocess.run(
            [sys.executable, "-m", "nnviz", "classify", str(p), "--model", str(trained["model"])],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert out.returncode == 0, out.stderr
        first = out.stdout.splitlines()[0]
        assert first.split()[0] == str(classify_file(net, p)[0])
        assert "confidence" in first


@pytest.mark.mnist
def test_show_input_prints_28_rows(trained, capsys):
    assert (
        main(
            ["classify", str(trained["paths"][0]), "--model", str(trained["model"]), "--show-input"]
        )
        == 0
    )
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 29 and all(len(line) == 56 for line in lines[1:])


def test_jpeg_read_through_qt(tmp_path):
    # JPEG needs Qt's image plugin; it must load without a QApplication
    from PySide6.QtGui import QImage

    from nnviz.ui.image_file import read_image

    img = np.full((60, 40), 255, dtype=np.uint8)
    img[10:50, 18:22] = 0
    png = tmp_path / "bar.png"
    write_png(png, img)
    jpg = tmp_path / "bar.jpg"
    assert QImage(str(png)).save(str(jpg), "JPEG", 95)
    rgba = read_image(jpg)
    assert rgba.shape == (60, 40, 4)
    grey = rgba[:, :, 0].astype(int)
    assert abs(grey[30, 20] - 0) < 40 and abs(grey[5, 5] - 255) < 40


# -- errors: one line on stderr, exit 2 -----------------------------------------------------------


@pytest.fixture
def small_model(tmp_path):
    return save_network(tmp_path / "digits.npz", Network([64, 10, 10], seed=0), {})


def _one_line_error(capsys, argv, *words):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err, err
    for w in words:
        assert w in err, err


def test_missing_image(tmp_path, small_model, capsys):
    _one_line_error(
        capsys,
        ["classify", str(tmp_path / "nope.png"), "--model", str(small_model)],
        "no such file",
    )


def test_unreadable_image(tmp_path, small_model, capsys):
    bad = tmp_path / "bad.png"
    bad.write_text("not an image")
    _one_line_error(capsys, ["classify", str(bad), "--model", str(small_model)], "cannot read")


def test_blank_image(tmp_path, small_model, capsys):
    blank = tmp_path / "blank.png"
    write_png(blank, np.full((50, 50), 255, dtype=np.uint8))
    _one_line_error(capsys, ["classify", str(blank), "--model", str(small_model)], "no ink")


def test_missing_and_wrong_models(tmp_path, capsys):
    img = tmp_path / "d.png"
    pic = np.full((50, 50), 255, dtype=np.uint8)
    pic[10:40, 20:25] = 0
    write_png(img, pic)
    _one_line_error(
        capsys, ["classify", str(img), "--model", str(tmp_path / "x.npz")], "no such file"
    )
    junk = tmp_path / "junk.npz"
    junk.write_bytes(b"junk")
    _one_line_error(capsys, ["classify", str(img), "--model", str(junk)], "junk.npz")
    wrong = save_network(tmp_path / "wide.npz", Network([100, 10], seed=0), {})
    _one_line_error(capsys, ["classify", str(img), "--model", str(wrong)], "100 inputs", "784")


def test_digits_model_classifies_in_8x8_format(tmp_path, small_model, capsys):
    # a 64-input network gets the 8x8 format; the output line still starts with a digit
    img = tmp_path / "d.png"
    pic = np.full((120, 90), 255, dtype=np.uint8)
    pic[10:110, 40:50] = 0
    write_png(img, pic)
    assert main(["classify", str(img), "--model", str(small_model)]) == 0
    first = capsys.readouterr().out.splitlines()[0]
    assert first.split()[0] in list("0123456789")
    net = load_model(small_model)
    assert int(first.split()[0]) == classify_file(net, img)[0]


def test_redrawn_8x8_digits_agree_with_originals(capsys):
    # The 8x8 format is an approximation (see nnviz.core.datasets.preprocess.to_digits8): a digits
    # test image enlarged 20-35 times, moved and inverted should still mostly get the
    # network's answer for the original.
    from nnviz.cli.classify import classify_pixels
    from nnviz.core.datasets.builtin import load_digits
    from nnviz.core.learning.training import TrainConfig, predict_rows, train

    ds = load_digits()
    net = Network([64, 30, 10], seed=0)
    for _ in train(net, ds, TrainConfig(epochs=20, batch_size=10, eta=3.0, seed=0)):
        pass
    expected = predict_rows(net, ds.test.x, ds.scale)
    rng = np.random.default_rng(1)
    got = []
    for img in ds.test.x.reshape(-1, 8, 8):
        big = bilinear_upscale(img / 16.0, rng.uniform(20, 35))
        h, w = big.shape
        canvas = np.zeros((300, 300))
        y, x = rng.integers(0, 300 - h), rng.integers(0, 300 - w)
        canvas[y : y + h, x : x + w] = big
        got.append(classify_pixels(net, np.round(255 * (1 - canvas)).astype(np.uint8))[0])
    agreement = float(np.mean(np.array(got) == expected))
    with capsys.disabled():
        print(f"\n8x8 digits redraw agreement: {agreement:.0%} of {len(expected)}")
    assert agreement >= 0.85


def test_an_svg_with_text_is_classified_without_a_display(tmp_path):
    """Qt aborted (exit 134, "QFontDatabase: Must construct a QGuiApplication") on any SVG
    with text when no display was set (issue 32)."""
    import os
    import subprocess
    import sys

    from nnviz.core.files.network import save_network
    from nnviz.core.learning.network import Network

    model = save_network(tmp_path / "net.npz", Network([784, 10, 10], seed=0))
    svg = tmp_path / "seven.svg"
    svg.write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="28" height="28">'
        '<rect width="28" height="28" fill="white"/>'
        '<text x="8" y="22" font-size="20">7</text></svg>'
    )
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.pop("QT_QPA_PLATFORM", None)
    done = subprocess.run(
        [sys.executable, "-m", "nnviz", "classify", str(svg), "--model", str(model)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-300:]
    assert "confidence" in done.stdout


def test_reading_an_svg_leaves_a_process_that_can_still_make_widgets(tmp_path):
    """The application object made for an SVG is a full QApplication: a QGuiApplication
    made there aborted the next QWidget in the same process (an xdist worker crashed)."""
    import os
    import subprocess
    import sys

    svg = tmp_path / "a.svg"
    svg.write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8">'
        '<text x="1" y="7" font-size="6">1</text></svg>'
    )
    code = (
        "import sys\n"
        "from nnviz.ui.image_file import read_image\n"
        "read_image(sys.argv[1])\n"
        "from PySide6.QtWidgets import QWidget\n"
        "QWidget()\n"
        "print('made a widget')\n"
    )
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run(
        [sys.executable, "-c", code, str(svg)], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0 and "made a widget" in done.stdout, done.stderr[-300:]
