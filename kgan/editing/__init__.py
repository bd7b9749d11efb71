"""Editing of generated images: DragGAN's point-based manipulation of a StyleGAN2 image."""

from kgan.editing.drag import (
    DragGAN,
    DragResult,
    bilinear_sample,
    motion_supervision_loss,
    track_points,
)

__all__ = ["DragGAN", "DragResult", "bilinear_sample", "motion_supervision_loss", "track_points"]
