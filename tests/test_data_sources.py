"""Real-data sources: paired and unpaired image folders, tfds offline, and the
tf.data / PyDataset pipelines that fit() takes."""

import numpy as np
import pytest
from PIL import Image

import kgan

from .conftest import tiny_dcgan_pair, tiny_mlp_pair


def _save(path, size, value):
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", size, (value, value, value)).save(path)


# ------------------------------------------------------------------ folders
def test_paired_folder_from_a_and_b_subfolders(tmp_path):
    for i, (a, b) in enumerate([(0, 255), (255, 0), (0, 0)]):
        _save(tmp_path / "A" / f"{i:03d}.png", (20, 10), a)
        _save(tmp_path / "B" / f"{i:03d}.jpg", (12, 12), b)
    images_a, images_b = kgan.data.load_paired_folder(str(tmp_path), image_size=4, channels=1)
    assert images_a.shape == images_b.shape == (3, 4, 4, 1)
    np.testing.assert_allclose(images_a[:, 0, 0, 0], [-1, 1, -1])
    np.testing.assert_allclose(images_b[:, 0, 0, 0], [1, -1, -1], atol=0.02)  # JPEG

    _save(tmp_path / "B" / "extra.png", (12, 12), 0)
    with pytest.raises(ValueError, match=r"same names; 1 have no partner, e.g. \['extra'\]"):
        kgan.data.load_paired_folder(str(tmp_path), image_size=4)


def test_paired_folder_from_side_by_side_images(tmp_path):
    image = np.zeros((8, 16, 3), dtype="uint8")
    image[:, 8:] = 255  # left half A black, right half B white
    Image.fromarray(image).save(tmp_path / "1.png")
    images_a, images_b = kgan.data.load_paired_folder(str(tmp_path), image_size=4)
    assert images_a.shape == (1, 4, 4, 3)
    np.testing.assert_allclose(images_a, -1.0)
    np.testing.assert_allclose(images_b, 1.0)
    (tmp_path / "empty").mkdir()
    with pytest.raises(ValueError, match="No paired images"):
        kgan.data.load_paired_folder(str(tmp_path / "empty"), image_size=4)


def test_unpaired_folder_layout(tmp_path):
    for i in range(3):
        _save(tmp_path / "trainA" / f"{i}.png", (6, 6), 0)
    for i in range(2):
        _save(tmp_path / "trainB" / f"{i}.png", (9, 6), 255)
    a, b = kgan.data.load_unpaired_folder(str(tmp_path), image_size=4)
    assert a.shape == (3, 4, 4, 3) and b.shape == (2, 4, 4, 3)
    np.testing.assert_allclose(a, -1.0)
    np.testing.assert_allclose(b, 1.0)
    with pytest.raises(ValueError, match=r"no testA/ folder .* sub-folders: \['trainA', 'trainB'\]"):
        kgan.data.load_unpaired_folder(str(tmp_path), image_size=4, split="test")


def test_image_folder_stream_reads_nested_folders_batch_by_batch(tmp_path):
    # FFHQ's layout: images in numbered sub-folders; grey level 10·i names image i.
    for i in range(7):
        _save(tmp_path / f"{i // 3:05d}" / f"{i:05d}.png", (8, 6), 10 * i)
    (tmp_path / "LICENSE.txt").write_text("not an image")
    stream = kgan.data.ImageFolderStream(str(tmp_path), 4, batch_size=3, seed=0, workers=1)
    assert len(stream.files) == 7 and len(stream) == 2  # the partial batch is dropped
    batches = [stream[i] for i in range(len(stream))]
    assert all(b.shape == (3, 4, 4, 3) and b.dtype == np.float32 for b in batches)
    seen = np.round((np.concatenate(batches)[:, 0, 0, 0] + 1) / 2 * 255 / 10).astype(int)
    assert len(set(seen)) == 6 and set(seen) <= set(range(7))
    stream.on_epoch_end()
    again = np.round((np.concatenate([stream[i] for i in range(2)])[:, 0, 0, 0] + 1)
                     / 2 * 255 / 10).astype(int)
    assert list(again) != list(seen)  # a new order
    first = kgan.data.ImageFolderStream(str(tmp_path), 4, batch_size=2, shuffle=False,
                                        max_images=4, workers=1)
    assert len(first) == 2
    np.testing.assert_allclose(first[0][:, 0, 0, 0], np.array([0, 10]) / 255 * 2 - 1, atol=1e-6)
    with pytest.raises(ValueError, match=r"batch_size must be an integer in \[1, 7\]"):
        kgan.data.ImageFolderStream(str(tmp_path), 4, batch_size=8)
    with pytest.raises(ValueError, match="max_images must be an integer ≥ 1"):
        kgan.data.ImageFolderStream(str(tmp_path), 4, max_images=0)
    with pytest.raises(ValueError, match="Image folder not found"):
        kgan.data.ImageFolderStream(str(tmp_path / "missing"), 4)


def test_image_folder_stream_mirrors_half_the_images(tmp_path):
    image = np.zeros((4, 4, 3), np.uint8)
    image[:, 0] = 255  # a white left column
    for i in range(40):
        path = tmp_path / f"{i}.png"
        Image.fromarray(image).save(path)
    stream = kgan.data.ImageFolderStream(str(tmp_path), 4, batch_size=40, mirror=True, seed=3,
                                         workers=1)
    batch = stream[0]
    flipped = batch[:, 0, -1, 0] > 0
    np.testing.assert_array_equal(batch[:, 0, 0, 0] > 0, ~flipped)
    assert 8 < flipped.sum() < 32
    np.testing.assert_array_equal(stream[0], batch)


def _numbered(count, size, offset):
    """Images whose every pixel holds the image's number (offset + i)."""
    return np.arange(offset, offset + count, dtype="float32")[:, None, None, None] * np.ones(
        (1, size, size, 1), "float32")


def test_unpaired_dataset_repairs_every_epoch_and_drops_no_image():
    a, b = _numbered(5, 4, 0), _numbered(3, 4, 100)
    data = kgan.data.UnpairedDataset(a, b, batch_size=2, seed=0, workers=1)
    assert len(data) == 3  # ceil(max(5, 3) / 2)
    pairs = []
    for _ in range(2):
        batches = [data[i] for i in range(len(data))]
        seen_a = np.concatenate([x[:, 0, 0, 0] for x, _ in batches])
        seen_b = np.concatenate([y[:, 0, 0, 0] for _, y in batches])
        assert sorted(seen_a) == [0, 1, 2, 3, 4]  # the larger domain once
        assert set(seen_b) == {100, 101, 102} and len(seen_b) == 5  # the smaller, refilled
        assert np.bincount((seen_b - 100).astype(int)).max() == 2
        pairs.append(list(zip(seen_a, seen_b, strict=True)))
        data.on_epoch_end()
    assert pairs[0] != pairs[1]


def test_paired_dataset_crops_and_flips_source_and_target_alike():
    ramp = np.tile(np.arange(6, dtype="float32")[None, :, None], (6, 1, 1))
    source = np.stack([ramp + 10 * i for i in range(32)])  # image i: columns 10i .. 10i+5
    target = np.repeat(source, 3, axis=-1) + 0.5  # RGB targets, the same geometry
    data = kgan.data.PairedDataset(source, target, batch_size=16, crop_size=4, seed=0, workers=1)
    assert len(data) == 2
    batches = [data[i] for i in range(2)]
    x = np.concatenate([b[0] for b in batches])
    y = np.concatenate([b[1] for b in batches])
    assert x.shape == (32, 4, 4, 1) and y.shape == (32, 4, 4, 3)
    np.testing.assert_array_equal(y, np.repeat(x, 3, axis=-1) + 0.5)  # one crop per pair
    assert sorted((x[:, 0, :, 0].min(axis=1) // 10).astype(int)) == list(range(32))
    flipped = x[:, 0, 0, 0] > x[:, 0, -1, 0]
    assert 4 < flipped.sum() < 28
    with pytest.raises(ValueError, match="same number of images of one height and width"):
        kgan.data.PairedDataset(source, target[:5])


def test_unpaired_dataset_jitter_crops_and_flips():
    ramp = np.tile(np.arange(6, dtype="float32")[None, :, None], (6, 1, 1))  # value = column
    a = np.stack([ramp] * 64)
    data = kgan.data.UnpairedDataset(a, a[:1], batch_size=64, crop_size=4, seed=1, workers=1)
    crops, _ = data[0]
    assert crops.shape == (64, 4, 4, 1)
    rows = crops[:, 0, :, 0]
    flipped = rows[:, 0] > rows[:, -1]
    # Each crop is 4 consecutive columns, in order or mirrored; all 3 offsets occur.
    np.testing.assert_array_equal(np.abs(np.diff(rows, axis=1)), 1.0)
    assert 10 < flipped.sum() < 54
    assert set(rows.min(axis=1)) == {0.0, 1.0, 2.0}
    np.testing.assert_array_equal(data[0][0], crops)  # a batch is the same whenever asked
    with pytest.raises(ValueError, match=r"crop_size must be an int in \[1, 6\]"):
        kgan.data.UnpairedDataset(a, a, crop_size=7)
    with pytest.raises(ValueError, match="same image shape"):
        kgan.data.UnpairedDataset(a, a[:, :4], crop_size=4)
    with pytest.raises(ValueError, match="images_b must be a non-empty"):
        kgan.data.UnpairedDataset(a, a[:0])


# ------------------------------------------------------------------ tfds
@pytest.fixture(scope="module")
def tiny_tfds(tmp_path_factory):
    """A two-class tfds data set written locally by a builder (no download)."""
    tfds = pytest.importorskip("tensorflow_datasets")

    class KganTinyStripes(tfds.core.GeneratorBasedBuilder):
        VERSION = tfds.core.Version("1.0.0")

        def _info(self):
            return tfds.core.DatasetInfo(builder=self, features=tfds.features.FeaturesDict({
                "image": tfds.features.Image(shape=(12, 10, 3)),
                "label": tfds.features.ClassLabel(num_classes=2),
                "attributes": tfds.features.FeaturesDict({
                    "Odd": tfds.features.Tensor(shape=(), dtype=np.bool_),
                    "Big": tfds.features.Tensor(shape=(), dtype=np.bool_),
                }),
            }))

        def _split_generators(self, dl_manager):
            return {"train": self._generate_examples(6), "test": self._generate_examples(2)}

        def _generate_examples(self, n):
            for i in range(n):
                yield i, {"image": np.full((12, 10, 3), 40 * i, np.uint8), "label": i % 2,
                          "attributes": {"Odd": i % 2 == 1, "Big": i >= 3}}

    data_dir = str(tmp_path_factory.mktemp("tfds"))
    KganTinyStripes(data_dir=data_dir).download_and_prepare()
    return "kgan_tiny_stripes", data_dir


def test_load_tfds_reads_a_prepared_data_set(tiny_tfds):
    name, data_dir = tiny_tfds
    images, labels = kgan.data.load_tfds(name, split="train", image_size=8, data_dir=data_dir)
    assert images.shape == (6, 8, 8, 3) and images.dtype == np.float32
    values = np.round((images[:, 0, 0, 0] + 1) / 2 * 255 / 40).astype(int)  # the i of each example
    assert sorted(values) == list(range(6))
    np.testing.assert_array_equal(labels, values % 2)
    grey, _ = kgan.data.load_tfds(name, split="test", data_dir=data_dir, channels=1)
    assert grey.shape == (2, 12, 10, 1)


def test_load_tfds_reads_nested_attributes(tiny_tfds):
    """celeb_a's form: a dict of boolean attributes, read as StarGAN's (n, K) vectors."""
    name, data_dir = tiny_tfds
    images, attributes = kgan.data.load_tfds(
        name, data_dir=data_dir, label_key=["attributes/Big", "attributes/Odd", "label"])
    assert attributes.shape == (6, 3) and attributes.dtype == np.float32
    index = np.round((images[:, 0, 0, 0] + 1) / 2 * 255 / 40).astype(int)
    np.testing.assert_array_equal(attributes[:, 0], index >= 3)
    np.testing.assert_array_equal(attributes[:, 1], index % 2)
    np.testing.assert_array_equal(attributes[:, 2], index % 2)
    with pytest.raises(ValueError, match=r"'attributes/Blond' .* no 'Blond' at attributes; "
                                         r"the features there: \['Big', 'Odd'\]"):
        kgan.data.load_tfds(name, data_dir=data_dir, label_key=["attributes/Blond"])
    with pytest.raises(ValueError, match="no 'attribute' at the top level"):
        kgan.data.load_tfds(name, data_dir=data_dir, label_key=["attribute/Big"])
    with pytest.raises(ValueError, match="at least one"):
        kgan.data.load_tfds(name, data_dir=data_dir, label_key=[])


def test_load_tfds_never_downloads(tmp_path):
    pytest.importorskip("tensorflow_datasets")
    with pytest.raises(FileNotFoundError) as raised:
        kgan.data.load_tfds("mnist", data_dir=str(tmp_path))
    message = str(raised.value)
    assert "'mnist' is not prepared in" in message and str(tmp_path) in message
    assert "never downloads" in message
    assert f"tfds.builder('mnist', data_dir='{tmp_path}').download_and_prepare()" in message


# ------------------------------------------------------------------ pipelines
@pytest.mark.parametrize("kind", ["tf.data", "py_dataset"])
def test_fit_accepts_both_pipelines(kind, ring_data, digits16):
    if kind == "tf.data":
        pytest.importorskip("tensorflow")
    generator, discriminator = tiny_mlp_pair()
    gan = kgan.models.GAN(generator, discriminator, latent_dim=4, seed=0)
    gan.compile()
    dataset = kgan.data.make_dataset(ring_data[:64], batch_size=32, seed=0, kind=kind)
    history = gan.fit(dataset, epochs=2, shuffle=False, verbose=0)
    assert len(history.history["d_loss"]) == 2 and np.isfinite(history.history["g_loss"]).all()

    x, y = digits16
    generator, discriminator = tiny_dcgan_pair(latent_dim=8 + 10, include_head=False)
    cgan = kgan.models.CGAN(generator, discriminator, latent_dim=8, num_classes=10, seed=0)
    cgan.compile()
    history = cgan.fit(kgan.data.make_dataset(x[:64], y[:64], batch_size=32, kind=kind),
                       epochs=1, shuffle=False, verbose=0)
    assert np.isfinite(history.history["d_loss"]).all()


def test_py_dataset_batches_prefetches_and_reshuffles():
    x = np.arange(10, dtype="float32")[:, None]
    dataset = kgan.data.make_dataset(x, x[:, 0].astype("int32"), batch_size=4, seed=1,
                                     drop_remainder=False, kind="py_dataset")
    assert len(dataset) == 3 and dataset.workers == 2
    batches = [dataset[i] for i in range(3)]
    assert [len(b[0]) for b in batches] == [4, 4, 2]
    first = np.concatenate([b[0][:, 0] for b in batches])
    assert sorted(first) == list(range(10)) and first.tolist() != list(range(10))
    for bx, by in batches:
        np.testing.assert_array_equal(bx[:, 0], by)
    dataset.on_epoch_end()
    second = np.concatenate([dataset[i][0][:, 0] for i in range(3)])
    assert sorted(second) == list(range(10)) and second.tolist() != first.tolist()
    ordered = kgan.data.make_dataset(x, batch_size=4, shuffle=False, kind="py_dataset")
    np.testing.assert_array_equal(ordered[1][:, 0], [4, 5, 6, 7])


@pytest.mark.parametrize("kind", ["tf.data", "py_dataset"])
def test_make_dataset_drops_the_short_last_batch_by_default(kind):
    if kind == "tf.data":
        pytest.importorskip("tensorflow")
    x = np.arange(10, dtype="float32")[:, None]
    sizes = [len(batch) for batch in kgan.data.make_dataset(x, batch_size=4, kind=kind)]
    assert sizes == [4, 4]
    # Fewer rows than a batch: one batch of them all.
    sizes = [len(batch) for batch in kgan.data.make_dataset(x, batch_size=16, kind=kind)]
    assert sizes == [10]


def test_fit_steps_on_full_batches_in_a_new_order_each_epoch(monkeypatch):
    """fit() on arrays: N // batch_size steps of batch_size rows each epoch, no
    short batch, and each epoch leaves out other rows (numpy's global generator)."""
    from kgan.data.pipeline import ArrayDataset

    batches = []
    read = ArrayDataset.__getitem__
    monkeypatch.setattr(ArrayDataset, "__getitem__",
                        lambda self, index: batches.append(read(self, index)) or batches[-1])
    generator, discriminator = tiny_mlp_pair()
    gan = kgan.models.GAN(generator, discriminator, latent_dim=4, seed=0)
    gan.compile()
    x = np.arange(10, dtype="float32")[:, None].repeat(2, axis=1)
    np.random.seed(0)
    history = gan.fit(x, batch_size=4, epochs=3, verbose=0)
    assert len(history.history["d_loss"]) == 3
    rows = [batch[:, 0] for batch in batches[-6:]]  # TensorFlow reads 2 more, for their shapes
    assert [len(b) for b in rows] == [4] * 6
    epochs = [np.sort(np.concatenate(rows[i:i + 2])) for i in (0, 2, 4)]
    assert all(len(set(epoch)) == 8 for epoch in epochs)
    assert len({tuple(epoch) for epoch in epochs}) > 1  # other rows sit out each epoch


def test_make_dataset_errors():
    with pytest.raises(ValueError, match="kind must be one of"):
        kgan.data.make_dataset(np.zeros((4, 2)), kind="torch")
    with pytest.raises(ValueError, match="same length"):
        kgan.data.make_dataset(np.zeros((4, 2)), np.zeros(3))
    with pytest.raises(ValueError, match="batch_size"):
        kgan.data.make_dataset(np.zeros((4, 2)), batch_size=0)
