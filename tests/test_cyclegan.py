"""CycleGAN: the model contract, the history pool, the linear learning-rate decay."""

import keras
import numpy as np
import pytest

import kgan
from kgan.models.cyclegan import query_history_pool
from tests.conftest import tiny_mlp_pair
from tests.model_checks import check_model_contract


def networks():
    keras.utils.set_random_seed(0)

    def generator():
        return kgan.networks.resnet_generator((16, 16, 1), base_filters=8, num_blocks=1,
                                              num_downsamples=1)

    def discriminator():
        return kgan.networks.patchgan_discriminator((16, 16, 1), base_filters=8, num_layers=2)

    return generator(), generator(), discriminator(), discriminator()


def _numpy(tensor):
    return np.asarray(keras.ops.convert_to_numpy(tensor))


def test_cyclegan_contract_keeps_the_pool(tmp_path):
    a, b, _, _ = kgan.data.unpaired_digits(image_size=16, split="test")
    model = kgan.models.CycleGAN(*networks(), pool_size=20, seed=0)
    loaded = check_model_contract(model, a[:32], b[:32], tmp_path, batch_size=16,
                                  sample=lambda m: m.translate(a[:4], direction="b_to_a"))
    assert int(_numpy(model.pool_filled)) == 20  # 32 images seen, 20 slots
    assert np.all(np.abs(_numpy(model.pool_b)).sum(axis=(1, 2, 3)) > 0)
    for name in ("pool_a", "pool_b", "pool_filled"):
        np.testing.assert_array_equal(_numpy(getattr(loaded, name)), _numpy(getattr(model, name)))


def test_history_pool_fills_then_swaps_with_probability_half():
    pool = np.zeros((3, 1, 1, 1), "float32")
    fresh = np.array([1.0, 2.0], "float32").reshape(2, 1, 1, 1)
    shown, pool, filled = query_history_pool(pool, np.int32(0), fresh, np.array([0.0, 0.0]),
                                             np.array([2, 2], "int32"))
    # Not full yet: both stored in order and shown as they are, whatever the draws.
    np.testing.assert_array_equal(_numpy(shown).ravel(), [1.0, 2.0])
    np.testing.assert_array_equal(_numpy(pool).ravel(), [1.0, 2.0, 0.0])
    assert int(_numpy(filled)) == 2
    fresh = np.array([3.0, 4.0, 5.0], "float32").reshape(3, 1, 1, 1)
    shown, pool, filled = query_history_pool(
        _numpy(pool), _numpy(filled), fresh, np.array([0.1, 0.2, 0.9], "float32"),
        np.array([1, 0, 1], "int32"))
    # 3 fills the last slot; 4 (draw 0.2 < ½) swaps with slot 0; 5 (draw 0.9) passes through.
    np.testing.assert_array_equal(_numpy(shown).ravel(), [3.0, 1.0, 5.0])
    np.testing.assert_array_equal(_numpy(pool).ravel(), [4.0, 2.0, 3.0])
    assert int(_numpy(filled)) == 3


def test_bad_input():
    g_ab, g_ba, d_a, d_b = networks()
    with pytest.raises(ValueError, match="pool_size"):
        kgan.models.CycleGAN(g_ab, g_ba, d_a, d_b, pool_size=-1)
    small = kgan.networks.patchgan_discriminator((8, 8, 1), base_filters=8, num_layers=1)
    with pytest.raises(ValueError, match="discriminator_a input must have shape"):
        kgan.models.CycleGAN(g_ab, g_ba, small, d_b)
    model = kgan.models.CycleGAN(g_ab, g_ba, d_a, d_b)
    model.compile()
    with pytest.raises(ValueError, match="as many x images as y images"):
        model.fit(np.zeros((8, 16, 16, 1), "float32"), np.zeros((4, 16, 16, 1), "float32"))
    with pytest.raises(ValueError, match="direction"):
        model.translate(np.zeros((2, 16, 16, 1), "float32"), direction="up")


def test_linear_learning_rate_decay():
    decay = kgan.callbacks.LinearLearningRateDecay(constant_epochs=2, decay_epochs=3)
    assert [decay.factor(e) for e in range(6)] == pytest.approx([1, 1, 0.75, 0.5, 0.25, 0.0])
    g, d = tiny_mlp_pair()
    model = kgan.models.GAN(g, d, latent_dim=4, seed=0)
    model.compile(g_optimizer=keras.optimizers.Adam(0.4), d_optimizer=keras.optimizers.Adam(0.2))
    seen = []
    record = keras.callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: seen.append(
        (float(_numpy(model.g_optimizer.learning_rate)),
         float(_numpy(model.d_optimizer.learning_rate)))))
    model.fit(kgan.data.gaussian_mixture("ring8", 32, seed=0), batch_size=32, epochs=4,
              verbose=0, callbacks=[decay, record])
    np.testing.assert_allclose(seen, [(0.4, 0.2), (0.4, 0.2), (0.3, 0.15), (0.2, 0.1)], rtol=1e-6)
    with pytest.raises(ValueError, match="decay_epochs"):
        kgan.callbacks.LinearLearningRateDecay(1, 0)


def test_linear_learning_rate_decay_resumes_from_a_checkpoint(tmp_path):
    """A run stopped after 2 epochs and resumed from its checkpoint decays as an
    unbroken run does (the restored optimizer holds the decayed rate, not the initial one)."""
    data = kgan.data.gaussian_mixture("ring8", 32, seed=0)

    def rates_after(epochs, callbacks):
        g, d = tiny_mlp_pair()
        model = kgan.models.GAN(g, d, latent_dim=4, seed=0)
        model.compile(g_optimizer=keras.optimizers.Adam(0.4), d_optimizer=keras.optimizers.Adam(0.2))
        model.fit(data, batch_size=32, epochs=epochs, verbose=0,
                  callbacks=callbacks + [kgan.callbacks.LinearLearningRateDecay(1, 3)])
        return [float(_numpy(o.learning_rate)) for o in (model.g_optimizer, model.d_optimizer)]

    checkpoint = str(tmp_path / "checkpoints")
    assert rates_after(2, [kgan.callbacks.Checkpoint(checkpoint)]) == pytest.approx([0.3, 0.15])
    resumed = rates_after(4, [kgan.callbacks.Checkpoint(checkpoint)])
    np.testing.assert_allclose(resumed, rates_after(4, []), rtol=1e-6)
    np.testing.assert_allclose(resumed, [0.1, 0.05], rtol=1e-6)


def test_adversarial_losses_at_the_paper_scale():
    model = kgan.models.CycleGAN(*networks())
    zeros, ones = np.zeros((2, 4), "float32"), np.ones((2, 4), "float32")
    # G: E[(D(G(a)) − 1)²] = 1 at D = 0 (no LSGAN ½); D: ½(E[(D(b) − 1)²] + E[D(G(a))²]) = 1.
    assert float(_numpy(model._g_loss_fn(zeros))) == pytest.approx(1.0)
    assert float(_numpy(model._d_loss_fn(zeros, ones))) == pytest.approx(1.0)
    # Other losses keep their scale for G; D's objective is halved: ½(log 2 + log 2).
    bce = kgan.models.CycleGAN(*networks(), loss="non_saturating")
    assert float(_numpy(bce._d_loss_fn(zeros, zeros))) == pytest.approx(np.log(2.0))
    assert float(_numpy(bce._g_loss_fn(zeros))) == pytest.approx(np.log(2.0))
