"""Kata 02: the NumPy bridge.

Tensors and NumPy arrays convert into each other cheaply because the two
can share one block of memory. Learn which conversions share and which copy,
then use the bridge for the chapter's Exercise 2.
"""

from __future__ import annotations

import numpy as np
import torch


def to_tensor_shared(array: np.ndarray) -> torch.Tensor:
    """Return a tensor that shares memory with ``array``.

    Writing to the array must show up in the tensor, and the other way round.
    The dtype carries over (an int64 array gives an int64 tensor).
    """
    return torch.from_numpy(array)


def to_numpy_shared(tensor: torch.Tensor) -> np.ndarray:
    """Return a NumPy array that shares memory with the CPU tensor ``tensor``."""
    return tensor.numpy()


def to_tensor_copy(array: np.ndarray) -> torch.Tensor:
    """Return a tensor with the values and dtype of ``array`` that does NOT share its memory."""
    return torch.from_numpy(array).clone()


def to_numpy_copy(tensor: torch.Tensor) -> np.ndarray:
    """Return a NumPy array with the values of ``tensor`` that does NOT share its memory."""
    return tensor.numpy().copy()


def double_via_torch(array: np.ndarray) -> np.ndarray:
    """Exercise 2: double every element of ``array`` with PyTorch; return a NumPy array.

    Convert to a tensor, multiply by 2, convert back. The result keeps the
    input's shape and dtype, and ``array`` itself must be left unchanged.
    """
    doubled = torch.from_numpy(array) * 2
    return doubled.numpy()
