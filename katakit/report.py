"""What a learner sees: brief failures, focus on one kata, progress and the next step."""

from __future__ import annotations

import sys

import pytest

from katakit import explain, results
from katakit.catalog import Kata
from katakit.plugin import KataSession, KataTimeout


def marks() -> dict[str, str]:
    fancy = (getattr(sys.stdout, "encoding", "") or "").lower().replace("-", "") == "utf8"
    if fancy:
        return {"done": "✔", "in_progress": "◐", "not_started": "·", "fill": "█", "empty": "░"}
    return {"done": "+", "in_progress": "~", "not_started": ".", "fill": "#", "empty": "-"}


class LearnerReport:
    def __init__(self, config: pytest.Config, session: KataSession) -> None:
        self.config = config
        self.session = session
        self.run: dict[str, results.KataResult] = {}
        self.where: dict[str, str] = {}  # kata id -> "file, function" to point at next
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
        if report.when == "call" and report.passed:
            kata = self.session.catalog.by_test_file(report.nodeid.split("::")[0])
            if kata is not None:
                self._result(kata).passed += 1

    # -- brief failures ------------------------------------------------------

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo):
        report = yield
        if call.excinfo is None or report.passed:
            return report
        exc, s = call.excinfo.value, self.session
        text = explain.not_started(exc, s.impl, s.root)
        if text is None and isinstance(exc, KataTimeout):
            text = explain.timed_out(exc, s.impl, s.root)
        if text is not None:
            report.longrepr = explain.short(text, str(item.path), None)
        kata = s.kata_of(item)
        if kata is not None and kata.id not in self.where:
            frame = explain.learner_frame(call.excinfo.tb, s.impl)
            if frame is not None:
                self.where[kata.id] = f"`{frame.name}` in {kata.module_file()}"
        return report

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
        if self.session.learner_mode:
            results.save(self.session.root, self.run)
        terminal = self.config.pluginmanager.get_plugin("terminalreporter")
        if terminal is not None:
            self.write_progress(terminal)
        return outcome

    def write_progress(self, terminal) -> None:  # noqa: ANN001
        katas = self.session.catalog.katas
        known = results.load(self.session.root) if self.session.learner_mode else {}
        known.update(self.run)
        m = marks()
        done = sum(1 for k in katas if k.id in known and known[k.id].state == "done")
        width = 24
        filled = round(width * done / len(katas))
        tw = terminal._tw
        tw.line()
        bar = m["fill"] * filled + m["empty"] * (width - filled)
        tw.line(f"torch-katas  {bar}  {done}/{len(katas)} katas complete", bold=True)
        unfinished = self._unfinished()
        focus = unfinished[0] if unfinished else None
        for kata in katas:
            res = known.get(kata.id)
            if res is None:
                tw.line(f"  {m['not_started']} {kata.id} {kata.name:<18} not run yet")
                continue
            state = res.state
            detail = {"done": "done", "in_progress": "in progress", "not_started": "not started"}[
                state
            ]
            count = f"{res.passed}/{res.total}" if res.total else "-"
            line = f"  {m[state]} {kata.id} {kata.name:<18} {count:>6}  {detail}"
            if res.error:
                line += f" ({res.error})"
            if kata.id not in self.run:
                line += " (earlier run)"
            if focus is not None and kata.id == focus.id:
                line += "   <- you are here"
            tw.line(line, green=state == "done", yellow=kata is focus)
        if focus is not None:
            where = self.where.get(focus.id, focus.module_file())
            tw.line(
                f"Next: kata {focus.id} ({focus.title}): edit {where}, "
                f"then save. Stuck? `kata hint {focus.id}`.",
                bold=True,
            )
        elif done == len(katas):
            tw.line("Every kata is complete. Well done!", green=True, bold=True)
