"""The adversarial trainer: base model class and the composite optimizer."""

from kgan.training.adversarial_model import AdversarialModel
from kgan.training.adversarial_optimizer import AdversarialOptimizer

__all__ = ["AdversarialModel", "AdversarialOptimizer"]
