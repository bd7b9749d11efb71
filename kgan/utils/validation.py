"""Argument validation: one rule per function, one message form.

Every check takes `(value, name)` and raises
`ValueError("<name> must be <expectation>. Received: <name>=<value>")`.
Numbers are Python `int` or `float` (what a config stores as JSON); `bool` is
never a number here, so a stray `True` is reported instead of being read as 1.
"""

import math

import numpy as np

_BRACKETS = {"both": "[]", "left": "[)", "right": "(]", "neither": "()"}


def is_number(value):
    """Whether `value` is an `int` or `float` (not a `bool`)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def is_int(value):
    """Whether `value` is an `int` (not a `bool`)."""
    return isinstance(value, int) and not isinstance(value, bool)


def _fail(value, name, expectation):
    raise ValueError(f"{name} must be {expectation}. Received: {name}={value!r}")


def check_int(value, name, minimum=1):
    """`value` is an int ≥ `minimum` (default 1: a positive integer); returns it."""
    if not is_int(value) or value < minimum:
        _fail(value, name, f"an integer ≥ {minimum}")
    return value


def check_positive(value, name):
    """`value` is a finite number > 0; returns it as a float."""
    if not is_number(value) or not (value > 0 and math.isfinite(value)):
        _fail(value, name, "a finite number > 0")
    return float(value)


def check_non_negative(value, name):
    """`value` is a number ≥ 0 (e.g. a loss weight); returns it as a float."""
    if not is_number(value) or not value >= 0:
        _fail(value, name, "a number ≥ 0")
    return float(value)


def check_number_in(value, name, low, high, closed="both"):
    """`value` is a number between `low` and `high`; returns it as a float.

    Args:
        closed: which ends belong to the interval: `"both"` (default,
            [low, high]), `"left"` ([low, high)), `"right"` ((low, high]) or
            `"neither"` ((low, high)).
    """
    opening, closing = _BRACKETS[closed]
    if not (
        is_number(value)
        and (value >= low if opening == "[" else value > low)
        and (value <= high if closing == "]" else value < high)
    ):
        _fail(value, name, f"a number in {opening}{low:g}, {high:g}{closing}")
    return float(value)


def check_bool(value, name):
    """`value` is `True` or `False`; returns it."""
    if not isinstance(value, bool):
        _fail(value, name, "True or False")
    return value


def check_image_shape(image_shape, name="image_shape"):
    """`image_shape` is `(height, width, channels)` of positive ints; returns it as a tuple."""
    image_shape = tuple(image_shape)
    if len(image_shape) != 3 or not all(is_int(n) and n > 0 for n in image_shape):
        raise ValueError(
            f"{name} must be (height, width, channels) with positive integers. "
            f"Received: {name}={image_shape!r}"
        )
    return image_shape


def check_images(images, shape, name="images"):
    """Converts `images` to float32 numpy and checks their shape `(n, *shape)`."""
    images = np.asarray(images, dtype="float32")
    if images.ndim != 4 or tuple(images.shape[1:]) != tuple(shape):
        raise ValueError(
            f"{name} must have shape (num_images, {', '.join(map(str, shape))}). "
            f"Received: {name}.shape={images.shape}"
        )
    return images


def check_pairs(x, y, x_shape, y_shape, model_name, pairs="paired"):
    """fit() data check: `x` `(n, *x_shape)` and `y` `(n, *y_shape)` numpy images."""
    if not isinstance(x, np.ndarray):
        return
    if y is None:
        raise ValueError(
            f"{model_name} trains on {pairs} images: call fit(x, y) with x in the source "
            "domain and y in the target domain."
        )
    check_images(x, x_shape, "x")
    check_images(y, y_shape, "y")
    if len(x) != len(y):
        raise ValueError(
            f"{model_name} needs as many x images as y images ({pairs}). Received "
            f"{len(x)} x images and {len(y)} y images."
        )


def check_labels(labels, num_classes, name="labels"):
    """Integer class labels in `[0, num_classes)`; returns them as int32 `(num,)`."""
    labels = np.asarray(labels)
    if labels.dtype.kind not in "iu":
        raise ValueError(f"{name} must be integers. Received dtype {labels.dtype}.")
    if labels.size and (labels.min() < 0 or labels.max() >= num_classes):
        raise ValueError(
            f"{name} must be in [0, {num_classes}) (num_classes={num_classes}). "
            f"Received values from {labels.min()} to {labels.max()}."
        )
    return labels.astype("int32").reshape(-1)


def refuse_fixed_options(model_name, kwargs, reasons):
    """Refuses the arguments a subclass fixes itself, and removes them from `kwargs`.

    A subclass that sets a parent's argument (its loss, its penalties) would
    otherwise accept the user's value and ignore it, or fail with Python's
    "multiple values" TypeError.

    Args:
        model_name: str, the subclass's name for the message.
        kwargs: dict, the keyword arguments it passes on to its parent; given
            names are removed (None counts as not given: configs saved before
            a name was refused may hold it).
        reasons: dict, argument name → why the subclass fixes it.
    """
    for name, reason in reasons.items():
        value = kwargs.pop(name, None)
        if value is not None:
            raise ValueError(
                f"{name} must be left unset for {model_name}, {reason}. "
                f"Received: {name}={value!r}"
            )
