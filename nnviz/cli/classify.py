"""`nnviz classify IMAGE --model FILE`: what digit a trained network sees in a picture.

The picture (PNG, JPEG, ...; dark strokes on light paper; any size) goes through the same
preprocessing as the app's drawing pad (:mod:`nnviz.core.datasets.preprocess`): crop the
ink, fit it in 20x20, centre its mass in 28x28 (or the 8x8 digits' format for a 64-input network).
The first word printed is the predicted digit.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from nnviz.ui.image_file import read_image


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "classify",
        help="classify a picture of a handwritten digit with a saved network",
        description="Print the digit a saved network sees in an image file (dark ink on "
        "light paper, any size), preprocessed the way MNIST was made.",
    )
    p.add_argument("image", help="image file: PNG, JPEG, BMP, ...")
    p.add_argument(
        "--model", required=True, metavar="FILE", help="network file saved by nnviz (.npz)"
    )
    p.add_argument(
        "--light-on-dark",
        action="store_true",
        help="the digit is light on a dark background (MNIST's own storage)",
    )
    p.add_argument(
        "--show-input", action="store_true", help="also print the network's input as text art"
    )
    p.set_defaults(func=run)


def load_model(path: str | Path):
    """Load a saved network that reads digit images; raise UsageError with what to do."""
    from nnviz.core.datasets.preprocess import INPUT_FORMATS
    from nnviz.core.errors import UsageError
    from nnviz.core.files.network import NetworkFileError, load_network

    try:
        network, _meta = load_network(path)
    except NetworkFileError as exc:
        raise UsageError(str(exc)) from None
    except OSError as exc:
        raise UsageError(f"cannot read model {path}: {exc.strerror or exc}") from None
    if network.sizes[0] not in INPUT_FORMATS:
        raise UsageError(
            f"model {Path(path).name} takes {network.sizes[0]} inputs, but digit images need "
            "784 (28x28 MNIST) or 64 (8x8 digits); train one with nnviz train"
        )
    if network.sizes[-1] != 10:
        raise UsageError(
            f"model {Path(path).name} has {network.sizes[-1]} outputs, not one per digit (10)"
        )
    return network


def classify_pixels(network, pixels: np.ndarray, dark_on_light: bool = True):
    """(digit, outputs (10,), stored-format image) for an image array, as the CLI does it."""
    from nnviz.core.datasets.preprocess import image_to_ink, network_input, to_network_format

    ink = image_to_ink(pixels, dark_on_light=dark_on_light)
    image = to_network_format(ink, network.sizes[0])
    outputs = network.feedforward(network_input(image, network.dtype))[:, 0]
    return int(np.argmax(outputs)), outputs, image


def classify_file(network, path: str | Path, dark_on_light: bool = True):
    """:func:`classify_pixels` for an image file."""
    return classify_pixels(network, read_image(path), dark_on_light)


def format_result(digit: int, outputs: np.ndarray) -> str:
    """One line: the digit first, then its confidence and every output activation."""
    acts = " ".join(f"{d}:{a:.2f}" for d, a in enumerate(outputs))
    return f"{digit}  (confidence {outputs[digit]:.2f}; outputs {acts})"


def _text_art(image: np.ndarray) -> str:
    top = max(int(image.max()), 1)
    shades = " .:-=+*#%@"
    return "\n".join(
        "".join(shades[min(9, int(v) * 10 // (top + 1))] * 2 for v in row) for row in image
    )


def run(args: argparse.Namespace) -> int:
    from nnviz.core.errors import UsageError

    network = load_model(args.model)
    pixels = read_image(args.image)
    if not pixels.any() or pixels.shape[0] < 2 or pixels.shape[1] < 2:
        raise UsageError(f"{args.image} is too small or empty to hold a digit")
    digit, outputs, image = classify_pixels(network, pixels, not args.light_on_dark)
    if not image.any():
        side = "light strokes on dark" if args.light_on_dark else "dark strokes on light paper"
        raise UsageError(
            f"found no ink in {args.image}: expected {side}"
            + ("" if args.light_on_dark else " (use --light-on-dark for the reverse)")
        )
    print(format_result(digit, outputs))
    if args.show_input:
        print(_text_art(image))
    return 0
