"""Reconstruction and auxiliary losses of the translation models, plain functions of tensors.

Every loss is a scalar mean over all elements. The cycle and identity terms of
CycleGAN, StarGAN's reconstruction and pix2pix's λ·L1 are all `l1_loss`
between the image that should come back and the image that did.

Reference:
    Isola et al. 2017 (pix2pix, L1); Zhu et al. 2017 (CycleGAN, cycle and
    identity); Ledig et al. 2017 (SRGAN, content loss); Pumarola et al. 2018
    (GANimation, total variation of the attention mask and the regression of
    its conditions).
"""

from keras import ops


def l1_loss(target, prediction):
    """Mean absolute error E|target − prediction|, tensors of the same shape."""
    return ops.mean(ops.abs(target - prediction))


def content_loss(target_features, prediction_features):
    """Mean squared error between feature maps (SRGAN's content loss); on raw
    pixels it is the pixel-wise MSE."""
    return ops.mean(ops.square(target_features - prediction_features))


def attribute_classification_loss(attributes, logits):
    """Sigmoid cross-entropy of binary attributes `(batch, K)` in {0, 1} (or
    [0, 1]) against logits `(batch, K)`, summed over attributes, mean over the
    batch (StarGAN's domain-classification loss, multi-label)."""
    per_attribute = ops.multiply(attributes, ops.softplus(-logits)) + ops.multiply(
        ops.subtract(1.0, attributes), ops.softplus(logits)
    )
    return ops.mean(ops.sum(per_attribute, axis=-1))


def total_variation_loss(images):
    """Smoothness: E[(x[i+1, j] − x[i, j])²] + E[(x[i, j+1] − x[i, j])²] over
    images `(batch, H, W, C)` (GANimation's attention-mask regulariser)."""
    vertical = images[:, 1:, :, :] - images[:, :-1, :, :]
    horizontal = images[:, :, 1:, :] - images[:, :, :-1, :]
    return ops.mean(ops.square(vertical)) + ops.mean(ops.square(horizontal))


def condition_regression_loss(conditions, predictions):
    """Squared error of predicted continuous conditions: E_batch‖predictions −
    conditions‖²₂ over tensors `(batch, K)` (GANimation's L_y, the
    discriminator's regression of the action units)."""
    return ops.mean(ops.sum(ops.square(predictions - conditions), axis=-1))
