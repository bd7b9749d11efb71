"""Reading NVlabs stylegan2-ada-pytorch pickles as plain data, without running their code.

Test pickles are written here with small stand-ins that pickle under NVlabs' global names
(registered in `sys.modules` only while dumping), plus the committed fixtures
`tests/fixtures/nvlabs_stylegan2/*.pkl`, which NVlabs' own code wrote.
"""

import builtins
import collections
import io
import os
import pickle
import re
import sys
import types

import numpy as np
import pytest

from kgan.pretrained import NVlabsNetwork, read_nvlabs_pickle
from kgan.pretrained.torch_storage import read_legacy_storage

FIXTURES = os.path.join(os.path.dirname(__file__), "fixtures", "nvlabs_stylegan2")

# What a file's embedded module source would do if anything executed it.
MODULE_SRC = "import pathlib\npathlib.Path({marker!r}).touch()\n"


class _Call:
    """Pickles as the call `func(*args)`."""

    def __init__(self, func, *args):
        self.func, self.args = func, args

    def __reduce__(self):
        return self.func, self.args


@pytest.fixture
def nvlabs_globals(monkeypatch):
    """Stand-ins that pickle under NVlabs' global names, as `types.SimpleNamespace`."""

    def register(module_name, name, value):
        for depth in range(1, module_name.count(".") + 2):
            package = ".".join(module_name.split(".")[:depth])
            if package not in sys.modules:
                monkeypatch.setitem(sys.modules, package, types.ModuleType(package))
        value.__module__, value.__qualname__ = module_name, name
        setattr(sys.modules[module_name], name, value)
        return value

    def reconstruct(meta):
        raise AssertionError("only pickled, never called")

    return types.SimpleNamespace(
        reconstruct=register("torch_utils.persistence", "_reconstruct_persistent_obj", reconstruct),
        EasyDict=register("dnnlib.util", "EasyDict", type("EasyDict", (dict,), {})),
        TFNetwork=register("dnnlib.tflib.network", "Network", type("Network", (), {})),
    )


def persistent(globals_, class_name, module_src="", **state):
    """Pickles as NVlabs' persistence writes a `class_name` instance with module `state`."""
    state = {
        "_parameters": {},
        "_buffers": {},
        "_non_persistent_buffers_set": set(),
        "_modules": {},
        "_init_kwargs": {},
        **state,
    }
    meta = dict(type="class", version=6, module_src=module_src, class_name=class_name, state=state)
    return _Call(globals_.reconstruct, meta)


def write(path, obj):
    with open(path, "wb") as file:
        pickle.dump(obj, file)
    return path


def tiny_snapshot(globals_, torch, module_src=""):
    """A snapshot dict like training_loop.py's, with a two-level G and a one-block D."""
    affine = persistent(
        globals_,
        "FullyConnectedLayer",
        module_src,
        _parameters={
            "weight": torch.nn.Parameter(torch.arange(6.0).reshape(2, 3)),
            "bias": torch.nn.Parameter(torch.ones(2)),
        },
    )
    layer = persistent(
        globals_,
        "SynthesisLayer",
        module_src,
        _parameters={"weight": torch.nn.Parameter(torch.zeros(2, 2, 3, 3))},
        _buffers={"noise_const": torch.full((4, 4), 0.5), "scratch": torch.zeros(3)},
        _non_persistent_buffers_set={"scratch"},
        _modules={"affine": affine},
        weight_gain=np.float64(0.25),
    )
    block = persistent(
        globals_, "SynthesisBlock", module_src, _modules={"conv0": layer, "unused": None}
    )
    kwargs = globals_.EasyDict(
        z_dim=3, mapping_kwargs=globals_.EasyDict(num_layers=2), channels=[1, 2]
    )
    G = persistent(
        globals_,
        "Generator",
        module_src,
        _init_kwargs=kwargs,
        _modules={
            "synthesis": persistent(
                globals_, "SynthesisNetwork", module_src, _modules={"b4": block}
            )
        },
    )
    D = persistent(
        globals_,
        "Discriminator",
        module_src,
        _init_kwargs=globals_.EasyDict(c_dim=0),
        _modules={
            "b4": persistent(
                globals_,
                "DiscriminatorBlock",
                module_src,
                _parameters={"weight": torch.nn.Parameter(torch.ones(1, 2))},
            )
        },
    )
    pipe = persistent(globals_, "AugmentPipe", module_src, _buffers={"p": torch.tensor(0.25)})
    return dict(
        training_set_kwargs=dict(globals_.EasyDict(resolution=4)),
        G=G,
        D=D,
        G_ema=G,
        augment_pipe=pipe,
    )


def test_reads_a_persistent_snapshot_without_running_its_source(nvlabs_globals, tmp_path):
    torch = pytest.importorskip("torch")
    marker = tmp_path / "module_src_ran"
    path = write(
        tmp_path / "snapshot.pkl",
        tiny_snapshot(nvlabs_globals, torch, MODULE_SRC.format(marker=str(marker))),
    )
    data = read_nvlabs_pickle(path)
    assert not marker.exists()
    assert sorted(data) == ["D", "G", "G_ema", "augment_pipe", "training_set_kwargs"]
    G = data["G"]
    assert isinstance(G, NVlabsNetwork) and G.class_name == "Generator"
    assert G.init_kwargs == {"z_dim": 3, "mapping_kwargs": {"num_layers": 2}, "channels": [1, 2]}
    assert type(G.init_kwargs["mapping_kwargs"]) is dict
    # state_dict() names and order; the non-persistent buffer and the None submodule are left out.
    assert list(G.tensors) == [
        "synthesis.b4.conv0.weight",
        "synthesis.b4.conv0.noise_const",
        "synthesis.b4.conv0.affine.weight",
        "synthesis.b4.conv0.affine.bias",
    ]
    assert G.submodules == {
        "synthesis": "SynthesisNetwork",
        "synthesis.b4": "SynthesisBlock",
        "synthesis.b4.conv0": "SynthesisLayer",
        "synthesis.b4.conv0.affine": "FullyConnectedLayer",
    }
    np.testing.assert_array_equal(
        G.tensors["synthesis.b4.conv0.affine.weight"], np.arange(6.0).reshape(2, 3)
    )
    np.testing.assert_array_equal(G.tensors["synthesis.b4.conv0.noise_const"], np.full((4, 4), 0.5))
    assert all(t.dtype == np.float32 for t in G.tensors.values())
    assert data["D"].submodules == {"b4": "DiscriminatorBlock"} and list(data["D"].tensors) == [
        "b4.weight"
    ]
    assert data["augment_pipe"] == {"class_name": "AugmentPipe", "p": 0.25}
    assert data["training_set_kwargs"] == {"resolution": 4}


@pytest.mark.filterwarnings("ignore:TypedStorage is deprecated")
def test_reads_torch_1x_tensors_from_legacy_storage_bytes(nvlabs_globals, tmp_path):
    """Written as torch 1.7-1.9 pickle a Parameter: `_rebuild_parameter(_rebuild_tensor_v2(
    _load_from_bytes(legacy torch.save bytes), offset, size, stride, requires_grad, hooks), ...)`."""
    torch = pytest.importorskip("torch")
    from torch._utils import _rebuild_parameter, _rebuild_tensor_v2
    from torch.storage import _load_from_bytes

    legacy = io.BytesIO()
    torch.save(
        torch.arange(10.0).to(torch.float16).storage(), legacy, _use_new_zipfile_serialization=False
    )
    assert legacy.getvalue()[:2] == b"\x80\x02"  # the legacy format: pickles, not a zip archive
    stored = _Call(_load_from_bytes, legacy.getvalue())
    # A transposed view at offset 1: shape (2, 3), strides (1, 2).
    tensor = _Call(_rebuild_tensor_v2, stored, 1, (2, 3), (1, 2), False, collections.OrderedDict())
    parameter = _Call(_rebuild_parameter, tensor, True, collections.OrderedDict())
    path = write(
        tmp_path / "old.pkl",
        dict(G=persistent(nvlabs_globals, "Generator", _parameters={"w": parameter})),
    )
    # Element [i, j] is storage[1 + i + 2 j].
    np.testing.assert_array_equal(
        read_nvlabs_pickle(path)["G"].tensors["w"], np.arange(1.0, 7.0).reshape(3, 2).T
    )


def test_reads_tensors_that_carry_python_attributes(nvlabs_globals, tmp_path):
    """torch 2.x writes these with `_rebuild_from_type_v2` and `_rebuild_parameter_with_state`."""
    torch = pytest.importorskip("torch")
    buffer, parameter = torch.ones(2), torch.nn.Parameter(torch.full((3,), 2.0))
    buffer.note = parameter.note = "attribute"
    path = write(
        tmp_path / "state.pkl",
        dict(
            D=persistent(
                nvlabs_globals,
                "Discriminator",
                _parameters={"p": parameter},
                _buffers={"b": buffer},
            )
        ),
    )
    tensors = read_nvlabs_pickle(path)["D"].tensors
    np.testing.assert_array_equal(tensors["p"], [2.0, 2.0, 2.0])
    np.testing.assert_array_equal(tensors["b"], [1.0, 1.0])


def test_refuses_a_tensor_view_outside_its_storage(nvlabs_globals, tmp_path):
    torch = pytest.importorskip("torch")
    from torch._utils import _rebuild_tensor_v2

    tensor = _Call(
        _rebuild_tensor_v2,
        torch.ones(4).storage(),
        0,
        (100,),
        (1,),
        False,
        collections.OrderedDict(),
    )
    path = write(
        tmp_path / "outside.pkl",
        dict(G=persistent(nvlabs_globals, "Generator", _buffers={"b": tensor})),
    )
    with pytest.raises(ValueError, match="must lie inside its storage"):
        read_nvlabs_pickle(path)


@pytest.mark.parametrize("where", ["top", "network", "persistent_state"])
@pytest.mark.parametrize("call", ["os.system", "builtins.exec"])
def test_refuses_code_and_runs_none_of_it(nvlabs_globals, tmp_path, where, call):
    pwned = tmp_path / "pwned"
    if call == "os.system":
        payload, global_name = _Call(os.system, f"touch {pwned}"), f"{os.system.__module__}.system"
    else:
        payload, global_name = (
            _Call(builtins.exec, f"open({str(pwned)!r}, 'w').close()"),
            "builtins.exec",
        )
    obj = {
        "top": payload,
        "network": dict(G=payload),
        "persistent_state": dict(
            G=persistent(
                nvlabs_globals, "Generator", _init_kwargs=nvlabs_globals.EasyDict(z_dim=payload)
            )
        ),
    }[where]
    path = write(tmp_path / "evil.pkl", obj)
    with pytest.raises(
        ValueError,
        match=rf"{re.escape(str(path))} refers to the global {re.escape(global_name)},.*may carry code",
    ):
        read_nvlabs_pickle(path)
    assert not pwned.exists()


def test_refuses_torch_modules_that_are_not_nvlabs_persistent_objects(tmp_path):
    torch = pytest.importorskip("torch")
    path = write(tmp_path / "linear.pkl", dict(G=torch.nn.Linear(2, 2)))
    with pytest.raises(ValueError, match="torch.nn.modules.linear.Linear"):
        read_nvlabs_pickle(path)


def test_says_what_is_wrong_with_files_that_are_not_network_pickles(nvlabs_globals, tmp_path):
    with pytest.raises(FileNotFoundError, match=re.escape(str(tmp_path / "missing.pkl"))):
        read_nvlabs_pickle(tmp_path / "missing.pkl")
    text = tmp_path / "notes.txt"
    text.write_text("not a pickle")
    with pytest.raises(ValueError, match=rf"{re.escape(str(text))} is not a pickle"):
        read_nvlabs_pickle(text)
    whole = pickle.dumps(
        dict(G=persistent(nvlabs_globals, "Generator", _init_kwargs={"z_dim": 512}))
    )
    truncated = tmp_path / "truncated.pkl"
    truncated.write_bytes(whole[: len(whole) // 2])
    with pytest.raises(ValueError, match=rf"{re.escape(str(truncated))} is truncated or damaged"):
        read_nvlabs_pickle(truncated)
    other = write(tmp_path / "other.pkl", {"weights": [1.0, 2.0]})
    with pytest.raises(
        ValueError,
        match=rf"{re.escape(str(other))} holds no NVlabs networks.*Received: dict with keys \['weights'\]",
    ):
        read_nvlabs_pickle(other)


def test_points_tensorflow_era_pickles_to_nvlabs_converter(nvlabs_globals, tmp_path):
    network = nvlabs_globals.TFNetwork()
    network.__dict__.update(name="G", static_kwargs={"resolution": 1024})
    path = write(tmp_path / "stylegan2-ffhq-config-f.pkl", (network, network, network))
    with pytest.raises(
        ValueError,
        match=rf"{re.escape(str(path))} is a TensorFlow-era NVlabs pickle.*python legacy.py --source=",
    ):
        read_nvlabs_pickle(path)


def test_refuses_stylegan3(nvlabs_globals, tmp_path):
    synthesis = persistent(
        nvlabs_globals,
        "SynthesisNetwork",
        _modules={"input": persistent(nvlabs_globals, "SynthesisInput")},
    )
    path = write(
        tmp_path / "stylegan3-t.pkl",
        dict(G=persistent(nvlabs_globals, "Generator", _modules={"synthesis": synthesis})),
    )
    with pytest.raises(
        ValueError,
        match=rf"{re.escape(str(path))} is a StyleGAN3 pickle.*StyleGAN3 is not supported",
    ):
        read_nvlabs_pickle(path)


@pytest.mark.parametrize(
    "state, message",
    [
        (
            {"_parameters": {"weight": "text"}},
            "Tensor b4.weight of G in .* must be a PyTorch tensor",
        ),
        (
            {"_modules": {"fc": {"weight": 1}}},
            "Submodule b4.fc of G in .* must be an NVlabs persistent",
        ),
    ],
)
def test_refuses_modules_that_hold_other_things(nvlabs_globals, tmp_path, state, message):
    block = persistent(nvlabs_globals, "SynthesisBlock", **state)
    path = write(
        tmp_path / "odd.pkl",
        dict(G=persistent(nvlabs_globals, "Generator", _modules={"b4": block})),
    )
    with pytest.raises(ValueError, match=message):
        read_nvlabs_pickle(path)


def test_reads_tensors_without_torch(nvlabs_globals, tmp_path, monkeypatch):
    torch = pytest.importorskip("torch")  # to write the file
    path = write(tmp_path / "snapshot.pkl", tiny_snapshot(nvlabs_globals, torch))
    monkeypatch.setitem(sys.modules, "torch", None)  # `import torch` raises ImportError
    tensors = read_nvlabs_pickle(path)["G"].tensors
    np.testing.assert_array_equal(tensors["synthesis.b4.conv0.affine.weight"],
                                  np.arange(6.0).reshape(2, 3))


@pytest.mark.filterwarnings("ignore:TypedStorage is deprecated")
@pytest.mark.parametrize("dtype", ["float32", "float16", "bfloat16", "float64", "int64", "uint8",
                                   "bool"])
def test_legacy_storages_decode_as_torch_decodes_them(dtype):
    torch = pytest.importorskip("torch")
    values = (torch.arange(-5, 7) * 1.37).to(getattr(torch, dtype))
    legacy = io.BytesIO()
    torch.save(values.storage(), legacy, _use_new_zipfile_serialization=False)
    decoded = read_legacy_storage(legacy.getvalue())
    assert decoded.dtype == np.float32
    np.testing.assert_array_equal(decoded, values.float().numpy())


def test_legacy_storages_that_are_not_storages_are_refused():
    torch = pytest.importorskip("torch")
    legacy = io.BytesIO()
    torch.save(torch.ones(3).storage(), legacy, _use_new_zipfile_serialization=False)
    data = legacy.getvalue()
    with pytest.raises(ValueError, match="is truncated: 8 of 12 bytes"):
        read_legacy_storage(data[:-4])
    with pytest.raises(ValueError, match="legacy format"):
        read_legacy_storage(b"not a storage")
    # The storage class swapped for os.system: refused before anything is called.
    swapped = data.replace(b"ctorch\nFloatStorage\n", b"cos\nsystem\n")
    assert swapped != data
    with pytest.raises(ValueError, match="names the global os.system"):
        read_legacy_storage(swapped)


@pytest.mark.parametrize(
    "name, resolution, channels, blocks",
    [
        ("rgb32", 32, 3, (4, 8, 16, 32)),
        ("grey64_cond", 64, 1, (4, 8, 16, 32, 64)),
    ],
)
def test_reads_the_committed_nvlabs_fixtures(name, resolution, channels, blocks):
    """Configurations as tests/fixtures/nvlabs_stylegan2/README.md states them; the lead's
    equivalence tests check the values through the networks' outputs."""
    pytest.importorskip("torch")
    data = read_nvlabs_pickle(os.path.join(FIXTURES, f"{name}.pkl"))
    G, D, G_ema = data["G"], data["D"], data["G_ema"]
    assert (G.class_name, D.class_name, G_ema.class_name) == (
        "Generator",
        "Discriminator",
        "Generator",
    )
    assert G.init_kwargs == G_ema.init_kwargs
    assert (G.init_kwargs["img_resolution"], G.init_kwargs["img_channels"]) == (
        resolution,
        channels,
    )
    assert G.init_kwargs["synthesis_kwargs"]["architecture"] == "skip"
    assert D.init_kwargs["architecture"] == "resnet"
    assert data["training_set_kwargs"]["resolution"] == resolution
    assert data["augment_pipe"]["class_name"] == "AugmentPipe"
    assert data["augment_pipe"]["p"] == pytest.approx(0.23)
    assert [G.submodules[f"synthesis.b{r}"] for r in blocks] == ["SynthesisBlock"] * len(blocks)
    assert [D.submodules[f"b{r}"] for r in blocks[1:]] == ["DiscriminatorBlock"] * (len(blocks) - 1)
    assert D.submodules["b4"] == "DiscriminatorEpilogue"
    w_dim, z_dim = G.init_kwargs["w_dim"], G.init_kwargs["z_dim"]
    assert G.tensors["mapping.w_avg"].shape == (w_dim,)
    assert G.tensors["synthesis.b8.conv0.noise_const"].shape == (8, 8)
    assert G.tensors[f"synthesis.b{resolution}.torgb.weight"].shape[:2] == (
        channels,
        G.tensors[f"synthesis.b{resolution}.conv1.weight"].shape[0],
    )
    assert D.tensors[f"b{resolution}.fromrgb.weight"].shape[1:] == (channels, 1, 1)
    assert D.tensors["b8.skip.weight"].shape[2:] == (1, 1)
    assert G.tensors["synthesis.b4.conv1.resample_filter"].shape == (4, 4)
    assert all(
        t.dtype == np.float32 and np.isfinite(t).all()
        for net in (G, D, G_ema)
        for t in net.tensors.values()
    )
    assert not np.array_equal(G.tensors["mapping.fc0.weight"], G_ema.tensors["mapping.fc0.weight"])
    assert z_dim == {"rgb32": 32, "grey64_cond": 16}[name]
