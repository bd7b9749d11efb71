"""Pix2Pix on real photos (facades, maps, edges2shoes: any side-by-side pix2pix folder) with the paper's settings.

The real-data counterpart of `pix2pix_digits` (the same model builder): a U-Net
generator down to 1×1 (8 levels at 256², 64 → 512 filters, dropout as noise),
a 70×70 PatchGAN on (source, output), λ = 100 for the L1 term, Adam(2e-4, β1
0.5), batch 1, 100 epochs at the initial learning rate and 100 decaying
linearly to zero, and the paper's jitter: pairs loaded at 286×286, one random
256×256 crop and horizontal flip per pair (`kgan.data.PairedDataset`).

Data, never downloaded: `--set data_dir=DIR`, a pix2pix data set folder
(`train/`, `val/`, `test/` of side-by-side images, A on the left and B on the
right, as in the authors' `facades.tar.gz`; or `A/` and `B/` sub-folders, see
`kgan.data.load_paired_folder`). `direction` picks the translation: the
facades task is `b_to_a` (label map → photo), edges2shoes `a_to_b`.

Writes `out_dir/translations.png` (source, translation, target of three test
pairs), `out_dir/model.keras` and reports on `test_split`: the L1 and PSNR to
the targets and, with the FID Inception weights (`fid_weights`, checked before
training; None skips them), FID and KID of the translations against the
targets (FID on ~100 images is biased upward; compare it only at equal size).

    python recipes/pix2pix_facades.py --set data_dir=datasets/facades
"""

import os
import time

import keras
import numpy as np

import kgan
import kgan.recipe

HERE = os.path.dirname(os.path.abspath(__file__))
# The same model as the digits recipe.
build_model = kgan.recipe.load_recipe("pix2pix_digits", HERE).build_model
DIRECTIONS = ("a_to_b", "b_to_a")

CONFIG = dict(
    data_dir=None,  # a pix2pix data set folder (train/, test/, ...); required
    direction="b_to_a",  # facades: label map (B, right) → photo (A, left)
    test_split="test",
    image_size=256,  # the crop the models see
    load_size=286,  # pairs are loaded at this size and randomly cropped to image_size
    base_filters=64,
    max_filters=512,
    patch_layers=3,  # 70×70 receptive field
    l1_weight=100.0,
    batch_size=1,
    epochs=200,
    decay_epochs=100,  # the last decay_epochs epochs decay the learning rates to zero
    learning_rate=2e-4,
    beta_1=0.5,
    fid_weights="pytorch_fid",  # None: no FID/KID
    seed=0,
    verbose=1,
    out_dir="runs/pix2pix_facades",
)
SMOKE = dict(data_dir=os.path.join(HERE, "smoke_data", "paired"), image_size=16, load_size=20,
             base_filters=4, max_filters=8, patch_layers=2, epochs=2, decay_epochs=1,
             fid_weights=None, verbose=0)


def check_config(config):
    if not config["data_dir"]:
        raise ValueError(
            "pix2pix_facades needs --set data_dir=DIR: a pix2pix data set folder (train/, "
            "test/ of side-by-side images), e.g. the authors' facades.tar.gz unpacked. "
            "kgan never downloads."
        )
    if config["direction"] not in DIRECTIONS:
        raise ValueError(
            f"direction must be one of {DIRECTIONS}. Received: {config['direction']!r}"
        )


def load_pairs(config, split, size):
    """`(source, target)` of `split` at `size`, in `direction`."""
    images_a, images_b = kgan.data.load_paired_folder(
        os.path.join(config["data_dir"], split), size, channels=3)
    return (images_a, images_b) if config["direction"] == "a_to_b" else (images_b, images_a)


def measure(translated, target, extractor=None):
    """L1 and PSNR to the targets; FID and KID against them given `extractor`."""
    scores = kgan.metrics.translation_scores(translated, target)
    if extractor is not None:
        scores.update(kgan.metrics.FeatureEvaluator(extractor, extractor(target))
                      .evaluate(translated))
    return scores


def run(config):
    check_config(config)
    callbacks = kgan.recipe.decay_schedule(config)
    keras.utils.set_random_seed(config["seed"])
    # Everything that can fail offline fails before training.
    extractor = (kgan.metrics.FIDInceptionExtractor(weights=config["fid_weights"])
                 if config["fid_weights"] else None)
    source, target = load_pairs(config, "train", config["load_size"])
    test_source, test_target = load_pairs(config, config["test_split"], config["image_size"])
    data = kgan.data.PairedDataset(source, target, batch_size=config["batch_size"],
                                   crop_size=config["image_size"], seed=config["seed"])
    model = build_model(config, source.shape[-1], target.shape[-1])
    start = time.time()
    history = model.fit(data, epochs=config["epochs"], callbacks=callbacks,
                        verbose=config["verbose"])
    train_seconds = time.time() - start
    out_dir = config["out_dir"]
    summary = kgan.recipe.save_and_summarize(model, history, train_seconds, out_dir)
    translated = model.translate(test_source, batch_size=16)
    shown = np.linspace(0, len(test_source) - 1, min(3, len(test_source))).astype(int)
    return {
        **summary,
        "test": measure(translated, test_target, extractor),
        "num_train": len(source),
        "num_test": len(test_source),
        "translations_png": kgan.callbacks.save_image_columns(
            [test_source[shown], translated[shown], test_target[shown]],
            os.path.join(out_dir, "translations.png"),
            "pix2pix: source / translation / target", rows=len(shown)),
    }


if __name__ == "__main__":
    kgan.recipe.main(CONFIG, run, description=__doc__)
