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
    "pretrained",
    "recipe",
    "saving",
    "training",
]


def _import_subpackages():
    for name in __all__:
        importlib.import_module(f"{__name__}.{name}")


def _importing_a_kgan_module():
    """Whether a kgan module is mid-import (it imported Keras first)."""
    return any(
        getattr(getattr(module, "__spec__", None), "_initializing", False)
        for name, module in list(sys.modules.items())
        if name.startswith(f"{__name__}.")
    )


def _run_then_import_subpackages(run_keras):
    run_keras()
    try:
        _import_subpackages()
    except ImportError:
        # A kgan module that imports Keras first (`import kgan.backend`) is still half-built
        # and a subpackage imports from it: the subpackages then load when first used.
        if not _importing_a_kgan_module():
            raise


def __getattr__(name):
    if name in __all__:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


if "keras" in sys.modules:
    _import_subpackages()
else:
    around_first_import("keras", _run_then_import_subpackages)
