"""Kata 01: creating tensors.

A tensor is PyTorch's n-dimensional array. Build tensors from Python lists,
choose their element type, and fill them with zeros, ones or random numbers.
"""

from __future__ import annotations

import torch


def from_list(values: list) -> torch.Tensor:
    """Return a 1-D tensor holding ``values``.

    Let PyTorch pick the element type: whole numbers become int64 and
    decimals become float32.
    """
    raise NotImplementedError("kata 01: implement from_list() in src/creation.py")


def matrix(rows: list[list]) -> torch.Tensor:
    """Return a 2-D tensor (a matrix) whose rows are the lists in ``rows``.

    ``[[1, 2], [3, 4], [5, 6]]`` gives a tensor of shape (3, 2).
    """
    raise NotImplementedError("kata 01: implement matrix() in src/creation.py")


def float32_tensor(values: list) -> torch.Tensor:
    """Return a tensor of ``values`` whose dtype is float32, even for whole numbers."""
    raise NotImplementedError("kata 01: implement float32_tensor() in src/creation.py")


def zeros(shape: tuple[int, ...]) -> torch.Tensor:
    """Return a float32 tensor of the given shape filled with 0."""
    raise NotImplementedError("kata 01: implement zeros() in src/creation.py")


def ones(shape: tuple[int, ...]) -> torch.Tensor:
    """Return a float32 tensor of the given shape filled with 1."""
    raise NotImplementedError("kata 01: implement ones() in src/creation.py")


def uniform(shape: tuple[int, ...]) -> torch.Tensor:
    """Return a float32 tensor of the given shape with values drawn uniformly from [0, 1)."""
    raise NotImplementedError("kata 01: implement uniform() in src/creation.py")


def normal(shape: tuple[int, ...]) -> torch.Tensor:
    """Return a float32 tensor of the given shape drawn from the standard normal distribution.

    Standard normal means mean 0 and standard deviation 1.
    """
    raise NotImplementedError("kata 01: implement normal() in src/creation.py")
