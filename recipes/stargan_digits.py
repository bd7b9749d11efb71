"""StarGAN on the bundled digits: one generator moves a digit between four domains (thick × inverted).

Trains `kgan.models.StarGAN` (ResNet generator with the target attributes
tiled as channels, zero padding as in the paper; StarGAN discriminator with a
patch head and an attribute head; WGAN-GP, domain λ = 1, reconstruction
λ = 10, five critic steps per generator step) on `kgan.data.domain_digits`
(attributes "thick" and "inverted", drawn per image), writes
`out_dir/domains.png` (per row: a test digit, then the model's rendering in
each of the four domains), saves `out_dir/model.keras` and reports on the test
split, each test digit translated to a random domain other than its own:

- target-domain accuracy: a small CNN trained on the real training images to
  name their domain (`kgan.metrics.translation.train_probe`, four classes)
  names the domain of each translation; its accuracy on real test images is
  reported as its ceiling;
- content kept: a digit probe trained on the real training images of all four
  domains reads the source digit in the translations (beside its accuracy on
  real test images), overall and split by the attributes a translation changes
  (thickness only, inversion only, both); the shipped digits classifier's
  accuracy on translations into the non-inverted domains (it cannot read
  inverted digits);
- the reconstruction L1 and PSNR of translating back to the source domain.

    python recipes/stargan_digits.py [--set key=value ...]
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
    num_blocks=3,
    num_downsamples=2,
    normalization="instance",
    critic_layers=3,
    domain_weight=1.0,
    reconstruction_weight=10.0,
    gp_weight=10.0,
    d_steps=5,
    batch_size=32,
    epochs=10,
    learning_rate=1e-4,
    num_train=0,
    probe_epochs=8,
    seed=0,
    verbose=2,
    out_dir="runs/stargan_digits",
)
SMOKE = dict(base_filters=8, num_blocks=1, critic_layers=2, d_steps=1, epochs=1, num_train=32,
             probe_epochs=1, verbose=0)
# The four domains as attribute vectors (thick, inverted); domain index 2·thick + inverted.
DOMAINS = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], "float32")
# Which attributes a translation changes, for the content breakdown.
CHANGES = {"thick_only": (True, False), "inverted_only": (False, True), "both": (True, True)}


def domain_index(attributes):
    return (2 * attributes[:, 0] + attributes[:, 1]).astype("int32")


def run(config):
    keras.utils.set_random_seed(config["seed"])
    size = config["image_size"]
    images, attributes, labels = kgan.data.domain_digits(size, split="train", seed=config["seed"])
    if config["num_train"]:
        images, attributes, labels = (
            array[: config["num_train"]] for array in (images, attributes, labels))
    test_images, test_attributes, test_labels = kgan.data.domain_digits(size, split="test", seed=1)
    source_domains = domain_index(test_attributes)
    shift = np.random.default_rng(2).integers(1, len(DOMAINS), len(test_images))
    target_domains = ((source_domains + shift) % len(DOMAINS)).astype("int32")

    generator = kgan.networks.resnet_generator(
        (size, size, 1), base_filters=config["base_filters"], num_blocks=config["num_blocks"],
        num_downsamples=config["num_downsamples"], normalization=config["normalization"],
        condition_dim=2, padding="zero")
    critic = kgan.networks.stargan_discriminator(
        (size, size, 1), 2, base_filters=config["base_filters"], num_layers=config["critic_layers"])
    model = kgan.models.StarGAN(
        generator, critic, domain_weight=config["domain_weight"],
        reconstruction_weight=config["reconstruction_weight"], gp_weight=config["gp_weight"],
        d_steps=config["d_steps"], seed=config["seed"])
    model.compile(
        g_optimizer=keras.optimizers.Adam(config["learning_rate"], beta_1=0.5, beta_2=0.999),
        d_optimizer=keras.optimizers.Adam(config["learning_rate"], beta_1=0.5, beta_2=0.999),
    )
    start = time.time()
    history = model.fit(images, attributes, batch_size=config["batch_size"],
                        epochs=config["epochs"], verbose=config["verbose"])
    train_seconds = time.time() - start
    out_dir = config["out_dir"]
    summary = kgan.recipe.save_and_summarize(model, history, train_seconds, out_dir)

    translated = model.translate(test_images, DOMAINS[target_domains])
    back = model.translate(translated, test_attributes)
    domain_probe = train_probe(images, domain_index(attributes), num_classes=len(DOMAINS),
                               epochs=config["probe_epochs"], seed=config["seed"])
    digit_probe = train_probe(images, labels, num_classes=10,
                              epochs=config["probe_epochs"], seed=config["seed"])
    upright = DOMAINS[target_domains][:, 1] == 0
    changed = DOMAINS[target_domains] != test_attributes
    rows = [np.concatenate([test_images[i : i + 1],
                            model.translate(test_images[[i] * len(DOMAINS)], DOMAINS)])
            for i in np.linspace(0, len(test_images) - 1, 5).astype(int)]
    domains_png = os.path.join(out_dir, "domains.png")
    kgan.callbacks.save_image_grid(np.concatenate(rows), domains_png,
                                   title="StarGAN: digit, plain, inverted, thick, both")
    return {
        **summary,
        "domains_png": domains_png,
        "domain_accuracy": probe_scores(domain_probe, translated, target_domains)["accuracy"],
        "domain_probe_accuracy_on_real": probe_scores(domain_probe, test_images,
                                                      source_domains)["accuracy"],
        "digit_probe_accuracy": probe_scores(digit_probe, translated, test_labels)["accuracy"],
        "digit_probe_accuracy_by_change": {
            name: probe_scores(digit_probe, translated[(changed == change).all(axis=1)],
                               test_labels[(changed == change).all(axis=1)])["accuracy"]
            for name, change in CHANGES.items()},
        "digit_probe_accuracy_on_real": probe_scores(digit_probe, test_images, test_labels)[
            "accuracy"],
        "digit_accuracy_not_inverted": kgan.metrics.translation_scores(
            translated[upright], labels=test_labels[upright])["digit_accuracy"],
        "reconstruction": kgan.metrics.translation_scores(back, test_images),
    }


if __name__ == "__main__":
    kgan.recipe.main(CONFIG, run, description=__doc__)
