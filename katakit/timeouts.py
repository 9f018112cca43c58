"""Per-test time limits: ``KataTimeout`` and the alarm that raises it (Unix, main thread)."""

from __future__ import annotations

import signal
import threading


class KataTimeout(Exception):
    """A test (or a learner module's import) ran past its kata's time limit."""


class alarm:
    """Raise ``KataTimeout`` in the main thread after ``seconds``; 0 means no limit.

    Uses ``SIGALRM`` with ``setitimer``, so it needs Unix and the main thread;
    elsewhere it does nothing.
    """

    def __init__(self, seconds: float) -> None:
        usable = (
            hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
        )
        self.seconds = seconds if usable else 0.0

    def _fire(self, signum: int, frame: object) -> None:
        raise KataTimeout(f"timed out after {self.seconds:g} s")

    def __enter__(self) -> None:
        if self.seconds > 0:
            self.previous = signal.signal(signal.SIGALRM, self._fire)
            signal.setitimer(signal.ITIMER_REAL, self.seconds)

    def __exit__(self, *exc: object) -> None:
        if self.seconds > 0:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, self.previous)
