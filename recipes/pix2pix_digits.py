"""Pix2Pix on the bundled digits: draw a digit from its edge map, or colourise it.

Trains `kgan.models.Pix2Pix` (U-Net generator, PatchGAN discriminator, λ = 100)
on `kgan.data.paired_digits(task)`, writes `out_dir/translations.png` (columns:
source, translation, target of three test digits), saves `out_dir/model.keras`
and reports on the test split the L1 and PSNR to the targets and

- `task="edges"` (edge map → digit): the share of translations that the
  shipped digits classifier reads as the source digit (and the same share for
  the targets, its ceiling);
- `task="colorize"` (grey digit → the digit inked in its class's colour, RGB):
  the share of translations inked in the right colour
  (`kgan.metrics.ink_colour_accuracy`; the targets score 1), which the
  generator only gets right by recognising the digit.

    python recipes/pix2pix_digits.py [--set key=value ...]
"""

import os
import time

import keras
import numpy as np

import kgan

CONFIG = dict(
    task="edges",  # "edges" or "colorize" (kgan.data.paired_digits)
    image_size=32,
    base_filters=32,
    max_filters=128,
    patch_layers=3,
    l1_weight=100.0,
    batch_size=32,
    epochs=15,
    learning_rate=2e-4,
    beta_1=0.5,
    num_train=0,
    seed=0,
    verbose=2,
    out_dir="runs/pix2pix_digits",
)
SMOKE = dict(image_size=16, base_filters=8, max_filters=8, patch_layers=2, epochs=1, num_train=64,
             verbose=0)


def build_model(config, source_channels, target_channels):
    """The compiled Pix2Pix of `config`: a U-Net `source_channels` → `target_channels`
    at `image_size`², a PatchGAN on their concatenation, and Adam pairs."""
    size = config["image_size"]
    generator = kgan.networks.unet_generator(
        (size, size, source_channels), output_channels=target_channels,
        base_filters=config["base_filters"], max_filters=config["max_filters"])
    discriminator = kgan.networks.patchgan_discriminator(
        (size, size, source_channels + target_channels), base_filters=config["base_filters"],
        num_layers=config["patch_layers"])
    model = kgan.models.Pix2Pix(generator, discriminator, l1_weight=config["l1_weight"],
                                seed=config["seed"])
    model.compile(
        g_optimizer=keras.optimizers.Adam(config["learning_rate"], beta_1=config["beta_1"]),
        d_optimizer=keras.optimizers.Adam(config["learning_rate"], beta_1=config["beta_1"]),
    )
    return model


def run(config):
    keras.utils.set_random_seed(config["seed"])
    size = config["image_size"]
    source, target, _ = kgan.data.paired_digits(config["task"], size, split="train")
    if config["num_train"]:
        source, target = source[: config["num_train"]], target[: config["num_train"]]
    test_source, test_target, test_labels = kgan.data.paired_digits(config["task"], size, "test")
    channels = target.shape[-1]
    model = build_model(config, 1, channels)
    start = time.time()
    history = model.fit(source, target, batch_size=config["batch_size"], epochs=config["epochs"],
                        verbose=config["verbose"])
    train_seconds = time.time() - start
    translated = model.translate(test_source)
    out_dir = config["out_dir"]
    summary = kgan.recipe.save_and_summarize(model, history, train_seconds, out_dir)
    shown = [int(np.flatnonzero(test_labels == digit)[0]) for digit in (2, 5, 8)]
    figures = {
        **summary,
        "translations_png": kgan.callbacks.save_image_columns(
            [column[shown] for column in (test_source, translated, test_target)],
            os.path.join(out_dir, "translations.png"),
            f"pix2pix {config['task']}: source / translation / target"),
    }
    if config["task"] == "colorize":
        return {**figures, "test": {
            **kgan.metrics.translation_scores(translated, test_target),
            "colour_accuracy": kgan.metrics.ink_colour_accuracy(translated, test_labels)}}
    return {
        **figures,
        "test": kgan.metrics.translation_scores(translated, test_target, test_labels),
        "test_targets": kgan.metrics.translation_scores(test_target, labels=test_labels),
    }


if __name__ == "__main__":
    kgan.recipe.main(CONFIG, run, description=__doc__)
