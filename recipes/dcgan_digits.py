"""DCGAN on the bundled digits (the default recipe and the README's demo).

Trains `kgan.models.DCGAN` on scikit-learn's 8×8 digits upsampled to 32×32
(offline, bundled), writes a sample grid every `grid_every_n_epochs` epochs and the final one to
`out_dir/samples.png`, saves the model to `out_dir/model.keras`, and prints the
quality figures of `kgan.metrics.DigitsEvaluator` on 1,000 samples beside the
real-data floor, and `out_dir/loss_curves.png`. With `--set tensorboard_dir=DIR`
it also logs the losses, FID-digits every 5 epochs and the sample grids to
TensorBoard (`tensorboard --logdir DIR`; needs the tensorflow and tensorboard
packages, on any backend).

    kgan train dcgan_digits [--backend jax] [--set key=value ...]
    kgan train dcgan_digits --backend torch --workers 2   # 2 processes, batch_size global
    python recipes/dcgan_digits.py [--set key=value ...]
"""

import os
import time

import keras

import kgan

CONFIG = dict(
    image_size=32,
    latent_dim=64,
    base_filters=32,
    batch_size=64,
    epochs=30,
    learning_rate=2e-4,
    beta_1=0.5,
    loss="non_saturating",
    label_smoothing=0.0,
    seed=0,
    num_eval_samples=1000,
    grid_every_n_epochs=5,
    metrics_every_n_epochs=5,  # FID-digits into the history; 0: off
    tensorboard_dir=None,
    checkpoint_dir=None,  # a kgan.callbacks.Checkpoint every epoch; a rerun resumes
    verbose=1,
    out_dir="runs/dcgan_digits",
)
SMOKE = dict(image_size=16, base_filters=8, latent_dim=8, epochs=1, batch_size=128,
             num_eval_samples=100, grid_every_n_epochs=1, metrics_every_n_epochs=0, verbose=0)


def run(config):
    keras.utils.set_random_seed(config["seed"])
    images, _ = kgan.data.load_digits(image_size=config["image_size"], split="train")
    size = config["image_size"]
    model = kgan.models.DCGAN(
        image_shape=(size, size, 1),
        latent_dim=config["latent_dim"],
        base_filters=config["base_filters"],
        loss=config["loss"],
        label_smoothing=config["label_smoothing"],
        seed=config["seed"],
    )
    model.compile(
        g_optimizer=keras.optimizers.Adam(config["learning_rate"], beta_1=config["beta_1"]),
        d_optimizer=keras.optimizers.Adam(config["learning_rate"], beta_1=config["beta_1"]),
    )
    out_dir = config["out_dir"]
    callbacks = kgan.recipe.training_callbacks(config)
    start = time.time()
    # In a multi-process run each process trains on its rows of every global batch.
    shard, batch_size = kgan.data.process_shard(images, config["batch_size"])
    history = model.fit(
        shard, batch_size=batch_size, epochs=config["epochs"], callbacks=callbacks,
        verbose=config["verbose"],
    )
    train_seconds = time.time() - start
    grid_path = os.path.join(out_dir, "samples.png")
    kgan.callbacks.save_image_grid(model.generate(64, seed=1), grid_path, title="DCGAN digits")
    evaluator = kgan.metrics.DigitsEvaluator(image_size=size)
    return {
        **kgan.recipe.save_and_summarize(model, history, train_seconds, out_dir),
        "samples_png": grid_path,
        "generated": evaluator.evaluate(model.generate(config["num_eval_samples"], seed=2)),
        "real_floor": evaluator.real_floor(),
    }


if __name__ == "__main__":
    kgan.recipe.main(CONFIG, run, description=__doc__)
