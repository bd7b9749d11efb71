"""Zi2Zi on the bundled digits: one generator writes each digit in five glyph styles.

Trains `kgan.models.Zi2Zi` (U-Net generator with a style embedding at the
bottleneck, StarGAN-style discriminator with a patch head and a style head, L1
λ = 100, constant loss λ = 15, style loss λ = 1) on `kgan.data.style_digits`
(every training digit as drawn → thick, thin, slanted, inverted, outlined),
writes `out_dir/styles.png` (per row: a test digit, then the model's five
styles), saves `out_dir/model.keras` and reports on the test split:

- style accuracy: a small CNN trained on the real styled training digits
  (`kgan.metrics.translation.train_probe`) names the style of each translation;
  its accuracy on the real styled test digits is reported as its ceiling;
- content kept: the shipped digits classifier reads the source digit in the
  translations, per style, beside its accuracy on the real styled test digits
  (it was trained on plain digits: it cannot read inverted ones); and a digit
  probe trained on the real styled training digits reads it, over all styles,
  beside its accuracy on the real styled test digits;
- L1 and PSNR to the real styled test digits.

    python recipes/zi2zi_digits.py [--set key=value ...]
"""

import os
import time

import keras
import numpy as np

import kgan
from kgan.data.translation import GLYPH_STYLES
from kgan.metrics.translation import probe_scores, train_probe

CONFIG = dict(
    image_size=16,
    base_filters=32,
    embedding_dim=32,
    patch_layers=3,
    l1_weight=100.0,
    constant_weight=15.0,
    style_weight=1.0,
    batch_size=32,
    epochs=6,
    learning_rate=2e-4,
    beta_1=0.5,
    num_train=0,
    probe_epochs=8,
    seed=0,
    verbose=2,
    out_dir="runs/zi2zi_digits",
)
SMOKE = dict(base_filters=8, embedding_dim=8, patch_layers=2, epochs=1, num_train=40,
             probe_epochs=1, verbose=0)


def per_style_digit_accuracy(images, styles, labels):
    return {
        style: kgan.metrics.translation_scores(images[styles == k], labels=labels[styles == k])[
            "digit_accuracy"]
        for k, style in enumerate(GLYPH_STYLES)
    }


def run(config):
    keras.utils.set_random_seed(config["seed"])
    size = config["image_size"]
    source, target, styles, labels = kgan.data.style_digits(size, split="train")
    if config["num_train"]:
        source, target, styles, labels = (
            array[: config["num_train"]] for array in (source, target, styles, labels))
    test_source, test_target, test_styles, test_labels = kgan.data.style_digits(size, split="test")
    num_styles = len(GLYPH_STYLES)

    generator = kgan.networks.zi2zi_generator(
        (size, size, 1), num_styles, embedding_dim=config["embedding_dim"],
        base_filters=config["base_filters"])
    discriminator = kgan.networks.stargan_discriminator(
        (size, size, 2), num_styles, base_filters=config["base_filters"],
        num_layers=config["patch_layers"])
    model = kgan.models.Zi2Zi(
        generator, discriminator, l1_weight=config["l1_weight"],
        constant_weight=config["constant_weight"], style_weight=config["style_weight"],
        seed=config["seed"])
    model.compile(
        g_optimizer=keras.optimizers.Adam(config["learning_rate"], beta_1=config["beta_1"]),
        d_optimizer=keras.optimizers.Adam(config["learning_rate"], beta_1=config["beta_1"]),
    )
    start = time.time()
    history = model.fit([source, styles], target, batch_size=config["batch_size"],
                        epochs=config["epochs"], verbose=config["verbose"])
    train_seconds = time.time() - start
    out_dir = config["out_dir"]
    summary = kgan.recipe.save_and_summarize(model, history, train_seconds, out_dir)

    translated = model.translate(test_source, test_styles)
    probe = train_probe(target, styles, num_classes=num_styles,
                        epochs=config["probe_epochs"], seed=config["seed"])
    digit_probe = train_probe(target, labels, num_classes=10,
                              epochs=config["probe_epochs"], seed=config["seed"])
    # six test digits spread over the split, each with its five styles
    rows = np.linspace(0, len(test_source) // num_styles - 1, 6).astype(int) * num_styles
    grid = np.concatenate([test_source[rows, None], translated[rows[:, None] + np.arange(
        num_styles)]], axis=1).reshape(-1, size, size, 1)
    styles_png = os.path.join(out_dir, "styles.png")
    kgan.callbacks.save_image_grid(grid, styles_png,
                                   title="Zi2Zi: digit, " + ", ".join(GLYPH_STYLES))
    return {
        **summary,
        "styles_png": styles_png,
        "style_accuracy": probe_scores(probe, translated, test_styles)["accuracy"],
        "style_probe_accuracy_on_real": probe_scores(probe, test_target, test_styles)["accuracy"],
        "digit_accuracy": per_style_digit_accuracy(translated, test_styles, test_labels),
        "digit_accuracy_on_real": per_style_digit_accuracy(test_target, test_styles, test_labels),
        "digit_probe_accuracy": probe_scores(digit_probe, translated, test_labels)["accuracy"],
        "digit_probe_accuracy_on_real": probe_scores(digit_probe, test_target, test_labels)[
            "accuracy"],
        "test": kgan.metrics.translation_scores(translated, test_target),
    }


if __name__ == "__main__":
    kgan.recipe.main(CONFIG, run, description=__doc__)
