"""Learner code may not end the test run as a success: ``os._exit(0)`` fails the test.

``os._exit(0)`` in a learner function would end pytest with status 0 and no
summary, which reads as success. While learner code runs (a test's call, a
learner module's import), ``os._exit(0)`` in this process raises instead. Any
other status ends the run as the crash it is (the warm runner names the kata),
and a process forked from this one (multiprocessing) still exits as asked.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def blocked() -> Iterator[None]:
    """Within the block, ``os._exit(0)`` called in this process raises ``RuntimeError``."""
    real, owner = os._exit, os.getpid()

    def _exit(status: int) -> None:
        if status != 0 or os.getpid() != owner:
            real(status)
        raise RuntimeError(
            "os._exit(0) was called: kata code must return its answer, not end the test run"
        )

    os._exit = _exit  # type: ignore[assignment]
    try:
        yield
    finally:
        os._exit = real
