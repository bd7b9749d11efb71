"""Readers of weight files that papers' authors published. They run nothing the files
carry and return plain data (numpy arrays, dicts) that kgan's own networks are built from."""

from kgan.pretrained.nvlabs_pickle import NVlabsNetwork, read_nvlabs_pickle
from kgan.pretrained.nvlabs_stylegan2 import load_nvlabs_stylegan2

__all__ = [
    "NVlabsNetwork",
    "load_nvlabs_stylegan2",
    "read_nvlabs_pickle",
]
