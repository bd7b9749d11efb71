"""The contract every kgan model meets, checked once per case by one function.

A model's test file states its cases (constructor and data) and calls
`check_model_contract`; the checks themselves live only here.
"""

import keras
import numpy as np

import kgan
from tests.conftest import weights_of


def output_bias(model):
    """`[bias]` of the discriminator's last layer that has one (its logit's)."""
    for layer in reversed(model.discriminator.layers):
        biases = [w for w in layer.trainable_weights if w.name == "bias"]
        if biases:
            return biases[-1:]
    return []


# `unchanged` for a critic trained on D(x) − D(G(z)) only (Wasserstein,
# relativistic, with penalties on ∇D): the gradient w.r.t. its output bias is 0.
SHIFT_INVARIANT_CRITIC = {
    "the critic's loss depends on differences of its outputs and on its input gradients "
    "only, so the gradient with respect to its output bias is exactly 0": output_bias,
}
# `unchanged` for the hinge loss: while every hinge is active (|D| < 1, as at
# the start) its gradient with respect to D's output bias is −1 + 1 = 0.
ACTIVE_HINGE = {
    "while every hinge is active (|D| < 1, as at the start) the gradient of the hinge "
    "loss with respect to D's output bias is −1 + 1 = 0": output_bias,
}


def check_model_contract(model, x, y=None, tmp_path=None, sample=None, batch_size=32, atol=1e-5,
                         unchanged=None):
    """Trains `model` one epoch, checks its first step, then logs, config and `.keras` round-trips.

    The first step (see `check_first_step`) must change every variable the
    model's optimizers train and change its frozen state only as it should.

    Args:
        model: an uncompiled or compiled kgan model (compiled with defaults if not).
        x, y: numpy training data for `fit` (y may be None; x may be a list of arrays).
        tmp_path: a directory for the `.keras` file (pytest's `tmp_path`).
        sample: function `model -> np.ndarray`, deterministic outputs compared
            before and after the `.keras` round-trip; default `model.generate(6, seed=0)`.
        batch_size: int, fit batch size.
        atol: float, tolerance of the round-trip comparison.
        unchanged: dict or None, `{reason: function model -> variables}`: the
            trained variables that one step leaves as they were by construction
            (e.g. a bias whose gradient is exactly 0), each group with the
            reason; they must then stay unchanged.

    Returns:
        The loaded model, for further checks.
    """
    sample = sample or (lambda m: m.generate(6, seed=0))
    if not model.compiled:
        model.compile()
    first_step = FirstStep()
    history = model.fit(x, y, batch_size=batch_size, epochs=1, verbose=0, callbacks=[first_step])
    for name in model.log_names:
        assert np.isfinite(history.history[name][-1]), f"{name} is not finite"
    num_samples = len(x[0] if isinstance(x, (list, tuple)) else x)
    check_first_step(model, first_step, min(batch_size, num_samples), unchanged)

    config = model.get_config()
    assert type(model).from_config(config).get_config() == config

    path = str(tmp_path / f"{model.name}.keras")
    model.save(path)
    loaded = keras.saving.load_model(path)
    assert type(loaded) is type(model)
    assert loaded.compiled
    np.testing.assert_allclose(sample(loaded), sample(model), atol=atol)
    assert int(loaded.optimizer.iterations.numpy()) == int(model.optimizer.iterations.numpy())
    return loaded


class FirstStep(keras.callbacks.Callback):
    """Records every model variable before and after the first train step of a `fit`.

    `before` and `after` map `id(variable)` to a numpy copy; `steps` is how
    many train steps the first batch-end covered (1 unless `steps_per_execution`).
    """

    def on_train_begin(self, logs=None):
        self.variables = self.model.variables
        self.before = dict(zip(map(id, self.variables), weights_of(self.variables)))
        self.start = int(keras.ops.convert_to_numpy(self.model.optimizer.iterations))
        self.after = None

    def on_train_batch_end(self, batch, logs=None):
        if self.after is None:  # `self.model` syncs JAX's state into the variables
            model = self.model
            self.after = dict(zip(map(id, self.variables), weights_of(self.variables)))
            self.steps = int(keras.ops.convert_to_numpy(model.optimizer.iterations)) - self.start


def _owners(model):
    """`{id(variable): name}`: the model's sub-network (attribute name) that
    holds each weight, one level deeper where it nests a network
    (`"generator/mapping"`)."""
    owners = {}
    attributes = {**vars(model), **vars(model).get("_modules", {})}  # torch keeps modules apart
    for attribute, network in attributes.items():
        if attribute.startswith("_") or not isinstance(network, keras.Model):
            continue
        for weight in network.weights:
            owners.setdefault(id(weight), attribute)
        for layer in network.layers:
            if isinstance(layer, keras.Model):
                for weight in layer.weights:
                    if owners[id(weight)] == attribute:
                        owners[id(weight)] = f"{attribute}/{layer.name}"
    return owners


def _frozen_layers(layer):
    for child in layer._layers:
        if not child.trainable:
            yield child
        else:
            yield from _frozen_layers(child)


def _grouped(names):
    """`["generator/mapping: dense/kernel", ...]` → `{"generator/mapping": [...]}` as text."""
    groups = {}
    for name in names:
        network, _, path = name.partition(": ")
        groups.setdefault(network, []).append(path)
    return "; ".join(f"{network}: {paths}" for network, paths in groups.items())


def check_first_step(model, first_step, batch_size, unchanged=None):
    """Asserts what one train step did to the model's variables.

    - Every variable in `generator_variables` or `discriminator_variables`
      changed (a network that is not updated fails), except those matched by
      `unchanged` (`{reason: function model -> variables}`), which must not change.
    - Every trainable variable of the model is in one of those lists (a
      network no optimizer updates fails).
    - `generator_ema` moved by the EMA formula `ema ← w + decay·(ema − w)` for
      trainable weights and copies the rest; other frozen layers
      (`trainable=False`, e.g. SRGAN's content network) did not change.
    - GAN's historical averages moved to the running mean; CycleGAN's history
      pools stored the new translations in their free slots only.

    Args:
        model: the kgan model after `fit` with the `FirstStep` callback.
        first_step: that `FirstStep`.
        batch_size: int, the size of the first batch.
        unchanged: dict or None, see `check_model_contract`.
    """
    assert first_step.after is not None and first_step.steps == 1, (
        f"The first-step check needs one train step per batch. Received: {first_step.steps} steps"
    )
    before, after = first_step.before, first_step.after
    owners = _owners(model)

    def name(variable):
        return f"{owners.get(id(variable), model.name)}: {variable.path}"

    def moved(variable):
        return not np.array_equal(before[id(variable)], after[id(variable)])

    unchanged = unchanged or {}
    trained = model.generator_variables + model.discriminator_variables
    exempt = {id(v) for variables in unchanged.values() for v in variables(model)}
    assert exempt <= set(map(id, trained)), "unchanged must name trained variables only"
    still = [name(v) for v in trained if id(v) not in exempt and not moved(v)]
    assert not still, f"One train step did not change these trained variables: {_grouped(still)}"
    stale = [name(v) for v in trained if id(v) in exempt and moved(v)]
    assert not stale, f"Variables declared unchanged ({list(unchanged)}) changed: {_grouped(stale)}"
    ids = set(map(id, trained))
    untrained = [name(v) for v in model.trainable_variables if id(v) not in ids]
    assert not untrained, (
        f"These trainable variables are in neither generator_variables nor "
        f"discriminator_variables, so no optimizer trains them: {_grouped(untrained)}"
    )

    ema = model.generator_ema
    ema_ids = set() if ema is None else set(map(id, ema.weights))
    if ema is not None:
        if model.ema_decay is not None:
            decay = model.ema_decay
        else:
            decay = 0.5 ** (batch_size / model.ema_half_life_images)
        for average, weight in zip(ema.weights, model.generator.weights):
            w = after[id(weight)]
            expected = w + decay * (before[id(average)] - w) if weight.trainable else w
            np.testing.assert_allclose(
                after[id(average)], expected, rtol=1e-5, atol=1e-6,
                err_msg=f"generator_ema's {average.path} is not the EMA of {weight.path}",
            )
    frozen = [w for layer in _frozen_layers(model) for w in layer.weights if id(w) not in ema_ids]
    thawed = [name(w) for w in frozen if moved(w)]
    assert not thawed, f"One train step changed these frozen weights: {_grouped(thawed)}"

    if isinstance(model, kgan.models.GAN) and model.historical_averaging:
        count = after[id(model.historical_count)]
        assert count == before[id(model.historical_count)] + 1
        for average, variable in zip(model.discriminator_history + model.generator_history,
                                     model.discriminator_variables + model.generator_variables):
            old = before[id(average)]
            np.testing.assert_allclose(
                after[id(average)], old + (after[id(variable)] - old) / count, rtol=1e-5,
                atol=1e-6, err_msg=f"{average.path} is not the running mean of {variable.path}",
            )
    if isinstance(model, kgan.models.CycleGAN) and model.pool_size:
        _check_pools(model, before, after, batch_size)


def _check_pools(model, before, after, batch_size):
    """The first `filled` slots of each pool hold images; a query fills the
    next free slots with its translations and leaves the empty ones zero."""
    start = int(before[id(model.pool_filled)])
    filled = int(after[id(model.pool_filled)])
    assert filled == min(start + model.d_steps * batch_size, model.pool_size), (
        f"pool_filled went from {start} to {filled} after {model.d_steps} queries of "
        f"{batch_size} images (pool_size={model.pool_size})"
    )
    for pool in (model.pool_a, model.pool_b):
        magnitude = np.abs(after[id(pool)]).reshape(model.pool_size, -1).sum(axis=1)
        assert np.all(magnitude[start:filled] > 0), f"{pool.path}: new slots left empty"
        assert np.all(magnitude[filled:] == 0), f"{pool.path}: slots beyond {filled} written"
