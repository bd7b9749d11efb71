#!/usr/bin/env bash
# The main job: trains the default recipe (DCGAN on the bundled MNIST digits), writes
# runs/dcgan_mnist/samples.png and prints the quality figures.
# Backend: KERAS_BACKEND (default jax). Extra arguments go to `kgan train`, e.g.
#   bash scripts/demo.sh --set epochs=5
#   bash scripts/demo.sh --verbose      # also TensorFlow's C++ log lines
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
export KERAS_BACKEND=${KERAS_BACKEND:-jax}
exec .venv/bin/kgan train dcgan_mnist "$@"
