"""The MNIST feature classifier behind FID-MNIST and the Stacked-MNIST mode count.

Trains a small Keras CNN on the training split of the bundled MNIST digits
(`kgan.data.load_mnist(split="train")`, 4,500 digits 28×28 in [-1, 1]) with
random shifts of up to 2 pixels (Adam with cosine decay), reports its accuracy on the 500-digit test
split, and saves it to `out_path` (by default
`saved_models/mnist_classifier.keras`, the file kgan ships and
`kgan.metrics.load_mnist_classifier` loads). Its penultimate layer, `features`,
is the feature space of FID-MNIST (`kgan.metrics.MNISTEvaluator`); its softmax
output, `probabilities`, labels each channel for `kgan.metrics.stacked_mnist_modes`.
Strided convolutions keep it cheap: Stacked MNIST classifies 78,000 digits.

The shipped file was trained with these defaults on the TensorFlow backend:
test accuracy 0.980 (490 / 500 test digits; 89,802 parameters, 393 kB); see
saved_models/README.md for it and the real-data floors.

    python recipes/mnist_classifier.py [--set key=value ...]
"""

import os
import time

import keras
import numpy as np

import kgan

CONFIG = dict(
    filters=16,
    feature_dim=64,
    dropout=0.3,
    max_shift=2,
    batch_size=64,
    epochs=40,
    learning_rate=1e-3,
    seed=0,
    out_path=os.path.join(
        os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
        "saved_models", "mnist_classifier.keras",
    ),
)
# Never the shipped file: a smoke run must not overwrite it.
SMOKE = dict(filters=4, feature_dim=8, epochs=1, batch_size=256,
             out_path=os.path.join("runs", "mnist_classifier_smoke", "mnist_classifier.keras"))
NUM_CLASSES = 10
IMAGE_SIZE = 28
# The digits classifier recipe's augmentation: whole-pixel shifts, background −1.
shifted = kgan.recipe.load_recipe("digits_classifier").shifted


def mnist_classifier(filters=16, feature_dim=64, dropout=0.3):
    """Conv(f, 5, /2)–Conv(2f, 3, /2)–Conv(4f, 3, /2)–flatten–Dense(features)–Dense(10, softmax),
    on `(28, 28, 1)` images in [-1, 1]."""
    inputs = keras.Input((IMAGE_SIZE, IMAGE_SIZE, 1), name="images")
    x = keras.layers.Conv2D(filters, 5, strides=2, padding="same", activation="relu")(inputs)
    x = keras.layers.Conv2D(2 * filters, 3, strides=2, padding="same", activation="relu")(x)
    x = keras.layers.Conv2D(4 * filters, 3, strides=2, padding="same", activation="relu")(x)
    x = keras.layers.Flatten()(x)
    features = keras.layers.Dense(feature_dim, activation="relu", name="features")(x)
    x = keras.layers.Dropout(dropout)(features)
    outputs = keras.layers.Dense(NUM_CLASSES, activation="softmax", name="probabilities")(x)
    return keras.Model(inputs, outputs, name="mnist_classifier")


def run(config):
    keras.utils.set_random_seed(config["seed"])
    x, y = kgan.data.load_mnist(split="train")
    test_x, test_y = kgan.data.load_mnist(split="test")
    model = mnist_classifier(config["filters"], config["feature_dim"], config["dropout"])
    steps = config["epochs"] * -(-len(x) // config["batch_size"])
    schedule = keras.optimizers.schedules.CosineDecay(config["learning_rate"], steps)
    model.compile(optimizer=keras.optimizers.Adam(schedule),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    rng = np.random.default_rng(config["seed"])
    start = time.time()
    for epoch in range(config["epochs"]):
        augmented = shifted(x, config["max_shift"], rng) if config["max_shift"] else x
        logs = model.fit(augmented, y, batch_size=config["batch_size"], epochs=1, verbose=0,
                         shuffle=True).history
        print(f"epoch {epoch + 1}: loss {logs['loss'][-1]:.4f} accuracy {logs['accuracy'][-1]:.4f}")
    train_seconds = time.time() - start
    return kgan.recipe.save_classifier(model, test_x, test_y, train_seconds, config["out_path"])


if __name__ == "__main__":
    kgan.recipe.main(CONFIG, run, description=__doc__)
