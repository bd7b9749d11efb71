"""A callback that scores generated samples (FID, KID, ...) during fit()."""

import time

import keras
import numpy as np

from kgan.utils.validation import check_int

DIGITS_DEFAULT = ("fid_digits", "kid_digits")
REFERENCE_DEFAULT = ("fid", "kid")
_DIGITS_FEATURE_METRICS = {"fid_digits": "fid", "kid_digits": "kid", "kid_digits_std": "kid",
                           "precision_digits": "precision", "recall_digits": "recall"}


class MetricsCallback(keras.callbacks.Callback):
    """Every `every_n_epochs` epochs, generates `num_samples` samples and writes
    their quality figures into the epoch logs.

    The figures then appear in `History` (`model.fit(...).history["fid_digits"]`,
    present only for the epochs that were scored, like Keras' validation
    metrics with `validation_freq`) and in `keras.callbacks.TensorBoard` when
    that callback comes after this one in the list. Samples come from fixed
    latents (`seed`), so epoch-to-epoch changes reflect the generator, not the
    draw. Works on every backend: it only calls `model.generate`.

    Three ways to say what to compare with:
      - nothing (default): `kgan.metrics.DigitsEvaluator` at the generator's
        resolution (FID-digits and KID-digits against the digits test split);
        `metrics` defaults to `("fid_digits", "kid_digits")`.
      - `reference`: real images `(n, ...)`; features from `extractor` (default
        `kgan.metrics.digits_features`) and `kgan.metrics.FeatureEvaluator`;
        `metrics` from `"fid"`, `"kid"`, `"kid_std"`, `"precision"`, `"recall"`,
        default `("fid", "kid")`.
      - `evaluator`: any object with `evaluate(images, labels=None) -> dict`;
        `metrics` lists the keys to log (default: all).

    Args:
        every_n_epochs: int ≥ 1, default 1.
        num_samples: int ≥ 10, default 1000.
        metrics: tuple of log keys, see above.
        evaluator: optional evaluator object.
        reference: optional real images.
        extractor: optional callable images → features, or its name
            (`kgan.metrics.feature_extractor`: `"digits"`, `"fid_inception"`,
            `"inception_keras"`), with `reference`.
        seed: int, default 0, seed of the fixed latents.
        labels: optional ints `(num_samples,)` for conditional models; default
            cycles through the classes (and the digits evaluator then reports
            `conditional_accuracy` if asked for in `metrics`).
        kid_subsets: int, default 100, for the evaluators this callback builds.

    Attributes:
        history: dict key → list of values, one per scored epoch.
        epochs: list of the scored epochs (1-based).
        seconds: list of the wall-clock seconds each scoring took.

    Example:
        >>> metrics = kgan.callbacks.MetricsCallback(every_n_epochs=5, num_samples=1000)
        >>> history = model.fit(x, epochs=30, callbacks=[metrics])
        >>> history.history["fid_digits"]        # 6 values
    """

    def __init__(self, every_n_epochs=1, num_samples=1000, metrics=None, evaluator=None,
                 reference=None, extractor=None, seed=0, labels=None, kid_subsets=100):
        super().__init__()
        check_int(every_n_epochs, "every_n_epochs")
        check_int(num_samples, "num_samples", minimum=10)
        if evaluator is not None and reference is not None:
            raise ValueError("Pass either evaluator or reference, not both.")
        if extractor is not None and reference is None:
            raise ValueError("extractor is used with reference images; pass reference too.")
        if metrics is not None and (isinstance(metrics, str) or not metrics):
            raise ValueError(f"metrics must be a non-empty tuple of names. Received: {metrics!r}")
        self.every_n_epochs = every_n_epochs
        self.num_samples = num_samples
        self.metrics = tuple(metrics) if metrics is not None else None
        self.evaluator = evaluator
        self.reference = reference
        self.extractor = extractor
        self.seed = seed
        self.labels = labels
        self.kid_subsets = kid_subsets
        self.history = {}
        self.epochs = []
        self.seconds = []

    def _build_evaluator(self):
        from kgan import metrics as kgan_metrics

        if self.reference is not None:
            names = self.metrics or REFERENCE_DEFAULT
            base = sorted({"kid" if name == "kid_std" else name for name in names})
            unknown = sorted(set(base) - {"fid", "kid", "precision", "recall"})
            if unknown:
                raise ValueError(
                    "With reference images, metrics must be among fid, kid, kid_std, precision, "
                    f"recall. Received: {unknown}"
                )
            extractor = self.extractor or kgan_metrics.digits_features
            if isinstance(extractor, str):
                extractor = kgan_metrics.feature_extractor(extractor)
            self._names = tuple(names)
            return kgan_metrics.FeatureEvaluator(
                extractor, extractor(np.asarray(self.reference)), metrics=base,
                kid_subsets=self.kid_subsets)
        shape = self.model.sample_shape
        if len(shape) != 3 or shape[0] != shape[1] or shape[2] != 1:
            raise ValueError(
                "The default evaluator scores grey square digit images; this model makes samples "
                f"of shape {shape}. Pass reference= (with an extractor) or evaluator=."
            )
        self._names = self.metrics or DIGITS_DEFAULT
        base = tuple(sorted({_DIGITS_FEATURE_METRICS[name] for name in self._names
                             if name in _DIGITS_FEATURE_METRICS}))
        return kgan_metrics.DigitsEvaluator(image_size=shape[0], metrics=base,
                                            kid_subsets=self.kid_subsets)

    def on_train_begin(self, logs=None):
        # Built once and reused by later fit() calls of the same callback.
        if getattr(self, "_evaluator", None) is None:
            self._names = self.metrics
            self._evaluator = self.evaluator or self._build_evaluator()
        self._labels = self.labels
        # A StyleGAN's num_classes is None when it is unconditional.
        if self._labels is None and getattr(self.model, "num_classes", None):
            self._labels = np.arange(self.num_samples) % self.model.num_classes

    def _generate(self):
        if self._labels is not None:
            return self.model.generate(labels=self._labels, seed=self.seed)
        return self.model.generate(self.num_samples, seed=self.seed)

    def on_epoch_end(self, epoch, logs=None):
        if (epoch + 1) % self.every_n_epochs:
            return
        start = time.perf_counter()
        result = self._evaluator.evaluate(self._generate(), self._labels)
        names = self._names or tuple(result)
        missing = [name for name in names if name not in result]
        if missing:
            raise ValueError(
                f"metrics {missing} are not among the evaluator's results: {sorted(result)}."
            )
        for name in names:
            value = float(result[name])
            self.history.setdefault(name, []).append(value)
            if logs is not None:
                logs[name] = value
        self.epochs.append(epoch + 1)
        self.seconds.append(time.perf_counter() - start)
