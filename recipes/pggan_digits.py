"""ProgressiveGAN on the bundled digits: grows from 4×4 to 32×32 with fade-in.

Trains `kgan.models.ProgressiveGAN` (equalised learning rate, pixel norm,
minibatch standard deviation, WGAN-GP with the drift term) on the 8×8 digits
upsampled to `image_size`, with `kgan.callbacks.ProgressiveGrowing` adding a
resolution every `fade_images + stable_images` training images. Writes a grid
per epoch to `out_dir/epochs` (at the resolution of that moment), the final
grid to `out_dir/samples.png`, `out_dir/model.keras` and
`out_dir/loss_curves.png`, and prints the growth schedule it ran and
`kgan.metrics.DigitsEvaluator` figures on `num_eval_samples` samples (FID-digits,
classes covered and each class's share of the samples as the shipped classifier
reads them) beside the real-data floor.

    kgan train pggan_digits [--backend jax] [--set key=value ...]
    python recipes/pggan_digits.py [--set key=value ...]
"""

import os
import time

import keras
import numpy as np

import kgan

CONFIG = dict(
    image_size=32,
    latent_dim=64,
    base_filters=8,  # feature maps at the final resolution, doubled per halving ...
    max_filters=64,  # ... up to this many
    batch_size=32,
    fade_images=1500,  # the paper: 600k each, at every resolution
    stable_images=1500,
    epochs=12,  # 12 × 1,408 images; 32×32 fades in from image 7,500 (4×4: 1,500, then 3,000 per level)
    learning_rate=1e-3,
    gp_weight=10.0,
    drift_weight=0.001,
    ema_half_life_images=1000.0,
    seed=0,
    num_eval_samples=1000,
    grid_every_n_epochs=2,
    verbose=1,
    out_dir="runs/pggan_digits",
)
SMOKE = dict(image_size=8, latent_dim=8, base_filters=4, max_filters=8, batch_size=128,
             fade_images=128, stable_images=128, epochs=1, num_eval_samples=100,
             grid_every_n_epochs=1, verbose=0)
NUM_CLASSES = 10


def run(config):
    keras.utils.set_random_seed(config["seed"])
    size, batch_size = config["image_size"], config["batch_size"]
    images, _ = kgan.data.load_digits(image_size=size, split="train")
    # Whole batches only: the critic's minibatch standard deviation groups 4 samples.
    images = images[: len(images) // batch_size * batch_size]
    filters = dict(base_filters=config["base_filters"], max_filters=config["max_filters"])
    model = kgan.models.ProgressiveGAN(
        kgan.networks.ProgressiveGenerator(config["latent_dim"], resolution=size, **filters),
        kgan.networks.ProgressiveDiscriminator(resolution=size, **filters),
        fade_images=config["fade_images"],
        stable_images=config["stable_images"],
        gp_weight=config["gp_weight"],
        drift_weight=config["drift_weight"],
        ema_half_life_images=config["ema_half_life_images"],
        seed=config["seed"],
    )
    adam = dict(learning_rate=config["learning_rate"], beta_1=0.0, beta_2=0.99, epsilon=1e-8)
    model.compile(g_optimizer=keras.optimizers.Adam(**adam),
                  d_optimizer=keras.optimizers.Adam(**adam))
    out_dir = config["out_dir"]
    growing = kgan.callbacks.ProgressiveGrowing(verbose=config["verbose"])
    grids = kgan.callbacks.SampleGrid(os.path.join(out_dir, "epochs"),
                                      every_n_epochs=config["grid_every_n_epochs"])
    start = time.time()
    history = model.fit(images, batch_size=batch_size, epochs=config["epochs"],
                        callbacks=[growing, grids], verbose=config["verbose"])
    train_seconds = time.time() - start
    grid_path = os.path.join(out_dir, "samples.png")
    side = model.current_resolution
    kgan.callbacks.save_image_grid(model.generate(64, seed=1), grid_path,
                                   title=f"ProgressiveGAN digits ({side}×{side})")
    result = {
        **kgan.recipe.save_and_summarize(model, history, train_seconds, out_dir),
        "samples_png": grid_path,
        "images_seen": config["epochs"] * len(images),
        "growths": [{"epoch": epoch + 1, "batch": batch + 1, "level": level}
                    for epoch, batch, level in growing.growths],
        "final_level": model.current_level,
        "final_alpha": round(float(keras.ops.convert_to_numpy(model.alpha)), 4),
    }
    if side != size:  # the schedule ended before the final resolution: nothing to score
        return result
    evaluator = kgan.metrics.DigitsEvaluator(image_size=size)
    samples = model.generate(config["num_eval_samples"], seed=2)
    predicted = evaluator.extractor.features_and_probabilities(samples)[1].argmax(axis=1)
    shares = np.bincount(predicted, minlength=NUM_CLASSES) / len(predicted)
    return {
        **result,
        "generated": evaluator.evaluate(samples),
        "class_shares": [round(float(share), 3) for share in shares],
        "real_floor": evaluator.real_floor(),
    }


if __name__ == "__main__":
    kgan.recipe.main(CONFIG, run, description=__doc__)
