"""StyleGAN and StyleGAN2: style-based generators with style mixing, truncation and w-space APIs."""

import math

import keras
import numpy as np
from keras import ops

from kgan.backend import input_gradients
from kgan.layers.style import noise_layers
from kgan.losses.path_length import path_length_penalty, path_lengths
from kgan.models.gan import GAN
from kgan.utils.sampling import generate_in_batches, latents_or_given
from kgan.utils.validation import (
    check_int,
    check_labels,
    check_non_negative,
    check_number_in,
    refuse_fixed_options,
)


def mix_styles(w, w_mix, crossover, num_ws):
    """w+ from two w: layers `< crossover` take `w`, the others `w_mix`.

    Args:
        w, w_mix: tensors `(batch, w_dim)`.
        crossover: int scalar or `(batch,)` tensor in [0, num_ws]; `num_ws`
            means no mixing.
        num_ws: int, number of style layers.

    Returns:
        Tensor `(batch, num_ws, w_dim)`.
    """
    crossover = ops.reshape(ops.convert_to_tensor(crossover, "int32"), (-1, 1, 1))
    first = ops.arange(num_ws, dtype="int32")[None, :, None] < crossover
    return ops.where(first, w[:, None, :], w_mix[:, None, :])


def truncate(ws, w_avg, psi, cutoff=None):
    """The truncation trick in w+: `w_avg + psi · (w − w_avg)` for layers `< cutoff`.

    Args:
        ws: tensor `(batch, num_ws, w_dim)`.
        w_avg: tensor `(w_dim,)`, the tracked average w.
        psi: float or scalar tensor; 1 leaves ws unchanged, 0 gives w_avg.
        cutoff: int or None (every layer).

    Returns:
        Tensor `(batch, num_ws, w_dim)`.
    """
    w_avg = ops.cast(w_avg, ws.dtype)
    truncated = w_avg + ops.cast(psi, ws.dtype) * (ws - w_avg)
    if cutoff is None:
        return truncated
    layers = ops.arange(ws.shape[1])[None, :, None]
    return ops.where(layers < cutoff, truncated, ws)


_NEEDS_LABELS = (
    "A conditional StyleGAN (c_dim > 0) trains on (images, labels) pairs: call fit(x, y) "
    "with int labels y."
)


def _generator_inputs(generator, discriminator):
    """`(latent_dim, c_dim)` of a generator z or `[z, c]`, checked against the discriminator's
    inputs (images, or `[images, c]` with the same c_dim)."""
    if not isinstance(generator, keras.Model):
        return None, 0
    shapes = generator.input_shape
    conditional = isinstance(shapes, list) and len(shapes) == 2
    latent_dim = tuple(shapes[0] if conditional else shapes)[-1]
    c_dim = tuple(shapes[1])[-1] if conditional else 0
    d_shapes = getattr(discriminator, "input_shape", None)
    d_c_dim = tuple(d_shapes[1])[-1] if isinstance(d_shapes, list) and len(d_shapes) == 2 else 0
    if d_shapes is not None and d_c_dim != c_dim:
        raise ValueError(
            "The generator and the discriminator must take labels of the same size c_dim "
            f"(0: unconditional). Received: generator c_dim={c_dim}, discriminator "
            f"c_dim={d_c_dim}"
        )
    return latent_dim, c_dim


def style_optimizers(learning_rate):
    """The StyleGAN papers' `(g_optimizer, d_optimizer)`: Adam(learning_rate, β = (0, 0.99), ε = 1e-8)."""
    return tuple(
        keras.optimizers.Adam(learning_rate, beta_1=0.0, beta_2=0.99, epsilon=1e-8, name=name)
        for name in ("g_adam", "d_adam")
    )


class _NoiseMode:
    """Sets `noise_mode` on every NoiseInjection of a generator for a `with` block."""

    def __init__(self, generator, noise_mode):
        self.layers = noise_layers(generator)
        self.noise_mode = noise_mode

    def __enter__(self):
        self.saved = [layer.noise_mode for layer in self.layers]
        for layer in self.layers:
            layer.noise_mode = self.noise_mode

    def __exit__(self, *exc):
        for layer, mode in zip(self.layers, self.saved):
            layer.noise_mode = mode


@keras.saving.register_keras_serializable(package="kgan")
class StyleGAN(GAN):
    """StyleGAN: a mapping network z → w, a style-based synthesis network, style mixing.

    The generator is `synthesis(broadcast(mapping(z)))`, built by
    `kgan.networks.stylegan_generator` from a mapping network (e.g.
    `stylegan_mapping`, 8 layers, lr multiplier 0.01) and a synthesis network
    taking w+ `(batch, num_ws, w_dim)` (`stylegan_synthesis` with AdaIN and
    noise, or `stylegan2_synthesis`). Training uses the non-saturating
    logistic loss with R1 on real images (γ/2 · R1, logged `r1`).

    Style mixing regularisation: in every phase, with probability `mix_prob`
    per batch a second latent's w replaces the first from a crossover layer
    drawn uniformly in [1, num_ws) (NVlabs: one crossover per batch).

    Average w: `w_avg`, a non-trainable variable of the model, follows the
    mean w of each training batch, `w_avg ← mean(w) + w_avg_beta · (w_avg −
    mean(w))`, at every training forward pass of the mapping network (as
    stylegan2-ada-pytorch); the update is an assignment inside the step, which
    JAX jit and `tf.function` carry like BatchNorm statistics. It is saved
    with the model and is the centre of truncation.

    Sampling (`generate`, `map`, `synthesize`) uses `sampling_generator`
    (the generator EMA when the model keeps one).

    Class-conditional (NVlabs' `c_dim > 0`): when the mapping network takes
    `[z, c]` (`stylegan_mapping(c_dim=...)`), the discriminator must take
    `[images, c]` with the same `c_dim`; the model then trains on `fit(x, y)`
    with int labels `y` in `[0, num_classes)`, `num_classes = c_dim`, passed to
    both networks as one-hot `c` (the generator phases condition on the real
    batch's labels, which have the distribution NVlabs draws `gen_c` from), and
    `generate`/`map` take `labels=`.

    Args:
        generator: built `keras.Model` z (or `[z, c]`) → images with layers
            named `"mapping"` and `"synthesis"`
            (`kgan.networks.stylegan_generator`). `latent_dim` is z's size.
        discriminator: built `keras.Model` images (or `[images, c]`) → logits
            `(batch, 1)`, e.g. `kgan.networks.stylegan2_discriminator`. No
            BatchNorm (R1).
        mix_prob: float in [0, 1], default 0.9. Style mixing probability.
        w_avg_beta: float in [0, 1), default 0.995. Decay of `w_avg`.
        r1_gamma: float ≥ 0, default 10 (FFHQ; smaller images need less, e.g. 0.1–1).
        reg_interval: int ≥ 1, default 1: R1 in every D step (StyleGAN);
            k > 1 is lazy R1 (see `kgan.training.AdversarialModel`).
        d_steps, augment, ema_decay, ema_half_life_images, seed: see
            `kgan.models.GAN`; its `latent_dim` (read from the generator) and
            `loss` (non-saturating) are refused.

    `compile()` defaults to Adam(1e-3, β1 = 0, β2 = 0.99, ε = 1e-8) for both
    networks (the paper's).

    Example:
        >>> mapping = kgan.networks.stylegan_mapping(32, 32, num_layers=2)
        >>> synthesis = kgan.networks.stylegan_synthesis(32, (16, 16, 1), 256, 16)
        >>> g = kgan.networks.stylegan_generator(mapping, synthesis)
        >>> d = kgan.networks.stylegan2_discriminator((16, 16, 1), 256, 16)
        >>> model = kgan.models.StyleGAN(g, d, r1_gamma=1.0)
        >>> model.compile()
        >>> model.fit(kgan.data.load_digits(16)[0][:256], batch_size=32)
        >>> images = model.generate(16, seed=0, psi=0.7)

    Reference:
        Karras, Laine & Aila 2019, "A Style-Based Generator Architecture for
        Generative Adversarial Networks" (CVPR 2019).
    """

    def __init__(
        self,
        generator,
        discriminator,
        mix_prob=0.9,
        w_avg_beta=0.995,
        r1_gamma=10.0,
        reg_interval=1,
        seed=None,
        **kwargs,
    ):
        if isinstance(generator, keras.Model):
            names = [layer.name for layer in generator.layers]
            if "mapping" not in names or "synthesis" not in names:
                raise ValueError(
                    "generator must contain a mapping and a synthesis network, layers named "
                    "'mapping' and 'synthesis' (build it with "
                    f"kgan.networks.stylegan_generator). Received layers {names}"
                )
        check_number_in(mix_prob, "mix_prob", 0, 1)
        check_number_in(w_avg_beta, "w_avg_beta", 0, 1, closed="left")
        refuse_fixed_options(type(self).__name__, kwargs, {
            "latent_dim": "which reads it from the generator's input",
            "loss": "whose loss is the non-saturating loss",
        })
        latent_dim, c_dim = _generator_inputs(generator, discriminator)
        super().__init__(
            generator,
            discriminator,
            latent_dim=latent_dim,
            loss="non_saturating",
            r1_gamma=r1_gamma,
            reg_interval=reg_interval,
            seed=seed,
            **kwargs,
        )
        self.mix_prob = float(mix_prob)
        self.w_avg_beta = float(w_avg_beta)
        self.c_dim = c_dim
        _, self.num_ws, self.w_dim = tuple(self.synthesis.input_shape)
        self.w_avg = keras.Variable(
            np.zeros((self.w_dim,), "float32"), trainable=False, name="w_avg"
        )

    def default_optimizers(self):
        return style_optimizers(1e-3)

    @property
    def num_classes(self):
        """The number of classes of a conditional model (`c_dim`), None when unconditional."""
        return self.c_dim or None

    @property
    def mapping(self):
        """The trained mapping network z (or `[z, c]`) → w."""
        return self.generator.get_layer("mapping")

    @property
    def synthesis(self):
        """The trained synthesis network w+ → images."""
        return self.generator.get_layer("synthesis")

    # ------------------------------------------------------------ data
    def unpack_batch(self, data):
        x, y, _ = keras.utils.unpack_x_y_sample_weight(data)
        if not self.c_dim:
            return {"real": x}
        if y is None:
            raise ValueError(_NEEDS_LABELS)
        labels = ops.cast(ops.reshape(y, (-1,)), "int32")
        return {"real": x, "c": ops.one_hot(labels, self.c_dim)}

    def check_data(self, x, y):
        super().check_data(x, y)
        if self.c_dim and isinstance(x, np.ndarray):
            if y is None:
                raise ValueError(_NEEDS_LABELS)
            labels = check_labels(y, self.c_dim, "y")
            if len(labels) != len(x):
                raise ValueError(
                    f"x and y must have one label per sample. Received {len(x)} samples and "
                    f"{len(labels)} labels."
                )

    def _mapping_inputs(self, z, c):
        return [z, c] if self.c_dim else z

    def _one_hot(self, labels, num):
        """One-hot `c` `(num, c_dim)` for int labels (checked), or None when unconditional."""
        if not self.c_dim:
            if labels is not None:
                raise ValueError("labels are for a conditional model; this one has c_dim=0.")
            return None
        if labels is None:
            raise ValueError(f"This model is conditional (c_dim={self.c_dim}): pass labels=.")
        labels = check_labels(labels, self.c_dim)
        if len(labels) != num:
            raise ValueError(f"labels must hold one label per sample ({num}). Received {len(labels)}.")
        return np.eye(self.c_dim, dtype="float32")[labels]

    def discriminator_logits(self, batch, samples):
        inputs = [samples, batch["c"]] if self.c_dim else samples
        return ops.cast(self.discriminator(inputs, training=True), "float32")

    # ------------------------------------------------------------ training
    def sample_noise(self, batch):
        noise = super().sample_noise(batch)
        if self.c_dim:
            noise["c"] = batch["c"]
        if self.mix_prob:
            batch_size = ops.shape(batch["real"])[0]
            noise["z_mix"] = self.random_normal((batch_size, self.latent_dim))
            mixing = keras.random.uniform((), seed=self.seed_generator) < self.mix_prob
            crossover = keras.random.randint((), 1, self.num_ws, seed=self.seed_generator)
            noise["crossover"] = ops.where(mixing, crossover, self.num_ws)
        return noise

    def styles_for_batch(self, noise, training=True):
        """w+ `(batch, num_ws, w_dim)` for a training batch: `mapping(noise["z"])`
        broadcast, mixed with `mapping(noise["z_mix"])` from `noise["crossover"]`.
        With `training=True` it also updates `w_avg`."""
        c = noise.get("c")
        w = ops.cast(self.mapping(self._mapping_inputs(noise["z"], c), training=training), "float32")
        if training:
            mean = ops.stop_gradient(ops.mean(w, axis=0))
            self.w_avg.assign(mean + self.w_avg_beta * (self.w_avg - mean))
        if not self.mix_prob:
            return ops.repeat(w[:, None, :], self.num_ws, axis=1)
        w_mix = self.mapping(self._mapping_inputs(noise["z_mix"], c), training=training)
        w_mix = ops.cast(w_mix, "float32")
        return mix_styles(w, w_mix, noise["crossover"], self.num_ws)

    def generate_for_batch(self, batch, noise, training=True):
        ws = self.styles_for_batch(noise, training=training)
        return ops.cast(self.synthesis(ws, training=training), "float32")

    # ------------------------------------------------------------ sampling
    def _sampling_networks(self):
        network = self.sampling_generator
        return network.get_layer("mapping"), network.get_layer("synthesis")

    def noise_mode(self, mode):
        """A `with` block in which the sampling generator's noise layers use
        `mode`: `"random"`, `"const"` (fixed noise images) or `"none"`."""
        return _NoiseMode(self.sampling_generator, mode)

    def map(self, z, psi=1.0, batch_size=256, labels=None):
        """w = mapping(z) (or mapping(z, c)), truncated towards `w_avg` by `psi`.

        Args:
            z: array `(num, latent_dim)`.
            psi: float, default 1 (no truncation).
            batch_size: int.
            labels: ints `(num,)` in `[0, num_classes)`; a conditional model needs them.

        Returns:
            `np.ndarray` `(num, w_dim)`.
        """
        z = latents_or_given(None, z, None, self.latent_dim)
        w = self._map_in_batches(z, self._one_hot(labels, len(z)), batch_size)
        w_avg = ops.convert_to_numpy(self.w_avg)
        return (w_avg + psi * (w - w_avg)).astype("float32")

    def synthesize(self, ws, noise_mode="const", batch_size=256):
        """Images from w `(num, w_dim)` (the same w for every layer) or w+ `(num, num_ws, w_dim)`.

        Args:
            ws: array `(num, w_dim)` or `(num, num_ws, w_dim)`.
            noise_mode: `"const"` (default: deterministic), `"random"` or
                `"none"`, see `kgan.layers.NoiseInjection`.
            batch_size: int.

        Returns:
            `np.ndarray` `(num, *image_shape)`.
        """
        ws = np.asarray(ws, dtype="float32")
        if ws.ndim == 2:
            ws = np.repeat(ws[:, None, :], self.num_ws, axis=1)
        if ws.ndim != 3 or ws.shape[1:] != (self.num_ws, self.w_dim):
            raise ValueError(
                f"ws must have shape (num, {self.w_dim}) or (num, {self.num_ws}, {self.w_dim}). "
                f"Received: ws.shape={ws.shape}"
            )
        with self.noise_mode(noise_mode):
            return generate_in_batches(self._sampling_networks()[1], [ws], batch_size)

    def _map_in_batches(self, z, c, batch_size):
        inputs = [z] if c is None else [z, c]
        return generate_in_batches(self._sampling_networks()[0], inputs, batch_size)

    def generate(self, num_samples=None, z=None, seed=None, psi=1.0, truncation_cutoff=None,
                 mix_prob=0.0, noise_mode="const", batch_size=256, labels=None):
        """Generates images, with optional truncation and style mixing.

        Args:
            num_samples: int, how many; needed unless `z` or `labels` is given.
            z: array `(num_samples, latent_dim)`; default drawn from N(0, I)
                with numpy seeded by `seed` (as `kgan.models.GAN.generate`).
            seed: int or None, seed of z and of the mixing draws.
            psi: float, default 1. Truncation ψ: w ← w_avg + ψ (w − w_avg);
                ψ = 0 gives the image of the average w.
            truncation_cutoff: int or None, default None: truncate only the
                first `truncation_cutoff` style layers (coarse styles).
            mix_prob: float in [0, 1], default 0. Per sample, the probability
                that a second latent's w takes over from a crossover layer
                drawn uniformly in [1, num_ws).
            noise_mode: `"const"` (default, deterministic), `"random"` or `"none"`.
            batch_size: int.
            labels: ints `(num_samples,)` in `[0, num_classes)`, needed by a
                conditional model (passed as one-hot c, as NVlabs' generate.py does).

        Returns:
            `np.ndarray` `(num_samples, *image_shape)`.
        """
        check_number_in(mix_prob, "mix_prob", 0, 1)
        if num_samples is None and z is None and labels is not None:
            num_samples = len(np.reshape(labels, -1))
        z = latents_or_given(num_samples, z, seed, self.latent_dim)
        c = self._one_hot(labels, len(z))
        w = self._map_in_batches(z, c, batch_size)
        crossover = np.full((len(z),), self.num_ws)
        w_mix = w
        if mix_prob:
            rng = np.random.default_rng(None if seed is None else (seed, 1))
            z_mix = rng.standard_normal(z.shape).astype("float32")
            w_mix = self._map_in_batches(z_mix, c, batch_size)
            drawn = rng.integers(1, self.num_ws, size=len(z))
            crossover = np.where(rng.random(len(z)) < mix_prob, drawn, self.num_ws)
        ws = mix_styles(w, w_mix, crossover, self.num_ws)
        ws = truncate(ws, self.w_avg, psi, truncation_cutoff)
        return self.synthesize(ops.convert_to_numpy(ws), noise_mode, batch_size)

    def sample_with_truncation(self, inputs, psi):
        """Images for latents `inputs` with truncation ψ, in keras.ops (the export contract).

        Args:
            inputs: tensor z `(batch, latent_dim)`, or `[z, labels]` with int
                labels `(batch,)` for a conditional model.
            psi: float32 scalar tensor.

        Returns:
            Images `(batch, *image_shape)` from `sampling_generator`, with
            constant noise (deterministic serving).
        """
        mapping, synthesis = self._sampling_networks()
        if self.c_dim:
            z, labels = inputs
            inputs = [z, ops.one_hot(ops.cast(ops.reshape(labels, (-1,)), "int32"), self.c_dim)]
        w = ops.cast(mapping(inputs, training=False), "float32")
        ws = truncate(ops.repeat(w[:, None, :], self.num_ws, axis=1), self.w_avg, psi)
        with self.noise_mode("const"):
            return synthesis(ws, training=False)

    def get_config(self):
        config = super().get_config()
        for key in ("latent_dim", "loss"):
            config.pop(key)
        config.update({"mix_prob": self.mix_prob, "w_avg_beta": self.w_avg_beta})
        return config


# R1 γ of the fixed configurations of stylegan2-ada-pytorch's train.py (`--cfg`).
_R1_GAMMA_PRESETS = {
    "stylegan2": 10.0, "paper256": 1.0, "paper512": 0.5, "paper1024": 2.0, "cifar": 0.01,
}


def r1_gamma_for(config, resolution=None, batch_size=None):
    """R1 γ as stylegan2-ada-pytorch's `train.py --cfg=config` sets it.

    Args:
        config: str, `"auto"`, `"stylegan2"`, `"paper256"`, `"paper512"`,
            `"paper1024"` or `"cifar"`.
        resolution: int > 0, the image size (height = width); `"auto"` only.
        batch_size: int > 0, the global batch size; `"auto"` only.

    Returns:
        float: `0.0002 · resolution² / batch_size` for `"auto"` (NVlabs'
        heuristic), otherwise 10, 1, 0.5, 2 and 0.01 in the order above.

    Example:
        >>> r1_gamma_for("auto", resolution=256, batch_size=64)  # 0.2048
        >>> r1_gamma_for("paper512")  # 0.5
    """
    if config == "auto":
        check_int(resolution, "resolution")
        check_int(batch_size, "batch_size")
        return 0.0002 * resolution**2 / batch_size
    if config not in _R1_GAMMA_PRESETS:
        raise ValueError(
            f"config must be 'auto' or one of {sorted(_R1_GAMMA_PRESETS)}. Received: config={config!r}"
        )
    return _R1_GAMMA_PRESETS[config]


def _path_length_batch(batch_size, shrink):
    """How many samples the path-length step uses: `batch_size // shrink`, at least 1.

    `batch_size` is an int, or a scalar tensor for a TensorFlow batch of unknown size."""
    rows = batch_size // shrink
    return max(rows, 1) if isinstance(rows, int) else ops.maximum(rows, 1)


def _first_rows(tensors, count):
    """Every tensor of a nested structure cut to its first `count` rows (scalars unchanged)."""
    return keras.tree.map_structure(lambda t: t[:count] if ops.ndim(t) else t, tensors)


@keras.saving.register_keras_serializable(package="kgan")
class StyleGAN2(StyleGAN):
    """StyleGAN2: lazy R1, path-length regularisation and a generator EMA on top of StyleGAN.

    Use it with `kgan.networks.stylegan2_synthesis` (modulated convolutions,
    skip outputs) and `stylegan2_discriminator` (residual). Beyond `StyleGAN`:

    - lazy R1: γ/2 · R1 every `reg_interval` (16) train steps, its own step
      scaled by 16, with the discriminator's Adam corrected (lr × 16/17, β^(16/17));
    - path-length regularisation every `pl_interval` (4) steps, its own
      generator step scaled by 4 (Adam corrected likewise): for w+ from the
      batch's latents (with style mixing) and y ~ N(0, I)/sqrt(H·W), the
      lengths ‖J_wᵀ y‖ (`kgan.losses.path_lengths`, computed with
      `kgan.backend.input_gradients`, double backpropagation on every
      backend) are pulled to their running mean `pl_mean` (a non-trainable
      variable, decay `pl_decay`; the penalty uses the mean updated with
      this batch), loss `pl_weight · E[(‖J_wᵀ y‖ − a)²]`, logged as `pl`. It
      runs on the first `batch // pl_batch_shrink` samples of its own fresh
      latents (NVlabs' `gen_z[:batch // pl_batch_shrink]`), whose mapping
      also updates `w_avg`;
    - a generator EMA with a half-life of `ema_half_life_images` images,
      optionally ramped up (`ema_rampup`), used by `generate`, `map`,
      `synthesize`, callbacks and export.

    The defaults are stylegan2-ada-pytorch's `StyleGAN2Loss` and
    `training_loop` defaults and its `--cfg=stylegan2` γ and EMA; for another
    `--cfg`, take γ from `r1_gamma_for(cfg, resolution, batch_size)` and, for
    `auto` and `cifar`, pass `ema_rampup=0.05`. One difference remains: with
    `pl_weight=0` (NVlabs' `cifar`) NVlabs still corrects the generator's
    Adam for `G_reg_interval=4` (lr × 4/5, β^(4/5)) while kgan leaves it as
    given; pass the corrected values to `compile()` to reproduce it.

    Args:
        generator, discriminator, mix_prob, w_avg_beta: see `StyleGAN`.
        r1_gamma: float ≥ 0, default 10.
        reg_interval: int ≥ 1, default 16 (lazy R1).
        pl_weight: float ≥ 0, default 2; 0 disables path-length regularisation.
        pl_interval: int ≥ 1, default 4.
        pl_decay: float in (0, 1], default 0.01.
        pl_batch_shrink: int ≥ 1, default 2. The path-length step uses
            `max(batch // pl_batch_shrink, 1)` samples; 1 uses the whole batch.
        ema_half_life_images: float > 0 or None, default 10 000 (NVlabs'
            `ema_kimg = 10`). Pass `ema_half_life_images=None` to use
            `ema_decay` instead, or neither for no EMA.
        ema_rampup: float > 0 or None, default None (NVlabs' `ema_rampup`,
            0.05 in its `auto` and `cifar` configurations), see
            `kgan.training.AdversarialModel`.
        d_steps, augment, ema_decay, seed: see `kgan.models.GAN`.

    `compile()` defaults to Adam(2e-3, β1 = 0, β2 = 0.99, ε = 1e-8) for both
    networks (NVlabs' StyleGAN2 configuration), before the lazy corrections.

    Example:
        >>> mapping = kgan.networks.stylegan_mapping(32, 32, num_layers=2)
        >>> synthesis = kgan.networks.stylegan2_synthesis(32, (16, 16, 1), 256, 16)
        >>> g = kgan.networks.stylegan_generator(mapping, synthesis)
        >>> d = kgan.networks.stylegan2_discriminator((16, 16, 1), 256, 16)
        >>> model = kgan.models.StyleGAN2(g, d, r1_gamma=0.5, ema_half_life_images=500)
        >>> model.compile()
        >>> model.fit(kgan.data.load_digits(16)[0][:256], batch_size=32)
        >>> images = model.generate(16, seed=0, psi=0.7)

    Reference:
        Karras et al. 2020, "Analyzing and Improving the Image Quality of
        StyleGAN" (CVPR 2020).
    """

    def __init__(
        self,
        generator,
        discriminator,
        mix_prob=0.9,
        w_avg_beta=0.995,
        r1_gamma=10.0,
        reg_interval=16,
        pl_weight=2.0,
        pl_interval=4,
        pl_decay=0.01,
        pl_batch_shrink=2,
        ema_half_life_images=10_000,
        seed=None,
        **kwargs,
    ):
        check_non_negative(pl_weight, "pl_weight")
        check_int(pl_interval, "pl_interval")
        check_number_in(pl_decay, "pl_decay", 0, 1, closed="right")
        check_int(pl_batch_shrink, "pl_batch_shrink")
        super().__init__(
            generator,
            discriminator,
            mix_prob=mix_prob,
            w_avg_beta=w_avg_beta,
            r1_gamma=r1_gamma,
            reg_interval=reg_interval,
            ema_half_life_images=ema_half_life_images,
            seed=seed,
            **kwargs,
        )
        self.pl_weight = float(pl_weight)
        self.pl_interval = pl_interval
        self.pl_decay = float(pl_decay)
        self.pl_batch_shrink = pl_batch_shrink
        if self.pl_weight:
            self.log_names = self.log_names + ("pl",)
            self.uses_input_gradients = True
        self.pl_mean = keras.Variable(0.0, trainable=False, name="pl_mean")

    def default_optimizers(self):
        return style_optimizers(2e-3)

    @property
    def g_reg_interval(self):
        return self.pl_interval if self.pl_weight else None

    def sample_noise(self, batch):
        """StyleGAN's noise and, with path-length regularisation, `"pl"`: y ~
        N(0, I)/sqrt(H·W) for the first `batch // pl_batch_shrink` samples."""
        noise = super().sample_noise(batch)
        if self.pl_weight:
            rows = _path_length_batch(ops.shape(batch["real"])[0], self.pl_batch_shrink)
            height, width = self.sample_shape[0], self.sample_shape[1]
            noise["pl"] = self.random_normal((rows, *self.sample_shape)) / math.sqrt(height * width)
        return noise

    def generator_regularizer(self, batch, noise):
        """`pl_weight` · the path-length penalty on the samples `noise["pl"]`
        covers (the first rows of every per-sample noise); updates `pl_mean`
        and, from those samples' w, `w_avg`."""
        noise = _first_rows(noise, ops.shape(noise["pl"])[0])
        ws = self.styles_for_batch(noise, training=True)

        def projected(styles):
            return ops.cast(self.synthesis(styles, training=True), "float32") * noise["pl"]

        lengths = path_lengths(input_gradients(projected, ws))
        penalty, pl_mean = path_length_penalty(lengths, self.pl_mean, self.pl_decay)
        self.pl_mean.assign(ops.stop_gradient(pl_mean))
        return self.pl_weight * penalty, {"pl": penalty}

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "pl_weight": self.pl_weight,
                "pl_interval": self.pl_interval,
                "pl_decay": self.pl_decay,
                "pl_batch_shrink": self.pl_batch_shrink,
            }
        )
        return config
