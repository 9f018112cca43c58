"""Kata 05: matrix operations.

``*`` multiplies two tensors element by element; ``@`` (``torch.matmul``) is
the matrix product, where each result entry is a row of the first matrix
dotted with a column of the second. Practise both, the transpose and the
dot product, and learn to say clearly why two matrices cannot be multiplied.
"""

from __future__ import annotations

import torch


def matmul(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """Return the matrix product of the 2-D tensors ``a`` (n x k) and ``b`` (k x m).

    The result is n x m; entry ``[i, j]`` is the sum over ``k`` of
    ``a[i, k] * b[k, j]``. ``[[1, 2], [3, 4]]`` times ``[[5, 6], [7, 8]]`` is
    ``[[19, 22], [43, 50]]``.
    """
    raise NotImplementedError("kata 05: implement matmul() in src/matrices.py")


def hadamard(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """Return the element-wise product of ``a`` and ``b``, two tensors of the same shape.

    Entry ``[i, j]`` is ``a[i, j] * b[i, j]``: no sums across rows or columns.
    """
    raise NotImplementedError("kata 05: implement hadamard() in src/matrices.py")


def transpose(m: torch.Tensor) -> torch.Tensor:
    """Return the transpose of the 2-D tensor ``m``: rows become columns.

    An n x m input gives an m x n result with ``result[j, i] == m[i, j]``.
    """
    raise NotImplementedError("kata 05: implement transpose() in src/matrices.py")


def dot(u: torch.Tensor, v: torch.Tensor) -> torch.Tensor:
    """Return the dot product of the 1-D tensors ``u`` and ``v`` as a 0-d tensor.

    Multiply matching entries and add them all up:
    ``[1, 2, 3] . [4, 5, 6] = 1*4 + 2*5 + 3*6 = 32``.
    """
    raise NotImplementedError("kata 05: implement dot() in src/matrices.py")


def checked_matmul(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """Return ``a @ b`` for 2-D tensors, after checking that they can be multiplied.

    The number of columns of ``a`` must equal the number of rows of ``b``.
    When it does not, raise ``ValueError`` (not torch's own ``RuntimeError``)
    with a message that names both shapes written as tuples, e.g.
    ``"cannot multiply (2, 3) by (4, 5)"``.
    """
    raise NotImplementedError("kata 05: implement checked_matmul() in src/matrices.py")
