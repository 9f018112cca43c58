"""Kata 06: changing shapes.

The same numbers can be arranged in many shapes. ``reshape`` and ``view``
rearrange them, ``unsqueeze`` and ``squeeze`` add and remove dimensions of
length 1. ``view`` never copies, so it only works when the memory is laid
out in the order the new shape needs (the tensor is *contiguous*); a
transpose, for one, breaks that order. The kata ends with the chapter's
Exercise 1: summary statistics and flattening.
"""

from __future__ import annotations

import torch


def reshape_to(t: torch.Tensor, shape: tuple[int, ...]) -> torch.Tensor:
    """Return the elements of ``t``, in row order, arranged in ``shape``.

    One entry of ``shape`` may be -1, meaning "whatever length makes the
    count come out right": a 2x3x4 tensor reshaped to ``(2, 12)`` or
    ``(2, -1)`` becomes 2x12. ``t`` may be any tensor: any dtype (bool,
    integer, floating or complex), any shape (0-d and empty ones too),
    contiguous or not (a transposed matrix, say). The result keeps t's dtype
    and values exactly, and ``t`` itself is left as it was.
    """
    return t.reshape(shape)


def flatten(t: torch.Tensor) -> torch.Tensor:
    """Return all elements of ``t`` in a 1-D tensor, in row order.

    A 2x3x4 tensor gives 24 elements, a 0-d tensor 1, an empty one 0. This
    must work for every tensor, of any dtype and any layout, including
    non-contiguous ones such as a transposed matrix; the result keeps t's dtype.
    """
    return t.reshape(-1)


def flat_view(t: torch.Tensor) -> torch.Tensor:
    """Return a 1-D *view* of ``t``: the same memory, seen as one long row.

    A write to the result must show in ``t``. That is always possible when
    ``t`` is contiguous, and sometimes when it is not (every other element of
    a row still lines up). Where no such view exists, as for a transposed
    matrix, let PyTorch's ``RuntimeError`` propagate rather than quietly
    returning a copy. Any dtype and shape.
    """
    return t.view(-1)


def add_batch_dim(t: torch.Tensor) -> torch.Tensor:
    """Return ``t`` with a new dimension of length 1 in front.

    Shape ``(3,)`` becomes ``(1, 3)``; shape ``(2, 5)`` becomes ``(1, 2, 5)``; a
    0-d tensor becomes shape ``(1,)``. Any dtype and layout; the values and
    dtype stay as they are.
    """
    return t.unsqueeze(0)


def drop_unit_dims(t: torch.Tensor) -> torch.Tensor:
    """Return ``t`` without any of its dimensions of length 1, wherever they are.

    Shape ``(1, 3, 1, 4)`` becomes ``(3, 4)``; dimensions longer than 1, and
    empty ones (length 0), stay in their order. Any dtype and layout.
    """
    return t.squeeze()


def summary_stats(t: torch.Tensor) -> dict[str, float]:
    """Exercise 1: return the mean, standard deviation, maximum and minimum of ``t``.

    ``t`` is a floating tensor (float16, bfloat16, float32 or float64) of any
    shape with at least two elements, contiguous or not (the chapter uses a
    5x5 ``torch.randn``); each statistic is taken over all of its elements.
    Return a dict with the keys ``"mean"``, ``"std"``, ``"max"`` and ``"min"``
    whose values are plain Python floats, not tensors. Use PyTorch's default
    standard deviation, the sample one that divides by n - 1. Compute in t's
    own precision or better: float64 data keeps its digits (no cast to float32).
    """
    return {
        "mean": t.mean().item(),
        "std": t.std().item(),
        "max": t.max().item(),
        "min": t.min().item(),
    }
