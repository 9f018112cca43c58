"""Hard limits on a kata run: memory, captured output, threads left running at exit.

* Memory: the pytest process gets a soft ``RLIMIT_DATA`` (heap and private
  writable mappings; unlike ``RLIMIT_AS`` it leaves address space that CUDA
  only reserves alone). Default: three quarters of the machine's memory.
  ``KATA_MEMORY_LIMIT`` overrides it in GiB (``KATA_MEMORY_LIMIT=8``), ``0`` turns
  it off. A test past the cap gets ``MemoryError`` instead of swapping the machine.
* Output: each captured section of a test report (stdout, stderr, per phase)
  keeps its first ``OUTPUT_LIMIT`` characters and a note of how much was cut.
* Tracebacks: a failure deep in a recursion (the limit raised to a million)
  keeps only the outermost and innermost ``TRACEBACK_ENDS`` levels, so pytest
  does not spend minutes and gigabytes formatting every level.
* Threads: a non-daemon thread a test started does not hold pytest's exit.
"""

from __future__ import annotations

import math
import os
import sys
import threading
from types import TracebackType

import pytest

from katakit import timeouts

MEMORY_ENV = "KATA_MEMORY_LIMIT"
MIN_DEFAULT_MEMORY = 2 << 30
OUTPUT_LIMIT = 64 * 1024  # characters kept per captured section of one test
TRACEBACK_ENDS = 40  # levels kept at each end of a traceback deeper than 2x this


def memory_limit() -> int | None:
    """The memory cap in bytes (None: no cap); ``ValueError`` for a bad ``KATA_MEMORY_LIMIT``."""
    given = os.environ.get(MEMORY_ENV, "").strip()
    if given:
        try:
            gib = float(given)
        except ValueError:
            gib = math.nan
        if not math.isfinite(gib) or gib < 0:
            raise ValueError(f"{MEMORY_ENV}={given!r}: give GiB as a number, or 0 for no cap")
        return int(gib * (1 << 30)) or None
    try:
        physical = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, AttributeError):
        return None
    return max(MIN_DEFAULT_MEMORY, physical // 4 * 3)


def cap_memory() -> None:
    """Lower this process's soft ``RLIMIT_DATA`` to ``memory_limit()`` (never raise it)."""
    try:
        import resource
    except ImportError:
        return
    limit = memory_limit()
    if limit is None or not hasattr(resource, "RLIMIT_DATA"):
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_DATA)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    if soft == resource.RLIM_INFINITY or limit < soft:
        try:
            resource.setrlimit(resource.RLIMIT_DATA, (limit, hard))
        except (OSError, ValueError):
            pass


def cap_text(text: str, limit: int = OUTPUT_LIMIT) -> str:
    """``text`` cut to ``limit`` characters, with a note of what was left out."""
    if len(text) <= limit:
        return text
    return (
        text[:limit]
        + f"\n[... {len(text) - limit:,} more characters cut: a test's captured output "
        f"is kept to {limit:,} characters]\n"
    )


def shorten_traceback(tb: TracebackType | None, ends: int = TRACEBACK_ENDS) -> int:
    """Unlink the middle of a traceback deeper than ``2 * ends`` levels; how many were cut."""
    levels = []
    while tb is not None:
        levels.append(tb)
        tb = tb.tb_next
    if len(levels) <= 2 * ends:
        return 0
    levels[ends - 1].tb_next = levels[-ends]
    return len(levels) - 2 * ends


class Limits:
    """pytest hooks: cap captured output and tracebacks; do not wait for threads left running."""

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo):
        if call.excinfo is not None:
            shorten_traceback(call.excinfo.tb)
        report = yield
        report.sections = [(title, cap_text(text)) for title, text in report.sections]
        return report

    @pytest.hookimpl(wrapper=True)
    def pytest_make_collect_report(self, collector: pytest.Collector):
        report = yield
        if report is not None:
            report.sections = [(title, cap_text(text)) for title, text in report.sections]
        return report

    @pytest.hookimpl(tryfirst=True)
    def pytest_sessionfinish(self) -> None:
        timeouts.disarm()  # the watchdog stays armed between tests

    @pytest.hookimpl(trylast=True)
    def pytest_unconfigure(self, config: pytest.Config) -> None:
        left = [
            t
            for t in threading.enumerate()
            if t is not threading.main_thread() and not t.daemon and t.is_alive()
        ]
        if left:
            names = ", ".join(t.name for t in left[:3])
            print(
                f"kata: not waiting for {len(left)} thread(s) a test left running ({names})",
                file=sys.stderr,
                flush=True,
            )
            # the interpreter joins non-daemon threads in threading._shutdown at exit
            threading._shutdown = _no_wait  # type: ignore[attr-defined]


def _no_wait() -> None:
    """Stands in for ``threading._shutdown``: exit without joining leftover threads."""


def install(config: pytest.Config) -> None:
    """Apply the limits to this pytest run (memory cap, watchdog output, hooks)."""
    try:
        cap_memory()
    except ValueError as exc:
        raise pytest.UsageError(str(exc)) from None
    timeouts.report_to_stderr()
    if config.pluginmanager.get_plugin("katakit-limits") is None:
        config.pluginmanager.register(Limits(), "katakit-limits")
