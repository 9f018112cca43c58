"""Checks made before every fork: one thread, no CUDA context."""

from __future__ import annotations

import os
import sys
import threading


def thread_count() -> int:
    """Native threads of this process (Python threads where /proc is missing)."""
    try:
        return len(os.listdir("/proc/self/task"))
    except OSError:
        return threading.active_count()


def fork_hazard() -> str | None:
    """Why forking this process now would be unsafe, or None."""
    threads = thread_count()
    if threads != 1:
        return f"the warm runner has {threads} threads, so forking it is unsafe"
    torch = sys.modules.get("torch")
    cuda = getattr(torch, "cuda", None)
    if cuda is not None and cuda.is_initialized():
        return "CUDA was initialised in the warm runner, so forking it is unsafe"
    return None
