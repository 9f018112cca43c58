"""Kata 05: matrix operations.

``*`` multiplies two tensors element by element; ``@`` (``torch.matmul``) is
the matrix product, where each result entry is a row of the first matrix
dotted with a column of the second. Practise both, the transpose and the
dot product, and learn to say clearly why two matrices cannot be multiplied.

The tensors handed to these functions are CPU tensors of one integer or
floating dtype (the same for both arguments), in any layout (a transposed or
sliced view too), and any length may be 0. Results have that dtype (integers
wrap around on overflow, as torch's do, and never pass through float32), and
the arguments are left unchanged.
"""

from __future__ import annotations

import torch


def matmul(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """Return the matrix product of the 2-D tensors ``a`` (n x k) and ``b`` (k x m).

    The result is n x m; entry ``[i, j]`` is the sum over ``k`` of
    ``a[i, k] * b[k, j]`` (0 when k is 0). ``[[1, 2], [3, 4]]`` times
    ``[[5, 6], [7, 8]]`` is ``[[19, 22], [43, 50]]``.
    """
    return a @ b


def hadamard(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """Return the element-wise product of ``a`` and ``b``, two tensors of the same shape.

    Any shape, 0-d included. Entry ``[i, j]`` is ``a[i, j] * b[i, j]``, exactly
    (one product, rounded once): no sums across rows or columns.
    """
    return a * b


def transpose(m: torch.Tensor) -> torch.Tensor:
    """Return the transpose of the 2-D tensor ``m``: rows become columns.

    An n x m input gives an m x n result with ``result[j, i] == m[i, j]``
    exactly. A view of ``m`` is fine, and so is a copy.
    """
    return m.T


def dot(u: torch.Tensor, v: torch.Tensor) -> torch.Tensor:
    """Return the dot product of the 1-D tensors ``u`` and ``v`` as a 0-d tensor.

    ``u`` and ``v`` have the same length and dtype, int64 or a floating one
    (smaller integers need not stay small). Multiply matching entries and add
    them all up: ``[1, 2, 3] . [4, 5, 6] = 1*4 + 2*5 + 3*6 = 32``. Two empty
    vectors give a 0-d tensor holding 0.
    """
    return torch.dot(u, v)


def checked_matmul(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """Return ``a @ b`` for 2-D tensors, after checking that they can be multiplied.

    The number of columns of ``a`` must equal the number of rows of ``b``;
    then the result is ``matmul``'s. When it does not, raise ``ValueError``
    (not torch's own ``RuntimeError``) with a message that names both shapes
    written as Python tuples, ``(2, 3)``, not as ``torch.Size([2, 3])`` prints:
    e.g. ``"cannot multiply (2, 3) by (4, 5)"``.
    """
    if a.shape[1] != b.shape[0]:
        raise ValueError(f"cannot multiply {tuple(a.shape)} by {tuple(b.shape)}")
    return a @ b
