"""Finding and reading pytorch-fid's FID Inception weights, offline.

The weights of the 2015-12-05 TensorFlow Inception graph that published FIDs
use are public as a PyTorch state dict, `pt_inception-2015-12-05-6726825d.pth`,
released by pytorch-fid. kgan never downloads it at run time: put the file in
the Keras cache (`$KERAS_HOME/models/`, default `~/.keras/models/`), or leave it
where pytorch-fid or torch hub put it (`$TORCH_HOME/hub/checkpoints/`, default
`~/.cache/torch/hub/checkpoints/`), or pass its path. Reading it needs torch (any
backend runs the converted network); the file holds the convolution, BatchNorm
and 1,008-class classifier weights (`fc.weight`, `fc.bias`) of torchvision's
`Inception3` module names.
"""

import os

from kgan.backend.interop import read_torch_state_dict

FID_WEIGHTS_FILE = "pt_inception-2015-12-05-6726825d.pth"
FID_WEIGHTS_URL = ("https://github.com/mseitzer/pytorch-fid/releases/download/fid_weights/"
                   + FID_WEIGHTS_FILE)


def keras_home():
    """`$KERAS_HOME`, else `~/.keras`, read when called."""
    return os.environ.get("KERAS_HOME", os.path.join(os.path.expanduser("~"), ".keras"))


def fid_weights_directories():
    """The folders searched for the weights file, in order: `$KERAS_HOME/models`
    (default `~/.keras/models`) and torch hub's `$TORCH_HOME/hub/checkpoints`
    (default `$XDG_CACHE_HOME/torch` or `~/.cache/torch`)."""
    cache_home = os.environ.get("XDG_CACHE_HOME", os.path.join(os.path.expanduser("~"), ".cache"))
    torch_home = os.environ.get("TORCH_HOME", os.path.join(cache_home, "torch"))
    return [os.path.join(keras_home(), "models"), os.path.join(torch_home, "hub", "checkpoints")]


def fid_weights_path(weights="pytorch_fid"):
    """The path of the weights file.

    Args:
        weights: `"pytorch_fid"` (default) to search `fid_weights_directories()`
            for `pt_inception-2015-12-05-6726825d.pth`, or the path of the file.

    Raises:
        FileNotFoundError: naming the file, where it was looked for, where to
            put it and the address to get it from.
    """
    if weights == "pytorch_fid":
        candidates = [os.path.join(folder, FID_WEIGHTS_FILE) for folder in fid_weights_directories()]
    else:
        candidates = [os.fspath(weights)]
    for path in candidates:
        if os.path.isfile(path):
            return path
    raise FileNotFoundError(
        f"The FID Inception weights {FID_WEIGHTS_FILE} were not found (looked for: "
        f"{', '.join(candidates)}). kgan does not download them at run time. Download the "
        f"file once from {FID_WEIGHTS_URL} (pytorch-fid's release) and put it in "
        f"{fid_weights_directories()[0]}/ (the Keras cache, $KERAS_HOME/models), e.g. "
        f"`mkdir -p {fid_weights_directories()[0]} && curl -L -o "
        f"{candidates[0] if weights == 'pytorch_fid' else FID_WEIGHTS_FILE} {FID_WEIGHTS_URL}`, "
        "or pass its path as weights=."
    )


def read_pytorch_fid_weights(weights="pytorch_fid"):
    """Reads the weights file into a dict name → float32 numpy array.

    Args:
        weights: `"pytorch_fid"` or a path, as in `fid_weights_path`.

    Raises:
        FileNotFoundError: see `fid_weights_path`.
        ImportError: when torch is not installed.
    """
    path = fid_weights_path(weights)
    return read_torch_state_dict(path)
