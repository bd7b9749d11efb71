"""BigGAN's orthogonal regularisation of weight matrices, as a plain function."""

from keras import ops


def orthogonal_penalty(kernel):
    """‖WᵀW ⊙ (1 − I)‖²_F: the squared off-diagonal entries of the filters' Gram matrix.

    W is `kernel` reshaped to `(-1, filters)` (Keras kernels put the output
    filters last: Dense `(in, out)`, Conv2D `(kh, kw, in, out)`), so WᵀW
    `(filters, filters)` holds the dot products of every pair of filters.
    The penalty pushes distinct filters towards orthogonality without
    constraining their norms (BigGAN, Sec. 3.1, Eq. 3); a model adds
    β times it to the generator's loss (BigGAN: β = 1e-4).

    `keras.regularizers.OrthogonalRegularizer` computes another quantity: it
    normalises the rows or columns first (cosines instead of dot products) and
    averages the absolute values, factor · ½ · Σ|cos| / #pairs, so neither its
    value nor its gradient is BigGAN's. BigGAN-PyTorch's `utils.ortho` adds
    2·β·(WᵀW ⊙ (1 − I))·W to the gradient, the gradient of β/2 times this
    penalty; the paper's β is used here.

    Args:
        kernel: tensor of rank ≥ 2, the last axis the output filters.

    Returns:
        Scalar tensor ≥ 0.

    Reference:
        Brock, Donahue & Simonyan 2019, "Large Scale GAN Training for High
        Fidelity Natural Image Synthesis".
    """
    if len(kernel.shape) < 2:
        raise ValueError(
            "orthogonal_penalty needs a kernel of rank ≥ 2 (its last axis the filters). "
            f"Received: kernel.shape={tuple(kernel.shape)}"
        )
    filters = kernel.shape[-1]
    w = ops.reshape(kernel, (-1, filters))
    gram = ops.matmul(ops.transpose(w), w)
    off_diagonal = gram * (1.0 - ops.eye(filters, dtype=gram.dtype))
    return ops.sum(ops.square(off_diagonal))
