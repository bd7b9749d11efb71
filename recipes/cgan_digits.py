"""Conditional GAN on the bundled digits: ask for a digit, get that digit.

Trains `kgan.models.CGAN` (DCGAN networks; projection discriminator by
default, `--set conditioning=concat` for label channels) on the 8×8 digits
upsampled to 32×32, writes `out_dir/samples.png` (row k shows digit k), saves
`out_dir/model.keras`, and prints `kgan.metrics.DigitsEvaluator` figures on
1,000 samples, including the conditional accuracy (the share of samples that a
classifier reads as the digit asked for), and `out_dir/loss_curves.png`.
`--set tensorboard_dir=DIR` logs losses, FID-digits and grids to TensorBoard.

    kgan train cgan_digits [--backend jax] [--set key=value ...]
    python recipes/cgan_digits.py [--set key=value ...]
"""

import os
import time

import keras
import numpy as np

import kgan

CONFIG = dict(
    image_size=32,
    latent_dim=64,
    base_filters=32,
    conditioning="projection",
    batch_size=64,
    epochs=30,
    learning_rate=2e-4,
    beta_1=0.5,
    loss="non_saturating",
    seed=0,
    num_eval_samples=1000,
    grid_every_n_epochs=5,
    metrics_every_n_epochs=5,  # FID-digits into the history; 0: off
    tensorboard_dir=None,
    checkpoint_dir=None,  # a kgan.callbacks.Checkpoint every epoch; a rerun resumes
    verbose=1,
    out_dir="runs/cgan_digits",
)
SMOKE = dict(image_size=16, base_filters=8, latent_dim=8, epochs=1, batch_size=128,
             num_eval_samples=100, grid_every_n_epochs=1, metrics_every_n_epochs=0, verbose=0)
NUM_CLASSES = 10


def run(config):
    keras.utils.set_random_seed(config["seed"])
    size, latent_dim = config["image_size"], config["latent_dim"]
    images, labels = kgan.data.load_digits(image_size=size, split="train")
    generator = kgan.networks.dcgan_generator(
        latent_dim + NUM_CLASSES, (size, size, 1), config["base_filters"]
    )
    concat = config["conditioning"] == "concat"
    discriminator = kgan.networks.dcgan_discriminator(
        (size, size, 1 + (NUM_CLASSES if concat else 0)), config["base_filters"],
        include_head=concat,
    )
    model = kgan.models.CGAN(
        generator, discriminator, latent_dim=latent_dim, num_classes=NUM_CLASSES,
        conditioning=config["conditioning"], loss=config["loss"], seed=config["seed"],
    )
    model.compile(
        g_optimizer=keras.optimizers.Adam(config["learning_rate"], beta_1=config["beta_1"]),
        d_optimizer=keras.optimizers.Adam(config["learning_rate"], beta_1=config["beta_1"]),
    )
    out_dir = config["out_dir"]
    grid_labels = np.repeat(np.arange(NUM_CLASSES), 10)
    callbacks = kgan.recipe.training_callbacks(config, grid_labels=grid_labels)
    start = time.time()
    history = model.fit(images, labels, batch_size=config["batch_size"], epochs=config["epochs"],
                        callbacks=callbacks, verbose=config["verbose"])
    train_seconds = time.time() - start
    grid_path = os.path.join(out_dir, "samples.png")
    kgan.callbacks.save_image_grid(
        model.generate(labels=grid_labels, seed=1), grid_path,
        title="CGAN digits (row k: digit k)",
    )
    evaluator = kgan.metrics.DigitsEvaluator(image_size=size)
    asked = np.arange(config["num_eval_samples"]) % NUM_CLASSES
    return {
        **kgan.recipe.save_and_summarize(model, history, train_seconds, out_dir),
        "samples_png": grid_path,
        "generated": evaluator.evaluate(model.generate(labels=asked, seed=2), labels=asked),
        "real_floor": evaluator.real_floor(),
    }


if __name__ == "__main__":
    kgan.recipe.main(CONFIG, run, description=__doc__)
