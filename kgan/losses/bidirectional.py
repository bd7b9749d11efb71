"""Losses of BiGAN / ALI: a joint discriminator D(x, z) on encoder and generator pairs.

Real pairs are `(x, E(x))`, fake pairs are `(G(z), z)`; logits are raw outputs
of D, tensors `(batch, ...)`; every loss is a scalar mean.

Reference:
    Donahue et al. 2017, "Adversarial Feature Learning"; Dumoulin et al. 2017,
    "Adversarially Learned Inference".
"""

from keras import ops

from kgan.losses.adversarial import discriminator_minimax_loss

# D separates encoder pairs (real) from generator pairs (fake) by cross-entropy.
discriminator_bidirectional_loss = discriminator_minimax_loss


def generator_bidirectional_loss(real_logits, fake_logits):
    """G and E together, with the labels inverted: −log(1 − D(x, E(x))) − log D(G(z), z).

    Equals softplus(real_logits) + softplus(−fake_logits), means over the batch:
    the non-saturating form of minimising D's objective (Donahue et al. 2017, §3.4).

    Args:
        real_logits: tensor `(batch, ...)`, D on `(x, E(x))`.
        fake_logits: tensor `(batch, ...)`, D on `(G(z), z)`.
    """
    return ops.mean(ops.softplus(real_logits)) + ops.mean(ops.softplus(-fake_logits))
