"""What a learner sees: brief failures, focus on one kata, progress and the next step."""

from __future__ import annotations

import inspect
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from katakit import explain, importer, outcomes, progress, results
from katakit.catalog import Kata
from katakit.results import KataResult
from katakit.timeouts import KataTimeout

if TYPE_CHECKING:
    from katakit.plugin import KataSession


class LearnerReport:
    def __init__(self, config: pytest.Config, session: KataSession) -> None:
        self.config = config
        self.session = session
        self.tally = outcomes.Tally()
        # what this run saves: katas whose whole test file ran (see outcomes.Tally.complete)
        self.run: dict[str, KataResult] = {}
        # kata id -> "3 of 33 tests of kata 01 run: all pass", for katas run only in part
        self.partial: dict[str, str] = {}
        self._where: dict[str, str] = {}  # kata id -> "`f` in src/x.py"
        self._mtimes: dict[str, float] = {}  # kata id -> its learner module's mtime when run
        self._unopened: dict[str, pytest.Collector] = {}  # classes a selection left closed
        self._hidden: dict[str, list] = {}

    # -- counting ------------------------------------------------------------

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
            where=self._where.get(kata.id),
            detail=self._detail(kata),
        )

    def _detail(self, kata: Kata) -> str | None:
        return outcomes.TIMED_OUT if kata.id in self.session.timed_out else None

    def _count_run(self, exitstatus: int) -> None:
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

    # -- brief failures ------------------------------------------------------

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo):
        """A stub's NotImplementedError or a time-out: a one-line report.

        Built here, before pytest renders a full traceback it would throw away
        (that costs milliseconds per failure, and a fresh kata fails every test).
        """
        if call.excinfo is None or call.when != "call":
            return None
        exc, s = call.excinfo.value, self.session
        text = explain.not_started(exc, s.impl, s.root)
        if text is None and isinstance(exc, KataTimeout):
            text = explain.timed_out(exc, s.impl, s.root)
        if text is None:
            return None
        self._point_at(item, call)
        sections = [
            (f"Captured {key} {when}", content) for when, key, content in item._report_sections
        ]
        return pytest.TestReport(
            item.nodeid,
            item.location,
            {name: 1 for name in item.keywords},
            "failed",
            explain.short(text, str(item.path)),
            call.when,
            sections,
            call.duration,
            call.start,
            call.stop,
            item.user_properties,
        )

    @pytest.hookimpl(wrapper=True, specname="pytest_runtest_makereport")
    def pytest_runtest_makereport_where(self, item: pytest.Item, call: pytest.CallInfo):
        report = yield
        if report.failed and call.excinfo is not None:
            self._point_at(item, call)
        return report

    def _point_at(self, item: pytest.Item, call: pytest.CallInfo) -> None:
        """Remember the learner function behind a kata's first failure."""
        kata = self.session.kata_of(item)
        if kata is None or kata.id in self._where:
            return
        exc = call.excinfo.value
        module = sys.modules.get(f"{importer.PACKAGE}.{kata.module}")
        if isinstance(exc, AttributeError) and module is not None and exc.obj is module:
            name = exc.name  # a function the module lacks (renamed, or not written yet)
        else:
            frame = explain.learner_frame(call.excinfo.tb, self.session.impl)
            name = frame.name if frame is not None else _called_function(item, kata)
        if name is not None:
            self._where[kata.id] = f"`{name}` in {kata.module_file()}"

    # -- focus ---------------------------------------------------------------

    def _unfinished(self) -> list[Kata]:
        return [
            k
            for k in self.session.catalog.katas
            if k.id in self.run and self.run[k.id].state != "done"
        ]

    @pytest.hookimpl(wrapper=True, tryfirst=True)
    def pytest_terminal_summary(self, terminalreporter, exitstatus, config):  # noqa: ANN001
        """Hide the failures of all but the first unfinished kata while pytest prints them."""
        unfinished = self._unfinished()
        if unfinished and not config.getoption("no_focus"):
            focus = unfinished[0]
            for key in ("failed", "error"):
                reports = terminalreporter.stats.get(key, [])
                keep = [r for r in reports if self._kata_id(r) in (None, focus.id)]
                self._hidden[key] = [r for r in reports if r not in keep]
                if reports:
                    terminalreporter.stats[key] = keep
        try:
            return (yield)
        finally:
            for key, hidden in self._hidden.items():
                terminalreporter.stats.setdefault(key, []).extend(hidden)

    def _kata_id(self, report) -> str | None:  # noqa: ANN001
        kata = self.session.catalog.by_test_file(report.nodeid.split("::")[0])
        return kata.id if kata else None

    # -- progress and next step ------------------------------------------------

    @pytest.hookimpl(wrapper=True, tryfirst=True)
    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int):
        """Save what this run proved (learner runs only), then show progress and the next step.

        Counting happens before pytest's own summary, whose focus reads ``run``.
        Discovery (``--collect-only``, as editors run it) and xdist workers neither
        save nor show anything.
        """
        quiet = self.config.option.collectonly or hasattr(self.config, "workerinput")
        if not quiet:
            self._count_run(exitstatus)
        outcome = yield
        if quiet or not (self.run or self.partial):
            progress.note_completion(exitstatus, [])
            return outcome
        # learner runs merge what they proved into the saved results; other trees stand alone
        if not self.session.learner_mode:
            known = {}
        elif self.run:
            known = results.save(self.session.root, self.run)
        else:
            known = results.load(self.session.root)
        progress.note_completion(exitstatus, sorted(self.run) if self.session.learner_mode else [])
        known.update(self.run)
        terminal = self.config.pluginmanager.get_plugin("terminalreporter")
        if terminal is not None:
            self.write_progress(terminal, known)
        return outcome

    def write_progress(self, terminal, known: dict[str, results.KataResult]) -> None:  # noqa: ANN001
        catalog = self.session.catalog
        unfinished = self._unfinished()
        focus = unfinished[0] if unfinished else results.next_kata(catalog, known)
        earlier = {kid for kid in known if kid not in self.run}
        tw = terminal._tw
        tw.line()
        for summary in self.partial.values():
            tw.line(f"{summary} (progress is saved from whole-file runs only)")
        for n, line in enumerate(progress.table(catalog, known, focus, earlier=earlier)):
            tw.line(line, bold=n == 0)
        if focus is None:
            tw.line("Every kata is complete. Well done!", green=True, bold=True)
        else:
            res = known.get(focus.id)
            tw.line(progress.next_step(focus, res.where if res else None), bold=True)


def _called_function(item: pytest.Item, kata: Kata) -> str | None:
    """The first learner function a test refers to (when its answer was wrong)."""
    module = sys.modules.get(f"{importer.PACKAGE}.{kata.module}")
    code = getattr(getattr(item, "function", None), "__code__", None)
    if module is None or code is None:
        return None
    for name in code.co_names:
        if not name.startswith("_") and inspect.isfunction(getattr(module, name, None)):
            return name
    return None
