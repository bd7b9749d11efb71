"""Sub-pixel convolution upsampling: channels rearranged into space."""

import keras
from keras import ops

from kgan.utils.validation import check_int


@keras.saving.register_keras_serializable(package="kgan")
class PixelShuffle(keras.layers.Layer):
    """Rearranges `(batch, H, W, C·r²)` into `(batch, H·r, W·r, C)` (`keras.ops.depth_to_space`).

    Placed after a convolution with `C·r²` filters it forms the sub-pixel
    convolution that upsamples by `r` without checkerboard transposed convolutions.

    Args:
        scale: int ≥ 2, the upsampling factor r.

    Example:
        >>> x = keras.ops.ones((2, 8, 8, 16))
        >>> kgan.layers.PixelShuffle(2)(x).shape   # (2, 16, 16, 4)

    Reference:
        Shi et al. 2016, "Real-Time Single Image and Video Super-Resolution Using an
        Efficient Sub-Pixel Convolutional Neural Network".
    """

    def __init__(self, scale, **kwargs):
        super().__init__(**kwargs)
        self.scale = check_int(scale, "scale", minimum=2)

    def build(self, input_shape):
        channels = input_shape[-1]
        if len(input_shape) != 4 or channels is None or channels % (self.scale**2):
            raise ValueError(
                f"PixelShuffle takes (batch, height, width, channels) inputs with channels "
                f"divisible by scale² = {self.scale ** 2}. Received: input_shape={input_shape}"
            )
        self.built = True

    def call(self, inputs):
        return ops.depth_to_space(inputs, self.scale)

    def compute_output_shape(self, input_shape):
        batch, height, width, channels = input_shape
        r = self.scale
        return (
            batch,
            None if height is None else height * r,
            None if width is None else width * r,
            channels // (r * r),
        )

    def get_config(self):
        return {**super().get_config(), "scale": self.scale}
