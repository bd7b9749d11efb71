"""What every recipe script shares: defaults in one dict, `--set key=value` overrides,
discovery, the summary and the loss-curve figure.

A recipe (`recipes/<model>_<data>.py`) has a module docstring whose first line
describes it in one sentence, and defines `CONFIG` (every default, in one
place), `SMOKE` (overrides that make it run in seconds on tiny data; a test runs
every recipe's `SMOKE` on every backend) and `run(config) -> dict` (trains,
writes its files under `config["out_dir"]`, returns the figures it measured).
It ends with `if __name__ == "__main__": kgan.recipe.main(CONFIG, run,
description=__doc__)`.

Recipes live in the repository's `recipes/` folder; `find_recipes()` looks in
`$KGAN_RECIPES` if set, else in the `recipes/` folder beside the installed
`kgan` package (a source checkout or an editable install). A wheel does not
carry them: point `KGAN_RECIPES` at a checkout's `recipes/` folder.
"""

import argparse
import ast
import importlib.util
import json
import math
import os
import tempfile

from kgan.utils.validation import check_int

# Config keys that recipes share and that count something, with their least
# value, checked before a run starts (None, where a recipe defaults to it, passes).
# num_eval_samples: kgan.metrics.digits.MIN_SAMPLES, the digits metrics' least.
MINIMUMS = {"epochs": 1, "steps": 1, "batch_size": 1, "num_eval_samples": 10}


def _invalid(key, text, expectation):
    return ValueError(f"{key} must be {expectation}. Received: {key}={text!r}")


def _parse_json(key, text, expectation):
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        raise _invalid(key, text, expectation) from None


def _coerce(key, text, default):
    if isinstance(default, bool):
        if text.lower() in ("1", "true", "yes"):
            return True
        if text.lower() in ("0", "false", "no"):
            return False
        raise _invalid(key, text, "true or false")
    if default is None:
        if text and text[0] in "[{0123456789-":
            return _parse_json(key, text, "a number or JSON, or text not starting with one")
        return text
    if isinstance(default, (list, tuple)):
        value = _parse_json(key, text, "a JSON list")
        if not isinstance(value, list):
            raise _invalid(key, text, "a JSON list")
        return type(default)(value)
    if isinstance(default, int):
        try:
            return int(text)
        except ValueError:
            raise _invalid(key, text, "an integer") from None
    if isinstance(default, float):
        try:
            value = float(text)
        except ValueError:
            value = math.nan
        if not math.isfinite(value):
            raise _invalid(key, text, "a finite number")
        return value
    return type(default)(text)


def with_overrides(defaults, overrides):
    """Returns a copy of `defaults` with `overrides` (`["key=value", ...]`) applied.

    Values are parsed to the type of the default. Unknown keys, values that
    do not parse, and counts below their least value (`MINIMUMS`: `epochs`,
    `steps`, `batch_size` ≥ 1, `num_eval_samples` ≥ 10) raise a `ValueError`
    before any work.
    """
    config = dict(defaults)
    for item in overrides:
        key, sep, text = item.partition("=")
        if not sep:
            raise ValueError(f"Overrides are key=value. Received: {item!r}")
        if key not in defaults:
            raise ValueError(
                f"Unknown config key {key!r}. Valid keys: {', '.join(sorted(defaults))}"
            )
        config[key] = _coerce(key, text, defaults[key])
    for key, minimum in MINIMUMS.items():
        if config.get(key) is not None:
            check_int(config[key], key, minimum)
    return config


def recipe_defaults(recipe, smoke=False):
    """A recipe module's defaults: its `CONFIG`, with its `SMOKE` overrides when `smoke`.

    A smoke run writes to `<out_dir>/smoke` (unless `SMOKE` names its own
    `out_dir`), never over the files of a full run.
    """
    defaults = dict(recipe.CONFIG)
    if smoke:
        if "out_dir" in defaults:
            defaults["out_dir"] = os.path.join(defaults["out_dir"], "smoke")
        defaults.update(recipe.SMOKE)
    return defaults


def main(defaults, run, argv=None, description=None):
    """Parses `--set key=value ...`, runs the recipe and prints its figures as JSON."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument(
        "--set",
        dest="overrides",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override a default; keys: " + ", ".join(sorted(defaults)),
    )
    args = parser.parse_args(argv)
    try:
        config = with_overrides(defaults, args.overrides)
    except ValueError as error:
        parser.error(str(error))
    result = run(config)
    print(to_json(result))
    return result


def to_json(result):
    """A recipe's result as indented JSON (numpy scalars and arrays as numbers and lists)."""
    return json.dumps(result, indent=2, sort_keys=True,
                      default=lambda value: value.tolist() if hasattr(value, "tolist") else str(value))


def save_and_summarize(model, history, train_seconds, out_dir):
    """Saves `out_dir/model.keras` and `out_dir/loss_curves.png` (in a
    multi-process run, rank 0 only: `kgan.backend.is_chief`); returns the
    summary every recipe reports.

    Every process of a multi-process run saves the model, the others into a
    folder removed afterwards: saving can run collectives (on JAX, saving the
    compile config creates optimizer variables, placed on every process's
    devices), which hang unless every process runs them.

    Returns:
        dict with `backend`, `train_seconds`, `final_losses` (the last epoch's
        logs), `model_path` and `loss_curves_png`.
    """
    import keras

    from kgan.backend import is_chief

    model_path = os.path.join(out_dir, "model.keras")
    curves_path = os.path.join(out_dir, "loss_curves.png")
    if is_chief():
        os.makedirs(out_dir, exist_ok=True)
        model.save(model_path)
        save_loss_curves(history, curves_path)
    else:
        with tempfile.TemporaryDirectory() as scratch:
            model.save(os.path.join(scratch, "model.keras"))
    return {
        "backend": keras.backend.backend(),
        "train_seconds": round(train_seconds, 1),
        "final_losses": {name: round(float(v[-1]), 4) for name, v in history.history.items()},
        "model_path": model_path,
        "loss_curves_png": curves_path,
    }


def decay_schedule(config):
    """Checks a recipe's schedule keys (`epochs`, `decay_epochs` and, where a
    translation recipe has `load_size`, that its `image_size` crops fit in
    `load_size` images) and returns its callbacks: the learning rates constant for
    `epochs − decay_epochs` epochs, then decayed linearly to zero
    (`kgan.callbacks.LinearLearningRateDecay`; none if `decay_epochs` is 0).
    """
    from kgan.callbacks import LinearLearningRateDecay

    if not 0 <= config["decay_epochs"] <= config["epochs"]:
        raise ValueError(
            f"decay_epochs must be in [0, epochs={config['epochs']}]. "
            f"Received: {config['decay_epochs']}"
        )
    if "load_size" in config and config["load_size"] < config["image_size"]:
        raise ValueError(
            f"load_size ({config['load_size']}) must be at least image_size "
            f"({config['image_size']}): training images are cropped from it."
        )
    if not config["decay_epochs"]:
        return []
    return [LinearLearningRateDecay(config["epochs"] - config["decay_epochs"],
                                    config["decay_epochs"])]


def training_callbacks(config, grid_labels=None, evaluator=None, metrics=None):
    """The callbacks of an image recipe, from its config.

    Reads `checkpoint_dir` (None: none; else a `kgan.callbacks.Checkpoint`
    there, first, saving every epoch and restoring the newest checkpoint: the
    same command run again after a crash resumes; in a multi-process run every
    process restores from it, rank 0 alone writes it), `out_dir`,
    `grid_every_n_epochs` (a `kgan.callbacks.SampleGrid` into
    `out_dir/epochs`), `metrics_every_n_epochs` (0: none; else a
    `kgan.callbacks.MetricsCallback` on `num_eval_samples` samples, so FID-digits
    lands in the history and the loss curves) and `tensorboard_dir` (None: none;
    else Keras' `TensorBoard` callback, placed last so it logs the metrics too,
    and the sample grids as TensorBoard images).

    Args:
        config: the recipe's config dict.
        grid_labels: optional ints, the labels of a conditional model's grid
            (its length is the number of samples); default 64 samples.
        evaluator, metrics: optional, the `MetricsCallback`'s (default: the
            digits evaluator's FID-digits and KID-digits).
    """
    import keras

    from kgan.callbacks import Checkpoint, MetricsCallback, SampleGrid

    tensorboard_dir = config["tensorboard_dir"]
    callbacks = [Checkpoint(config["checkpoint_dir"])] if config["checkpoint_dir"] else []
    callbacks.append(SampleGrid(
        os.path.join(config["out_dir"], "epochs"),
        every_n_epochs=config["grid_every_n_epochs"],
        num_samples=64 if grid_labels is None else len(grid_labels),
        labels=grid_labels,
        tensorboard_dir=tensorboard_dir,
    ))
    if config["metrics_every_n_epochs"]:
        callbacks.append(MetricsCallback(every_n_epochs=config["metrics_every_n_epochs"],
                                         num_samples=config["num_eval_samples"],
                                         evaluator=evaluator, metrics=metrics))
    if tensorboard_dir:
        callbacks.append(keras.callbacks.TensorBoard(tensorboard_dir))
    return callbacks


def save_loss_curves(history, path, title=None):
    """Writes the per-epoch values of a `fit()` history as a PNG.

    Losses (`*_loss`) share the first panel; every other logged value (the
    discriminator's mean outputs, metrics from `kgan.callbacks.MetricsCallback`)
    gets its own. Values logged on only some epochs (a metric scored every k
    epochs) are drawn against their evaluation index.

    Args:
        history: `keras.callbacks.History` (what `fit()` returns) or a dict
            name → list of floats.
        path: output file (.png).
        title: optional figure title.
    """
    from matplotlib.ticker import MaxNLocator

    from kgan.callbacks.plots import _pyplot

    values = history if isinstance(history, dict) else history.history
    if not values:
        raise ValueError("The history is empty: train for at least one epoch first.")
    num_epochs = max(len(v) for v in values.values())
    losses = sorted(name for name in values if name.endswith("loss"))
    panels = ([losses] if losses else []) + [[n] for n in sorted(values) if n not in losses]
    plt = _pyplot()
    fig, axes = plt.subplots(1, len(panels), figsize=(3.2 * len(panels), 2.8), dpi=100,
                             squeeze=False)
    for ax, names in zip(axes[0], panels):
        for name in names:
            series = [float(v) for v in values[name]]
            x = range(1, len(series) + 1)
            ax.plot(x, series, marker="o" if len(series) < 20 else None, markersize=3, label=name)
        full = all(len(values[name]) == num_epochs for name in names)
        ax.set_xlabel("epoch" if full else "evaluation")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_title(", ".join(names) if len(names) == 1 else "losses", fontsize=9)
        if len(names) > 1:
            ax.legend(fontsize=7)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def recipes_dir():
    """The folder `find_recipes` searches: `$KGAN_RECIPES`, else the `recipes/`
    folder beside the `kgan` package (a source checkout or editable install)."""
    return os.environ.get("KGAN_RECIPES") or os.path.join(
        os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "recipes"
    )


def find_recipes(directory=None):
    """Returns `{name: path}` of every recipe (`*.py` not starting with `_`),
    sorted by name, in `directory` (default `recipes_dir()`)."""
    directory = directory or recipes_dir()
    if not os.path.isdir(directory):
        raise FileNotFoundError(
            f"No recipes folder at {directory!r}. Recipes ship with the kgan source "
            "repository, not the wheel: set KGAN_RECIPES to a checkout's recipes/ folder."
        )
    return {
        name[:-3]: os.path.join(directory, name)
        for name in sorted(os.listdir(directory))
        if name.endswith(".py") and not name.startswith("_")
    }


def describe_recipe(path):
    """The first line of a recipe's module docstring, read without importing it
    (importing would import Keras and fix the backend)."""
    with open(path, encoding="utf-8") as file:
        docstring = ast.get_docstring(ast.parse(file.read(), filename=path))
    return docstring.strip().splitlines()[0] if docstring else ""


def load_recipe(name, directory=None):
    """Imports the recipe `name` (see `find_recipes`) and returns the module.

    Raises:
        ValueError: unknown name; the message lists the recipes there are.
    """
    recipes = find_recipes(directory)
    if name not in recipes:
        raise ValueError(
            f"Unknown recipe {name!r}. Valid recipes: {', '.join(recipes) or '(none)'}"
        )
    spec = importlib.util.spec_from_file_location(f"kgan_recipes.{name}", recipes[name])
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def save_classifier(model, test_x, test_y, train_seconds, out_path):
    """Scores a trained classifier on its test split and saves it to `out_path`
    without optimizer state (the metrics load it for inference only); returns the
    figures the classifier recipes report.

    Args:
        model: a trained `keras.Model` with a softmax output `(batch, classes)`.
        test_x, test_y: test images and int labels `(n,)`.
        train_seconds: float, the training's wall time.
        out_path: str, the `.keras` file to write.
    """
    import keras

    predicted = model.predict(test_x, batch_size=256, verbose=0).argmax(axis=1)
    os.makedirs(os.path.dirname(os.path.abspath(out_path)), exist_ok=True)
    keras.Model(model.inputs, model.outputs, name=model.name).save(out_path)
    return {
        "backend": keras.backend.backend(),
        "train_seconds": round(train_seconds, 1),
        "test_accuracy": float((predicted == test_y).mean()),
        "test_errors": int((predicted != test_y).sum()),
        "num_test": len(test_y),
        "parameters": model.count_params(),
        "model_path": out_path,
        "file_bytes": os.path.getsize(out_path),
    }
