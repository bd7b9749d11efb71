"""Hiding TensorFlow's C++ log lines in command-line runs (never for library users).

TensorFlow's C++ code writes its logs to the process's stderr (file descriptor
2). `TF_CPP_MIN_LOG_LEVEL=3` hides most of them: the oneDNN and CPU-feature
notes, `failed call to cuInit` on machines without a GPU, grappler's harmless
`remapper failed` errors. It does not hide the lines written while TensorFlow
loads, before absl's logging is set up (`Could not find cuda drivers on your
machine`, TensorFlow 2.19 and later); those are hidden by pointing file
descriptor 2 at /dev/null while `tensorflow` is imported.

Nothing here imports TensorFlow: on JAX and torch it may never be imported
(Keras imports it to save a model).
"""

import contextlib
import os
import sys

from kgan.utils.import_hooks import around_first_import


def quiet_native_logs():
    """Hides TensorFlow's C++ log lines for the rest of this process and its children.

    Sets `TF_CPP_MIN_LOG_LEVEL=3` unless it is set, and silences stderr while
    TensorFlow is first imported. Call it before TensorFlow (or Keras with the
    TensorFlow backend) is imported; later it hides only what the level hides.
    """
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    around_first_import("tensorflow", _with_stderr_silenced)


def _with_stderr_silenced(run):
    with _stderr_to_devnull():
        run()


@contextlib.contextmanager
def _stderr_to_devnull():
    """Points file descriptor 2 (where C++ code logs) at /dev/null."""
    sys.stderr.flush()
    saved = os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        yield
    finally:
        sys.stderr.flush()
        os.dup2(saved, 2)
        os.close(devnull)
        os.close(saved)
