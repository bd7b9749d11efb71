"""Reconstruction losses against hand-computed values, and the offline translation tasks."""

import keras
import numpy as np
import pytest

import kgan
from kgan.data.translation import INK_PALETTE, colorize
from kgan.metrics import ink_colour_accuracy


def _value(tensor):
    return float(keras.ops.convert_to_numpy(tensor))


def test_l1_loss():
    target = np.array([[1.0, -1.0], [0.5, 0.0]], "float32")
    prediction = np.array([[0.0, -1.0], [1.0, 2.0]], "float32")
    assert _value(kgan.losses.l1_loss(target, prediction)) == pytest.approx((1 + 0 + 0.5 + 2) / 4)


def test_content_loss():
    target = np.array([[1.0, -1.0, 0.0]], "float32")
    prediction = np.array([[0.0, 1.0, 0.5]], "float32")
    assert _value(kgan.losses.content_loss(target, prediction)) == pytest.approx((1 + 4 + 0.25) / 3)


def test_total_variation_loss():
    image = np.array([[0.0, 1.0], [2.0, 4.0]], "float32")[None, :, :, None]
    # vertical differences 2, 3 → mean 6.5; horizontal 1, 2 → mean 2.5
    assert _value(kgan.losses.total_variation_loss(image)) == pytest.approx(6.5 + 2.5)


def test_paired_digits_tasks():
    edges, digits, labels = kgan.data.paired_digits("edges", image_size=16, split="test")
    assert edges.shape == digits.shape == (len(labels), 16, 16, 1)
    assert edges.min() >= -1.0 and edges.max() <= 1.0 and not np.array_equal(edges, digits)
    small, full, _ = kgan.data.paired_digits("downsampled", image_size=16, split="test")
    assert small.shape == (len(full), 4, 4, 1)
    np.testing.assert_allclose(small[0, 0, 0, 0], full[0, :4, :4, 0].mean(), rtol=1e-5)
    with pytest.raises(ValueError, match="task"):
        kgan.data.paired_digits("colour")
    with pytest.raises(ValueError, match="multiple of 4"):
        kgan.data.paired_digits("downsampled", image_size=18)


def test_colorize_task_inks_each_class_in_its_colour():
    grey, colour, labels = kgan.data.paired_digits("colorize", image_size=16, split="test")
    assert grey.shape == (len(labels), 16, 16, 1) and colour.shape == (len(labels), 16, 16, 3)
    # the background stays black; the brightest ink pixel has the palette colour exactly
    background = grey[..., 0] == -1.0
    np.testing.assert_array_equal(colour[background], -1.0)
    k = int(np.argmax(grey[0, ..., 0]))
    pixel = colour[0].reshape(-1, 3)[k]
    np.testing.assert_allclose((pixel + 1) / 2, INK_PALETTE[labels[0]] * (grey[0].max() + 1) / 2,
                               atol=1e-6)
    assert ink_colour_accuracy(colour, labels) == 1.0
    # the grey digit reads as white (class 9); a wrong palette scores by its overlap
    assert ink_colour_accuracy(np.repeat(grey, 3, axis=-1), labels) == np.mean(labels == 9)
    shifted = colorize(grey, (labels + 1) % 10)
    assert ink_colour_accuracy(shifted, labels) == 0.0
    with pytest.raises(ValueError, match="RGB"):
        ink_colour_accuracy(grey, labels)
    with pytest.raises(ValueError, match=r"digits in \[0, 9\]"):
        colorize(grey, labels + 1)


def test_unpaired_digits_domains_are_disjoint_and_thicker():
    a, b, labels_a, labels_b = kgan.data.unpaired_digits(image_size=16, split="test")
    assert a.shape == b.shape and len(labels_a) == len(labels_b) == len(a)
    assert (b > 0).mean() > (a > 0).mean() + 0.05  # thicker strokes: more ink


def test_psnr():
    images = np.zeros((2, 2, 2, 1), "float32")
    reference = np.full((2, 2, 2, 1), 0.2, "float32")
    # MSE 0.04 on a range of 2: 10·log10(4 / 0.04) = 20 dB
    assert kgan.metrics.psnr(images, reference) == pytest.approx(20.0)
    with pytest.raises(ValueError, match="same shape"):
        kgan.metrics.psnr(images, reference[:1])
