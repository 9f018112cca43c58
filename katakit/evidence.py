"""What a run proves about each kata: the counting behind ``.kata/results.json``.

A pytest plugin fed with collection and test reports. ``count_run`` decides,
through the one rule in ``katakit.outcomes``, which katas this run saves (their
whole test file ran, unselected and to the end) and which it only shows as a
partial outcome ("3 of 33 tests of kata 01 run: all pass").
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from katakit import explain, importer, outcomes, results
from katakit.catalog import Kata
from katakit.failures import called_function, message_of
from katakit.results import KataResult

REASON_CHARS = 200  # a reason longer than this is cut (it is shown in one line)

if TYPE_CHECKING:
    from katakit.plugin import KataSession


class Evidence:
    """Per-kata outcomes of one run, and the results it may save."""

    def __init__(self, config: pytest.Config, session: KataSession) -> None:
        self.config = config
        self.session = session
        self.tally = outcomes.Tally()
        # what this run saves: katas whose whole test file ran (see outcomes.Tally.complete)
        self.run: dict[str, KataResult] = {}
        # kata id -> "3 of 33 tests of kata 01 run: all pass", for katas run only in part
        self.partial: dict[str, str] = {}
        self.where: dict[str, str] = {}  # kata id -> "`f` in src/x.py"
        self.reason: dict[str, str] = {}  # kata id -> its first failure's one-line reason
        self._mtimes: dict[str, float] = {}  # kata id -> its learner module's mtime when run
        self._unopened: dict[str, pytest.Collector] = {}  # classes a selection left closed

    def _kata(self, nodeid: str) -> Kata | None:
        return self.session.catalog.by_test_file(outcomes.file_of(nodeid))

    @pytest.hookimpl(wrapper=True)
    def pytest_make_collect_report(self, collector: pytest.Collector):
        """Note every test a kata's file holds, whether or not this run selects it.

        With a node id on the command line pytest reports only failed collections,
        so the totals come from here rather than from ``pytest_collectreport``.
        """
        report = yield
        kata = self._kata(collector.nodeid) if collector.nodeid else None
        if kata is not None and isinstance(collector, (pytest.Module, pytest.Class)):
            if isinstance(collector, pytest.Module):
                self._mtimes.setdefault(kata.id, results.module_mtime(self.session.root, kata))
            if report.passed:
                self._note_collected(collector.nodeid, report.result)
        return report

    def _note_collected(self, nodeid: str, found: list) -> None:
        nested = [node for node in found if isinstance(node, pytest.Collector)]
        self._unopened.pop(nodeid, None)
        self._unopened.update((node.nodeid, node) for node in nested)
        tests = [node.nodeid for node in found if isinstance(node, pytest.Item)]
        self.tally.collector(nodeid, tests, [node.nodeid for node in nested])

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.failed and self._kata(report.nodeid) is not None:
            lines = str(report.longrepr).splitlines() or ["could not be collected"]
            self.tally.collection_error(report.nodeid, lines[0])

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        self.tally.select(item.nodeid for item in session.items if self._kata(item.nodeid))
        while self._unopened:  # count the tests of classes a node id left out
            nodeid, collector = self._unopened.popitem()
            try:
                found = list(collector.collect())
            except Exception:  # only a total for the screen is lost
                continue
            self._note_collected(nodeid, found)

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if self._kata(report.nodeid) is not None:
            self.tally.add(report)

    def _selection(self) -> str | None:
        """The option that makes this run select tests by name or mark, if any."""
        option = self.config.option
        for flag, value in (
            ("-k", getattr(option, "keyword", "")),
            ("-m", getattr(option, "markexpr", "")),
            ("--deselect", getattr(option, "deselect", None)),
            ("--lf", getattr(option, "lf", False)),
            ("--sw", getattr(option, "stepwise", False)),
        ):
            if value:
                return flag
        return None

    def _named_whole(self, kata: Kata) -> bool:
        """Whether the command line names the kata's file whole (no ``::`` node id)."""
        target = (self.session.root / kata.tests).resolve()
        whole = False
        for arg in self.config.args:
            path, _, part = arg.partition("::")
            named = Path(self.config.invocation_params.dir, path).resolve()
            if named == target and part:
                return False
            whole = whole or named == target or named in target.parents
        return whole

    def _result(self, kata: Kata, saved: dict[str, KataResult]) -> KataResult | None:
        """What this run has to save for ``kata``, or None when its evidence is incomplete."""
        file, mtime = kata.tests, self._mtimes.get(kata.id, 0.0)
        if file in self.tally.errors:
            if self._selection() or not self._named_whole(kata):
                return None
            before = saved.get(kata.id) or KataResult()
            return KataResult(
                passed=before.passed,
                total=before.total,
                error=self.tally.errors[file],
                mtime=mtime,
                detail=self._detail(kata) or outcomes.IMPORT_ERROR,
            )
        if not self.tally.complete(file):
            return None
        count = self.tally.count(file)
        return KataResult(
            passed=count.passed,
            total=count.applicable,
            mtime=mtime,
            where=self.where.get(kata.id),
            detail=self._detail(kata),
            reason=self.reason.get(kata.id) if count.passed < count.applicable else None,
        )

    def _detail(self, kata: Kata) -> str | None:
        return outcomes.TIMED_OUT if kata.id in self.session.timed_out else None

    def count_run(self, exitstatus: int) -> None:
        """Fill ``run`` (what is saved) and ``partial`` (what is only shown)."""
        seen = set(self.tally.full) | set(self.tally.errors) | set(self.tally.outcomes)
        interrupted = exitstatus == pytest.ExitCode.INTERRUPTED
        saved = results.load(self.session.root) if self.tally.errors else {}
        for kata in self.session.catalog.katas:
            if kata.tests not in seen:
                continue
            result = None if interrupted else self._result(kata, saved)
            if result is not None:
                self.run[kata.id] = result
                continue
            count = self.tally.count(kata.tests)
            if count.passed + count.failed + count.skipped:
                self.partial[kata.id] = count.partial_summary(kata.id)

    def point_at(self, item: pytest.Item, call: pytest.CallInfo) -> None:
        """Remember the learner function behind a kata's first failure."""
        kata = self.session.kata_of(item)
        if kata is None or kata.id in self.where:
            return
        exc = call.excinfo.value
        lines = message_of(exc).strip().splitlines()
        self.reason[kata.id] = lines[0][:REASON_CHARS] if lines else type(exc).__name__
        module = sys.modules.get(f"{importer.PACKAGE}.{kata.module}")
        if isinstance(exc, AttributeError) and module is not None and exc.obj is module:
            name = exc.name  # a function the module lacks (renamed, or not written yet)
        else:
            frame = explain.learner_frame(call.excinfo.tb, self.session.impl)
            name = frame.name if frame is not None else called_function(item, kata)
        if name is not None:
            self.where[kata.id] = f"`{name}` in {kata.module_file()}"
