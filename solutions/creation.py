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
    return torch.tensor(values)


def matrix(rows: list[list]) -> torch.Tensor:
    """Return a 2-D tensor (a matrix) whose rows are the lists in ``rows``.

    ``[[1, 2], [3, 4], [5, 6]]`` gives a tensor of shape (3, 2).
    """
    return torch.tensor(rows)


def float32_tensor(values: list) -> torch.Tensor:
    """Return a tensor of ``values`` whose dtype is float32, even for whole numbers."""
    return torch.tensor(values, dtype=torch.float32)


def zeros(shape: tuple[int, ...]) -> torch.Tensor:
    """Return a float32 tensor of the given shape filled with 0."""
    return torch.zeros(shape)


def ones(shape: tuple[int, ...]) -> torch.Tensor:
    """Return a float32 tensor of the given shape filled with 1."""
    return torch.ones(shape)


def uniform(shape: tuple[int, ...]) -> torch.Tensor:
    """Return a float32 tensor of the given shape with values drawn uniformly from [0, 1)."""
    return torch.rand(shape)


def normal(shape: tuple[int, ...]) -> torch.Tensor:
    """Return a float32 tensor of the given shape drawn from the standard normal distribution.

    Standard normal means mean 0 and standard deviation 1.
    """
    return torch.randn(shape)
