"""The digits feature classifier behind "FID-digits" (kgan.metrics.DigitsEvaluator).

Trains a small Keras CNN on the training split of the bundled digits
(`kgan.data.load_digits(image_size=32, split="train")`, 1,437 images in
[-1, 1]) with random shifts of up to 2 pixels, reports its accuracy on the
359-image test split, and saves it to `out_path` (by default
`saved_models/digits_classifier.keras`, the file kgan ships and
`kgan.metrics.load_digits_classifier` loads). Its 64-unit penultimate layer,
`features`, is the feature space of FID-digits and KID-digits; its softmax
output, `probabilities`, feeds the Inception Score and the conditional accuracy.

The shipped file was trained with these defaults on the JAX backend:
test accuracy 0.9944 (357 / 359 test images; 47,530 parameters, 622 kB);
see saved_models/README.md.

    python recipes/digits_classifier.py [--set key=value ...]
"""

import os
import time

import keras
import numpy as np

import kgan

CONFIG = dict(
    image_size=32,
    filters=16,
    feature_dim=64,
    dropout=0.3,
    max_shift=2,
    batch_size=64,
    epochs=20,
    learning_rate=1e-3,
    seed=0,
    out_path=os.path.join(
        os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
        "saved_models", "digits_classifier.keras",
    ),
)
# Never the shipped file: a smoke run must not overwrite it.
SMOKE = dict(image_size=16, filters=4, feature_dim=8, epochs=1, batch_size=128,
             out_path=os.path.join("runs", "digits_classifier_smoke", "digits_classifier.keras"))
NUM_CLASSES = 10


def digits_classifier(image_size=32, filters=16, feature_dim=64, dropout=0.3):
    """Conv(f)–pool–Conv(2f)–pool–Conv(2f)–pool–flatten–Dense(features)–Dense(10, softmax)."""
    inputs = keras.Input((image_size, image_size, 1), name="images")
    x = keras.layers.Conv2D(filters, 3, padding="same", activation="relu")(inputs)
    x = keras.layers.MaxPooling2D()(x)
    x = keras.layers.Conv2D(2 * filters, 3, padding="same", activation="relu")(x)
    x = keras.layers.MaxPooling2D()(x)
    x = keras.layers.Conv2D(2 * filters, 3, padding="same", activation="relu")(x)
    x = keras.layers.MaxPooling2D()(x)
    x = keras.layers.Flatten()(x)
    features = keras.layers.Dense(feature_dim, activation="relu", name="features")(x)
    x = keras.layers.Dropout(dropout)(features)
    outputs = keras.layers.Dense(NUM_CLASSES, activation="softmax", name="probabilities")(x)
    return keras.Model(inputs, outputs, name="digits_classifier")


def shifted(images, max_shift, rng):
    """Each image moved by a random whole-pixel offset in [-max_shift, max_shift]², background −1."""
    out = np.full_like(images, -1.0)
    size = images.shape[1]
    for i, (dy, dx) in enumerate(rng.integers(-max_shift, max_shift + 1, (len(images), 2))):
        src = images[i, max(0, -dy) : size - max(0, dy), max(0, -dx) : size - max(0, dx)]
        out[i, max(0, dy) : max(0, dy) + src.shape[0], max(0, dx) : max(0, dx) + src.shape[1]] = src
    return out


def run(config):
    keras.utils.set_random_seed(config["seed"])
    size = config["image_size"]
    x, y = kgan.data.load_digits(image_size=size, split="train")
    test_x, test_y = kgan.data.load_digits(image_size=size, split="test")
    model = digits_classifier(size, config["filters"], config["feature_dim"], config["dropout"])
    model.compile(optimizer=keras.optimizers.Adam(config["learning_rate"]),
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
