"""GANimation on the bundled digits: set a digit's stroke thickness and ink brightness to given values.

Trains `kgan.models.GANimation` (conditioned ResNet generator with an attention
mask and a colour map, StarGAN-style critic with a condition-regression head,
WGAN-GP, condition λ = 10, cycle λ = 10, attention λ = 0.1, smoothness 0.16) on
`kgan.data.condition_digits` (each training digit rendered with a random
thickness and brightness in [0, 1]), writes `out_dir/conditions.png` (per row:
a test digit, then the model's renderings at thickness 0, ½, 1 with brightness
1 and at brightness 0 with thickness ½, then the attention mask of the last),
saves `out_dir/model.keras` and reports on the test split, with target
conditions drawn at random:

- condition error: a small CNN regressor trained on the real rendered training
  digits (`kgan.metrics.translation.train_probe`) reads thickness and
  brightness from each translation; MAE and RMSE to the targets, beside its
  error on real test digits rendered with those targets (its ceiling) and the
  error of the untranslated inputs (what doing nothing scores);
- L1 to the real renderings of the same digits with the target conditions;
- content kept: the shipped digits classifier reads the source digit;
- the mean attention (1 = the input kept).

    python recipes/ganimation_digits.py [--set key=value ...]
"""

import os
import time

import keras
import numpy as np

import kgan
from kgan.data.translation import render_conditions
from kgan.metrics.translation import probe_scores, train_probe

CONFIG = dict(
    image_size=16,
    base_filters=32,
    num_blocks=3,
    critic_layers=3,
    condition_weight=10.0,
    cycle_weight=10.0,
    attention_weight=0.1,
    smoothness_weight=0.16,
    gp_weight=10.0,
    d_steps=5,
    batch_size=32,
    epochs=10,
    learning_rate=1e-4,
    num_train=0,
    probe_epochs=15,
    seed=0,
    verbose=2,
    out_dir="runs/ganimation_digits",
)
SMOKE = dict(base_filters=8, num_blocks=1, critic_layers=2, d_steps=1, epochs=1, num_train=32,
             probe_epochs=1, verbose=0)


def run(config):
    keras.utils.set_random_seed(config["seed"])
    size = config["image_size"]
    images, conditions, _ = kgan.data.condition_digits(size, split="train", seed=config["seed"])
    if config["num_train"]:
        images, conditions = images[: config["num_train"]], conditions[: config["num_train"]]
    test_images, _, test_labels = kgan.data.condition_digits(size, split="test", seed=1)
    test_digits, _ = kgan.data.load_digits(size, split="test")
    targets = np.random.default_rng(2).uniform(0.0, 1.0, (len(test_images), 2)).astype("float32")

    generator = kgan.networks.ganimation_generator(
        (size, size, 1), 2, base_filters=config["base_filters"], num_blocks=config["num_blocks"])
    critic = kgan.networks.stargan_discriminator(
        (size, size, 1), 2, base_filters=config["base_filters"], num_layers=config["critic_layers"])
    model = kgan.models.GANimation(
        generator, critic, condition_weight=config["condition_weight"],
        cycle_weight=config["cycle_weight"], attention_weight=config["attention_weight"],
        smoothness_weight=config["smoothness_weight"], gp_weight=config["gp_weight"],
        d_steps=config["d_steps"], seed=config["seed"])
    model.compile(
        g_optimizer=keras.optimizers.Adam(config["learning_rate"], beta_1=0.5, beta_2=0.999),
        d_optimizer=keras.optimizers.Adam(config["learning_rate"], beta_1=0.5, beta_2=0.999),
    )
    start = time.time()
    history = model.fit(images, conditions, batch_size=config["batch_size"],
                        epochs=config["epochs"], verbose=config["verbose"])
    train_seconds = time.time() - start
    out_dir = config["out_dir"]
    summary = kgan.recipe.save_and_summarize(model, history, train_seconds, out_dir)

    translated = model.translate(test_images, targets)
    real_targets = render_conditions(test_digits, targets)
    probe = train_probe(images, conditions, epochs=config["probe_epochs"],
                        seed=config["seed"])
    generator = model.sampling_generator
    attention_of = keras.Model(generator.inputs, generator.get_layer("attention").output)
    attention = attention_of.predict([test_images, targets], batch_size=256, verbose=0)

    settings = np.array([[0.0, 1.0], [0.5, 1.0], [1.0, 1.0], [0.5, 0.0]], "float32")
    rows = []
    for index in np.linspace(0, len(test_images) - 1, 5).astype(int):
        source = test_images[index : index + 1].repeat(len(settings), axis=0)
        mask = attention_of.predict([source[-1:], settings[-1:]], verbose=0)
        rows.append(np.concatenate([source[:1], model.translate(source, settings),
                                    mask * 2.0 - 1.0]))
    conditions_png = os.path.join(out_dir, "conditions.png")
    kgan.callbacks.save_image_grid(np.concatenate(rows), conditions_png,
                                   title="GANimation: digit, t=0, ½, 1, b=0, attention")
    return {
        **summary,
        "conditions_png": conditions_png,
        "condition_error": probe_scores(probe, translated, targets),
        "condition_error_of_real_renderings": probe_scores(probe, real_targets, targets),
        "condition_error_of_inputs": probe_scores(probe, test_images, targets),
        "l1_to_real_renderings": float(np.mean(np.abs(translated - real_targets))),
        "digit_accuracy": kgan.metrics.translation_scores(translated, labels=test_labels)[
            "digit_accuracy"],
        "mean_attention": float(attention.mean()),
    }


if __name__ == "__main__":
    kgan.recipe.main(CONFIG, run, description=__doc__)
