"""Per-test time limits: ``KataTimeout``, the alarm that raises it, a hard watchdog, and
when to hold them back.

The alarm (``SIGALRM``) interrupts Python code. Code stuck inside one C call
(``sum(itertools.repeat(1, 10**13))``) never gives a signal handler the chance
to run, so each alarm also arms ``faulthandler``'s watchdog thread, which needs
no interpreter lock: ``GRACE`` seconds after the limit it prints where every
thread is (the test's file, line and function among them) and ends the process
with exit status 1. Arming that watchdog starts a thread and cancelling it joins
one, so for tests it is armed with ``SLACK`` seconds to spare and re-armed only
when a test could outlive it: it lingers between tests (only pytest's own
bookkeeping runs there) and ``disarm`` ends it with the run. A limit
is off for a whole run while a tracer or debugger is active (a breakpoint must
be able to wait), and an alarm that fires under a tracer does nothing: raising
inside a trace callback would end the debugging. ``KATA_WATCHDOG_GRACE`` (seconds)
overrides ``GRACE`` (and ``SLACK`` is never longer), so tests of the watchdog need
not wait seconds for it.
No torch or pytest import here.
"""

from __future__ import annotations

import faulthandler
import math
import os
import signal
import sys
import threading
import time
from typing import Any

DEBUGGER_MODULES = ("debugpy", "pydevd")


def _grace(default: float = 3.0) -> float:
    """``KATA_WATCHDOG_GRACE`` when it is a number of seconds from 0 to 60, else ``default``."""
    try:
        value = float(os.environ.get("KATA_WATCHDOG_GRACE", default))
    except ValueError:
        return default
    return value if 0 <= value <= 60 else default


GRACE = _grace()  # seconds past the limit before the watchdog ends the process
SLACK = min(2.0, GRACE)  # seconds the watchdog may fire later than GRACE: re-armed seldom
MAX_LIMIT = 86400.0  # one day: longer limits are a typo (and overflow setitimer near 1e300)

_report_fd: int | None = None  # where the watchdog writes (stderr, not pytest's capture)
_watchdog_at = 0.0  # time.monotonic() when the armed watchdog fires; 0 when none is armed


class KataTimeout(Exception):
    """A test (or a learner module's import) ran past its kata's time limit."""

    importing: str | None = None  # the library module whose import it cut short
    unloaded = 0  # how many partly imported modules were removed from sys.modules then


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
    elsewhere it does nothing. After ``report_to_stderr`` it also makes sure the
    hard watchdog fires no sooner than ``seconds + GRACE`` from now; with
    ``linger`` the watchdog stays armed afterwards, for the next test to reuse.
    Under a tracer the alarm lets the code run on.
    """

    def __init__(self, seconds: float, *, linger: bool = False) -> None:
        usable = (
            hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
        )
        self.seconds = seconds if usable else 0.0
        self.linger = linger

    def _fire(self, signum: int, frame: object) -> None:
        if sys.gettrace() is not None or debugger() is not None:
            disarm()
            return  # paused at a breakpoint, or stepping: never interrupt the debugger
        raise KataTimeout(f"timed out after {self.seconds:g} s")

    def __enter__(self) -> None:
        if self.seconds > 0:
            self.previous = signal.signal(signal.SIGALRM, self._fire)
            signal.setitimer(signal.ITIMER_REAL, self.seconds)
            _watch(self.seconds + GRACE)
        elif _watchdog_at:
            disarm()  # no limit here: nothing may end this code

    def __exit__(self, *exc: object) -> None:
        if self.seconds > 0:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, self.previous)
            if not self.linger:
                disarm()


def _watch(seconds: float) -> None:
    """Make sure the watchdog is armed and fires no sooner than ``seconds`` from now."""
    global _watchdog_at
    now = time.monotonic()
    if _report_fd is None or _watchdog_at >= now + seconds:
        return
    try:
        faulthandler.dump_traceback_later(seconds + SLACK, exit=True, file=_report_fd)
    except (OSError, ValueError, RuntimeError):
        return
    _watchdog_at = now + seconds + SLACK


def disarm() -> None:
    """Stop the watchdog (the run is over, or a debugger took over)."""
    global _watchdog_at
    if _watchdog_at:
        faulthandler.cancel_dump_traceback_later()
        _watchdog_at = 0.0


def cancel() -> None:
    """Stop a running alarm (a debugger is taking over); its handler stays until it ends."""
    if hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread():
        signal.setitimer(signal.ITIMER_REAL, 0)
    disarm()
