"""Fixture kata 01: copies and in-place changes."""

from __future__ import annotations

import torch


def frozen(t: torch.Tensor) -> torch.Tensor:
    """Return a copy of ``t`` with its own memory."""
    return t.clone()


def doubled(t: torch.Tensor) -> torch.Tensor:
    """Double ``t`` in place and return ``t`` itself."""
    return t.mul_(2)
