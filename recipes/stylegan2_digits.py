"""StyleGAN2 on the bundled digits at 32×32, with the truncation trade-off.

Trains `kgan.models.StyleGAN2` (mapping network, modulated-convolution skip
generator, residual discriminator, lazy R1, path-length regularisation, style
mixing, generator EMA) on the 8×8 digits upsampled to 32×32, writes
`out_dir/samples.png` (ψ = 1), `out_dir/samples_psi0.5.png`, saves
`out_dir/model.keras`, and prints `kgan.metrics.DigitsEvaluator` figures on
`num_eval_samples` samples with the per-class share of the shipped classifier's
predictions (mode coverage) at ψ = 1 (`generated`) and at every ψ in `psis`
(`truncation`).

Configuration: NVlabs' StyleGAN2 networks and `StyleGAN2Loss` (R1 every 16
steps, path length every 4 on half the batch, style mixing 0.9, Adam(2e-3,
β = (0, 0.99)) with the lazy corrections) at digit scale: channel_base 1024,
channel_max 32, w 64, 8 mapping layers, batch 32, γ = 0.1 (stylegan2-ada's
`auto` rule, `kgan.models.stylegan.r1_gamma_for("auto", 32, 32)`, would give
0.0064), EMA half-life 2,000 images, no `conv_clamp` (float32 throughout).

    kgan train stylegan2_digits [--backend jax] [--set key=value ...]
    python recipes/stylegan2_digits.py [--set key=value ...]
"""

import os
import time

import keras
import numpy as np

import kgan
from kgan.models.stylegan import style_optimizers

CONFIG = dict(
    image_size=32,
    latent_dim=64,
    w_dim=64,
    mapping_layers=8,
    channel_base=1024,  # channels at resolution r: min(channel_base // r, channel_max)
    channel_max=32,
    batch_size=32,
    epochs=6,
    learning_rate=2e-3,
    r1_gamma=0.1,
    mix_prob=0.9,
    pl_weight=2.0,
    ema_half_life_images=2000,
    psis=[0.7, 0.5],  # truncation ψ evaluated beside ψ = 1
    seed=0,
    num_eval_samples=1000,
    grid_every_n_epochs=5,
    metrics_every_n_epochs=0,  # FID-digits into the history; 0: off
    tensorboard_dir=None,
    checkpoint_dir=None,  # a kgan.callbacks.Checkpoint every epoch; a rerun resumes
    verbose=1,
    out_dir="runs/stylegan2_digits",
)
SMOKE = dict(image_size=16, latent_dim=8, w_dim=8, mapping_layers=2, channel_base=64,
             channel_max=8, epochs=1, batch_size=64, ema_half_life_images=100,
             num_eval_samples=100, grid_every_n_epochs=1, verbose=0)
NUM_CLASSES = 10


def class_shares(evaluator, images):
    """The share of `images` the shipped classifier assigns to each digit (10 floats)."""
    _, probabilities = evaluator.extractor.features_and_probabilities(images)
    counts = np.bincount(probabilities.argmax(axis=1), minlength=NUM_CLASSES)
    return [round(float(share), 3) for share in counts / len(images)]


def build_model(config, channels=1, mbstd_group_size=4):
    """The StyleGAN2 of `config` for `image_size`² images of `channels`, compiled
    with Adam(lr, β = (0, 0.99)) as in the paper."""
    shape = (config["image_size"], config["image_size"], channels)
    mapping = kgan.networks.stylegan_mapping(
        config["latent_dim"], config["w_dim"], num_layers=config["mapping_layers"]
    )
    synthesis = kgan.networks.stylegan2_synthesis(
        config["w_dim"], shape, config["channel_base"], config["channel_max"]
    )
    model = kgan.models.StyleGAN2(
        kgan.networks.stylegan_generator(mapping, synthesis),
        kgan.networks.stylegan2_discriminator(shape, config["channel_base"], config["channel_max"],
                                              mbstd_group_size=mbstd_group_size),
        mix_prob=config["mix_prob"],
        r1_gamma=config["r1_gamma"],
        pl_weight=config["pl_weight"],
        ema_half_life_images=config["ema_half_life_images"],
        seed=config["seed"],
    )
    model.compile(*style_optimizers(config["learning_rate"]))
    return model


def train_and_measure(build, config, title):
    """Seeds, builds the model with `build(config)`, trains it on the digits and
    returns the figures: the shared body of the StyleGAN and StyleGAN2 recipes.
    `title` names the model in the sample grids."""
    keras.utils.set_random_seed(config["seed"])
    size = config["image_size"]
    images, _ = kgan.data.load_digits(image_size=size, split="train")
    # Whole batches only: the minibatch-stddev groups need a batch divisible by 4.
    images = images[: len(images) - len(images) % config["batch_size"]]
    model = build(config)
    out_dir = config["out_dir"]
    start = time.time()
    history = model.fit(images, batch_size=config["batch_size"], epochs=config["epochs"],
                        callbacks=kgan.recipe.training_callbacks(config),
                        verbose=config["verbose"])
    train_seconds = time.time() - start
    grid_path = os.path.join(out_dir, "samples.png")
    kgan.callbacks.save_image_grid(model.generate(64, seed=1), grid_path, title=title)
    truncated_path = os.path.join(out_dir, "samples_psi0.5.png")
    kgan.callbacks.save_image_grid(model.generate(64, seed=1, psi=0.5), truncated_path,
                                   title=f"{title}, ψ = 0.5")
    evaluator = kgan.metrics.DigitsEvaluator(image_size=size)

    def figures(psi):
        generated = np.clip(model.generate(config["num_eval_samples"], seed=2, psi=psi), -1, 1)
        return {**evaluator.evaluate(generated), "class_shares": class_shares(evaluator, generated)}

    return {
        **kgan.recipe.save_and_summarize(model, history, train_seconds, out_dir),
        "samples_png": grid_path,
        "samples_psi0.5_png": truncated_path,
        "images_per_second": round(config["epochs"] * len(images) / train_seconds, 1),
        "generated": figures(1.0),
        "truncation": {f"psi={psi}": figures(psi) for psi in config["psis"]},
        "real_floor": evaluator.real_floor(),
    }


def run(config):
    return train_and_measure(build_model, config, "StyleGAN2 digits")


if __name__ == "__main__":
    kgan.recipe.main(CONFIG, run, description=__doc__)
