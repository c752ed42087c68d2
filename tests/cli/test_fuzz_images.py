"""`nnviz classify`'s image reader on mutated PNG and JPEG files: a one-line UsageError or
pixels, never a traceback or a huge allocation."""

from __future__ import annotations

import tracemalloc

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PySide6.QtGui import QImage

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
