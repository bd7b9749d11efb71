"""GAN variants on the 2-D Gaussian mixtures of VEEGAN and PacGAN (ring8, grid25).

Trains an MLP generator against an MLP discriminator (or critic) on fresh
samples of the mixture, then counts captured modes and high-quality samples in
2,500 generated points (`kgan.metrics.mode_coverage`, PacGAN Table 1).

Command:
    KERAS_BACKEND=jax python recipes/gan_mixtures.py
    KERAS_BACKEND=jax python recipes/gan_mixtures.py --set mixture=grid25
    KERAS_BACKEND=torch python recipes/gan_mixtures.py --set model=wgan_gp
    KERAS_BACKEND=jax python recipes/gan_mixtures.py --set model=r3gan --set mixture=grid25

Writes `<out_dir>/<model>_<mixture>_seed<seed>.png` (2,500 generated points
over the data) and prints a JSON dict: modes, high_quality, reverse_kl,
diverged, train_seconds, backend (and the resolved config). A run whose loss
goes NaN/Inf stops at that step (`kgan.callbacks.NaNGuard`); `diverged` then
holds the message (else None) and the run scores 0 modes, 0 % high quality.

Per-(model, mixture) defaults live in `PAIR_DEFAULTS`, per-model defaults
(learning rates) in `MODEL_DEFAULTS`, per-mixture defaults (steps, batch size,
generator depth, d_lr) in `MIXTURE_DEFAULTS`; a value of `None` in `CONFIG`
means "take it from there" (in that order), and `--set key=value` overrides
any of them. The runs behind each default: recipes/README.md, "How the
gan_mixtures defaults were chosen".
"""

import os
import time

import keras
import numpy as np

import kgan
import kgan.recipe

CONFIG = dict(
    mixture="ring8",  # "ring8" or "grid25"
    model="gan",  # one of MODELS
    latent_dim=2,
    g_width=128,
    g_depth=None,  # hidden layers of G; None: MIXTURE_DEFAULTS
    d_width=128,
    d_depth=3,
    batch_size=None,  # None: MIXTURE_DEFAULTS
    steps=None,  # adversarial steps (one per batch); None: MIXTURE_DEFAULTS
    g_lr=None,  # peak learning rates; None: MODEL_DEFAULTS, else 1e-3
    d_lr=None,  # None: MODEL_DEFAULTS, else MIXTURE_DEFAULTS
    beta_1=0.5,  # Adam betas of the GAN; WGAN-GP uses (beta_1, 0.9) as its authors' toy code
    beta_2=0.999,
    decay_fraction=0.7,  # the last 70 % of steps decay lr linearly to final_lr_ratio * lr
    final_lr_ratio=0.01,
    gp_weight=None,  # WGAN-GP only (λ; 10 for images); None: PAIR_DEFAULTS, MODEL_DEFAULTS
    clip_value=0.1,  # WGAN only (weight clipping; RMSprop at g_lr / d_lr, as in its paper)
    r1_gamma=None,  # gan, lsgan, hinge: R1 weight γ (γ/2 · R1 on real data); None: PAIR_DEFAULTS, else 0
    gamma=0.1,  # R3GAN only: weight of R1 and R2 (γ/2 · (R1 + R2))
    r3gan_betas=(0.0, 0.99),  # R3GAN's Adam betas, as in its paper
    d_steps=None,  # None: 5 for wgan and wgan_gp, else 1
    steps_per_execution=1,  # train steps per compiled call (Keras' torch trainer takes 1 only)
    seed=0,
    num_eval_samples=2500,
    out_dir="runs/gan_mixtures",
)
SMOKE = dict(steps=6, batch_size=16, g_width=8, g_depth=1, d_width=8, d_depth=1,
             num_eval_samples=50)

# Model name → GAN loss, for the models that are `kgan.models.GAN` with a loss.
GAN_LOSSES = {"gan": "non_saturating", "lsgan": "least_squares", "hinge": "hinge"}
MODELS = (*GAN_LOSSES, "wgan", "wgan_gp", "r3gan")

# What differs between the two mixtures; fills CONFIG's None entries. A faster D
# keeps every ring8 mode; grid25 needs a deeper G to cut the plane into 25 clusters.
MIXTURE_DEFAULTS = {
    "ring8": dict(steps=6000, batch_size=512, g_depth=3, d_lr=2e-3),
    "grid25": dict(steps=8000, batch_size=512, g_depth=4, d_lr=1e-3),
}


# What differs per model; fills CONFIG's None entries before MIXTURE_DEFAULTS.
# WGAN-GP: λ of Gulrajani et al.'s toy code, twice the rate for half the steps.
MODEL_DEFAULTS = {
    "wgan_gp": dict(g_lr=6e-4, d_lr=6e-4, gp_weight=0.1),
}
# What differs per (model, mixture); fills CONFIG's None entries first. R1 keeps
# the GAN's D smooth around grid25's modes, so G does not collapse between them.
PAIR_DEFAULTS = {
    ("gan", "grid25"): dict(r1_gamma=0.1),
    ("wgan", "ring8"): dict(steps=3000),
    ("wgan", "grid25"): dict(steps=4000),
    ("wgan_gp", "ring8"): dict(steps=3000),
    ("wgan_gp", "grid25"): dict(steps=4000, gp_weight=1.0),
}
BASE = dict(g_lr=1e-3, r1_gamma=0.0)


def resolve(config):
    """Returns a copy of `config` with the `None` defaults filled in."""
    config = dict(config)
    if config["mixture"] not in MIXTURE_DEFAULTS:
        raise ValueError(
            f"mixture must be one of {sorted(MIXTURE_DEFAULTS)}. Received: {config['mixture']!r}"
        )
    if config["model"] not in MODELS:
        raise ValueError(f"model must be one of {MODELS}. Received: {config['model']!r}")
    for defaults in (PAIR_DEFAULTS.get((config["model"], config["mixture"]), {}),
                     MODEL_DEFAULTS.get(config["model"], {}),
                     MIXTURE_DEFAULTS[config["mixture"]], BASE):
        for key, value in defaults.items():
            if config.get(key) is None:
                config[key] = value
    if config["r1_gamma"] and config["model"] not in GAN_LOSSES:
        raise ValueError(
            f"r1_gamma applies to the models {tuple(GAN_LOSSES)} (R3GAN: gamma). "
            f"Received: model={config['model']!r}, r1_gamma={config['r1_gamma']!r}"
        )
    if config["d_steps"] is None:
        config["d_steps"] = 5 if config["model"] in ("wgan", "wgan_gp") else 1
    return config


def _learning_rate(peak, total_steps, config):
    """Constant `peak`, then a linear decay to `final_lr_ratio * peak` over the last steps."""
    decay_steps = int(round(config["decay_fraction"] * total_steps))
    if decay_steps <= 0:
        return peak
    constant_steps = total_steps - decay_steps
    end = peak * config["final_lr_ratio"]
    decay = keras.optimizers.schedules.PolynomialDecay(peak, decay_steps, end, power=1.0)
    if constant_steps <= 0:
        return decay
    return _Delayed(decay, constant_steps)


@keras.saving.register_keras_serializable(package="recipes")
class _Delayed(keras.optimizers.schedules.LearningRateSchedule):
    """Holds `schedule`'s initial value for `delay` steps, then runs `schedule`."""

    def __init__(self, schedule, delay):
        self.schedule = schedule
        self.delay = delay

    def __call__(self, step):
        step = keras.ops.cast(step, "float32")
        return self.schedule(keras.ops.maximum(step - self.delay, 0.0))

    def get_config(self):
        return {"schedule": keras.saving.serialize_keras_object(self.schedule), "delay": self.delay}

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        config["schedule"] = keras.saving.deserialize_keras_object(config["schedule"])
        return cls(**config)


def _adam(lr, beta_1, beta_2, name):
    return keras.optimizers.Adam(lr, beta_1=beta_1, beta_2=beta_2, name=name)


def build_model(config):
    """Builds and compiles the model of a resolved `config`."""
    generator = kgan.networks.mlp_generator(
        config["latent_dim"], 2, width=config["g_width"], depth=config["g_depth"]
    )
    discriminator = kgan.networks.mlp_discriminator(
        2, width=config["d_width"], depth=config["d_depth"]
    )
    steps, d_steps = config["steps"], config["d_steps"]
    if config["model"] == "wgan_gp":
        model = kgan.models.WGANGP(
            generator,
            discriminator,
            latent_dim=config["latent_dim"],
            gp_weight=config["gp_weight"],
            d_steps=d_steps,
            seed=config["seed"],
        )
        beta_1, beta_2 = config["beta_1"], 0.9
    elif config["model"] == "r3gan":
        model = kgan.models.R3GAN(
            generator,
            discriminator,
            latent_dim=config["latent_dim"],
            gamma=config["gamma"],
            d_steps=d_steps,
            ema_decay=None,  # the tuned figures sample the generator itself, as the other models
            seed=config["seed"],
        )
        beta_1, beta_2 = config["r3gan_betas"]
    elif config["model"] == "wgan":
        model = kgan.models.WGAN(
            generator,
            discriminator,
            latent_dim=config["latent_dim"],
            clip_value=config["clip_value"],
            d_steps=d_steps,
            seed=config["seed"],
        )
    else:
        model = kgan.models.GAN(
            generator,
            discriminator,
            latent_dim=config["latent_dim"],
            loss=GAN_LOSSES[config["model"]],
            d_steps=d_steps,
            r1_gamma=config["r1_gamma"],
            seed=config["seed"],
        )
        beta_1, beta_2 = config["beta_1"], config["beta_2"]
    # Each inner optimizer counts its own updates: the discriminator's d_steps per step.
    g_lr = _learning_rate(config["g_lr"], steps, config)
    d_lr = _learning_rate(config["d_lr"], steps * d_steps, config)
    if config["model"] == "wgan":  # RMSprop: the WGAN paper finds momentum unstable
        g_optimizer = keras.optimizers.RMSprop(g_lr, rho=0.99, name="g_rmsprop")
        d_optimizer = keras.optimizers.RMSprop(d_lr, rho=0.99, name="d_rmsprop")
    else:
        g_optimizer = _adam(g_lr, beta_1, beta_2, "g_adam")
        d_optimizer = _adam(d_lr, beta_1, beta_2, "d_adam")
    model.compile(g_optimizer=g_optimizer, d_optimizer=d_optimizer,
                  steps_per_execution=config["steps_per_execution"])
    return model


def run(config):
    """Trains on `config["mixture"]`, writes a scatter PNG, returns the mode coverage."""
    config = resolve(config)
    keras.utils.set_random_seed(config["seed"])
    model = build_model(config)
    steps, batch_size = config["steps"], config["batch_size"]
    # Fresh samples for every step (an endless sampler, as in the papers).
    x = kgan.data.gaussian_mixture(config["mixture"], steps * batch_size, seed=config["seed"])
    # A loss that goes NaN/Inf stops training at once (with a warning naming
    # the step and the term) instead of running the remaining steps on garbage.
    guard = kgan.callbacks.NaNGuard(raise_error=False)
    start = time.perf_counter()
    model.fit(x, batch_size=batch_size, epochs=1, shuffle=False, verbose=0, callbacks=[guard])
    train_seconds = time.perf_counter() - start

    centers, std = kgan.data.mixture_modes(config["mixture"])
    samples = model.generate(config["num_eval_samples"], seed=config["seed"] + 1000)
    finite = np.isfinite(samples).all(axis=1)
    diverged = guard.message
    if diverged is None and not finite.all():
        diverged = f"{int((~finite).sum())} of {len(samples)} generated samples are NaN or Inf."
    if diverged is None:
        coverage = kgan.metrics.mode_coverage(samples, centers, std)
    else:  # score a diverged run as missing everything rather than crash
        coverage = {"modes": 0, "high_quality": 0.0, "reverse_kl": float("inf")}
        samples = samples[finite]

    os.makedirs(config["out_dir"], exist_ok=True)
    name = f"{config['model']}_{config['mixture']}_seed{config['seed']}"
    path = os.path.join(config["out_dir"], name + ".png")
    reference = kgan.data.gaussian_mixture(config["mixture"], 1000, seed=config["seed"] + 2000)
    title = (
        f"{config['model']} {config['mixture']} ({keras.backend.backend()}): "
        + ("diverged" if diverged else
           f"{coverage['modes']} modes, {100 * coverage['high_quality']:.1f}% hq")
    )
    kgan.callbacks.save_scatter(samples, path, reference=reference, title=title)
    return {
        "modes": coverage["modes"],
        "num_modes": len(centers),
        "high_quality": coverage["high_quality"],
        "reverse_kl": coverage["reverse_kl"],
        "diverged": diverged,
        "train_seconds": train_seconds,
        "backend": keras.backend.backend(),
        "scatter_path": path,
        "config": config,
    }


if __name__ == "__main__":
    kgan.recipe.main(CONFIG, run, description=__doc__)
