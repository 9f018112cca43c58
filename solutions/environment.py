"""Kata 00: check your set-up.

Before writing any tensor code, find out what this machine gives you: which
PyTorch is installed, whether a CUDA GPU can be used, and which device your
code should run on.
"""

from __future__ import annotations

import torch


def torch_version() -> str:
    """Return the installed PyTorch version as a string, e.g. ``"2.13.0"``."""
    return torch.__version__


def cuda_available() -> bool:
    """Return True when PyTorch can use a CUDA GPU on this machine."""
    return torch.cuda.is_available()


def cuda_version() -> str | None:
    """Return the CUDA version PyTorch was built with (e.g. ``"12.1"``), or None.

    A CPU-only build of PyTorch has no CUDA version.
    """
    return torch.version.cuda


def gpu_name() -> str | None:
    """Return the name of the first GPU (e.g. ``"Tesla T4"``), or None without CUDA.

    Only ask CUDA for a device name when CUDA is available: on a CPU-only
    machine that question raises an error.
    """
    if not torch.cuda.is_available():
        return None
    return torch.cuda.get_device_name(0)


def best_device() -> torch.device:
    """Return the fastest device here as a ``torch.device``.

    Prefer CUDA, then Apple's MPS, and fall back to the CPU.
    """
    if torch.cuda.is_available():
        return torch.device("cuda")
    if torch.backends.mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")
