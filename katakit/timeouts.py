"""Per-test time limits: ``KataTimeout``, the alarm that raises it, and when to hold it back.

A limit is off for a whole run while a tracer or debugger is active (a
breakpoint must be able to wait), and an alarm that fires under a tracer
does nothing: raising inside a trace callback would end the debugging.
"""

from __future__ import annotations

import signal
import sys
import threading
from typing import Any

DEBUGGER_MODULES = ("debugpy", "pydevd")


class KataTimeout(Exception):
    """A test (or a learner module's import) ran past its kata's time limit."""


class SkippedAfterTimeout(KataTimeout):
    """A test not waited for: it calls a learner function that already timed out in this run."""


def debugger(config: Any = None) -> str | None:
    """Why time limits must be off now (a debugger or tracer is active), or None.

    ``config`` is pytest's, for ``--pdb`` and ``--trace``.
    """
    if config is not None:
        for option, flag in (("usepdb", "--pdb"), ("trace", "--trace")):
            if config.getoption(option, False):
                return f"{flag} is on"
    for name in DEBUGGER_MODULES:
        if name in sys.modules:
            return f"{name} is loaded"
    if sys.gettrace() is not None:
        return "a tracer is set with sys.settrace"
    monitoring = getattr(sys, "monitoring", None)
    if monitoring is not None and monitoring.get_tool(monitoring.DEBUGGER_ID):
        return "a debugger is attached through sys.monitoring"
    return None


class alarm:
    """Raise ``KataTimeout`` in the main thread after ``seconds``; 0 means no limit.

    Uses ``SIGALRM`` with ``setitimer``, so it needs Unix and the main thread;
    elsewhere it does nothing. Under a tracer the alarm lets the code run on.
    """

    def __init__(self, seconds: float) -> None:
        usable = (
            hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
        )
        self.seconds = seconds if usable else 0.0

    def _fire(self, signum: int, frame: object) -> None:
        if sys.gettrace() is not None or debugger() is not None:
            return  # paused at a breakpoint, or stepping: never interrupt the debugger
        raise KataTimeout(f"timed out after {self.seconds:g} s")

    def __enter__(self) -> None:
        if self.seconds > 0:
            self.previous = signal.signal(signal.SIGALRM, self._fire)
            signal.setitimer(signal.ITIMER_REAL, self.seconds)

    def __exit__(self, *exc: object) -> None:
        if self.seconds > 0:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, self.previous)


def cancel() -> None:
    """Stop a running alarm (a debugger is taking over); its handler stays until it ends."""
    if hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread():
        signal.setitimer(signal.ITIMER_REAL, 0)
