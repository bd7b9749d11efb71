"""kgan: generative adversarial networks for Keras 3 on TensorFlow, JAX and PyTorch."""

from kgan import (
    augment,
    callbacks,
    data,
    editing,
    export,
    latent,
    layers,
    losses,
    metrics,
    models,
    networks,
    recipe,
    training,
)

__version__ = "0.1.0"

__all__ = [
    "augment",
    "callbacks",
    "data",
    "editing",
    "export",
    "latent",
    "layers",
    "losses",
    "metrics",
    "models",
    "networks",
    "recipe",
    "training",
]
