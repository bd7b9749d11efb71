"""Quality figures for generators of the bundled digits.

A multinomial logistic regression fitted on the training split of the 8×8
digits (deterministic, under a second) reads generated images downsampled to
8×8 by area averaging. It reports how many of the 10 classes the samples cover,
how confidently, and (for conditional models) whether each sample shows the
class it was asked for; and the Fréchet distance between generated and held-out
real digits in the 64-d pixel space of the 8×8 images ("FD-pixels8", lower is
better; the real train split scores the floor).
"""

import numpy as np
from scipy import ndimage

from kgan.data.digits import SOURCE_SIZE, load_digits
from kgan.metrics.frechet import feature_statistics, frechet_distance

NUM_CLASSES = 10


def to_source_resolution(images):
    """Images `(n, s, s, 1)` in [-1, 1] → flat 8×8 pixels `(n, 64)` in [0, 1]."""
    images = np.asarray(images, dtype="float64")
    if images.ndim != 4 or images.shape[1] != images.shape[2] or images.shape[3] != 1:
        raise ValueError(f"Digit images must be (n, size, size, 1). Received shape {images.shape}.")
    size = images.shape[1]
    pixels = (np.clip(images[..., 0], -1.0, 1.0) + 1.0) / 2.0
    if size % SOURCE_SIZE == 0:
        factor = size // SOURCE_SIZE
        pixels = pixels.reshape(-1, SOURCE_SIZE, factor, SOURCE_SIZE, factor).mean(axis=(2, 4))
    elif size != SOURCE_SIZE:
        pixels = ndimage.zoom(pixels, (1, SOURCE_SIZE / size, SOURCE_SIZE / size), order=1)
    return pixels.reshape(len(images), SOURCE_SIZE * SOURCE_SIZE)


class DigitsEvaluator:
    """Scores generated digits against the held-out test split.

    The real images go through the same pipeline as generated ones (upsampled
    to `image_size` by `load_digits`, then back to 8×8), so real train vs test
    gives the floor of each figure (`real_floor()`).

    Args:
        image_size: int, the size of the images the generator makes, default 32.

    Example:
        >>> evaluator = DigitsEvaluator(image_size=32)
        >>> evaluator.evaluate(model.generate(1000, seed=0))
        {'fd_pixels8': ..., 'classes_covered': 10, 'confidence': ..., 'class_share_min': ...}
    """

    def __init__(self, image_size=32):
        from sklearn.linear_model import LogisticRegression

        train_x, train_y = load_digits(image_size=image_size, split="train")
        test_x, self.test_labels = load_digits(image_size=image_size, split="test")
        self.classifier = LogisticRegression(max_iter=2000, C=1.0)
        self.classifier.fit(to_source_resolution(train_x), train_y)
        self._test_pixels = to_source_resolution(test_x)
        self._test_stats = feature_statistics(self._test_pixels)
        self._train_pixels = to_source_resolution(train_x)

    def real_floor(self):
        """FD-pixels8 and classifier accuracy of the real train split vs test."""
        mu, sigma = feature_statistics(self._train_pixels)
        return {
            "fd_pixels8": frechet_distance(mu, sigma, *self._test_stats),
            "test_accuracy": float(self.classifier.score(self._test_pixels, self.test_labels)),
        }

    def evaluate(self, images, labels=None):
        """Figures for generated images `(n, s, s, 1)` in [-1, 1].

        Args:
            images: generated digits.
            labels: optional ints `(n,)`, the classes a conditional model was asked for.

        Returns:
            dict: `fd_pixels8` (float ≥ 0), `classes_covered` (int ≤ 10, classes
            predicted for at least 1 % of samples), `class_share_min` (smallest
            predicted-class share), `confidence` (mean top probability), and with
            labels `conditional_accuracy` (fraction classified as asked).
        """
        pixels = to_source_resolution(images)
        probabilities = self.classifier.predict_proba(pixels)
        predicted = probabilities.argmax(axis=1)
        shares = np.bincount(predicted, minlength=NUM_CLASSES) / len(predicted)
        result = {
            "fd_pixels8": frechet_distance(*feature_statistics(pixels), *self._test_stats),
            "classes_covered": int((shares >= 0.01).sum()),
            "class_share_min": float(shares.min()),
            "confidence": float(probabilities.max(axis=1).mean()),
        }
        if labels is not None:
            result["conditional_accuracy"] = float((predicted == np.asarray(labels)).mean())
        return result
