"""Reading a picture file (PNG, JPEG, BMP, ...) into pixels, with Qt's image decoders.

Shared by the draw-a-digit view and `nnviz classify`; the core's preprocessing takes the pixels.
"""

from __future__ import annotations

import functools
from pathlib import Path

import numpy as np

from nnviz.core.errors import UsageError

MAX_PIXELS = 16_000_000  # a 4000x4000 photo; a digit needs far fewer
MAX_SIDE = 512  # pixels on the longer side once decoded: a digit is read at 28x28
MAX_IMAGE_BYTES = 50_000_000
MAX_SVG_BYTES = 1_000_000  # a drawn digit is a few KB; drawing time grows with the elements


@functools.cache  # one for the process: an application object is made once
def _app_for_svg() -> object:
    """The application object an SVG needs (its text needs fonts, and Qt aborts the process
    without one): the app's own, or for the command line one made offscreen, which shows
    nothing and needs no display. A full QApplication, never a QGuiApplication: widgets made
    later in the same process (the app, a test) need one, and Qt aborts without it."""
    import os

    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()  # the app's own, when the window is open
    if app is None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        app = QApplication(["nnviz"])
    return app


def read_image(path: str | Path) -> np.ndarray:
    """The pixels of an image file as (H, W, 4) uint8 RGBA; raises UsageError if unreadable.

    Decoded at most ``MAX_SIDE`` pixels on a side (a digit becomes 28x28, so nothing is lost),
    which bounds the memory of everything after the decoder."""
    from PySide6.QtCore import QSize
    from PySide6.QtGui import QImage, QImageReader

    from nnviz.core.io.guard import check_regular_file

    hint = "give the path of a PNG or JPEG file"
    path = check_regular_file(path, UsageError, hint)  # a FIFO would block, a device never end
    svg = path.suffix.lower() in (".svg", ".svgz")
    size = path.stat().st_size
    limit = MAX_SVG_BYTES if svg else MAX_IMAGE_BYTES
    if size > limit:
        raise UsageError(
            f"{path.name} is {size / 1e6:.1f} MB, more than nnviz reads for "
            f"{'a drawing' if svg else 'a picture'} ({limit / 1e6:.0f} MB); {hint}"
        )
    if svg:
        _app_for_svg()
    # The declared size, read from the header before decoding: a small file can declare a
    # huge picture (an 8000x8000 PNG of 98 KB decodes to 256 MB, and more on the way).
    reader = QImageReader(str(path))
    declared = reader.size()
    if not svg and declared.width() * declared.height() > MAX_PIXELS:  # an SVG is drawn small
        raise UsageError(
            f"{path.name} is {declared.width()}x{declared.height()} pixels, more than nnviz "
            f"reads ({MAX_PIXELS // 10**6} megapixels); scale it down first"
        )
    longest = max(declared.width(), declared.height())
    if longest > MAX_SIDE:
        k = MAX_SIDE / longest
        scaled = QSize(max(1, round(declared.width() * k)), max(1, round(declared.height() * k)))
        reader.setScaledSize(scaled)  # an SVG is drawn at this size, a PNG shrunk on reading
    img = reader.read()
    if img.isNull():
        raise UsageError(f"cannot read {path} as an image; save it as PNG or JPEG and try again")
    img = img.convertToFormat(QImage.Format.Format_RGBA8888)
    h, w, stride = img.height(), img.width(), img.bytesPerLine()
    buf = np.frombuffer(img.constBits(), dtype=np.uint8, count=h * stride)
    # copy: the buffer belongs to the QImage, which is freed when this function returns
    return buf.reshape(h, stride)[:, : w * 4].reshape(h, w, 4).copy()
