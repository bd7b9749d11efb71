#!/usr/bin/env bash
# The test suite: lint (including the rule that only kgan/backend/ imports
# tensorflow, jax or torch), the fast tests once per backend, then the
# cross-backend parity tests once. Slow quality checks live in benchmarks/.
# Two pytest workers per backend (pytest-xdist; idle workers take tests from busy ones): most
# of a backend's time is single-threaded compilation (JAX jit, tf.function).
# The 15 slowest tests of each backend are listed, to see where the time goes.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh || exit 1
export TF_CPP_MIN_LOG_LEVEL=3
# JAX compiles with XLA's LLVM optimisation off and XLA:CPU's older loop emitters instead of its
# MLIR fusion emitters: it compiles hundreds of small programs per run, and the steps run once or
# twice. Level 0: a StyleGAN2 recipe smoke run 120 s -> 69 s, the JAX suite 18:37 -> 13:14-15:23
# on 2 cores. The older emitters on top halve XLA's compile time again (test_models.py and
# test_stylegan.py, one process: 138 s -> 92 s). Same numerics; steps run 2-6x slower (level 0).
# Set for JAX's part and the cross-backend part (their JAX subprocesses); TensorFlow gained
# nothing from level 0 (8:55 with, 8:30 without). A caller's XLA_FLAGS are used as given.
fast_compile="${XLA_FLAGS:---xla_backend_optimization_level=0 --xla_llvm_disable_expensive_passes=true --xla_cpu_use_fusion_emitters=false}"
# JAX's persistent compilation cache (KGAN_COMPILE_CACHE), empty at the start of every run: many
# tests compile the same programs (a weight initialiser at a shape, the same network's step), in
# two xdist workers and their subprocesses; a program one compiled, the others load.
# The NVlabs tests: 3:02 -> 2:34. A caller's KGAN_COMPILE_CACHE is used as given.
compile_cache="${KGAN_COMPILE_CACHE:-$(mktemp -d)}"
[ -z "${KGAN_COMPILE_CACHE:-}" ] && trap 'rm -rf "$compile_cache"' EXIT
status=0
echo "== ruff"
.venv/bin/ruff check kgan tests recipes benchmarks || status=1
for backend in tensorflow jax torch; do
  echo "== pytest, KERAS_BACKEND=$backend"
  xla_flags="${XLA_FLAGS:-}"
  [ "$backend" = jax ] && xla_flags="$fast_compile"
  XLA_FLAGS="$xla_flags" KGAN_COMPILE_CACHE="$compile_cache" KERAS_BACKEND=$backend \
    .venv/bin/python -m pytest -q -n 2 --dist worksteal \
    --durations=15 -m "not slow and not cross_backend" "$@" || status=1
done
echo "== pytest, cross-backend parity"
XLA_FLAGS="$fast_compile" KGAN_COMPILE_CACHE="$compile_cache" KERAS_BACKEND=jax .venv/bin/python -m pytest -q -n 2 \
  --dist worksteal -m cross_backend "$@" || status=1
exit $status
