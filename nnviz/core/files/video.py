"""Writing frames (numpy RGB arrays) to an H.264 MP4 or an animated GIF, with PyAV.

PyAV ships FFmpeg's libraries (libx264 and the GIF encoder among them) inside its wheels, so
nothing is needed from the system. MP4 is H.264 in yuv420p at constant quality (CRF 23), which
every slide program and browser plays. GIF frames are mapped onto one 256-colour palette made
from a sample frame (the last frame of a replay holds every colour the run will use), so a GIF
is written frame by frame like the MP4 and never held in memory.

A video is written to a hidden temporary file beside the target and renamed into place when
it is complete: a cancelled or failed export leaves no half-written file, and an existing
file is replaced only by a finished one.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import numpy as np

from nnviz.core.io.atomic import OutputError, new_file_mode, output_path

FORMATS = {".mp4": "mp4", ".gif": "gif"}
CRF = 23  # x264's default quality; diagrams compress to a few MB a minute at 1280x720


class VideoError(ValueError):
    """A target nnviz cannot write a video to; the message says what to do."""


def check_target(path: str | os.PathLike[str]) -> tuple[Path, str]:
    """The target and its format ("mp4" or "gif"); VideoError for an unknown extension, a
    folder that does not exist or cannot be written, or a target that is not a file."""
    path = Path(path).expanduser()
    try:
        path = output_path(path)  # a link's target; a device, FIFO or folder is refused
    except OutputError as exc:
        raise VideoError(str(exc)) from None
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise VideoError(
            f"{path.name}: unknown video type {path.suffix or '(no extension)'!r}; "
            "name the file .mp4 (H.264) or .gif"
        )
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise VideoError(f"{folder} is not a folder; choose an existing folder for {path.name}")
    if path.exists() and not path.is_file():
        raise VideoError(f"{path} exists and is not a file; choose another name")
    try:
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".nnviz-write-test-"):
            pass
    except OSError as exc:
        raise VideoError(
            f"cannot write to {folder} ({exc.strerror or exc}); choose another folder"
        ) from None
    return path, fmt


def even_size(width: int, height: int) -> tuple[int, int]:
    """H.264 in yuv420p needs even sides: round each down to an even number."""
    return max(2, width - width % 2), max(2, height - height % 2)


def gif_palette(sample: np.ndarray) -> np.ndarray:
    """A 256-colour palette (256, 3) uint8 for ``sample`` (H, W, 3), by median cut."""
    from PIL import Image

    img = Image.fromarray(np.ascontiguousarray(sample), "RGB").quantize(
        256, method=Image.Quantize.MEDIANCUT
    )
    pal = np.zeros((256, 3), np.uint8)
    raw = np.frombuffer(bytes(img.getpalette() or []), np.uint8)
    raw = raw[: (raw.size // 3) * 3].reshape(-1, 3)[:256]
    pal[: len(raw)] = raw
    return pal


class VideoWriter:
    """``write(rgb)`` frame by frame, then ``close()`` (or ``abort()``)."""

    def __init__(
        self,
        path: str | os.PathLike[str],
        size: tuple[int, int],
        fps: float,
        palette_sample: np.ndarray | None = None,
    ) -> None:
        import av

        self.path, self.format = check_target(path)
        self.width, self.height = size
        if self.format == "mp4":
            self.width, self.height = even_size(*size)
        fd, tmp = tempfile.mkstemp(
            dir=self.path.parent, prefix=f".{self.path.name}.", suffix=".part" + self.path.suffix
        )
        os.close(fd)
        self._tmp = Path(tmp)
        self.frames = 0
        try:
            self._container = av.open(str(self._tmp), mode="w", format=self.format)
            rate = max(1, round(fps))
            if self.format == "mp4":
                stream = self._container.add_stream("libx264", rate=rate)
                stream.pix_fmt = "yuv420p"
                stream.options = {"crf": str(CRF), "preset": "medium"}
            else:
                stream = self._container.add_stream("gif", rate=rate)
                stream.pix_fmt = "pal8"
                sample = palette_sample
                if sample is None:
                    sample = np.full((2, 2, 3), 255, np.uint8)
                self._palette = gif_palette(sample)
                argb = np.empty((256, 4), np.uint8)
                argb[:, 0] = 255
                argb[:, 1:] = self._palette
                self._argb = argb
                self._lookup = None
            stream.width, stream.height = self.width, self.height
            self._stream = stream
        except Exception:
            self._tmp.unlink(missing_ok=True)
            raise

    def _to_palette(self, rgb: np.ndarray) -> np.ndarray:
        from PIL import Image

        if self._lookup is None:
            pal_img = Image.new("P", (1, 1))
            pal_img.putpalette(self._palette.ravel().tolist())
            self._lookup = pal_img
        img = Image.fromarray(rgb, "RGB").quantize(palette=self._lookup, dither=Image.Dither.NONE)
        return np.asarray(img, dtype=np.uint8)

    def write(self, rgb: np.ndarray) -> None:
        """Add one frame, (H, W, 3) uint8, cropped to the video's size if larger."""
        import av

        rgb = np.ascontiguousarray(rgb[: self.height, : self.width, :3], dtype=np.uint8)
        if rgb.shape[:2] != (self.height, self.width):
            raise ValueError(
                f"frame is {rgb.shape[1]}x{rgb.shape[0]}, the video {self.width}x{self.height}"
            )
        if self.format == "mp4":
            frame = av.VideoFrame.from_ndarray(rgb, format="rgb24")
        else:
            frame = av.VideoFrame.from_ndarray((self._to_palette(rgb), self._argb), format="pal8")
        for packet in self._stream.encode(frame):
            self._container.mux(packet)
        self.frames += 1

    def close(self) -> Path:
        """Finish the file and move it into place; returns the target's path."""
        try:
            for packet in self._stream.encode():
                self._container.mux(packet)
            self._container.close()
            os.chmod(self._tmp, new_file_mode(self.path))  # as any file the user saves
            os.replace(self._tmp, self.path)
        except BaseException:
            self.abort()
            raise
        return self.path

    def abort(self) -> None:
        """Drop the partial file (cancelled or failed): nothing is left behind."""
        try:
            self._container.close()
        except Exception:  # noqa: BLE001 - a broken stream is being thrown away anyway
            pass
        self._tmp.unlink(missing_ok=True)
