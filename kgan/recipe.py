"""What every recipe script shares: defaults in one dict, `--set key=value` overrides.

A recipe (`recipes/<model>_<data>.py`) defines `CONFIG` (every default, in one
place) and `run(config) -> dict` (trains, writes its files under
`config["out_dir"]`, returns the figures it measured), and ends with
`if __name__ == "__main__": kgan.recipe.main(CONFIG, run)`.
"""

import argparse
import json


def _coerce(key, text, default):
    if isinstance(default, bool):
        if text.lower() in ("1", "true", "yes"):
            return True
        if text.lower() in ("0", "false", "no"):
            return False
        raise ValueError(f"{key} must be true or false. Received: {text!r}")
    if default is None:
        return json.loads(text) if text[:1] in "[{0123456789-" else text
    if isinstance(default, (list, tuple)):
        value = json.loads(text)
        if not isinstance(value, list):
            raise ValueError(f"{key} must be a JSON list. Received: {text!r}")
        return type(default)(value)
    try:
        return type(default)(text)
    except ValueError as error:
        raise ValueError(f"{key} must be a {type(default).__name__}. Received: {text!r}") from error


def with_overrides(defaults, overrides):
    """Returns a copy of `defaults` with `overrides` (`["key=value", ...]`) applied.

    Values are parsed to the type of the default. Unknown keys raise a
    `ValueError` that lists the valid ones.
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
    return config


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
    print(json.dumps(result, indent=2, sort_keys=True))
    return result


def save_and_summarize(model, history, train_seconds, out_dir):
    """Saves `out_dir/model.keras`; returns the summary every recipe reports.

    Returns:
        dict with `backend`, `train_seconds`, `final_losses` (the last epoch's
        logs) and `model_path`.
    """
    import os

    import keras

    os.makedirs(out_dir, exist_ok=True)
    model_path = os.path.join(out_dir, "model.keras")
    model.save(model_path)
    return {
        "backend": keras.backend.backend(),
        "train_seconds": round(train_seconds, 1),
        "final_losses": {name: round(float(v[-1]), 4) for name, v in history.history.items()},
        "model_path": model_path,
    }
