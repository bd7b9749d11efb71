"""The Keras, JAX and TensorFlow behaviours kgan relies on that are not documented API.

Each test names the internal it guards and the kgan code that needs it, so an
upgrade that breaks one fails here with that message rather than somewhere
deep in a training step. pyproject.toml pins Keras to the minor release where
these hold.
"""

import json
import types

import keras
import numpy as np
import pytest
from keras import ops
from keras.src.initializers.random_initializers import RandomInitializer

import kgan
from kgan.backend import run_if, update
from tests.conftest import BACKEND, tiny_mlp_pair


def _changed(internal, needs):
    return f"Keras {keras.__version__} changed {internal}; {needs}"


def test_stateless_scope_keeps_the_enclosing_scope_as_original_scope():
    variable = keras.Variable(np.zeros(2, "float32"))
    with keras.StatelessScope([(variable, np.ones(2, "float32"))]) as outer:
        with keras.StatelessScope(initialize_variables=False) as inner:
            enclosing = getattr(inner, "original_scope", None)
            unmapped = inner.get_current_value(variable)
    assert enclosing is outer and unmapped is None, _changed(
        "StatelessScope.original_scope (the enclosing scope, set by __enter__) or "
        "get_current_value of an unmapped variable (None)",
        "kgan/backend/jax.py (_ChildScope) and kgan/layers/spectral_normalization.py "
        "(_KernelScope) read unmapped variables from the enclosing scope through it and need "
        "another way to find that scope.",
    )


def test_fit_starts_at_the_initial_epoch_a_callback_sets():
    class StartAtEpoch2(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            self.model._initial_epoch = 2

    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    x = np.zeros((4, 2), "float32")
    history = model.fit(x, x[:, :1], epochs=3, verbose=0, callbacks=[StartAtEpoch2()])
    assert history.epoch == [2], _changed(
        "Trainer._initial_epoch (fit() starts at it when a callback's on_train_begin sets it, "
        "as keras.callbacks.BackupAndRestore does)",
        "kgan/callbacks/checkpoint.py (Checkpoint) resumes a run through it and needs another "
        f"way to skip the epochs it restored. Received: history.epoch={history.epoch}",
    )


@pytest.mark.parametrize("owner", ["layer", "optimizer"])
def test_attribute_tracking_leaves_a_read_only_mapping_alone(owner):
    variable = keras.Variable(np.zeros(2, "float32"))
    obj = keras.layers.Layer() if owner == "layer" else keras.optimizers.SGD()
    before = [id(v) for v in obj.variables]
    obj.kept = types.MappingProxyType({"group": [variable]})
    assert type(obj.kept) is types.MappingProxyType and [id(v) for v in obj.variables] == before, \
        _changed(
            f"{type(obj).__name__} attribute tracking (it wraps lists, tuples, dicts and sets "
            "and adds the variables in them to the owner's state)",
            "kgan/training/adversarial_model.py (_given_optimizers) and "
            "kgan/training/adversarial_optimizer.py (_variable_groups) keep plain data and the "
            "networks' variables in a types.MappingProxyType so that they are not state.",
        )


def test_a_gan_state_is_its_networks_seed_optimizers_and_trackers():
    generator, discriminator = tiny_mlp_pair()
    model = kgan.models.GAN(generator, discriminator, latent_dim=4)
    model.compile(g_optimizer=keras.optimizers.Adam(1e-3), jit_compile=False)
    inner = model.g_optimizer.variables + model.d_optimizer.variables
    own = [v.name for v in model.optimizer.variables if id(v) not in {id(i) for i in inner}]
    state = (model.trainable_variables + model.non_trainable_variables
             + model.optimizer.variables + model.metrics_variables)
    expected = (generator.variables + discriminator.variables + [model.seed_generator.state]
                + model.optimizer.variables
                + [v for tracker in model.metrics for v in tracker.variables])
    assert own == ["iteration", "learning_rate"]
    assert sorted(id(v) for v in state) == sorted(id(v) for v in expected), [v.path for v in state]
    assert json.loads(json.dumps(model.get_compile_config()))["jit_compile"] is False


@pytest.mark.skipif(BACKEND != "jax", reason="jax.lax.cond is the JAX backend's")
def test_run_if_does_not_depend_on_which_branch_cond_traces_first(monkeypatch):
    import jax

    switch = jax.lax.switch

    def false_branch_first(pred, true_fun, false_fun, *operands):
        return switch(ops.cast(pred, "int32"), [false_fun, true_fun], *operands)

    monkeypatch.setattr(jax.lax, "cond", false_branch_first)
    variable = keras.Variable(np.ones(3, "float32"))
    optimizer = keras.optimizers.SGD(0.5)
    optimizer.build([variable])
    run_if(ops.convert_to_tensor(True),
           lambda: update(lambda: (ops.sum(variable * variable), {}), [variable], optimizer))
    np.testing.assert_allclose(ops.convert_to_numpy(variable), [0.0] * 3)
    assert int(ops.convert_to_numpy(optimizer.iterations)) == 1


def test_variables_initialize_through_initialize_with_initializer(monkeypatch):
    calls = []
    initialize = keras.Variable._initialize_with_initializer

    def spy(variable, initializer):
        calls.append(initializer)
        initialize(variable, initializer)

    monkeypatch.setattr(keras.Variable, "_initialize_with_initializer", spy)
    layer = keras.layers.Dense(2)
    layer.build((None, 3))
    assert len(calls) == 2 and isinstance(calls[0], RandomInitializer), _changed(
        "Variable._initialize_with_initializer(initializer) (how a variable created with an "
        "initializer gets its value) or RandomInitializer (the base of the random ones)",
        "kgan/utils/placeholder_weights.py replaces random initial values through them "
        f"and needs another hook. Received: {calls}",
    )


def test_flatten_layers_finds_the_noise_layers_nested_in_a_generator():
    mapping = kgan.networks.stylegan_mapping(4, 4, num_layers=1)
    generator = kgan.networks.stylegan_generator(
        mapping, kgan.networks.stylegan2_synthesis(4, (8, 8, 1), 64, 8))
    found = [layer for layer in generator._flatten_layers()
             if isinstance(layer, kgan.layers.NoiseInjection)]
    # 8×8 StyleGAN2: two modulated convolutions at 4×4 and 8×8 each but the first, 3 noises.
    assert len(found) == 3, _changed(
        "Layer._flatten_layers (every layer of a network, nested models and sublayers "
        "included)",
        "kgan/layers/style.py (noise_layers: the noise modes StyleGAN's sampling sets and a "
        f"compiled generator fixes) needs another traversal. Received: {len(found)} noise layers",
    )


def test_serialization_asks_the_lazy_tensorflow_module_it_holds():
    from keras.src.saving import serialization_lib
    from keras.src.utils.module_utils import LazyModule

    # On JAX and torch kgan has wrapped it; the guard is about Keras' own object.
    held = getattr(serialization_lib.tf, "_module", serialization_lib.tf)
    assert isinstance(held, LazyModule) and held.name == "tensorflow", _changed(
        "keras.src.saving.serialization_lib.tf (the lazy TensorFlow module whose `available` "
        "serialize_keras_object asks)",
        "kgan/backend/common.py (serialize_without_importing_tensorflow) keeps JAX and torch "
        "processes from importing TensorFlow through it and needs another hook.",
    )


@pytest.mark.skipif(BACKEND != "tensorflow", reason="a TensorFlow internal")
def test_tensorflow_tells_a_graph_that_xla_compiles():
    import tensorflow as tf
    from tensorflow.python.ops.control_flow_util import GraphOrParentsInXlaContext

    seen = {}
    for jit_compile in (False, True):
        @tf.function(jit_compile=jit_compile)
        def step(x, jit_compile=jit_compile):
            def body(i):  # a nested graph (kgan's `repeat` is a tf.while_loop)
                seen[jit_compile, "nested"] = GraphOrParentsInXlaContext(
                    tf.compat.v1.get_default_graph())
                return (i + 1,)

            seen[jit_compile] = GraphOrParentsInXlaContext(tf.compat.v1.get_default_graph())
            tf.while_loop(lambda i: i < 2, body, (tf.constant(0),))
            return x + 1

        step(tf.constant(1.0))
    assert seen == {False: False, (False, "nested"): False, True: True, (True, "nested"): True}, (
        f"TensorFlow {tf.__version__} changed control_flow_util.GraphOrParentsInXlaContext (True "
        "in a graph that tf.function(jit_compile=True) traces, and in its nested graphs); "
        "kgan/backend/tensorflow.py (fir_filter) needs another way to tell XLA's graphs."
    )
