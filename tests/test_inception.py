"""The FID Inception port (against pytorch-fid, offline), the resize protocols, the
Inception extractors and their offline errors."""

import importlib.util
import sys

import keras
import numpy as np
import pytest
from PIL import Image

import kgan
from kgan.metrics import inception, inception_network, inception_weights, reference
from kgan.metrics.resize import resize_images

from .conftest import load_benchmark

torch = pytest.importorskip("torch")

BACKEND = keras.backend.backend()


# benchmarks/nvlabs_step.py holds the torchvision workaround that makes pytorch-fid
# importable beside a CPU-only torch; kept loaded so its op definitions stay registered.
_NVLABS_STEP = load_benchmark("nvlabs_step")


def import_pytorch_fid():
    """pytorch_fid.inception (the test skips without pytorch-fid)."""
    if importlib.util.find_spec("pytorch_fid") is None:
        pytest.skip("pytorch-fid is not installed")
    return _NVLABS_STEP.import_pytorch_fid()


@pytest.fixture(scope="module")
def reference_network(tmp_path_factory):
    """pytorch-fid's FID Inception with random weights (built without its download),
    saved as a state dict, and its pool3 features and logits on 2 images."""
    pytorch_fid = import_pytorch_fid()
    torch.manual_seed(0)
    # The FID blocks only change forward(): torchvision's Inception3 with 1,008
    # classes has exactly the FID network's state-dict keys and shapes.
    plain = pytorch_fid._inception_v3(num_classes=1008, aux_logits=False, weights=None)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pytorch_fid, "load_state_dict_from_url", lambda *a, **k: plain.state_dict())
        network = pytorch_fid.fid_inception_v3()
    # 299×299 images of values (p − 128)/128, p in 0..255: pytorch-fid's input
    # (x + 1)/2 in [0, 1] and its 2·x − 1 are then exact in float32, and its
    # resize to 299×299 is the identity, so both networks see the same bits
    # (the resize protocols are tested on their own below).
    pixels = np.random.default_rng(0).integers(0, 256, (2, 299, 299, 3))
    images = ((pixels - 128) / 128).astype("float32")
    inputs = torch.tensor((images + 1) / 2).permute(0, 3, 1, 2)
    generator = torch.Generator().manual_seed(1)
    batch_norms = [m for m in network.modules() if isinstance(m, torch.nn.BatchNorm2d)]
    with torch.no_grad():
        # Random γ and β, then the running statistics of these very images (one
        # pass in training mode, cumulative average): activations stay O(1)
        # through the 94 random layers, and every BatchNorm entry is non-trivial.
        # β around 1 keeps most ReLUs open, so float32 rounding is not amplified
        # by the chaos of a random deep network (β around 0 amplifies it ~500×).
        for module in batch_norms:
            module.weight.uniform_(0.5, 1.5, generator=generator)
            module.bias.normal_(1.0, 0.5, generator=generator)
            module.momentum = None
            module.reset_running_stats()
        network.train()
        network(2 * inputs - 1)
        network.eval()
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(pytorch_fid, "fid_inception_v3", lambda: network)
            # resize_input (bilinear, align_corners=False) and normalize_input (2·x − 1)
            fid_model = pytorch_fid.InceptionV3([3]).eval()
        pool3 = fid_model(inputs)[0][:, :, 0, 0].numpy().astype("float64")
    path = tmp_path_factory.mktemp("weights") / "random_fid_inception.pth"
    torch.save(network.state_dict(), path)
    logits = pool3 @ network.fc.weight.detach().numpy().T.astype("float64")
    return {"path": str(path), "images": images, "pool3": pool3, "logits": logits}


@pytest.fixture(scope="module")
def extractor(reference_network):
    return kgan.metrics.feature_extractor("fid_inception", weights=reference_network["path"],
                                          resize="pytorch_bilinear", batch_size=2)


def test_fid_inception_matches_pytorch_fid(reference_network, extractor):
    assert isinstance(extractor, kgan.metrics.FIDInceptionExtractor)
    assert (extractor.name, extractor.protocol) == ("fid_inception", "pytorch_bilinear-299")
    want = reference_network["pool3"]
    assert want.shape == (2, 2048) and 0.1 < want.std() < 10  # a non-degenerate comparison
    features, probabilities = extractor.features_and_probabilities(reference_network["images"])
    np.testing.assert_allclose(features, want, rtol=1e-4, atol=1e-4)
    logits = reference_network["logits"]
    expected = np.exp(logits - logits.max(axis=1, keepdims=True))
    expected /= expected.sum(axis=1, keepdims=True)
    assert probabilities.shape == (2, 1008)
    np.testing.assert_allclose(probabilities, expected, atol=1e-5)


def test_bad_state_dicts_are_refused_before_any_weight_is_set(reference_network, extractor):
    state = inception_weights.read_pytorch_fid_weights(reference_network["path"])
    before = [np.array(v) for v in extractor.model.get_layer("Conv2d_1a_3x3_conv").weights]
    missing = {key: value for key, value in state.items() if key != "Mixed_7c.branch_pool.bn.bias"}
    with pytest.raises(ValueError, match="no Mixed_7c.branch_pool.bn.bias"):
        inception_network.set_pytorch_fid_weights(extractor.model, missing)
    with pytest.raises(ValueError, match=r"does not have \(e.g. \['AuxLogits.fc.weight'\]"):
        inception_network.set_pytorch_fid_weights(
            extractor.model, {**state, "AuxLogits.fc.weight": np.zeros((1000, 768))})
    wrong = {**state, "Conv2d_1a_3x3.conv.weight": np.zeros((32, 1, 3, 3))}
    with pytest.raises(ValueError, match="Conv2d_1a_3x3.conv.weight has shape"):
        inception_network.set_pytorch_fid_weights(extractor.model, wrong)
    after = extractor.model.get_layer("Conv2d_1a_3x3_conv").weights
    np.testing.assert_array_equal(np.array(after[0]), before[0])


def test_weights_are_found_in_the_keras_and_torch_caches(tmp_path, monkeypatch):
    keras_home, torch_home = tmp_path / "keras", tmp_path / "torch"
    monkeypatch.setenv("KERAS_HOME", str(keras_home))
    monkeypatch.setenv("TORCH_HOME", str(torch_home))
    name = inception_weights.FID_WEIGHTS_FILE
    in_torch = torch_home / "hub" / "checkpoints" / name
    in_torch.parent.mkdir(parents=True)
    in_torch.write_bytes(b"")
    assert inception_weights.fid_weights_path() == str(in_torch)
    in_keras = keras_home / "models" / name
    in_keras.parent.mkdir(parents=True)
    in_keras.write_bytes(b"")
    assert inception_weights.fid_weights_path() == str(in_keras)  # the Keras cache first


def test_missing_fid_weights_say_what_to_do(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "torch"))
    with pytest.raises(FileNotFoundError) as error:
        kgan.metrics.FIDInceptionExtractor()
    message = str(error.value)
    assert inception_weights.FID_WEIGHTS_FILE in message
    assert str(tmp_path / "keras" / "models") in message
    assert "https://github.com/mseitzer/pytorch-fid/releases/download/fid_weights/" in message
    with pytest.raises(FileNotFoundError, match="no/such/file.pth"):
        kgan.metrics.fid_inception_network(weights=str(tmp_path / "no/such/file.pth"))


def test_reading_weights_without_torch_says_so(reference_network, monkeypatch):
    monkeypatch.setitem(sys.modules, "torch", None)  # `import torch` raises ImportError
    with pytest.raises(ImportError, match="needs torch: `pip install torch`"):
        inception_weights.read_pytorch_fid_weights(reference_network["path"])


def test_bilinear_protocols_on_hand_computed_values():
    row = np.array([0.0, 1.0]).reshape(1, 1, 2, 1)  # one row [a, b] = [0, 1], width 2 → 4
    image = np.repeat(row, 2, axis=1)
    # TF1 coordinates: source x = 0, 0.5, 1, 1.5 (clamped to the last pixel).
    np.testing.assert_allclose(resize_images(image, 4, "tf_bilinear")[0, 0, :, 0],
                               [0.0, 0.5, 1.0, 1.0])
    # Half-pixel centres: source x = -0.25 (clamped to 0), 0.25, 0.75, 1.25.
    np.testing.assert_allclose(resize_images(image, 4, "pytorch_bilinear")[0, 0, :, 0],
                               [0.0, 0.25, 0.75, 1.0])


def test_pytorch_bilinear_matches_torch_and_keras():
    images = np.random.default_rng(1).uniform(-1, 1, (2, 13, 21, 3)).astype("float32")
    for size in (34, 9):  # up and down (no antialiasing)
        ours = resize_images(images, size, "pytorch_bilinear")
        theirs = torch.nn.functional.interpolate(
            torch.tensor(images).permute(0, 3, 1, 2), size=(size, size), mode="bilinear",
            align_corners=False).permute(0, 2, 3, 1).numpy()
        np.testing.assert_allclose(ours, theirs, atol=1e-5)
        keras_resized = keras.ops.image.resize(images, (size, size), interpolation="bilinear",
                                               antialias=False)
        np.testing.assert_allclose(ours, keras.ops.convert_to_numpy(keras_resized), atol=1e-5)
        assert np.abs(ours - resize_images(images, size, "tf_bilinear")).max() > 0.05


@pytest.mark.skipif(BACKEND != "tensorflow",
                    reason="numpy code, the same on every backend; TF is loaded on its own backend")
def test_tf_bilinear_matches_tf1_resize_bilinear():
    import tensorflow as tf

    images = np.random.default_rng(2).uniform(-1, 1, (2, 13, 21, 3)).astype("float32")
    for size in (34, 9, 299):
        ours = resize_images(images, size, "tf_bilinear")
        theirs = tf.compat.v1.image.resize_bilinear(images, (size, size), align_corners=False,
                                                    half_pixel_centers=False)
        np.testing.assert_allclose(ours, theirs.numpy(), atol=1e-5)


def clean_fid_resize(image, size):
    """clean-fid's "clean" resizer (`make_resizer("PIL", False, "bicubic")`) written
    out: each channel of a uint8 image as a float PIL image, bicubic, clipped."""
    channels = []
    for index in range(image.shape[2]):
        plane = Image.fromarray(image[:, :, index].astype(np.float32))
        plane = plane.resize((size, size), resample=Image.Resampling.BICUBIC)
        channels.append(np.asarray(plane).clip(0, 255).reshape(size, size, 1))
    return np.concatenate(channels, axis=2)


def test_clean_protocol_quantises_and_matches_clean_fid():
    images = np.random.default_rng(3).uniform(-1, 1, (2, 24, 20, 3)).astype("float32")
    pixels = np.clip(np.floor((images + 1) * 127.5 + 0.5), 0, 255).astype("uint8")
    for size in (37, 11):
        ours = resize_images(images, size, "clean")
        for image, resized in zip(pixels, ours, strict=True):
            np.testing.assert_allclose((resized + 1) * 127.5, clean_fid_resize(image, size),
                                       atol=1e-4)
    # At the same size only the uint8 quantisation remains: 0.001 → 128/127.5 − 1.
    same = resize_images(np.full((1, 4, 4, 1), 0.001), 4, "clean")
    np.testing.assert_allclose(same, 128 / 127.5 - 1, atol=1e-7)


def test_clean_protocol_antialiases_and_bilinear_does_not():
    checkerboard = np.indices((64, 64)).sum(axis=0) % 2 * 2.0 - 1.0  # ±1 pixels, mean 0
    images = checkerboard.reshape(1, 64, 64, 1)
    assert np.abs(resize_images(images, 16, "clean")).max() < 0.02  # mid-grey
    assert np.abs(resize_images(images, 16, "tf_bilinear")).min() == 1.0  # aliased: ±1


def test_inception_input_clips_resizes_and_repeats_grey():
    grey = np.linspace(-2, 2, 2 * 8 * 8).reshape(2, 8, 8, 1)
    prepared = inception.to_inception_input(grey, "tf_bilinear")
    assert prepared.shape == (2, 299, 299, 3) and prepared.dtype == np.float32
    assert prepared.min() == -1.0 and prepared.max() == 1.0
    np.testing.assert_array_equal(prepared[..., 0], prepared[..., 2])


@pytest.mark.parametrize("call, message", [
    (lambda: resize_images(np.zeros((1, 4, 4, 3)), 8, "nearest"), "protocol must be one of"),
    (lambda: resize_images(np.zeros((1, 4, 4, 3)), 0), "size must be a positive integer"),
    (lambda: resize_images(np.zeros((4, 4, 3)), 8), "must be a batch"),
    (lambda: inception.to_inception_input(np.zeros((1, 4, 4, 2))), "1 or 3"),
    (lambda: inception.to_inception_input(np.full((1, 4, 4, 3), np.nan)), "NaN"),
    (lambda: kgan.metrics.FIDInceptionExtractor(resize="bicubic"), "resize must be one of"),
    (lambda: kgan.metrics.KerasInceptionExtractor(batch_size=0), "batch_size must be"),
    (lambda: kgan.metrics.feature_extractor("vgg16"), "name must be one of"),
])
def test_bad_arguments(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_keras_inception_offline_error(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    # A closed local port: the fetch fails at once, and nothing is downloaded.
    monkeypatch.setattr(inception, "KERAS_INCEPTION_URL",
                        "http://127.0.0.1:9/" + inception.KERAS_INCEPTION_FILE)
    with pytest.raises(OSError) as error:
        kgan.metrics.feature_extractor("inception_keras")
    message = str(error.value)
    assert inception.KERAS_INCEPTION_FILE in message and str(tmp_path / "models") in message
    assert "could not be fetched from http://127.0.0.1:9/" in message


@pytest.mark.skipif(BACKEND == "jax", reason="Keras' random initialisers compile one XLA kernel "
                    "per weight shape on JAX: minutes for InceptionV3 on 2 CPU cores")
def test_keras_inception_features():
    extractor = kgan.metrics.KerasInceptionExtractor(weights=None, batch_size=2)
    assert (extractor.name, extractor.protocol) == ("inception_keras", "tf_bilinear-299")
    images = np.random.default_rng(4).uniform(-1, 1, (2, 16, 16, 1))
    features = extractor(images)
    assert features.shape == (2, 2048) and features.dtype == np.float64
    direct = extractor.model.predict_on_batch(inception.to_inception_input(images))
    np.testing.assert_allclose(features, direct, rtol=1e-5, atol=1e-6)


def test_extractors_by_name_and_cache_keys(extractor, tmp_path):
    assert isinstance(kgan.metrics.feature_extractor("digits"), kgan.metrics.DigitsFeatureExtractor)
    features = np.random.default_rng(5).normal(size=(20, 2048))
    evaluator = kgan.metrics.FeatureEvaluator("digits", features, metrics=("fid",))
    assert isinstance(evaluator.extractor, kgan.metrics.DigitsFeatureExtractor)
    path = reference.statistics_path("cifar10-train", extractor, "50k", cache_dir=str(tmp_path))
    assert path.endswith("cifar10-train__fid_inception-pytorch_bilinear-299__50k.npz")
    result = kgan.metrics.reference_statistics(
        "toy", extractor, "2", lambda: np.eye(2, 3), cache_dir=str(tmp_path))
    with np.load(result["path"]) as stored:
        assert str(stored["extractor"]) == "fid_inception-pytorch_bilinear-299"
    with pytest.raises(ValueError, match="`name` and `protocol`"):
        reference.statistics_path("toy", lambda x: x, "2")
