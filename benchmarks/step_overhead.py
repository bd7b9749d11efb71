"""Per-step overhead of kgan's `fit()` against hand-written native training loops.

For each Keras backend (one subprocess each: the backend is fixed per process)
and each case, this script trains the same architecture three ways in ONE
process, interleaved:

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

- torch.nn (DCGAN cases only): the loop a PyTorch user writes instead of
  Keras, on every backend's row: the same DCGAN architecture written with
  `torch.nn` modules in NCHW (`_TorchDCGAN`; its parameter count is asserted
  equal to kgan's networks'), initialised from N(0, 0.02) as kgan's,
  `torch.optim.Adam(2e-4, betas=(0.5, 0.999), eps=1e-7)` (Keras' epsilon),
  fresh noise in each phase as kgan draws it, the generator under
  `torch.no_grad()` in the discriminator phase, the discriminator's
  parameters frozen (`requires_grad_(False)`) in the generator phase,
  `zero_grad(set_to_none=True)`, `backward()`, `step()`; the images given as
  one NCHW tensor sliced per batch. It runs in each backend's process with
  torch on the same `--threads`, in the same interleaved rounds as kgan, so
  every kgan/torch.nn ratio compares two loops that met the same load; the
  torch.nn figure of each row is measured beside that backend.

Losses: D = mean(softplus(-D(x))) + mean(softplus(D(G(z)))), G = mean(softplus(-D(G(z)))).

Cases:

- `dcgan`: `kgan.models.DCGAN(image_shape=(S, S, 1), latent_dim=64,
  base_filters=32)`, non-saturating loss, on `kgan.data.load_digits(S)`, for
  each image size S of `--image-sizes` (32, 64; default 32) and each batch of
  `--batch-sizes` (default 64; the issue's set: `--image-sizes 32 64
  --batch-sizes 64 256`).
- `ring8`: `kgan.models.GAN(mlp_generator(8, 2), mlp_discriminator(2),
  latent_dim=8)` on the ring8 mixture, batch 256 (`--mlp-batch-size`): tiny
  networks, where per-step overhead matters most.

After a warm-up round (compilation), each of `--rounds` rounds runs N steps of
each loop, rotating which goes first; a round's time covers `fit()` (or the
native loop) from the call until the last step's parameters are ready, divided
by N. The table reports the median per-step wall time over rounds and the
ratios kgan / native and kgan / torch.nn, and the same for process CPU time
(steadier than wall time on a shared host).

Each backend runs with `--threads` compute threads (default 1): on a small or
shared host, multi-threaded CPU kernels whose cores are taken spin at barriers
and time erratically (a 256×256 torch matmul measured 0.8 ms with one thread and
38 ms with two on a loaded 2-core host). `--threads 0` keeps library defaults.

Usage:
    python benchmarks/step_overhead.py
    python benchmarks/step_overhead.py --cases dcgan --image-sizes 32 64 --batch-sizes 64 256
    python benchmarks/step_overhead.py --backends jax torch --steps 100 --rounds 5
    python benchmarks/step_overhead.py --threads 0 --verbose

This is the one place in the project where benchmark code imports tensorflow,
jax or torch directly.
"""

import argparse
import functools
import json
import math
import os
import statistics
import subprocess
import sys
import time

BACKENDS = ("jax", "tensorflow", "torch")
CASES = ("dcgan", "ring8")
_RESULT_TAG = "STEP_OVERHEAD_RESULT "


# ---------------------------------------------------------------- cases
def _build_case(case, steps, batch_size, seed, image_size=32):
    """Returns `(model, data, latent_dim, make_networks)` for a case.

    `image_size`: the DCGAN's image side (32 or 64; unused by ring8).

    `make_networks()` builds a fresh (generator, discriminator) pair with the
    same builder functions the kgan model used.
    """
    import numpy as np

    import kgan

    if case == "dcgan":
        latent_dim, image_shape, base_filters = 64, (image_size, image_size, 1), 32
        model = kgan.models.DCGAN(
            image_shape=image_shape,
            latent_dim=latent_dim,
            base_filters=base_filters,
            loss="non_saturating",
            seed=seed,
        )
        images, _ = kgan.data.load_digits(image_size=image_size)

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


# ---------------------------------------------------------------- torch.nn DCGAN
def _torch_nn_dcgan(latent_dim, image_shape, base_filters):
    """`(generator, discriminator)`: `kgan.networks.dcgan_*`'s architecture as
    `torch.nn` modules, NCHW.

    Generator: Linear(no bias) → (C, 4, 4) → BN → ReLU → [ConvTranspose(4, 2,
    pad 1, no bias) → BN → ReLU]… → ConvTranspose(4, 2, pad 1) → tanh.
    Discriminator: Conv(4, 2, pad 1) → LeakyReLU(0.2) → [Conv → BN →
    LeakyReLU]… → flatten → Linear(1). Keras' padding="same" with kernel 4,
    stride 2 on even sizes pads one pixel each side, as `padding=1` does;
    BatchNorm momentum 0.1 (Keras' 0.9), epsilon 1e-5. Weights N(0, 0.02),
    biases 0, BatchNorm γ 1, β 0.
    """
    import torch
    from torch import nn

    size, channels = image_shape[0], image_shape[2]
    steps = (size // 4).bit_length() - 1  # 4 · 2^steps = size
    if 4 * 2**steps != size:
        raise ValueError(f"image size must be 4·2^k. Received: image_shape={image_shape}")
    filters = base_filters * 2 ** (steps - 1)

    class Generator(nn.Module):
        def __init__(self):
            super().__init__()
            self.filters = filters
            self.project = nn.Linear(latent_dim, 16 * filters, bias=False)
            self.project_norm = nn.BatchNorm2d(filters, eps=1e-5, momentum=0.1)
            blocks, width = [], filters
            for _ in range(steps - 1):
                blocks += [
                    nn.ConvTranspose2d(width, width // 2, 4, 2, 1, bias=False),
                    nn.BatchNorm2d(width // 2, eps=1e-5, momentum=0.1),
                    nn.ReLU(),
                ]
                width //= 2
            blocks += [nn.ConvTranspose2d(width, channels, 4, 2, 1), nn.Tanh()]
            self.body = nn.Sequential(*blocks)

        def forward(self, z):
            h = self.project(z).view(-1, self.filters, 4, 4)
            return self.body(torch.relu(self.project_norm(h)))

    layers, width = [], base_filters
    for step in range(steps):
        layers.append(nn.Conv2d(channels if step == 0 else width // 2, width, 4, 2, 1))
        if step > 0:
            layers.append(nn.BatchNorm2d(width, eps=1e-5, momentum=0.1))
        layers.append(nn.LeakyReLU(0.2))
        width *= 2
    discriminator = nn.Sequential(*layers, nn.Flatten(), nn.Linear(16 * (width // 2), 1))
    generator = Generator()
    for module in (*generator.modules(), *discriminator.modules()):
        if isinstance(module, (nn.Linear, nn.Conv2d, nn.ConvTranspose2d)):
            nn.init.normal_(module.weight, 0.0, 0.02)
            if module.bias is not None:
                nn.init.zeros_(module.bias)
    return generator, discriminator


def _parameter_count(module_or_model):
    """Trainable parameters of a `torch.nn.Module` or a `keras.Model`."""
    if hasattr(module_or_model, "count_params"):
        return sum(math.prod(v.shape) for v in module_or_model.trainable_variables)
    return sum(p.numel() for p in module_or_model.parameters() if p.requires_grad)


def _torch_nn(model, image_shape, base_filters, batch_size, seed):
    """`(run, prepare)`: the torch.nn DCGAN loop a PyTorch user writes.

    `prepare(data)` turns the NHWC numpy images into the NCHW tensor the loop
    slices (once, outside the timing); `run(images)` trains one pass.
    """
    import torch
    import torch.nn.functional as F

    torch.manual_seed(seed)
    generator, discriminator = _torch_nn_dcgan(model.latent_dim, image_shape, base_filters)
    for torch_net, keras_net in ((generator, model.generator), (discriminator, model.discriminator)):
        if _parameter_count(torch_net) != _parameter_count(keras_net):
            raise AssertionError(
                f"torch.nn {keras_net.name} has {_parameter_count(torch_net)} parameters, "
                f"kgan's {_parameter_count(keras_net)}: the architectures differ."
            )
    generator.train()
    discriminator.train()
    g_opt = torch.optim.Adam(generator.parameters(), 2e-4, betas=(0.5, 0.999), eps=1e-7)
    d_opt = torch.optim.Adam(discriminator.parameters(), 2e-4, betas=(0.5, 0.999), eps=1e-7)
    latent_dim = model.latent_dim

    def step(real):
        n = real.shape[0]
        with torch.no_grad():
            fake = generator(torch.randn(n, latent_dim))
        d_opt.zero_grad(set_to_none=True)
        d_loss = F.softplus(-discriminator(real)).mean() + F.softplus(discriminator(fake)).mean()
        d_loss.backward()
        d_opt.step()
        discriminator.requires_grad_(False)
        g_opt.zero_grad(set_to_none=True)
        g_loss = F.softplus(-discriminator(generator(torch.randn(n, latent_dim)))).mean()
        g_loss.backward()
        g_opt.step()
        discriminator.requires_grad_(True)

    def prepare(data):
        return torch.from_numpy(data).permute(0, 3, 1, 2).contiguous()

    def run(images):
        for start in range(0, len(images), batch_size):
            step(images[start : start + batch_size])

    return run, prepare


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
    import torch  # the torch.nn loop runs in every backend's process

    if not threads:
        return
    backend = keras.backend.backend()
    torch.set_num_threads(threads)
    torch.set_num_interop_threads(threads)
    if backend == "tensorflow":
        import tensorflow as tf

        tf.config.threading.set_intra_op_parallelism_threads(threads)
        tf.config.threading.set_inter_op_parallelism_threads(threads)
    # jax: XLA_FLAGS, set by the driver before the worker starts.


def _configurations(args):
    """`(case, image_size, batch_size, steps)` for every timed case."""
    configurations = []
    for case in args.cases:
        if case == "dcgan":
            configurations += [
                (case, size, batch, args.steps)
                for size in args.image_sizes
                for batch in args.batch_sizes
            ]
        else:
            configurations.append((case, None, args.mlp_batch_size, args.mlp_steps))
    return configurations


def _worker(args):
    import keras

    backend = keras.backend.backend()
    _limit_threads(args.threads)
    results = []
    for case, image_size, batch_size, steps in _configurations(args):
        model, data, latent_dim, make_networks = _build_case(
            case, steps, batch_size, args.seed, image_size
        )
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
        if case == "dcgan":
            torch_nn_run, prepare = _torch_nn(
                model, model.image_shape, model.base_filters, batch_size, args.seed
            )
            timed["torch.nn"] = functools.partial(torch_nn_run, prepare(data))
        for fn in timed.values():  # warm-up: compilation, first-call costs
            fn()
        per_step = {name: [] for name in timed}
        cpu_per_step = {name: [] for name in timed}
        names = list(timed)
        for round_index in range(args.rounds):
            shift = round_index % len(names)  # each loop goes first in turn
            for name in names[shift:] + names[:shift]:
                start, cpu_start = time.perf_counter(), time.process_time()
                timed[name]()
                per_step[name].append((time.perf_counter() - start) / steps * 1e3)
                cpu_per_step[name].append((time.process_time() - cpu_start) / steps * 1e3)
        result = {
            "backend": backend,
            "case": case if image_size is None else f"{case}{image_size}",
            "batch_size": batch_size,
            "steps": steps,
            "threads": args.threads,
            "kgan_jit": kgan_jit,
            "native_jit": native_jit,
        }
        for name in timed:
            key = name.replace(".", "_")
            result[f"{key}_ms"] = statistics.median(per_step[name])
            result[f"{key}_cpu_ms"] = statistics.median(cpu_per_step[name])
            result[f"{key}_rounds_ms"] = per_step[name]
        results.append(result)
        print(_RESULT_TAG + json.dumps(results[-1]), flush=True)
    return results


# ---------------------------------------------------------------- driver
def _parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backends", nargs="+", default=list(BACKENDS), choices=BACKENDS)
    parser.add_argument("--cases", nargs="+", default=list(CASES), choices=CASES)
    parser.add_argument("--steps", type=int, default=10, help="DCGAN steps per round")
    parser.add_argument("--mlp-steps", type=int, default=100, help="ring8 steps per round")
    parser.add_argument("--rounds", type=int, default=5, help="timed rounds per loop")
    parser.add_argument(
        "--image-sizes", nargs="+", type=int, default=[32], choices=(32, 64),
        help="DCGAN image sides (default 32)",
    )
    parser.add_argument(
        "--batch-sizes", nargs="+", type=int, default=[64], help="DCGAN batch sizes (default 64)"
    )
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
    for name in ("steps", "mlp_steps", "rounds", "mlp_batch_size"):
        if getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be ≥ 1")
    if min(args.batch_sizes) < 1:
        parser.error("--batch-sizes must be ≥ 1")
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
        "backend", "case", "batch", "kgan ms", "native ms", "torch.nn ms", "kgan/native",
        "kgan/torch.nn", "cpu kgan/native", "cpu kgan/torch.nn", "kgan jit", "native jit",
    )  # fmt: skip

    def ratio(r, key, other):
        return f"{r[key] / r[other]:.2f}" if other in r else "-"

    rows = [
        (
            r["backend"],
            r["case"],
            str(r["batch_size"]),
            f"{r['kgan_ms']:.2f}",
            f"{r['native_ms']:.2f}",
            f"{r['torch_nn_ms']:.2f}" if "torch_nn_ms" in r else "-",
            ratio(r, "kgan_ms", "native_ms"),
            ratio(r, "kgan_ms", "torch_nn_ms"),
            ratio(r, "kgan_cpu_ms", "native_cpu_ms"),
            ratio(r, "kgan_cpu_ms", "torch_nn_cpu_ms"),
            r["kgan_jit"],
            r["native_jit"],
        )
        for r in results
    ]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    line = "  ".join(f"{{:{'>' if 2 <= i <= 9 else '<'}{w}}}" for i, w in enumerate(widths))
    print(line.format(*header).rstrip())
    print("  ".join("-" * w for w in widths))
    for row in rows:
        print(line.format(*row).rstrip())
    if results:
        threads = results[0]["threads"]
        print(
            "Medians over rounds of wall time per step (ms) and their ratios; cpu = the same "
            f"ratios of process CPU time; threads per backend: {threads or 'library default'}."
        )
    if verbose:
        for r in results:
            rounds = "  ".join(
                f"{name} [{', '.join(f'{t:.2f}' for t in r[key + '_rounds_ms'])}]"
                for name, key in (("kgan", "kgan"), ("native", "native"), ("torch.nn", "torch_nn"))
                if key + "_rounds_ms" in r
            )
            cpu = ", ".join(
                f"{name} {r[key + '_cpu_ms']:.2f}"
                for name, key in (("kgan", "kgan"), ("native", "native"), ("torch.nn", "torch_nn"))
                if key + "_cpu_ms" in r
            )
            print(f"{r['backend']}/{r['case']}/{r['batch_size']}: {rounds} ms/step; CPU ms: {cpu}")


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
    return 0 if len(results) == len(args.backends) * len(_configurations(args)) else 1


if __name__ == "__main__":
    sys.exit(main())
