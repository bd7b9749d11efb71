"""The relativistic pairing loss (RpGAN), as plain functions of logits.

Unlike the losses in `kgan.losses.adversarial`, both halves compare each real
sample with a generated one, so the generator loss also takes real logits.

Reference:
    Jolicoeur-Martineau 2019, "The relativistic discriminator: a key element
    missing from standard GAN"; Huang et al. 2024, "The GAN is dead; long live
    the GAN! A Modern Baseline GAN" (RpGAN in R3GAN).
"""

from keras import ops


def discriminator_relativistic_loss(real_logits, fake_logits):
    """RpGAN discriminator loss: E[softplus(D(G(z)) − D(x))].

    Args:
        real_logits: tensor `(batch, ...)`, discriminator logits on real data.
        fake_logits: tensor of the same shape, on generated data; element i is
            paired with real element i.
    """
    return ops.mean(ops.softplus(fake_logits - real_logits))


def generator_relativistic_loss(real_logits, fake_logits):
    """RpGAN generator loss: E[softplus(D(x) − D(G(z)))].

    Args:
        real_logits: tensor `(batch, ...)`, discriminator logits on real data.
        fake_logits: tensor of the same shape, on generated data.
    """
    return ops.mean(ops.softplus(real_logits - fake_logits))
