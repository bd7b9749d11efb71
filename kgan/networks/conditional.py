"""Wrap unconditional networks into class-conditional ones."""

import keras

from kgan.layers.conditioning import ConcatenateLabels, ProjectionHead

CONDITIONINGS = ("concat", "projection")


def conditional_generator(generator, num_classes, embedding_dim=None, name="conditional_generator"):
    """G(z, y) = generator(concat(z, embed(y))).

    Args:
        generator: built `keras.Model` taking `(batch, latent_dim + embedding_dim)`.
        num_classes: int ≥ 2.
        embedding_dim: int, size of the learned label embedding; default
            `num_classes`. The generator's input size fixes `latent_dim`.

    Returns:
        `keras.Model` with inputs `[z (batch, latent_dim), labels int32 (batch,)]`.
    """
    embedding_dim = embedding_dim or num_classes
    input_dim = generator.input_shape[-1]
    latent_dim = input_dim - embedding_dim
    if latent_dim <= 0:
        raise ValueError(
            f"The generator's input size ({input_dim}) must be latent_dim + embedding_dim "
            f"with embedding_dim={embedding_dim}, leaving latent_dim > 0."
        )
    z = keras.Input((latent_dim,), name="z")
    labels = keras.Input((), dtype="int32", name="labels")
    embedded = keras.layers.Embedding(num_classes, embedding_dim, name="label_embedding")(labels)
    samples = generator(keras.layers.Concatenate()([z, embedded]))
    return keras.Model([z, labels], samples, name=name)


def conditional_discriminator(
    discriminator, num_classes, conditioning="projection", name="conditional_discriminator"
):
    """D(x, y) by concatenation or projection.

    Args:
        discriminator: built `keras.Model`. For `"concat"` it takes samples with
            `num_classes` extra channels (the one-hot label broadcast over the
            sample) and returns logits `(batch, 1)`; for `"projection"` it takes
            samples and returns features `(batch, F)`.
        num_classes: int ≥ 2.
        conditioning: `"concat"` or `"projection"` (default; Miyato & Koyama 2018).

    Returns:
        `keras.Model` with inputs `[x (batch, *sample_shape), labels int32 (batch,)]`
        and logits `(batch, 1)`.
    """
    if conditioning not in CONDITIONINGS:
        raise ValueError(
            f"conditioning must be one of {CONDITIONINGS}. Received: conditioning={conditioning!r}"
        )
    d_in = tuple(discriminator.input_shape[1:])
    d_out = tuple(discriminator.output_shape[1:])
    labels = keras.Input((), dtype="int32", name="labels")
    if conditioning == "concat":
        if d_in[-1] <= num_classes:
            raise ValueError(
                "With conditioning='concat' the discriminator takes samples with num_classes "
                f"extra channels; its input shape {d_in} leaves none for the samples "
                f"(num_classes={num_classes})."
            )
        if d_out != (1,):
            raise ValueError(
                "With conditioning='concat' the discriminator must output logits (batch, 1). "
                f"Received output shape {d_out}."
            )
        x = keras.Input(d_in[:-1] + (d_in[-1] - num_classes,), name="x")
        logits = discriminator(ConcatenateLabels(num_classes)([x, labels]))
    else:
        if len(d_out) != 1:
            raise ValueError(
                "With conditioning='projection' the discriminator must output features "
                f"(batch, F) (e.g. include_head=False). Received output shape {d_out}."
            )
        x = keras.Input(d_in, name="x")
        logits = ProjectionHead(num_classes, name="projection")([discriminator(x), labels])
    return keras.Model([x, labels], logits, name=name)
