"""Fixture kata 01: copies and in-place changes."""

from __future__ import annotations

import torch


def frozen(t: torch.Tensor) -> torch.Tensor:
    """Return a copy of ``t`` with its own memory."""
    raise NotImplementedError("kata 01: implement frozen() in src/copies.py")


def doubled(t: torch.Tensor) -> torch.Tensor:
    """Double ``t`` in place and return ``t`` itself."""
    raise NotImplementedError("kata 01: implement doubled() in src/copies.py")
