"""Per-step overhead of kgan's `fit()` against a hand-written native training loop.

For each Keras backend (one subprocess each: the backend is fixed per process)
and each case, this script trains the same networks two ways in ONE process:

- kgan: the kgan model trained by `model.fit(x, batch_size=..., epochs=1)`;
- native: the loop an expert writes for that backend around the IDENTICAL Keras
  networks (the same builder functions, the kgan model's initial weights copied
  in, the same batch, the same losses, the same optimizers: Adam(2e-4, β₁=0.5),
  one discriminator update then one generator update per batch):

  - jax: a `jax.jit`-compiled pure step (donated state) built from
    `model.stateless_call` and `optimizer.stateless_apply`, threading trainable
    and non-trainable variables (BatchNorm statistics) and optimizer variables,
    noise from `jax.random`;
  - tensorflow: a `tf.function` step with two `tf.GradientTape`s and
    `optimizer.apply_gradients`, compiled with XLA exactly when kgan's model
    resolved `jit_compile` to True (Keras' "auto" is False on a CPU-only host);
  - torch: an eager loop with `torch.autograd.grad` and `optimizer.apply`.

Losses: D = mean(softplus(-D(x))) + mean(softplus(D(G(z)))), G = mean(softplus(-D(G(z)))).

Cases:

- `dcgan`: `kgan.models.DCGAN(image_shape=(32, 32, 1), latent_dim=64,
  base_filters=32)`, non-saturating loss, on `kgan.data.load_digits(32)`,
  batch 64 (`--batch-size`).
- `ring8`: `kgan.models.GAN(mlp_generator(8, 2), mlp_discriminator(2),
  latent_dim=8)` on the ring8 mixture, batch 256 (`--mlp-batch-size`): tiny
  networks, where per-step overhead matters most.

After a warm-up round (compilation), each of `--rounds` rounds runs N steps of
kgan and N steps of native, alternating which goes first; a round's time covers
`fit()` (or the native loop) from the call until the last step's parameters are
ready, divided by N. The table reports the median per-step wall time over rounds
and the ratio kgan / native, and the same for process CPU time (steadier than
wall time on a shared host).

Each backend runs with `--threads` compute threads (default 1): on a small or
shared host, multi-threaded CPU kernels whose cores are taken spin at barriers
and time erratically (a 256×256 torch matmul measured 0.8 ms with one thread and
38 ms with two on a loaded 2-core host). `--threads 0` keeps library defaults.

Usage:
    python benchmarks/step_overhead.py
    python benchmarks/step_overhead.py --backends jax torch --steps 100 --rounds 5
    python benchmarks/step_overhead.py --threads 0 --verbose

This is the one place in the project where benchmark code imports tensorflow,
jax or torch directly.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

BACKENDS = ("jax", "tensorflow", "torch")
CASES = ("dcgan", "ring8")
_RESULT_TAG = "STEP_OVERHEAD_RESULT "


# ---------------------------------------------------------------- cases
def _build_case(case, steps, batch_size, seed):
    """Returns `(model, data, latent_dim, make_networks)` for a case.

    `make_networks()` builds a fresh (generator, discriminator) pair with the
    same builder functions the kgan model used.
    """
    import numpy as np

    import kgan

    if case == "dcgan":
        latent_dim, image_shape, base_filters = 64, (32, 32, 1), 32
        model = kgan.models.DCGAN(
            image_shape=image_shape,
            latent_dim=latent_dim,
            base_filters=base_filters,
            loss="non_saturating",
            seed=seed,
        )
        images, _ = kgan.data.load_digits(image_size=32)

        def make_networks():
            return (
                kgan.networks.dcgan_generator(latent_dim, image_shape, base_filters),
                kgan.networks.dcgan_discriminator(image_shape, base_filters),
            )

    elif case == "ring8":
        latent_dim = 8
        model = kgan.models.GAN(
            kgan.networks.mlp_generator(latent_dim, 2),
            kgan.networks.mlp_discriminator(2),
            latent_dim=latent_dim,
            loss="non_saturating",
            seed=seed,
        )
        images = kgan.data.gaussian_mixture("ring8", 16 * batch_size, seed=seed)

        def make_networks():
            return kgan.networks.mlp_generator(latent_dim, 2), kgan.networks.mlp_discriminator(2)

    else:
        raise ValueError(f"case must be one of {CASES}. Received: {case!r}")
    # Exactly `steps` full batches (no ragged last batch, which would retrace).
    needed = steps * batch_size
    reps = -(-needed // len(images))
    data = np.concatenate([images] * reps)[:needed]
    return model, np.ascontiguousarray(data), latent_dim, make_networks


def _adam():
    import keras

    return keras.optimizers.Adam(2e-4, beta_1=0.5)


# ---------------------------------------------------------------- native loops
def _native_jax(generator, discriminator, latent_dim, batch_size, seed):
    """`run(data) -> None`: a jax.jit step over stateless_call/stateless_apply."""
    from functools import partial

    import jax
    import jax.numpy as jnp

    g_opt, d_opt = _adam(), _adam()
    g_opt.build(generator.trainable_variables)
    d_opt.build(discriminator.trainable_variables)

    def d_loss_fn(d_tv, d_ntv, real, fake):
        real_logits, d_ntv = discriminator.stateless_call(d_tv, d_ntv, real, training=True)
        fake_logits, d_ntv = discriminator.stateless_call(d_tv, d_ntv, fake, training=True)
        loss = jnp.mean(jax.nn.softplus(-real_logits)) + jnp.mean(jax.nn.softplus(fake_logits))
        return loss, d_ntv

    def g_loss_fn(g_tv, g_ntv, d_tv, d_ntv, z):
        fake, g_ntv = generator.stateless_call(g_tv, g_ntv, z, training=True)
        fake_logits, d_ntv = discriminator.stateless_call(d_tv, d_ntv, fake, training=True)
        return jnp.mean(jax.nn.softplus(-fake_logits)), (g_ntv, d_ntv)

    @partial(jax.jit, donate_argnums=0)
    def step(state, real):
        g_tv, g_ntv, g_ov, d_tv, d_ntv, d_ov, key = state
        key, d_key, g_key = jax.random.split(key, 3)
        z = jax.random.normal(d_key, (real.shape[0], latent_dim))
        fake, g_ntv = generator.stateless_call(g_tv, g_ntv, z, training=True)
        fake = jax.lax.stop_gradient(fake)
        (d_loss, d_ntv), d_grads = jax.value_and_grad(d_loss_fn, has_aux=True)(
            d_tv, d_ntv, real, fake
        )
        d_tv, d_ov = d_opt.stateless_apply(d_ov, d_grads, d_tv)
        z = jax.random.normal(g_key, (real.shape[0], latent_dim))
        (g_loss, (g_ntv, d_ntv)), g_grads = jax.value_and_grad(g_loss_fn, has_aux=True)(
            g_tv, g_ntv, d_tv, d_ntv, z
        )
        g_tv, g_ov = g_opt.stateless_apply(g_ov, g_grads, g_tv)
        return (g_tv, g_ntv, g_ov, d_tv, d_ntv, d_ov, key), (d_loss, g_loss)

    def values(variables):
        return [v.value for v in variables]

    # Own copies: the donated buffers must not alias the Keras variables.
    state = jax.tree_util.tree_map(
        jnp.copy,
        (
            values(generator.trainable_variables),
            values(generator.non_trainable_variables),
            values(g_opt.variables),
            values(discriminator.trainable_variables),
            values(discriminator.non_trainable_variables),
            values(d_opt.variables),
            jax.random.key(seed),
        ),
    )
    holder = {"state": state}

    def run(data):
        state = holder["state"]
        for start in range(0, len(data), batch_size):
            state, _ = step(state, data[start : start + batch_size])
        jax.block_until_ready(state)
        holder["state"] = state

    return run, "jax.jit"


def _native_tensorflow(generator, discriminator, latent_dim, batch_size, seed, jit_compile):
    """`run(data) -> None`: a tf.function step with two GradientTapes."""
    import tensorflow as tf

    g_opt, d_opt = _adam(), _adam()
    g_opt.build(generator.trainable_variables)
    d_opt.build(discriminator.trainable_variables)
    tf.random.set_seed(seed)

    @tf.function(jit_compile=jit_compile)
    def step(real):
        n = tf.shape(real)[0]
        fake = generator(tf.random.normal((n, latent_dim)), training=True)
        with tf.GradientTape() as tape:
            real_logits = discriminator(real, training=True)
            fake_logits = discriminator(fake, training=True)
            d_loss = tf.reduce_mean(tf.nn.softplus(-real_logits)) + tf.reduce_mean(
                tf.nn.softplus(fake_logits)
            )
        d_vars = discriminator.trainable_variables
        d_opt.apply_gradients(zip(tape.gradient(d_loss, d_vars), d_vars))
        z = tf.random.normal((n, latent_dim))
        with tf.GradientTape() as tape:
            fake_logits = discriminator(generator(z, training=True), training=True)
            g_loss = tf.reduce_mean(tf.nn.softplus(-fake_logits))
        g_vars = generator.trainable_variables
        g_opt.apply_gradients(zip(tape.gradient(g_loss, g_vars), g_vars))
        return d_loss, g_loss

    def run(data):
        dataset = tf.data.Dataset.from_tensor_slices(data).batch(batch_size)
        for real in dataset:
            losses = step(real)
        _ = losses[1].numpy()
        _ = generator.trainable_variables[-1].numpy()

    return run, f"tf.function(jit_compile={jit_compile})"


def _native_torch(generator, discriminator, latent_dim, batch_size, seed):
    """`run(data) -> None`: an eager loop with torch.autograd.grad."""
    import torch
    import torch.nn.functional as F

    g_opt, d_opt = _adam(), _adam()
    g_opt.build(generator.trainable_variables)
    d_opt.build(discriminator.trainable_variables)
    torch.manual_seed(seed)
    g_vars, d_vars = generator.trainable_variables, discriminator.trainable_variables
    g_params, d_params = [v.value for v in g_vars], [v.value for v in d_vars]

    def step(real):
        n = real.shape[0]
        with torch.no_grad():
            fake = generator(torch.randn(n, latent_dim), training=True)
        real_logits = discriminator(real, training=True)
        fake_logits = discriminator(fake, training=True)
        d_loss = F.softplus(-real_logits).mean() + F.softplus(fake_logits).mean()
        grads = torch.autograd.grad(d_loss, d_params)
        with torch.no_grad():
            d_opt.apply(list(grads), d_vars)
        fake_logits = discriminator(
            generator(torch.randn(n, latent_dim), training=True), training=True
        )
        g_loss = F.softplus(-fake_logits).mean()
        grads = torch.autograd.grad(g_loss, g_params)
        with torch.no_grad():
            g_opt.apply(list(grads), g_vars)
        return d_loss.detach(), g_loss.detach()

    def run(data):
        tensor = torch.from_numpy(data)
        for start in range(0, len(data), batch_size):
            step(tensor[start : start + batch_size])

    return run, "eager"


# ---------------------------------------------------------------- worker
def _sync(variable):
    import keras

    keras.ops.convert_to_numpy(variable.value)


def _limit_threads(threads):
    """Caps the backend's compute threads (0: leave the library defaults).

    Called before any computation. On a shared or small host, multi-threaded
    kernels that lose their cores spin at barriers and time very erratically;
    one thread per process keeps kgan and native comparable.
    """
    import keras

    if not threads:
        return
    backend = keras.backend.backend()
    if backend == "torch":
        import torch

        torch.set_num_threads(threads)
        torch.set_num_interop_threads(threads)
    elif backend == "tensorflow":
        import tensorflow as tf

        tf.config.threading.set_intra_op_parallelism_threads(threads)
        tf.config.threading.set_inter_op_parallelism_threads(threads)
    # jax: XLA_FLAGS, set by the driver before the worker starts.


def _worker(args):
    import keras

    backend = keras.backend.backend()
    _limit_threads(args.threads)
    results = []
    for case in args.cases:
        steps = args.steps if case == "dcgan" else args.mlp_steps
        batch_size = args.batch_size if case == "dcgan" else args.mlp_batch_size
        model, data, latent_dim, make_networks = _build_case(case, steps, batch_size, args.seed)
        compile_kwargs = {"jit_compile": args.jit_compile}
        if args.steps_per_execution != 1:
            compile_kwargs["steps_per_execution"] = args.steps_per_execution
        model.compile(**compile_kwargs)
        if backend == "torch":
            kgan_jit = "torch.compile" if model.jit_compile else "eager"
        elif backend == "jax":
            kgan_jit = "jax.jit" if model.jit_compile else "eager"
        else:
            kgan_jit = f"tf.function(jit_compile={bool(model.jit_compile)})"
        if model.steps_per_execution != 1:
            kgan_jit += f", steps_per_execution={model.steps_per_execution}"

        generator, discriminator = make_networks()
        generator.set_weights(model.generator.get_weights())
        discriminator.set_weights(model.discriminator.get_weights())
        if backend == "jax":
            native_run, native_jit = _native_jax(
                generator, discriminator, latent_dim, batch_size, args.seed
            )
        elif backend == "tensorflow":
            native_run, native_jit = _native_tensorflow(
                generator,
                discriminator,
                latent_dim,
                batch_size,
                args.seed,
                jit_compile=bool(model.jit_compile),
            )
        else:
            native_run, native_jit = _native_torch(
                generator, discriminator, latent_dim, batch_size, args.seed
            )

        def kgan_run(model=model, data=data, batch_size=batch_size):
            model.fit(data, batch_size=batch_size, epochs=1, shuffle=False, verbose=0)
            _sync(model.generator.trainable_variables[-1])

        def native(native_run=native_run, data=data):
            native_run(data)

        timed = {"kgan": kgan_run, "native": native}
        for fn in timed.values():  # warm-up: compilation, first-call costs
            fn()
        per_step = {"kgan": [], "native": []}
        cpu_per_step = {"kgan": [], "native": []}
        for round_index in range(args.rounds):
            order = ("kgan", "native") if round_index % 2 == 0 else ("native", "kgan")
            for name in order:
                start, cpu_start = time.perf_counter(), time.process_time()
                timed[name]()
                per_step[name].append((time.perf_counter() - start) / steps * 1e3)
                cpu_per_step[name].append((time.process_time() - cpu_start) / steps * 1e3)
        kgan_ms = statistics.median(per_step["kgan"])
        native_ms = statistics.median(per_step["native"])
        kgan_cpu = statistics.median(cpu_per_step["kgan"])
        native_cpu = statistics.median(cpu_per_step["native"])
        results.append(
            {
                "backend": backend,
                "case": case,
                "batch_size": batch_size,
                "steps": steps,
                "kgan_ms": kgan_ms,
                "native_ms": native_ms,
                "ratio": kgan_ms / native_ms,
                "kgan_cpu_ms": kgan_cpu,
                "native_cpu_ms": native_cpu,
                "cpu_ratio": kgan_cpu / native_cpu,
                "threads": args.threads,
                "kgan_jit": kgan_jit,
                "native_jit": native_jit,
                "kgan_rounds_ms": per_step["kgan"],
                "native_rounds_ms": per_step["native"],
            }
        )
        print(_RESULT_TAG + json.dumps(results[-1]), flush=True)
    return results


# ---------------------------------------------------------------- driver
def _parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backends", nargs="+", default=list(BACKENDS), choices=BACKENDS)
    parser.add_argument("--cases", nargs="+", default=list(CASES), choices=CASES)
    parser.add_argument("--steps", type=int, default=20, help="DCGAN steps per round")
    parser.add_argument("--mlp-steps", type=int, default=100, help="ring8 steps per round")
    parser.add_argument("--rounds", type=int, default=7, help="timed rounds per side")
    parser.add_argument("--batch-size", type=int, default=64, help="DCGAN batch size")
    parser.add_argument("--mlp-batch-size", type=int, default=256, help="ring8 batch size")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--jit-compile",
        default="auto",
        type=lambda s: {"true": True, "false": False}.get(s.lower(), s),
        help="kgan's compile(jit_compile=...): auto (default), true or false",
    )
    parser.add_argument(
        "--threads",
        type=int,
        default=1,
        help="compute threads per backend (default 1, stable on shared hosts; 0: library default)",
    )
    parser.add_argument("--steps-per-execution", type=int, default=1, help="kgan's compile()")
    parser.add_argument("--verbose", action="store_true", help="also print per-round times")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    for name in ("steps", "mlp_steps", "rounds", "batch_size", "mlp_batch_size"):
        if getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be ≥ 1")
    if args.threads < 0:
        parser.error("--threads must be ≥ 0")
    return args


def _run_backend(backend, argv, threads):
    env = dict(os.environ, KERAS_BACKEND=backend)
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    if threads:
        env["OMP_NUM_THREADS"] = str(threads)
        if backend == "jax":
            flags = "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1"
            env["XLA_FLAGS"] = f"{env.get('XLA_FLAGS', '')} {flags}".strip()
    command = [sys.executable, os.path.abspath(__file__), "--worker", *argv]
    proc = subprocess.run(command, env=env, capture_output=True, text=True)
    results = [
        json.loads(line[len(_RESULT_TAG) :])
        for line in proc.stdout.splitlines()
        if line.startswith(_RESULT_TAG)
    ]
    if proc.returncode != 0:
        sys.stderr.write(
            f"[{backend}] worker failed (exit {proc.returncode}):\n{proc.stderr[-4000:]}\n"
        )
    return results


def _print_table(results, verbose):
    header = (
        "backend", "case", "batch", "kgan ms/step", "native ms/step", "ratio",
        "kgan cpu ms", "native cpu ms", "cpu ratio", "kgan jit", "native jit",
    )  # fmt: skip
    rows = [
        (
            r["backend"],
            r["case"],
            str(r["batch_size"]),
            f"{r['kgan_ms']:.3f}",
            f"{r['native_ms']:.3f}",
            f"{r['ratio']:.2f}",
            f"{r['kgan_cpu_ms']:.3f}",
            f"{r['native_cpu_ms']:.3f}",
            f"{r['cpu_ratio']:.2f}",
            r["kgan_jit"],
            r["native_jit"],
        )
        for r in results
    ]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    line = "  ".join(f"{{:{'>' if 2 <= i <= 8 else '<'}{w}}}" for i, w in enumerate(widths))
    print(line.format(*header).rstrip())
    print("  ".join("-" * w for w in widths))
    for row in rows:
        print(line.format(*row).rstrip())
    if results:
        threads = results[0]["threads"]
        print(
            "Medians over rounds; cpu = process CPU time per step; "
            f"threads per backend: {threads or 'library default'}."
        )
    if verbose:
        for r in results:
            kgan = ", ".join(f"{t:.3f}" for t in r["kgan_rounds_ms"])
            native = ", ".join(f"{t:.3f}" for t in r["native_rounds_ms"])
            print(f"{r['backend']}/{r['case']}: kgan [{kgan}]  native [{native}] ms/step")


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    args = _parse_args(argv)
    if args.worker:
        _worker(args)
        return 0
    forwarded = list(argv)
    results = []
    for backend in args.backends:
        results.extend(_run_backend(backend, forwarded, args.threads))
    _print_table(results, args.verbose)
    return 0 if len(results) == len(args.backends) * len(args.cases) else 1


if __name__ == "__main__":
    sys.exit(main())
