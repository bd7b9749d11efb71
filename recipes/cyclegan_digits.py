"""CycleGAN on the bundled digits: thin strokes to thick strokes and back, from unpaired images.

Trains `kgan.models.CycleGAN` (ResNet generators, PatchGAN discriminators,
least-squares loss, cycle λ = 10, identity λ = 5, history pools of 50 images,
learning rates decayed linearly to zero over the second half of training) on
`kgan.data.unpaired_digits`, writes `out_dir/translations.png` (columns: test
digit, A→B, A→B→A), saves `out_dir/model.keras` and reports on the test split,
for both directions: the share of translations that the shipped digits
classifier reads as the source digit, the share that lands in the target domain
(named by a small CNN trained on the real training images of both domains,
`kgan.metrics.translation.train_probe`; its accuracy on real test images is
reported as its ceiling), and the cycle reconstruction L1 and PSNR.

    python recipes/cyclegan_digits.py [--set key=value ...]
"""

import os
import time

import keras
import numpy as np

import kgan
from kgan.metrics.translation import probe_scores, train_probe

CONFIG = dict(
    image_size=16,
    base_filters=32,
    num_blocks=4,
    patch_layers=3,
    patch_padding="same",  # the authors' 1-pixel padding needs 24×24 images for 3 patch layers
    cycle_weight=10.0,
    identity_weight=5.0,
    pool_size=50,
    batch_size=16,
    epochs=10,
    learning_rate=2e-4,
    beta_1=0.5,
    num_train=0,
    probe_epochs=8,
    seed=0,
    verbose=2,
    out_dir="runs/cyclegan_digits",
)
SMOKE = dict(base_filters=8, num_blocks=1, patch_layers=2, epochs=1, num_train=32,
             probe_epochs=1, verbose=0)


def build_model(config, channels):
    """The compiled CycleGAN: two ResNet generators, two instance-norm PatchGAN
    discriminators and Adam pairs, for `image_size`² images of `channels`."""
    shape = (config["image_size"], config["image_size"], channels)

    def generator(name):
        return kgan.networks.resnet_generator(
            shape, base_filters=config["base_filters"], num_blocks=config["num_blocks"], name=name)

    def discriminator(name):
        return kgan.networks.patchgan_discriminator(
            shape, base_filters=config["base_filters"], num_layers=config["patch_layers"],
            normalization="instance", padding=config["patch_padding"], name=name)

    model = kgan.models.CycleGAN(
        generator("generator_ab"), generator("generator_ba"), discriminator("discriminator_a"),
        discriminator("discriminator_b"), cycle_weight=config["cycle_weight"],
        identity_weight=config["identity_weight"], pool_size=config["pool_size"],
        seed=config["seed"])
    model.compile(
        g_optimizer=keras.optimizers.Adam(config["learning_rate"], beta_1=config["beta_1"]),
        d_optimizer=keras.optimizers.Adam(config["learning_rate"], beta_1=config["beta_1"]),
    )
    return model


def run(config):
    keras.utils.set_random_seed(config["seed"])
    size = config["image_size"]
    a, b, _, _ = kgan.data.unpaired_digits(size, split="train", seed=config["seed"])
    if config["num_train"]:
        a, b = a[: config["num_train"]], b[: config["num_train"]]
    probe = train_probe(np.concatenate([a, b]), np.repeat(np.arange(2, dtype="int32"), len(a)),
                        num_classes=2, epochs=config["probe_epochs"], seed=config["seed"])
    test_a, test_b, labels_a, labels_b = kgan.data.unpaired_digits(size, split="test")

    model = build_model(config, channels=1)
    constant = config["epochs"] // 2
    decay = kgan.callbacks.LinearLearningRateDecay(constant, config["epochs"] - constant)
    start = time.time()
    history = model.fit(a, b, batch_size=config["batch_size"], epochs=config["epochs"],
                        callbacks=[decay], verbose=config["verbose"])
    train_seconds = time.time() - start
    out_dir = config["out_dir"]
    summary = kgan.recipe.save_and_summarize(model, history, train_seconds, out_dir)
    a_to_b = model.translate(test_a)
    b_to_a = model.translate(test_b, direction="b_to_a")
    a_cycle = model.translate(a_to_b, direction="b_to_a")
    b_cycle = model.translate(b_to_a)
    return {
        **summary,
        "translations_png": kgan.callbacks.save_image_columns(
            [test_a, a_to_b, a_cycle], os.path.join(out_dir, "translations.png"),
            "CycleGAN: digit / thickened / back"),
        "a_to_b": {
            "digit_accuracy": kgan.metrics.translation_scores(a_to_b, labels=labels_a)[
                "digit_accuracy"],
            "domain_accuracy": probe_scores(probe, a_to_b, np.ones(len(a_to_b), "int32"))[
                "accuracy"],
            "cycle": kgan.metrics.translation_scores(a_cycle, test_a),
        },
        "b_to_a": {
            "digit_accuracy": kgan.metrics.translation_scores(b_to_a, labels=labels_b)[
                "digit_accuracy"],
            "domain_accuracy": probe_scores(probe, b_to_a, np.zeros(len(b_to_a), "int32"))[
                "accuracy"],
            "cycle": kgan.metrics.translation_scores(b_cycle, test_b),
        },
        "domain_probe_accuracy_on_real": probe_scores(
            probe, np.concatenate([test_a, test_b]),
            np.repeat(np.arange(2, dtype="int32"), len(test_a)))["accuracy"],
    }


if __name__ == "__main__":
    kgan.recipe.main(CONFIG, run, description=__doc__)
