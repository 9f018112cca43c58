"""What a learner sees: brief failures, focus on one kata, progress and the next step."""

from __future__ import annotations

import inspect
import sys
from typing import TYPE_CHECKING

import pytest

from katakit import explain, importer, progress, results
from katakit.catalog import Kata
from katakit.timeouts import KataTimeout

if TYPE_CHECKING:
    from katakit.plugin import KataSession


class LearnerReport:
    def __init__(self, config: pytest.Config, session: KataSession) -> None:
        self.config = config
        self.session = session
        self.run: dict[str, results.KataResult] = {}
        self._hidden: dict[str, list] = {}

    # -- counting ------------------------------------------------------------

    def _result(self, kata: Kata) -> results.KataResult:
        if kata.id not in self.run:
            mtime = results.module_mtime(self.session.root, kata)
            self.run[kata.id] = results.KataResult(mtime=mtime)
        return self.run[kata.id]

    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        for item in items:
            kata = self.session.kata_of(item)
            if kata is not None:
                self._result(kata).total += 1

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.failed:
            kata = self.session.catalog.by_test_file(report.nodeid)
            if kata is not None:
                self._result(kata).error = str(report.longrepr).splitlines()[0]

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        kata = self.session.catalog.by_test_file(report.nodeid.split("::")[0])
        if kata is None:
            return
        if report.when == "call" and report.passed:
            self._result(kata).passed += 1
        elif report.skipped and report.when in ("setup", "call"):
            self._result(kata).total -= 1  # e.g. a CUDA-only test here: not the learner's to pass

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
        if kata is None or self._result(kata).where is not None:
            return
        frame = explain.learner_frame(call.excinfo.tb, self.session.impl)
        name = frame.name if frame is not None else _called_function(item, kata)
        if name is not None:
            self._result(kata).where = f"`{name}` in {kata.module_file()}"

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
    def pytest_sessionfinish(self, session: pytest.Session):
        outcome = yield
        if not self.run:
            return outcome
        # learner runs merge into the saved results; other trees stand alone
        known = results.save(self.session.root, self.run) if self.session.learner_mode else {}
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
