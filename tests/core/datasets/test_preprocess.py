"""to_mnist / to_digits8 / image_to_ink against independent references and MNIST itself."""

from __future__ import annotations

import numpy as np
import pytest

from nnviz.core.datasets.preprocess import (
    area_weights,
    centre_of_mass,
    image_to_ink,
    input_format,
    network_input,
    to_digits8,
    to_mnist,
    to_network_format,
)


def _ink_rows_cols(img):
    rows = np.flatnonzero(img.any(axis=1))
    cols = np.flatnonzero(img.any(axis=0))
    return rows[-1] - rows[0] + 1, cols[-1] - cols[0] + 1


def _blob(seed=0, size=(60, 40)):
    """A random smooth-ish ink blob (floats 0..1) that touches every side of its array."""
    rng = np.random.default_rng(seed)
    img = (rng.random(size) > 0.55).astype(np.float64)
    img[0, :] = img[-1, :] = 1.0
    img[:, 0] = img[:, -1] = 1.0
    return img


def test_area_weights_match_block_mean_for_integer_factor():
    rng = np.random.default_rng(1)
    img = rng.random((100, 100))
    a = area_weights(100, 20, 0.2, 0.0)
    reference = img.reshape(20, 5, 20, 5).mean(axis=(1, 3))
    np.testing.assert_allclose(a @ img @ a.T, reference, atol=1e-12)


def test_area_weights_rows_sum_to_one_where_fully_covered():
    a = area_weights(37, 20, 20 / 37, 0.0)
    np.testing.assert_allclose(a.sum(axis=1), 1.0, atol=1e-12)
    # every source pixel spreads exactly its own width (20/37) over the destination
    np.testing.assert_allclose(a.sum(axis=0), 20 / 37, atol=1e-12)


def test_full_square_of_ink_is_block_mean_then_centred():
    # a 200x200 ink map filling its array: the 20x20 box is the 10x10 block mean, placed at
    # rows/cols 4..23 of the field and then shifted whole pixels towards (14, 14)
    rng = np.random.default_rng(2)
    ink = rng.random((200, 200))
    ink[0, :] = ink[-1, :] = ink[:, 0] = ink[:, -1] = 1.0
    box = ink.reshape(20, 10, 20, 10).mean(axis=(1, 3))
    field = np.zeros((28, 28))
    field[4:24, 4:24] = box
    cy, cx = centre_of_mass(field)
    dy, dx = round(14 - cy), round(14 - cx)
    expected = np.roll(np.roll(field, dy, axis=0), dx, axis=1)
    out = to_mnist(ink)
    assert out.dtype == np.uint8 and out.shape == (28, 28)
    np.testing.assert_allclose(out, np.round(expected * 255), atol=1)


@pytest.mark.parametrize("shape", [(120, 40), (40, 120), (300, 299), (7, 3)])
def test_bounding_box_scaled_to_20_keeping_aspect(shape):
    h, w = shape
    ink = np.zeros((h + 50, w + 80))
    ink[20 : 20 + h, 30 : 30 + w] = 1.0
    out = to_mnist(ink)
    bh, bw = _ink_rows_cols(out > 0)
    longer, shorter = max(h, w), min(h, w)
    # the longer side spans 20 pixels; the shorter scales by the same factor, plus at most
    # one partially covered pixel on each side (anti-aliasing)
    expected_short = 20 * shorter / longer
    got_long, got_short = (bh, bw) if h >= w else (bw, bh)
    assert got_long == 20
    assert expected_short <= got_short <= expected_short + 2
    assert out.max() == 255


def test_centre_of_mass_lands_at_14_14():
    for seed in range(10):
        ink = np.zeros((300, 300))
        blob = _blob(seed)
        ink[10:70, 200:240] = blob  # far off-centre on the canvas
        ink[60:65, 200:260] = 1.0  # an asymmetric bar pulls the centre of mass sideways
        out = to_mnist(ink).astype(np.float64)
        cy, cx = centre_of_mass(out)
        assert abs(cy - 14) <= 0.5 and abs(cx - 14) <= 0.5


def test_position_on_canvas_does_not_matter():
    blob = _blob(3)
    a = np.zeros((280, 280))
    b = np.zeros((280, 280))
    a[5:65, 5:45] = blob
    b[200:260, 210:250] = blob
    np.testing.assert_array_equal(to_mnist(a), to_mnist(b))


def test_size_on_canvas_does_not_matter():
    # drawing the same digit twice as large (each pixel a 2x2 block) gives the same input,
    # since area averaging of the doubled image at half the factor sums the same ink
    blob = _blob(4)
    big = np.kron(blob, np.ones((2, 2)))
    diff = np.abs(to_mnist(blob).astype(int) - to_mnist(big).astype(int))
    assert diff.max() <= 1


def test_uint8_input_and_empty_input():
    ink = np.zeros((50, 50), dtype=np.uint8)
    np.testing.assert_array_equal(to_mnist(ink), np.zeros((28, 28), dtype=np.uint8))
    ink[10:40, 20:30] = 255
    out = to_mnist(ink)
    np.testing.assert_array_equal(out, to_mnist(ink.astype(np.float64) / 255))


def test_rejects_non_2d():
    with pytest.raises(ValueError, match="2-D"):
        to_mnist(np.zeros((4, 4, 3)))


@pytest.mark.mnist
def test_mnist_images_are_nearly_fixed_points(mnist_path):
    # MNIST digits were made by this same recipe, so redoing it changes little
    from nnviz.core.datasets.mnist import load_mnist

    x = load_mnist(mnist_path).test.x[:300].reshape(-1, 28, 28)
    diffs = np.array([np.abs(to_mnist(im).astype(int) - im.astype(int)).mean() for im in x])
    assert diffs.mean() < 4.0  # out of 255 per pixel
    assert np.median(diffs) < 3.0


# -- image_to_ink -------------------------------------------------------------------------------


def test_dark_on_light_rgb_becomes_ink():
    img = np.full((10, 12, 3), 255, dtype=np.uint8)
    img[2:5, 3:7] = 0
    ink = image_to_ink(img)
    assert ink.shape == (10, 12)
    expected = np.zeros((10, 12))
    expected[2:5, 3:7] = 1.0
    np.testing.assert_allclose(ink, expected)


def test_grey_paper_and_grey_ink_are_stretched():
    # paper at 200, ink at 50 (a dim photo): paper -> 0, ink -> 1, halfway grey -> 0.5
    img = np.full((20, 20), 200, dtype=np.uint8)
    img[5:10, 5:10] = 50
    img[12, 12] = 125
    ink = image_to_ink(img)
    assert ink[0, 0] == 0.0 and ink[6, 6] == pytest.approx(1.0)
    assert ink[12, 12] == pytest.approx(0.5)


def test_light_on_dark_and_transparent_pixels():
    img = np.zeros((8, 8), dtype=np.uint8)
    img[3, 3] = 255
    ink = image_to_ink(img, dark_on_light=False)
    assert ink[3, 3] == 1.0 and ink.sum() == 1.0
    rgba = np.zeros((8, 8, 4), dtype=np.uint8)  # fully transparent black everywhere...
    rgba[2, 2] = (0, 0, 0, 255)  # ...except one opaque black pixel
    ink = image_to_ink(rgba)
    assert ink[2, 2] == 1.0 and ink.sum() == 1.0


def test_image_to_ink_reads_npy_paths(tmp_path):
    img = np.full((6, 6), 255, dtype=np.uint8)
    img[1:3, 2:4] = 0
    np.save(tmp_path / "d.npy", img)
    np.testing.assert_array_equal(image_to_ink(tmp_path / "d.npy"), image_to_ink(img))
    with pytest.raises(ValueError, match="only .npy"):
        image_to_ink(str(tmp_path / "d.png"))
    with pytest.raises(ValueError, match="cannot read"):
        image_to_ink(tmp_path / "missing.npy")


def test_image_to_ink_errors():
    with pytest.raises(ValueError, match="shape"):
        image_to_ink(np.zeros((2, 2, 2)))
    with pytest.raises(ValueError, match="0..1"):
        image_to_ink(np.full((2, 2), 3.0))
    with pytest.raises(ValueError, match="empty"):
        image_to_ink(np.zeros((0, 5)))


# -- the 8x8 digits format ------------------------------------------------------------------------


def test_digits8_counts_set_pixels_in_4x4_blocks():
    # a binary 32x32 bitmap that touches all four sides needs no scaling: each output value
    # is the number of set pixels in its 4x4 block (how the 8x8 data set was made)
    rng = np.random.default_rng(5)
    bitmap = (rng.random((32, 32)) > 0.5).astype(np.float64)
    bitmap[0, :] = bitmap[-1, :] = bitmap[:, 0] = bitmap[:, -1] = 1.0
    expected = np.zeros((8, 8), dtype=int)
    for i in range(8):
        for j in range(8):
            expected[i, j] = int(bitmap[4 * i : 4 * i + 4, 4 * j : 4 * j + 4].sum())
    np.testing.assert_array_equal(to_digits8(bitmap), expected)


def test_digits8_fills_height_and_centres_narrow_digit():
    ink = np.zeros((100, 100))
    ink[10:90, 45:55] = 1.0  # a tall bar, like a "1"
    out = to_digits8(ink)
    assert out.shape == (8, 8) and out.max() <= 16
    assert out[:, 3:5].min() > 0 and out[0].sum() > 0 and out[7].sum() > 0
    assert out[:, :2].sum() == 0 and out[:, 6:].sum() == 0


def test_network_format_and_input():
    ink = np.zeros((40, 40))
    ink[5:35, 18:22] = 1.0
    assert to_network_format(ink, 784).shape == (28, 28)
    assert to_network_format(ink, 64).shape == (8, 8)
    with pytest.raises(ValueError, match="784"):
        input_format(100)
    img = to_network_format(ink, 64)
    col = network_input(img)
    assert col.shape == (64, 1)
    np.testing.assert_allclose(col[:, 0], img.ravel() / 16.0)
