"""Inception feature extractors: the FID Inception network (`"fid_inception"`,
comparable to published FIDs) and `keras.applications.InceptionV3`
(`"inception_keras"`, not comparable).

Both take images `(n, height, width, 1 or 3)` in [-1, 1] (kgan's convention;
grey images are repeated to RGB after resizing), resize them to 299×299 by a
named protocol (`kgan.metrics.resize_images`), and return float64 features.
A heavy evaluation (50,000 images at 299×299) belongs on a GPU: on two CPU
cores the network runs at about 6 to 20 images per second.
"""

import socket

import keras
import numpy as np

from kgan.metrics.inception_network import INPUT_SIZE, POOL3_DIM, fid_inception_network
from kgan.metrics.inception_weights import keras_home
from kgan.metrics.resize import RESIZE_PROTOCOLS, resize_images
from kgan.utils.validation import check_int

KERAS_INCEPTION_FILE = "inception_v3_weights_tf_dim_ordering_tf_kernels_notop.h5"
KERAS_INCEPTION_URL = ("https://storage.googleapis.com/tensorflow/keras-applications/"
                       "inception_v3/" + KERAS_INCEPTION_FILE)
KERAS_INCEPTION_MD5 = "bcbd6486424b2319ff4ef7d526e38f63"  # as keras.applications checks it


def to_inception_input(images, resize="tf_bilinear"):
    """Images `(n, h, w, 1 or 3)` in [-1, 1] → float32 `(n, 299, 299, 3)`, clipped
    to [-1, 1] and resized by the protocol `resize`."""
    images = np.asarray(images, dtype="float32")
    if images.ndim != 4 or images.shape[3] not in (1, 3):
        raise ValueError(
            f"images must be (n, height, width, 1 or 3). Received shape {images.shape}.")
    if not np.isfinite(images).all():
        raise ValueError("images contain NaN or Inf values.")
    images = resize_images(np.clip(images, -1.0, 1.0), INPUT_SIZE, resize)
    if images.shape[3] == 1:
        images = np.repeat(images, 3, axis=3)
    return images


def _check(resize, batch_size):
    if resize not in RESIZE_PROTOCOLS:
        raise ValueError(f"resize must be one of {RESIZE_PROTOCOLS}. Received: resize={resize!r}")
    check_int(batch_size, "batch_size")


def _predict(model, images, resize, batch_size):
    """The model's outputs (a list) on `images`, batch by batch; every batch is
    padded to `batch_size`, so each backend compiles one input shape."""
    outputs = []
    for start in range(0, len(images), batch_size):
        batch = to_inception_input(images[start : start + batch_size], resize)
        count = len(batch)
        batch = np.concatenate([batch, np.zeros((batch_size - count, *batch.shape[1:]), "float32")])
        result = model.predict_on_batch(batch)
        result = result if isinstance(result, list | tuple) else [result]
        outputs.append([np.asarray(value)[:count].astype("float64") for value in result])
    return [np.concatenate(values) for values in zip(*outputs, strict=True)]


class FIDInceptionExtractor:
    """The FID Inception network's pool3 features: FID comparable with published
    values (TF-FID, pytorch-fid, clean-fid), given the same resize protocol.

    Args:
        weights: str or None. `"pytorch_fid"` (default) finds pytorch-fid's file
            `pt_inception-2015-12-05-6726825d.pth` in `$KERAS_HOME/models/` or
            torch hub's cache (`kgan.metrics.inception_weights`; reading it needs
            torch, the network runs on any backend); a path reads that file; None
            keeps random weights (tests only: such features mean nothing).
            Missing weights raise `FileNotFoundError` saying where to put the
            file and where to get it; nothing is downloaded.
        resize: str, the resize protocol to 299×299, default `"tf_bilinear"`
            (TF-FID); `"pytorch_bilinear"` (pytorch-fid) or `"clean"` (clean-fid).
            See `kgan.metrics.resize_images`.
        batch_size: int, default 50; every batch is padded to this size.

    The network takes images in [-1, 1], i.e. pytorch-fid's 2·p/255 − 1 of
    pixel values p (the TF graph scales pixels with its own constants, which
    were not checked here).
    `name` ("fid_inception") and `protocol` ("<resize>-299") key cached
    reference statistics (`kgan.metrics.reference_statistics`).

    Example:
        >>> extractor = FIDInceptionExtractor(resize="clean")
        >>> features = extractor(images)                     # (n, 2048)
        >>> features, probabilities = extractor.features_and_probabilities(images)

    Reference:
        Heusel et al., "GANs Trained by a Two Time-Scale Update Rule Converge to a
        Local Nash Equilibrium", NeurIPS 2017; Parmar et al., "On Aliased Resizing
        and Surprising Subtleties in GAN Evaluation", CVPR 2022.
    """

    name = "fid_inception"

    def __init__(self, weights="pytorch_fid", resize="tf_bilinear", batch_size=50):
        _check(resize, batch_size)
        self.weights = weights
        self.resize = resize
        self.batch_size = batch_size
        self.protocol = f"{resize}-{INPUT_SIZE}"
        self.feature_dim = POOL3_DIM
        self.model = fid_inception_network(weights)

    def features_and_probabilities(self, images):
        """pool3 features `(n, 2048)` and the 1,008-class softmax of the
        unbiased logits `(n, 1008)` (the Inception Score's input), float64."""
        pool3, logits = _predict(self.model, images, self.resize, self.batch_size)
        logits = logits - logits.max(axis=1, keepdims=True)
        probabilities = np.exp(logits)
        return pool3, probabilities / probabilities.sum(axis=1, keepdims=True)

    def __call__(self, images):
        """pool3 features `(n, 2048)`, float64."""
        return self.features_and_probabilities(images)[0]


def keras_inception_weights_path(timeout=10.0):
    """The path of Keras' ImageNet InceptionV3 weights (no top), fetched with
    `keras.utils.get_file` into `$KERAS_HOME/models/` unless already there.

    Args:
        timeout: float, seconds each network operation may take, default 10.

    Raises:
        OSError: when the file is not cached and cannot be fetched (offline),
            naming the file, the folder and the address.
    """
    folder = keras_home()
    previous = socket.getdefaulttimeout()
    socket.setdefaulttimeout(timeout)
    try:
        return keras.utils.get_file(KERAS_INCEPTION_FILE, KERAS_INCEPTION_URL, cache_dir=folder,
                                    cache_subdir="models", file_hash=KERAS_INCEPTION_MD5)
    except Exception as error:  # get_file raises a bare Exception on fetch failures
        raise OSError(
            f"The Keras InceptionV3 weights {KERAS_INCEPTION_FILE} are not in {folder}/models/ "
            f"and could not be fetched from {KERAS_INCEPTION_URL} ({error}). On a machine with "
            f"internet, download that file and put it in {folder}/models/ (the Keras cache, "
            "$KERAS_HOME/models), or pass its path as weights=."
        ) from error
    finally:
        socket.setdefaulttimeout(previous)


class KerasInceptionExtractor:
    """`keras.applications.InceptionV3(include_top=False, pooling="avg")`
    features `(n, 2048)`.

    NOT comparable to published FIDs: Keras' ImageNet weights and architecture
    are not the 2015-12-05 graph's (for that, use `FIDInceptionExtractor`). Use
    it for relative comparisons within kgan.

    Args:
        weights: `"imagenet"` (default: Keras' file from `$KERAS_HOME/models/`,
            fetched there once when online; offline an `OSError` says where to
            put it), a path of a weights file, or None (random; tests only).
        resize: str, resize protocol to 299×299, default `"tf_bilinear"`
            (see `kgan.metrics.resize_images`).
        batch_size: int, default 50; every batch is padded to this size.

    Images in [-1, 1] are the network's input as they are (Keras'
    `inception_v3.preprocess_input` maps pixels to x/127.5 − 1).

    Example:
        >>> extractor = KerasInceptionExtractor()
        >>> extractor(images).shape
        (n, 2048)

    Reference:
        Szegedy et al., "Rethinking the Inception Architecture for Computer
        Vision", CVPR 2016.
    """

    name = "inception_keras"

    def __init__(self, weights="imagenet", resize="tf_bilinear", batch_size=50):
        _check(resize, batch_size)
        self.weights = weights
        self.resize = resize
        self.batch_size = batch_size
        self.protocol = f"{resize}-{INPUT_SIZE}"
        self.feature_dim = POOL3_DIM
        path = keras_inception_weights_path() if weights == "imagenet" else weights
        self.model = keras.applications.InceptionV3(
            include_top=False, pooling="avg", weights=path, input_shape=(INPUT_SIZE, INPUT_SIZE, 3))

    def __call__(self, images):
        """Features `(n, 2048)`, float64."""
        return _predict(self.model, images, self.resize, self.batch_size)[0]
