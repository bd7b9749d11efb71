"""MetricsCallback during fit() on the active backend."""

import keras
import numpy as np
import pytest

import kgan
from tests.conftest import tiny_dcgan_pair, tiny_mlp_pair


def test_metrics_callback_logs_fid_digits_to_history(tmp_path, digits16):
    x, _ = digits16
    g, d = tiny_dcgan_pair()
    model = kgan.models.GAN(g, d, latent_dim=8)
    model.compile()
    metrics = kgan.callbacks.MetricsCallback(num_samples=100, kid_subsets=5)
    history = model.fit(x, batch_size=64, epochs=2, verbose=0, callbacks=[metrics]).history
    assert metrics.epochs == [1, 2]
    assert len(history["fid_digits"]) == len(history["kid_digits"]) == 2
    assert history["fid_digits"] == metrics.history["fid_digits"]
    assert all(np.isfinite(v) and v > 0 for v in history["fid_digits"])
    # The samples come from the current generator (JAX state synced): figures change.
    assert history["fid_digits"][0] != history["fid_digits"][1]
    # The same figure as scoring the model's samples directly after training.
    direct = kgan.metrics.DigitsEvaluator(image_size=16, metrics=("fid",)).evaluate(
        model.generate(100, seed=0))
    assert direct["fid_digits"] == pytest.approx(history["fid_digits"][-1], rel=1e-4)


class CountingEvaluator:
    def __init__(self):
        self.calls = []

    def evaluate(self, images, labels=None):
        self.calls.append(images.shape)
        return {"score": float(len(self.calls)), "other": 0.0}


def test_metrics_callback_every_n_epochs_with_a_custom_evaluator(ring_data):
    g, d = tiny_mlp_pair()
    model = kgan.models.GAN(g, d, latent_dim=4)
    model.compile()
    evaluator = CountingEvaluator()
    metrics = kgan.callbacks.MetricsCallback(every_n_epochs=2, num_samples=50, evaluator=evaluator,
                                             metrics=("score",))
    # A later callback (as keras.callbacks.TensorBoard would be) sees the figures in its logs.
    seen = []
    later = keras.callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: seen.append(dict(logs)))
    history = model.fit(ring_data, batch_size=128, epochs=5, verbose=0,
                        callbacks=[metrics, later]).history
    assert [logs.get("score") for logs in seen] == [None, 1.0, None, 2.0, None]
    assert metrics.epochs == [2, 4] and evaluator.calls == [(50, 2), (50, 2)]
    assert history["score"] == [1.0, 2.0] and "other" not in history
    assert len(history["d_loss"]) == 5
    wrong = kgan.callbacks.MetricsCallback(num_samples=50, evaluator=evaluator, metrics=("fid",))
    with pytest.raises(ValueError, match="not among the evaluator's results"):
        model.fit(ring_data, batch_size=128, epochs=1, verbose=0, callbacks=[wrong])


def test_metrics_callback_with_reference_and_custom_extractor(ring_data):
    g, d = tiny_mlp_pair()
    model = kgan.models.GAN(g, d, latent_dim=4)
    model.compile()
    metrics = kgan.callbacks.MetricsCallback(
        num_samples=200, reference=ring_data, extractor=lambda points: np.asarray(points),
        metrics=("fid", "kid", "precision", "recall"), kid_subsets=5)
    history = model.fit(ring_data, batch_size=64, epochs=1, verbose=0, callbacks=[metrics]).history
    assert set(history) >= {"fid", "kid", "precision", "recall"}
    assert 0.0 <= history["recall"][0] <= 1.0


def test_metrics_callback_conditional_accuracy(digits16):
    x, y = digits16
    g, d = tiny_dcgan_pair(latent_dim=8 + 10, include_head=False)
    model = kgan.models.CGAN(g, d, latent_dim=8, num_classes=10, seed=0)
    model.compile()
    metrics = kgan.callbacks.MetricsCallback(
        num_samples=100, metrics=("fid_digits", "conditional_accuracy", "classes_covered"),
        kid_subsets=5)
    history = model.fit(x, y, batch_size=32, epochs=1, verbose=0, callbacks=[metrics]).history
    assert 0.0 <= history["conditional_accuracy"][0] <= 1.0
    assert history["fid_digits"][0] > 0 and 1 <= history["classes_covered"][0] <= 10


def test_metrics_callback_arguments():
    with pytest.raises(ValueError, match="every_n_epochs"):
        kgan.callbacks.MetricsCallback(every_n_epochs=0)
    with pytest.raises(ValueError, match="num_samples"):
        kgan.callbacks.MetricsCallback(num_samples=5)
    with pytest.raises(ValueError, match="either evaluator or reference"):
        kgan.callbacks.MetricsCallback(evaluator=object(), reference=np.zeros((4, 2)))
    with pytest.raises(ValueError, match="pass reference too"):
        kgan.callbacks.MetricsCallback(extractor=lambda x: x)
