"""BigGAN: class-conditional GAN with hinge loss, orthogonal regularisation and truncation."""

import math

import keras
import numpy as np
from keras import ops

from kgan.losses.orthogonal import orthogonal_penalty
from kgan.models.cgan import CGAN, _num_inputs
from kgan.utils.sampling import latents
from kgan.utils.validation import check_non_negative, is_number, refuse_fixed_options


def truncate_latents(z, threshold):
    """Truncation trick: entries of z with |z| > threshold are redrawn inside it.

    Entries inside [−t, t] are kept; each one outside is replaced by a draw of
    the standard normal truncated to [−t, t], taken from its own position in
    the tail: its sign is kept and its tail probability
    u = Q(|z|)/Q(t) ∈ (0, 1) (Q the normal upper tail, uniform for an
    out-of-range z) is mapped through the truncated normal's quantile,
    |z'| = √2 · erfinv(u · erf(t/√2)). For z ~ N(0, I) the result has
    exactly the distribution of BigGAN's resampling (redraw until inside),
    but it is a fixed function of z without a loop or fresh randomness, so
    it runs in any compiled graph (a SavedModel's `psi` input) and gives the
    same images for the same z everywhere.

    Args:
        z: float tensor or array, latents drawn from N(0, I).
        threshold: float > 0 (scalar, may be a tensor), t.

    Returns:
        float32 tensor of z's shape with every |entry| ≤ t.

    Reference:
        Brock, Donahue & Simonyan 2019, "Large Scale GAN Training for High
        Fidelity Natural Image Synthesis", Sec. 3.1.
    """
    z = ops.convert_to_tensor(z, "float32")
    threshold = ops.cast(threshold, "float32")
    magnitude = ops.abs(z)
    root2 = math.sqrt(2.0)
    # Q(|z|)/Q(t), in (0, 1) where |z| > t (clipped: inside, it is unused and > 1).
    tail = ops.minimum(ops.erfc(magnitude / root2) / ops.erfc(threshold / root2), 1.0)
    # 1 − erfc, not erf: JAX lowers erf to a StableHLO composite that TensorFlow's
    # SavedModel runtime cannot load.
    redrawn = root2 * ops.erfinv(tail * (1.0 - ops.erfc(threshold / root2)))
    redrawn = ops.sign(z) * ops.minimum(redrawn, threshold)
    return ops.where(magnitude <= threshold, z, redrawn)


def _check_psi(psi):
    if psi is None:
        return None
    if not (is_number(psi) or isinstance(psi, np.floating)) or not psi > 0:
        raise ValueError(
            "psi (the truncation threshold) must be a number > 0, or None for no truncation. "
            f"Received: psi={psi!r}"
        )
    return float(psi)


@keras.saving.register_keras_serializable(package="kgan")
class BigGAN(CGAN):
    """BigGAN: a class-conditional GAN trained with the hinge loss, two D steps,
    orthogonal regularisation of G and an EMA generator; sampled with truncation.

    The networks are conditional (`[z, labels]` → images, `[x, labels]` →
    logits); `kgan.networks.biggan_generator` (shared class embedding,
    hierarchical latents, conditional BN, self-attention, spectral norm) and
    `kgan.networks.biggan_discriminator` (residual, projection head, spectral
    norm) build BigGAN's. Each step takes `d_steps` discriminator updates on
    the hinge loss, then one generator update on −E[D(G(z, y), y)] plus
    β · Σ_W ‖WᵀW ⊙ (1 − I)‖²_F (`kgan.losses.orthogonal_penalty`, logged as
    `ortho`, the unweighted sum) over every generator variable named `kernel`
    (dense and convolution kernels, the raw ones inside spectral
    normalisation, and the conditional BN's maps; not the shared embedding,
    biases or BatchNorm parameters, as BigGAN). Fake samples use the real
    batch's labels.

    Truncation: `generate(..., psi=t)` draws z from the normal truncated to
    [−t, t] (BigGAN's threshold; smaller t trades variety for fidelity), see
    `truncate_latents`. `psi` is the threshold, not StyleGAN's interpolation
    weight: psi=None means no truncation and psi=1.0 already keeps only
    |z| ≤ 1. The exported SavedModel (`kgan.export.export_saved_model`) takes
    the required scalar `psi` the same way; serve a large value (e.g. 1e9)
    for no truncation.

    Args:
        generator: built `keras.Model` `[z (batch, latent_dim), labels int32
            (batch,)]` → images `(batch, H, W, C)` in [-1, 1].
        discriminator: built `keras.Model` `[x, labels]` → logits `(batch, 1)`.
        latent_dim: int > 0.
        num_classes: int ≥ 2.
        orthogonal_weight: float ≥ 0, default 1e-4, β (0 turns it off).
        loss: str, default `"hinge"` (see `kgan.models.GAN`).
        d_steps: int ≥ 1, default 2 (BigGAN's).
        ema_decay: float in (0, 1) or None, default 0.999, of the generator EMA
            that `generate()` and export sample (BigGAN: 0.9999 over long
            runs). Pass `ema_decay=None` to give `ema_half_life_images` instead
            or to keep no EMA.
        seed: int or None.
        **kwargs: other `kgan.models.GAN` arguments (`r1_gamma`, `augment`, …);
            CGAN's `conditioning` and `embedding_dim` are refused (the networks
            are conditional already).

    `compile()` defaults to BigGAN's Adam: learning rate 5e-5 for G and 2e-4
    for D, β1 = 0, β2 = 0.999.

    Data: `fit(x, y)` with images in [-1, 1] and int labels `(num_samples,)`.

    Example:
        >>> x, y = kgan.data.load_digits(image_size=32)
        >>> g = kgan.networks.biggan_generator(64, 10, (32, 32, 1), channels=(64, 64, 32, 16))
        >>> d = kgan.networks.biggan_discriminator((32, 32, 1), 10, channels=(16, 32, 64, 64))
        >>> model = kgan.models.BigGAN(g, d, latent_dim=64, num_classes=10)
        >>> model.compile()
        >>> model.fit(x, y, batch_size=64)
        >>> sevens = model.generate(labels=[7] * 16, seed=0, psi=0.7)

    Reference:
        Brock, Donahue & Simonyan 2019, "Large Scale GAN Training for High
        Fidelity Natural Image Synthesis" (ICLR 2019).
    """

    def __init__(
        self,
        generator,
        discriminator,
        latent_dim,
        num_classes,
        orthogonal_weight=1e-4,
        loss="hinge",
        d_steps=2,
        ema_decay=0.999,
        seed=None,
        **kwargs,
    ):
        for role, network in (("generator", generator), ("discriminator", discriminator)):
            if isinstance(network, keras.Model) and _num_inputs(network) != 2:
                raise ValueError(
                    f"BigGAN's {role} must be conditional, with inputs [inputs, labels] (see "
                    f"kgan.networks.biggan_{role}). Received a {role} with "
                    f"{_num_inputs(network)} input."
                )
        check_non_negative(orthogonal_weight, "orthogonal_weight")
        conditional = "whose networks are conditional already (CGAN wraps only unconditional ones)"
        refuse_fixed_options("BigGAN", kwargs, {
            "conditioning": conditional, "embedding_dim": conditional,
        })
        super().__init__(
            generator, discriminator, latent_dim, num_classes, loss=loss, d_steps=d_steps,
            ema_decay=ema_decay, seed=seed, **kwargs,
        )
        self.orthogonal_weight = float(orthogonal_weight)
        if self.orthogonal_weight:
            self.log_names = self.log_names + ("ortho",)

    def default_optimizers(self):
        return (
            keras.optimizers.Adam(5e-5, beta_1=0.0, beta_2=0.999, name="g_adam"),
            keras.optimizers.Adam(2e-4, beta_1=0.0, beta_2=0.999, name="d_adam"),
        )

    # ------------------------------------------------------------ regulariser
    @property
    def orthogonal_variables(self):
        """The generator variables the orthogonal regulariser covers (named `kernel`)."""
        return [v for v in self.generator.trainable_variables if v.name == "kernel"]

    @property
    def g_reg_interval(self):
        return 1 if self.orthogonal_weight else None

    def generator_regularizer(self, batch, noise):
        penalty = sum(orthogonal_penalty(kernel) for kernel in self.orthogonal_variables)
        return self.orthogonal_weight * penalty, {"ortho": penalty}

    # ------------------------------------------------------------ sampling
    def generate(self, labels, z=None, seed=None, psi=None, batch_size=256):
        """Generates one sample per label, optionally with the truncation trick.

        Args:
            labels: ints `(num_samples,)` in `[0, num_classes)`.
            z: optional latents `(num_samples, latent_dim)` from N(0, I);
                default drawn with numpy from `seed`.
            seed: int or None.
            psi: float > 0 or None (default: no truncation), the truncation
                threshold: entries of z outside [−psi, psi] are redrawn inside
                (`truncate_latents`), for drawn and for given z.
            batch_size: int.

        Returns:
            `np.ndarray` `(num_samples, *sample_shape)`.
        """
        labels = self._check_labels(labels)
        psi = _check_psi(psi)
        if z is None:
            z = latents(len(labels), self.latent_dim, seed)
        if psi is not None:
            z = ops.convert_to_numpy(truncate_latents(np.asarray(z, dtype="float32"), psi))
        return super().generate(labels, z=z, batch_size=batch_size)

    def sample_with_truncation(self, inputs, psi):
        """Images for `[z, labels]` with latents truncated at threshold `psi`
        (a float32 scalar tensor), from `sampling_generator`: the export's
        truncation contract (`kgan.export.export_saved_model`)."""
        z, labels = inputs
        return self.sampling_generator([truncate_latents(z, psi), labels], training=False)

    def get_config(self):
        config = super().get_config()
        for key in ("conditioning", "embedding_dim"):
            config.pop(key)
        config["orthogonal_weight"] = self.orthogonal_weight
        return config
