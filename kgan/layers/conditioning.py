"""Layers that condition a network on integer class labels."""

import keras
from keras import ops

from kgan.utils.validation import check_int


@keras.saving.register_keras_serializable(package="kgan")
class ConcatenateLabels(keras.layers.Layer):
    """Appends one-hot labels to samples as extra features or channels.

    Inputs `[x, labels]`: `x` `(batch, ..., C)`, `labels` int `(batch,)` in
    `[0, num_classes)`. Output `(batch, ..., C + num_classes)`: the one-hot
    vector broadcast over every position of `x` (spatial maps for images).

    Args:
        num_classes: int ≥ 2.
    """

    def __init__(self, num_classes, **kwargs):
        super().__init__(**kwargs)
        check_int(num_classes, "num_classes", minimum=2)
        self.num_classes = num_classes

    def call(self, inputs):
        x, labels = inputs
        one_hot = ops.one_hot(ops.cast(ops.reshape(labels, (-1,)), "int32"), self.num_classes)
        one_hot = ops.cast(one_hot, x.dtype)
        spatial = len(x.shape) - 2
        one_hot = ops.reshape(one_hot, (-1,) + (1,) * spatial + (self.num_classes,))
        maps = ops.broadcast_to(one_hot, tuple(ops.shape(x)[:-1]) + (self.num_classes,))
        return ops.concatenate([x, maps], axis=-1)

    def compute_output_shape(self, input_shape):
        x_shape, _ = input_shape
        return tuple(x_shape[:-1]) + (x_shape[-1] + self.num_classes,)

    def get_config(self):
        return {**super().get_config(), "num_classes": self.num_classes}


@keras.saving.register_keras_serializable(package="kgan")
class ProjectionHead(keras.layers.Layer):
    """Projection discriminator output: ψ(φ) + ⟨embed(y), φ⟩.

    Inputs `[features, labels]`: `features` `(batch, F)`, `labels` int `(batch,)`.
    Output logits `(batch, 1)`.

    Args:
        num_classes: int ≥ 2.

    Reference:
        Miyato & Koyama 2018, "cGANs with Projection Discriminator".
    """

    def __init__(self, num_classes, **kwargs):
        super().__init__(**kwargs)
        check_int(num_classes, "num_classes", minimum=2)
        self.num_classes = num_classes

    def build(self, input_shape):
        features_shape, _ = input_shape
        self.linear = keras.layers.Dense(1, name="linear")
        self.linear.build(features_shape)
        self.embedding = keras.layers.Embedding(
            self.num_classes, features_shape[-1], name="embedding"
        )
        self.embedding.build((None,))

    def call(self, inputs):
        features, labels = inputs
        embedded = self.embedding(ops.cast(ops.reshape(labels, (-1,)), "int32"))
        return self.linear(features) + ops.sum(embedded * features, axis=-1, keepdims=True)

    def compute_output_shape(self, input_shape):
        return (input_shape[0][0], 1)

    def get_config(self):
        return {**super().get_config(), "num_classes": self.num_classes}
