"""Exports a `.keras` model as a SavedModel under the TensorFlow backend.

`kgan.export.export_saved_model` runs it in a subprocess from the torch
backend, which cannot write SavedModels:

    KERAS_BACKEND=tensorflow python -m kgan.export.reexport MODEL.keras OUT_DIR '{"signatures": [...]}'
"""

import json
import sys

import keras

from kgan.export.saved_model import export_saved_model
from kgan.saving import load_model


def main(keras_path, path, options):
    if keras.backend.backend() != "tensorflow":
        raise SystemExit(
            "kgan.export.reexport runs with KERAS_BACKEND=tensorflow. "
            f"Received: KERAS_BACKEND={keras.backend.backend()!r}"
        )
    model = load_model(keras_path, compile=False)
    export_saved_model(model, path, **json.loads(options))


if __name__ == "__main__":
    main(*sys.argv[1:])
