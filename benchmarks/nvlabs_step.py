"""kgan's StyleGAN2 training iteration against NVlabs' own, and kgan's FID Inception against pytorch-fid.

1. One full StyleGAN2 training iteration at the same configuration and batch:

   - kgan: `kgan.models.StyleGAN2` trained with `fit()` (G main every step,
     path length every 4, D main every step, lazy R1 every 16, generator EMA);
   - NVlabs: stylegan2-ada-pytorch's `training.networks.Generator` /
     `Discriminator` built with the kwargs `train.py` passes, its
     `training.loss.StyleGAN2Loss` (augment_pipe None), and the phase loop of
     `training/training_loop.py` re-enacted step for step: the phases Gmain,
     Greg (interval 4), Dmain, Dreg (interval 16) with the lazy Adam
     corrections (lr · k/(k+1), β^(k/(k+1))), `accumulate_gradients(...,
     gain=interval)`, `requires_grad_` toggling, `nan_to_num` on the
     gradients, `opt.step()`, a fresh `gen_z` per phase, real images converted
     from uint8 on the device, and the G_ema lerp. Their code is imported at run
     time from `--reference` (a clone of
     https://github.com/NVlabs/stylegan2-ada-pytorch; default
     `$NVLABS_STYLEGAN2_ADA`, else /work/ref); nothing of it is copied here.

   A round runs `--iterations` iterations (a multiple of 16: whole
   regularisation cycles) of each; after one warm-up round (compilation), the
   `--rounds` rounds alternate which of the two goes first. Reported: median
   ms per iteration and kgan / NVlabs (below 1: kgan is faster).

2. FID Inception feature extraction on 299×299 inputs (the networks alone;
   the resize to 299 is a separate, protocol-dependent host step): kgan's
   `FIDInceptionExtractor` network (`predict_on_batch`) against pytorch-fid's
   `InceptionV3([3])` under `torch.no_grad()`, the same random weights (pytorch-fid's
   network built without its download, its state dict loaded into kgan's), the
   same batch. Reported: images/s and kgan time / pytorch-fid time.

One subprocess per backend (the backend is fixed per process); each holds
kgan on its backend and the PyTorch references, interleaved, so machine load
affects both alike. NVlabs and pytorch-fid run on PyTorch, on the CPU here.
Every library runs `--threads` compute threads (default 1: on a small shared
host, multi-threaded kernels whose cores are taken time erratically).

Configurations (`--config`; NVlabs' names in brackets):

- `digits32` (default): kgan's stylegan2_digits recipe: 32×32×1, z = w = 64,
  8 mapping layers, channel_base 1024, channel_max 32 (32 channels at every
  resolution), batch 32, mbstd group 4, γ 0.1, lr 0.002, EMA half-life 2k images.
- `auto256`: stylegan2-ada's `--cfg=auto` at 256×256×3 on one GPU (the row of
  its README's "Expected training time" table): z = w = 512, 2 mapping layers,
  channel_base 16384, channel_max 512, batch 16, mbstd group 4, γ 0.8192,
  lr 0.0025, EMA half-life 5k images. A GPU configuration.
- `smoke`: 16×16×3, z = w = 8, 2 mapping layers, channel_base 64,
  channel_max 8, batch 8: for tests.

Mixed precision (`throughput.py`, GPU): NVlabs' `num_fp16_res=4`,
`conv_clamp=256` (train.py's default) against kgan's `mixed_float16` policy
with `conv_clamp=256`; float32 is NVlabs' `--fp32` (no fp16 layers, no clamp).

Usage:
    python benchmarks/nvlabs_step.py [--reference PATH] [--backends jax torch]
        [--config digits32] [--iterations 16] [--rounds 3] [--fid-batch 8]
"""

import argparse
import copy
import importlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

BACKENDS = ("jax", "tensorflow", "torch")
REFERENCE_URL = "https://github.com/NVlabs/stylegan2-ada-pytorch"
_RESULT_TAG = "NVLABS_STEP_RESULT "
G_REG_INTERVAL, D_REG_INTERVAL = 4, 16

CONFIGS = {
    "digits32": dict(resolution=32, channels=1, z_dim=64, w_dim=64, mapping_layers=8,
                     channel_base=1024, channel_max=32, batch=32, mbstd_group_size=4,
                     r1_gamma=0.1, learning_rate=0.002, ema_kimg=2.0),
    "auto256": dict(resolution=256, channels=3, z_dim=512, w_dim=512, mapping_layers=2,
                    channel_base=16384, channel_max=512, batch=16, mbstd_group_size=4,
                    r1_gamma=0.0002 * 256**2 / 16, learning_rate=0.0025, ema_kimg=5.0),
    "smoke": dict(resolution=16, channels=3, z_dim=8, w_dim=8, mapping_layers=2,
                  channel_base=64, channel_max=8, batch=8, mbstd_group_size=4,
                  r1_gamma=1.0, learning_rate=0.002, ema_kimg=1.0),
}


def default_reference():
    return os.environ.get("NVLABS_STYLEGAN2_ADA", "/work/ref")


def describe(config_name):
    """A one-line statement of a configuration's shapes."""
    c = CONFIGS[config_name]
    return (f"{config_name}: {c['resolution']}x{c['resolution']}x{c['channels']}, "
            f"z/w {c['z_dim']}/{c['w_dim']}, {c['mapping_layers']} mapping layers, "
            f"channel_base {c['channel_base']}, channel_max {c['channel_max']}, "
            f"batch {c['batch']}, mbstd {c['mbstd_group_size']}, style mixing 0.9, "
            f"path length 2 (every {G_REG_INTERVAL}), R1 gamma {c['r1_gamma']:g} "
            f"(every {D_REG_INTERVAL}), EMA half-life {c['ema_kimg']:g}k images")


def check_reference(reference):
    """Raises a `FileNotFoundError` saying where to get NVlabs' code unless `reference` holds it."""
    if not os.path.isfile(os.path.join(reference, "training", "loss.py")):
        raise FileNotFoundError(
            f"NVlabs' stylegan2-ada-pytorch was not found at {reference!r} (no "
            f"training/loss.py). Clone it (`git clone {REFERENCE_URL}`; kgan's fixtures were made "
            "at d72cc7d041b42ec8e806021a205ed9349f87c6a4) and pass --reference PATH or set "
            "NVLABS_STYLEGAN2_ADA=PATH."
        )


def sync_device(device):
    import torch

    if device.type == "cuda":
        torch.cuda.synchronize(device)


# ---------------------------------------------------------------- runners
# A runner is `(run, images)`: `run()` does one round and returns once its
# results are computed; `images` is how many real images a round shows D
# (stylegan2-ada's kimg counts these) or feeds the Inception network.


def kgan_stylegan2(config_name, iterations, precision="float32", seed=0):
    """kgan's StyleGAN2 at `config_name`, trained `iterations` steps per round by `fit()`."""
    import keras
    import numpy as np

    import kgan
    from kgan.models.stylegan import style_optimizers

    c = CONFIGS[config_name]
    keras.config.set_dtype_policy("mixed_float16" if precision == "mixed" else "float32")
    keras.utils.set_random_seed(seed)
    shape = (c["resolution"], c["resolution"], c["channels"])
    clamp = 256 if precision == "mixed" else None
    mapping = kgan.networks.stylegan_mapping(c["z_dim"], c["w_dim"],
                                             num_layers=c["mapping_layers"])
    synthesis = kgan.networks.stylegan2_synthesis(c["w_dim"], shape, c["channel_base"],
                                                  c["channel_max"], conv_clamp=clamp)
    discriminator = kgan.networks.stylegan2_discriminator(
        shape, c["channel_base"], c["channel_max"], mbstd_group_size=c["mbstd_group_size"],
        conv_clamp=clamp)
    model = kgan.models.StyleGAN2(
        kgan.networks.stylegan_generator(mapping, synthesis), discriminator, mix_prob=0.9,
        r1_gamma=c["r1_gamma"], pl_weight=2.0, reg_interval=D_REG_INTERVAL,
        pl_interval=G_REG_INTERVAL, ema_half_life_images=c["ema_kimg"] * 1000, seed=seed)
    model.compile(*style_optimizers(c["learning_rate"]))
    keras.config.set_dtype_policy("float32")
    images = np.random.default_rng(seed).uniform(
        -1, 1, (c["batch"] * iterations, *shape)).astype("float32")
    last_variable = model.sampling_generator.weights[-1]

    def run():
        model.fit(images, batch_size=c["batch"], epochs=1, verbose=0, shuffle=False)
        keras.ops.convert_to_numpy(last_variable)  # waits for the last step (and EMA)

    return run, len(images)


def import_nvlabs(reference):
    """NVlabs' modules the training loop uses, imported from the clone at `reference`."""
    check_reference(reference)
    path = os.path.abspath(reference)
    if path not in sys.path:
        sys.path.insert(0, path)
    names = ("training.networks", "training.loss", "torch_utils.misc",
             "torch_utils.ops.conv2d_gradfix", "torch_utils.ops.grid_sample_gradfix")
    return {name.split(".")[-1]: importlib.import_module(name) for name in names}


def nvlabs_stylegan2(reference, config_name, iterations, precision="float32", device="cpu",
                     seed=0):
    """NVlabs' StyleGAN2 at `config_name`: their networks, `StyleGAN2Loss` and
    training_loop.py's phase loop, `iterations` iterations per round on `device`."""
    import numpy as np
    import torch

    nv = import_nvlabs(reference)
    c = CONFIGS[config_name]
    device = torch.device(device)
    # training_loop.py's settings (cudnn_benchmark=True, allow_tf32=False).
    torch.backends.cudnn.benchmark = True
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    nv["conv2d_gradfix"].enabled = True
    nv["grid_sample_gradfix"].enabled = True
    np.random.seed(seed)
    torch.manual_seed(seed)
    # train.py's kwargs; --fp32 means no fp16 layers and no clamp.
    fp16_res, clamp = (4, 256) if precision == "mixed" else (0, None)
    common = dict(c_dim=0, img_resolution=c["resolution"], img_channels=c["channels"])
    G = nv["networks"].Generator(
        z_dim=c["z_dim"], w_dim=c["w_dim"], mapping_kwargs=dict(num_layers=c["mapping_layers"]),
        synthesis_kwargs=dict(channel_base=c["channel_base"], channel_max=c["channel_max"],
                              num_fp16_res=fp16_res, conv_clamp=clamp),
        **common).train().requires_grad_(False).to(device)
    D = nv["networks"].Discriminator(
        channel_base=c["channel_base"], channel_max=c["channel_max"], num_fp16_res=fp16_res,
        conv_clamp=clamp, block_kwargs={}, mapping_kwargs={},
        epilogue_kwargs=dict(mbstd_group_size=c["mbstd_group_size"]),
        **common).train().requires_grad_(False).to(device)
    G_ema = copy.deepcopy(G).eval()
    loss = nv["loss"].StyleGAN2Loss(device=device, G_mapping=G.mapping, G_synthesis=G.synthesis,
                                    D=D, augment_pipe=None, style_mixing_prob=0.9,
                                    r1_gamma=c["r1_gamma"], pl_batch_shrink=2, pl_decay=0.01,
                                    pl_weight=2)
    phases = []
    for name, module, interval in (("G", G, G_REG_INTERVAL), ("D", D, D_REG_INTERVAL)):
        ratio = interval / (interval + 1)
        opt = torch.optim.Adam(module.parameters(), lr=c["learning_rate"] * ratio,
                               betas=(0.0 ** ratio, 0.99 ** ratio), eps=1e-8)
        phases += [(name + "main", module, opt, 1), (name + "reg", module, opt, interval)]
    batch = c["batch"]
    real_uint8 = torch.from_numpy(np.random.default_rng(seed).integers(
        0, 256, (iterations, batch, c["channels"], c["resolution"], c["resolution"]),
        dtype=np.uint8))
    no_labels = torch.zeros([batch, 0], device=device)
    ema_beta = 0.5 ** (batch / (c["ema_kimg"] * 1000))
    state = {"batch_idx": 0}

    def run():
        for index in range(iterations):
            real_img = real_uint8[index].to(device).to(torch.float32) / 127.5 - 1
            all_gen_z = torch.randn([len(phases), batch, c["z_dim"]], device=device)
            for (name, module, opt, interval), gen_z in zip(phases, all_gen_z):
                if state["batch_idx"] % interval != 0:
                    continue
                opt.zero_grad(set_to_none=True)
                module.requires_grad_(True)
                loss.accumulate_gradients(phase=name, real_img=real_img, real_c=no_labels,
                                          gen_z=gen_z, gen_c=no_labels, sync=True,
                                          gain=interval)
                module.requires_grad_(False)
                for param in module.parameters():
                    if param.grad is not None:
                        nv["misc"].nan_to_num(param.grad, nan=0, posinf=1e5, neginf=-1e5,
                                              out=param.grad)
                opt.step()
            for p_ema, p in zip(G_ema.parameters(), G.parameters()):
                p_ema.copy_(p.lerp(p_ema, ema_beta))
            for b_ema, b in zip(G_ema.buffers(), G.buffers()):
                b_ema.copy_(b)
            state["batch_idx"] += 1
        sync_device(device)

    return run, iterations * batch


def import_pytorch_fid():
    """`pytorch_fid.inception`, importable beside a CPU-only torch.

    PyPI's torchvision 0.28.0 wheel is a CUDA build whose C extension does not load
    beside torch's CPU build; its import then fails registering fake kernels for
    `torchvision::nms` and `qnms`. The Inception network uses no torchvision C op, so
    the two schemas are defined (only when the import failed) and it is imported again.
    """
    import torch

    try:
        import torchvision  # noqa: F401
    except RuntimeError:
        for name in [name for name in sys.modules if name.split(".")[0] == "torchvision"]:
            del sys.modules[name]
        library = torch.library.Library("torchvision", "DEF")
        for op in ("nms", "qnms"):
            library.define(f"{op}(Tensor dets, Tensor scores, float iou_threshold) -> Tensor")
        import_pytorch_fid.library = library  # keeps the definitions alive
    return importlib.import_module("pytorch_fid.inception")


def pytorch_fid_network(device="cpu", seed=0):
    """pytorch-fid's `InceptionV3([3])` (pool3) with random weights, built without its
    download: torchvision's Inception3 with 1,008 classes has the FID network's state dict."""
    import torch

    pytorch_fid = import_pytorch_fid()
    torch.manual_seed(seed)
    plain = pytorch_fid._inception_v3(num_classes=1008, aux_logits=False, weights=None)
    download = pytorch_fid.load_state_dict_from_url
    pytorch_fid.load_state_dict_from_url = lambda *args, **kwargs: plain.state_dict()
    try:
        network = pytorch_fid.fid_inception_v3()
    finally:
        pytorch_fid.load_state_dict_from_url = download
    building = pytorch_fid.fid_inception_v3
    pytorch_fid.fid_inception_v3 = lambda: network
    try:
        model = pytorch_fid.InceptionV3([3]).eval().to(device)
    finally:
        pytorch_fid.fid_inception_v3 = building
    return model, network.state_dict()


def pytorch_fid_inception(batch, device="cpu", seed=0):
    """pytorch-fid's network on one batch of 299×299 images per round; also returns
    the path of its weights saved as a state dict (for `kgan_inception`)."""
    import numpy as np
    import torch

    model, state = pytorch_fid_network(device, seed)
    path = os.path.join(tempfile.mkdtemp(), "random_fid_inception.pth")
    torch.save(state, path)
    images = torch.from_numpy(np.random.default_rng(seed).uniform(
        0, 1, (batch, 3, 299, 299)).astype("float32")).to(device)

    def run():
        with torch.no_grad():
            model(images)[0].cpu()

    return (run, batch), path


def kgan_inception(batch, weights_path=None, seed=0):
    """kgan's FID Inception network (`predict_on_batch`) on one batch of 299×299 images
    per round; `weights_path` None keeps zero kernels (the speed does not depend on them)."""
    import numpy as np

    import kgan

    extractor = kgan.metrics.FIDInceptionExtractor(weights=weights_path, batch_size=batch)
    images = np.random.default_rng(seed).uniform(-1, 1, (batch, 299, 299, 3)).astype("float32")

    def run():
        extractor.model.predict_on_batch(images)

    return run, batch


# ---------------------------------------------------------------- timing
def interleaved_seconds(runners, rounds):
    """Seconds per round of each runner: one warm-up round each, then `rounds`
    rounds in which the runners take turns going first."""
    for run, _ in runners:
        run()
    seconds = [[] for _ in runners]
    for round_index in range(rounds):
        order = list(range(len(runners)))
        if round_index % 2:
            order.reverse()
        for index in order:
            start = time.perf_counter()
            runners[index][0]()
            seconds[index].append(time.perf_counter() - start)
    return seconds


def limit_threads(threads):
    """`threads` compute threads for torch and TensorFlow (JAX: XLA_FLAGS, set by the driver)."""
    import keras
    import torch

    torch.set_num_threads(threads)
    torch.set_num_interop_threads(threads)
    if keras.backend.backend() == "tensorflow":
        import tensorflow as tf

        tf.config.threading.set_intra_op_parallelism_threads(threads)
        tf.config.threading.set_inter_op_parallelism_threads(threads)


def _worker(args):
    import keras

    if args.threads:
        limit_threads(args.threads)
    result = {"backend": keras.backend.backend(), "config": args.config}
    if not args.skip_step:
        kgan_run = kgan_stylegan2(args.config, args.iterations)
        nvlabs_run = nvlabs_stylegan2(args.reference, args.config, args.iterations)
        kgan_seconds, nvlabs_seconds = interleaved_seconds([kgan_run, nvlabs_run], args.rounds)
        result["kgan_ms_per_iteration"] = 1000 * statistics.median(kgan_seconds) / args.iterations
        result["nvlabs_ms_per_iteration"] = (
            1000 * statistics.median(nvlabs_seconds) / args.iterations)
    if args.fid_batch:
        reference_run, weights_path = pytorch_fid_inception(args.fid_batch)
        kgan_run = kgan_inception(args.fid_batch, weights_path)
        kgan_seconds, reference_seconds = interleaved_seconds(
            [kgan_run, reference_run], args.fid_rounds)
        result["kgan_inception_images_per_second"] = args.fid_batch / statistics.median(
            kgan_seconds)
        result["pytorch_fid_images_per_second"] = args.fid_batch / statistics.median(
            reference_seconds)
    print(_RESULT_TAG + json.dumps(result), flush=True)


def _run_backend(backend, argv, threads):
    env = dict(os.environ, KERAS_BACKEND=backend, TF_CPP_MIN_LOG_LEVEL="3")
    if threads:
        env["OMP_NUM_THREADS"] = str(threads)
        if backend == "jax":
            env["XLA_FLAGS"] = (env.get("XLA_FLAGS", "") + " --xla_cpu_multi_thread_eigen=false "
                                f"intra_op_parallelism_threads={threads}").strip()
    command = [sys.executable, os.path.abspath(__file__), "--worker", *argv]
    proc = subprocess.run(command, env=env, capture_output=True, text=True)
    for line in proc.stdout.splitlines():
        if line.startswith(_RESULT_TAG):
            return json.loads(line[len(_RESULT_TAG):])
    return {"backend": backend, "error": (proc.stderr or proc.stdout)[-2000:]}


def _print_table(results, args):
    if not args.skip_step:
        print(f"\nStyleGAN2 training iteration, {describe(args.config)}; "
              f"{args.iterations} iterations a round, median of {args.rounds} interleaved rounds, "
              f"{args.threads or 'default'} thread(s), PyTorch CPU for NVlabs.")
        print("| backend | kgan ms/iteration | NVlabs ms/iteration | kgan / NVlabs |")
        print("|---|---|---|---|")
        for r in results:
            if "error" in r:
                print(f"| {r['backend']} | error | | |")
                continue
            kgan_ms, nvlabs_ms = r["kgan_ms_per_iteration"], r["nvlabs_ms_per_iteration"]
            print(f"| {r['backend']} | {kgan_ms:.0f} | {nvlabs_ms:.0f} | "
                  f"{kgan_ms / nvlabs_ms:.2f} |")
    if args.fid_batch:
        print(f"\nFID Inception network, 299x299 inputs, batch {args.fid_batch}, median of "
              f"{args.fid_rounds} interleaved rounds (same random weights).")
        print("| backend | kgan images/s | pytorch-fid images/s | kgan time / pytorch-fid time |")
        print("|---|---|---|---|")
        for r in results:
            if "error" in r:
                continue
            ours, theirs = r["kgan_inception_images_per_second"], r[
                "pytorch_fid_images_per_second"]
            print(f"| {r['backend']} | {ours:.1f} | {theirs:.1f} | {theirs / ours:.2f} |")
    for r in results:
        if "error" in r:
            print(f"\n{r['backend']} failed:\n{r['error']}")


def _parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reference", default=default_reference(),
                        help="stylegan2-ada-pytorch clone (default $NVLABS_STYLEGAN2_ADA or /work/ref)")
    parser.add_argument("--backends", nargs="+", default=list(BACKENDS), choices=BACKENDS)
    parser.add_argument("--config", default="digits32", choices=sorted(CONFIGS))
    parser.add_argument("--iterations", type=int, default=D_REG_INTERVAL,
                        help="iterations a round, a multiple of 16 (default 16)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--fid-batch", type=int, default=8, help="0: skip the Inception part")
    parser.add_argument("--fid-rounds", type=int, default=3)
    parser.add_argument("--skip-step", action="store_true")
    parser.add_argument("--threads", type=int, default=1, help="0: library defaults")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.iterations % D_REG_INTERVAL:
        raise ValueError(f"iterations must be a multiple of {D_REG_INTERVAL} (whole "
                         f"regularisation cycles). Received: iterations={args.iterations}")
    return args


def main(argv=None):
    argv = sys.argv[1:] if argv is None else list(argv)
    args = _parse_args(argv)
    if args.worker:
        return _worker(args)
    if not args.skip_step:
        check_reference(args.reference)
    results = [_run_backend(backend, argv, args.threads) for backend in args.backends]
    _print_table(results, args)
    return results


if __name__ == "__main__":
    main()
