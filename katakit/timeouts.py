"""Per-test time limits: ``KataTimeout``, the alarm that raises it, and a hard watchdog.

The alarm (``SIGALRM``) interrupts Python code. Code stuck inside one C call
(``sum(itertools.repeat(1, 10**13))``) never gives a signal handler the chance
to run, so each alarm also arms ``faulthandler``'s watchdog thread, which needs
no interpreter lock: ``GRACE`` seconds after the limit it prints where every
thread is (the test's file, line and function among them) and ends the process
with exit status 1. No torch or pytest import here.
"""

from __future__ import annotations

import faulthandler
import math
import os
import signal
import threading

GRACE = 3.0  # seconds past the limit before the watchdog ends the process
MAX_LIMIT = 86400.0  # one day: longer limits are a typo (and overflow setitimer near 1e300)

_report_fd: int | None = None  # where the watchdog writes (stderr, not pytest's capture)


class KataTimeout(Exception):
    """A test (or a learner module's import) ran past its kata's time limit."""


def parse_limit(text: str) -> float:
    """``--kata-timeout``'s value: finite seconds in (0, ``MAX_LIMIT``], or 0 for no limit.

    Raises ``ValueError`` with a one-line message otherwise (``inf``, ``nan``, ``-1``, ``abc``).
    """
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a number of seconds") from None
    if not math.isfinite(value) or value < 0 or value > MAX_LIMIT:
        raise ValueError(
            f"{text!r} is not a time limit: give seconds between 0 and {MAX_LIMIT:g} "
            "(0 turns the limit off)"
        )
    return value


def report_to_stderr() -> None:
    """Keep a copy of the current stderr for watchdog reports (call before capturing starts)."""
    global _report_fd
    try:
        fd = os.dup(2)
    except OSError:
        return
    os.set_inheritable(fd, False)
    if _report_fd is not None:
        try:
            os.close(_report_fd)
        except OSError:
            pass
    _report_fd = fd


class alarm:
    """Raise ``KataTimeout`` in the main thread after ``seconds``; 0 means no limit.

    Uses ``SIGALRM`` with ``setitimer``, so it needs Unix and the main thread;
    elsewhere it does nothing. After ``report_to_stderr`` it also arms the hard
    watchdog for ``seconds + GRACE``.
    """

    def __init__(self, seconds: float) -> None:
        usable = (
            hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
        )
        self.seconds = seconds if usable else 0.0
        self.watchdog = False

    def _fire(self, signum: int, frame: object) -> None:
        raise KataTimeout(f"timed out after {self.seconds:g} s")

    def __enter__(self) -> None:
        if self.seconds > 0:
            self.previous = signal.signal(signal.SIGALRM, self._fire)
            signal.setitimer(signal.ITIMER_REAL, self.seconds)
            if _report_fd is not None:
                try:
                    faulthandler.dump_traceback_later(
                        self.seconds + GRACE, exit=True, file=_report_fd
                    )
                    self.watchdog = True
                except (OSError, ValueError, RuntimeError):
                    pass

    def __exit__(self, *exc: object) -> None:
        if self.seconds > 0:
            if self.watchdog:
                faulthandler.cancel_dump_traceback_later()
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, self.previous)
