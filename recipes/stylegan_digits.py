"""StyleGAN (v1) on the bundled digits at 32×32, with the truncation trade-off.

Trains `kgan.models.StyleGAN` (8-layer mapping network, synthesis with a
learned constant, AdaIN and per-pixel noise at every layer, FIR upsampling,
style mixing, R1 in every discriminator step, tracked average w, generator
EMA; two discriminator steps per generator step) against the paper's
discriminator, ProgressiveGAN's at its final resolution (`--set
discriminator=residual`: StyleGAN2's residual one), on the 8×8 digits
upsampled to 32×32. Writes `out_dir/samples.png` (ψ = 1) and
`out_dir/samples_psi0.5.png`, saves `out_dir/model.keras` and prints the
same figures as `stylegan2_digits`
(`kgan.metrics.DigitsEvaluator` on `num_eval_samples` samples with the
shipped classifier's per-class shares, at ψ = 1 and at every ψ in `psis`).

    kgan train stylegan_digits [--backend tensorflow] [--set key=value ...]
    python recipes/stylegan_digits.py [--set key=value ...]
"""

import os

import keras

import kgan
import kgan.recipe
from kgan.models.stylegan import style_optimizers

# The training loop and the figures are StyleGAN2's recipe's (the two differ in the model only).
_STYLEGAN2 = kgan.recipe.load_recipe("stylegan2_digits", os.path.dirname(__file__))

# StyleGAN2's recipe's defaults less its path-length weight, trained longer.
CONFIG = {
    **{key: value for key, value in _STYLEGAN2.CONFIG.items() if key != "pl_weight"},
    "epochs": 20,
    "d_steps": 2,  # discriminator steps per generator step (1: see recipes/README.md)
    "discriminator": "progressive",  # the paper's (ProgressiveGAN's), or "residual" (StyleGAN2's)
    "out_dir": "runs/stylegan_digits",
}
SMOKE = dict(_STYLEGAN2.SMOKE)


DISCRIMINATORS = ("progressive", "residual")


def build_discriminator(config, shape):
    """The discriminator named by `config["discriminator"]` for images `shape`:
    ProgressiveGAN's at its final resolution (the StyleGAN paper's; minibatch
    stddev, average-pool downsampling) or StyleGAN2's residual one, each with
    `min(channel_base // r, channel_max)` channels at resolution r."""
    name = config["discriminator"]
    if name == "residual":
        return kgan.networks.stylegan2_discriminator(shape, config["channel_base"],
                                                     config["channel_max"])
    if name != "progressive":
        raise ValueError(f"discriminator must be one of {DISCRIMINATORS}. Received: {name!r}")
    critic = kgan.networks.ProgressiveDiscriminator(
        resolution=shape[0], channels=shape[2],
        base_filters=min(config["channel_base"] // shape[0], config["channel_max"]),
        max_filters=config["channel_max"])
    images = keras.Input(shape, name="images")
    return keras.Model(images, critic(images), name="discriminator")


def build_model(config):
    """The StyleGAN of `config`, compiled with Adam(lr, β = (0, 0.99)) as in the paper."""
    shape = (config["image_size"], config["image_size"], 1)
    mapping = kgan.networks.stylegan_mapping(
        config["latent_dim"], config["w_dim"], num_layers=config["mapping_layers"]
    )
    synthesis = kgan.networks.stylegan_synthesis(
        config["w_dim"], shape, config["channel_base"], config["channel_max"]
    )
    model = kgan.models.StyleGAN(
        kgan.networks.stylegan_generator(mapping, synthesis),
        build_discriminator(config, shape),
        mix_prob=config["mix_prob"],
        r1_gamma=config["r1_gamma"],
        d_steps=config["d_steps"],
        ema_half_life_images=config["ema_half_life_images"],
        seed=config["seed"],
    )
    model.compile(*style_optimizers(config["learning_rate"]))
    return model


def run(config):
    return _STYLEGAN2.train_and_measure(build_model, config, "StyleGAN digits")


if __name__ == "__main__":
    kgan.recipe.main(CONFIG, run, description=__doc__)
