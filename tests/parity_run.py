"""Runs 5 training steps of one model from given weights and noise; saves the losses.

Used by test_parity.py in one subprocess per backend:
    KERAS_BACKEND=... python tests/parity_run.py CASE INPUTS.npz OUTPUT.npz
"""

import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import keras  # noqa: E402
import numpy as np  # noqa: E402
from keras import ops  # noqa: E402

import kgan  # noqa: E402

STEPS = 5


def build(case):
    """The networks and model class of a parity case (same on every backend)."""
    if case == "dcgan":
        g = kgan.networks.dcgan_generator(8, (16, 16, 1), base_filters=8)
        d = kgan.networks.dcgan_discriminator((16, 16, 1), base_filters=8)
        return g, d, kgan.models.GAN, {"latent_dim": 8}
    if case == "wgan_gp":
        g = kgan.networks.mlp_generator(4, 2, width=32, depth=2)
        d = kgan.networks.mlp_discriminator(2, width=32, depth=2)
        return g, d, kgan.models.WGANGP, {"latent_dim": 4, "d_steps": 2}
    raise ValueError(case)


def main(case, inputs_path, output_path):
    inputs = np.load(inputs_path)
    g, d, model_class, kwargs = build(case)
    g.set_weights([inputs[f"g{i}"] for i in range(len(g.weights))])
    d.set_weights([inputs[f"d{i}"] for i in range(len(d.weights))])

    class FixedNoise(model_class):
        def sample_noise(self, batch):
            noise = {"z": ops.convert_to_tensor(inputs["z"])}
            if "alpha" in inputs:
                noise["alpha"] = ops.convert_to_tensor(inputs["alpha"])
            return noise

    model = FixedNoise(g, d, **kwargs)
    model.compile(
        g_optimizer=keras.optimizers.Adam(1e-3, beta_1=0.5),
        d_optimizer=keras.optimizers.Adam(1e-3, beta_1=0.5),
    )
    losses = {"d_loss": [], "g_loss": []}
    for step in range(STEPS):
        model.reset_metrics()
        logs = model.train_on_batch(inputs["x"][step], return_dict=True)
        for name in losses:
            losses[name].append(float(logs[name]))
    np.savez(
        output_path,
        **{name: np.array(values) for name, values in losses.items()},
        **{f"g{i}": w for i, w in enumerate(g.get_weights())},
    )


if __name__ == "__main__":
    main(*sys.argv[1:])
