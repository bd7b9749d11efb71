"""BigGAN on the bundled digits: class-conditional samples and the truncation trade-off.

Trains `kgan.models.BigGAN` (`kgan.networks.biggan_generator`: shared class
embedding, hierarchical latents, conditional BN; `kgan.networks.biggan_discriminator`:
residual, projection head; self-attention at 16×16 and spectral norm in both; hinge
loss, 2 D steps per G step, orthogonal regularisation, EMA
generator) on the 8×8 digits upsampled to 32×32. Writes `out_dir/samples.png`
(row k shows digit k, no truncation), `out_dir/samples_psi0.5.png` (the same
latents truncated at 0.5), `out_dir/model.keras` and `out_dir/loss_curves.png`,
and reports `kgan.metrics.DigitsEvaluator` figures on `num_eval_samples`
samples (10 per class in turn) for each truncation threshold in `psi_values`
("none" = no truncation): FID-digits, conditional accuracy (the share the
shipped classifier reads as the digit asked for), per-class accuracy and the
per-class share of the classifier's predictions (coverage).

    kgan train biggan_digits [--backend jax] [--set key=value ...]
    python recipes/biggan_digits.py [--set key=value ...]
"""

import os
import time

import keras
import numpy as np

import kgan

CONFIG = dict(
    image_size=32,
    latent_dim=64,  # 4 chunks of 16: the first layer and 3 up blocks
    shared_dim=32,
    g_channels=[64, 64, 32, 8],
    d_channels=[8, 32, 64, 64],
    attention_resolution=16,
    batch_size=32,
    epochs=20,
    g_learning_rate=2e-4,
    d_learning_rate=4e-4,
    d_steps=2,
    orthogonal_weight=1e-4,
    ema_decay=0.99,  # a short run: BigGAN's 0.9999 suits 100k+ steps
    psi_values=["none", 1.0, 0.7, 0.5],
    seed=0,
    num_eval_samples=1000,
    grid_every_n_epochs=5,
    metrics_every_n_epochs=0,  # FID-digits into the history; 0: off
    tensorboard_dir=None,
    checkpoint_dir=None,  # a kgan.callbacks.Checkpoint every epoch; a rerun resumes
    verbose=1,
    out_dir="runs/biggan_digits",
)
SMOKE = dict(image_size=16, latent_dim=12, shared_dim=4, g_channels=[16, 16, 8],
             d_channels=[8, 16, 16], attention_resolution=8, d_steps=1, epochs=1, batch_size=128,
             psi_values=["none", 0.5], num_eval_samples=100, grid_every_n_epochs=1, verbose=0)
NUM_CLASSES = 10


def _threshold(value):
    return None if value in ("none", None) else float(value)


def run(config):
    keras.utils.set_random_seed(config["seed"])
    size, latent_dim = config["image_size"], config["latent_dim"]
    images, labels = kgan.data.load_digits(image_size=size, split="train")
    generator = kgan.networks.biggan_generator(
        latent_dim, NUM_CLASSES, (size, size, 1), channels=tuple(config["g_channels"]),
        shared_dim=config["shared_dim"], attention_resolution=config["attention_resolution"],
    )
    discriminator = kgan.networks.biggan_discriminator(
        (size, size, 1), NUM_CLASSES, channels=tuple(config["d_channels"]),
        attention_resolution=config["attention_resolution"],
    )
    model = kgan.models.BigGAN(
        generator, discriminator, latent_dim=latent_dim, num_classes=NUM_CLASSES,
        orthogonal_weight=config["orthogonal_weight"], d_steps=config["d_steps"],
        ema_decay=config["ema_decay"], seed=config["seed"],
    )
    model.compile(
        g_optimizer=keras.optimizers.Adam(config["g_learning_rate"], beta_1=0.0, beta_2=0.999),
        d_optimizer=keras.optimizers.Adam(config["d_learning_rate"], beta_1=0.0, beta_2=0.999),
    )
    out_dir = config["out_dir"]
    grid_labels = np.repeat(np.arange(NUM_CLASSES), 10)
    callbacks = kgan.recipe.training_callbacks(config, grid_labels=grid_labels)
    start = time.time()
    history = model.fit(images, labels, batch_size=config["batch_size"], epochs=config["epochs"],
                        callbacks=callbacks, verbose=config["verbose"])
    train_seconds = time.time() - start
    grid_path = os.path.join(out_dir, "samples.png")
    kgan.callbacks.save_image_grid(model.generate(labels=grid_labels, seed=1), grid_path,
                                   title="BigGAN digits (row k: digit k)")
    truncated_path = os.path.join(out_dir, "samples_psi0.5.png")
    kgan.callbacks.save_image_grid(model.generate(labels=grid_labels, seed=1, psi=0.5),
                                   truncated_path, title="BigGAN digits, truncation 0.5")

    evaluator = kgan.metrics.DigitsEvaluator(image_size=size)
    asked = np.arange(config["num_eval_samples"]) % NUM_CLASSES
    truncation = {}
    for value in config["psi_values"]:
        samples = model.generate(labels=asked, seed=2, psi=_threshold(value))
        figures = evaluator.evaluate(samples, labels=asked)
        _, probabilities = evaluator.extractor.features_and_probabilities(samples)
        predicted = probabilities.argmax(axis=1)
        figures["class_share"] = np.round(
            np.bincount(predicted, minlength=NUM_CLASSES) / len(predicted), 3)
        figures["class_accuracy"] = np.round(
            [(predicted[asked == k] == k).mean() for k in range(NUM_CLASSES)], 3)
        truncation[str(value)] = figures
    return {
        **kgan.recipe.save_and_summarize(model, history, train_seconds, out_dir),
        "samples_png": grid_path,
        "samples_truncated_png": truncated_path,
        "truncation": truncation,
        "real_floor": evaluator.real_floor(),
    }


if __name__ == "__main__":
    kgan.recipe.main(CONFIG, run, description=__doc__)
