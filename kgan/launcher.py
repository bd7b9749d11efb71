"""`launch`: one command as N local processes of a multi-process run (`kgan train
--workers N`, the tests).

Each process gets the environment `kgan.backend.initialize_processes` reads on
its backend, on a free loopback port (torch: `MASTER_ADDR`, `MASTER_PORT`,
`RANK`, `WORLD_SIZE`, `LOCAL_RANK`, as `torchrun` sets them; JAX: Keras'
`KERAS_DISTRIBUTION_JOB_ADDRESSES`, `KERAS_DISTRIBUTION_NUM_PROCESSES`,
`KERAS_DISTRIBUTION_PROCESS_ID`, the coordinator on rank 0; TensorFlow:
`TF_CONFIG`, a cluster of `worker` tasks, each on its own port, this process's
task `{"type": "worker", "index": rank}`). The chief's
(rank 0's) output streams to this process's; another rank's output goes to a
temporary file, shown when that rank fails. When a process exits with an
error, the others are ended (SIGTERM, SIGKILL after `STOP_GRACE_SECONDS`) and
`launch` returns non-zero after naming the failed rank.
"""

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time

# Backends on which kgan sets up multi-process training (kgan.backend.initialize_processes).
MULTI_PROCESS_BACKENDS = ("torch", "jax", "tensorflow")
# How long the other processes get to stop after one failed, before SIGKILL.
STOP_GRACE_SECONDS = 5
_POLL_SECONDS = 0.2


def _free_loopback_ports(count):
    """`count` distinct free loopback ports (all probes open at once, so none repeats)."""
    probes = [socket.socket(socket.AF_INET, socket.SOCK_STREAM) for _ in range(count)]
    try:
        for probe in probes:
            probe.bind(("127.0.0.1", 0))
        return [probe.getsockname()[1] for probe in probes]
    finally:
        for probe in probes:
            probe.close()


def worker_environment(backend, rank, workers, ports):
    """The environment of process `rank` of `workers` (int ≥ 2) on `backend`;
    `ports`: one free loopback port a process (TensorFlow's workers each serve
    one; torch and JAX use the first, rank 0's rendezvous)."""
    if backend not in MULTI_PROCESS_BACKENDS:
        raise ValueError(
            f"backend must be one of {MULTI_PROCESS_BACKENDS} for multi-process training. "
            f"Received: backend={backend!r}"
        )
    port = ports[0]
    if backend == "tensorflow":
        cluster = {"worker": [f"127.0.0.1:{p}" for p in ports]}
        return {
            **os.environ,
            "KERAS_BACKEND": backend,
            "TF_CONFIG": json.dumps({"cluster": cluster,
                                     "task": {"type": "worker", "index": rank}}),
        }
    if backend == "jax":
        return {
            **os.environ,
            "KERAS_BACKEND": backend,
            "KERAS_DISTRIBUTION_JOB_ADDRESSES": f"127.0.0.1:{port}",
            "KERAS_DISTRIBUTION_NUM_PROCESSES": str(workers),
            "KERAS_DISTRIBUTION_PROCESS_ID": str(rank),
        }
    return {
        **os.environ,
        "KERAS_BACKEND": backend,
        "MASTER_ADDR": "127.0.0.1",
        "MASTER_PORT": str(port),
        "RANK": str(rank),
        "LOCAL_RANK": str(rank),
        "WORLD_SIZE": str(workers),
    }


def _stop(processes):
    for process in processes:
        if process.poll() is None:
            process.terminate()
    deadline = time.monotonic() + STOP_GRACE_SECONDS
    for process in processes:
        try:
            process.wait(max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _tail(log, limit=3000):
    log.seek(0)
    return log.read()[-limit:]


def launch(command, backend, workers):
    """Runs `command` (an argv list) as `workers` processes of one run; returns its exit code.

    Prints `kgan: worker rank R of N started (pid P)` to stderr for each process.

    Args:
        command: argv list, the same for every process.
        backend: the Keras backend, one of `MULTI_PROCESS_BACKENDS`.
        workers: int ≥ 2, the number of processes.

    Returns:
        0 when every process exits with 0; otherwise the first failed process's
        exit code (1 for a process a signal ended), after ending the others
        within `STOP_GRACE_SECONDS` of noticing the failure. Call it from the
        main thread (it handles SIGTERM by ending the workers).
    """
    if workers < 2:
        raise ValueError(f"workers must be an integer ≥ 2. Received: workers={workers}")
    ports = _free_loopback_ports(workers)
    processes, logs = [], []
    # SIGTERM (a scheduler's, `timeout`'s) ends the workers too, through `finally`.
    previous = signal.signal(signal.SIGTERM, _exit_on_sigterm)
    try:
        for rank in range(workers):
            log = None if rank == 0 else tempfile.TemporaryFile("w+")
            logs.append(log)
            processes.append(subprocess.Popen(
                command, env=worker_environment(backend, rank, workers, ports),
                stdout=log, stderr=subprocess.STDOUT if log else None, text=True,
            ))
            print(f"kgan: worker rank {rank} of {workers} started (pid {processes[-1].pid})",
                  file=sys.stderr, flush=True)
        while True:
            codes = [process.poll() for process in processes]
            failed = next((r for r, code in enumerate(codes) if code not in (None, 0)), None)
            if failed is not None:
                _stop(processes)
                output = "" if logs[failed] is None else _tail(logs[failed])
                print(f"{output}\nkgan: worker rank {failed} of {workers} failed with exit code "
                      f"{codes[failed]}; ended the other workers.", file=sys.stderr)
                return codes[failed] if codes[failed] > 0 else 1
            if all(code == 0 for code in codes):
                return 0
            time.sleep(_POLL_SECONDS)
    finally:
        _stop(processes)
        for log in logs:
            if log is not None:
                log.close()
        signal.signal(signal.SIGTERM, previous)


def _exit_on_sigterm(signum, frame):
    raise SystemExit(128 + signum)
