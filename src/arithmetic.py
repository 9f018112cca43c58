"""Kata 04: arithmetic and in-place operations.

The operators + - * / work element by element, and each has a function
twin (torch.add, torch.sub, torch.mul, torch.div). Most operations build a
new tensor; the ones whose name ends in an underscore, such as add_, change
the tensor they are called on instead. Learn which is which, and what that
means for every other tensor that shares the same memory.

Unless a function says otherwise, ``x`` and ``y`` are CPU tensors of the same
shape (0-d and empty included) and the same integer or floating dtype, in any
layout (a transposed or sliced view too). Results have that shape and dtype;
integers wrap around when they overflow it, as torch's own operators do.
"""

from __future__ import annotations

import torch


def elementwise(
    x: torch.Tensor, y: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    """Return ``(sum, difference, product, quotient)`` of ``x`` and ``y``, element by element.

    Four new tensors. The sum, difference and product have the inputs' dtype
    (integer tensors give integer tensors). The quotient is true division,
    exactly as ``x / y`` gives it: floats even for integer inputs (float32
    then), ``[1, 2, 3] / [4, 5, 6]`` is ``[0.25, 0.4, 0.5]``, each value
    rounded once (so not ``x * (1 / y)``, which rounds twice), and a zero
    divisor gives inf, -inf or nan by the IEEE rules. Leave ``x`` and ``y``
    unchanged.
    """
    raise NotImplementedError("kata 04: implement elementwise() in src/arithmetic.py")


def add_scaled(x: torch.Tensor, y: torch.Tensor, alpha: int | float) -> torch.Tensor:
    """Return ``x + alpha * y`` as a new tensor, leaving ``x`` and ``y`` unchanged.

    ``alpha`` is a Python number: an int for integer tensors (the result is
    then exact, in their dtype, even for values float32 cannot hold), an int
    or a float for floating ones. The function form of addition,
    ``torch.add``, takes an ``alpha=`` keyword that scales its second
    argument before adding.
    """
    raise NotImplementedError("kata 04: implement add_scaled() in src/arithmetic.py")


def add_in_place(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Add ``y`` into ``x`` in place and return ``x`` itself.

    No new tensor may be made for the result: afterwards ``x`` holds the sum
    in the very memory it had before, whatever its layout, so every other
    tensor that shares that memory (a view of ``x``, say) sees the new values.
    A 0-d ``x`` too. ``y`` is unchanged.
    """
    raise NotImplementedError("kata 04: implement add_in_place() in src/arithmetic.py")


def add_out_of_place(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Return ``x + y`` as a new tensor, leaving both ``x`` and ``y`` exactly as they were."""
    raise NotImplementedError("kata 04: implement add_out_of_place() in src/arithmetic.py")


def row_view(matrix: torch.Tensor, i: int) -> torch.Tensor:
    """Return row ``i`` of the 2-D ``matrix`` as a view: a 1-D tensor sharing its memory.

    ``matrix`` has any dtype and layout (a transposed matrix too) and ``i`` is
    a valid index, negative ones counting from the end. Because the row shares
    memory with ``matrix``, an in-place change to the matrix shows in the row,
    and a write to the row shows in the matrix.
    """
    raise NotImplementedError("kata 04: implement row_view() in src/arithmetic.py")


def frozen_copy(t: torch.Tensor) -> torch.Tensor:
    """Return a copy of ``t`` with its own memory.

    ``t`` is any tensor (any dtype, bool and complex too, any shape and
    layout). The copy has its shape, dtype and the values it has now: later
    in-place changes to ``t`` must not reach it, and writes to the copy must
    not reach ``t``. It is a new tensor even when ``t`` is already as asked.
    """
    raise NotImplementedError("kata 04: implement frozen_copy() in src/arithmetic.py")
