"""kgan.editing.DragGAN: bilinear sampling, motion supervision and tracking against their
definitions, and drags on a tiny 16×16 StyleGAN2, on the active backend."""

import math

import keras
import numpy as np
import pytest
from keras import ops

import kgan
from kgan.editing import DragGAN, bilinear_sample, motion_supervision_loss, track_points

SHAPE = (16, 16, 1)
HANDLE, TARGET = [[8, 6]], [[8, 10]]


def numpy(x):
    return np.asarray(ops.convert_to_numpy(x))


@pytest.fixture(scope="module")
def stylegan2():
    """An untrained tiny StyleGAN2 (num_ws = 6): its fixed random weights make a
    deterministic image with spatial structure, which is all a drag needs."""
    keras.utils.set_random_seed(0)
    mapping = kgan.networks.stylegan_mapping(8, 8, num_layers=2)
    synthesis = kgan.networks.stylegan2_synthesis(8, SHAPE, 64, 8)
    return kgan.models.StyleGAN2(
        kgan.networks.stylegan_generator(mapping, synthesis),
        kgan.networks.stylegan2_discriminator(SHAPE, 64, 8),
        ema_half_life_images=50,
        seed=0,
    )


@pytest.fixture(scope="module")
def editor(stylegan2):
    # A large Adam step so that a drag of 4 pixels takes a few steps.
    return DragGAN(stylegan2, learning_rate=0.05, max_steps=30)


@pytest.fixture(scope="module")
def dragged(editor):
    return editor.drag(HANDLE, TARGET, seed=0)


def test_bilinear_sample_matches_numpy():
    features = np.random.default_rng(0).normal(size=(5, 6, 3)).astype("float32")
    points = np.array([[0, 0], [2, 3], [1.25, 4.5], [3.9, 0.1], [4, 5], [-1, 2.5], [2.5, 9]],
                      "float32")

    def reference(row, col):  # border clamping, then the 4 neighbours
        row, col = min(max(row, 0), 4), min(max(col, 0), 5)
        r0, c0 = int(math.floor(row)), int(math.floor(col))
        r1, c1 = min(r0 + 1, 4), min(c0 + 1, 5)
        a, b = row - r0, col - c0
        return ((1 - a) * (1 - b) * features[r0, c0] + (1 - a) * b * features[r0, c1]
                + a * (1 - b) * features[r1, c0] + a * b * features[r1, c1])

    expected = np.stack([reference(*point) for point in points])
    np.testing.assert_allclose(numpy(bilinear_sample(features, points)), expected, atol=1e-5)


def test_motion_supervision_loss_hand_computed():
    # F(row, col) = [col², row] on 6×6. Handle (2, 2) → target (4, 4): d = (a, a),
    # a = 1/√2; Ω1(r1 = 2) is the 3×3 block (rows, cols 1..3). Bilinear along a
    # ramp: col² → (1 − a)c² + a(c + 1)² = c² + a(2c + 1), row → row + a; the
    # mean over 9 points and 2 channels is a·(mean(2c + 1) + 1)/2 = 3a.
    # Handle (0, 0) → target (0, 3): d = (0, 1); 4 of its 9 points are inside
    # (rows, cols 0..1); differences 2c + 1 ∈ {1, 3} and 0: mean 8 / 8 = 1.
    # Mask: cols < 3 editable; F₀ = F + [1, 0] gives |F − F₀|·(1 − M) = 1 on
    # 18 of 72 elements: λ · 0.25 = 2.5 with λ = 10.
    rows, cols = np.meshgrid(np.arange(6.0), np.arange(6.0), indexing="ij")
    features = np.stack([cols**2, rows], -1).astype("float32")
    initial = features + np.array([1.0, 0.0], "float32")
    handles = np.array([[2, 2], [0, 0]], "float32")
    targets = np.array([[4, 4], [0, 3]], "float32")
    mask = (cols < 3).astype("float32")
    a = 1 / math.sqrt(2)
    loss = motion_supervision_loss(features, initial, handles, targets, radius=2)
    np.testing.assert_allclose(numpy(loss), 3 * a + 1, rtol=1e-5)
    loss = motion_supervision_loss(features, initial, handles, targets, 2, mask, mask_weight=10)
    np.testing.assert_allclose(numpy(loss), 3 * a + 1 + 2.5, rtol=1e-5)
    # A handle on its target has d = 0 and adds nothing.
    np.testing.assert_allclose(numpy(motion_supervision_loss(features, initial, handles, handles, 2)),
                               0.0)


def test_tracking_recovers_a_known_shift():
    initial = np.random.default_rng(1).normal(size=(16, 16, 4)).astype("float32")
    shifted = np.roll(initial, (2, -1), axis=(0, 1))  # content moves down 2, left 1
    handles = np.array([[5, 5], [8, 11], [10, 3]], "float32")
    references = initial[handles[:, 0].astype(int), handles[:, 1].astype(int)]
    tracked = numpy(track_points(shifted, references, handles, radius=3))
    np.testing.assert_array_equal(tracked, handles + np.array([2, -1]))
    # A shift beyond the radius cannot be found.
    assert not np.array_equal(numpy(track_points(shifted, references, handles, radius=1)), tracked)


@pytest.mark.parametrize("architecture", ["skip", "orig"])
def test_features_are_the_block_output(architecture):
    """F is block r's output (its b{r}_conv1, which feeds its toRGB in the skip
    architecture; the orig one has a toRGB only at the last block), resized to the image."""
    keras.utils.set_random_seed(0)
    mapping = kgan.networks.stylegan_mapping(8, 8, num_layers=2)
    synthesis = kgan.networks.stylegan2_synthesis(8, SHAPE, 64, 8, architecture=architecture)
    model = kgan.models.StyleGAN2(kgan.networks.stylegan_generator(mapping, synthesis),
                                  kgan.networks.stylegan2_discriminator(SHAPE, 64, 8), seed=0)
    editor = DragGAN(model, feature_resolution=8)
    ws = editor.w_plus_for(seed=0)
    sampling = model.sampling_generator.get_layer("synthesis")
    block = keras.Model(sampling.input, sampling.get_layer("b8_conv1").output)(ws)
    assert tuple(block.shape) == (1, 8, 8, 8)
    with model.noise_mode("const"):
        image, features = editor.network(ws, training=False)
    np.testing.assert_allclose(numpy(image), model.synthesize(ws), atol=1e-5)
    expected = ops.image.resize(block, SHAPE[:2], interpolation="bilinear")
    np.testing.assert_allclose(numpy(features), numpy(expected), atol=1e-5)


def test_drag_moves_the_handle_to_the_target(editor, dragged):
    initial = np.linalg.norm(np.subtract(HANDLE, TARGET), axis=-1)
    assert dragged.steps < editor.max_steps  # stopped on arrival
    assert dragged.distances.max() <= editor.stop_distance < initial.max()
    assert dragged.trajectory.shape == (dragged.steps + 1, 1, 2)
    np.testing.assert_array_equal(dragged.trajectory[0], HANDLE)
    np.testing.assert_allclose(np.linalg.norm(dragged.trajectory[-1] - TARGET, axis=-1),
                               dragged.distances)
    assert dragged.image.shape == dragged.original.shape == (1, *SHAPE)
    assert np.abs(dragged.image - dragged.original).max() > 0
    # The original is the model's own image of that seed.
    np.testing.assert_allclose(
        dragged.original, editor.model.generate(1, seed=0, psi=0.7), atol=1e-4
    )


def test_drag_changes_only_the_first_ws(editor, dragged):
    start = editor.w_plus_for(seed=0)
    k = editor.num_optimized_ws
    assert k == 2  # round(6 · 6 / 16)
    np.testing.assert_array_equal(dragged.w_plus[:, k:], start[:, k:])
    assert np.abs(dragged.w_plus[:, :k] - start[:, :k]).min(axis=-1).all()
    np.testing.assert_allclose(editor.model.synthesize(dragged.w_plus), dragged.image, atol=1e-4)


def test_mask_keeps_the_rest_of_the_image(editor):
    rows, cols = np.mgrid[:16, :16]
    mask = ((rows - 8) ** 2 + (cols - 8) ** 2 <= 16).astype("float32")  # around handle and target
    # 5 steps: neither drag has arrived yet (the free one needs 7 to 19 on the three backends).
    free = editor.drag(HANDLE, TARGET, seed=0, steps=5)
    masked = editor.drag(HANDLE, TARGET, seed=0, steps=5, mask=mask)
    outside = mask[None, :, :, None] == 0

    def change(result):
        return np.abs(result.image - result.original)[outside].mean()

    assert free.steps == masked.steps == 5
    assert change(masked) < 0.5 * change(free)


@pytest.mark.parametrize(
    "handles, targets, message",
    [
        ([[8, 16]], [[8, 10]], "inside the 16×16 image"),
        ([[-1, 3]], [[8, 10]], "inside the 16×16 image"),
        ([[8, 6]], [[np.nan, 10]], "must be finite"),
        ([8, 6], [[8, 10]], r"shape \(N, 2\)"),
        (np.zeros((0, 2)), np.zeros((0, 2)), r"shape \(N, 2\)"),
        ([[8, 6], [4, 4]], [[8, 10]], "same number of points"),
    ],
)
def test_bad_points_raise(editor, handles, targets, message):
    with pytest.raises(ValueError, match=message):
        editor.drag(handles, targets, seed=0)


def test_bad_arguments_raise(stylegan2, editor):
    with pytest.raises(ValueError, match="exactly one of w_plus, z or seed"):
        editor.drag(HANDLE, TARGET)
    with pytest.raises(ValueError, match="exactly one of w_plus, z or seed"):
        editor.drag(HANDLE, TARGET, seed=0, z=np.zeros((1, 8)))
    with pytest.raises(ValueError, match="w_plus must have shape"):
        editor.drag(HANDLE, TARGET, w_plus=np.zeros((1, 5, 8)))
    with pytest.raises(ValueError, match="mask must be an array of 0 and 1"):
        editor.drag(HANDLE, TARGET, seed=0, mask=np.full((16, 16), 0.5))
    with pytest.raises(ValueError, match="steps must be"):
        editor.drag(HANDLE, TARGET, seed=0, steps=0)
    with pytest.raises(ValueError, match="feature_resolution must be one of"):
        DragGAN(stylegan2, feature_resolution=12)
    with pytest.raises(ValueError, match="num_optimized_ws must be at most"):
        DragGAN(stylegan2, num_optimized_ws=7)
    with pytest.raises(ValueError, match="model must be a kgan.models.StyleGAN2"):
        DragGAN(stylegan2.generator)
