"""The one rule for counting a kata's tests, shared by every part that counts them.

The learner report, ``kata status``, the warm runner's focus and ``kata check``
all count through ``Tally``: each test ends as exactly one of passed, failed or
skipped, whatever phases pytest reported for it; a skipped test is not
applicable here (e.g. a CUDA test on a CPU machine), never a pass or a failure;
an expected failure that happened (``xfail``) passes. No torch or pytest import.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

PASSED, FAILED, SKIPPED = "passed", "failed", "skipped"


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


@dataclass
class Tally:
    """Outcomes per test file, fed with pytest's reports; ``count(file)`` applies the rule."""

    outcomes: dict[str, dict[str, str]] = field(default_factory=dict)  # file -> nodeid -> outcome
    collected: dict[str, int] = field(default_factory=dict)  # file -> tests collected
    errors: dict[str, str] = field(default_factory=dict)  # file -> collection error line

    def collect(self, nodeid: str, n: int = 1) -> None:
        """Note ``n`` collected tests in the file of ``nodeid``."""
        file = file_of(nodeid)
        self.collected[file] = self.collected.get(file, 0) + n

    def collection_error(self, nodeid: str, line: str) -> None:
        self.errors.setdefault(file_of(nodeid), line)

    def add(self, report: Any) -> None:
        """Feed one ``TestReport`` (any phase)."""
        outcome = phase_outcome(report)
        if outcome is None:
            return
        tests = self.outcomes.setdefault(file_of(report.nodeid), {})
        tests[report.nodeid] = merge(tests.get(report.nodeid), outcome)  # type: ignore[assignment]

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
            total=max(self.collected.get(file, 0), len(seen)),
            error=self.errors.get(file),
        )


def file_of(nodeid: str) -> str:
    """The test file part of a pytest node id."""
    return nodeid.split("::", 1)[0]
