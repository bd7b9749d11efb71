"""Image-to-image translation on the offline digits tasks: the figures of the notes.

Runs the pix2pix (edges → digit, and grey → colour), CycleGAN, SRGAN, StarGAN,
Zi2Zi and GANimation recipes with their defaults (overridable with `--set
key=value`, applied to every recipe that has the key) on the active Keras
backend and prints, as JSON, per model: pix2pix L1/PSNR to the test targets and
the digits classifier's accuracy on the translations (colourisation: the share
inked in the digit's colour); CycleGAN's digit and domain accuracy in both directions (domain by
a probe CNN trained on real images, with its accuracy on real test images) and
the cycle L1/PSNR; SRGAN's PSNR against bicubic upsampling; StarGAN's
target-domain accuracy, content kept and reconstruction; Zi2Zi's style accuracy
and content kept; GANimation's condition regression error (each probe's score
on real images beside it).

    KERAS_BACKEND=torch nice -n 10 python benchmarks/translation.py [--models pix2pix ...]
"""

import argparse
import os
import sys

import kgan

MODELS = ("pix2pix", "pix2pix_colorize", "cyclegan", "srgan", "stargan", "zi2zi", "ganimation")
# A model that is not `<name>_digits` with its defaults: its recipe and the config it sets.
VARIANTS = {"pix2pix_colorize": ("pix2pix_digits", {"task": "colorize"})}
KEYS = {
    "pix2pix": ("test", "test_targets", "train_seconds"),
    "pix2pix_colorize": ("test", "train_seconds"),
    "cyclegan": ("a_to_b", "b_to_a", "domain_probe_accuracy_on_real", "train_seconds"),
    "srgan": ("test_psnr", "bicubic_psnr", "train_seconds"),
    "stargan": ("domain_accuracy", "domain_probe_accuracy_on_real", "digit_probe_accuracy",
                "digit_probe_accuracy_by_change", "digit_probe_accuracy_own_domain",
                "digit_probe_accuracy_on_real", "digit_accuracy", "digit_accuracy_on_targets",
                "targets", "inputs_to_targets", "reconstruction", "train_seconds"),
    "zi2zi": ("style_accuracy", "style_probe_accuracy_on_real", "digit_accuracy",
              "digit_accuracy_on_real", "digit_probe_accuracy", "digit_probe_accuracy_on_real",
              "test", "train_seconds"),
    "ganimation": ("condition_error", "condition_error_of_real_renderings",
                   "condition_error_of_inputs", "l1_to_real_renderings", "digit_accuracy",
                   "mean_attention", "train_seconds"),
}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", nargs="+", choices=MODELS, default=list(MODELS))
    parser.add_argument("--set", dest="overrides", action="append", default=[])
    parser.add_argument("--out-dir", default="runs/benchmark_translation")
    args = parser.parse_args(argv)
    results = {}
    for name in args.models:
        recipe_name, variant = VARIANTS.get(name, (f"{name}_digits", {}))
        recipe = kgan.recipe.load_recipe(recipe_name)
        overrides = [item for item in args.overrides if item.partition("=")[0] in recipe.CONFIG]
        config = kgan.recipe.with_overrides({**recipe.CONFIG, **variant}, overrides)
        config.update(verbose=0, out_dir=os.path.join(args.out_dir, name))
        result = recipe.run(config)
        results[name] = {key: result[key] for key in KEYS[name]}
        results[name]["epochs"] = config["epochs"]
        print(name, kgan.recipe.to_json(results[name]), file=sys.stderr, flush=True)
    print(kgan.recipe.to_json({"backend": result["backend"], **results}))
    return results


if __name__ == "__main__":
    main()
