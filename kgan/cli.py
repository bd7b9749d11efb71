"""The `kgan` command line: list and train recipes; sample, evaluate and export saved models.

    kgan recipes
    kgan train [dcgan_mnist] [--backend jax] [--smoke] [--set epochs=5 ...] [--workers N]
               [--compile-cache DIR]
    kgan sample runs/dcgan_digits/model.keras --num 64 --out grid.png [--seed 0]
    kgan evaluate runs/dcgan_digits/model.keras [--num 1000]
    kgan export runs/dcgan_digits/model.keras exported/dcgan/1 [--overwrite]

`sample`, `evaluate` and `export` also take an NVlabs stylegan2-ada-pytorch network
pickle (`MODEL.pkl`, read by `kgan.pretrained.load_nvlabs_stylegan2`) or a
pytorch-pretrained-biggan BigGAN-deep folder (`config.json` + `pytorch_model.bin`,
`kgan.pretrained.load_biggan_deep`; `--psi` is its truncation) in place of a `.keras`
file; `export` also takes a pix2pix/CycleGAN generator `.pth` of
junyanz/pytorch-CycleGAN-and-pix2pix with the authors' options (`--netG`, `--norm`,
`--no_dropout`, `--input_nc`, `--output_nc`, `--ngf`). Also `python -m kgan.cli ...`. Every command takes `--backend`
(tensorflow, jax or torch; default: `KERAS_BACKEND` or Keras' configured one).
Keras fixes its backend when it is first imported, so a `--backend` other than
the current one re-runs the command in a fresh interpreter with
`KERAS_BACKEND` set. TensorFlow's C++ log lines (cuInit, oneDNN, grappler)
are hidden unless `--verbose` is given (`kgan.utils.native_logs`).
"""

import argparse
import inspect
import json
import os
import subprocess
import sys
import tempfile

import numpy as np

from kgan.utils.native_logs import quiet_native_logs

BACKENDS = ("tensorflow", "jax", "torch")
DEFAULT_RECIPE = "dcgan_mnist"  # the README's demo
MODEL_HELP = ("a .keras file saved by a kgan model, an NVlabs stylegan2-ada-pytorch network "
              "pickle (.pkl) or a BigGAN-deep folder (config.json + pytorch_model.bin)")


def _current_backend():
    import keras

    return keras.backend.backend()


def _load_pretrained(args):
    """An authors' file at `args.model` as a kgan model, or None for a `.keras` file."""
    import kgan.pretrained

    if args.model.endswith(".pkl"):
        return kgan.pretrained.load_nvlabs_stylegan2(args.model)
    if any(os.path.isfile(os.path.join(args.model, name))
           for name in ("config.json", "pytorch_model.bin")):
        return kgan.pretrained.load_biggan_deep(args.model)
    if args.model.endswith(".pth"):
        if not hasattr(args, "netG"):
            args.parser.error(
                f"{args.model} is a pix2pix/CycleGAN generator: it translates images. Export "
                "it (kgan export FILE.pth OUT_DIR --netG ...) or use "
                "kgan.pretrained.load_junyanz_generator in Python."
            )
        return kgan.pretrained.load_junyanz_generator(
            args.model, netG=args.netG, norm=args.norm, input_nc=args.input_nc,
            output_nc=args.output_nc, ngf=args.ngf, use_dropout=not args.no_dropout,
            image_size=args.image_size)
    return None


def _load_model(args):
    """The model at `args.model`: a `.keras` file, an NVlabs stylegan2-ada-pytorch
    `.pkl`, a BigGAN-deep folder or (export) a junyanz generator `.pth`."""
    try:
        model = _load_pretrained(args)
    except (FileNotFoundError, ValueError, ImportError) as error:
        args.parser.error(str(error))
    if model is not None:
        return model
    from kgan.saving import ModelFileError, load_model

    try:
        # compile=False: sampling, scoring and export need no optimizer state.
        return load_model(args.model, compile=False)
    except ModelFileError as error:
        args.parser.error(str(error))


def _require_generator(model, args):
    if getattr(model, "is_translator", False):
        args.parser.error(
            f"{args.model} is an image-to-image translator ({type(model).__name__}); it maps "
            "images to images: use model.translate(images) in Python."
        )
    if not callable(getattr(model, "generate", None)):
        args.parser.error(
            f"{args.model} holds a {type(model).__name__}, not a kgan model with generate(): "
            "save a kgan GAN (model.save('model.keras'))."
        )


def _labels(model, args, text=None):
    """Labels for `args.num` samples: None → cycling through the classes; "3" → all 3;
    "0,1,2" → that list repeated."""
    if getattr(model, "num_classes", None) is None:  # StyleGAN's is None when unconditional
        if text is not None:
            args.parser.error(f"--labels is for conditional models; {type(model).__name__} "
                              "has no classes.")
        return None
    if text is None:
        return np.arange(args.num) % model.num_classes
    try:
        values = [int(item) for item in text.split(",")]
    except ValueError:
        args.parser.error(f"--labels must be comma-separated integers. Received: {text!r}")
    if min(values) < 0 or max(values) >= model.num_classes:
        args.parser.error(f"--labels must lie in [0, {model.num_classes}). Received: {text!r}")
    return np.resize(np.asarray(values, dtype="int32"), args.num)


def _truncation_keyword(model):
    """generate()'s truncation argument: StyleGAN's and BigGAN's `psi`, BigGAN-deep's
    `truncation`; None when there is none."""
    parameters = inspect.signature(model.generate).parameters
    return next((name for name in ("psi", "truncation") if name in parameters), None)


def _generate(model, num, seed, labels, psi=None):
    kwargs = {"seed": seed}
    if psi is not None:
        kwargs[_truncation_keyword(model)] = psi
    if labels is not None:
        return model.generate(labels=labels, **kwargs)
    return model.generate(num, **kwargs)


# ------------------------------------------------------------------ commands
def cmd_recipes(args):
    from kgan.recipe import describe_recipe, find_recipes, recipes_dir

    try:
        recipes = find_recipes()
    except FileNotFoundError as error:
        args.parser.error(str(error))
    width = max(map(len, recipes), default=0)
    for name, path in recipes.items():
        print(f"{name:<{width}}  {describe_recipe(path)}")
    print(f"\n({len(recipes)} recipes in {recipes_dir()}; run one with: kgan train NAME)")


def cmd_train(args):
    from kgan.recipe import load_recipe, recipe_defaults, to_json, with_overrides

    try:
        recipe = load_recipe(args.recipe)
    except (ValueError, FileNotFoundError) as error:
        args.parser.error(str(error))
    try:
        config = with_overrides(recipe_defaults(recipe, smoke=args.smoke), args.overrides)
    except ValueError as error:
        args.parser.error(str(error))
    if args.workers > 1:
        sys.exit(_launch_workers(args))
    _choose_torch_threads(args)
    from kgan.backend import enable_compile_cache, initialize_processes, is_chief

    if args.compile_cache:
        enable_compile_cache(args.compile_cache)
    initialize_processes()
    if is_chief():
        print(to_json(recipe.run(config)))
        return
    # Another rank of a multi-process run: the recipe's own files go to a folder
    # removed afterwards (rank 0 writes the run's files).
    with tempfile.TemporaryDirectory() as scratch:
        recipe.run({**config, "out_dir": scratch,
                    **({"tensorboard_dir": None} if "tensorboard_dir" in config else {})})


def _launch_workers(args):
    """`--workers N`: this command as N local processes of one run (`kgan.launcher`);
    returns the exit code."""
    from kgan.launcher import MULTI_PROCESS_BACKENDS, launch

    backend = _current_backend()
    if backend not in MULTI_PROCESS_BACKENDS:
        args.parser.error(f"--workers > 1 needs one of the backends {MULTI_PROCESS_BACKENDS}. "
                          f"Received: --backend {backend}")
    # argparse keeps the last --workers: each process runs the command as one worker.
    return launch([sys.executable, "-m", "kgan.cli", *args.argv, "--workers", "1"],
                  backend, args.workers)


def _choose_torch_threads(args):
    """Torch on CPU: one thread unless --torch-threads or OMP_NUM_THREADS says
    otherwise: on a few busy cores torch's default (a thread a core) runs small
    networks several times slower (README, "torch on CPU")."""
    if args.torch_threads is not None and args.torch_threads < 0:
        args.parser.error(f"--torch-threads must be ≥ 0. Received: {args.torch_threads}")
    threads = args.torch_threads
    if threads is None:
        threads = 0 if "OMP_NUM_THREADS" in os.environ else 1
    if threads and _current_backend() == "torch":
        from kgan.backend.torch import set_cpu_threads

        set_cpu_threads(threads)


def cmd_sample(args):
    from kgan.callbacks import save_image_grid, save_scatter

    model = _load_model(args)
    _require_generator(model, args)
    if args.psi is not None and _truncation_keyword(model) is None:
        args.parser.error(f"--psi (the truncation trick) needs a model whose generate() takes "
                          f"psi or truncation; {type(model).__name__}.generate() does not.")
    labels = _labels(model, args, args.labels)
    samples = _generate(model, args.num, args.seed, labels, args.psi)
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    title = f"{type(model).__name__}, seed {args.seed}"
    if samples.ndim == 2 and samples.shape[1] == 2:
        save_scatter(samples, args.out, title=title)
    else:
        save_image_grid(samples, args.out, title=title)
    print(json.dumps({"out": args.out, "num_samples": int(len(samples)),
                      "sample_shape": list(samples.shape[1:])}))


def cmd_evaluate(args):
    import kgan

    model = _load_model(args)
    _require_generator(model, args)
    labels = _labels(model, args)
    samples = _generate(model, args.num, args.seed, labels)
    shape = tuple(samples.shape[1:])
    result = {"model": args.model, "class": type(model).__name__, "num_samples": args.num,
              "sample_shape": list(shape)}
    if len(shape) == 3 and shape[0] == shape[1] and shape[2] == 1:
        from kgan.metrics.digits import MIN_SAMPLES

        if args.num < MIN_SAMPLES:
            args.parser.error(f"--num must be ≥ {MIN_SAMPLES} for the digits metrics. "
                              f"Received: --num {args.num}")
        data = args.data or ("mnist" if shape[0] == 28 else "digits")
        evaluators = {"mnist": kgan.metrics.MNISTEvaluator, "digits": kgan.metrics.DigitsEvaluator}
        evaluator = evaluators[data](image_size=shape[0])
        result[data] = evaluator.evaluate(samples, labels)
        result[f"{data}_real_floor"] = evaluator.real_floor()
    elif shape == (2,):
        from kgan.data.mixtures import MIXTURE_NAMES

        for name in [args.mixture] if args.mixture else MIXTURE_NAMES:
            centers, std = kgan.data.mixture_modes(name)
            result[f"mode_coverage_{name}"] = kgan.metrics.mode_coverage(samples, centers, std)
    else:
        args.parser.error(
            f"no metric applies to samples of shape {shape}: kgan evaluate scores grey square "
            "digit images (s, s, 1) with the shipped digits classifier and 2-D points with mode "
            "coverage."
        )
    print(json.dumps(result, indent=2, default=float))


def cmd_export(args):
    model = _load_model(args)
    try:
        from kgan.export import export_saved_model
    except ImportError as error:
        args.parser.error(f"kgan.export is not available: {error}")
    try:
        export_saved_model(model, args.out_dir, overwrite=args.overwrite)
    except FileExistsError as error:
        args.parser.error(str(error))
    print(json.dumps({"saved_model": args.out_dir}))


# ------------------------------------------------------------------ parser
def _positive_int(text):
    """argparse type of a count ≥ 1; argparse names the option in its message."""
    value = int(text)  # argparse reports text that is no integer itself
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be an integer ≥ 1. Received: {text}")
    return value


def build_parser():
    parser = argparse.ArgumentParser(
        prog="kgan", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--backend", choices=BACKENDS,
                        help="Keras backend (default: KERAS_BACKEND or Keras' configured one)")
    common.add_argument("--verbose", action="store_true",
                        help="also show TensorFlow's C++ log lines (hidden by default)")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    recipes = commands.add_parser(
        "recipes", parents=[common], help="list the recipes with their one-line descriptions",
        description="Lists every recipe (recipes/*.py, or $KGAN_RECIPES) with the first line "
                    "of its docstring.")
    recipes.set_defaults(run=cmd_recipes, parser=recipes)

    train = commands.add_parser(
        "train", parents=[common], help="run a recipe",
        description="Runs a recipe (see `kgan recipes`) and prints its figures as JSON. Its "
                    "files go to its out_dir (default runs/<recipe>).")
    train.add_argument("recipe", nargs="?", default=DEFAULT_RECIPE,
                       help=f"recipe name (default {DEFAULT_RECIPE})")
    train.add_argument("--set", dest="overrides", action="append", default=[],
                       metavar="KEY=VALUE", help="override a config default (repeatable)")
    train.add_argument("--smoke", action="store_true",
                       help="apply the recipe's SMOKE overrides first (a run of seconds); "
                            "its files go to <out_dir>/smoke, not over a full run's")
    train.add_argument("--workers", type=_positive_int, default=1, metavar="N",
                       help="train as N local processes of one run (torch.distributed, JAX "
                            "multi-controller or TensorFlow MultiWorkerMirroredStrategy; gloo/"
                            "gRPC on CPU); rank 0's output is shown and writes the files; when "
                            "one process fails all are ended (default 1)")
    train.add_argument("--compile-cache", metavar="DIR",
                       help="JAX backend: keep compiled train steps in DIR (JAX's persistent "
                            "compilation cache), so a later run of the same recipe skips most "
                            "of its compilation (as KGAN_COMPILE_CACHE=DIR does)")
    train.add_argument("--torch-threads", type=int, metavar="N",
                       help="torch backend: CPU threads (default 1, or torch's own choice "
                            "when OMP_NUM_THREADS is set; 0: torch's own choice)")
    train.set_defaults(run=cmd_train, parser=train)

    sample = commands.add_parser(
        "sample", parents=[common], help="write a grid of samples of a saved model",
        description="Generates samples with a saved kgan model and writes an image grid (or a "
                    "scatter plot for 2-D samples).")
    sample.add_argument("model", help=MODEL_HELP)
    sample.add_argument("--num", type=_positive_int, default=64,
                        help="number of samples (default 64)")
    sample.add_argument("--out", default="samples.png", help="output PNG (default samples.png)")
    sample.add_argument("--seed", type=int, default=0, help="latent seed (default 0)")
    sample.add_argument("--labels", help="conditional models: one label ('3') or a list "
                                         "('0,1,2', repeated); default cycles through classes")
    sample.add_argument("--psi", type=float,
                        help="truncation psi, for models whose generate() takes psi")
    sample.set_defaults(run=cmd_sample, parser=sample)

    evaluate = commands.add_parser(
        "evaluate", parents=[common], help="score a saved model with every metric that applies",
        description="Prints JSON figures: FID/KID/precision/recall/IS-MNIST or -digits for grey "
                    "square digit generators (against the bundled test split, beside the real "
                    "floor), mode coverage for 2-D generators.")
    evaluate.add_argument("model", help=MODEL_HELP)
    evaluate.add_argument("--num", type=_positive_int, default=1000,
                          help="samples (default 1000; ≥ 10 for the digits metrics)")
    evaluate.add_argument("--seed", type=int, default=0, help="latent seed (default 0)")
    evaluate.add_argument("--mixture", help="2-D models: the mixture to score against "
                                            "(default: every one)")
    evaluate.add_argument("--data", choices=("mnist", "digits"),
                          help="grey digit images: score against the bundled MNIST test split "
                               "(FID-MNIST) or the small digits' (FID-digits); default mnist "
                               "for 28×28 samples, else digits")
    evaluate.set_defaults(run=cmd_evaluate, parser=evaluate)

    export = commands.add_parser(
        "export", parents=[common], help="export a saved model as a TF Serving SavedModel",
        description="Writes a SavedModel with serving signatures (kgan.export."
                    "export_saved_model); needs TensorFlow, works from any backend.")
    export.add_argument("model", help=MODEL_HELP + ", or a pix2pix/CycleGAN generator .pth "
                                      "of junyanz/pytorch-CycleGAN-and-pix2pix")
    export.add_argument("out_dir", help="output directory of the SavedModel: new or empty "
                                        "(TF Serving's layout: BASE/VERSION, e.g. export/dcgan/1)")
    export.add_argument("--overwrite", action="store_true",
                        help="replace the SavedModel in out_dir (without it, an out_dir that "
                             "holds files is refused; to serve a new model, export to the next "
                             "version number instead)")
    junyanz = export.add_argument_group(
        "a junyanz generator .pth: the authors' options it was trained with (their names and "
        "defaults; CycleGAN's pretrained models need --no_dropout, pix2pix's --netG unet_256 "
        "--norm batch)")
    junyanz.add_argument("--netG", default="resnet_9blocks",
                         choices=("resnet_9blocks", "resnet_6blocks", "unet_256", "unet_128"))
    junyanz.add_argument("--norm", default="instance", choices=("instance", "batch", "none"))
    junyanz.add_argument("--no_dropout", action="store_true", help="no dropout layers")
    junyanz.add_argument("--input_nc", type=_positive_int, default=3)
    junyanz.add_argument("--output_nc", type=_positive_int, default=3)
    junyanz.add_argument("--ngf", type=_positive_int, default=64)
    junyanz.add_argument("--image_size", type=_positive_int, default=256,
                         help="the served images' height and width (default 256)")
    export.set_defaults(run=cmd_export, parser=export)
    return parser


def main(argv=None):
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser()
    args = parser.parse_args(argv)
    args.argv = argv
    if not args.verbose:
        quiet_native_logs()
    if args.backend and args.backend != _current_backend():
        env = {**os.environ, "KERAS_BACKEND": args.backend}
        return subprocess.run([sys.executable, "-m", "kgan.cli", *argv], env=env).returncode
    args.run(args)
    return 0

if __name__ == "__main__":
    sys.exit(main())
