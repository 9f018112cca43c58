"""Kata 02: the NumPy bridge.

Tensors and NumPy arrays convert into each other cheaply because the two
can share one block of memory. Learn which conversions share and which copy,
then use the bridge for the chapter's Exercise 2.
"""

from __future__ import annotations

import numpy as np
import torch


def to_tensor_shared(array: np.ndarray) -> torch.Tensor:
    """Return a CPU tensor that shares memory with ``array``.

    ``array`` may have any dtype that torch also has (bool, integers, floats,
    complex), any shape (0-d and empty included) and any layout with
    non-negative strides: a transposed or sliced view is shared as it is
    (torch cannot read a reversed view such as ``a[::-1]``). The tensor has the
    array's shape and dtype, and each of its elements is the array's element
    in the same place, so a write to either shows in the other. Do not change
    ``array``.
    """
    return torch.from_numpy(array)


def to_numpy_shared(tensor: torch.Tensor) -> np.ndarray:
    """Return a NumPy array that shares memory with the CPU tensor ``tensor``.

    ``tensor`` does not require grad and has any dtype NumPy also has, any
    shape and any layout (a transposed or sliced view included). The array has
    the tensor's shape and matching dtype, and each of its elements is the
    tensor's element in the same place, so a write to either shows in the other.
    """
    return tensor.numpy()


def to_tensor_copy(array: np.ndarray) -> torch.Tensor:
    """Return a CPU tensor with the values, shape and dtype of ``array``, NOT sharing its memory.

    ``array`` is as for ``to_tensor_shared``. Later writes to either one must
    not reach the other; ``array`` itself is left unchanged.
    """
    return torch.from_numpy(array).clone()


def to_numpy_copy(tensor: torch.Tensor) -> np.ndarray:
    """Return a NumPy array with the values of ``tensor`` that does NOT share its memory.

    ``tensor`` is as for ``to_numpy_shared``. The array has the tensor's shape
    and matching dtype, is writable, and no later write to either one reaches
    the other; ``tensor`` itself is left unchanged.
    """
    return tensor.numpy().copy()


def double_via_torch(array: np.ndarray) -> np.ndarray:
    """Exercise 2: double every element of ``array`` with PyTorch; return a NumPy array.

    Convert to a tensor, do the doubling there, convert back: the point is
    that PyTorch does the arithmetic, not NumPy. ``array`` is as for
    ``to_tensor_shared`` but not bool. The result has the input's shape and
    dtype and holds exactly twice each value (integers wrap around on
    overflow, as they do in NumPy and torch); ``array`` must be left unchanged.
    """
    doubled = torch.from_numpy(array) * 2
    return doubled.numpy()


def to_numpy_tracked(tensor: torch.Tensor) -> np.ndarray:
    """Return a NumPy array sharing memory with ``tensor``, which autograd may be tracking.

    ``tensor`` is as for ``to_numpy_shared`` except that it may require grad: a
    leaf made with ``requires_grad=True`` or a result computed from one (floating
    and complex dtypes). NumPy knows nothing of gradients, so ``tensor.numpy()``
    refuses such a tensor. Leave ``tensor`` as it was: it still requires grad,
    keeps its ``grad_fn``, and a write to the array shows in it (and back).
    """
    return tensor.detach().numpy()
