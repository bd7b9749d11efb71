"""Images per second of one runner's cells for `benchmarks/gpu.sh`, and its table.

A runner is kgan on the process's Keras backend (`--runner kgan`) or the
PyTorch references (`--runner nvlabs`: NVlabs' StyleGAN2 training loop and
pytorch-fid's Inception, see `benchmarks/nvlabs_step.py`). Its cells run in
this order, each appended to `--results` (JSON lines) as soon as it is
measured, so a process stopped at its time limit keeps the cells it finished:

- `dcgan64` (kgan only): `kgan.models.DCGAN(image_shape=(64, 64, 3),
  latent_dim=100, base_filters=64)`, batch 128 (the DCGAN paper's), `fit()`;
- `stylegan2`: a full training iteration (see `nvlabs_step.py`) at
  `--config` (default `auto256`, stylegan2-ada's `--cfg=auto` at 256², batch 16);
- `inception`: the FID Inception network on 299×299 inputs, batch 50.

DCGAN and StyleGAN2 run in float32 and mixed precision (kgan: the
`mixed_float16` policy; NVlabs: `num_fp16_res=4`, `conv_clamp=256`), Inception
in float32. A cell runs one warm-up round (compilation), then rounds until
`--measure-seconds` have passed (at least one; 0: one round and no warm-up); images/s counts real images
shown to D (StyleGAN2-ADA's kimg) or fed to Inception. A cell that would start
after `--deadline` seconds is recorded as skipped.

    KERAS_BACKEND=jax python benchmarks/throughput.py --runner kgan --results cells.jsonl
    python benchmarks/throughput.py --runner nvlabs --reference PATH --results cells.jsonl
    python benchmarks/throughput.py --table cells.jsonl
"""

import argparse
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import nvlabs_step  # noqa: E402  (benchmarks/ is a folder of scripts, not a package)

MODELS = ("dcgan64", "stylegan2", "inception")
PRECISIONS = ("float32", "mixed")
RUNNERS = ("jax", "tensorflow", "torch", "nvlabs")
SIZES = {  # name: (dcgan image size, base filters, batch, iterations a round), inception batch
    "full": dict(dcgan=(64, 64, 128, 20), inception_batch=50),
    "smoke": dict(dcgan=(16, 8, 16, 2), inception_batch=2),
}
# stylegan2-ada-pytorch README, "Expected training time": 256x256, 1 GPU, 21.6-24.2 s/kimg,
# measured on Tesla V100 with --cfg=auto --aug=ada (batch 16, mixed precision, ADA on).
PUBLISHED = "41-46 (V100, auto256 mixed, ADA on)"


def kgan_dcgan(image_size, base_filters, batch, iterations, precision, seed=0):
    import keras
    import numpy as np

    import kgan

    keras.config.set_dtype_policy("mixed_float16" if precision == "mixed" else "float32")
    keras.utils.set_random_seed(seed)
    shape = (image_size, image_size, 3)
    model = kgan.models.DCGAN(image_shape=shape, latent_dim=100, base_filters=base_filters,
                              seed=seed)
    model.compile()
    keras.config.set_dtype_policy("float32")
    images = np.random.default_rng(seed).uniform(
        -1, 1, (batch * iterations, *shape)).astype("float32")
    last_variable = model.generator.weights[-1]

    def run():
        model.fit(images, batch_size=batch, epochs=1, verbose=0, shuffle=False)
        keras.ops.convert_to_numpy(last_variable)

    return run, len(images)


def measure(runner, measure_seconds):
    """Images per second of `runner` after one warm-up round; with `measure_seconds`
    0 (smoke runs), of one round, compilation included."""
    run, images = runner
    if measure_seconds:
        run()
    rounds, start = 0, time.perf_counter()
    while rounds == 0 or time.perf_counter() - start < measure_seconds:
        run()
        rounds += 1
    return rounds * images / (time.perf_counter() - start)


def device_name(runner):
    """The accelerator the runner computes on, or "cpu"."""
    if runner in ("nvlabs", "torch"):
        import torch

        return torch.cuda.get_device_name() if torch.cuda.is_available() else "cpu"
    if runner == "jax":
        import jax

        device = jax.devices()[0]
        return device.device_kind if device.platform != "cpu" else "cpu"
    import tensorflow as tf

    gpus = tf.config.list_physical_devices("GPU")
    return tf.config.experimental.get_device_details(gpus[0]).get("device_name", "gpu") if gpus else "cpu"


def cells(args):
    """`(model, precision, make_runner)` for every cell of the runner, in running order."""
    size = SIZES["smoke" if args.config == "smoke" else "full"]
    if args.runner == "nvlabs":
        import torch

        device = "cuda" if torch.cuda.is_available() else "cpu"
        iterations = args.iterations
        for precision in PRECISIONS:
            yield "stylegan2", precision, lambda p=precision: nvlabs_step.nvlabs_stylegan2(
                args.reference, args.config, iterations, p, device)
        yield "inception", "float32", lambda: nvlabs_step.pytorch_fid_inception(
            size["inception_batch"], device)[0]
        return
    image_size, base_filters, batch, dcgan_iterations = size["dcgan"]
    for precision in PRECISIONS:
        yield "dcgan64", precision, lambda p=precision: kgan_dcgan(
            image_size, base_filters, batch, dcgan_iterations, p)
    for precision in PRECISIONS:
        yield "stylegan2", precision, lambda p=precision: nvlabs_step.kgan_stylegan2(
            args.config, args.iterations, p)
    yield "inception", "float32", lambda: nvlabs_step.kgan_inception(size["inception_batch"])


def write(path, record):
    with open(path, "a") as file:
        file.write(json.dumps(record) + "\n")


def run_cells(args):
    start = time.perf_counter()
    runner = args.runner
    if runner == "kgan":
        import keras

        runner = keras.backend.backend()
    base = {"runner": runner, "config": args.config, "device": device_name(runner)}
    for model, precision, make_runner in cells(args):
        record = dict(base, model=model, precision=precision)
        if time.perf_counter() - start > args.deadline:
            write(args.results, dict(record, error="skipped: out of time"))
            continue
        try:
            record["images_per_second"] = measure(make_runner(), args.measure_seconds)
        except Exception as error:  # one failing cell must not lose the others
            record["error"] = f"{type(error).__name__}: {error}"[:300]
        write(args.results, record)
        print(json.dumps(record), flush=True)


def _cell_text(record):
    if record is None:
        return "missing"
    if "images_per_second" in record:
        return f"{record['images_per_second']:.1f}"
    error = record["error"]
    if error.startswith("skipped"):
        return "skipped (time)"
    if "stylegan2-ada-pytorch was not found" in error or "No module named" in error:
        return "not available"
    return "timeout" if "timeout" in error else "failed"


def print_table(path):
    """The table of a results file (one row per model and precision)."""
    with open(path) as file:
        records = [json.loads(line) for line in file if line.strip()]
    cells_by_key, process_errors = {}, {}
    for record in records:
        if "model" in record:
            cells_by_key[record["runner"], record["model"], record["precision"]] = record
        else:
            process_errors[record["runner"]] = record
    devices = sorted({r["device"] for r in records if "device" in r})
    configs = sorted({r["config"] for r in records if "config" in r})
    config = configs[0] if configs else "auto256"
    print(f"\nimages/s on {', '.join(devices) or 'unknown device'}; StyleGAN2: "
          f"{nvlabs_step.describe(config)}")
    print("| model | precision | jax | tensorflow | torch | NVlabs / pytorch-fid, same device "
          "| published |")
    print("|---|---|---|---|---|---|---|")
    names = {"dcgan64": "DCGAN 64x64, batch 128" if config != "smoke" else "DCGAN (smoke)",
             "stylegan2": f"StyleGAN2 {config}", "inception": "FID Inception 299x299"}
    for model in MODELS:
        for precision in PRECISIONS:
            if model == "inception" and precision == "mixed":
                continue
            row = []
            for runner in RUNNERS:
                if runner == "nvlabs" and model == "dcgan64":
                    row.append("-")
                    continue
                record = cells_by_key.get((runner, model, precision), process_errors.get(runner))
                row.append(_cell_text(record))
            published = PUBLISHED if model == "stylegan2" and precision == "mixed" else "-"
            print(f"| {names[model]} | {precision} | {' | '.join(row)} | {published} |")
    for runner, record in process_errors.items():
        print(f"{runner}: {record['error']}")


def _parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runner", choices=("kgan", "nvlabs"))
    parser.add_argument("--results", help="JSON-lines file the cells are appended to")
    parser.add_argument("--config", default="auto256", choices=sorted(nvlabs_step.CONFIGS))
    parser.add_argument("--iterations", type=int, default=nvlabs_step.D_REG_INTERVAL,
                        help="StyleGAN2 iterations a round (16: one regularisation cycle)")
    parser.add_argument("--measure-seconds", type=float, default=6.0)
    parser.add_argument("--deadline", type=float, default=float("inf"),
                        help="seconds after which no cell starts")
    parser.add_argument("--reference", default=nvlabs_step.default_reference())
    parser.add_argument("--table", metavar="RESULTS", help="print the table of a results file")
    args = parser.parse_args(argv)
    if not args.table and not (args.runner and args.results):
        parser.error("give --table RESULTS, or --runner and --results")
    return args


def main(argv=None):
    args = _parse_args(argv)
    if args.table:
        return print_table(args.table)
    return run_cells(args)


if __name__ == "__main__":
    main()
