"""Semi-supervised GAN on the bundled digits with 100 labels, against a supervised-only classifier.

Trains `kgan.models.SemiSupervisedGAN` (K = 10 class logits, the fake class
implied as in Salimans et al. 2016; feature-matching generator) on the train
split, of which `num_labels` images (the same number per class, picked with
`seed`) keep their label and the rest are unlabelled (y = -1). The labelled
images are repeated `label_repeat` times in each epoch so that most batches
hold some. Then trains a plain classifier, the same discriminator network from
the same initial weights, on the labelled images alone for as many optimizer
steps, and reports both test-split accuracies, the steps and the seconds.
Writes `out_dir/samples.png`, `out_dir/loss_curves.png` and `out_dir/model.keras`.

    python recipes/semi_supervised_digits.py [--set key=value ...]
"""

import os
import time

import keras
import numpy as np

import kgan

CONFIG = dict(
    image_size=16,
    latent_dim=32,
    base_filters=32,
    dropout=0.3,
    generator_loss="feature_matching",
    num_labels=100,
    label_repeat=10,
    batch_size=64,
    epochs=15,
    learning_rate=3e-4,
    beta_1=0.5,
    seed=0,
    num_eval_samples=1000,
    verbose=2,
    out_dir="runs/semi_supervised_digits",
)
SMOKE = dict(base_filters=8, latent_dim=8, num_labels=20, label_repeat=2, epochs=1,
             batch_size=128, num_eval_samples=100, verbose=0)
NUM_CLASSES = 10


def labelled_subset(labels, num_labels, seed):
    """Indices of `num_labels` samples, `num_labels // 10` of each class, picked with `seed`."""
    if num_labels % NUM_CLASSES:
        raise ValueError(f"num_labels must be a multiple of 10. Received: num_labels={num_labels}")
    rng = np.random.default_rng(seed)
    per_class = num_labels // NUM_CLASSES
    return np.concatenate(
        [rng.choice(np.flatnonzero(labels == k), per_class, replace=False)
         for k in range(NUM_CLASSES)]
    )


def _adam(config):
    return keras.optimizers.Adam(config["learning_rate"], beta_1=config["beta_1"])


def train_classifier(discriminator, x, y, steps, config):
    """The supervised baseline: `discriminator` trained by cross-entropy on (x, y) only."""
    classifier = keras.models.clone_model(discriminator)
    classifier.set_weights(discriminator.get_weights())
    classifier.compile(_adam(config), keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    repeats = -(-steps * config["batch_size"] // len(x))
    order = np.random.default_rng(config["seed"]).permutation(repeats * len(x))
    classifier.fit(np.tile(x, (repeats, 1, 1, 1))[order], np.tile(y, repeats)[order],
                   batch_size=config["batch_size"], steps_per_epoch=steps, epochs=1, verbose=0)
    return classifier


def run(config):
    keras.utils.set_random_seed(config["seed"])
    size = config["image_size"]
    x, y = kgan.data.load_digits(image_size=size, split="train")
    x_test, y_test = kgan.data.load_digits(image_size=size, split="test")
    chosen = labelled_subset(y, config["num_labels"], config["seed"])
    partial = np.full(len(y), -1, "int32")
    partial[chosen] = y[chosen]
    repeat = config["label_repeat"] - 1
    x_fit = np.concatenate([x, np.repeat(x[chosen], repeat, axis=0)])
    y_fit = np.concatenate([partial, np.repeat(y[chosen], repeat)])

    generator = kgan.networks.dcgan_generator(
        config["latent_dim"], (size, size, 1), config["base_filters"]
    )
    discriminator = kgan.networks.semi_supervised_discriminator(
        (size, size, 1), NUM_CLASSES, config["base_filters"], config["dropout"]
    )
    initial = keras.models.clone_model(discriminator)
    initial.set_weights(discriminator.get_weights())
    model = kgan.models.SemiSupervisedGAN(
        generator, discriminator, latent_dim=config["latent_dim"], num_classes=NUM_CLASSES,
        generator_loss=config["generator_loss"], seed=config["seed"],
    )
    model.compile(g_optimizer=_adam(config), d_optimizer=_adam(config))
    start = time.time()
    history = model.fit(x_fit, y_fit, batch_size=config["batch_size"], epochs=config["epochs"],
                        shuffle=True, verbose=config["verbose"])
    train_seconds = time.time() - start
    steps = int(model.optimizer.iterations.numpy())

    start = time.time()
    classifier = train_classifier(initial, x[chosen], y[chosen], steps, config)
    baseline_seconds = time.time() - start
    baseline_predictions = np.argmax(classifier.predict(x_test, verbose=0), axis=-1)

    out_dir = config["out_dir"]
    summary = kgan.recipe.save_and_summarize(model, history, train_seconds, out_dir)
    grid_path = os.path.join(out_dir, "samples.png")
    kgan.callbacks.save_image_grid(model.generate(64, seed=1), grid_path,
                                   title="Semi-supervised GAN digits")
    evaluator = kgan.metrics.DigitsEvaluator(image_size=size)
    return {
        **summary,
        "num_labels": config["num_labels"],
        "steps": steps,
        "test_accuracy": round(float(np.mean(model.predict_classes(x_test) == y_test)), 4),
        "baseline_test_accuracy": round(float(np.mean(baseline_predictions == y_test)), 4),
        "baseline_seconds": round(baseline_seconds, 1),
        "samples_png": grid_path,
        "generated": evaluator.evaluate(model.generate(config["num_eval_samples"], seed=2)),
    }


if __name__ == "__main__":
    kgan.recipe.main(CONFIG, run, description=__doc__)
