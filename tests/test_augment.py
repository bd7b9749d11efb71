"""kgan.augment: DiffAugment's ops against numpy references, ADA's controller,
and GANs trained with augmentation on the active backend."""

import keras
import numpy as np
import pytest
from keras import ops

import kgan
from kgan.augment import AdaptiveAugment, DiffAugment
from kgan.backend import input_gradients
from tests.conftest import changed, weights_of
from tests.model_checks import check_model_contract

RANDOM_OPS = {
    "color": kgan.augment.color,
    "translation": kgan.augment.translation,
    "cutout": kgan.augment.cutout,
}


def images(batch=4, size=16, channels=1, seed=0):
    return np.random.default_rng(seed).uniform(-1, 1, (batch, size, size, channels)).astype(
        "float32"
    )


def numpy_translate(x, shifts):
    out = np.zeros_like(x)
    batch, height, width, _ = x.shape
    for b in range(batch):
        for i in range(height):
            for j in range(width):
                source = (i + shifts[b, 0], j + shifts[b, 1])
                if 0 <= source[0] < height and 0 <= source[1] < width:
                    out[b, i, j] = x[b, source[0], source[1]]
    return out


def numpy_cut_out(x, corners, size):
    out = x.copy()
    for b, (top, left) in enumerate(corners):
        out[b, max(top, 0) : max(top + size[0], 0), max(left, 0) : max(left + size[1], 0)] = 0
    return out


def to_numpy(x):
    return np.asarray(ops.convert_to_numpy(x))


def dense_generator(latent_dim=8):
    keras.utils.set_random_seed(0)
    return keras.Sequential([
        keras.Input((latent_dim,)),
        keras.layers.Dense(16 * 16, activation="tanh"),
        keras.layers.Reshape((16, 16, 1)),
    ])


def dense_discriminator():
    return keras.Sequential([
        keras.Input((16, 16, 1)),
        keras.layers.Flatten(),
        keras.layers.Dense(16, activation="relu"),
        keras.layers.Dense(1),
    ])


# ------------------------------------------------------------------ deterministic ops
@pytest.mark.parametrize("max_shift", [None, 3])
def test_translate_matches_numpy(max_shift):
    x = images(batch=5, size=8, channels=2)[:, :, :6]  # 8 × 6, not square
    shifts = np.array([[0, 0], [1, -2], [-3, 2], [2, 3], [8, -7]], "int32")
    expected = numpy_translate(x, np.clip(shifts, -(max_shift or 8), max_shift or 8))
    np.testing.assert_array_equal(to_numpy(kgan.augment.translate(x, shifts, max_shift)), expected)


def test_cut_out_matches_numpy():
    x = images(batch=4, size=8, channels=3)
    corners = np.array([[0, 0], [-2, 5], [6, -1], [3, 2]], "int32")
    np.testing.assert_array_equal(
        to_numpy(kgan.augment.cut_out(x, corners, (4, 3))), numpy_cut_out(x, corners, (4, 3))
    )


def test_adjust_color_matches_hand_computed():
    x = np.array([[[[0.2, -0.4]], [[0.6, 0.0]]]], "float32")  # (1, 2, 1, 2)
    out = to_numpy(kgan.augment.adjust_color(x, [0.1], [1.5], [0.5]))
    # brightness +0.1: [[0.3, -0.3]], [[0.7, 0.1]]; channel means 0 and 0.4;
    # saturation ×1.5 about them: [[0.45, -0.45]], [[0.85, -0.05]]; overall
    # mean 0.2; contrast ×0.5 about it: [[0.325, -0.125]], [[0.525, 0.075]].
    np.testing.assert_allclose(out, [[[[0.325, -0.125]], [[0.525, 0.075]]]], atol=1e-6)


# ------------------------------------------------------------------ random ops
@pytest.mark.parametrize("name", sorted(RANDOM_OPS))
def test_random_op_shape_dtype_range_and_reproducible(name):
    x = images(batch=8)
    out = to_numpy(RANDOM_OPS[name](x, keras.random.SeedGenerator(3)))
    assert out.shape == x.shape and out.dtype == np.float32
    assert np.isfinite(out).all()
    if name == "color":  # |brightness| ≤ 0.5, saturation is the identity on one channel
        assert not np.allclose(out, x)
        assert np.abs(out.mean(axis=(1, 2, 3)) - x.mean(axis=(1, 2, 3))).max() <= 0.5 + 1e-6
    else:  # values are the input's or the zero fill: range kept
        assert np.isin(out, np.append(x, 0.0)).all()
        assert out.min() >= -1.0 and out.max() <= 1.0
    again = to_numpy(RANDOM_OPS[name](x, keras.random.SeedGenerator(3)))
    other = to_numpy(RANDOM_OPS[name](x, keras.random.SeedGenerator(4)))
    np.testing.assert_array_equal(out, again)
    assert not np.array_equal(out, other)


@pytest.mark.parametrize("name", sorted(RANDOM_OPS))
def test_random_op_differs_per_sample(name):
    x = np.repeat(images(batch=1), 8, axis=0)
    out = to_numpy(RANDOM_OPS[name](x, keras.random.SeedGenerator(0)))
    assert len({out[i].tobytes() for i in range(8)}) > 1


def test_sampled_parameters_cover_the_papers_ranges():
    shape = (512, 16, 16, 1)
    seed = keras.random.SeedGenerator(0)
    shifts = to_numpy(kgan.augment.ops.sample_translation_params(shape, seed)["shifts"])
    assert shifts.min() == -2 and shifts.max() == 2  # int(16 / 8 + 0.5) = 2
    corners = to_numpy(kgan.augment.ops.sample_cutout_params(shape, seed)["corners"])
    # a side of 8, centre in [0, 16] (even side: 16 + 1 values), corner = centre − 4
    assert corners.min() == -4 and corners.max() == 12
    color = {k: to_numpy(v) for k, v in kgan.augment.ops.sample_color_params(shape, seed).items()}
    for key, (low, high) in {"brightness": (-0.5, 0.5), "saturation": (0, 2),
                             "contrast": (0.5, 1.5)}.items():
        assert low <= color[key].min() < low + 0.05 and high - 0.05 < color[key].max() < high


def test_gradients_flow_to_the_images():
    x = images(batch=8)
    rng = np.random.default_rng(1)
    shifts = rng.integers(-3, 4, (8, 2)).astype("int32")
    # d sum(translate(x)) / dx counts how often each pixel is used: 1 or 0.
    gradient = to_numpy(input_gradients(lambda t: kgan.augment.translate(t, shifts), x))
    np.testing.assert_array_equal(gradient, numpy_translate(np.ones_like(x), -shifts))
    corners = rng.integers(-4, 13, (8, 2)).astype("int32")
    gradient = to_numpy(input_gradients(lambda t: kgan.augment.cut_out(t, corners, (8, 8)), x))
    np.testing.assert_array_equal(gradient, numpy_cut_out(np.ones_like(x), corners, (8, 8)))
    # sum(adjust_color(x)) = sum(x) + brightness · pixels: saturation and
    # contrast move values about their means, which keeps the sum.
    factors = [rng.uniform(low, high, 8).astype("float32") for low, high in
               ((-0.5, 0.5), (0.0, 2.0), (0.5, 1.5))]
    gradient = to_numpy(input_gradients(lambda t: kgan.augment.adjust_color(t, *factors), x))
    np.testing.assert_allclose(gradient, np.ones_like(x), atol=1e-5)
    augment = DiffAugment()
    params = augment.sample(x, keras.random.SeedGenerator(0))
    weights = ops.convert_to_tensor(images(batch=8, seed=1))
    gradient = to_numpy(input_gradients(lambda t: augment.transform(t, params) * weights, x))
    assert np.isfinite(gradient).all() and np.abs(gradient).sum() > 0


# ------------------------------------------------------------------ policies
def test_policy_errors_name_the_valid_transformations():
    with pytest.raises(ValueError, match="color, translation, cutout.*Received: policy='color,flip'"):
        DiffAugment("color,flip")
    for policy in ("", "color,color", ["color"]):
        with pytest.raises(ValueError, match="policy"):
            DiffAugment(policy)
    with pytest.raises(ValueError, match="cutout_ratio must be a number in \\(0, 1\\)"):
        DiffAugment(cutout_ratio=1.5)
    with pytest.raises(ValueError, match="augment must be None, a policy string"):
        kgan.augment.get(3)
    with pytest.raises(ValueError, match="interval must be an integer"):
        AdaptiveAugment(interval=0)
    with pytest.raises(ValueError, match="target must be a number in \\(0, 1\\)"):
        AdaptiveAugment(target=1.0)


def test_policy_order_and_serialisation():
    x = images(batch=8)
    augment = DiffAugment("translation, cutout", translation_ratio=0.25)
    assert augment.transforms == ("translation", "cutout")
    params = augment.sample(x, keras.random.SeedGenerator(0))
    expected = kgan.augment.cut_out(
        kgan.augment.translate(x, params["translation"]["shifts"]), params["cutout"]["corners"],
        (8, 8),
    )
    np.testing.assert_array_equal(to_numpy(augment.transform(x, params)), to_numpy(expected))
    clone = kgan.augment.get(keras.saving.serialize_keras_object(augment))
    assert type(clone) is DiffAugment and clone.get_config() == augment.get_config()


def test_gan_applies_the_same_augmentation_to_real_and_fake_in_both_phases():
    model = kgan.models.GAN(dense_generator(), dense_discriminator(), latent_dim=8,
                            augment="cutout", seed=0)
    seen = []
    transform = model.augment.transform
    model.augment.transform = lambda x, params: seen.append(params) or transform(x, params)
    real = images(batch=8)
    batch = {"real": ops.convert_to_tensor(real)}
    noise = model.sample_noise(batch)
    model.discriminator_loss(batch, noise)
    model.generator_loss(batch, noise)
    assert [p is noise["augment_real"] for p in seen] == [True, False, False]
    assert [p is noise["augment_fake"] for p in seen] == [False, True, True]
    with pytest.raises(ValueError, match="augment needs image samples"):
        kgan.models.GAN(*tiny_mlp(), latent_dim=4, augment="color")


# Which augmentation parameters each phase's discriminator inputs take, in call order.
ROLES = {
    "GAN": {"discriminator_loss": ["real", "fake"], "generator_loss": ["fake"],
            "discriminator_regularizer": ["real", "fake"]},
    "R3GAN": {"discriminator_loss": ["real", "fake"], "generator_loss": ["fake", "real"],
              "discriminator_regularizer": ["real", "fake"]},
}


@pytest.mark.parametrize("name", sorted(ROLES))
def test_every_discriminator_input_is_augmented_with_its_roles_parameters(name):
    penalties = {"r1_gamma": 1.0, "r2_gamma": 1.0} if name == "GAN" else {}
    model = getattr(kgan.models, name)(dense_generator(), dense_discriminator(), latent_dim=8,
                                       augment="cutout", seed=0, **penalties)
    augmented, scored = [], []  # (output, parameters) of each augmentation; D's inputs
    transform, logits = model.augment.transform, model.discriminator_logits

    def recording_transform(x, params):
        augmented.append((transform(x, params), params))
        return augmented[-1][0]

    model.augment.transform = recording_transform
    model.discriminator_logits = lambda batch, x: scored.append(x) or logits(batch, x)
    batch = {"real": ops.convert_to_tensor(images(batch=8))}
    noise = model.sample_noise(batch)
    role_of = {id(noise["augment_real"]): "real", id(noise["augment_fake"]): "fake"}
    for phase, roles in ROLES[name].items():
        augmented.clear()
        scored.clear()
        getattr(model, phase)(batch, noise)
        # None: an input that did not come out of the augmentation.
        used = [next((role_of[id(p)] for out, p in augmented if out is x), None) for x in scored]
        assert used == roles, phase


def tiny_mlp():
    return kgan.networks.mlp_generator(4, 2, width=8, depth=1), kgan.networks.mlp_discriminator(
        2, width=8, depth=1
    )


# ------------------------------------------------------------------ ADA
def test_ada_probability_follows_the_sign_heuristic():
    ada = AdaptiveAugment(interval=2, ramp_images=1000, target=0.6)
    overfit = np.full((10, 1), 3.0, "float32")  # r_t = 1 > 0.6
    logs = ada.observe(overfit)
    assert float(logs["ada_p"]) == 0.0  # no adjustment before `interval` updates
    logs = ada.observe(overfit)
    # two batches of 10 images: p += sign(1 − 0.6) · 20 / 1000
    np.testing.assert_allclose([float(logs["ada_p"]), float(logs["ada_rt"])], [0.02, 1.0])
    # 7 of 10 positive, then 3 of 10 positive (and a logit of 0 has sign 0):
    # r_t = (4 + (3 − 6)) / 20 = 0.05 < 0.6, p -= 0.02
    ada.observe(np.array([1] * 7 + [-1] * 3, "float32")[:, None])
    logs = ada.observe(np.array([1] * 3 + [-1] * 6 + [0], "float32")[:, None])
    np.testing.assert_allclose([float(logs["ada_p"]), float(logs["ada_rt"])], [0.0, 0.05],
                               atol=1e-7)
    for _ in range(2):  # clipped at 0
        logs = ada.observe(-overfit)
    assert float(logs["ada_p"]) == 0.0 and float(logs["ada_rt"]) == -1.0
    saturated = AdaptiveAugment(interval=1, ramp_images=10, initial_probability=0.95)
    assert float(saturated.observe(overfit)["ada_p"]) == 1.0  # clipped at 1


def test_ada_applies_each_transformation_with_probability_p():
    x = images(batch=64)
    never = AdaptiveAugment(initial_probability=0.0)
    np.testing.assert_array_equal(to_numpy(never(x, seed=keras.random.SeedGenerator(0))), x)
    always = AdaptiveAugment("translation,cutout", initial_probability=1.0)
    params = always.sample(x, keras.random.SeedGenerator(0))
    plain = DiffAugment("translation,cutout").transform(x, params)  # ignores the masks
    np.testing.assert_array_equal(to_numpy(always.transform(x, params)), to_numpy(plain))
    half = AdaptiveAugment("cutout", initial_probability=0.5)
    out = to_numpy(half(x, seed=keras.random.SeedGenerator(0)))
    changed = (out != x).any(axis=(1, 2, 3)).mean()
    assert 0.3 < changed < 0.7


def constant_discriminator(logit=5.0):
    return keras.Sequential(
        [
            keras.Input((16, 16, 1)),
            keras.layers.Flatten(),
            keras.layers.Dense(1, kernel_initializer="zeros",
                               bias_initializer=keras.initializers.Constant(logit)),
        ]
    )


def test_ada_gan_trains_updates_p_in_the_step_and_round_trips(digits16, tmp_path):
    # D says "real" with a large margin, so r_t = 1 and p rises by 32 / 640 on
    # each of the 2 steps (interval 1) inside the compiled train step.
    augment = AdaptiveAugment(interval=1, ramp_images=640)
    model = kgan.models.GAN(dense_generator(), constant_discriminator(), latent_dim=8, augment=augment, seed=0)
    loaded = check_model_contract(model, digits16[0][:64], tmp_path=tmp_path)
    assert model.log_names[-2:] == ("ada_p", "ada_rt")
    np.testing.assert_allclose(float(ops.convert_to_numpy(model.augment.p)), 0.1, atol=1e-6)
    np.testing.assert_allclose(model.history.history["ada_p"][-1], 0.075, atol=1e-6)  # mean
    assert model.history.history["ada_rt"][-1] == 1.0
    assert isinstance(loaded.augment, AdaptiveAugment)
    np.testing.assert_allclose(float(ops.convert_to_numpy(loaded.augment.p)), 0.1, atol=1e-6)


@pytest.mark.parametrize("name", ["R3GAN", "WGANGP"])
def test_ada_observes_the_real_logits_in_gan_subclasses(name, digits16):
    # As for GAN above: D's real logits are ≈ 5, so p rises by 32 / 640 on each of the 2 steps.
    model = getattr(kgan.models, name)(
        dense_generator(), constant_discriminator(), latent_dim=8, d_steps=1,
        augment=AdaptiveAugment(interval=1, ramp_images=640), seed=0,
    )
    model.compile()
    history = model.fit(digits16[0][:64], batch_size=32, epochs=1, verbose=0).history
    np.testing.assert_allclose(float(ops.convert_to_numpy(model.augment.p)), 0.1, atol=1e-6)
    assert history["ada_rt"][-1] == 1.0
    clone = type(model).from_config(model.get_config())
    assert isinstance(clone.augment, AdaptiveAugment)


def test_wgan_gp_with_diffaugment_trains_through_the_augmentation(digits16):
    model = kgan.models.WGANGP(dense_generator(), dense_discriminator(), latent_dim=8, d_steps=1,
                               augment="color,translation,cutout", seed=0)
    model.compile()
    before = weights_of(model.generator.trainable_variables)
    history = model.fit(digits16[0][:64], batch_size=32, epochs=1, verbose=0)
    assert all(np.isfinite(history.history[name][-1]) for name in model.log_names)
    # the generator learnt from the critic's scores of its augmented samples
    assert all(changed(before, weights_of(model.generator.trainable_variables)))
    clone = kgan.models.WGANGP.from_config(model.get_config())
    assert clone.augment.policy == "color,translation,cutout"
