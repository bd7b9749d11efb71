"""Readers of weight files that papers' authors published. They run nothing the files
carry and return plain data (numpy arrays, dicts) that kgan's own networks are built from."""

from kgan.pretrained.biggan_deep import BigGANDeep, load_biggan_deep
from kgan.pretrained.junyanz import load_junyanz_discriminator, load_junyanz_generator
from kgan.pretrained.nvlabs_pickle import NVlabsNetwork, read_nvlabs_pickle
from kgan.pretrained.nvlabs_stylegan2 import load_nvlabs_stylegan2

__all__ = [
    "BigGANDeep",
    "NVlabsNetwork",
    "load_biggan_deep",
    "load_junyanz_discriminator",
    "load_junyanz_generator",
    "load_nvlabs_stylegan2",
    "read_nvlabs_pickle",
]
