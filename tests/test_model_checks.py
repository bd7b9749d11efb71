"""`check_model_contract` catches a model whose train step does not train what it should."""

import keras
import pytest

import kgan
from tests.conftest import tiny_mlp_pair
from tests.model_checks import check_model_contract


class _ZeroGeneratorGradient(kgan.models.GAN):
    """Its generator loss is multiplied by 0: the generator's update is zero."""

    def generator_loss(self, batch, noise):
        loss, logs = super().generator_loss(batch, noise)
        return 0.0 * loss, logs


class _SkippedEMA(kgan.models.GAN):
    """Never updates its generator EMA."""

    def end_of_step(self, *args):
        pass


class _MovesAFrozenLayer(kgan.models.GAN):
    """Halves the kernel of its generator's frozen first layer after each step."""

    def end_of_step(self, *args):
        super().end_of_step(*args)
        kernel = self.generator.layers[1].kernel
        kernel.assign(0.5 * kernel)


class _EncoderLeftOut(kgan.models.BiGAN):
    """Leaves the encoder out of the generator's optimizer."""

    @property
    def generator_variables(self):
        return self.generator.trainable_variables


class _PoolNeverWritten(kgan.models.CycleGAN):
    """Shows the discriminators the newest translations and never fills its pools."""

    def _from_pool(self, fake_a, fake_b, noise):
        return fake_a, fake_b


def _gan(cls=kgan.models.GAN, **kwargs):
    g, d = tiny_mlp_pair()
    return cls(g, d, latent_dim=4, seed=0, **kwargs)


def _frozen_layer_gan():
    model = _gan(_MovesAFrozenLayer)
    model.generator.layers[1].trainable = False  # the first Dense
    return model


def _bigan():
    keras.utils.set_random_seed(0)
    return _EncoderLeftOut(
        kgan.networks.dcgan_generator(4, (16, 16, 1), base_filters=4),
        kgan.networks.bigan_encoder((16, 16, 1), 4, base_filters=4),
        kgan.networks.bigan_discriminator((16, 16, 1), 4, base_filters=4, width=8),
        latent_dim=4, seed=0,
    )


def _ring():
    return kgan.data.gaussian_mixture("ring8", 32, seed=0), None


def _digits():
    return kgan.data.load_digits(image_size=16)[0][:16], None


CAUGHT = {
    "zero_learning_rate": (
        lambda: _gan(), _ring,
        {"g_optimizer": keras.optimizers.Adam(0.0), "d_optimizer": keras.optimizers.Adam(0.0)},
        r"did not change these trained variables: generator: \[.*\]; discriminator: \[",
    ),
    "zero_generator_gradient": (
        lambda: _gan(_ZeroGeneratorGradient), _ring, {},
        r"did not change these trained variables: generator: \[",
    ),
    "skipped_ema": (
        lambda: _gan(_SkippedEMA, ema_decay=0.9), _ring, {},
        r"generator_ema's .* is not the EMA of",
    ),
    "moved_frozen_layer": (
        _frozen_layer_gan, _ring, {}, r"changed these frozen weights: generator: \[",
    ),
    "untrained_encoder": (
        _bigan, _digits, {}, r"no optimizer trains them: encoder",
    ),
}


@pytest.mark.parametrize("name", sorted(CAUGHT))
def test_the_contract_catches_a_step_that_does_not_train(name, tmp_path):
    make, data, optimizers, message = CAUGHT[name]
    model = make()
    model.compile(**optimizers)
    x, y = data()
    with pytest.raises(AssertionError, match=message):
        check_model_contract(model, x, y, tmp_path)


def test_the_contract_catches_a_pool_that_is_never_written(tmp_path):
    keras.utils.set_random_seed(0)
    a, b, _, _ = kgan.data.unpaired_digits(image_size=16, split="test")

    def generator():
        return kgan.networks.resnet_generator((16, 16, 1), base_filters=4, num_blocks=1,
                                              num_downsamples=1)

    def discriminator():
        return kgan.networks.patchgan_discriminator((16, 16, 1), base_filters=4, num_layers=1)

    model = _PoolNeverWritten(generator(), generator(), discriminator(), discriminator(),
                              pool_size=8, seed=0)
    with pytest.raises(AssertionError, match="pool_filled went from 0 to 0"):
        check_model_contract(model, a[:8], b[:8], tmp_path, batch_size=8)


def test_a_variable_declared_unchanged_must_not_change(tmp_path):
    x, _ = _ring()
    with pytest.raises(AssertionError, match=r"declared unchanged .* changed: generator: \["):
        check_model_contract(_gan(), x, tmp_path=tmp_path,
                             unchanged={"(a wrong claim)": lambda m: m.generator_variables})
