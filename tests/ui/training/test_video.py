"""Video export (issue 13, item 7): frames decoded back by an independent decoder (the FFmpeg
binary of imageio-ffmpeg, not PyAV), bad input in one line, cancel leaves nothing behind."""

from __future__ import annotations

import numpy as np
import pytest

from nnviz.cli import main
from nnviz.core.files.recording import read_recording
from nnviz.core.files.video import VideoError, check_target
from nnviz.ui.training.video import ReplayFilm, film_scale, frame_schedule, render_video
from tests.ui.training.test_compare import record_run

imageio_ffmpeg = pytest.importorskip("imageio_ffmpeg", reason="the test decoder is missing")


def decode(path) -> tuple[dict, list[np.ndarray]]:
    """Every frame of ``path`` as (H, W, 3) uint8, read by the ffmpeg binary."""
    reader = imageio_ffmpeg.read_frames(str(path))
    meta = next(reader)
    w, h = meta["size"]
    return meta, [np.frombuffer(f, np.uint8).reshape(h, w, 3) for f in reader]


@pytest.fixture(scope="module")
def recording_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("rec") / "run.nnrec"
    record_run(path, eta=3.0, epochs=2)
    return path


def test_schedule_spreads_the_run_over_the_video():
    s = frame_schedule(9, fps=10, seconds=2)
    assert s.size == 20 and s[0] == 0 and s[-1] == 8
    assert np.all(np.diff(s) >= 0) and set(s.tolist()) == set(range(9))


def test_mp4_frames_decode_to_what_the_studio_draws(qtbot, recording_path, tmp_path):
    rec = read_recording(recording_path)
    out = tmp_path / "run.mp4"
    seen = []
    render_video(
        rec, out, size=(480, 270), fps=10, seconds=2, progress=lambda d, t: seen.append((d, t))
    )
    assert seen[-1] == (20, 20)
    meta, frames = decode(out)
    assert tuple(meta["size"]) == (480, 270) and meta["fps"] == 10
    assert len(frames) == 20
    assert np.abs(frames[0].astype(int) - frames[-1].astype(int)).mean() > 1  # it moves
    # The last frame matches a fresh render of the recording's last frame (H.264 is lossy).
    film = ReplayFilm(rec, "studio", film_scale(1.5, (480, 270)))
    qtbot.addWidget(film)
    film.setFixedSize(480, 270)
    film.show()
    for i in range(len(rec.frames)):
        film.show_frame(i)
    qtbot.settle()
    expected = film.grab_rgb()[:270, :480]
    assert np.abs(frames[-1].astype(int) - expected.astype(int)).mean() < 6
    assert not list(tmp_path.glob(".*part*"))  # no temporary file left


@pytest.mark.parametrize("view", ["canvas", "plots"])
def test_gif_of_one_view(qtbot, recording_path, tmp_path, view):
    out = tmp_path / f"{view}.gif"
    render_video(read_recording(recording_path), out, size=(320, 200), fps=5, seconds=2, view=view)
    meta, frames = decode(out)
    assert tuple(meta["size"]) == (320, 200)
    assert 2 <= len(frames) <= 10
    assert frames[-1].std() > 5  # a picture, not a blank frame


def test_cancel_leaves_no_file(qtbot, recording_path, tmp_path):
    out = tmp_path / "cut.mp4"

    def stop(done, total):
        if done == 5:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        render_video(read_recording(recording_path), out, (320, 180), 10, 2, progress=stop)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "name, words",
    [("x.avi", "unknown video type"), ("missing/x.mp4", "is not a folder"), ("x", "name the file")],
)
def test_bad_targets_in_one_line(tmp_path, name, words):
    with pytest.raises(VideoError) as err:
        check_target(tmp_path / name)
    assert words in str(err.value) and "\n" not in str(err.value)


def test_cli_refuses_damaged_recording_and_unwritable_folder(tmp_path, capsys, recording_path):
    bad = tmp_path / "bad.nnrec"
    bad.write_bytes(recording_path.read_bytes()[:30])
    assert main(["video", str(bad), "-o", str(tmp_path / "a.mp4")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("nnviz video: error:") and "\n" not in err
    import os

    if os.geteuid() != 0:  # root can write anywhere (and would render a whole video here)
        locked = tmp_path / "locked"
        locked.mkdir()
        locked.chmod(0o500)
        try:
            code = main(["video", str(recording_path), "-o", str(locked / "a.mp4")])
            err = capsys.readouterr().err.strip()
            assert code == 2 and "cannot write to" in err and "\n" not in err
        finally:
            locked.chmod(0o700)
    assert main(["video", str(recording_path), "-o", str(tmp_path / "a.webm")]) == 2
    assert "unknown video type" in capsys.readouterr().err


@pytest.mark.slow
def test_cli_writes_a_video_with_progress(tmp_path, capsys, recording_path):
    out = tmp_path / "cli.mp4"
    assert (
        main(
            [
                "video",
                str(recording_path),
                "-o",
                str(out),
                "--size",
                "320x180",
                "--fps",
                "10",
                "--seconds",
                "1",
                "--view",
                "canvas",
                "--progress-lines",
            ]
        )
        == 0
    )
    text = capsys.readouterr().out
    assert "progress 10 10" in text and f"wrote {out}" in text
    assert len(decode(out)[1]) == 10


def test_a_small_video_shows_the_example_in_the_network_and_cuts_no_title(qtbot, recording_path):
    """At 640x360 the type shrinks with the frame (the title was cut at both ends), and the
    canvas shows the first test digit and every neuron's activation, as the studio does."""
    from nnviz.core.datasets.builtin import load_digits

    assert film_scale(1.5, (1920, 1080)) == 1.5 and film_scale(1.5, (640, 360)) == 0.75
    rec = read_recording(recording_path)
    film = ReplayFilm(rec, "studio", film_scale(1.5, (640, 360)))
    qtbot.addWidget(film)
    film.setFixedSize(640, 360)
    film.show()
    last = len(rec.frames) - 1
    film.show_frame(last)
    qtbot.settle()
    header = film.header
    assert header.heightForWidth(header.width()) <= header.height()  # wrapped, never cut
    ds = load_digits()
    x = ds.test.x[0].astype(np.float64) * ds.scale
    expected = rec.frames[last].activations(x)
    shown = film.canvas.activations
    assert shown is not None and len(shown) == len(expected)
    for a, b in zip(shown, expected, strict=True):
        np.testing.assert_allclose(np.asarray(a).ravel(), b)
    assert film.canvas._input_image is not None  # the digit beside the input layer
