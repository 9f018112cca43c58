"""Per-test time limits: ``KataTimeout``, the alarms that raise it, two hard watchdogs,
and when to hold them back.

A limit counts the CPU time the test's process uses (``ITIMER_PROF``), not the
wall clock: an endless loop burns CPU, a correct test on a busy machine waits
for it, and only the loop is stopped. Code that waits instead (``time.sleep``,
a lock, a read that never returns) has a wall-clock backstop, ``WAIT_FACTOR``
times the limit; it is reported as waiting, with the CPU time it used.

Both alarms raise in Python code. Code stuck inside one C call
(``sum(itertools.repeat(1, 10**13))``) never gives a signal handler the chance
to run, so two watchdogs need no interpreter lock: ``GRACE`` seconds of CPU
past the limit, ``SIGVTALRM`` (``ITIMER_VIRTUAL``) makes ``faulthandler`` print
where every thread is (the test's file, line and function among them) and the
signal ends the process; ``GRACE`` seconds past the backstop, ``faulthandler``'s
wall-clock thread does the same, for C code that waits (a deadlock). Starting
that thread costs, so it is armed with ``SLACK`` seconds to spare and re-armed
only when a test could outlive it: it lingers between tests and ``disarm`` ends
it with the run. A limit is off for a whole run while a tracer or debugger is
active (a breakpoint must be able to wait), and an alarm that fires under a
tracer does nothing: raising inside a trace callback would end the debugging.
``KATA_WATCHDOG_GRACE`` (seconds) overrides ``GRACE`` (and ``SLACK`` is never
longer), so tests of the watchdogs need not wait seconds for them.
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


GRACE = _grace()  # seconds past the limit (CPU) or the backstop (wall) before a watchdog ends it
SLACK = min(2.0, GRACE)  # seconds the wall watchdog may fire later than GRACE: re-armed seldom
WAIT_FACTOR = 6.0  # the wall-clock backstop, in limits: a busy machine never stretches CPU so far
MAX_LIMIT = 86400.0  # one day: longer limits are a typo (and overflow setitimer near 1e300)
WATCHDOG_SIGNAL = getattr(signal, "SIGVTALRM", None)  # ends code stuck in C past the CPU limit
WATCHDOG_ENDED = (  # what a process that WATCHDOG_SIGNAL ended was doing
    "ran past its time limit inside one call into C, which no alarm can interrupt "
    "(the watchdog printed where each thread was)"
)

_report_fd: int | None = None  # where the watchdog writes (stderr, not pytest's capture)
_watchdog_at = 0.0  # time.monotonic() when the armed watchdog fires; 0 when none is armed
_cpu_watchdog = False  # whether WATCHDOG_SIGNAL makes faulthandler dump before it ends us


class KataTimeout(Exception):
    """A test (or a learner module's import) ran past its kata's time limit."""

    waiting = False  # the wall-clock backstop ended it: it used little CPU
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
    global _report_fd, _cpu_watchdog
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
    if WATCHDOG_SIGNAL is not None and hasattr(faulthandler, "register"):
        # dump every thread, then the signal's default action ends the process
        faulthandler.register(WATCHDOG_SIGNAL, file=fd, all_threads=True, chain=True)
        _cpu_watchdog = True


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
    """Raise ``KataTimeout`` in the main thread after ``seconds`` of CPU time; 0: no limit.

    Also raises it, as waiting, after ``WAIT_FACTOR * seconds`` on the wall clock.
    Uses ``setitimer``, so it needs Unix and the main thread; elsewhere it does
    nothing. After ``report_to_stderr`` it also arms the CPU watchdog at
    ``seconds + GRACE`` and makes sure the wall watchdog fires no sooner than
    ``GRACE`` past the backstop; with ``linger`` the wall watchdog stays armed
    afterwards, for the next test to reuse. Under a tracer the alarms let the
    code run on.
    """

    def __init__(self, seconds: float, *, linger: bool = False) -> None:
        usable = (
            hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
        )
        self.seconds = seconds if usable else 0.0
        self.backstop = self.seconds * WAIT_FACTOR
        self.linger = linger

    def _fire(self, signum: int, frame: object) -> None:
        if sys.gettrace() is not None or debugger() is not None:
            cancel()
            return  # paused at a breakpoint, or stepping: never interrupt the debugger
        if signum == signal.SIGPROF:
            raise KataTimeout(f"timed out after {self.seconds:g} s of CPU time")
        used = time.process_time() - self.cpu
        exc = KataTimeout(
            f"timed out after waiting {self.backstop:g} s, using {used:.2f} s of CPU time"
        )
        exc.waiting = True
        raise exc

    def __enter__(self) -> None:
        if self.seconds > 0:
            alarms = (signal.SIGPROF, signal.SIGALRM)  # CPU time, wall-clock backstop
            self.previous = {sig: signal.signal(sig, self._fire) for sig in alarms}
            self.cpu = time.process_time()
            signal.setitimer(signal.ITIMER_PROF, self.seconds)
            signal.setitimer(signal.ITIMER_REAL, self.backstop)
            if _cpu_watchdog:
                signal.setitimer(signal.ITIMER_VIRTUAL, self.seconds + GRACE)
            _watch(self.backstop + GRACE)
        elif _watchdog_at:
            disarm()  # no limit here: nothing may end this code

    def __exit__(self, *exc: object) -> None:
        if self.seconds > 0:
            _stop_timers()
            for sig, handler in self.previous.items():
                signal.signal(sig, handler)
            if not self.linger:
                disarm()


def _stop_timers() -> None:
    """Stop both alarms and the CPU watchdog."""
    for timer in (signal.ITIMER_PROF, signal.ITIMER_REAL, signal.ITIMER_VIRTUAL):
        signal.setitimer(timer, 0)


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
    """Stop a running alarm (a debugger is taking over); its handlers stay until it ends."""
    if hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread():
        _stop_timers()
    disarm()
