"""The contract every kgan model meets, checked once per case by one function.

A model's test file states its cases (constructor and data) and calls
`check_model_contract`; the checks themselves live only here.
"""

import keras
import numpy as np


def check_model_contract(model, x, y=None, tmp_path=None, sample=None, batch_size=32, atol=1e-5):
    """Trains `model` one epoch, then checks logs, config and `.keras` round-trips.

    Args:
        model: an uncompiled or compiled kgan model (compiled with defaults if not).
        x, y: numpy training data for `fit` (y may be None).
        tmp_path: a directory for the `.keras` file (pytest's `tmp_path`).
        sample: function `model -> np.ndarray`, deterministic outputs compared
            before and after the `.keras` round-trip; default `model.generate(6, seed=0)`.
        batch_size: int, fit batch size.
        atol: float, tolerance of the round-trip comparison.

    Returns:
        The loaded model, for further checks.
    """
    sample = sample or (lambda m: m.generate(6, seed=0))
    if not model.compiled:
        model.compile()
    history = model.fit(x, y, batch_size=batch_size, epochs=1, verbose=0)
    for name in model.log_names:
        assert np.isfinite(history.history[name][-1]), f"{name} is not finite"

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
