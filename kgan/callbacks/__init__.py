"""Training callbacks and the figures they write."""

from kgan.callbacks.checkpoint import (
    Checkpoint,
    CheckpointError,
    latest_checkpoint,
    load_checkpoint,
)
from kgan.callbacks.lr_decay import LinearLearningRateDecay
from kgan.callbacks.metrics import MetricsCallback
from kgan.callbacks.nan_guard import NaNGuard
from kgan.callbacks.plots import save_image_columns, save_image_grid, save_scatter
from kgan.callbacks.progressive import ProgressiveGrowing
from kgan.callbacks.sample_grid import SampleGrid

__all__ = [
    "Checkpoint",
    "CheckpointError",
    "LinearLearningRateDecay",
    "MetricsCallback",
    "NaNGuard",
    "ProgressiveGrowing",
    "SampleGrid",
    "latest_checkpoint",
    "load_checkpoint",
    "save_image_columns",
    "save_image_grid",
    "save_scatter",
]
