"""The FID Inception network in Keras: the 2015-12-05 TensorFlow Inception graph
that TF-FID (TTUR), pytorch-fid, clean-fid and StyleGAN's metrics use.

It is Inception-v3 with the differences pytorch-fid's `FIDInceptionA/C/E` blocks
patch into torchvision's model (and that `keras.applications.InceptionV3` does not
have): the 3×3 average pools of the A, C and first E blocks exclude the padding
from the average (TensorFlow's SAME pooling; Keras' `padding="same"` average
pooling does the same on every backend), the last E block (`Mixed_7c`) pools by
3×3 max instead of average, and the classifier has 1,008 classes. Layers carry
the names of the PyTorch modules with `_` for `.` (`Mixed_5b_branch1x1_conv` is
`Mixed_5b.branch1x1.conv`), so the converter maps the public weights file by name.
"""

import keras
import numpy as np

from kgan.metrics.inception_weights import read_pytorch_fid_weights

INPUT_SIZE = 299
POOL3_DIM = 2048
NUM_LOGITS = 1008
BN_EPSILON = 1e-3


class _HostConstant(keras.initializers.Initializer):
    """A constant made on the host (numpy): every layer's weights are replaced by
    the converted ones, and Keras' own initialisers compile one random or fill
    kernel per shape on JAX (about 140 s for this network on two loaded CPU cores,
    against a few seconds for these)."""

    def __init__(self, value):
        self.value = value

    def __call__(self, shape, dtype=None):
        return np.full(shape, self.value, dtype=dtype or "float32")

    def get_config(self):
        return {"value": self.value}


def _conv_bn(x, name, filters, kernel_size, strides=1, padding="valid"):
    """torchvision's BasicConv2d: bias-free convolution, BatchNorm (ε = 1e-3), ReLU."""
    zeros, ones = _HostConstant(0.0), _HostConstant(1.0)
    x = keras.layers.Conv2D(filters, kernel_size, strides=strides, padding=padding,
                            use_bias=False, kernel_initializer=zeros, name=f"{name}_conv")(x)
    x = keras.layers.BatchNormalization(
        epsilon=BN_EPSILON, beta_initializer=zeros, gamma_initializer=ones,
        moving_mean_initializer=zeros, moving_variance_initializer=ones, name=f"{name}_bn")(x)
    return keras.layers.ReLU(name=f"{name}_relu")(x)


def _average_pool(x, name):
    # SAME average pooling divides by the number of real (unpadded) inputs:
    # pytorch-fid's avg_pool2d(..., count_include_pad=False).
    return keras.layers.AveragePooling2D(3, strides=1, padding="same", name=f"{name}_pool")(x)


def _block_a(x, name, pool_features):
    branch1x1 = _conv_bn(x, f"{name}_branch1x1", 64, 1)
    branch5x5 = _conv_bn(x, f"{name}_branch5x5_1", 48, 1)
    branch5x5 = _conv_bn(branch5x5, f"{name}_branch5x5_2", 64, 5, padding="same")
    double = _conv_bn(x, f"{name}_branch3x3dbl_1", 64, 1)
    double = _conv_bn(double, f"{name}_branch3x3dbl_2", 96, 3, padding="same")
    double = _conv_bn(double, f"{name}_branch3x3dbl_3", 96, 3, padding="same")
    pool = _conv_bn(_average_pool(x, name), f"{name}_branch_pool", pool_features, 1)
    return keras.layers.Concatenate(name=name)([branch1x1, branch5x5, double, pool])


def _block_b(x, name):
    branch3x3 = _conv_bn(x, f"{name}_branch3x3", 384, 3, strides=2)
    double = _conv_bn(x, f"{name}_branch3x3dbl_1", 64, 1)
    double = _conv_bn(double, f"{name}_branch3x3dbl_2", 96, 3, padding="same")
    double = _conv_bn(double, f"{name}_branch3x3dbl_3", 96, 3, strides=2)
    pool = keras.layers.MaxPooling2D(3, strides=2, name=f"{name}_pool")(x)
    return keras.layers.Concatenate(name=name)([branch3x3, double, pool])


def _block_c(x, name, channels_7x7):
    c = channels_7x7
    branch1x1 = _conv_bn(x, f"{name}_branch1x1", 192, 1)
    branch7x7 = _conv_bn(x, f"{name}_branch7x7_1", c, 1)
    branch7x7 = _conv_bn(branch7x7, f"{name}_branch7x7_2", c, (1, 7), padding="same")
    branch7x7 = _conv_bn(branch7x7, f"{name}_branch7x7_3", 192, (7, 1), padding="same")
    double = _conv_bn(x, f"{name}_branch7x7dbl_1", c, 1)
    for index, (filters, kernel) in enumerate(
            [(c, (7, 1)), (c, (1, 7)), (c, (7, 1)), (192, (1, 7))], start=2):
        double = _conv_bn(double, f"{name}_branch7x7dbl_{index}", filters, kernel, padding="same")
    pool = _conv_bn(_average_pool(x, name), f"{name}_branch_pool", 192, 1)
    return keras.layers.Concatenate(name=name)([branch1x1, branch7x7, double, pool])


def _block_d(x, name):
    branch3x3 = _conv_bn(x, f"{name}_branch3x3_1", 192, 1)
    branch3x3 = _conv_bn(branch3x3, f"{name}_branch3x3_2", 320, 3, strides=2)
    branch7x7 = _conv_bn(x, f"{name}_branch7x7x3_1", 192, 1)
    branch7x7 = _conv_bn(branch7x7, f"{name}_branch7x7x3_2", 192, (1, 7), padding="same")
    branch7x7 = _conv_bn(branch7x7, f"{name}_branch7x7x3_3", 192, (7, 1), padding="same")
    branch7x7 = _conv_bn(branch7x7, f"{name}_branch7x7x3_4", 192, 3, strides=2)
    pool = keras.layers.MaxPooling2D(3, strides=2, name=f"{name}_pool")(x)
    return keras.layers.Concatenate(name=name)([branch3x3, branch7x7, pool])


def _block_e(x, name, max_pool):
    branch1x1 = _conv_bn(x, f"{name}_branch1x1", 320, 1)
    branch3x3 = _conv_bn(x, f"{name}_branch3x3_1", 384, 1)
    branch3x3 = keras.layers.Concatenate(name=f"{name}_branch3x3")([
        _conv_bn(branch3x3, f"{name}_branch3x3_2a", 384, (1, 3), padding="same"),
        _conv_bn(branch3x3, f"{name}_branch3x3_2b", 384, (3, 1), padding="same"),
    ])
    double = _conv_bn(x, f"{name}_branch3x3dbl_1", 448, 1)
    double = _conv_bn(double, f"{name}_branch3x3dbl_2", 384, 3, padding="same")
    double = keras.layers.Concatenate(name=f"{name}_branch3x3dbl")([
        _conv_bn(double, f"{name}_branch3x3dbl_3a", 384, (1, 3), padding="same"),
        _conv_bn(double, f"{name}_branch3x3dbl_3b", 384, (3, 1), padding="same"),
    ])
    if max_pool:  # Mixed_7c of the FID graph
        pooled = keras.layers.MaxPooling2D(3, strides=1, padding="same", name=f"{name}_pool")(x)
    else:
        pooled = _average_pool(x, name)
    pool = _conv_bn(pooled, f"{name}_branch_pool", 192, 1)
    return keras.layers.Concatenate(name=name)([branch1x1, branch3x3, double, pool])


def fid_inception_network(weights=None):
    """The FID Inception network as a functional `keras.Model`.

    Args:
        weights: None (default: all kernels zero, to be set with
            `set_pytorch_fid_weights`) or the
            path of pytorch-fid's weights file `pt_inception-2015-12-05-6726825d.pth`
            (see `kgan.metrics.inception_weights`); `"pytorch_fid"` finds that
            file in the Keras or PyTorch cache.

    Returns:
        `keras.Model`: images `(n, 299, 299, 3)` in [-1, 1] (pytorch-fid's scaling
        2·p/255 − 1 of pixel values p; the TF graph scales pixels with its own
        constants, not checked here) → `[pool3, logits]`: `pool3` `(n, 2048)`, the FID
        features (after ReLU, so ≥ 0), and `logits` `(n, 1008)` = pool3 · W
        without the bias, as the original Inception Score code
        (`softmax/logits/MatMul`) computes them.

    Example:
        >>> model = fid_inception_network(weights="pytorch_fid")  # needs the file
        >>> pool3, logits = model.predict(images_299)

    Reference:
        Szegedy et al., "Rethinking the Inception Architecture for Computer
        Vision", CVPR 2016; Heusel et al., "GANs Trained by a Two Time-Scale
        Update Rule Converge to a Local Nash Equilibrium", NeurIPS 2017.
    """
    state = None if weights is None else read_pytorch_fid_weights(weights)  # fails fast
    inputs = keras.Input((INPUT_SIZE, INPUT_SIZE, 3), name="images")
    x = _conv_bn(inputs, "Conv2d_1a_3x3", 32, 3, strides=2)
    x = _conv_bn(x, "Conv2d_2a_3x3", 32, 3)
    x = _conv_bn(x, "Conv2d_2b_3x3", 64, 3, padding="same")
    x = keras.layers.MaxPooling2D(3, strides=2, name="maxpool1")(x)
    x = _conv_bn(x, "Conv2d_3b_1x1", 80, 1)
    x = _conv_bn(x, "Conv2d_4a_3x3", 192, 3)
    x = keras.layers.MaxPooling2D(3, strides=2, name="maxpool2")(x)
    x = _block_a(x, "Mixed_5b", 32)
    x = _block_a(x, "Mixed_5c", 64)
    x = _block_a(x, "Mixed_5d", 64)
    x = _block_b(x, "Mixed_6a")
    for name, channels in (("Mixed_6b", 128), ("Mixed_6c", 160), ("Mixed_6d", 160),
                           ("Mixed_6e", 192)):
        x = _block_c(x, name, channels)
    x = _block_d(x, "Mixed_7a")
    x = _block_e(x, "Mixed_7b", max_pool=False)
    x = _block_e(x, "Mixed_7c", max_pool=True)
    pool3 = keras.layers.GlobalAveragePooling2D(name="pool3")(x)
    logits = keras.layers.Dense(NUM_LOGITS, use_bias=False, kernel_initializer=_HostConstant(0.0),
                                name="fc")(pool3)
    model = keras.Model(inputs, [pool3, logits], name="fid_inception_v3")
    if state is not None:
        set_pytorch_fid_weights(model, state)
    return model


def set_pytorch_fid_weights(model, state):
    """Copies a pytorch-fid Inception state dict into `fid_inception_network()`.

    Args:
        model: the model `fid_inception_network()` builds.
        state: dict name → numpy array, the PyTorch module names of
            torchvision's `Inception3` (`Conv2d_1a_3x3.conv.weight`, ...,
            `fc.weight`). BatchNorm's `num_batches_tracked` and the classifier
            bias `fc.bias` are not used.

    Raises:
        ValueError: when a name is missing, left over or of the wrong shape
            (checked before any weight is set).
    """
    # Keras names cannot hold ".": layer "Mixed_5b_branch1x1_conv" is module
    # "Mixed_5b.branch1x1.conv".
    modules = {key.rsplit(".", 1)[0].replace(".", "_"): key.rsplit(".", 1)[0] for key in state}
    assignments = []
    for layer in model.layers:
        if isinstance(layer, keras.layers.Conv2D):
            # PyTorch (out, in, height, width) → Keras (height, width, in, out).
            names, transforms = ["weight"], [lambda w: np.transpose(w, (2, 3, 1, 0))]
        elif isinstance(layer, keras.layers.BatchNormalization):
            names = ["weight", "bias", "running_mean", "running_var"]  # γ, β, mean, variance
            transforms = [lambda w: w] * 4
        elif isinstance(layer, keras.layers.Dense):
            names, transforms = ["weight"], [np.transpose]
        else:
            continue
        for variable, name, transform in zip(layer.weights, names, transforms, strict=True):
            key = f"{modules.get(layer.name, layer.name)}.{name}"
            if key not in state:
                raise ValueError(f"The state dict has no {key} (for layer {layer.name}): it is "
                                 "not pytorch-fid's FID Inception "
                                 "(pt_inception-2015-12-05-6726825d.pth).")
            value = transform(np.asarray(state[key], dtype="float32"))
            if tuple(value.shape) != tuple(variable.shape):
                raise ValueError(f"{key} has shape {value.shape} after conversion; the Keras "
                                 f"variable {variable.path} has shape {tuple(variable.shape)}.")
            assignments.append((variable, value, key))
    used = {key for _, _, key in assignments} | {"fc.bias"}
    unused = sorted(key for key in state
                    if key not in used and not key.endswith(".num_batches_tracked"))
    if unused:
        raise ValueError(f"The state dict has {len(unused)} entries the FID Inception network "
                         f"does not have (e.g. {unused[:3]}): it is not pytorch-fid's FID "
                         "Inception (pt_inception-2015-12-05-6726825d.pth).")
    for variable, value, _ in assignments:
        variable.assign(value)
