"""Reads the version a package manager recorded, which need not be the torch imported."""

import importlib.metadata


def torch_version():
    return importlib.metadata.version("torch")
