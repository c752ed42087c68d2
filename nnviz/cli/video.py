"""`nnviz video RUN.nnrec -o OUT.mp4`: a recording's replay as an H.264 MP4 or animated GIF."""

from __future__ import annotations

import argparse
import os
import signal
import sys
import time


def _size(text: str) -> tuple[int, int]:
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"size must be WIDTHxHEIGHT, e.g. 1280x720, got {text!r}"
        ) from None
    if not (64 <= w <= 3840 and 64 <= h <= 2160):
        raise argparse.ArgumentTypeError("size must be between 64x64 and 3840x2160")
    return w, h


def _positive(kind, most: float):
    def parse(text: str):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
        if not 0 < value <= most:
            raise argparse.ArgumentTypeError(f"must be above 0 and at most {most:g}, got {text}")
        return value

    return parse


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "video",
        help="render a recording's replay to an MP4 or GIF for slides",
        description="Render a recording (.nnrec) as the studio replays it, offscreen, to an "
        "H.264 MP4 or an animated GIF. The whole run is spread over --seconds. Ctrl-C stops "
        "and leaves no partial file.",
    )
    p.add_argument("recording", metavar="RUN.nnrec", help="a recording saved by nnviz")
    p.add_argument("-o", "--output", required=True, metavar="OUT", help="OUT.mp4 or OUT.gif")
    p.add_argument("--size", type=_size, default=(1280, 720), help="WIDTHxHEIGHT (1280x720)")
    p.add_argument("--fps", type=_positive(float, 120), default=30.0, help="frames a second (30)")
    p.add_argument(
        "--seconds", type=_positive(float, 3600), default=30.0, help="length of the video (30)"
    )
    p.add_argument(
        "--view",
        choices=("canvas", "plots", "studio"),
        default="studio",
        help="the network canvas, the cost and accuracy plots, or both as the studio shows "
        "them (studio)",
    )
    p.add_argument("--scale", type=_positive(float, 4), default=1.5, help="type size (1.5)")
    p.add_argument("--theme", choices=("light", "dark"), default="light", help="colours (light)")
    p.add_argument(
        "--progress-lines", action="store_true", help="report progress as 'progress N TOTAL' lines"
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from nnviz.core.errors import UsageError
    from nnviz.core.files.recording import RecordingError
    from nnviz.core.files.video import VideoError, check_target

    if args.fps * args.seconds > 100_000:
        raise UsageError("that is more than 100,000 frames; lower --fps or --seconds")
    try:
        check_target(args.output)
    except VideoError as exc:
        raise UsageError(str(exc)) from None
    try:
        from nnviz.ui.training.replay_mode import read_replayable

        recording = read_replayable(args.recording)
    except (RecordingError, ValueError) as exc:
        raise UsageError(str(exc)) from None
    if recording.damaged:
        print(f"warning: {recording.damaged}", file=sys.stderr)
    # Rendering never needs a screen; a Cancel from the app arrives as SIGTERM. Ctrl-C and
    # SIGTERM only raise a flag, which the frame loop reads between frames: an exception
    # raised inside Qt's or FFmpeg's code (where a signal lands) crashed the process.
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    stop = []

    def request_stop(_signum, _frame) -> None:
        stop.append(True)

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    from nnviz.ui.shell.app import make_app
    from nnviz.ui.training.video import render_video

    make_app()
    from PySide6.QtCore import qInstallMessageHandler

    previous = None

    def quiet(kind, context, message):  # the offscreen platform's one harmless complaint
        if "propagateSizeHints" in message:
            return
        if previous is not None:
            previous(kind, context, message)
        else:
            sys.stderr.write(message + "\n")

    previous = qInstallMessageHandler(quiet)
    started = time.monotonic()
    last = [0.0]

    def progress(done: int, total: int) -> None:
        now = time.monotonic()
        if args.progress_lines:
            if done == total or now - last[0] > 0.2:
                print(f"progress {done} {total}", flush=True)
                last[0] = now
        elif sys.stderr.isatty() or done == total or now - last[0] > 2:
            width = 30
            bar = "#" * (width * done // total)
            sys.stderr.write(f"\r[{bar:<{width}}] {done}/{total} frames {100 * done // total}%")
            if done == total:
                sys.stderr.write("\n")
            sys.stderr.flush()
            last[0] = now

    try:
        path = render_video(
            recording,
            args.output,
            size=args.size,
            fps=args.fps,
            seconds=args.seconds,
            view=args.view,
            scale=args.scale,
            dark=args.theme == "dark",
            progress=progress,
            cancelled=lambda: bool(stop),
        )
    except KeyboardInterrupt:
        sys.stderr.write("\ncancelled: no video was written\n")
        return 130
    except VideoError as exc:
        raise UsageError(str(exc)) from None
    mb = path.stat().st_size / 1e6
    print(
        f"wrote {path} ({args.size[0]}x{args.size[1]}, {args.seconds:g} s at {args.fps:g} fps, "
        f"{mb:.1f} MB) in {time.monotonic() - started:.0f} s"
    )
    return 0
