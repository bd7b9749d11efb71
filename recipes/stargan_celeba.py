"""StarGAN on CelebA faces (hair colour, gender, age) with the paper's settings, from CelebA's folder or tfds.

The real-data counterpart of `stargan_digits` (the same model builder): a
ResNet generator (2 downsamplings, 6 residual blocks, instance norm, zero
padding) with the target attributes tiled as channels, a 6-layer StarGAN
critic with an attribute head, WGAN-GP (λ 10), attribute λ 1, reconstruction
λ 10, five critic steps per generator step, Adam(1e-4, 0.5, 0.999), batch 16,
on 128×128 centre crops of the aligned faces, the learning rates decayed
linearly to zero over the second half of training. The paper trains 200k
critic iterations (40k generator steps): 16 epochs of the default 40,000
images.

Data, never downloaded: `--set data_dir=DIR`, CelebA in its own layout
(`list_attr_celeba.txt`, `img_align_celeba/`, `list_eval_partition.txt`; what
StarGAN's download script fetches), or else the prepared tfds set `celeb_a`
(`tfds_data_dir` names its folder). Images are held in memory as float32
(196 KB each at 128²): `max_images` caps the training set (default 40,000,
7.9 GB; 0 takes all 162,770 of the train split, 32 GB).

Writes `out_dir/attributes.png` (per row: a test face, then that face with
each attribute changed) and `out_dir/model.keras`, and reports on the test
split, each face translated once per attribute (a hair colour set as the only
hair colour, any other attribute flipped, as StarGAN's evaluation):

- attribute accuracy: a CNN probe trained on the real training faces
  (`kgan.metrics.translation.train_probe`, regressing the K attributes,
  thresholded at ½) reads the target value of the changed attribute, per
  attribute, beside its accuracy on real test faces;
- reconstruction L1 and PSNR of translating back to the source attributes;
- FID and KID (FID Inception, `fid_weights`; checked before training, None
  skips them) of the translations against the real test faces.

    python recipes/stargan_celeba.py --set data_dir=datasets/celeba
"""

import os
import time

import keras
import numpy as np

import kgan
import kgan.recipe
from kgan.metrics.translation import train_probe

HERE = os.path.dirname(os.path.abspath(__file__))
# The same model as the digits recipe.
build_model = kgan.recipe.load_recipe("stargan_digits", HERE).build_model
HAIR_COLOURS = ("Black_Hair", "Blond_Hair", "Brown_Hair", "Gray_Hair")

CONFIG = dict(
    data_dir=None,  # CelebA's folder; None: the tfds set celeb_a
    tfds_data_dir=None,  # None: tfds' default (~/tensorflow_datasets or $TFDS_DATA_DIR)
    attributes=["Black_Hair", "Blond_Hair", "Brown_Hair", "Male", "Young"],
    image_size=128,
    max_images=40000,  # 0: the whole train split
    num_test=2000,  # test faces translated and scored
    base_filters=64,
    num_blocks=6,
    num_downsamples=2,
    normalization="instance",
    critic_layers=6,
    domain_weight=1.0,
    reconstruction_weight=10.0,
    identity_weight=0.0,  # the paper has none (stargan_digits needed it, see its recipe)
    gp_weight=10.0,
    d_steps=5,
    ema_decay=None,  # the paper keeps no generator EMA
    batch_size=16,
    epochs=16,
    decay_epochs=8,  # the last decay_epochs epochs decay the learning rates to zero
    learning_rate=1e-4,
    probe_epochs=5,
    fid_weights="pytorch_fid",  # None: no FID/KID
    seed=0,
    verbose=1,
    out_dir="runs/stargan_celeba",
)
SMOKE = dict(data_dir=os.path.join(HERE, "smoke_data", "celeba"), image_size=16, base_filters=4,
             num_blocks=1, critic_layers=2, d_steps=1, batch_size=2, epochs=2, decay_epochs=1,
             probe_epochs=1, fid_weights=None, verbose=0)


def load_split(config, split, max_images):
    """`(faces, attribute_vectors)` of `split` ("train" or "test")."""
    names = list(config["attributes"])
    if config["data_dir"]:
        return kgan.data.load_celeba_folder(config["data_dir"], names, config["image_size"],
                                            split=split, max_images=max_images)
    try:
        return kgan.data.load_tfds(
            "celeb_a", split=split, image_size=config["image_size"],
            data_dir=config["tfds_data_dir"], channels=3, max_examples=max_images,
            label_key=[f"attributes/{name}" for name in names])
    except FileNotFoundError as error:
        raise FileNotFoundError(
            f"{error}\nOr pass CelebA's own folder (list_attr_celeba.txt, img_align_celeba/): "
            "--set data_dir=DIR."
        ) from error


def changed_attribute(vectors, index, names):
    """`vectors` `(n, K)` with attribute `index` changed: a hair colour becomes the
    only hair colour among `names`; any other attribute is flipped."""
    vectors = np.array(vectors, dtype="float32")
    if names[index] in HAIR_COLOURS:
        for k, name in enumerate(names):
            if name in HAIR_COLOURS:
                vectors[:, k] = float(k == index)
    else:
        vectors[:, index] = 1.0 - vectors[:, index]
    return vectors


def measure(model, faces, vectors, probe, names, extractor=None):
    """Per-attribute target accuracy of the probe, reconstruction and FID/KID."""
    translated, back, accuracy = [], [], {}
    for index, name in enumerate(names):
        targets = changed_attribute(vectors, index, names)
        images = model.translate(faces, targets, batch_size=64)
        predicted = probe.predict(images, batch_size=64, verbose=0) > 0.5
        accuracy[name] = float(np.mean(predicted[:, index] == (targets[:, index] > 0.5)))
        translated.append(images)
        back.append(model.translate(images, vectors, batch_size=64))
    real_predicted = probe.predict(faces, batch_size=64, verbose=0) > 0.5
    figures = {
        "attribute_accuracy": accuracy,
        "attribute_accuracy_mean": float(np.mean(list(accuracy.values()))),
        "probe_accuracy_on_real": {
            name: float(np.mean(real_predicted[:, k] == (vectors[:, k] > 0.5)))
            for k, name in enumerate(names)},
        "reconstruction": kgan.metrics.translation_scores(
            np.concatenate(back), np.concatenate([faces] * len(names))),
    }
    if extractor is not None:
        figures.update(kgan.metrics.FeatureEvaluator(extractor, extractor(faces))
                       .evaluate(np.concatenate(translated)))
    return figures, translated


def run(config):
    names = list(config["attributes"])
    callbacks = kgan.recipe.decay_schedule(config)
    keras.utils.set_random_seed(config["seed"])
    # Everything that can fail offline fails before training.
    extractor = (kgan.metrics.FIDInceptionExtractor(weights=config["fid_weights"])
                 if config["fid_weights"] else None)
    faces, vectors = load_split(config, "train", config["max_images"] or None)
    test_faces, test_vectors = load_split(config, "test", config["num_test"] or None)
    size = config["image_size"]
    model = build_model(config, (size, size, 3), len(names))
    start = time.time()
    history = model.fit(faces, vectors, batch_size=config["batch_size"], epochs=config["epochs"],
                        callbacks=callbacks, verbose=config["verbose"])
    train_seconds = time.time() - start
    out_dir = config["out_dir"]
    summary = kgan.recipe.save_and_summarize(model, history, train_seconds, out_dir)
    probe = train_probe(faces, vectors, epochs=config["probe_epochs"], seed=config["seed"])
    figures, translated = measure(model, test_faces, test_vectors, probe, names, extractor)
    shown = np.arange(min(4, len(test_faces)))
    rows = np.stack([test_faces[shown], *[images[shown] for images in translated]], axis=1)
    grid_path = os.path.join(out_dir, "attributes.png")
    kgan.callbacks.save_image_grid(
        rows.reshape(-1, *rows.shape[2:]), grid_path, cols=len(names) + 1,
        title="StarGAN: face, then " + ", ".join(names) + " changed")
    return {**summary, **figures, "attributes_png": grid_path, "num_train": len(faces),
            "num_test": len(test_faces)}


if __name__ == "__main__":
    kgan.recipe.main(CONFIG, run, description=__doc__)
