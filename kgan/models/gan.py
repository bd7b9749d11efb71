"""The unconditional GAN with a choice of adversarial loss."""

import warnings

import keras
import numpy as np
from keras import ops

from kgan.augment import get as get_augment
from kgan.backend import input_gradients, without_gradient
from kgan.losses import (
    discriminator_minimax_loss,
    generator_feature_matching_loss,
    get_adversarial_loss,
    r1_penalty,
    r2_penalty,
)
from kgan.training.adversarial_model import AdversarialModel
from kgan.utils.sampling import generate_in_batches, latents_or_given
from kgan.utils.shapes import batch_shape_of
from kgan.utils.validation import (
    check_int,
    check_non_negative,
    check_number_in,
    is_number,
)


def _check_least_squares_targets(targets, loss):
    if targets is None:
        return None
    if loss != "least_squares":
        raise ValueError(
            "least_squares_targets applies to loss='least_squares' only. "
            f"Received: loss={loss!r}, least_squares_targets={targets!r}"
        )
    if (
        not isinstance(targets, (tuple, list))
        or len(targets) != 3
        or not all(is_number(t) for t in targets)
    ):
        raise ValueError(
            "least_squares_targets must be three numbers (a, b, c), e.g. (0, 1, 1) or "
            f"(-1, 1, 0). Received: least_squares_targets={targets!r}"
        )
    return tuple(float(t) for t in targets)


def _feature_discriminator(discriminator, layer_name):
    """`x → f(x)`, the output of the discriminator layer `layer_name`, sharing its weights."""
    if layer_name is None:
        return None
    if len(getattr(discriminator, "inputs", None) or ()) != 1:
        raise ValueError(
            "feature_matching_layer needs a Functional discriminator (built with keras.Input) "
            f"with one input, the samples. Received: a {type(discriminator).__name__} with "
            f"inputs {getattr(discriminator, 'inputs', None)}."
        )
    names = [layer.name for layer in discriminator.layers[1:]]
    if layer_name not in names:
        raise ValueError(
            f"feature_matching_layer must name a layer of the discriminator, one of {names}. "
            f"Received: feature_matching_layer={layer_name!r}"
        )
    output = discriminator.get_layer(layer_name).output
    return keras.Model(discriminator.inputs, output, name="feature_discriminator")


def _squared_distance(variables, averages):
    """Σ ‖θ − θ̄‖² over paired variables."""
    return sum(ops.sum(ops.square(v - a)) for v, a in zip(variables, averages))


class LatentSampling:
    """`generate()` for models whose `sampling_generator` maps latents
    `(batch, latent_dim)` to samples; the model defines `latent_dim`."""

    def generate(self, num_samples=None, z=None, seed=None, batch_size=256):
        """Generates samples with the generator in inference mode.

        Args:
            num_samples: int, how many; needed unless `z` is given.
            z: array `(num_samples, latent_dim)`, latents to use; default drawn
                from N(0, I) with numpy's generator seeded by `seed`.
            seed: int or None, seed for the latents when `z` is not given.
            batch_size: int, generator batch size.

        Returns:
            `np.ndarray` `(num_samples, *sample_shape)`.
        """
        z = latents_or_given(num_samples, z, seed, self.latent_dim)
        return generate_in_batches(self.sampling_generator, [z], batch_size)


@keras.saving.register_keras_serializable(package="kgan")
class GAN(LatentSampling, AdversarialModel):
    """Generative adversarial network: G(z) against a discriminator D(x).

    Args:
        generator: built `keras.Model` mapping latents `(batch, latent_dim)` to
            samples `(batch, *sample_shape)`, e.g. images in [-1, 1] (tanh).
        discriminator: built `keras.Model` mapping samples to logits
            `(batch, 1)` (no sigmoid).
        latent_dim: int > 0, size of z ~ N(0, I).
        loss: str, default `"non_saturating"`. One of `"minimax"`,
            `"non_saturating"`, `"least_squares"`, `"hinge"`, `"wasserstein"`
            (see `kgan.losses`).
        d_steps: int ≥ 1, default 1. Discriminator updates per generator update.
        g_steps: int ≥ 1, default 1. Generator updates per batch, after the
            discriminator's (PacGAN's Stacked MNIST runs use 2); see
            `kgan.training.AdversarialModel`.
        label_smoothing: float in [0, 1), default 0. One-sided label smoothing:
            real targets become `1 - label_smoothing` (minimax and
            non-saturating losses only).
        least_squares_targets: None (default) or `(a, b, c)`, the LSGAN
            targets of Mao et al. 2017 (`loss="least_squares"` only): D is
            pushed to a on generated and b on real samples, G wants D to give c
            (see `kgan.losses.discriminator_least_squares_loss`). None means the
            paper's (0, 1, 1); its other choice is (−1, 1, 0).
        feature_matching_layer: str or None, default None. Name of an
            intermediate discriminator layer f (a Functional discriminator);
            the generator then minimises feature matching (Salimans et al.
            2016) instead of its adversarial loss: ‖E f(x) − E f(G(z))‖² over
            the batch, divided by the number of features
            (`kgan.losses.generator_feature_matching_loss`). Refused by a
            subclass that declares `supports_feature_matching = False`.
        historical_averaging: float ≥ 0, default 0. Weight w of historical
            averaging (Salimans et al. 2016): each player adds w·‖θ − θ̄‖² to
            its loss (logged as `d_hist` / `g_hist`, included in `d_loss` /
            `g_loss`), θ̄ the average of its trainable parameters at the end of
            every past train step and at construction, kept in the model's
            non-trainable variables `discriminator_history` /
            `generator_history` (saved, restored, threaded by JAX). Refused by
            a subclass that declares `supports_historical_averaging = False`.
        r1_gamma: float ≥ 0, default 0. Weight γ of the R1 penalty on real
            samples; the discriminator minimises its loss + γ/2 · R1 (logged
            as `r1`). 0 disables it.
        r2_gamma: float ≥ 0, default 0. Weight of the R2 penalty on generated
            samples, γ/2 · R2 (logged as `r2`).
        reg_interval: int ≥ 1, default 1. With 1 the penalties join every
            discriminator step; with k > 1 they are lazy (StyleGAN2): their own
            step every k train steps, scaled by k, with the discriminator's
            optimizer corrected (see `kgan.training.AdversarialModel`).
        ema_decay, ema_half_life_images: generator EMA, see
            `kgan.training.AdversarialModel`; `generate()` then samples the EMA.
        augment: None (default), a policy string such as
            `"color,translation,cutout"` (→ `kgan.augment.DiffAugment`), or a
            `kgan.augment.DiffAugment` / `AdaptiveAugment`. Differentiable
            augmentation of every discriminator input, real and fake, in both
            phases, with parameters drawn per sample in `sample_noise` (image
            samples only). `AdaptiveAugment` adds the logs `ada_p`, `ada_rt`.
        seed: int or None. Seed of the in-step random generator.

    Data: `fit(x)` with `x` of shape `(num_samples, *sample_shape)`, matching the
    discriminator's input; labels, if given, are ignored.

    Example:
        >>> g = kgan.networks.mlp_generator(latent_dim=8, output_dim=2)
        >>> d = kgan.networks.mlp_discriminator(input_dim=2)
        >>> gan = kgan.models.GAN(g, d, latent_dim=8)
        >>> gan.compile()
        >>> gan.fit(kgan.data.gaussian_mixture("ring8", 2048, seed=0), batch_size=256)
        >>> samples = gan.generate(100, seed=0)  # np.ndarray (100, 2)

    Reference:
        Goodfellow et al. 2014, "Generative Adversarial Nets".
    """

    log_names = ("d_loss", "g_loss", "d_real", "d_fake")
    # Feature matching lives in GAN's generator_loss, historical averaging in
    # both losses: a subclass whose loss does not return GAN's (through super())
    # declares False, and asking it for the technique is refused.
    supports_feature_matching = True
    supports_historical_averaging = True

    def __init__(
        self,
        generator,
        discriminator,
        latent_dim,
        loss="non_saturating",
        d_steps=1,
        label_smoothing=0.0,
        least_squares_targets=None,
        feature_matching_layer=None,
        historical_averaging=0.0,
        r1_gamma=0.0,
        r2_gamma=0.0,
        reg_interval=1,
        augment=None,
        seed=None,
        **kwargs,
    ):
        check_int(latent_dim, "latent_dim")
        check_non_negative(r1_gamma, "r1_gamma")
        check_non_negative(r2_gamma, "r2_gamma")
        check_int(reg_interval, "reg_interval")
        d_loss_fn, g_loss_fn = get_adversarial_loss(loss)
        check_number_in(label_smoothing, "label_smoothing", 0, 1, closed="left")
        if label_smoothing and d_loss_fn is not discriminator_minimax_loss:
            raise ValueError(
                "label_smoothing applies to the cross-entropy losses ('minimax', "
                f"'non_saturating') only. Received: loss={loss!r}, "
                f"label_smoothing={label_smoothing!r}"
            )
        super().__init__(generator, discriminator, d_steps=d_steps, seed=seed, **kwargs)
        self.latent_dim = latent_dim
        self.loss_name = loss
        self.label_smoothing = float(label_smoothing)
        self.r1_gamma = float(r1_gamma)
        self.r2_gamma = float(r2_gamma)
        self.reg_interval = reg_interval
        penalties = tuple(n for n, g in (("r1", self.r1_gamma), ("r2", self.r2_gamma)) if g)
        self.log_names = self.log_names + penalties
        self.uses_input_gradients = self.uses_input_gradients or bool(penalties)
        self._d_loss_fn = d_loss_fn
        self._g_loss_fn = g_loss_fn
        self._check_networks()
        self._init_improved_techniques(
            least_squares_targets, feature_matching_layer, historical_averaging
        )
        self.augment = get_augment(augment)
        if self.augment is not None:
            if len(self.sample_shape) != 3:
                raise ValueError(
                    "augment needs image samples (height, width, channels). Received: "
                    f"augment={augment!r} for samples of shape {self.sample_shape}."
                )
            self.log_names = self.log_names + self.augment.log_names

    def _check_networks(self):
        g_in = batch_shape_of(self.generator, "input_shape")
        if g_in[1:] != (self.latent_dim,):
            raise ValueError(
                f"The generator must take latents of shape (batch, {self.latent_dim}) "
                f"(latent_dim={self.latent_dim}). Received a generator with input shape {g_in}."
            )
        self._check_sample_shape(batch_shape_of(self.generator, "output_shape"))

    def _check_sample_shape(self, g_out):
        d_in = batch_shape_of(self.discriminator, "input_shape")
        if g_out[1:] != d_in[1:]:
            raise ValueError(
                "The generator's output shape must match the discriminator's input shape. "
                f"Received: generator output {g_out}, discriminator input {d_in}."
            )

    def _init_improved_techniques(
        self, least_squares_targets, feature_matching_layer, historical_averaging
    ):
        """Validates and sets up Salimans et al.'s techniques and the LSGAN targets."""
        self.least_squares_targets = _check_least_squares_targets(
            least_squares_targets, self.loss_name
        )
        d_loss_kwargs, g_loss_kwargs = {}, {}
        if self.label_smoothing:
            d_loss_kwargs["label_smoothing"] = self.label_smoothing
        if self.least_squares_targets is not None:
            a, b, c = self.least_squares_targets
            d_loss_kwargs.update(a=a, b=b)
            g_loss_kwargs["c"] = c
        self._d_loss_kwargs, self._g_loss_kwargs = d_loss_kwargs, g_loss_kwargs
        check_non_negative(historical_averaging, "historical_averaging")
        for name, value, support in (
            ("feature_matching_layer", feature_matching_layer, "supports_feature_matching"),
            ("historical_averaging", historical_averaging, "supports_historical_averaging"),
        ):
            if value and not getattr(self, support):
                raise ValueError(
                    f"{name} must be left unset for {type(self).__name__}: it is part of GAN's "
                    f"own losses, and {type(self).__name__} declares {support} = False. "
                    f"Received: {name}={value!r}"
                )
        self.feature_matching_layer = feature_matching_layer
        self.feature_discriminator = _feature_discriminator(
            self.discriminator, feature_matching_layer
        )
        self.historical_averaging = float(historical_averaging)
        self.discriminator_history, self.generator_history = [], []
        self.historical_count = None
        if self.historical_averaging:
            # θ̄ starts at the initial parameters: one value averaged so far.
            self.historical_count = keras.Variable(
                1.0, trainable=False, name="historical_count"
            )
            for history, variables in (
                (self.discriminator_history, self.discriminator_variables),
                (self.generator_history, self.generator_variables),
            ):
                for variable in variables:
                    history.append(
                        keras.Variable(
                            ops.convert_to_numpy(variable),
                            trainable=False,
                            name=variable.name + "_history",
                        )
                    )
            self.log_names = self.log_names + ("d_hist", "g_hist")

    def end_of_step(self, batch, batch_size):
        super().end_of_step(batch, batch_size)
        if self.historical_averaging:
            # θ̄ ← θ̄ + (θ − θ̄) / n: the running mean of the parameters after each step.
            count = self.historical_count + 1.0
            for average, variable in zip(
                self.discriminator_history + self.generator_history,
                self.discriminator_variables + self.generator_variables,
            ):
                average.assign(average + (variable - average) / count)
            self.historical_count.assign(count)

    @property
    def sample_shape(self):
        """Shape of one sample, without the batch axis."""
        return batch_shape_of(self.discriminator, "input_shape")[1:]

    def check_data(self, x, y):
        super().check_data(x, y)
        if isinstance(x, np.ndarray) and tuple(x.shape[1:]) != self.sample_shape:
            raise ValueError(
                f"Training data must have shape (num_samples, *{self.sample_shape}) to match "
                f"the discriminator. Received: x.shape={x.shape}"
            )
        if isinstance(x, np.ndarray) and len(x) == 0:
            raise ValueError("Training data is empty. Received: x.shape=" + str(x.shape))
        if isinstance(x, np.ndarray) and x.ndim == 4:
            low, high = float(np.min(x)), float(np.max(x))
            if low < -1.0 - 1e-3 or high > 1.0 + 1e-3:
                warnings.warn(
                    "Training images should be in [-1, 1], the range of the generator's tanh "
                    f"output. Received values in [{low:g}, {high:g}]. Rescale them, e.g. "
                    "kgan.data.images_from_array(x, value_range=(0, 255)) for 8-bit images.",
                    stacklevel=3,
                )

    # ------------------------------------------------------------ losses
    def sample_noise(self, batch):
        batch_size = ops.shape(batch["real"])[0]
        noise = {"z": self.random_normal((batch_size, self.latent_dim))}
        if self.augment is not None:
            for role in ("real", "fake"):
                noise["augment_" + role] = self.per_replica(
                    # `sample` reads only the shape of its images.
                    lambda shape: self.augment.sample(ops.zeros(shape), self.seed_generator),
                    ops.shape(batch["real"]),
                )
        return noise

    def augmented(self, samples, noise, role):
        """`samples` through `self.augment` with the parameters `sample_noise`
        drew for `role` (`"real"` or `"fake"`); unchanged without augment."""
        if self.augment is None:
            return samples
        return self.augment.transform(samples, noise["augment_" + role])

    def discriminator_logits(self, batch, samples):
        """D's logits for `samples` as given (no augmentation), in float32 (also
        under mixed precision), so losses and penalties are computed in full
        precision. A conditional variant overrides it to pass its conditions."""
        return ops.cast(self.discriminator(samples, training=True), "float32")

    def discriminate(self, batch, samples, noise, role):
        """D's float32 logits for `samples` as the discriminator sees them in
        training: through `self.augment` with the parameters `sample_noise`
        drew for `role` (`"real"` or `"fake"`), then `discriminator_logits`.
        Losses and penalties score every real or generated batch here, so with
        `augment` every discriminator input is augmented, in both phases."""
        return self.discriminator_logits(batch, self.augmented(samples, noise, role))

    def discriminator_logs(self, real_logits, fake_logits):
        """The discriminator phase's logs, `d_real` and `d_fake` (mean logits),
        and with `augment` its observation of the real logits (ADA adapts its
        probability there: `ada_p`, `ada_rt`). Every discriminator loss reports
        through it, once per discriminator update."""
        logs = {"d_real": ops.mean(real_logits), "d_fake": ops.mean(fake_logits)}
        if self.augment is not None:
            logs.update(self.augment.observe(real_logits))
        return logs

    def generate_for_batch(self, batch, noise, training=True):
        """G's samples for a training batch, in float32 (also under mixed precision)."""
        return ops.cast(self.generator(noise["z"], training=training), "float32")

    def discriminator_loss(self, batch, noise):
        fake = without_gradient(lambda: self.generate_for_batch(batch, noise))
        real_logits = self.discriminate(batch, batch["real"], noise, "real")
        fake_logits = self.discriminate(batch, fake, noise, "fake")
        loss = self._d_loss_fn(real_logits, fake_logits, **self._d_loss_kwargs)
        logs = self.discriminator_logs(real_logits, fake_logits)
        if self.historical_averaging:
            logs["d_hist"] = _squared_distance(self.discriminator_variables, self.discriminator_history)
            loss = loss + self.historical_averaging * logs["d_hist"]
        return loss, logs

    def generator_loss(self, batch, noise):
        fake = self.generate_for_batch(batch, noise)
        if self.feature_discriminator is None:
            loss = self._g_loss_fn(self.discriminate(batch, fake, noise, "fake"),
                                   **self._g_loss_kwargs)
        else:
            fake = self.augmented(fake, noise, "fake")
            real = self.augmented(batch["real"], noise, "real")
            loss = generator_feature_matching_loss(
                ops.stop_gradient(self.feature_discriminator(real, training=True)),
                self.feature_discriminator(fake, training=True),
            )
        if not self.historical_averaging:
            return loss, {}
        distance = _squared_distance(self.generator_variables, self.generator_history)
        return loss + self.historical_averaging * distance, {"g_hist": distance}

    @property
    def d_reg_interval(self):
        return self.reg_interval if (self.r1_gamma or self.r2_gamma) else None

    def discriminator_regularizer(self, batch, noise):
        """γ1/2 · R1 on the real batch + γ2/2 · R2 on generated samples.

        With `augment`, the gradients are taken through the augmentation, of
        D(augment(x)) with respect to the unaugmented x (StyleGAN2-ADA): the
        penalty then regularises the function the discriminator loss trains."""
        def logits_of(role):
            return lambda samples: self.discriminate(batch, samples, noise, role)

        loss, logs = 0.0, {}
        if self.r1_gamma:
            logs["r1"] = r1_penalty(input_gradients(logits_of("real"), batch["real"]))
            loss = loss + 0.5 * self.r1_gamma * logs["r1"]
        if self.r2_gamma:
            fake = without_gradient(lambda: self.generate_for_batch(batch, noise))
            logs["r2"] = r2_penalty(input_gradients(logits_of("fake"), fake))
            loss = loss + 0.5 * self.r2_gamma * logs["r2"]
        return loss, logs

    # ------------------------------------------------------------ sampling
    def call(self, z, training=False):
        return self.generator(z, training=training)

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "latent_dim": self.latent_dim,
                "loss": self.loss_name,
                "label_smoothing": self.label_smoothing,
                "least_squares_targets": self.least_squares_targets,
                "feature_matching_layer": self.feature_matching_layer,
                "historical_averaging": self.historical_averaging,
                "r1_gamma": self.r1_gamma,
                "r2_gamma": self.r2_gamma,
                "reg_interval": self.reg_interval,
                "augment": keras.saving.serialize_keras_object(self.augment),
            }
        )
        return config
