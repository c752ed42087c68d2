"""`nnviz classify`'s image reader on mutated PNG and JPEG files: a one-line UsageError or
pixels, never a traceback or a huge allocation."""

from __future__ import annotations

import tracemalloc

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PySide6.QtGui import QColor, QImage, QPainter

from nnviz.core.errors import UsageError
from nnviz.ui.image_file import read_image
from tests.core.files.test_fuzz_loaders import mutate_bytes, mutations


def image_bytes(tmp_path, fmt: str) -> bytes:
    img = QImage(40, 30, QImage.Format.Format_RGB32)
    img.fill(0xFFFFFF)
    for x in range(10, 30):
        img.setPixel(x, 15, 0)
    path = tmp_path / f"digit.{fmt}"
    assert img.save(str(path))
    return path.read_bytes()


@settings(
    max_examples=60,
    deadline=3000,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
    database=None,
)
@given(ops=mutations(2000), fmt=st.sampled_from(["png", "jpg"]))
def test_image_reader(qapp, tmp_path, ops, fmt):
    path = tmp_path / f"m.{fmt}"
    path.write_bytes(mutate_bytes(image_bytes(tmp_path, fmt), ops))
    tracemalloc.start()
    try:
        rgba = read_image(path)
    except UsageError as exc:
        assert "\n" not in str(exc)
        rgba = None
    finally:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    assert peak < 100_000_000
    if rgba is not None:
        assert rgba.dtype == np.uint8 and rgba.ndim == 3 and rgba.shape[2] == 4


def test_a_big_picture_is_decoded_small(qapp, tmp_path):
    """A 4000x4000 photo of a digit (a few KB as PNG) is decoded at 512 pixels a side: the
    classify path after the decoder never holds the full 16 megapixels (it took 1.4 GB)."""
    import os
    import sys

    from nnviz.ui.image_file import MAX_SIDE

    img = QImage(4000, 2000, QImage.Format.Format_Grayscale8)
    img.fill(255)
    painter = QPainter(img)
    painter.fillRect(1000, 800, 2000, 400, QColor("black"))  # a thick stroke: a one
    painter.end()
    path = tmp_path / "big.png"
    assert img.save(str(path))
    pixels = read_image(path)
    assert pixels.shape == (MAX_SIDE // 2, MAX_SIDE, 4)
    assert pixels[..., 0].min() < 128  # the ink is still there
    # A drawing is drawn at that size too, and one of more than a megabyte is refused.
    svg = tmp_path / "huge.svg"
    svg.write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="9000" height="9000">'
        '<rect x="3000" y="3000" width="3000" height="3000"/></svg>'
    )
    assert read_image(svg).shape == (MAX_SIDE, MAX_SIDE, 4)
    svg.write_text("<svg>" + " " * 1_100_000 + "</svg>")
    try:
        read_image(svg)
        raise AssertionError("a 1.1 MB drawing was read")
    except UsageError as exc:
        assert "1.1 MB" in str(exc) and "\n" not in str(exc)
    if sys.platform != "win32":
        fifo = tmp_path / "pipe.png"
        os.mkfifo(fifo)
        try:
            read_image(fifo)
            raise AssertionError("a FIFO was opened")
        except UsageError as exc:
            assert "not a regular file" in str(exc)
