"""Kata 01: creating tensors.

A tensor is PyTorch's n-dimensional array. Build tensors from Python lists,
choose their element type, and fill them with zeros, ones or random numbers.
"""

from __future__ import annotations

import torch


def from_list(values: list) -> torch.Tensor:
    """Return a new 1-D CPU tensor holding ``values``, in order.

    ``values`` is a flat list of Python ints and floats, possibly mixed,
    possibly empty. Let PyTorch pick the element type: int64 when every value
    is an int, float32 as soon as one is a float (and for the empty list).
    Every int keeps its exact value, even those beyond 2**24 that float32
    cannot hold.
    """
    return torch.tensor(values)


def matrix(rows: list[list]) -> torch.Tensor:
    """Return a new 2-D CPU tensor (a matrix) whose rows are the lists in ``rows``.

    ``rows`` holds n >= 1 lists of the same length m (m may be 0) of Python
    ints and floats: ``[[1, 2], [3, 4], [5, 6]]`` gives shape (3, 2), ``[[]]``
    gives (1, 0). The element type follows the same rule as ``from_list``
    over all the values: int64, or float32 when any value is a float.
    """
    return torch.tensor(rows)


def float32_tensor(values: list) -> torch.Tensor:
    """Return a new 1-D CPU tensor of ``values`` whose dtype is float32, even for whole numbers.

    ``values`` is as for ``from_list``. Each value becomes the float32 nearest
    to it (above 2**24 not every int has one of its own).
    """
    return torch.tensor(values, dtype=torch.float32)


def zeros(shape: tuple[int, ...]) -> torch.Tensor:
    """Return a new float32 CPU tensor of the given shape filled with 0.

    ``shape`` is a tuple of non-negative ints: ``()`` asks for a 0-d tensor, a
    0 in it for an empty one. Every call returns a fresh tensor with its own
    memory, one location per element, so a write to one element changes that
    element only.
    """
    return torch.zeros(shape)


def ones(shape: tuple[int, ...]) -> torch.Tensor:
    """Return a new float32 CPU tensor of the given shape filled with 1.

    ``shape`` is as for ``zeros``, and so is the result: a fresh tensor each
    call, one memory location per element (not a view that repeats one value).
    """
    return torch.ones(shape)


def uniform(shape: tuple[int, ...]) -> torch.Tensor:
    """Return a new float32 CPU tensor of the given shape, drawn uniformly from [0, 1).

    ``shape`` is as for ``zeros``. Each call makes fresh draws from torch's
    global random generator, so ``torch.manual_seed`` makes them repeatable.
    """
    return torch.rand(shape)


def normal(shape: tuple[int, ...]) -> torch.Tensor:
    """Return a new float32 CPU tensor of the given shape drawn from the standard normal.

    Standard normal means mean 0 and standard deviation 1, each value drawn on
    its own: nothing is clipped, shifted or rescaled afterwards, so a small
    sample's mean is seldom exactly 0. ``shape`` and the random generator are
    as for ``uniform``.
    """
    return torch.randn(shape)
