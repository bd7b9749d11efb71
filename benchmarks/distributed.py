"""Steps/s of the same WGAN-GP on 1 and on 4 virtual CPU devices (JAX, TensorFlow)
and in 1 and 2 processes (torch, JAX, TensorFlow).

Runs tests/distributed_run.py once per setting (JAX `keras.distribution.DataParallel`,
TF `MirroredStrategy`; 2 processes on loopback: torch.distributed over gloo, a
JAX multi-controller run of 2 × 4 virtual CPU devices over gloo, and a TF
`MultiWorkerMirroredStrategy` of 2 workers, ring all-reduce over gRPC); also
prints the largest weight difference between the two runs. Virtual CPU devices and the processes
share the machine's cores, so this measures the overhead of the distribution
machinery, not a speed-up.

    python benchmarks/distributed.py [--steps 64] [--batch 256]
"""

import argparse
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=64)
    parser.add_argument("--batch", type=int, default=256)
    args = parser.parse_args()
    print(f"{'run':<24}{'one':>12}{'distributed':>14}{'max |Δw|':>12}")
    runs = (("jax", "4 devices", []), ("tensorflow", "4 devices", []),
            ("torch", "2 processes", ["--processes", "2"]),
            ("jax", "2 processes", ["--processes", "2"]),
            ("tensorflow", "2 processes", ["--processes", "2"]))
    for backend, label, extra in runs:
        env = dict(os.environ, KERAS_BACKEND=backend, TF_CPP_MIN_LOG_LEVEL="3")
        run = subprocess.run(
            [sys.executable, os.path.join(ROOT, "tests", "distributed_run.py"),
             "--steps", str(args.steps), "--batch", str(args.batch), *extra],
            env=env, capture_output=True, text=True, check=True,
        )
        result = json.loads(run.stdout.strip().splitlines()[-1])
        print(
            f"{backend + ', ' + label:<24}{result['single_steps_per_second']:>10.1f}/s"
            f"{result['distributed_steps_per_second']:>12.1f}/s"
            f"{result['max_weight_difference']:>12.1e}"
        )


if __name__ == "__main__":
    main()
