"""The one rule for counting a kata's tests, shared by every part that counts them.

The learner report, ``kata status``, the warm runner's focus and ``kata check``
all count through ``Tally``: each test ends as exactly one of passed, failed or
skipped, whatever phases pytest reported for it; a skipped test is not
applicable here (e.g. a CUDA test on a CPU machine), never a pass or a failure;
an expected failure that happened (``xfail``) passes.

A kata's saved progress changes only on complete evidence: ``Tally.complete``
says whether a run executed every test its file holds (nothing deselected,
nothing left uncollected, nothing cut short). A saved kata is ``done`` only when
every applicable test passed, with no import error and no time-out.
No torch or pytest import.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

PASSED, FAILED, SKIPPED = "passed", "failed", "skipped"
DONE, IN_PROGRESS, NOT_STARTED = "done", "in_progress", "not_started"
STATE_WORDS = {DONE: "done", IN_PROGRESS: "in progress", NOT_STARTED: "not started"}
IMPORT_ERROR, TIMED_OUT = "import error", "timed out"


def phase_outcome(report: Any) -> str | None:
    """What one pytest ``TestReport`` phase says of its test: an outcome, or None.

    ``None`` means the phase settles nothing (a passing set-up or tear-down).
    """
    if report.failed:
        return FAILED
    if report.skipped:
        return PASSED if hasattr(report, "wasxfail") else SKIPPED
    return PASSED if report.when == "call" else None


def merge(earlier: str | None, later: str | None) -> str | None:
    """One test's outcome from two phases: a failure anywhere wins, then a skip."""
    for outcome in (FAILED, SKIPPED, PASSED):
        if outcome in (earlier, later):
            return outcome
    return None


def state(passed: int, total: int, error: str | None = None, detail: str | None = None) -> str:
    """A saved kata's state: done, in progress or not started.

    ``total`` counts the applicable tests; an import error or a time-out
    (``detail``) means the learner has started and is not done.
    """
    if error or detail:
        return IN_PROGRESS
    if total and passed == total:
        return DONE
    return IN_PROGRESS if passed else NOT_STARTED


def state_words(kata_state: str, detail: str | None = None) -> str:
    """``in progress (timed out)``: the state in words, with what stands in the way."""
    words = STATE_WORDS[kata_state]
    return f"{words} ({detail})" if detail else words


@dataclass
class Count:
    """A kata's tests as one run saw them."""

    passed: int = 0
    failed: int = 0
    skipped: int = 0
    total: int = 0  # tests collected in the kata's file
    error: str | None = None  # first line of a collection error, if any

    @property
    def applicable(self) -> int:
        """Tests that count: collected and not skipped."""
        return self.total - self.skipped

    @property
    def not_run(self) -> int:
        return max(0, self.total - self.passed - self.failed - self.skipped)

    @property
    def all_pass(self) -> bool:
        """Every applicable test ran and passed (and there was at least one)."""
        return (
            self.error is None
            and self.applicable > 0
            and self.failed == 0
            and self.passed == self.applicable
        )

    def partial_summary(self, kata_id: str) -> str:
        """``3 of 33 tests of kata 01 run: all pass``, for a run that left tests out."""
        ran = self.passed + self.failed
        of = f"{ran} of {self.total}" if self.total >= ran else str(ran)
        test = "test" if self.total == 1 else "tests"
        if self.failed == 0:
            verdict = "all pass" if ran > 1 else "it passes"
        else:
            verdict = f"{self.failed} fail" if self.failed > 1 else "1 fails"
        if ran == 0:
            verdict = "none ran"
        skipped = f" ({self.skipped} skipped)" if self.skipped else ""
        return f"{of} {test} of kata {kata_id} run{skipped}: {verdict}"


@dataclass
class Tally:
    """Outcomes per test file, fed with pytest's reports; ``count(file)`` applies the rule."""

    outcomes: dict[str, dict[str, str]] = field(default_factory=dict)  # file -> nodeid -> outcome
    collected: dict[str, int] = field(default_factory=dict)  # file -> tests collected
    errors: dict[str, str] = field(default_factory=dict)  # file -> collection error line
    full: dict[str, set[str]] = field(default_factory=dict)  # file -> every test it holds
    unexpanded: dict[str, set[str]] = field(default_factory=dict)  # file -> collectors not opened
    selected: dict[str, set[str]] = field(default_factory=dict)  # file -> tests chosen to run
    finished: set[str] = field(default_factory=set)  # tests whose tear-down was reported

    def collect(self, nodeid: str, n: int = 1) -> None:
        """Note ``n`` collected tests in the file of ``nodeid``."""
        file = file_of(nodeid)
        self.collected[file] = self.collected.get(file, 0) + n

    def collection_error(self, nodeid: str, line: str) -> None:
        self.errors.setdefault(file_of(nodeid), line)

    def collector(self, nodeid: str, tests: Iterable[str], collectors: Iterable[str]) -> None:
        """Note what one collector of a test file (module or class) holds.

        ``tests`` are the test ids it yielded, ``collectors`` the ids of nested
        collectors (classes) whose own tests arrive when they are collected.
        """
        file = file_of(nodeid)
        self.full.setdefault(file, set()).update(tests)
        waiting = self.unexpanded.setdefault(file, set())
        waiting.discard(nodeid)
        waiting.update(collectors)

    def select(self, nodeids: Iterable[str]) -> None:
        """Note the tests this run chose to run (after ``-k``, ``-m``, node ids ...)."""
        for nodeid in nodeids:
            self.selected.setdefault(file_of(nodeid), set()).add(nodeid)

    def add(self, report: Any) -> None:
        """Feed one ``TestReport`` (any phase)."""
        if report.when == "teardown":
            self.finished.add(report.nodeid)
        outcome = phase_outcome(report)
        if outcome is None:
            return
        tests = self.outcomes.setdefault(file_of(report.nodeid), {})
        tests[report.nodeid] = merge(tests.get(report.nodeid), outcome)  # type: ignore[assignment]

    def complete(self, file: str) -> bool:
        """Whether this run executed every test ``file`` holds, each to its end.

        False after a collection error, with tests left uncollected (a node id
        that names one class), deselected (``-k``, ``-m``, ``--deselect``, a node
        id) or not finished (``-x``, ``--maxfail``, Ctrl-C, a crash).
        """
        full = self.full.get(file)
        if not full or self.unexpanded.get(file) or file in self.errors:
            return False
        settled = self.outcomes.get(file, {}).keys()  # a call ran (or set-up failed or skipped)
        return self.selected.get(file) == full and full <= self.finished and full <= settled

    def failing(self, file: str) -> list[str]:
        """Names (``test_x[case]``) of the failing tests of ``file``, in run order."""
        return [
            nodeid.partition("::")[2]
            for nodeid, outcome in self.outcomes.get(file, {}).items()
            if outcome == FAILED
        ]

    def count(self, file: str) -> Count:
        seen = list(self.outcomes.get(file, {}).values())
        return Count(
            passed=seen.count(PASSED),
            failed=seen.count(FAILED),
            skipped=seen.count(SKIPPED),
            total=max(self.collected.get(file, 0), len(self.full.get(file, ())), len(seen)),
            error=self.errors.get(file),
        )


def file_of(nodeid: str) -> str:
    """The test file part of a pytest node id."""
    return nodeid.split("::", 1)[0]
