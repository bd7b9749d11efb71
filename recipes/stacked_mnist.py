"""Stacked MNIST (1,000 modes): how many digit triples a GAN covers, as VEEGAN, PacGAN and R3GAN count.

Trains one model on `num_train` stacks of three independently drawn MNIST digits
(`kgan.data.stacked_mnist`, the bundled 4,500-digit training split, 28×28×3) and
scores 26,000 samples with `kgan.metrics.stacked_mnist_modes`: modes covered
(of 1,000) and KL(generated mode histogram ‖ uniform), beside the same figures
of 26,000 real stacks (the floor: KL is not 0 for a finite sample).

Networks: DCGAN-sized (transposed-conv generator 7→14→28, conv discriminator
28→14→7, `base_filters` each). PacGAN's runs use deeper, wider ones and two
generator updates per discriminator update:
`--set smallest_size=2 --set base_filters=64 --set g_steps=2` (2→4→7→14→28,
512 filters at 2×2; their 5×5 kernels are 4×4 here).
Models (`model`):
  - `gan`: non-saturating GAN (the DCGAN row of VEEGAN/PacGAN), batch norm in D;
  - `pacgan2`: the same with PacGAN's packing, D judges 2 samples at once;
  - `wgan_gp`: WGAN-GP, 5 critic steps, λ 10, no normalisation in the critic;
  - `r3gan`: R3GAN's relativistic loss with R1 + R2 (γ), no normalisation in D.

Optimisers: `learning_rate=None` (default) takes each model's published setting:
Adam 2e-4, β (0.5, 0.999) for `gan`/`pacgan2` (DCGAN); Adam 1e-4, β (0.5, 0.9)
for `wgan_gp`; `kgan.models.R3GAN`'s compile defaults for `r3gan` (Adam 1e-3,
β (0, 0.99)). A number sets that rate with `beta_1` for every model.
`ema_decay` sets a generator EMA that `generate()` samples (R3GAN has one by default);
`decay_epochs` decays both learning rates linearly to zero over the last epochs
(`kgan.callbacks.LinearLearningRateDecay`).

    kgan train stacked_mnist [--set model=r3gan --set epochs=20 ...]
    python recipes/stacked_mnist.py --set model=pacgan2

Prints `modes`, `kl`, `train_seconds`, `real_floor` (modes/KL of real stacks), with
`metrics_every_n_epochs` the `trajectory` (modes, KL and digit KL at every scored
epoch, from the same fixed latents), and the resolved config; writes
`out_dir/samples.png` (64 samples).
"""

import os
import time

import keras

import kgan
import kgan.recipe

CONFIG = dict(
    model="gan",  # gan, pacgan2, wgan_gp, r3gan
    num_train=64_000,  # stacks drawn (with replacement) from the bundled training digits
    latent_dim=100,
    base_filters=32,
    smallest_size=None,  # the networks' smallest feature map: None (7) or 4, 2, 1 (deeper)
    g_steps=1,  # generator updates per discriminator update (PacGAN: 2)
    batch_size=64,
    epochs=10,
    decay_epochs=0,  # the last decay_epochs epochs decay the learning rates linearly to zero
    learning_rate=None,  # None: each model's published optimiser (see above)
    beta_1=0.5,  # with a learning_rate
    gamma="auto",  # r3gan: γ of R1 + R2 (a number, or "auto": 0.2 × the data's variance)
    ema_decay=None,  # generator EMA per step; None: the model's own (R3GAN 0.998, else none); 0: none
    num_eval_samples=26_000,  # VEEGAN's and PacGAN's count
    seed=0,
    grid_every_n_epochs=5,
    metrics_every_n_epochs=0,  # modes, KL and digit KL on num_eval_samples every n epochs; 0: off
    tensorboard_dir=None,
    checkpoint_dir=None,  # a kgan.callbacks.Checkpoint every epoch; a rerun resumes
    verbose=1,
    out_dir="runs/stacked_mnist",
)
SMOKE = dict(num_train=256, base_filters=8, latent_dim=16, epochs=1, num_eval_samples=512,
             grid_every_n_epochs=1, metrics_every_n_epochs=1, verbose=0)
MODELS = ("gan", "pacgan2", "wgan_gp", "r3gan")
IMAGE_SHAPE = (28, 28, 3)


def _gamma(text):
    """The `gamma` setting: "auto" or a number (`--set gamma=0.1` arrives as text)."""
    if text == "auto":
        return text
    try:
        return float(text)
    except ValueError:
        raise ValueError(f'gamma must be "auto" or a number > 0. Received: gamma={text!r}') from None


def build_model(config):
    """The compiled model of `config["model"]` on DCGAN-sized networks."""
    name = config["model"]
    if name not in MODELS:
        raise ValueError(f"model must be one of {MODELS}. Received: model={name!r}")
    filters, latent_dim, seed = config["base_filters"], config["latent_dim"], config["seed"]
    size = dict(base_filters=filters, smallest_size=config["smallest_size"])
    generator = kgan.networks.dcgan_generator(latent_dim, IMAGE_SHAPE, **size)
    options = dict(g_steps=config["g_steps"])
    if config["ema_decay"] is not None:
        options["ema_decay"] = config["ema_decay"] or None
    rate, beta_1, beta_2 = 2e-4, 0.5, 0.999
    if name in ("gan", "pacgan2"):
        packed = 2 if name == "pacgan2" else 1
        discriminator = kgan.networks.dcgan_discriminator(
            IMAGE_SHAPE[:2] + (IMAGE_SHAPE[2] * packed,), **size)
        if packed > 1:
            discriminator = kgan.networks.pack_discriminator(discriminator, packed)
        model = kgan.models.GAN(generator, discriminator, latent_dim=latent_dim, seed=seed, **options)
    elif name == "wgan_gp":
        critic = kgan.networks.dcgan_discriminator(IMAGE_SHAPE, normalization=None, **size)
        model = kgan.models.WGANGP(generator, critic, latent_dim=latent_dim, seed=seed, **options)
        rate, beta_2 = 1e-4, 0.9
    else:
        discriminator = kgan.networks.dcgan_discriminator(IMAGE_SHAPE, normalization=None, **size)
        model = kgan.models.R3GAN(generator, discriminator, latent_dim=latent_dim,
                                  gamma=_gamma(config["gamma"]), seed=seed, **options)
        if config["learning_rate"] is None:
            model.compile()  # the paper's betas, kgan's default rate
            return model
        beta_2 = 0.99
    if config["learning_rate"] is not None:
        rate, beta_1 = config["learning_rate"], config["beta_1"]
    model.compile(g_optimizer=keras.optimizers.Adam(rate, beta_1=beta_1, beta_2=beta_2),
                  d_optimizer=keras.optimizers.Adam(rate, beta_1=beta_1, beta_2=beta_2))
    return model


def run(config):
    batch = config["batch_size"]
    if config["num_train"] % batch or batch % 2:
        raise ValueError(f"num_train must be a multiple of batch_size, and batch_size even: "
                         f"PacGAN packs every batch in pairs. Received: num_train="
                         f"{config['num_train']}, batch_size={batch}")
    schedule = kgan.recipe.decay_schedule(config)
    keras.utils.set_random_seed(config["seed"])
    model = build_model(config)
    images, _ = kgan.data.stacked_mnist(config["num_train"], seed=config["seed"])
    callbacks = kgan.recipe.training_callbacks(
        config, evaluator=kgan.metrics.StackedMNISTEvaluator(),
        metrics=("modes", "kl", "digit_kl")) + schedule
    start = time.time()
    history = model.fit(images, batch_size=batch, epochs=config["epochs"], callbacks=callbacks,
                        verbose=config["verbose"])
    train_seconds = time.time() - start  # scoring during training included
    out_dir = config["out_dir"]
    grid_path = os.path.join(out_dir, "samples.png")
    kgan.callbacks.save_image_grid(model.generate(64, seed=1), grid_path,
                                   title=f"{config['model']}, Stacked MNIST")
    count = config["num_eval_samples"]
    real, _ = kgan.data.stacked_mnist(count, seed=config["seed"] + 1)
    coverage = [c for c in callbacks if isinstance(c, kgan.callbacks.MetricsCallback)]
    trajectory = {"epochs": coverage[0].epochs, **coverage[0].history} if coverage else {}
    return {
        **kgan.recipe.save_and_summarize(model, history, train_seconds, out_dir),
        "samples_png": grid_path,
        **({"trajectory": trajectory} if trajectory else {}),
        **kgan.metrics.stacked_mnist_modes(model, num_samples=count, seed=2),
        "real_floor": kgan.metrics.stacked_mnist_modes(real),
    }


if __name__ == "__main__":
    kgan.recipe.main(CONFIG, run, description=__doc__)
