"""BiGAN on the bundled digits: reconstruction error of G(E(x)) and a linear probe on E(x).

Trains `kgan.models.BiGAN` (DCGAN generator, `kgan.networks.bigan_encoder`,
`kgan.networks.bigan_discriminator`) on the train split, then measures on the
test split: the mean squared error of G(E(x)) in [-1, 1] pixel units, and the
accuracy of a logistic regression (scikit-learn, standardised inputs) fitted
on train-split encodings E(x), beside the same probe on raw pixels and on the
encodings of the untrained encoder (its random initial weights) as anchors.
Writes `out_dir/samples.png`, `out_dir/reconstructions.png` (odd rows: test
digits; even rows: their reconstructions), `out_dir/loss_curves.png` and
`out_dir/model.keras`.

    python recipes/bigan_digits.py [--set key=value ...]
"""

import os
import time

import keras
import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

import kgan

CONFIG = dict(
    image_size=16,
    latent_dim=32,
    base_filters=32,
    width=256,
    dropout=0.2,
    batch_size=64,
    epochs=20,
    learning_rate=2e-4,
    beta_1=0.5,
    seed=0,
    num_eval_samples=1000,
    verbose=2,
    out_dir="runs/bigan_digits",
)
SMOKE = dict(base_filters=8, latent_dim=8, width=16, epochs=1, batch_size=128,
             num_eval_samples=100, verbose=0)


def probe_accuracy(train_features, train_labels, test_features, test_labels):
    """Test accuracy of a logistic regression on standardised features."""
    probe = make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000))
    probe.fit(train_features.reshape(len(train_features), -1), train_labels)
    return float(probe.score(test_features.reshape(len(test_features), -1), test_labels))


def run(config):
    keras.utils.set_random_seed(config["seed"])
    size, latent_dim = config["image_size"], config["latent_dim"]
    x, y = kgan.data.load_digits(image_size=size, split="train")
    x_test, y_test = kgan.data.load_digits(image_size=size, split="test")
    generator = kgan.networks.dcgan_generator(latent_dim, (size, size, 1), config["base_filters"])
    encoder = kgan.networks.bigan_encoder((size, size, 1), latent_dim, config["base_filters"])
    discriminator = kgan.networks.bigan_discriminator(
        (size, size, 1), latent_dim, config["base_filters"], config["width"], config["dropout"]
    )
    model = kgan.models.BiGAN(generator, encoder, discriminator, latent_dim, seed=config["seed"])
    random_probe = probe_accuracy(model.encode(x), y, model.encode(x_test), y_test)
    model.compile(
        g_optimizer=keras.optimizers.Adam(config["learning_rate"], beta_1=config["beta_1"]),
        d_optimizer=keras.optimizers.Adam(config["learning_rate"], beta_1=config["beta_1"]),
    )
    start = time.time()
    history = model.fit(x, batch_size=config["batch_size"], epochs=config["epochs"],
                        verbose=config["verbose"])
    train_seconds = time.time() - start

    reconstructions = model.reconstruct(x_test)
    out_dir = config["out_dir"]
    summary = kgan.recipe.save_and_summarize(model, history, train_seconds, out_dir)
    grid_path = os.path.join(out_dir, "samples.png")
    kgan.callbacks.save_image_grid(model.generate(64, seed=1), grid_path, title="BiGAN digits")
    pairs = np.stack([x_test[:32].reshape(4, 8, size, size, 1),
                      reconstructions[:32].reshape(4, 8, size, size, 1)], axis=1)
    reconstructions_path = os.path.join(out_dir, "reconstructions.png")
    kgan.callbacks.save_image_grid(pairs.reshape(64, size, size, 1), reconstructions_path,
                                   title="test digits (odd rows) and G(E(x)) (even rows)")
    evaluator = kgan.metrics.DigitsEvaluator(image_size=size)
    return {
        **summary,
        "steps": int(model.optimizer.iterations.numpy()),
        "reconstruction_mse": round(float(np.mean((reconstructions - x_test) ** 2)), 4),
        # Anchor: predicting every test pixel by the train split's mean image.
        "mean_image_mse": round(float(np.mean((x.mean(axis=0) - x_test) ** 2)), 4),
        "probe_accuracy": {
            "encoder": round(probe_accuracy(model.encode(x), y, model.encode(x_test), y_test), 4),
            "random_encoder": round(random_probe, 4),
            "pixels": round(probe_accuracy(x, y, x_test, y_test), 4),
        },
        "samples_png": grid_path,
        "reconstructions_png": reconstructions_path,
        "generated": evaluator.evaluate(model.generate(config["num_eval_samples"], seed=2)),
    }


if __name__ == "__main__":
    kgan.recipe.main(CONFIG, run, description=__doc__)
