"""StarGAN on the bundled digits: one generator moves a digit between four domains (thick × slanted).

Trains `kgan.models.StarGAN` (ResNet generator with the target attributes
tiled as channels, zero padding as in the paper; StarGAN discriminator with a
patch head and an attribute head; WGAN-GP, domain λ = 1, reconstruction
λ = 10, and the identity loss λ = 5, which the paper has not) on
`kgan.data.domain_digits` (attributes `attributes`, default "thick" and
"slant", drawn per image), writes `out_dir/domains.png` (per row: a test
digit, then the model's rendering in every domain), saves
`out_dir/model.keras` and reports on the test split, each test digit
translated into every domain other than its own (`num_translations` =
(2^K − 1) × test digits):

- target-domain accuracy: a small CNN trained on the real training images to
  name their domain (`kgan.metrics.translation.train_probe`, 2^K classes)
  names the domain of each translation; its accuracy on real test images is
  reported as its ceiling;
- content kept: a digit probe trained on the real training images of all
  domains reads the source digit in the translations (beside its accuracy on
  real test images), overall and split by the attributes a translation changes
  (`digit_probe_accuracy_by_change`, keyed by the changed attributes joined
  with "+"), and in the translations to the own domain (`..._own_domain`);
  the shipped digits classifier's accuracy on the translations
  (`digit_accuracy`; into the non-inverted domains only: it cannot read
  inverted digits), beside its accuracy on the true renderings of the same
  digits in the same target domains (`digit_accuracy_on_targets`, made by
  `kgan.data.render_domains`);
- L1 and PSNR of the translations to those true renderings (`targets`),
  beside the untranslated inputs' (`inputs_to_targets`);
- the reconstruction L1 and PSNR of translating back to the source domain.

Departures from the paper's schedule, for a CPU: two critic steps per
generator step, lr 3e-4 and no learning-rate decay by default (the paper:
five, 1e-4, decayed linearly over the second half: `--set decay_epochs=14`).

    python recipes/stargan_digits.py [--set key=value ...]
    python recipes/stargan_digits.py --set 'attributes=["thick", "inverted"]'
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
    identity_weight=5.0,  # not in the paper; without it own-domain translations lost the digit
    gp_weight=10.0,
    d_steps=2,
    ema_decay=None,  # per-step decay of a generator EMA that `translate` then uses; None: none
    batch_size=32,
    epochs=28,
    decay_epochs=0,  # the last decay_epochs epochs decay the learning rates to zero
    learning_rate=3e-4,
    num_train=0,
    probe_epochs=8,
    seed=0,
    verbose=2,
    attributes=["thick", "slant"],  # names from kgan.data.translation.DOMAIN_ATTRIBUTES
    out_dir="runs/stargan_digits",
)
SMOKE = dict(base_filters=8, num_blocks=1, critic_layers=2, d_steps=1, epochs=1, num_train=32,
             probe_epochs=1, verbose=0)


def all_domains(num_attributes):
    """Every attribute vector `(2^K, K)`; row d is the binary code of d (first attribute highest)."""
    codes = np.arange(2**num_attributes)[:, None] >> np.arange(num_attributes)[::-1]
    return (codes & 1).astype("float32")


def domain_index(attributes):
    """The row of `all_domains` of each attribute vector `(n, K)` → int32 `(n,)`."""
    weights = 2 ** np.arange(attributes.shape[1])[::-1]
    return (attributes @ weights).astype("int32")


def build_model(config, image_shape, num_attributes):
    """The compiled StarGAN of `config` for images `image_shape` and
    `num_attributes` binary attributes: a ResNet generator with the target
    tiled as channels (zero padding), the StarGAN critic, Adam(lr, 0.5, 0.999)."""
    generator = kgan.networks.resnet_generator(
        image_shape, base_filters=config["base_filters"], num_blocks=config["num_blocks"],
        num_downsamples=config["num_downsamples"], normalization=config["normalization"],
        condition_dim=num_attributes, padding="zero", sampling_kernel_size=4,
        instance_affine=True)
    critic = kgan.networks.stargan_discriminator(
        image_shape, num_attributes, base_filters=config["base_filters"],
        num_layers=config["critic_layers"])
    model = kgan.models.StarGAN(
        generator, critic, domain_weight=config["domain_weight"],
        reconstruction_weight=config["reconstruction_weight"],
        identity_weight=config["identity_weight"], gp_weight=config["gp_weight"],
        d_steps=config["d_steps"], ema_decay=config["ema_decay"], seed=config["seed"])
    model.compile(
        g_optimizer=keras.optimizers.Adam(config["learning_rate"], beta_1=0.5, beta_2=0.999),
        d_optimizer=keras.optimizers.Adam(config["learning_rate"], beta_1=0.5, beta_2=0.999),
    )
    return model


def run(config):
    keras.utils.set_random_seed(config["seed"])
    size = config["image_size"]
    names = tuple(config["attributes"])
    images, attributes, labels = kgan.data.domain_digits(size, split="train", seed=config["seed"],
                                                         attributes=names)
    if config["num_train"]:
        images, attributes, labels = (
            array[: config["num_train"]] for array in (images, attributes, labels))
    model = build_model(config, (size, size, 1), len(names))
    start = time.time()
    history = model.fit(images, attributes, batch_size=config["batch_size"],
                        epochs=config["epochs"], callbacks=kgan.recipe.decay_schedule(config),
                        verbose=config["verbose"])
    train_seconds = time.time() - start
    summary = kgan.recipe.save_and_summarize(model, history, train_seconds, config["out_dir"])
    return {**summary, **measure(model, config)}


def measure(model, config):
    """The figures of a trained StarGAN on the test split of `config`'s task
    (see the module docstring); writes `out_dir/domains.png`."""
    size, names = config["image_size"], tuple(config["attributes"])
    images, attributes, labels = kgan.data.domain_digits(size, split="train", seed=config["seed"],
                                                         attributes=names)
    test_images, test_attributes, test_labels = kgan.data.domain_digits(
        size, split="test", seed=1, attributes=names)
    plain, _ = kgan.data.load_digits(image_size=size, split="test")
    domains = all_domains(len(names))
    # every test digit into every domain other than its own
    shifts = np.arange(1, len(domains))
    source = np.repeat(np.arange(len(test_images)), len(shifts))
    target_domains = (domain_index(test_attributes)[source] + np.tile(shifts, len(test_images))) % (
        len(domains))
    targets = domains[target_domains]
    pair_labels = test_labels[source]
    translated = model.translate(test_images[source], targets)
    truth = kgan.data.render_domains(plain[source], targets, names)
    back = model.translate(translated, test_attributes[source])
    own = model.translate(test_images, test_attributes)
    domain_probe = train_probe(images, domain_index(attributes), num_classes=len(domains),
                               epochs=config["probe_epochs"], seed=config["seed"])
    digit_probe = train_probe(images, labels, num_classes=10,
                              epochs=config["probe_epochs"], seed=config["seed"])
    changed = targets != test_attributes[source]
    by_change = {}
    for pattern in np.unique(changed, axis=0):
        chosen = (changed == pattern).all(axis=1)
        key = "+".join(name for name, flag in zip(names, pattern) if flag)
        by_change[key] = probe_scores(digit_probe, translated[chosen], pair_labels[chosen])[
            "accuracy"]
    # The shipped classifier cannot read inverted digits: it scores the others only.
    readable = np.ones(len(targets), bool)
    if "inverted" in names:
        readable = targets[:, names.index("inverted")] == 0
    rows = [np.concatenate([test_images[i : i + 1],
                            model.translate(test_images[[i] * len(domains)], domains)])
            for i in np.linspace(0, len(test_images) - 1, 5).astype(int)]
    domains_png = os.path.join(config["out_dir"], "domains.png")
    domain_names = ["+".join(n for n, flag in zip(names, row) if flag) or "plain"
                    for row in domains]
    kgan.callbacks.save_image_grid(np.concatenate(rows), domains_png, cols=len(domains) + 1,
                                   title="StarGAN: digit, " + ", ".join(domain_names))
    return {
        "domains_png": domains_png,
        "num_translations": len(translated),
        "domain_accuracy": probe_scores(domain_probe, translated, target_domains)["accuracy"],
        "domain_probe_accuracy_on_real": probe_scores(domain_probe, test_images,
                                                      domain_index(test_attributes))["accuracy"],
        "digit_probe_accuracy": probe_scores(digit_probe, translated, pair_labels)["accuracy"],
        "digit_probe_accuracy_by_change": by_change,
        "digit_probe_accuracy_own_domain": probe_scores(digit_probe, own, test_labels)[
            "accuracy"],
        "digit_probe_accuracy_on_real": probe_scores(digit_probe, test_images, test_labels)[
            "accuracy"],
        "digit_accuracy": kgan.metrics.translation_scores(
            translated[readable], labels=pair_labels[readable])["digit_accuracy"],
        "digit_accuracy_on_targets": kgan.metrics.translation_scores(
            truth[readable], labels=pair_labels[readable])["digit_accuracy"],
        "targets": kgan.metrics.translation_scores(translated, truth),
        "inputs_to_targets": kgan.metrics.translation_scores(test_images[source], truth),
        "reconstruction": kgan.metrics.translation_scores(back, test_images[source]),
    }


if __name__ == "__main__":
    kgan.recipe.main(CONFIG, run, description=__doc__)
