"""TensorFlow implementation of the kgan engine: `tf.GradientTape`."""

import tensorflow as tf
from keras import ops


def _replica_scale(loss):
    # tf.distribute sums gradients over replicas; scale as Keras' own losses do.
    replicas = tf.distribute.get_strategy().num_replicas_in_sync
    return loss / replicas if replicas > 1 else loss


def gradients(loss_fn, variables):
    """`kgan.backend.gradients` with a `tf.GradientTape`, loss scaled for `tf.distribute`
    replicas."""
    with tf.GradientTape() as tape:
        loss, logs = loss_fn()
        scaled = _replica_scale(loss)
    # Zeros, not None, for variables the loss does not reach (a penalty does not
    # reach the discriminator's last bias), as JAX and torch give.
    grads = [
        tf.zeros(v.shape, v.dtype) if g is None else g
        for v, g in zip(variables, tape.gradient(scaled, variables))
    ]
    return loss, logs, grads


def input_gradients(fn, x):
    """Differentiable gradient of `sum(fn(x))` with respect to the tensor `x`."""
    x = ops.convert_to_tensor(x)
    with tf.GradientTape() as tape:
        tape.watch(x)
        total = ops.sum(fn(x))
    return tape.gradient(total, x)


def run_if(condition, fn):
    """`kgan.backend.run_if` with `tf.cond`: graph control flow in a `tf.function`, a
    Python branch when eager."""

    def run():
        fn()
        return tf.constant(True)

    tf.cond(condition, run, lambda: tf.constant(False))


def replica_context():
    """`(replica_id, num_replicas)` of the running `tf.distribute` replica.

    `(0, 1)` outside a multi-replica strategy; `replica_id` is a scalar tensor
    inside `strategy.run`.
    """
    context = tf.distribute.get_replica_context()
    if context is None or context.num_replicas_in_sync == 1:
        return 0, 1
    return context.replica_id_in_sync_group, context.num_replicas_in_sync


def initialize_processes():
    """Nothing: kgan does not set up TensorFlow multi-worker runs (TF_CONFIG) yet."""


def process_index():
    """0: one process (kgan sets up no TensorFlow multi-worker run)."""
    return 0


def process_count():
    """1: one process (kgan sets up no TensorFlow multi-worker run)."""
    return 1
