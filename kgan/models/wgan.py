"""WGAN: the Wasserstein critic kept Lipschitz by weight clipping."""

import keras
from keras import ops

from kgan.models.gan import GAN
from kgan.utils.validation import check_positive, refuse_fixed_options


class _WeightClip(keras.constraints.Constraint):
    """Clips every entry of a weight to [−clip_value, clip_value].

    Args:
        clip_value: float > 0.
    """

    def __init__(self, clip_value):
        self.clip_value = float(clip_value)

    def __call__(self, w):
        return ops.clip(w, -self.clip_value, self.clip_value)

    def get_config(self):
        return {"clip_value": self.clip_value}


@keras.saving.register_keras_serializable(package="kgan")
class WGAN(GAN):
    """Wasserstein GAN with weight clipping.

    The critic minimises E[D(G(z))] − E[D(x)] and the generator −E[D(G(z))].
    After every critic update each trainable critic weight is clipped to
    [−clip_value, clip_value], which bounds the critic's Lipschitz constant.
    The clip is a `keras.constraints.Constraint` set on the critic's trainable
    variables, which Keras optimizers apply right after each update, inside the
    compiled step on every backend. Giving the critic to a WGAN therefore sets
    those constraints on it; a critic variable that already has another
    constraint is refused.

    Args:
        generator: built `keras.Model`, latents `(batch, latent_dim)` to samples.
        discriminator: built `keras.Model` (the critic), samples to scores
            `(batch, 1)`, no sigmoid.
        latent_dim: int > 0.
        clip_value: float > 0, default 0.01 (c in the paper).
        d_steps: int ≥ 1, default 5 (n_critic: critic updates per generator
            update, each on the same real batch and fresh noise).
        seed: int or None.
        **kwargs: other `kgan.models.GAN` arguments (e.g. `ema_decay`); `loss`
            is refused (always `"wasserstein"`).

    `compile()` defaults to RMSprop(5e-5) on both sides, as in the paper
    (ρ = 0.99 as in the authors' PyTorch code).

    Example:
        >>> g = kgan.networks.mlp_generator(latent_dim=8, output_dim=2)
        >>> d = kgan.networks.mlp_discriminator(input_dim=2)
        >>> model = kgan.models.WGAN(g, d, latent_dim=8)
        >>> model.compile()
        >>> model.fit(kgan.data.gaussian_mixture("ring8", 2048, seed=0), batch_size=64)

    Reference:
        Arjovsky et al. 2017, "Wasserstein Generative Adversarial Networks".
    """

    def __init__(
        self, generator, discriminator, latent_dim, clip_value=0.01, d_steps=5, seed=None, **kwargs
    ):
        check_positive(clip_value, "clip_value")
        refuse_fixed_options("WGAN", kwargs, {"loss": "whose loss is the Wasserstein loss"})
        super().__init__(
            generator,
            discriminator,
            latent_dim,
            loss="wasserstein",
            d_steps=d_steps,
            seed=seed,
            **kwargs,
        )
        self.clip_value = float(clip_value)
        for variable in self.discriminator_variables:
            if variable.constraint is not None and not isinstance(variable.constraint, _WeightClip):
                raise ValueError(
                    "WGAN clips every critic weight and cannot combine that with another "
                    f"constraint. Received: critic variable {variable.path!r} with "
                    f"constraint={variable.constraint!r}"
                )
        for variable in self.discriminator_variables:
            variable.constraint = _WeightClip(self.clip_value)

    def default_optimizers(self):
        return (
            keras.optimizers.RMSprop(5e-5, rho=0.99, name="g_rmsprop"),
            keras.optimizers.RMSprop(5e-5, rho=0.99, name="d_rmsprop"),
        )

    def get_config(self):
        config = super().get_config()
        for key in ("loss", "label_smoothing"):
            config.pop(key)
        config["clip_value"] = self.clip_value
        return config
