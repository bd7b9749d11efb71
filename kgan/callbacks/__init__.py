"""Training callbacks and the figures they write."""

from kgan.callbacks.plots import save_image_grid, save_scatter
from kgan.callbacks.sample_grid import SampleGrid

__all__ = ["SampleGrid", "save_image_grid", "save_scatter"]
