"""StyleGAN2's path-length regulariser, as plain functions of tensors."""

from keras import ops


def path_lengths(ws_gradients):
    """Per-sample path lengths ‖J_wᵀ y‖₂ from the gradients of `sum(G(ws) · y)` with respect to ws.

    With `ws` `(batch, num_ws, w_dim)` and y random images `~ N(0, I) / sqrt(H·W)`,
    the gradient of `Σ G(ws) · y` with respect to ws is `J_wᵀ y`; as in NVlabs
    the length is `sqrt(mean over the num_ws layers of Σ_{w_dim} gradient²)`.

    Args:
        ws_gradients: tensor `(batch, num_ws, w_dim)`, `J_wᵀ y` per sample.

    Returns:
        Tensor `(batch,)`.

    Reference:
        Karras et al. 2020, "Analyzing and Improving the Image Quality of
        StyleGAN", Section 3.2.
    """
    return ops.sqrt(ops.mean(ops.sum(ops.square(ws_gradients), axis=2), axis=1))


def path_length_penalty(lengths, pl_mean, decay=0.01):
    """The path-length penalty E[(‖J_wᵀ y‖₂ − a)²] and the updated running mean a.

    `a` is the exponential moving average of the path lengths:
    `a' = pl_mean + decay · (mean(lengths) − pl_mean)`, and the penalty uses
    `a'` (as NVlabs does; the gradient also flows through `mean(lengths)` in
    `a'`). The caller stores `a'` (without gradient) as the next `pl_mean`.

    Args:
        lengths: tensor `(batch,)`, from `path_lengths`.
        pl_mean: scalar tensor, the running mean a so far (0 at the start).
        decay: float in (0, 1], default 0.01.

    Returns:
        `(penalty, new_pl_mean)`, two scalar tensors.

    Reference:
        Karras et al. 2020, "Analyzing and Improving the Image Quality of
        StyleGAN", Section 3.2.
    """
    pl_mean = ops.cast(pl_mean, lengths.dtype)
    new_mean = pl_mean + decay * (ops.mean(lengths) - pl_mean)
    return ops.mean(ops.square(lengths - new_mean)), new_mean
