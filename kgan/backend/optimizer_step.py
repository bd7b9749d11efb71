"""`update`: one optimizer step on a loss, with dynamic loss scaling for
`keras.optimizers.LossScaleOptimizer` (the `mixed_float16` policy).

Written once over the per-backend `gradients`, `apply_gradients` and `run_if`.
"""

import keras
from keras import ops


def update(loss_fn, variables, optimizer, *, gradients, apply_gradients, run_if, replica_context):
    """Differentiates `loss_fn()` with respect to `variables` and applies `optimizer`.

    With a `keras.optimizers.LossScaleOptimizer` the loss is multiplied by its
    `dynamic_scale` before differentiation, the gradients are divided by it,
    and the inner optimizer steps only when every gradient is finite; the
    scale halves after an overflow and doubles after `dynamic_growth_steps`
    finite steps (Micikevicius et al. 2018). Each kgan phase (discriminator,
    generator, lazy regulariser) owns its optimizer, so an overflow skips that
    phase's update alone: the other network's step is unaffected, as with one
    PyTorch `GradScaler` stepping two optimizers. Keras'
    `LossScaleOptimizer.apply` cannot be used for this: its JAX path assigns
    variables inside `ops.cond`, which leaks traced values out of kgan's
    functionalised step.

    Returns:
        `(loss, logs)`: the unscaled scalar loss and `loss_fn`'s logs.
    """
    if not isinstance(optimizer, keras.optimizers.LossScaleOptimizer):
        loss, logs, grads = gradients(loss_fn, variables)
        apply_gradients(optimizer, grads, variables)
        return loss, logs
    if replica_context()[1] > 1:
        raise ValueError(
            "The mixed_float16 policy (loss scaling) is not supported under a multi-replica "
            "tf.distribute strategy or torch.distributed group in kgan: skipping an update on "
            "overflow would need a cross-replica decision inside the replica step. Use the "
            "'mixed_bfloat16' policy, which needs no loss scaling."
        )
    # Copies: the scale and counter are assigned below (in place on torch).
    scale = ops.copy(optimizer.dynamic_scale)
    counter = ops.copy(optimizer.step_counter)

    def scaled_loss_fn():
        loss, logs = loss_fn()
        return loss * ops.cast(scale, loss.dtype), logs

    scaled_loss, logs, grads = gradients(scaled_loss_fn, variables)
    grads = [ops.divide(g, ops.cast(scale, g.dtype)) for g in grads]
    finite = ops.all(ops.stack([ops.all(ops.isfinite(g)) for g in grads]))
    run_if(finite, lambda: apply_gradients(optimizer.inner_optimizer, grads, variables))
    grow = ops.logical_and(finite, ops.equal(counter, optimizer.dynamic_growth_steps - 1))
    optimizer.dynamic_scale.assign(
        ops.where(finite, ops.where(grow, scale * 2.0, scale), scale * 0.5)
    )
    optimizer.step_counter.assign(
        ops.where(ops.logical_and(finite, ops.logical_not(grow)), counter + 1, 0)
    )
    return scaled_loss / ops.cast(scale, scaled_loss.dtype), logs
