"""kgan.models.StyleGAN and StyleGAN2: the pieces against their definitions, training,
.keras round-trips and export with psi, on the active backend."""

import keras
import numpy as np
import pytest
from keras import ops

import kgan
from kgan.backend import input_gradients
from kgan.models.stylegan import mix_styles
from tests.conftest import BACKEND
from tests.model_checks import check_model_contract

LATENT = 8
SHAPE = (8, 8, 1)  # 8×8: num_ws = 4


def numpy(x):
    return np.asarray(ops.convert_to_numpy(x))


def networks(synthesis):
    keras.utils.set_random_seed(0)
    mapping = kgan.networks.stylegan_mapping(LATENT, LATENT, num_layers=2)
    generator = kgan.networks.stylegan_generator(mapping, synthesis(LATENT, SHAPE, 64, 8))
    return generator, kgan.networks.stylegan2_discriminator(SHAPE, 64, 8)


@pytest.fixture(scope="module")
def digits8():
    return kgan.data.load_digits(image_size=16)[0][:16, ::2, ::2]


@pytest.fixture(scope="module")
def stylegan2(digits8, tmp_path_factory):
    """A StyleGAN2 after check_model_contract (2 steps: lazy R1 and path length at step 0)."""
    model = kgan.models.StyleGAN2(
        *networks(kgan.networks.stylegan2_synthesis), r1_gamma=1.0, ema_half_life_images=50,
        seed=0,
    )
    assert model.d_reg_interval == 16 and model.g_reg_interval == 4
    check_model_contract(model, digits8, tmp_path=tmp_path_factory.mktemp("sg2"), batch_size=8)
    return model


def test_stylegan_trains_and_round_trips(digits8, tmp_path):
    # R1 and its double backpropagation are exercised by the StyleGAN2 fixture.
    model = kgan.models.StyleGAN(*networks(kgan.networks.stylegan_synthesis), r1_gamma=0.0, seed=0)
    assert model.num_ws == 4 and model.w_dim == LATENT
    loaded = check_model_contract(model, digits8, tmp_path=tmp_path, batch_size=8)
    # w_avg moved from zero inside the compiled step and the .keras file restores it.
    assert np.abs(numpy(model.w_avg)).max() > 0
    np.testing.assert_array_equal(numpy(loaded.w_avg), numpy(model.w_avg))


def test_stylegan2_state_advances_and_round_trips(stylegan2, tmp_path):
    assert np.abs(numpy(stylegan2.w_avg)).max() > 0
    assert float(numpy(stylegan2.pl_mean)) > 0  # the path-length step ran at step 0
    path = str(tmp_path / "sg2.keras")
    stylegan2.save(path)
    loaded = keras.saving.load_model(path)
    assert float(numpy(loaded.pl_mean)) == float(numpy(stylegan2.pl_mean))
    z = np.random.default_rng(0).standard_normal((3, LATENT)).astype("float32")
    np.testing.assert_allclose(
        loaded.generate(z=z, psi=0.5, mix_prob=1.0, seed=1),
        stylegan2.generate(z=z, psi=0.5, mix_prob=1.0, seed=1),
        atol=1e-5,
    )


def test_style_mixing_switches_w_at_the_crossover_layer(stylegan2):
    rng = np.random.default_rng(1)
    z, z_mix = (rng.standard_normal((3, LATENT)).astype("float32") for _ in range(2))
    noise = {"z": z, "z_mix": z_mix, "crossover": ops.convert_to_tensor(3, "int32")}
    ws = numpy(stylegan2.styles_for_batch(noise, training=False))
    w, w_mix = numpy(stylegan2.mapping(z)), numpy(stylegan2.mapping(z_mix))
    np.testing.assert_allclose(ws[:, :3], np.repeat(w[:, None], 3, axis=1), rtol=1e-6)
    np.testing.assert_allclose(ws[:, 3:], w_mix[:, None], rtol=1e-6)
    # Per-sample crossovers as generate() draws them; num_ws means no mixing.
    ws = numpy(mix_styles(w, w_mix, np.array([1, 2, 4]), 4))
    assert [int((ws[i] == w[i]).all(axis=1).sum()) for i in range(3)] == [1, 2, 4]


def test_truncation_psi_zero_gives_the_average_ws_image(stylegan2):
    w_avg = numpy(stylegan2.w_avg)
    images = stylegan2.generate(3, seed=0, psi=0.0)
    expected = stylegan2.synthesize(w_avg[None])
    np.testing.assert_allclose(images, np.repeat(expected, 3, axis=0), atol=1e-5)
    # ψ = 1 leaves w alone; truncating the first layers only keeps the rest.
    z = np.random.default_rng(2).standard_normal((2, LATENT)).astype("float32")
    np.testing.assert_allclose(stylegan2.generate(z=z), stylegan2.synthesize(stylegan2.map(z)))
    ws = np.repeat(stylegan2.map(z)[:, None], 4, axis=1)
    ws[:, :2] = w_avg
    np.testing.assert_allclose(
        stylegan2.generate(z=z, psi=0.0, truncation_cutoff=2), stylegan2.synthesize(ws),
        atol=1e-5,
    )


def test_path_length_penalty_matches_finite_differences(stylegan2):
    """J_wᵀ y by central differences of sum(G(ws)·y) in numpy against the regulariser."""
    rng = np.random.default_rng(3)
    batch, num_ws = 2, stylegan2.num_ws
    z = rng.standard_normal((batch, LATENT)).astype("float32")
    y = (rng.standard_normal((batch, *SHAPE)) / np.sqrt(64)).astype("float32")
    synthesis = stylegan2.synthesis
    # StyleGAN2's noise lives inside its synthesis layers (ModulatedConv2D.noise).
    noise_layers = [layer.noise for layer in synthesis.layers
                    if isinstance(layer, kgan.layers.ModulatedConv2D) and layer.noise is not None]
    assert len(noise_layers) == num_ws - 1  # b4_conv1, b8_conv0, b8_conv1 (the last w: toRGB)
    for layer in noise_layers:
        layer.noise_mode = "const"
    ws = np.repeat(numpy(stylegan2.mapping(z))[:, None], num_ws, axis=1)
    # A small step: the synthesis bends within 1e-2 of w (demodulation, leaky ReLU kinks).
    eps, size = 1e-3, num_ws * LATENT
    steps = np.eye(size, dtype="float32").reshape(size, 1, num_ws, LATENT) * eps
    plus = numpy(synthesis((ws[None] + steps).reshape(-1, num_ws, LATENT)))
    minus = numpy(synthesis((ws[None] - steps).reshape(-1, num_ws, LATENT)))
    projected = ((plus - minus).reshape(size, batch, -1) * y.reshape(1, batch, -1)).sum(-1)
    gradients = (projected / (2 * eps)).T.reshape(batch, num_ws, LATENT)
    lengths = np.sqrt((gradients**2).sum(axis=2).mean(axis=1))
    # The same through kgan.backend.input_gradients and kgan.losses.path_lengths.
    got = numpy(kgan.losses.path_lengths(input_gradients(
        lambda styles: synthesis(styles) * ops.convert_to_tensor(y), ops.convert_to_tensor(ws))))
    np.testing.assert_allclose(got, lengths, rtol=2e-2)
    # The regulariser: pl_weight · mean((l − a')²), a' = a + 0.01 (mean(l) − a).
    pl_mean = float(numpy(stylegan2.pl_mean))
    new_mean = pl_mean + 0.01 * (lengths.mean() - pl_mean)
    noise = {"z": z, "pl": y, "z_mix": z, "crossover": num_ws}
    noise = {name: ops.convert_to_tensor(value) for name, value in noise.items()}
    loss, logs = stylegan2.generator_regularizer({"real": y}, noise)
    expected = np.mean((lengths - new_mean) ** 2)
    np.testing.assert_allclose(float(numpy(logs["pl"])), expected, rtol=5e-2)
    np.testing.assert_allclose(float(numpy(loss)), 2.0 * float(numpy(logs["pl"])), rtol=1e-6)
    np.testing.assert_allclose(float(numpy(stylegan2.pl_mean)), new_mean, rtol=1e-3)
    for layer in noise_layers:
        layer.noise_mode = "random"


def test_path_length_penalty_by_hand():
    lengths = ops.convert_to_tensor([1.0, 3.0])
    penalty, new_mean = kgan.losses.path_length_penalty(lengths, 1.0, decay=0.5)
    # a' = 1 + 0.5 · (2 − 1) = 1.5; ((1 − 1.5)² + (3 − 1.5)²) / 2 = 1.25
    assert float(numpy(new_mean)) == pytest.approx(1.5)
    assert float(numpy(penalty)) == pytest.approx(1.25)
    gradients = np.array([[[3.0, 4.0], [0.0, 0.0]]], "float32")  # sqrt((25 + 0) / 2)
    assert float(numpy(kgan.losses.path_lengths(gradients))[0]) == pytest.approx(np.sqrt(12.5))


def test_export_serves_psi(stylegan2, tmp_path):
    tf = pytest.importorskip("tensorflow")
    path = str(tmp_path / "stylegan2")
    contract = kgan.export.export_saved_model(stylegan2, path, signatures="serving_default")
    assert contract["truncation"]
    z = np.random.default_rng(4).standard_normal((3, LATENT)).astype("float32")
    serve = tf.saved_model.load(path).signatures["serving_default"]
    for psi in (1.0, 0.5):
        images = serve(z=tf.constant(z), psi=tf.constant(psi))["images"].numpy()
        expected = np.clip(stylegan2.generate(z=z, psi=psi), -1.0, 1.0)
        np.testing.assert_allclose(images, expected, atol=1e-4)


def test_r1_gamma_for_matches_nvlabs_train_py():
    from kgan.models.stylegan import r1_gamma_for

    # train.py's cfg_specs; 'auto' is 0.0002 · res² / batch.
    assert r1_gamma_for("auto", resolution=256, batch_size=64) == pytest.approx(0.2048)
    assert r1_gamma_for("auto", resolution=1024, batch_size=32) == pytest.approx(6.5536)
    presets = {"stylegan2": 10, "paper256": 1, "paper512": 0.5, "paper1024": 2, "cifar": 0.01}
    for config, gamma in presets.items():
        assert r1_gamma_for(config) == gamma, config
    with pytest.raises(ValueError, match="config must be 'auto' or one of"):
        r1_gamma_for("ffhq")
    with pytest.raises(ValueError, match="batch_size must be"):
        r1_gamma_for("auto", resolution=256)


def test_path_length_step_uses_the_first_batch_over_shrink_samples():
    """NVlabs' Greg phase: G on gen_z[:batch // pl_batch_shrink]; w_avg follows those w."""
    generator, discriminator = networks(kgan.networks.stylegan2_synthesis)
    model = kgan.models.StyleGAN2(generator, discriminator, ema_half_life_images=None, seed=0)
    assert model.pl_batch_shrink == 2 and model.get_config()["pl_batch_shrink"] == 2
    batch = {"real": ops.zeros((5, *SHAPE))}
    noise = {name: numpy(value) for name, value in model.sample_noise(batch).items()}
    assert noise["pl"].shape == (2, *SHAPE)  # 5 // 2

    def regularizer(**changes):
        model.pl_mean.assign(0.0)
        model.w_avg.assign(np.zeros(LATENT, "float32"))
        given = {name: ops.convert_to_tensor(changes.get(name, value)) for name, value in noise.items()}
        with model.noise_mode("const"):
            loss, _ = model.generator_regularizer(batch, given)
        return float(numpy(loss)), numpy(model.w_avg)

    loss, w_avg = regularizer()
    mean = numpy(model.mapping(noise["z"][:2])).mean(axis=0)
    np.testing.assert_allclose(w_avg, (1 - model.w_avg_beta) * mean, rtol=1e-5, atol=1e-7)
    rest = {name: noise[name].copy() for name in ("z", "z_mix")}
    for value in rest.values():
        value[2:] += 3.0
    assert regularizer(**rest)[0] == pytest.approx(loss, rel=1e-6)
    first = noise["z"].copy()
    first[0] += 3.0
    assert abs(regularizer(z=first)[0] - loss) > 1e-6 * abs(loss)
    # pl_batch_shrink=1: the whole batch, at least one sample.
    model.pl_batch_shrink = 1
    assert tuple(ops.shape(model.sample_noise(batch)["pl"])) == (5, *SHAPE)
    model.pl_batch_shrink = 8
    assert tuple(ops.shape(model.sample_noise(batch)["pl"])) == (1, *SHAPE)


def test_ema_rampup_follows_nvlabs_training_loop(digits8):
    """half-life = min(ema_kimg · 1000, images seen · ema_rampup): a copy at step 0."""
    model = kgan.models.StyleGAN2(
        *networks(kgan.networks.stylegan2_synthesis), r1_gamma=1.0, ema_half_life_images=100,
        ema_rampup=0.05, seed=0,
    )
    assert model.get_config()["ema_rampup"] == 0.05
    model.compile()
    model.fit(digits8[:8], batch_size=8, epochs=1, verbose=0)  # one compiled step, step 0
    for average, weight in zip(model.generator_ema.weights, model.generator.weights):
        np.testing.assert_array_equal(numpy(average), numpy(weight), err_msg=weight.path)
    for iterations, half_life in ((50, 50 * 8 * 0.05), (1000, 100)):
        for average in model.generator_ema.weights:
            average.assign(ops.zeros(average.shape))
        model.optimizer.iterations.assign(iterations)
        model.end_of_step({"real": digits8[:8]}, 8)
        decay = 0.5 ** (8 / half_life)
        for average, weight in zip(model.generator_ema.weights, model.generator.weights):
            if weight.trainable:
                np.testing.assert_allclose(
                    numpy(average), (1 - decay) * numpy(weight), rtol=1e-5, atol=1e-7
                )


_BAD_ARGUMENT_NETWORKS = {}


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda g, d: kgan.models.StyleGAN(g, d, mix_prob=1.5), "mix_prob must be"),
        (lambda g, d: kgan.models.StyleGAN(g, d, w_avg_beta=1.0), "w_avg_beta must be"),
        (lambda g, d: kgan.models.StyleGAN2(g, d, pl_interval=0), "pl_interval must be"),
        (lambda g, d: kgan.models.StyleGAN2(g, d, pl_decay=0.0), "pl_decay must be"),
        (lambda g, d: kgan.models.StyleGAN2(g, d, pl_batch_shrink=0), "pl_batch_shrink must be"),
        (lambda g, d: kgan.models.StyleGAN2(g, d, ema_rampup=0.0), "ema_rampup must be"),
        (lambda g, d: kgan.models.StyleGAN2(g, d, ema_half_life_images=None, ema_rampup=0.05),
         "ema_rampup must come with ema_half_life_images"),
        (lambda g, d: kgan.models.StyleGAN(d, d), "generator must contain a mapping"),
    ],
)
def test_bad_arguments(make, message, digits8):
    g, d = _BAD_ARGUMENT_NETWORKS.setdefault("pair", networks(kgan.networks.stylegan2_synthesis))
    with pytest.raises(ValueError, match=message):
        make(g, d)


if BACKEND == "torch":
    # From torch, export goes through a TensorFlow subprocess (a few seconds more).
    test_export_serves_psi = pytest.mark.slow(test_export_serves_psi)
