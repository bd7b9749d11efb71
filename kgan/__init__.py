"""kgan: generative adversarial networks for Keras 3 on TensorFlow, JAX and PyTorch.

The subpackages load together with Keras: at once if Keras is already imported,
else right after it is (or at the first `kgan.<name>`). So every serialisable
class is registered before `keras.saving.load_model` can run, and the `kgan`
command line answers `--help` without importing Keras or a backend.
"""

import importlib
import sys

from kgan.utils.import_hooks import around_first_import

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
    "saving",
    "training",
]


def _import_subpackages():
    for name in __all__:
        importlib.import_module(f"{__name__}.{name}")


def _run_then_import_subpackages(run_keras):
    run_keras()
    _import_subpackages()


def __getattr__(name):
    if name in __all__:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


if "keras" in sys.modules:
    _import_subpackages()
else:
    around_first_import("keras", _run_then_import_subpackages)
