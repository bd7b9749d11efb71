"""Losses of the semi-supervised GAN with a K-class discriminator (Salimans et al. 2016, §5).

The discriminator outputs K class logits l(x) and no separate "fake" logit:
the fake class has its logit fixed at 0, so with Z(x) = Σ_k exp l_k(x)

    p(real | x) = D(x) = Z(x) / (Z(x) + 1) = sigmoid(logsumexp_k l_k(x)),

and `logsumexp(l)` plays the part of an ordinary GAN's real/fake logit.
Class logits are tensors `(batch, K)`; every loss is a scalar mean.

Reference:
    Salimans et al. 2016, "Improved Techniques for Training GANs", §3.1 and §5;
    Odena 2016, "Semi-Supervised Learning with Generative Adversarial Networks".
"""

from keras import ops

from kgan.losses.adversarial import discriminator_minimax_loss, generator_non_saturating_loss


def real_logit(class_logits):
    """The implied real-vs-fake logit `logsumexp_k l_k`, `(batch, K)` → `(batch,)`."""
    return ops.logsumexp(class_logits, axis=-1)


def discriminator_semi_supervised_loss(real_class_logits, fake_class_logits):
    """Unsupervised part: −log D(x) − log(1 − D(G(z))) with D = sigmoid(logsumexp l).

    Equals softplus(−logsumexp l(x)) + softplus(logsumexp l(G(z))), means over
    the batch. Applies to every real sample, labelled or not.
    """
    return discriminator_minimax_loss(real_logit(real_class_logits), real_logit(fake_class_logits))


def generator_semi_supervised_loss(fake_class_logits):
    """Non-saturating generator loss −log D(G(z)) = softplus(−logsumexp l(G(z)))."""
    return generator_non_saturating_loss(real_logit(fake_class_logits))


def masked_classification_loss(class_logits, labels):
    """Cross-entropy over the K classes on the labelled samples of a batch.

    Args:
        class_logits: tensor `(batch, K)`.
        labels: int tensor `(batch,)` in [−1, K); −1 marks an unlabelled sample,
            which contributes nothing.

    Returns:
        The mean cross-entropy over the labelled samples; 0 when none is labelled.
    """
    labelled = ops.cast(ops.greater_equal(labels, 0), class_logits.dtype)
    log_probs = ops.log_softmax(class_logits, axis=-1)
    one_hot = ops.one_hot(ops.maximum(labels, 0), ops.shape(class_logits)[-1])
    per_sample = -ops.sum(ops.cast(one_hot, class_logits.dtype) * log_probs, axis=-1)
    return ops.sum(labelled * per_sample) / ops.maximum(ops.sum(labelled), 1.0)


def generator_feature_matching_loss(real_features, fake_features):
    """Feature matching: mean over features of (E f(x) − E f(G(z)))².

    The squared distance between the batch means of discriminator features,
    divided by the number of features (so its scale does not grow with the
    layer width). Only the generator's parameters are updated with it.

    Args:
        real_features: tensor `(batch, ...)`, features of real samples.
        fake_features: tensor `(batch, ...)`, the same features of generated samples.
    """
    difference = ops.mean(real_features, axis=0) - ops.mean(fake_features, axis=0)
    return ops.mean(ops.square(difference))
