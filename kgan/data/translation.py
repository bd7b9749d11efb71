"""Offline image-to-image translation tasks made from the bundled digits.

Every task is a fixed transform of `kgan.data.load_digits`, so translation
models are trained and measured without a download:

- paired (`paired_digits`): `"edges"` (the digit's edge map → the digit),
  `"downsampled"` (the digit averaged over 4×4 blocks → the digit, 4×
  super-resolution) and `"colorize"` (the grey digit → the digit inked in its
  class's colour of `INK_PALETTE`, RGB: colourisation that needs recognition,
  as a sky is blue and grass green);
- unpaired (`unpaired_digits`): domain A the digits as they are, domain B the
  digits with thickened strokes, each domain from a disjoint half of the images;
- multi-domain (`domain_digits`): binary attributes per image (thick strokes,
  slanted, inverted grey levels; by default the first two), drawn at random;
- glyph styles (`style_digits`, zi2zi): every digit as drawn (the source) and
  rendered in each of `GLYPH_STYLES` (the targets, with their style index);
- continuous conditions (`condition_digits`, GANimation): each digit rendered
  with a stroke thickness and an ink brightness in [0, 1] drawn at random, by
  `render_conditions`, so the true values of every image are known.

All images are NHWC float32 in [-1, 1] with one channel (the colourised
targets three).
"""

import numpy as np
from scipy import ndimage

from kgan.data.digits import load_digits

PAIRED_TASKS = ("edges", "downsampled", "colorize")
SUPER_RESOLUTION_SCALE = 4
# The ink colour (RGB in [0, 1]) of each digit class in the "colorize" task:
# saturated hues at least 0.45 apart, so the class is read back from the colour.
INK_PALETTE = np.array(
    [
        [1.0, 0.1, 0.1],  # 0 red
        [1.0, 0.55, 0.0],  # 1 orange
        [1.0, 1.0, 0.0],  # 2 yellow
        [0.5, 1.0, 0.0],  # 3 lime
        [0.0, 0.8, 0.2],  # 4 green
        [0.0, 1.0, 1.0],  # 5 cyan
        [0.1, 0.3, 1.0],  # 6 blue
        [0.55, 0.1, 1.0],  # 7 violet
        [1.0, 0.0, 1.0],  # 8 magenta
        [1.0, 1.0, 1.0],  # 9 white
    ],
    "float32",
)


def _unit(images):
    return (images[..., 0] + 1.0) / 2.0


def _signed(unit):
    return (np.clip(unit, 0.0, 1.0) * 2.0 - 1.0)[..., None].astype("float32")


def edge_map(images):
    """Morphological gradient (3×3 dilation − erosion) of images in [-1, 1]: their edges, in [-1, 1]."""
    unit = _unit(images)
    footprint = (1, 3, 3)
    return _signed(ndimage.grey_dilation(unit, footprint) - ndimage.grey_erosion(unit, footprint))


def thicken(images):
    """Strokes dilated by a 3×3 maximum filter, images in [-1, 1]."""
    return _signed(ndimage.grey_dilation(_unit(images), (1, 3, 3)))


def downsample(images, factor=SUPER_RESOLUTION_SCALE):
    """Averages `factor`×`factor` blocks: `(n, H, W, C)` → `(n, H/factor, W/factor, C)`."""
    n, height, width, channels = images.shape
    blocks = images.reshape(n, height // factor, factor, width // factor, factor, channels)
    return blocks.mean(axis=(2, 4)).astype("float32")


def colorize(images, labels):
    """Grey digits inked in their class's colour: `(n, s, s, 1)` in [-1, 1] and
    int labels `(n,)` in [0, 10) → RGB `(n, s, s, 3)` in [-1, 1], each pixel its
    grey level (as a fraction of white) times `INK_PALETTE[label]`."""
    labels = np.asarray(labels)
    if labels.shape != (len(images),) or labels.min(initial=0) < 0 or labels.max(initial=0) > 9:
        raise ValueError(
            f"labels must be {len(images)} digits in [0, 9]. Received shape {labels.shape}, "
            f"values {np.unique(labels)[:12]}"
        )
    ink = _unit(images)[..., None] * INK_PALETTE[labels][:, None, None, :]
    return (ink * 2.0 - 1.0).astype("float32")


def paired_digits(task, image_size=32, split="train"):
    """A paired translation task: `(source, target, labels)`.

    Args:
        task: `"edges"` (source: the digit's edge map, same size),
            `"downsampled"` (source: `image_size / 4` pixels square, 4×4 block
            means) or `"colorize"` (source: the grey digit; target: `colorize`d, RGB).
        image_size: int, default 32; a multiple of 4 ≥ 16 for `"downsampled"`.
        split: `"all"`, `"train"` (default) or `"test"` (as `load_digits`).

    Returns:
        float32 source `(n, s, s, 1)` and target `(n, image_size, image_size, C)` in
        [-1, 1] (C = 3 for `"colorize"`, else 1), int32 digit labels `(n,)`.

    Example:
        >>> edges, digits, labels = kgan.data.paired_digits("edges", image_size=16)
    """
    if task not in PAIRED_TASKS:
        raise ValueError(f"task must be one of {PAIRED_TASKS}. Received: task={task!r}")
    if task == "downsampled" and (
        not isinstance(image_size, int) or image_size < 16 or image_size % SUPER_RESOLUTION_SCALE
    ):
        raise ValueError(
            "image_size must be a multiple of 4 and ≥ 16 for the 'downsampled' task. "
            f"Received: image_size={image_size!r}"
        )
    digits, labels = load_digits(image_size=image_size, split=split)
    if task == "colorize":
        return digits, colorize(digits, labels), labels
    source = edge_map(digits) if task == "edges" else downsample(digits)
    return source, digits, labels


def unpaired_digits(image_size=32, split="train", seed=0):
    """An unpaired two-domain task: thin (as drawn) digits A and thick digits B.

    The images of `split` are shuffled with `seed` and halved: A comes from one
    half, B (strokes thickened by `thicken`) from the other, so no digit appears
    in both domains.

    Args:
        image_size: int ≥ 8, default 32.
        split: `"all"`, `"train"` (default) or `"test"`.
        seed: int, default 0.

    Returns:
        `(images_a, images_b, labels_a, labels_b)`: float32 `(n, s, s, 1)` in
        [-1, 1] (the same n for both domains) and int32 labels `(n,)`.

    Example:
        >>> a, b, labels_a, labels_b = kgan.data.unpaired_digits(image_size=16)
    """
    digits, labels = load_digits(image_size=image_size, split=split)
    order = np.random.default_rng(seed).permutation(len(digits))
    half = len(order) // 2
    a, b = order[:half], order[half : 2 * half]
    return digits[a], thicken(digits[b]), labels[a], labels[b]


# The binary attributes `domain_digits` can draw, in the order they are applied.
DOMAIN_ATTRIBUTES = ("thick", "slant", "inverted")


def _check_domain_attributes(attributes):
    attributes = tuple(attributes)
    if not attributes or len(set(attributes)) != len(attributes) or not set(attributes) <= set(
        DOMAIN_ATTRIBUTES
    ):
        raise ValueError(
            f"attributes must be distinct names from {DOMAIN_ATTRIBUTES}. "
            f"Received: attributes={attributes!r}"
        )
    return attributes


def render_domains(digits, domains, attributes=("thick", "slant")):
    """Digits as drawn, each rendered in its row of `domains`.

    Applies the attributes set in each row in the order of `DOMAIN_ATTRIBUTES`:
    "thick" `thicken`, "slant" `slant` (italic), "inverted" negates the grey
    levels. `domain_digits` draws its images with it; a translation's true
    rendering is `render_domains(plain_digits, target_domains)`.

    Args:
        digits: float32 `(n, s, s, 1)` in [-1, 1], as `load_digits` gives them.
        domains: `(n, K)` in {0, 1}; column k is `attributes[k]`.
        attributes: distinct names from `DOMAIN_ATTRIBUTES`, default `("thick", "slant")`.

    Returns:
        float32 `(n, s, s, 1)` in [-1, 1].

    Example:
        >>> digits, _ = kgan.data.load_digits(image_size=16, split="test")
        >>> thick = kgan.data.render_domains(digits, np.tile([[1, 0]], (len(digits), 1)))
    """
    attributes = _check_domain_attributes(attributes)
    images = np.array(digits, "float32")
    domains = np.asarray(domains)
    if domains.shape != (len(images), len(attributes)):
        raise ValueError(
            f"domains must have shape (num_digits, num_attributes) = ({len(images)}, "
            f"{len(attributes)}). Received: domains.shape={domains.shape}"
        )
    if not np.isin(domains, (0, 1)).all():
        raise ValueError(f"domains must hold 0 or 1. Received values {np.unique(domains)}")
    transforms = {"thick": thicken, "slant": slant, "inverted": lambda x: -x}
    for name in DOMAIN_ATTRIBUTES:
        if name not in attributes:
            continue
        chosen = domains[:, attributes.index(name)] == 1
        if chosen.any():
            images[chosen] = transforms[name](images[chosen])
    return images


def domain_digits(image_size=32, split="train", seed=0, attributes=("thick", "slant")):
    """A multi-domain task: binary attributes drawn at random per image.

    Each image gets each of `attributes` with probability ½ (seed `seed`, the
    2^K domains equally likely) and is rendered by `render_domains`: "thick"
    thickens the strokes, "slant" slants them, "inverted" flips the polarity
    (a global flip: with instance normalisation, which makes the features of
    −x the negation of those of x, StarGAN learned to keep the digit in either
    the polarity-keeping or the polarity-flipping translations, not both; see
    recipes/README.md). Row i is digit i of `load_digits(image_size, split)`.

    Args:
        image_size: int ≥ 8, default 32.
        split: `"all"`, `"train"` (default) or `"test"`.
        seed: int, default 0.
        attributes: distinct names from `DOMAIN_ATTRIBUTES`, default `("thick", "slant")`.

    Returns:
        `(images, attributes, labels)`: float32 `(n, s, s, 1)` in [-1, 1], float32
        `(n, K)` in {0, 1} (column k: `attributes[k]`), int32 digits `(n,)`.

    Example:
        >>> images, attributes, labels = kgan.data.domain_digits(image_size=16)
    """
    attributes = _check_domain_attributes(attributes)
    digits, labels = load_digits(image_size=image_size, split=split)
    drawn = np.random.default_rng(seed).integers(0, 2, (len(digits), len(attributes)))
    drawn = drawn.astype("float32")
    return render_domains(digits, drawn, attributes), drawn, labels


GLYPH_STYLES = ("thick", "thin", "slant", "inverted", "outline")
SLANT_SHEAR = 0.3


def thin(images):
    """Strokes eroded by a 2×2 minimum filter, images in [-1, 1]."""
    return _signed(ndimage.grey_erosion(_unit(images), (1, 2, 2)))


def slant(images, shear=SLANT_SHEAR):
    """Italic digits: each row shifted right by `shear`·(rows above the centre)
    pixels (linear interpolation), images in [-1, 1]."""
    unit = _unit(images)
    height = unit.shape[1]
    # output (r, c) reads input (r, c + shear·(r − centre)): the top leans right
    matrix = np.array([[1.0, 0.0], [shear, 1.0]])
    offset = np.array([0.0, -shear * (height - 1) / 2.0])
    slanted = np.stack([ndimage.affine_transform(u, matrix, offset, order=1, cval=0.0)
                        for u in unit])
    return _signed(slanted)


def render_style(images, style):
    """Digits `(n, s, s, 1)` in [-1, 1] rendered in one of `GLYPH_STYLES`."""
    if style not in GLYPH_STYLES:
        raise ValueError(f"style must be one of {GLYPH_STYLES}. Received: style={style!r}")
    if style == "thick":
        return thicken(images)
    if style == "thin":
        return thin(images)
    if style == "slant":
        return slant(images)
    if style == "inverted":
        return -np.asarray(images, "float32")
    return edge_map(images)


def style_digits(image_size=32, split="train"):
    """A glyph-style task (zi2zi): every digit in every style of `GLYPH_STYLES`.

    Row `i·S + k` (S = 5 styles) pairs digit i as drawn with its rendering in
    style k: thick strokes (3×3 dilation), thin strokes (2×2 erosion), slanted
    (rows sheared by 0.3 pixel per row), inverted grey levels, outline (the
    edge map).

    Args:
        image_size: int ≥ 8, default 32.
        split: `"all"`, `"train"` (default) or `"test"`.

    Returns:
        `(source, target, styles, labels)`: float32 `(n·S, s, s, 1)` in [-1, 1]
        (the plain digit and the styled one), int32 style indices `(n·S,)` into
        `GLYPH_STYLES`, int32 digits `(n·S,)`.

    Example:
        >>> source, target, styles, labels = kgan.data.style_digits(image_size=16)
    """
    digits, labels = load_digits(image_size=image_size, split=split)
    count = len(GLYPH_STYLES)
    target = np.stack([render_style(digits, style) for style in GLYPH_STYLES], axis=1)
    return (
        np.repeat(digits, count, axis=0),
        target.reshape(-1, *digits.shape[1:]),
        np.tile(np.arange(count, dtype="int32"), len(digits)),
        np.repeat(labels, count).astype("int32"),
    )


CONDITION_ATTRIBUTES = ("thickness", "brightness")
MIN_BRIGHTNESS = 0.4


def render_conditions(digits, conditions):
    """Renders digits with continuous stroke thickness and ink brightness.

    Thickness t blends the thin (2×2 erosion), drawn and thick (3×3 dilation)
    strokes piecewise linearly (t = 0 thin, ½ as drawn, 1 thick); brightness b
    scales the ink to `0.4 + 0.6·b` of full white, the background stays black.

    Args:
        digits: `(n, s, s, 1)` in [-1, 1], digits as drawn.
        conditions: `(n, 2)` in [0, 1], columns as `CONDITION_ATTRIBUTES`.

    Returns:
        float32 `(n, s, s, 1)` in [-1, 1].
    """
    conditions = np.asarray(conditions, "float32")
    if conditions.shape != (len(digits), len(CONDITION_ATTRIBUTES)) or (
        conditions.size and (conditions.min() < 0.0 or conditions.max() > 1.0)
    ):
        raise ValueError(
            f"conditions must be ({len(digits)}, {len(CONDITION_ATTRIBUTES)}) values in [0, 1]. "
            f"Received: conditions.shape={conditions.shape}"
        )
    plain, thin_, thick = _unit(digits), _unit(thin(digits)), _unit(thicken(digits))
    t = conditions[:, 0, None, None]
    low = thin_ + np.clip(2.0 * t, 0.0, 1.0) * (plain - thin_)
    unit = np.where(t < 0.5, low, plain + np.clip(2.0 * t - 1.0, 0.0, 1.0) * (thick - plain))
    brightness = MIN_BRIGHTNESS + (1.0 - MIN_BRIGHTNESS) * conditions[:, 1, None, None]
    return _signed(unit * brightness)


def condition_digits(image_size=32, split="train", seed=0):
    """A continuous-condition task (GANimation): digits with known thickness and brightness.

    Each digit gets conditions drawn uniformly in [0, 1]² (seed `seed`) and is
    rendered with them by `render_conditions`.

    Args:
        image_size: int ≥ 8, default 32.
        split: `"all"`, `"train"` (default) or `"test"`.
        seed: int, default 0.

    Returns:
        `(images, conditions, labels)`: float32 `(n, s, s, 1)` in [-1, 1], float32
        `(n, 2)` in [0, 1] (columns as `CONDITION_ATTRIBUTES`), int32 digits `(n,)`.

    Example:
        >>> images, conditions, labels = kgan.data.condition_digits(image_size=16)
    """
    digits, labels = load_digits(image_size=image_size, split=split)
    conditions = np.random.default_rng(seed).uniform(0.0, 1.0, (len(digits), 2)).astype("float32")
    return render_conditions(digits, conditions), conditions, labels
