"""kgan.utils.validation: each rule, bool never a number, one message form."""

import numpy as np
import pytest

from kgan.utils.validation import (
    check_bool,
    check_image_shape,
    check_images,
    check_int,
    check_non_negative,
    check_number_in,
    check_pairs,
    check_positive,
    is_int,
    is_number,
)


def test_is_number_and_is_int_reject_bool():
    assert is_number(3) and is_number(0.5) and is_number(-2)
    assert not is_number(True) and not is_number("1") and not is_number(None)
    assert is_int(0) and is_int(-4)
    assert not is_int(False) and not is_int(2.0) and not is_int("2")


def test_check_int():
    assert check_int(1, "steps") == 1
    assert check_int(0, "pool_size", minimum=0) == 0
    assert check_int(2, "num_classes", minimum=2) == 2
    for value in (0, -1, 1.0, 2.5, True, "3", None):
        with pytest.raises(ValueError, match=rf"^steps must be an integer ≥ 1. Received: steps={value!r}$"):
            check_int(value, "steps")
    with pytest.raises(ValueError, match=r"^num_classes must be an integer ≥ 2. Received: num_classes=1$"):
        check_int(1, "num_classes", minimum=2)
    with pytest.raises(ValueError, match="pool_size must be an integer ≥ 0"):
        check_int(False, "pool_size", minimum=0)


def test_check_positive():
    assert check_positive(2, "gamma") == 2.0 and isinstance(check_positive(2, "gamma"), float)
    assert check_positive(1e-8, "epsilon") == 1e-8
    for value in (0, 0.0, -1.5, True, "1", None, float("nan"), float("inf")):
        with pytest.raises(ValueError, match=rf"^gamma must be a finite number > 0. Received: gamma={value!r}$"):
            check_positive(value, "gamma")


def test_check_non_negative():
    assert check_non_negative(0, "l1_weight") == 0.0
    assert check_non_negative(100, "l1_weight") == 100.0
    for value in (-1, -0.5, False, "10", None, float("nan")):
        with pytest.raises(
            ValueError, match=rf"^l1_weight must be a number ≥ 0. Received: l1_weight={value!r}$"
        ):
            check_non_negative(value, "l1_weight")


@pytest.mark.parametrize(
    "closed, inside, outside, brackets",
    [
        ("both", (0, 0.5, 1), (-0.1, 1.1), r"\[0, 1\]"),
        ("left", (0, 0.999), (1, 1.0, -1e-9), r"\[0, 1\)"),
        ("right", (1, 1e-9), (0, 1.01), r"\(0, 1\]"),
        ("neither", (0.5,), (0, 1), r"\(0, 1\)"),
    ],
)
def test_check_number_in(closed, inside, outside, brackets):
    for value in inside:
        assert check_number_in(value, "p", 0, 1, closed=closed) == float(value)
    for value in outside + (True, "0.5", None):
        with pytest.raises(
            ValueError, match=rf"^p must be a number in {brackets}. Received: p={value!r}$"
        ):
            check_number_in(value, "p", 0, 1, closed=closed)


def test_check_number_in_formats_bounds():
    with pytest.raises(ValueError, match=r"x must be a number in \[-1, 2.5\]"):
        check_number_in(3, "x", -1, 2.5)


def test_check_bool():
    assert check_bool(True, "use_bias") is True and check_bool(False, "use_bias") is False
    for value in (0, 1, "yes", None):
        with pytest.raises(
            ValueError, match=rf"^use_bias must be True or False. Received: use_bias={value!r}$"
        ):
            check_bool(value, "use_bias")


def test_check_image_shape():
    assert check_image_shape([16, 8, 3]) == (16, 8, 3)
    for shape in ((16, 16), (16, 16, 0), (16, 16, True), (16.0, 16, 3)):
        with pytest.raises(ValueError, match=r"input_shape must be \(height, width, channels\)"):
            check_image_shape(shape, "input_shape")


def test_check_images_and_pairs():
    images = check_images(np.zeros((2, 4, 4, 1), "float64"), (4, 4, 1))
    assert images.dtype == np.float32 and images.shape == (2, 4, 4, 1)
    with pytest.raises(ValueError, match=r"x must have shape \(num_images, 4, 4, 1\)"):
        check_images(np.zeros((2, 4, 4, 3)), (4, 4, 1), "x")
    x, y = np.zeros((3, 4, 4, 1)), np.zeros((2, 4, 4, 3))
    check_pairs(x, np.zeros((3, 4, 4, 3)), (4, 4, 1), (4, 4, 3), "Pix2Pix")
    with pytest.raises(ValueError, match="as many x images as y images"):
        check_pairs(x, y, (4, 4, 1), (4, 4, 3), "Pix2Pix")
    with pytest.raises(ValueError, match=r"call fit\(x, y\)"):
        check_pairs(x, None, (4, 4, 1), (4, 4, 3), "Pix2Pix")
