"""ProgressiveGAN: fade-in, the drift term, growth inside fit, resuming mid-stage."""

import keras
import numpy as np
import pytest
from keras import ops

import kgan
from kgan.networks.progressive import downsample, upsample
from tests.conftest import BACKEND
from tests.model_checks import check_model_contract


def networks():
    """Tiny networks growing from 4×4 (level 0) to 8×8 (level 1); one width (4), so
    JAX compiles few distinct weight initialisers."""
    keras.utils.set_random_seed(0)
    return (
        kgan.networks.ProgressiveGenerator(8, resolution=8, base_filters=4, max_filters=4),
        kgan.networks.ProgressiveDiscriminator(resolution=8, base_filters=4, max_filters=4),
    )


@pytest.fixture(scope="module")
def untrained():
    """Networks that the tests below only call, never train."""
    return networks()


def numpy(x):
    return ops.convert_to_numpy(x)


def test_fade_in_at_alpha_zero_is_the_lower_level_upsampled(untrained):
    g, d = untrained
    z = np.random.default_rng(0).standard_normal((4, 8)).astype("float32")
    low = numpy(g(z, level=1, alpha=0.0))
    np.testing.assert_allclose(low, numpy(upsample(g(z, level=0), 2)), atol=1e-5)
    images = np.random.default_rng(1).uniform(-1, 1, (4, 8, 8, 1)).astype("float32")
    np.testing.assert_allclose(numpy(d(images, level=1, alpha=0.0)),
                               numpy(d(downsample(images, 2), level=0)), atol=1e-5)
    # α = 1: the new block alone; in between, the linear blend of the two.
    high = numpy(g(z, level=1, alpha=1.0))
    assert np.abs(high - low).max() > 1e-3
    np.testing.assert_allclose(numpy(g(z, level=1, alpha=0.25)), 0.75 * low + 0.25 * high,
                               atol=1e-5)
    np.testing.assert_allclose(numpy(g(z)), high, atol=1e-6)  # level None: the final one
    with pytest.raises(ValueError, match="level must be"):
        g(z, level=2)
    with pytest.raises(ValueError, match="takes images of shape"):
        d(images, level=0)


def test_real_images_fade_like_the_generator(untrained):
    model = kgan.models.ProgressiveGAN(*untrained)
    images = np.random.default_rng(0).uniform(-1, 1, (2, 8, 8, 1)).astype("float32")
    at_4 = images.reshape(2, 4, 2, 4, 2, 1).mean(axis=(2, 4))
    np.testing.assert_allclose(numpy(model.real_at_level(images, 0, 1.0)), at_4, atol=1e-6)
    np.testing.assert_allclose(numpy(model.real_at_level(images, 1, 0.7)),
                               0.3 * at_4.repeat(2, axis=1).repeat(2, axis=2) + 0.7 * images,
                               atol=1e-6)


def test_critic_at_its_final_level_inside_a_functional_model(untrained):
    """StyleGAN v1's discriminator (recipes/stylegan_digits.py): symbolic call, unknown batch."""
    _, d = untrained
    images = keras.Input((8, 8, 1))
    wrapped = keras.Model(images, d(images))
    assert tuple(wrapped.output.shape) == (None, 1)
    x = np.random.default_rng(0).normal(size=(4, 8, 8, 1)).astype("float32")
    np.testing.assert_allclose(numpy(wrapped(x)), numpy(d(x)), rtol=1e-6)


def test_drift_penalty():
    logits = np.array([[1.0], [-2.0], [3.0]], "float32")
    assert float(numpy(kgan.losses.drift_penalty(logits))) == pytest.approx((1 + 4 + 9) / 3)


def test_bad_arguments(untrained):
    g, d = untrained
    with pytest.raises(ValueError, match="resolution must be a power of 2"):
        kgan.networks.ProgressiveGenerator(8, resolution=24)
    with pytest.raises(ValueError, match="ProgressiveDiscriminator"):
        kgan.models.ProgressiveGAN(g, g)
    other = kgan.networks.ProgressiveDiscriminator(resolution=4, base_filters=4, max_filters=4)
    with pytest.raises(ValueError, match="same resolution"):
        kgan.models.ProgressiveGAN(g, other)
    with pytest.raises(ValueError, match="fade_images must be"):
        kgan.models.ProgressiveGAN(g, d, fade_images=0)
    model = kgan.models.ProgressiveGAN(g, d)
    model.compile()
    with pytest.raises(ValueError, match="final resolution"):
        model.fit(np.zeros((8, 16, 16, 1), "float32"))


def test_generator_ema_follows_the_level(untrained):
    g, d = untrained
    model = kgan.models.ProgressiveGAN(g, d, ema_decay=0.5, seed=0)
    model.grow()
    assert (model.current_level, float(numpy(model.alpha))) == (1, 0.0)
    with pytest.raises(ValueError, match="cannot grow"):
        model.grow()
    z = np.random.default_rng(0).standard_normal((2, 8)).astype("float32")
    np.testing.assert_allclose(model.generate(z=z), numpy(upsample(g(z, level=0), 2)), atol=1e-5)


def test_grows_in_fit_and_resumes_mid_stage(tmp_path):
    """Level 0 (4×4) for 16 images, then 8×8 fading in over 64 images; the
    `.keras` file saved mid-fade resumes with the same level, α and schedule."""
    g, d = networks()
    model = kgan.models.ProgressiveGAN(g, d, fade_images=64, stable_images=16, seed=0)
    x, _ = kgan.data.load_digits(image_size=8)
    x = x[:32]
    growing = kgan.callbacks.ProgressiveGrowing()
    # TensorFlow: a tf.function without XLA, which compiles each level's step
    # (double backprop) 4× slower on a CPU; JAX keeps its jit.
    model.compile(jit_compile=False if BACKEND == "tensorflow" else "auto")
    logs = model.fit(x[:24], batch_size=8, epochs=1, verbose=0, callbacks=[growing]).history
    # The critic's loss is WGAN-GP's plus ε_drift · E[D(x)²] (means over the
    # epoch's steps, so the sum holds for them too).
    logs = {name: values[0] for name, values in logs.items()}
    assert logs["d_loss"] == pytest.approx(
        logs["d_fake"] - logs["d_real"] + 10.0 * logs["gp"] + 0.001 * logs["drift"], rel=1e-4)
    # Grown after the second batch (16 images); one batch of 8 at 8×8 since.
    assert growing.growths == [(0, 1, 1)]
    assert (model.current_level, model.current_resolution) == (1, 8)
    assert float(numpy(model.alpha)) == pytest.approx(8 / 64)
    assert model.generate(3, seed=0).shape == (3, 8, 8, 1)

    # One more epoch (4 batches, no growth callback), then save and load mid-fade.
    loaded = check_model_contract(model, x, tmp_path=tmp_path, batch_size=8)
    assert int(numpy(model.stage_images)) == 40
    assert float(numpy(model.alpha)) == pytest.approx(40 / 64)
    for name in ("level", "alpha", "stage_images"):
        assert numpy(getattr(loaded, name)) == numpy(getattr(model, name)), name
    assert not model.growth_due and not loaded.growth_due  # final level

    # The loaded model trains on exactly as the original does (with the random
    # state, which `.keras` files do not keep; kgan.callbacks.Checkpoint does).
    loaded.seed_generator.state.assign(numpy(model.seed_generator.state))
    for m in (model, loaded):
        m.fit(x[:16], batch_size=8, epochs=1, verbose=0, shuffle=False,
              callbacks=[kgan.callbacks.ProgressiveGrowing()])
    assert int(numpy(loaded.stage_images)) == 56
    assert float(numpy(loaded.alpha)) == pytest.approx(56 / 64)
    assert float(numpy(model.alpha)) == pytest.approx(56 / 64)
    np.testing.assert_allclose(loaded.generate(4, seed=1), model.generate(4, seed=1), atol=1e-4)
