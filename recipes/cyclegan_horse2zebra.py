"""CycleGAN on real photos (horse2zebra from tfds, or any trainA/trainB folder) with the paper's settings.

The real-data counterpart of `cyclegan_digits`: `kgan.models.CycleGAN` with
9-block ResNet generators and 70×70 PatchGAN discriminators (instance norm),
least-squares loss, cycle λ = 10, identity λ = 5, history pools of 50 images,
Adam(2e-4, β1 0.5), batch 1, 100 epochs at the initial learning rate and 100
decaying linearly to zero, and the paper's jitter: images loaded at 286×286,
a random 256×256 crop and a random horizontal flip per image, the two
domains re-paired at random every epoch (`kgan.data.UnpairedDataset`).

Data, never downloaded: `--set data_dir=DIR`, a folder in CycleGAN's layout
(`trainA/`, `trainB/`, `testA/`, `testB/`; e.g. the authors' `horse2zebra.zip`
unpacked, or your own two domains), or else the prepared TensorFlow Datasets
set `tfds_name` (default `cycle_gan/horse2zebra`; `tfds_data_dir` names its
folder). Without either it stops at once with the command that prepares it.

Writes `out_dir/translations.png` (columns: test A, A→B, A→B→A, test B, B→A,
B→A→B), `out_dir/model.keras` and reports, on the test splits: FID and KID
(FID Inception features, TF-FID resize) of the A→B translations against the
real B test images and of B→A against A (CycleGAN-era papers report
horse→zebra FID on the same ~120 test images; that few images bias FID
upward, KID less), and the cycle reconstruction L1 and PSNR per direction.
`fid_weights` names the FID Inception weights (`"pytorch_fid"`: looked up in
the Keras cache, see `kgan.metrics.FIDInceptionExtractor`; None: skip FID and
KID); they are checked before training starts.

A 256² CycleGAN is a GPU job (the paper: about a day on one GPU for
horse2zebra's 1,067 + 1,334 images × 200 epochs). For a CPU try
`--set image_size=128 --set load_size=143 --set num_blocks=6 --set epochs=20
--set decay_epochs=10`.

    python recipes/cyclegan_horse2zebra.py --set data_dir=datasets/horse2zebra
"""

import os
import time

import keras

import kgan
import kgan.recipe

HERE = os.path.dirname(os.path.abspath(__file__))
SMOKE_DATA = os.path.join(HERE, "smoke_data", "unpaired")
# The same model as the digits recipe (with RGB images).
build_model = kgan.recipe.load_recipe("cyclegan_digits", HERE).build_model

CONFIG = dict(
    data_dir=None,  # a folder in CycleGAN's layout; None: the tfds set below
    tfds_name="cycle_gan/horse2zebra",
    tfds_data_dir=None,  # None: tfds' default (~/tensorflow_datasets or $TFDS_DATA_DIR)
    image_size=256,  # the crop the models see
    load_size=286,  # images are loaded at this size and randomly cropped to image_size
    base_filters=64,
    num_blocks=9,
    patch_layers=3,  # 70×70 receptive field
    patch_padding="authors",  # zero-pad 1 pixel per convolution: 30×30 logits for 256×256
    cycle_weight=10.0,
    identity_weight=5.0,
    pool_size=50,
    batch_size=1,
    epochs=200,
    decay_epochs=100,  # the last decay_epochs epochs decay the learning rates to zero
    learning_rate=2e-4,
    beta_1=0.5,
    max_train=0,  # 0: every training image; else at most this many per domain
    fid_weights="pytorch_fid",  # None: no FID/KID
    seed=0,
    verbose=1,
    out_dir="runs/cyclegan_horse2zebra",
)
SMOKE = dict(data_dir=SMOKE_DATA, image_size=16, load_size=20, base_filters=4, num_blocks=1,
             patch_layers=2, epochs=2, decay_epochs=1, fid_weights=None, verbose=0)


def load_domains(config, split):
    """`(images_a, images_b)` of `split` ("train" at load_size, "test" at image_size)."""
    size = config["load_size"] if split == "train" else config["image_size"]
    if config["data_dir"]:
        return kgan.data.load_unpaired_folder(config["data_dir"], size, channels=3, split=split)
    try:
        return tuple(
            kgan.data.load_tfds(config["tfds_name"], split=split + domain, image_size=size,
                                data_dir=config["tfds_data_dir"], channels=3, label_key=None)[0]
            for domain in ("A", "B")
        )
    except FileNotFoundError as error:
        raise FileNotFoundError(
            f"{error}\nOr pass a folder in CycleGAN's layout (trainA/, trainB/, testA/, testB/): "
            "--set data_dir=DIR."
        ) from error


def measure(model, test_a, test_b, extractor=None):
    """Cycle L1/PSNR per direction; FID and KID of the translations against the
    other domain's real test images when `extractor` (images → features) is given."""
    a_to_b = model.translate(test_a, batch_size=16)
    b_to_a = model.translate(test_b, direction="b_to_a", batch_size=16)
    figures = {}
    for direction, source, translated, back, target in (
        ("a_to_b", test_a, a_to_b, "b_to_a", test_b),
        ("b_to_a", test_b, b_to_a, "a_to_b", test_a),
    ):
        cycle = model.translate(translated, direction=back, batch_size=16)
        scores = {"cycle": kgan.metrics.translation_scores(cycle, source)}
        if extractor is not None:
            scores.update(kgan.metrics.FeatureEvaluator(extractor, extractor(target))
                          .evaluate(translated))
        figures[direction] = scores
    return figures, a_to_b, b_to_a


def run(config):
    callbacks = kgan.recipe.decay_schedule(config)
    keras.utils.set_random_seed(config["seed"])
    # Everything that can fail offline fails before training.
    extractor = (kgan.metrics.FIDInceptionExtractor(weights=config["fid_weights"])
                 if config["fid_weights"] else None)
    train_a, train_b = load_domains(config, "train")
    test_a, test_b = load_domains(config, "test")
    if config["max_train"]:
        train_a, train_b = train_a[: config["max_train"]], train_b[: config["max_train"]]
    data = kgan.data.UnpairedDataset(train_a, train_b, batch_size=config["batch_size"],
                                     crop_size=config["image_size"], seed=config["seed"])
    model = build_model(config, channels=3)
    start = time.time()
    history = model.fit(data, epochs=config["epochs"], callbacks=callbacks,
                        verbose=config["verbose"])
    train_seconds = time.time() - start
    out_dir = config["out_dir"]
    summary = kgan.recipe.save_and_summarize(model, history, train_seconds, out_dir)
    figures, a_to_b, b_to_a = measure(model, test_a, test_b, extractor)
    rows = min(3, len(test_a), len(test_b))
    columns = [test_a, a_to_b, model.translate(a_to_b[:rows], direction="b_to_a"),
               test_b, b_to_a, model.translate(b_to_a[:rows])]
    return {
        **summary,
        **figures,
        "num_train": [len(train_a), len(train_b)],
        "num_test": [len(test_a), len(test_b)],
        "translations_png": kgan.callbacks.save_image_columns(
            columns, os.path.join(out_dir, "translations.png"),
            "CycleGAN: A / A→B / back, B / B→A / back", rows=rows),
    }


if __name__ == "__main__":
    kgan.recipe.main(CONFIG, run, description=__doc__)
