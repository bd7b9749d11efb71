"""Helper for tests/test_checkpoint.py: one training run in its own process.

    python tests/resume_run.py CKPT_DIR OUT.npz EPOCHS [KILL_AT_STEP]

Trains the tiny GAN of `tests/conftest.py` on the ring data for EPOCHS epochs
(4 steps each, shuffle=False) with `kgan.callbacks.Checkpoint(CKPT_DIR)`, so a
second run with the same arguments resumes. With KILL_AT_STEP, the process
sends itself SIGKILL after that global step (no clean-up, no atexit). At the
end it writes every checkpointed variable to OUT.npz.
"""

import os
import signal
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import keras  # noqa: E402
import numpy as np  # noqa: E402

import kgan  # noqa: E402
from kgan.callbacks.checkpoint import training_state_variables  # noqa: E402
from tests.conftest import tiny_mlp_pair  # noqa: E402


class KillAt(keras.callbacks.Callback):
    def __init__(self, step):
        super().__init__()
        self.kill_step = step

    def on_train_batch_end(self, batch, logs=None):
        step = int(keras.ops.convert_to_numpy(self.model.optimizer.iterations))
        if step >= self.kill_step:
            os.kill(os.getpid(), signal.SIGKILL)


def main(directory, out, epochs, kill_at=None):
    g, d = tiny_mlp_pair()
    model = kgan.models.GAN(g, d, latent_dim=4, seed=0)
    model.compile()
    x = kgan.data.gaussian_mixture("ring8", 128, seed=0)
    callbacks = [kgan.callbacks.Checkpoint(directory, keep=2)]
    if kill_at is not None:
        callbacks.append(KillAt(kill_at))
    model.fit(x, batch_size=32, epochs=epochs, shuffle=False, verbose=0, callbacks=callbacks)
    state = [np.asarray(keras.ops.convert_to_numpy(v)) for _, v in training_state_variables(model)]
    np.savez(out, *state)
    print("restored_from", callbacks[0].restored_from)


if __name__ == "__main__":
    args = sys.argv[1:]
    main(args[0], args[1], int(args[2]), int(args[3]) if len(args) > 3 else None)
