"""DiffAugment: the same differentiable augmentation for real and fake images."""

import keras
from keras import ops

from kgan.augment import ops as augment_ops
from kgan.utils.validation import check_number_in

# name -> (sample_params(shape, seed, layer), transform(images, params, layer))
_TRANSFORMS = {
    "color": (
        lambda shape, seed, layer: augment_ops.sample_color_params(shape, seed),
        lambda images, params, layer: augment_ops.adjust_color(images, **params),
    ),
    "translation": (
        lambda shape, seed, layer: augment_ops.sample_translation_params(
            shape, seed, layer.translation_ratio
        ),
        lambda images, params, layer: augment_ops.translate(
            images,
            params["shifts"],
            max_shift=max(augment_ops.translation_bounds(images.shape, layer.translation_ratio)),
        ),
    ),
    "cutout": (
        lambda shape, seed, layer: augment_ops.sample_cutout_params(shape, seed, layer.cutout_ratio),
        lambda images, params, layer: augment_ops.cut_out(
            images, params["corners"], augment_ops.cutout_size(images.shape, layer.cutout_ratio)
        ),
    ),
}

POLICY_NAMES = tuple(_TRANSFORMS)


def parse_policy(policy):
    """`"color,translation"` → `("color", "translation")`; raises on unknown names."""
    if not isinstance(policy, str):
        raise ValueError(
            f"policy must be a comma-separated string of {', '.join(POLICY_NAMES)}. "
            f"Received: policy={policy!r}"
        )
    names = tuple(name.strip() for name in policy.split(",") if name.strip())
    unknown = [name for name in names if name not in _TRANSFORMS]
    if not names or unknown:
        raise ValueError(
            f"policy must name one or more of {', '.join(POLICY_NAMES)}, separated by commas. "
            f"Received: policy={policy!r}"
        )
    if len(set(names)) != len(names):
        raise ValueError(f"policy must name each transformation once. Received: policy={policy!r}")
    return names


@keras.saving.register_keras_serializable(package="kgan")
class DiffAugment(keras.layers.Layer):
    """Differentiable augmentation of discriminator inputs, real and fake alike.

    The transformations of the policy run in the order given, each with new
    random parameters per sample. Everything is a differentiable `keras.ops`
    function of the images (see `kgan.augment.ops`), so the generator trains
    through the augmentation. A GAN given `augment=` draws the parameters in
    its `sample_noise` with `sample(images, seed)` and applies them inside the
    loss with `transform(images, params)`; calling the layer does both.

    Args:
        policy: str, default `"color,translation,cutout"`. Comma-separated
            names from `"color"` (brightness, saturation, contrast),
            `"translation"` (whole pixels, zero padding) and `"cutout"` (one
            zeroed square).
        translation_ratio: float in (0, 1), default 1/8; largest shift as a
            fraction of the image size.
        cutout_ratio: float in (0, 1), default 1/2; side of the square as a
            fraction of the image size.
        **kwargs: `keras.layers.Layer` arguments (`name`).

    Images are float NHWC in [-1, 1]; `color` may leave that range (as in the
    paper), `translation` and `cutout` fill with 0.

    Example:
        >>> augment = kgan.augment.DiffAugment("color,translation,cutout")
        >>> x, _ = kgan.data.load_digits(image_size=16)
        >>> seed = keras.random.SeedGenerator(0)
        >>> y = augment(x[:8], seed=seed)  # (8, 16, 16, 1)
        >>> model = kgan.models.DCGAN(image_shape=(16, 16, 1), latent_dim=32, augment=augment)

    Reference:
        Zhao, Liu, Lin, Zhu & Han 2020, "Differentiable Augmentation for
        Data-Efficient GAN Training".
    """

    log_names = ()

    def __init__(
        self, policy="color,translation,cutout", translation_ratio=0.125, cutout_ratio=0.5, **kwargs
    ):
        super().__init__(**kwargs)
        self.transforms = parse_policy(policy)
        check_number_in(translation_ratio, "translation_ratio", 0, 1, closed="neither")
        check_number_in(cutout_ratio, "cutout_ratio", 0, 1, closed="neither")
        self.policy = policy
        self.translation_ratio = float(translation_ratio)
        self.cutout_ratio = float(cutout_ratio)
        self.built = True

    def probability(self):
        """Probability that a transformation is applied to a sample: 1."""
        return None

    def sample(self, images, seed):
        """Draws every random parameter for one batch.

        Args:
            images: the batch `(batch, height, width, channels)` (only its
                shape is used).
            seed: `keras.random.SeedGenerator` (advanced) or int.

        Returns:
            A dict of tensors for `transform`, one entry per transformation
            (and, where `probability()` is not None, a boolean `(batch,)` mask
            per transformation saying where it applies).
        """
        shape = ops.shape(images)
        probability = self.probability()
        params = {}
        for name in self.transforms:
            params[name] = _TRANSFORMS[name][0](shape, seed, self)
            if probability is not None:
                params[name + "_mask"] = keras.random.uniform((shape[0],), seed=seed) < probability
        return params

    def transform(self, images, params):
        """Applies the transformations with parameters from `sample`; differentiable."""
        x = images
        for name in self.transforms:
            transformed = _TRANSFORMS[name][1](x, params[name], self)
            mask = params.get(name + "_mask")
            x = transformed if mask is None else ops.where(
                ops.reshape(mask, (-1, 1, 1, 1)), transformed, x
            )
        return x

    def observe(self, real_logits):
        """Hook for adaptive augmentation: sees D's logits on the augmented
        real batch each discriminator update; returns logs (none here)."""
        return {}

    def call(self, images, seed=None):
        return self.transform(images, self.sample(images, seed))

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "policy": self.policy,
                "translation_ratio": self.translation_ratio,
                "cutout_ratio": self.cutout_ratio,
            }
        )
        return config


def get(identifier):
    """Resolves a GAN's `augment` argument.

    Args:
        identifier: None, a policy string (→ `DiffAugment(policy)`), a
            `DiffAugment` (or `AdaptiveAugment`), or its serialised config.

    Returns:
        None or a `DiffAugment`.
    """
    if identifier is None or isinstance(identifier, DiffAugment):
        return identifier
    if isinstance(identifier, str):
        return DiffAugment(identifier)
    if isinstance(identifier, dict):
        return keras.saving.deserialize_keras_object(identifier)
    raise ValueError(
        "augment must be None, a policy string such as 'color,translation,cutout', or a "
        f"kgan.augment.DiffAugment. Received: augment={identifier!r}"
    )
