"""Kata 03: tensor attributes.

Every tensor carries a description of itself: its shape, its element type,
the device its memory lives on, whether autograd tracks it, how many
dimensions it has and how many numbers it holds. Read each one off any
tensor you are given: every function here accepts a tensor of any dtype
(bool, integer, float, complex), any shape (0-d and empty included), any
layout (a transposed or sliced view too) and any device (``meta`` included),
tracked by autograd or not, and leaves it unchanged.
"""

from __future__ import annotations

import torch


def shape_of(t: torch.Tensor) -> torch.Size:
    """Return the shape of ``t`` as a ``torch.Size``, not a plain tuple.

    A ``torch.Size`` is a tuple of ints with a few extras (``numel()``, say).
    A 3x4 matrix has shape ``(3, 4)``; a 0-d scalar tensor has shape ``()``.
    Either the ``shape`` attribute or the ``size()`` method gives it.
    """
    return t.shape


def size_along(t: torch.Tensor, dim: int) -> int:
    """Return the length of ``t`` along dimension ``dim``, as a Python int.

    ``dim`` may be negative and then counts from the end, as in Python
    indexing: for a 2x3x4 tensor, ``dim=0`` gives 2 and ``dim=-1`` gives 4.
    ``size()`` takes the dimension as an argument.
    """
    return t.size(dim)


def dtype_of(t: torch.Tensor) -> torch.dtype:
    """Return the element type of ``t`` as a ``torch.dtype``, e.g. ``torch.float32``.

    Not a string such as ``"torch.FloatTensor"``: the dtype object itself.
    """
    return t.dtype


def device_of(t: torch.Tensor) -> torch.device:
    """Return the device that holds ``t``'s memory, as a ``torch.device``.

    Do not assume the CPU: the tests also hand you tensors that live elsewhere
    (on a GPU when there is one, and on PyTorch's ``meta`` device, which
    records shape and dtype but stores no values).
    """
    return t.device


def tracks_grad(t: torch.Tensor) -> bool:
    """Return True when autograd records the operations done on ``t``.

    That is the tensor's ``requires_grad`` flag. It is set before any
    gradient exists, so it is not the same question as "does ``t`` have a
    gradient yet?".
    """
    return t.requires_grad


def num_dims(t: torch.Tensor) -> int:
    """Return how many dimensions ``t`` has: 0 for a scalar, 1 for a vector, 2 for a matrix."""
    return t.ndim


def num_elements(t: torch.Tensor) -> int:
    """Return how many numbers ``t`` holds in total, as a Python int.

    That is the product of all its dimensions: a 3x4 tensor holds 12, a 0-d
    scalar holds 1, and a tensor with a dimension of length 0 holds none.
    """
    return t.numel()
