#!/usr/bin/env bash
# The GPU speed table of issue 27: images/s of DCGAN 64x64, StyleGAN2 (stylegan2-ada's --cfg=auto
# at 256x256, batch 16) and the FID Inception network, per backend, in float32 and mixed
# precision, beside NVlabs' own StyleGAN2 loop and pytorch-fid on the same device and the
# published anchor. Each runner (NVlabs/pytorch-fid, then kgan on jax, torch, tensorflow) is its
# own process with its own time limit, a fair share of what is left of TOTAL_SECONDS (default
# 450, under 8 minutes with the table), so one failing or slow backend does not lose the table.
#
#   bash benchmarks/gpu.sh            # on the GPU machine (benchmarks/README.md: what to carry)
#   bash benchmarks/gpu.sh --smoke    # the whole thing at tiny size on the CPU (a test runs it)
#
# Environment: PYTHON (default .venv/bin/python, else python3); NVLABS_STYLEGAN2_ADA (default: the
# first of .nvlabs_ref and /work/ref holding training/loss.py; none: the NVlabs column reads "not
# available"); TOTAL_SECONDS; RESULTS (the JSON-lines file of the cells, default a temporary file).
set -uo pipefail
cd "$(dirname "$0")/.."
smoke=0
[ "${1:-}" = --smoke ] && smoke=1
if [ -z "${PYTHON:-}" ]; then
  PYTHON=python3
  [ -x .venv/bin/python ] && PYTHON=.venv/bin/python
fi
# Wheels carried to a machine without keras (benchmarks/README.md says which).
if ! "$PYTHON" -c "import keras" 2>/dev/null && ls .whl/*.whl >/dev/null 2>&1; then
  "$PYTHON" -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade \
    --target /tmp/kgan_site .whl/*.whl && export PYTHONPATH="/tmp/kgan_site${PYTHONPATH:+:$PYTHONPATH}"
fi
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}" TF_CPP_MIN_LOG_LEVEL=3 PYTHONUNBUFFERED=1
export TORCH_EXTENSIONS_DIR="${TORCH_EXTENSIONS_DIR:-/tmp/torch_extensions}"  # NVlabs' CUDA ops
reference="${NVLABS_STYLEGAN2_ADA:-}"
if [ -z "$reference" ]; then
  for candidate in .nvlabs_ref /work/ref; do
    [ -f "$candidate/training/loss.py" ] && reference=$candidate && break
  done
fi
results="${RESULTS:-$(mktemp /tmp/gpu_cells.XXXXXX)}"
if [ $smoke = 1 ]; then
  total=${TOTAL_SECONDS:-300}
  cell_args=(--config smoke --iterations 4 --measure-seconds 0)
  export CUDA_VISIBLE_DEVICES="" OMP_NUM_THREADS=1
  export XLA_FLAGS="${XLA_FLAGS:---xla_backend_optimization_level=0 --xla_llvm_disable_expensive_passes=true}"
else
  total=${TOTAL_SECONDS:-450}
  cell_args=(--config auto256 --iterations 16 --measure-seconds 6)
fi
start=$SECONDS
runners=(nvlabs jax torch tensorflow)
for index in "${!runners[@]}"; do
  runner=${runners[$index]}
  left=$(( total - (SECONDS - start) ))
  limit=$(( left / (${#runners[@]} - index) ))
  if [ $limit -lt 10 ]; then
    echo "{\"runner\": \"$runner\", \"error\": \"skipped: out of time\"}" >>"$results"
    continue
  fi
  if [ $runner = nvlabs ]; then
    command=(env KERAS_BACKEND=torch "$PYTHON" benchmarks/throughput.py --runner nvlabs
             --reference "${reference:-not-found}")
  else
    command=(env KERAS_BACKEND=$runner "$PYTHON" benchmarks/throughput.py --runner kgan)
  fi
  echo "== $runner (limit ${limit} s)"
  log=$(mktemp /tmp/gpu_log.XXXXXX)
  timeout -k 10 $limit "${command[@]}" "${cell_args[@]}" --results "$results" \
    --deadline $(( limit * 3 / 4 )) 2>"$log"
  status=$?
  if [ $status = 124 ] || [ $status = 137 ]; then
    echo "{\"runner\": \"$runner\", \"error\": \"timeout after $limit s\"}" >>"$results"
  elif [ $status != 0 ]; then
    last=$(grep -v '^\s*$' "$log" | tail -n 1 | tr -cd '[:print:]' | tr -d '"\\' | cut -c1-200)
    echo "{\"runner\": \"$runner\", \"error\": \"exit $status: $last\"}" >>"$results"
  fi
  rm -f "$log"
done
"$PYTHON" benchmarks/throughput.py --table "$results"
echo "total $(( SECONDS - start )) s; cells in $results"
