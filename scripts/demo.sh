#!/usr/bin/env bash
# The main job: trains the default recipe (DCGAN on the bundled digits), writes
# runs/dcgan_digits/samples.png and prints the quality figures.
# Backend: KERAS_BACKEND (default jax). Extra arguments go to the recipe, e.g.
#   bash scripts/demo.sh --set epochs=5
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
export TF_CPP_MIN_LOG_LEVEL=3 KERAS_BACKEND=${KERAS_BACKEND:-jax}
exec .venv/bin/python recipes/dcgan_digits.py "$@"
