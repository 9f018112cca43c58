"""Kata 00: check your set-up.

Before writing any tensor code, find out what this machine gives you: which
PyTorch is installed, whether a CUDA GPU can be used, and which device your
code should run on.
"""

from __future__ import annotations

import torch


def torch_version() -> str:
    """Return the version of the PyTorch this code runs on, as one string.

    The whole string, exactly as the imported ``torch`` module reports it,
    build tag after the ``+`` included: a CPU-only build says something like
    ``"2.13.0+cpu"``, a CUDA build ``"2.13.0+cu128"``. Ask the module itself,
    each call: a package manager's record (``importlib.metadata``) may describe
    another copy of torch than the one imported.
    """
    raise NotImplementedError("kata 00: implement torch_version() in src/environment.py")


def cuda_available() -> bool:
    """Return True when PyTorch can use a CUDA GPU right now, else False (a ``bool``).

    Ask torch on every call: the answer is about this machine now, not when the
    module was imported.
    """
    raise NotImplementedError("kata 00: implement cuda_available() in src/environment.py")


def cuda_version() -> str | None:
    """Return the CUDA version this PyTorch was built with, as a string, or None.

    The version as torch records it (e.g. ``"12.8"``). A CPU-only build has
    none: return None. The build's version is known whether or not a GPU is
    present, so do not ask about the GPU.
    """
    raise NotImplementedError("kata 00: implement cuda_version() in src/environment.py")


def gpu_name() -> str | None:
    """Return the name of GPU 0, the first CUDA GPU (e.g. ``"Tesla T4"``), or None.

    The name exactly as torch reports it. Without a usable CUDA GPU return
    None (not an empty string). On a CPU-only machine asking CUDA for a name
    raises an error: check ``torch.cuda.is_available()`` first, or ask inside
    ``try``/``except`` and return None when it raises; either is right.
    """
    raise NotImplementedError("kata 00: implement gpu_name() in src/environment.py")


def best_device() -> torch.device:
    """Return the fastest device available now, as a ``torch.device`` (not a string).

    CUDA when it is available, else Apple's MPS when that is, else the CPU. The
    device's type says which (``"cuda"``, ``"mps"`` or ``"cpu"``); an index
    such as ``cuda:0`` is fine.
    """
    raise NotImplementedError("kata 00: implement best_device() in src/environment.py")
