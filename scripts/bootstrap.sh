#!/usr/bin/env bash
# Creates .venv at the repository root (reused when present) and installs kgan
# with every backend and the test tools. Re-installs when pyproject.toml changes.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  echo "[kgan] creating .venv"
  "$PYTHON" -m venv .venv
fi
stamp=.venv/.kgan-installed
want=$(sha256sum pyproject.toml | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "[kgan] installing dependencies into .venv (a few minutes the first time)"
  .venv/bin/python -m pip install --quiet --upgrade pip 2>&1 | grep -v "^WARNING: Location" || true
  # torch is pinned to 2.13.0 in pyproject.toml: an unpinned torch pulls a multi-GB CUDA build.
  .venv/bin/python -m pip install --quiet -e ".[dev]" 2>&1 | grep -v "^WARNING: Location" || true
  if ! out=$(TF_CPP_MIN_LOG_LEVEL=3 .venv/bin/python -c "import keras, tensorflow, jax, torch, kgan" 2>&1); then
    echo "$out"; echo "[kgan] the installation does not import"; exit 1
  fi
  echo "$want" > "$stamp"
fi
