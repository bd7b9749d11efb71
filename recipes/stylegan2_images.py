"""StyleGAN2 on real images (cifar10, celeb_a, imagenet32 via tfds, or an image folder such as FFHQ) with StyleGAN2-ADA's settings.

The real-data presets of `stylegan2_digits` (the same model builder):
`--set preset=NAME` picks the data and the hyper-parameters of StyleGAN2-ADA
(Karras et al. 2020, its `cifar` configuration for cifar10 and its `auto`
configuration, derived from the resolution, for everything else):

    auto, resolution r: batch min(4096 / r, 32), channel_base 16384
    (32768 from r = 512), channel_max 512, a 2-layer mapping network,
    lr 0.0025 (0.002 from r = 1024), R1 γ = 0.0002 r² / batch, generator EMA
    half-life batch · 10 / 32 thousand images, style mixing 0.9, path length 2,
    minibatch-stddev groups of min(batch, 4).
    cifar: batch 64, channel_base 32768, lr 0.0025, γ 0.01, EMA half-life
    500k images, no style mixing or path length, minibatch-stddev groups of 32.

Presets: `cifar10` (tfds, 32²), `celeb_a64` (tfds `celeb_a`, centre square
at 64²), `imagenet32` (tfds `imagenet_resized/32x32`) and `folder` (every
image under `data_dir` at any depth, `image_size` default 256, streamed from
disk batch by batch with `kgan.data.ImageFolderStream`; FFHQ:
`--set preset=folder --set data_dir=ffhq/images1024x1024`). The tfds presets
load the data set into memory as float32 (celeb_a at 64²: 8 GB; cap it with
`max_images`). Every value a preset sets can be overridden with `--set`.

Nothing is downloaded: a tfds set must be prepared (the error gives the
command), a folder must exist. Reports FID and KID with the FID Inception
network (TF-FID resize) of `num_eval_samples` generated images (ψ = 1, and ψ =
0.7) against `num_reference` training images, both computed in batches, and
the training speed in images/s (NVlabs' anchor, stylegan2-ada at 256² on one
V100: 21.6–24.2 s/kimg, i.e. 41–46 images/s). `fid_weights` names the FID
Inception weights (None: no FID/KID); they are checked before training.
A GPU job: on a CPU use `stylegan2_digits`.

    python recipes/stylegan2_images.py --set preset=cifar10 --set epochs=50
"""

import os
import time

import keras
import numpy as np

import kgan
import kgan.recipe

HERE = os.path.dirname(os.path.abspath(__file__))
_DIGITS = kgan.recipe.load_recipe("stylegan2_digits", HERE)

PRESETS = {
    "cifar10": dict(tfds_name="cifar10", image_size=32, spec="cifar"),
    "celeb_a64": dict(tfds_name="celeb_a", image_size=64, spec="auto"),
    "imagenet32": dict(tfds_name="imagenet_resized/32x32", image_size=32, spec="auto"),
    "folder": dict(tfds_name=None, image_size=256, spec="auto"),
}
# Keys a preset's spec fills when the config leaves them None.
SPEC_KEYS = ("batch_size", "channel_base", "mapping_layers", "learning_rate", "r1_gamma",
             "ema_half_life_images", "mix_prob", "pl_weight", "mbstd_group_size")

CONFIG = dict(
    preset="cifar10",  # one of PRESETS
    data_dir=None,  # the folder preset: the image folder
    tfds_data_dir=None,  # None: tfds' default (~/tensorflow_datasets or $TFDS_DATA_DIR)
    image_size=None,  # None: the preset's
    max_images=0,  # 0: every image; else the first max_images
    mirror=True,  # random horizontal flips (folder preset; ADA's --mirror)
    latent_dim=512,
    w_dim=512,
    channel_max=512,
    batch_size=None,  # None, and the keys below: the preset's spec (see the docstring)
    channel_base=None,
    mapping_layers=None,
    learning_rate=None,
    r1_gamma=None,
    ema_half_life_images=None,
    mix_prob=None,
    pl_weight=None,
    mbstd_group_size=None,
    epochs=10,
    fid_weights="pytorch_fid",  # None: no FID/KID
    num_eval_samples=50000,
    num_reference=50000,
    seed=0,
    verbose=1,
    out_dir="runs/stylegan2_images",
)
SMOKE = dict(preset="folder", data_dir=os.path.join(HERE, "smoke_data", "unpaired"),
             image_size=16, latent_dim=8, w_dim=8, channel_max=8, channel_base=64,
             batch_size=4, epochs=1, fid_weights=None, verbose=0)


def spec_defaults(spec, resolution):
    """StyleGAN2-ADA's `cifar` or `auto` hyper-parameters at `resolution`."""
    if spec == "cifar":
        return dict(batch_size=64, channel_base=32768, mapping_layers=2, learning_rate=0.0025,
                    r1_gamma=0.01, ema_half_life_images=500_000, mix_prob=0.0, pl_weight=0.0,
                    mbstd_group_size=32)
    batch = min(4096 // resolution, 32)
    return dict(batch_size=batch, channel_base=32768 if resolution >= 512 else 16384,
                mapping_layers=2, learning_rate=0.002 if resolution >= 1024 else 0.0025,
                r1_gamma=0.0002 * resolution**2 / batch,
                ema_half_life_images=batch * 10 / 32 * 1000, mix_prob=0.9, pl_weight=2.0,
                mbstd_group_size=min(batch, 4))


def resolve(config):
    """The config with the preset's data set, size and spec filled in."""
    if config["preset"] not in PRESETS:
        raise ValueError(
            f"Unknown preset {config['preset']!r}. Valid presets: {', '.join(PRESETS)}"
        )
    preset = PRESETS[config["preset"]]
    config = dict(config, tfds_name=preset["tfds_name"])
    if config["image_size"] is None:
        config["image_size"] = preset["image_size"]
    for key, value in spec_defaults(preset["spec"], config["image_size"]).items():
        if config[key] is None:
            config[key] = value
    if config["preset"] == "folder" and not config["data_dir"]:
        raise ValueError("The folder preset needs --set data_dir=DIR (a folder of images).")
    if config["batch_size"] % config["mbstd_group_size"]:
        raise ValueError(
            f"batch_size ({config['batch_size']}) must be a multiple of mbstd_group_size "
            f"({config['mbstd_group_size']})."
        )
    return config


def load_data(config):
    """The training data: an in-memory array (tfds) or an `ImageFolderStream`."""
    max_images = config["max_images"] or None
    if config["tfds_name"] is None:
        return kgan.data.ImageFolderStream(
            config["data_dir"], config["image_size"], batch_size=config["batch_size"],
            seed=config["seed"], max_images=max_images, mirror=config["mirror"])
    images, _ = kgan.data.load_tfds(
        config["tfds_name"], split="train", image_size=config["image_size"],
        data_dir=config["tfds_data_dir"], channels=3, label_key=None, max_examples=max_images)
    return images[: len(images) - len(images) % config["batch_size"]]


def real_batches(data, batch_size, count):
    """Up to `count` training images, `batch_size` at a time."""
    if isinstance(data, np.ndarray):
        for start in range(0, min(count, len(data)), batch_size):
            yield data[start : min(start + batch_size, count)]
        return
    served = 0
    for index in range(len(data)):
        if served >= count:
            return
        batch = data[index][: count - served]
        served += len(batch)
        yield batch


def fake_batches(model, count, psi, batch_size=250):
    for start in range(0, count, batch_size):
        yield model.generate(min(batch_size, count - start), seed=start + 2, psi=psi)


def feature_scores(extractor, reference_features, batches):
    """FID and KID of every image in `batches` against the reference features."""
    fake = np.concatenate([extractor(np.clip(batch, -1, 1)) for batch in batches])
    evaluator = kgan.metrics.FeatureEvaluator(extractor, reference_features)
    return {**evaluator.evaluate_features(fake), "num_samples": len(fake)}


def run(config):
    config = resolve(config)
    keras.utils.set_random_seed(config["seed"])
    # Everything that can fail offline fails before training.
    extractor = (kgan.metrics.FIDInceptionExtractor(weights=config["fid_weights"])
                 if config["fid_weights"] else None)
    data = load_data(config)
    model = _DIGITS.build_model(config, channels=3,
                                mbstd_group_size=config["mbstd_group_size"])
    fit_args = ({"batch_size": config["batch_size"]} if isinstance(data, np.ndarray)
                else {"shuffle": False})
    num_images = len(data) if isinstance(data, np.ndarray) else len(data) * config["batch_size"]
    start = time.time()
    history = model.fit(data, epochs=config["epochs"], verbose=config["verbose"], **fit_args)
    train_seconds = time.time() - start
    out_dir = config["out_dir"]
    summary = kgan.recipe.save_and_summarize(model, history, train_seconds, out_dir)
    grid_path = os.path.join(out_dir, "samples.png")
    kgan.callbacks.save_image_grid(model.generate(64, seed=1), grid_path,
                                   title=f"StyleGAN2, {config['preset']}")
    result = {
        **summary,
        "samples_png": grid_path,
        "config": {key: config[key] for key in ("preset", "image_size", *SPEC_KEYS)},
        "num_train_images": num_images,
        "images_per_second": round(config["epochs"] * num_images / train_seconds, 1),
    }
    if extractor is not None:
        reference = np.concatenate([
            extractor(batch)
            for batch in real_batches(data, config["batch_size"], config["num_reference"])])
        result["generated"] = {
            f"psi={psi}": feature_scores(
                extractor, reference, fake_batches(model, config["num_eval_samples"], psi))
            for psi in (1.0, 0.7)
        }
    return result


if __name__ == "__main__":
    kgan.recipe.main(CONFIG, run, description=__doc__)
