"""Kata 04: arithmetic and in-place operations.

The operators + - * / work element by element, and each has a function
twin (torch.add, torch.sub, torch.mul, torch.div). Most operations build a
new tensor; the ones whose name ends in an underscore, such as add_, change
the tensor they are called on instead. Learn which is which, and what that
means for every other tensor that shares the same memory.
"""

from __future__ import annotations

import torch


def elementwise(
    x: torch.Tensor, y: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    """Return ``(sum, difference, product, quotient)`` of ``x`` and ``y``, element by element.

    ``x`` and ``y`` have the same shape. The sum, difference and product of
    two integer tensors are integer tensors; the quotient is true division
    and gives floats even then: ``[1, 2, 3] / [4, 5, 6]`` is
    ``[0.25, 0.4, 0.5]``. Leave ``x`` and ``y`` unchanged.
    """
    return x + y, x - y, x * y, x / y


def add_scaled(x: torch.Tensor, y: torch.Tensor, alpha: float) -> torch.Tensor:
    """Return ``x + alpha * y`` as a new tensor.

    The function form of addition, ``torch.add``, takes an ``alpha=``
    keyword that scales its second argument before adding.
    """
    return torch.add(x, y, alpha=alpha)


def add_in_place(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Add ``y`` into ``x`` in place and return ``x`` itself.

    No new tensor may be made for the result: afterwards ``x`` holds the sum
    in the very memory it had before, so every other tensor that shares that
    memory (a view of ``x``, say) sees the new values. ``y`` is unchanged.
    """
    return x.add_(y)


def add_out_of_place(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Return ``x + y`` as a new tensor, leaving both ``x`` and ``y`` exactly as they were."""
    return x + y


def row_view(matrix: torch.Tensor, i: int) -> torch.Tensor:
    """Return row ``i`` of the 2-D ``matrix`` as a view: a 1-D tensor sharing its memory.

    Because the row shares memory with ``matrix``, an in-place change to the
    matrix shows in the row, and a write to the row shows in the matrix.
    """
    return matrix[i]


def frozen_copy(t: torch.Tensor) -> torch.Tensor:
    """Return a copy of ``t`` with its own memory.

    The copy keeps the values ``t`` has now: later in-place changes to ``t``
    must not reach it, and writes to the copy must not reach ``t``.
    """
    return t.clone()
