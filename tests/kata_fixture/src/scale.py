"""Fixture kata 00: scaling tensors."""

from __future__ import annotations

import torch


def scaled(t: torch.Tensor, factor: float = 3.0) -> torch.Tensor:
    """Return ``t * factor`` as a new tensor; ``t`` is left unchanged."""
    raise NotImplementedError("kata 00: implement scaled() in src/scale.py")


def below(t: torch.Tensor, limit: float) -> bool:
    """Whether every element of ``t`` is strictly below ``limit``."""
    raise NotImplementedError("kata 00: implement below() in src/scale.py")


def total(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """Return ``a + b``."""
    raise NotImplementedError("kata 00: implement total() in src/scale.py")


def halvings(x: float, floor: float) -> int:
    """How many halvings take the positive ``x`` below the positive ``floor``."""
    raise NotImplementedError("kata 00: implement halvings() in src/scale.py")
