"""SRGAN on the bundled digits: 4× super-resolution from 8×8 block means to 32×32.

Trains `kgan.models.SRGAN` (SRResNet generator with sub-pixel upsampling, SRGAN
discriminator, adversarial weight 1e-3) on `kgan.data.paired_digits("downsampled")`,
starting, as the paper does, from a generator trained on the pixel MSE alone
(SRResNet, `pretrain_epochs`), with a pixel content loss by default (`content="features"` uses the shipped digits
classifier's `features` layer as the content network, the offline stand-in for
VGG19), writes `out_dir/upscaled.png` (columns: input, SRGAN, target), saves
`out_dir/model.keras` and reports the test PSNR of SRGAN, of the SRResNet it
started from and of bicubic upsampling.

    python recipes/srgan_digits.py [--set key=value ...]
"""

import os
import time

import keras
import numpy as np
from scipy import ndimage

import kgan

CONFIG = dict(
    image_size=32,
    filters=32,
    num_blocks=4,
    discriminator_filters=32,
    content="pixels",
    adversarial_weight=1e-3,
    batch_size=32,
    pretrain_epochs=20,  # SRResNet: G alone on the pixel MSE before the adversarial epochs
    pretrain_learning_rate=1e-3,
    epochs=15,
    learning_rate=1e-4,
    num_train=0,
    seed=0,
    verbose=2,
    out_dir="runs/srgan_digits",
)
SMOKE = dict(image_size=16, filters=8, num_blocks=1, discriminator_filters=8, pretrain_epochs=1,
             epochs=1, num_train=64, verbose=0)
CONTENTS = ("pixels", "features")


def bicubic(images, scale):
    """Cubic-spline upsampling (scipy, order 3) of images in [-1, 1], clipped to [-1, 1]."""
    return np.clip(ndimage.zoom(images, (1, scale, scale, 1), order=3, grid_mode=True,
                                mode="nearest"), -1.0, 1.0).astype("float32")


def content_network(size):
    """The shipped digits classifier's `features` activations, frozen, on size×size images."""
    classifier = kgan.metrics.load_digits_classifier()
    images = keras.Input((size, size, 1))
    resized = keras.layers.Resizing(32, 32, interpolation="bilinear")(images)
    features = keras.Model(classifier.inputs[0], classifier.get_layer("features").output)
    return keras.Model(images, features(resized), name="digits_features")


def run(config):
    if config["content"] not in CONTENTS:
        raise ValueError(f"content must be one of {CONTENTS}. Received: {config['content']!r}")
    keras.utils.set_random_seed(config["seed"])
    size = config["image_size"]
    small, full, _ = kgan.data.paired_digits("downsampled", size, split="train")
    if config["num_train"]:
        small, full = small[: config["num_train"]], full[: config["num_train"]]
    test_small, test_full, _ = kgan.data.paired_digits("downsampled", size, split="test")
    generator = kgan.networks.srgan_generator(small.shape[1:], filters=config["filters"],
                                              num_blocks=config["num_blocks"])
    discriminator = kgan.networks.srgan_discriminator(
        full.shape[1:], base_filters=config["discriminator_filters"], num_levels=2,
        dense_units=8 * config["discriminator_filters"])
    start = time.time()
    pretrained_psnr = None
    if config["pretrain_epochs"]:
        generator.compile(keras.optimizers.Adam(config["pretrain_learning_rate"]), loss="mse")
        generator.fit(small, full, batch_size=config["batch_size"],
                      epochs=config["pretrain_epochs"], verbose=config["verbose"])
        pretrained_psnr = kgan.metrics.psnr(generator.predict(test_small, verbose=0), test_full)
    model = kgan.models.SRGAN(
        generator, discriminator,
        content_network=content_network(size) if config["content"] == "features" else None,
        adversarial_weight=config["adversarial_weight"], seed=config["seed"])
    model.compile(g_optimizer=keras.optimizers.Adam(config["learning_rate"], beta_1=0.9),
                  d_optimizer=keras.optimizers.Adam(config["learning_rate"], beta_1=0.9))
    history = model.fit(small, full, batch_size=config["batch_size"], epochs=config["epochs"],
                        verbose=config["verbose"])
    train_seconds = time.time() - start
    out_dir = config["out_dir"]
    summary = kgan.recipe.save_and_summarize(model, history, train_seconds, out_dir)
    upscaled = model.translate(test_small)
    scale = size // test_small.shape[1]
    baseline = bicubic(test_small, scale)
    nearest = np.repeat(np.repeat(test_small, scale, axis=1), scale, axis=2)
    path = os.path.join(out_dir, "upscaled.png")
    triples = np.stack([nearest[:3], upscaled[:3], test_full[:3]], axis=1)
    kgan.callbacks.save_image_grid(triples.reshape(9, size, size, 1), path,
                                   title="SRGAN: input / 4× / target")
    return {
        **summary,
        "upscaled_png": path,
        "test_psnr": kgan.metrics.psnr(upscaled, test_full),
        "srresnet_psnr": pretrained_psnr,
        "bicubic_psnr": kgan.metrics.psnr(baseline, test_full),
    }


if __name__ == "__main__":
    kgan.recipe.main(CONFIG, run, description=__doc__)
