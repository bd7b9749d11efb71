"""Trains on one backend, saves; loads and resumes on another. For test_cross_backend_checkpoint.py.

    KERAS_BACKEND=jax python tests/checkpoint_run.py save DIR
    KERAS_BACKEND=torch python tests/checkpoint_run.py resume DIR

`save` trains one step, writes DIR/model.keras and DIR/model.weights.h5, then
takes one more step and writes DIR/<backend>.npz (outputs after the first step,
losses and outputs after the second). `resume` loads both files, records the
outputs, takes the same second step from the `.keras` file and writes the same
npz. The noise is fixed so every backend takes the same step.
"""

import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import keras  # noqa: E402
import numpy as np  # noqa: E402
from keras import ops  # noqa: E402

import kgan  # noqa: E402

LATENT_DIM, BATCH = 8, 16
RNG = np.random.default_rng(3)
X = np.tanh(RNG.standard_normal((2, BATCH, 16, 16, 1))).astype("float32")
Z = RNG.standard_normal((BATCH, LATENT_DIM)).astype("float32")


@keras.saving.register_keras_serializable(package="kgan_tests")
class FixedNoiseGAN(kgan.models.GAN):
    """A GAN whose training noise is a constant, so all backends take the same step."""

    def sample_noise(self, batch):
        return {"z": ops.convert_to_tensor(Z)}


def build():
    keras.utils.set_random_seed(0)
    g = kgan.networks.dcgan_generator(LATENT_DIM, (16, 16, 1), base_filters=8)
    d = kgan.networks.dcgan_discriminator((16, 16, 1), base_filters=8)
    model = FixedNoiseGAN(g, d, latent_dim=LATENT_DIM, ema_decay=0.5)
    model.compile(g_optimizer=keras.optimizers.Adam(1e-3, beta_1=0.5),
                  d_optimizer=keras.optimizers.Adam(1e-3, beta_1=0.5))
    return model


def outputs(model, prefix):
    return {
        f"{prefix}_ema": model.generate(z=Z),
        f"{prefix}_generator": ops.convert_to_numpy(model.generator(Z, training=False)),
        f"{prefix}_discriminator": ops.convert_to_numpy(model.discriminator(X[0], training=False)),
        f"{prefix}_iterations": np.array(int(ops.convert_to_numpy(model.optimizer.iterations))),
    }


def second_step(model):
    logs = model.train_on_batch(X[1], return_dict=True)
    return {"d_loss": np.array(float(logs["d_loss"])), "g_loss": np.array(float(logs["g_loss"])),
            **outputs(model, "resumed")}


def main(mode, folder):
    results = {}
    if mode == "save":
        model = build()
        model.train_on_batch(X[0])
        model.save(os.path.join(folder, "model.keras"))
        model.save_weights(os.path.join(folder, "model.weights.h5"))
        results.update(outputs(model, "loaded"))
    else:
        from_weights = build()
        from_weights.load_weights(os.path.join(folder, "model.weights.h5"))
        results.update(outputs(from_weights, "weights"))
        model = keras.saving.load_model(os.path.join(folder, "model.keras"))
        results.update(outputs(model, "loaded"))
    model.reset_metrics()
    results.update(second_step(model))
    np.savez(os.path.join(folder, f"{keras.backend.backend()}.npz"), **results)


if __name__ == "__main__":
    main(*sys.argv[1:])
