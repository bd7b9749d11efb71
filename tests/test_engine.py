"""The backend engine: isolated phases, double backprop, state threading, saving."""

import keras
import numpy as np
import pytest
from keras import ops

import kgan
from kgan.backend import (
    input_gradients,
    jit_compiles_input_gradients,
    run_if,
    update,
    without_gradient,
)
from tests.conftest import BACKEND, changed, tiny_dcgan_pair, tiny_mlp_pair, weights_of


def test_update_changes_only_given_variables():
    a = keras.Variable(np.ones(3, "float32"))
    b = keras.Variable(np.ones(3, "float32"))
    optimizer = keras.optimizers.SGD(0.5)
    optimizer.build([a])
    loss, logs = update(lambda: (ops.sum(a * a * b), {"extra": ops.sum(b)}), [a], optimizer)
    np.testing.assert_allclose(ops.convert_to_numpy(a), [0.0, 0.0, 0.0])  # a - 0.5 * 2a
    np.testing.assert_allclose(ops.convert_to_numpy(b), [1.0, 1.0, 1.0])
    assert float(ops.convert_to_numpy(loss)) == pytest.approx(3.0)
    assert float(ops.convert_to_numpy(logs["extra"])) == pytest.approx(3.0)


@pytest.mark.parametrize("condition", [True, False])
def test_run_if_keeps_an_update_only_when_the_condition_holds(condition):
    a = keras.Variable(np.ones(3, "float32"))
    optimizer = keras.optimizers.SGD(0.5)
    optimizer.build([a])
    run_if(
        ops.convert_to_tensor(condition),
        lambda: update(lambda: (ops.sum(a * a), {}), [a], optimizer),
    )
    np.testing.assert_allclose(ops.convert_to_numpy(a), [0.0] * 3 if condition else [1.0] * 3)
    assert int(ops.convert_to_numpy(optimizer.iterations)) == int(condition)


def test_input_gradients_value_and_double_backprop():
    x = np.array([[1.0, 2.0], [3.0, -1.0]], dtype="float32")
    w = keras.Variable(np.array([2.0, 3.0], dtype="float32"))
    # f(x) = sum(w * x^2) per row -> df/dx = 2 w x
    gradient = input_gradients(lambda t: ops.sum(w * t * t, axis=-1), x)
    np.testing.assert_allclose(ops.convert_to_numpy(gradient), 2 * np.array([2.0, 3.0]) * x)
    # The gradient is itself differentiable with respect to w: the penalty
    # sum((2 w x)^2) has d/dw = 8 w sum_rows(x^2).
    optimizer = keras.optimizers.SGD(1.0)
    optimizer.build([w])
    update(
        lambda: (ops.sum(ops.square(input_gradients(lambda t: ops.sum(w * t * t, axis=-1), x))), {}),
        [w],
        optimizer,
    )
    expected = np.array([2.0, 3.0]) - 8 * np.array([2.0, 3.0]) * (x**2).sum(axis=0)
    np.testing.assert_allclose(ops.convert_to_numpy(w), expected, rtol=1e-5)


def test_without_gradient_keeps_values_and_blocks_gradients():
    a = keras.Variable(np.array([1.0, 2.0, 3.0], "float32"))
    b = keras.Variable(np.ones(3, "float32"))
    optimizer = keras.optimizers.SGD(0.5)
    optimizer.build([a, b])
    # loss = sum(a · stop(a · b)): d/da = a · b, d/db = 0.
    update(lambda: (ops.sum(a * without_gradient(lambda: a * b)), {}), [a, b], optimizer)
    np.testing.assert_allclose(ops.convert_to_numpy(a), [0.5, 1.0, 1.5])
    np.testing.assert_allclose(ops.convert_to_numpy(b), [1.0, 1.0, 1.0])


@pytest.mark.skipif(BACKEND != "torch", reason="torch records an autograd graph unless told not to")
def test_without_gradient_records_no_autograd_graph_on_torch(digits16):
    import torch

    seen = []
    generator = kgan.networks.dcgan_generator(8, (16, 16, 1), base_filters=8)
    model = kgan.models.GAN(generator, kgan.networks.dcgan_discriminator((16, 16, 1), 8), 8)
    original = model.generate_for_batch

    def generate_for_batch(batch, noise, training=True):
        seen.append(torch.is_grad_enabled())
        return original(batch, noise, training)

    model.generate_for_batch = generate_for_batch
    model.compile()
    model.fit(digits16[0][:8], batch_size=8, epochs=1, verbose=0)
    assert seen == [False, True]  # the discriminator phase's forward, then the generator's


@pytest.mark.skipif(BACKEND != "jax", reason="only JAX checks it (see kgan.backend.gradients)")
def test_gradients_refuses_a_loss_that_assigns_a_differentiated_variable():
    kept = keras.Variable(np.ones(2, "float32"), name="kept")
    optimizer = keras.optimizers.SGD(0.5)
    optimizer.build([kept])

    def loss_fn():
        loss = ops.sum(kept * kept)
        kept.assign(kept * 10.0)  # the trace would drop this
        return loss, {}

    with pytest.raises(ValueError, match="must not assign.*variable='kept'"):
        update(loss_fn, [kept], optimizer)
    np.testing.assert_allclose(ops.convert_to_numpy(kept), [1.0, 1.0])


def _fit_one_step(model, data, batch_size):
    model.fit(data, batch_size=batch_size, epochs=1, steps_per_epoch=1, verbose=0, shuffle=False)


@pytest.mark.parametrize("frozen", ["generator", "discriminator"])
def test_each_phase_updates_only_its_network(frozen, ring_data):
    g, d = tiny_mlp_pair()
    model = kgan.models.GAN(g, d, latent_dim=4, seed=0)
    rates = {"generator": 1e-2, "discriminator": 1e-2, frozen: 0.0}
    model.compile(
        g_optimizer=keras.optimizers.SGD(rates["generator"]),
        d_optimizer=keras.optimizers.SGD(rates["discriminator"]),
    )
    g_before, d_before = weights_of(g.weights), weights_of(d.weights)
    _fit_one_step(model, ring_data, 64)
    g_changed = changed(g_before, weights_of(g.weights))
    d_changed = changed(d_before, weights_of(d.weights))
    if frozen == "generator":
        assert not any(g_changed) and all(d_changed)
    else:
        assert all(g_changed) and not any(d_changed)


def test_d_steps_counts_critic_updates(ring_data):
    g, d = tiny_mlp_pair()
    model = kgan.models.WGANGP(g, d, latent_dim=4, d_steps=5, seed=0)
    model.compile()
    model.fit(ring_data, batch_size=64, epochs=1, verbose=0)  # 4 steps
    assert int(ops.convert_to_numpy(model.d_optimizer.iterations)) == 20
    assert int(ops.convert_to_numpy(model.g_optimizer.iterations)) == 4
    assert int(ops.convert_to_numpy(model.optimizer.iterations)) == 4


def test_g_steps_counts_generator_updates_and_is_saved(ring_data):
    g, d = tiny_mlp_pair()
    model = kgan.models.GAN(g, d, latent_dim=4, g_steps=3, seed=0)
    model.compile()
    losses = []
    model.fit(ring_data, batch_size=64, epochs=1, verbose=0,  # 4 steps
              callbacks=[keras.callbacks.LambdaCallback(
                  on_train_batch_end=lambda batch, logs: losses.append(logs["g_loss"]))])
    assert int(ops.convert_to_numpy(model.g_optimizer.iterations)) == 12
    assert int(ops.convert_to_numpy(model.d_optimizer.iterations)) == 4
    assert int(ops.convert_to_numpy(model.optimizer.iterations)) == 4
    assert np.isfinite(losses).all()
    assert kgan.models.GAN.from_config(model.get_config()).g_steps == 3


def test_batchnorm_statistics_and_seed_advance_under_compiled_fit(digits16):
    x, _ = digits16
    g, d = tiny_dcgan_pair()
    model = kgan.models.GAN(g, d, latent_dim=8, seed=3)
    model.compile(jit_compile="auto")
    moving = [v for v in g.non_trainable_variables + d.non_trainable_variables
              if "moving" in v.path]
    assert moving, "the DCGAN networks have BatchNorm statistics"
    before = weights_of(moving)
    seed_before = weights_of([model.seed_generator.state])
    model.fit(x, batch_size=32, epochs=1, verbose=0)
    assert all(changed(before, weights_of(moving)))
    assert any(changed(seed_before, weights_of([model.seed_generator.state])))


def test_noise_differs_between_steps(ring_data):
    # A seed generator that did not advance would feed the same z every step.
    g, d = tiny_mlp_pair()
    model = kgan.models.GAN(g, d, latent_dim=4, seed=5)
    seen = []

    class Recorder(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            seen.append(weights_of([self.model.seed_generator.state])[0])

    model.compile()
    model.fit(ring_data, batch_size=64, epochs=1, verbose=0, callbacks=[Recorder()])
    assert len({s.tobytes() for s in seen}) == len(seen) == 4


def test_keras_roundtrip_restores_outputs_and_optimizer_state(tmp_path, ring_data):
    g, d = tiny_mlp_pair()
    model = kgan.models.GAN(g, d, latent_dim=4, loss="hinge", seed=1)
    model.compile(
        g_optimizer=keras.optimizers.Adam(1e-3, beta_1=0.5),
        d_optimizer=keras.optimizers.Adam(2e-3, beta_1=0.0),
    )
    model.fit(ring_data, batch_size=64, epochs=2, verbose=0)
    path = str(tmp_path / "gan.keras")
    model.save(path)
    loaded = keras.saving.load_model(path)
    assert isinstance(loaded, kgan.models.GAN)
    assert loaded.loss_name == "hinge"
    np.testing.assert_allclose(loaded.generate(16, seed=0), model.generate(16, seed=0), atol=1e-6)
    for original, restored in ((model.g_optimizer, loaded.g_optimizer),
                               (model.d_optimizer, loaded.d_optimizer)):
        assert type(restored) is type(original)
        assert float(restored.learning_rate) == pytest.approx(float(original.learning_rate))
        assert len(restored.variables) == len(original.variables)
        for a, b in zip(weights_of(original.variables), weights_of(restored.variables)):
            np.testing.assert_array_equal(a, b)
    assert int(ops.convert_to_numpy(loaded.d_optimizer.iterations)) == 8
    assert loaded.get_compile_config() == model.get_compile_config()
    # Training resumes from the restored state.
    loaded.fit(ring_data, batch_size=64, epochs=1, verbose=0)
    assert int(ops.convert_to_numpy(loaded.g_optimizer.iterations)) == 12


def test_compile_rejects_single_optimizer_and_losses():
    g, d = tiny_mlp_pair()
    model = kgan.models.GAN(g, d, latent_dim=4)
    with pytest.raises(ValueError, match="g_optimizer and d_optimizer"):
        model.compile(optimizer="adam")
    with pytest.raises(ValueError, match="losses are part of the model"):
        model.compile(loss="mse")
    shared = keras.optimizers.Adam()
    with pytest.raises(ValueError, match="two distinct optimizer"):
        model.compile(g_optimizer=shared, d_optimizer=shared)


def test_fit_before_compile_is_a_clear_error(ring_data):
    g, d = tiny_mlp_pair()
    model = kgan.models.GAN(g, d, latent_dim=4)
    with pytest.raises(ValueError, match="compile"):
        model.fit(ring_data)


@pytest.mark.skipif(jit_compiles_input_gradients(), reason="this backend compiles them")
def test_jit_compile_with_penalty_is_refused_where_the_backend_cannot():
    g, d = tiny_mlp_pair()
    model = kgan.models.WGANGP(g, d, latent_dim=4)
    with pytest.raises(ValueError, match="double backward"):
        model.compile(jit_compile=True)


@pytest.mark.skipif(not jit_compiles_input_gradients(), reason="torch.compile: no double backward")
def test_jit_compile_with_penalty_trains_where_the_backend_can(ring_data):
    g, d = tiny_mlp_pair()
    model = kgan.models.WGANGP(g, d, latent_dim=4, seed=0)
    model.compile(jit_compile=True)
    before = weights_of(model.discriminator.weights)
    model.fit(ring_data[:64], batch_size=32, epochs=1, verbose=0)
    assert int(ops.convert_to_numpy(model.optimizer.iterations)) == 2
    assert any(changed(before, weights_of(model.discriminator.weights)))


@pytest.mark.skipif(BACKEND == "torch", reason="Keras' torch trainer requires steps_per_execution=1")
def test_steps_per_execution_runs_every_step(ring_data):
    g, d = tiny_mlp_pair()
    model = kgan.models.GAN(g, d, latent_dim=4, seed=0)
    model.compile(steps_per_execution=2)
    model.fit(ring_data, batch_size=32, epochs=1, verbose=0)  # 8 steps in 4 calls
    assert int(ops.convert_to_numpy(model.d_optimizer.iterations)) == 8
    assert int(ops.convert_to_numpy(model.g_optimizer.iterations)) == 8
