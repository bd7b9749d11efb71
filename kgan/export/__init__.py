"""Export of trained generators for serving (TF Serving SavedModels)."""

from kgan.export.saved_model import export_saved_model

__all__ = ["export_saved_model"]
