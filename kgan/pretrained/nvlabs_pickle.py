"""Reads an NVlabs stylegan2-ada-pytorch network pickle as plain data, running none of its code.

Their pickles embed the source code of every network class
(`torch_utils.persistence._reconstruct_persistent_obj`), which a plain `pickle.load`
executes. Here a restricted unpickler maps an explicit allowlist of globals to
stand-ins defined below: the persistent-object reconstructor only records the class
name and state (the embedded source is never read), tensors are decoded by torch with
`weights_only=True`, and any other global refuses the file.
"""

import dataclasses
import os
import pickle

import numpy as np

from kgan.pretrained.torch_storage import read_legacy_storage

NETWORK_KEYS = ("G", "D", "G_ema")

# The one kind of persistent object NVlabs writes (`meta["type"]` in torch_utils/persistence.py).
_PERSISTENT_TYPE = "class"

# A submodule class that only StyleGAN3 (training/networks_stylegan3.py) has.
_STYLEGAN3_CLASS = "SynthesisInput"

_TENSORFLOW_NETWORK = ("dnnlib.tflib.network", "Network")


@dataclasses.dataclass(frozen=True)
class NVlabsNetwork:
    """One network of an NVlabs pickle, as plain data.

    Attributes:
        class_name: str, the network's class in NVlabs' code, e.g. `"Generator"`.
        init_kwargs: dict, the keyword arguments its constructor was called with, as
            plain nested dicts, lists, numbers and strings, e.g. `{"z_dim": 512,
            "mapping_kwargs": {"num_layers": 8}, ...}`.
        tensors: dict dotted name → float32 numpy array: every parameter and
            persistent buffer, named and ordered as `module.state_dict()` gives them,
            in PyTorch layouts: e.g. `"mapping.fc0.weight"` (out, in),
            `"synthesis.b8.conv0.weight"` (out, in, 3, 3),
            `"synthesis.b8.conv0.noise_const"` (8, 8), `"b16.skip.weight"` (out, in, 1, 1).
        submodules: dict dotted path → class name of every submodule below the network,
            in `module.named_modules()` order, e.g. `{"mapping": "MappingNetwork",
            "mapping.fc0": "FullyConnectedLayer", "synthesis.b4": "SynthesisBlock", ...}`.
    """

    class_name: str
    init_kwargs: dict
    tensors: dict
    submodules: dict


def read_nvlabs_pickle(path):
    """Reads an NVlabs stylegan2-ada-pytorch pickle without executing anything it carries.

    The tensors are decoded with numpy: torch need not be installed.

    Args:
        path: str or path-like, a network pickle written by stylegan2-ada-pytorch
            (`network-snapshot-*.pkl` or a released model).

    Returns:
        dict with the networks present among `"G"`, `"D"`, `"G_ema"` (each an
        `NVlabsNetwork`), `"training_set_kwargs"` (plain dict or None) and
        `"augment_pipe"` (None, or `{"class_name": str, "p": float}`, `p` the
        augmentation probability in [0, 1]).

    Raises:
        FileNotFoundError: when there is no file at `path`.
        ValueError: when the file refers to a global outside the allowlist (it may carry
            code), is not a pickle, is truncated or damaged, holds no NVlabs networks,
            is a TensorFlow-era pickle, or is a StyleGAN3 pickle.
    """
    path = os.fspath(path)
    if not os.path.isfile(path):
        raise FileNotFoundError(f"NVlabs network pickle not found. Received: path={path}")
    with open(path, "rb") as file:
        if file.read(1) != pickle.PROTO:
            raise ValueError(
                f"{path} is not a pickle (it does not start with a pickle protocol header)."
            )
        file.seek(0)
        try:
            data = _RestrictedUnpickler(file).load()
        except _TensorFlowPickleError as error:
            raise ValueError(
                f"{path} is a TensorFlow-era NVlabs pickle ({'.'.join(_TENSORFLOW_NETWORK)}); only "
                "stylegan2-ada-pytorch pickles are read. Convert it with stylegan2-ada-pytorch's "
                "legacy.py (its convert_network_pickle command): `python legacy.py --source=OLD.pkl "
                "--dest=NEW.pkl` (that runs NVlabs' "
                "code on the file: do it only for a file you trust)."
            ) from error
        except _RefusedGlobalError as error:
            raise ValueError(
                f"{path} refers to the global {error.name}, which is not on the allowlist of an "
                "NVlabs network pickle: the file may carry code and was not loaded."
            ) from error
        except Exception as error:
            raise ValueError(
                f"{path} is truncated or damaged: {type(error).__name__}: {error}"
            ) from error
    return _describe(path, data)


def _describe(path, data):
    """The plain description of an unpickled snapshot dict (see `read_nvlabs_pickle`)."""
    if not isinstance(data, dict) or not any(
        isinstance(data.get(key), _PersistentObject) for key in NETWORK_KEYS
    ):
        raise ValueError(
            f"{path} holds no NVlabs networks: expected a dict with persistent networks under "
            f"{', '.join(NETWORK_KEYS)}. Received: {_summary(data)}"
        )
    description = {}
    for key in NETWORK_KEYS:
        if key in data:
            network = _network_record(data[key], f"{key} in {path}")
            if _STYLEGAN3_CLASS in network.submodules.values():
                raise ValueError(
                    f"{path} is a StyleGAN3 pickle ({key} has a {_STYLEGAN3_CLASS}): StyleGAN3 is not "
                    "supported; only stylegan2-ada-pytorch StyleGAN2 networks are read."
                )
            description[key] = network
    kwargs = data.get("training_set_kwargs")
    description["training_set_kwargs"] = None if kwargs is None else _plain(kwargs)
    pipe = data.get("augment_pipe")
    if pipe is None:
        description["augment_pipe"] = None
    else:
        probability = _network_record(pipe, f"augment_pipe in {path}").tensors.get("p")
        description["augment_pipe"] = {
            "class_name": pipe.class_name,
            "p": None if probability is None else float(probability),
        }
    return description


def _summary(data):
    """A short description of an unexpected unpickled object, for error messages."""
    if isinstance(data, dict):
        return f"dict with keys {sorted(map(str, data))}"
    return type(data).__name__


def _network_record(network, where):
    """Flattens one `_PersistentObject` module tree into an `NVlabsNetwork`.

    `where` names the network in error messages, e.g. "G in PATH".
    """
    if not isinstance(network, _PersistentObject):
        raise ValueError(
            f"{where} must be an NVlabs persistent object. Received: {type(network).__name__}"
        )
    tensors, submodules = {}, {}
    _collect(network, "", tensors, submodules, where)
    return NVlabsNetwork(
        class_name=network.class_name,
        init_kwargs=_plain(network.state.get("_init_kwargs", {})),
        tensors=tensors,
        submodules=submodules,
    )


def _collect(module, prefix, tensors, submodules, where):
    """Adds `module`'s tensors and submodules under `prefix`, in `state_dict()` order."""
    state = module.state
    non_persistent = state.get("_non_persistent_buffers_set", set())
    parameters = state.get("_parameters", {}).items()
    buffers = [
        (name, value)
        for name, value in state.get("_buffers", {}).items()
        if name not in non_persistent
    ]
    for name, value in [*parameters, *buffers]:
        if value is None:
            continue
        if not isinstance(value, np.ndarray):
            raise ValueError(
                f"Tensor {prefix + name} of {where} must be a PyTorch tensor. Received: {type(value).__name__}"
            )
        tensors[prefix + name] = value
    for name, child in state.get("_modules", {}).items():
        if child is None:
            continue
        if not isinstance(child, _PersistentObject):
            raise ValueError(
                f"Submodule {prefix + name} of {where} must be an NVlabs persistent object. "
                f"Received: {type(child).__name__}"
            )
        submodules[prefix + name] = child.class_name
        _collect(child, f"{prefix}{name}.", tensors, submodules, where)


def _plain(value):
    """`value` with the unpickling stand-ins turned into plain dicts, lists and tuples."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_plain(item) for item in value)
    return value


# Stand-ins for the allowlisted globals. Nothing below imports or runs code named by the file.


class _PersistentObject:
    """Stand-in for an object `torch_utils.persistence` pickled: its class name and state."""

    def __init__(self, class_name, state):
        self.class_name = class_name
        self.state = state


def _reconstruct_persistent_obj(meta):
    """Stand-in for `torch_utils.persistence._reconstruct_persistent_obj`.

    Records `meta["class_name"]` and `meta["state"]`; ignores `meta["module_src"]`.
    """
    if not isinstance(meta, dict) or meta.get("type") != _PERSISTENT_TYPE:
        raise ValueError(f"A persistent object's meta must be a dict of type {_PERSISTENT_TYPE!r}.")
    class_name, state = meta.get("class_name"), meta.get("state")
    if not isinstance(class_name, str) or not isinstance(state, dict):
        raise ValueError(
            "A persistent object's meta must hold a class_name string and a state dict."
        )
    return _PersistentObject(class_name, state)


class _PlainDict(dict):
    """Stand-in for `dnnlib.util.EasyDict` (and `collections.OrderedDict`): a plain dict."""


def _load_from_bytes(data):
    """Stand-in for `torch.storage._load_from_bytes`: a flat float32 array."""
    if not isinstance(data, bytes):
        raise ValueError(f"Storage bytes must be bytes. Received: {type(data).__name__}")
    return read_legacy_storage(data)


def _rebuild_tensor_v2(
    storage, storage_offset, size, stride, requires_grad=False, backward_hooks=None, metadata=None
):
    """Stand-in for `torch._utils._rebuild_tensor_v2`: a float32 array of shape `size`.

    Checks that the view lies inside the storage before reading it.
    """
    if not isinstance(storage, np.ndarray) or storage.ndim != 1:
        raise ValueError("A tensor's storage must be a decoded PyTorch storage.")
    numbers = (storage_offset, *size, *stride)
    if len(size) != len(stride) or not all(isinstance(n, int) and n >= 0 for n in numbers):
        raise ValueError(
            f"A tensor's offset, size and stride must be non-negative integers. Received: {numbers}"
        )
    if 0 in size:
        return np.zeros(size, np.float32)
    last = storage_offset + sum((extent - 1) * step for extent, step in zip(size, stride))
    if last >= storage.size:
        raise ValueError(
            f"A tensor must lie inside its storage of {storage.size} elements. Received: last index {last}"
        )
    view = np.lib.stride_tricks.as_strided(
        storage[storage_offset:],
        shape=size,
        strides=[step * storage.itemsize for step in stride],
        writeable=False,
    )
    return np.array(view, np.float32)


def _rebuild_parameter(data, requires_grad=False, backward_hooks=None, state=None):
    """Stand-in for `torch._utils._rebuild_parameter` (and `_rebuild_parameter_with_state`)."""
    return data


class _TorchTensorType:
    """Stand-in for the class `torch.Tensor`, named by `_rebuild_from_type_v2`."""


def _rebuild_from_type_v2(func, new_type, args, state):
    """Stand-in for `torch._tensor._rebuild_from_type_v2`: drops a plain tensor's Python attributes."""
    if new_type is not _TorchTensorType:
        raise ValueError(f"A rebuilt tensor must be a plain torch.Tensor. Received: {new_type}")
    return func(*args)


class _NumpyDType:
    """Stand-in for `numpy.dtype` while unpickling: its type code and byte order."""

    def __init__(self, code, align=False, copy=False):
        self.code = code
        self.byte_order = "="

    def __setstate__(self, state):
        self.byte_order = state[1]

    def resolve(self):
        """The numpy dtype, numeric kinds only."""
        dtype = np.dtype(self.code)
        if dtype.kind not in "biufc":
            raise ValueError(f"A pickled numpy scalar must be numeric. Received: dtype={self.code}")
        return dtype.newbyteorder(self.byte_order)


def _numpy_scalar(dtype, data):
    """Stand-in for `numpy.core.multiarray.scalar`: the value as a Python number."""
    if not isinstance(dtype, _NumpyDType) or not isinstance(data, bytes):
        raise ValueError("A pickled numpy scalar must be a dtype and bytes.")
    return np.frombuffer(data, dtype.resolve(), count=1)[0].item()


# (module, name) → stand-in: the globals an NVlabs network pickle written by torch 1.7-2.x uses.
_ALLOWED_GLOBALS = {
    ("torch_utils.persistence", "_reconstruct_persistent_obj"): _reconstruct_persistent_obj,
    ("dnnlib.util", "EasyDict"): _PlainDict,
    ("collections", "OrderedDict"): _PlainDict,
    ("torch.storage", "_load_from_bytes"): _load_from_bytes,
    ("torch._utils", "_rebuild_tensor_v2"): _rebuild_tensor_v2,
    ("torch._utils", "_rebuild_parameter"): _rebuild_parameter,
    ("torch._utils", "_rebuild_parameter_with_state"): _rebuild_parameter,
    ("torch._tensor", "_rebuild_from_type_v2"): _rebuild_from_type_v2,
    ("torch", "Tensor"): _TorchTensorType,
    ("numpy", "dtype"): _NumpyDType,
    ("numpy.core.multiarray", "scalar"): _numpy_scalar,
    ("numpy._core.multiarray", "scalar"): _numpy_scalar,
}


class _RefusedGlobalError(pickle.UnpicklingError):
    """The file names a global outside `_ALLOWED_GLOBALS`."""

    def __init__(self, name):
        super().__init__(name)
        self.name = name


class _TensorFlowPickleError(pickle.UnpicklingError):
    """The file is a TensorFlow-era NVlabs pickle."""


class _RestrictedUnpickler(pickle.Unpickler):
    """An unpickler that resolves only `_ALLOWED_GLOBALS`, each to its stand-in."""

    def find_class(self, module, name):
        if (module, name) == _TENSORFLOW_NETWORK:
            raise _TensorFlowPickleError(f"{module}.{name}")
        if (module, name) not in _ALLOWED_GLOBALS:
            raise _RefusedGlobalError(f"{module}.{name}")
        return _ALLOWED_GLOBALS[(module, name)]
