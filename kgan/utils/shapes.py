"""The shapes of a network's inputs and outputs, read from the built model."""


def batch_shape_of(network, attribute):
    """`network.input_shape` or `network.output_shape` (`attribute`) as a tuple
    with the batch axis; the first one for a network with several."""
    shape = getattr(network, attribute)
    return tuple(shape[0] if isinstance(shape, list) else shape)


def image_shape_of(network, name, index=0):
    """The per-sample shape `(H, W, C)` of a network's `index`-th input, checked
    to be an image; `name` names the network in the error."""
    shape = network.inputs[index].shape[1:]
    if len(shape) != 3:
        raise ValueError(
            f"The {name} must take images (batch, height, width, channels). "
            f"Received a {name} with input shape {tuple(network.inputs[index].shape)}."
        )
    return tuple(shape)


def output_shape_of(network, index=0):
    """The per-sample shape of a network's `index`-th output, without the batch axis."""
    return tuple(network.outputs[index].shape[1:])
