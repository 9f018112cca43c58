"""Fixture kata 00: scaling tensors."""

from __future__ import annotations

import torch


def scaled(t: torch.Tensor, factor: float = 3.0) -> torch.Tensor:
    """Return ``t * factor`` as a new tensor; ``t`` is left unchanged."""
    return t * factor


def below(t: torch.Tensor, limit: float) -> bool:
    """Whether every element of ``t`` is strictly below ``limit``."""
    return bool((t < limit).all())


def total(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """Return ``a + b``."""
    return torch.add(a, b)


def halvings(x: float, floor: float) -> int:
    """How many halvings take the positive ``x`` below the positive ``floor``."""
    n = 0
    while x >= floor:
        x = x * 0.5
        n = n + 1
    return n
