"""Start-up cost and log noise: what `kgan --help`, `compile()` and a command-line
run import and print. Each check runs in a fresh interpreter, where nothing is
imported yet."""

import json
import os
import re
import subprocess
import sys

import pytest

from .conftest import BACKEND

# A line of TensorFlow's C++ logging (absl or TF's own format).
NATIVE_LOG_LINE = re.compile(
    r"^(WARNING: All log messages before absl|[IWEF]\d{4} \d\d:\d\d:\d\d|"
    r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+: [IWEF] )"
)


def _python(code, **env):
    environment = {**os.environ, "KERAS_BACKEND": BACKEND, **env}
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                               env=environment, timeout=900)
    assert completed.returncode == 0, completed.stderr[-3000:]
    return completed


def test_help_imports_neither_keras_nor_a_backend():
    completed = _python(
        "import json, sys\n"
        "from kgan.cli import main\n"
        "try:\n"
        "    main(['--help'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(json.dumps(sorted(set(sys.modules) & {'keras', 'tensorflow', 'jax', 'torch'})))"
    )
    assert "kgan train" in completed.stdout
    assert json.loads(completed.stdout.splitlines()[-1]) == []


def test_importing_kgan_before_keras_still_registers_its_classes():
    completed = _python(
        "import kgan, keras\n"
        "print(keras.saving.get_registered_object('kgan>DCGAN').__name__)"
    )
    assert completed.stdout.split() == ["DCGAN"]


@pytest.mark.parametrize("module", ["kgan.backend", "kgan.layers", "kgan.pretrained"])
def test_a_kgan_module_that_imports_keras_first_imports(module):
    # The subpackages import from the half-built module: they wait until first used.
    completed = _python(f"import {module}, kgan\nprint(kgan.models.StyleGAN2.__name__)")
    assert completed.stdout.split() == ["StyleGAN2"]


@pytest.mark.skipif(BACKEND == "tensorflow", reason="Keras imports TensorFlow on its backend")
def test_compile_fit_save_and_load_do_not_import_tensorflow(tmp_path):
    # The EMA clones the generator, and saving serialises every config: Keras' serialisation
    # imports TensorFlow unless kgan.backend defers it. Once imported, TensorFlow shapes still
    # serialise as Keras writes them.
    completed = _python(
        "import sys\n"
        "import keras, numpy as np, kgan\n"
        "g = kgan.networks.mlp_generator(4, 2, width=8, depth=1)\n"
        "d = kgan.networks.mlp_discriminator(2, width=8, depth=1)\n"
        "model = kgan.models.GAN(g, d, latent_dim=4, ema_decay=0.9)\n"
        "model.compile(g_optimizer=keras.optimizers.Adam(1e-3, beta_1=0.5))\n"
        "x = np.random.default_rng(0).normal(size=(64, 2)).astype('float32')\n"
        "model.fit(x, batch_size=32, epochs=1, verbose=0)\n"
        f"model.save({str(tmp_path / 'gan.keras')!r})\n"
        f"keras.saving.load_model({str(tmp_path / 'gan.keras')!r}).generate(2, seed=0)\n"
        "print('tensorflow' in sys.modules)\n"
        "import tensorflow as tf\n"
        "print(keras.saving.serialize_keras_object(tf.TensorShape([2, 3])))"
    )
    assert completed.stdout.split()[-3:] == ["False", "[2,", "3]"]


def test_command_line_run_prints_no_tensorflow_log_lines(tmp_path):
    """`kgan train` on any backend: the run (which saves a model) writes no TensorFlow C++
    log line to stderr."""
    environment = {k: v for k, v in os.environ.items() if k != "TF_CPP_MIN_LOG_LEVEL"}
    completed = subprocess.run(
        [sys.executable, "-m", "kgan.cli", "train", "--smoke", "--set", f"out_dir={tmp_path}",
         "--set", "num_eval_samples=20"],
        capture_output=True, text=True, env={**environment, "KERAS_BACKEND": BACKEND},
        timeout=900,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    assert json.loads(completed.stdout[completed.stdout.index("{"):])["backend"] == BACKEND
    native = [line for line in completed.stderr.splitlines() if NATIVE_LOG_LINE.match(line)]
    assert native == []
