"""What a learner sees: brief failures, focus on one kata, progress and the next step."""

from __future__ import annotations

import linecache
from typing import TYPE_CHECKING

import pytest

from katakit import explain, failures, progress, results, view
from katakit.catalog import Kata
from katakit.console import marks
from katakit.evidence import Evidence
from katakit.timeouts import KataTimeout
from katakit.workshop import send

if TYPE_CHECKING:
    from katakit.plugin import KataSession


class LearnerReport:
    """The learner view of a run, over the evidence ``katakit.evidence`` counts."""

    def __init__(self, config: pytest.Config, session: KataSession) -> None:
        self.config = config
        self.session = session
        self.evidence = Evidence(config, session)
        config.pluginmanager.register(self.evidence, "katakit-evidence")
        self._hidden: dict[str, list] = {}
        self._failures: list[view.Failure] = []
        self._errors: dict[str, str] = {}
        self._case_counts: dict[tuple[str, str], int] | None = None
        self._items: list[pytest.Item] = []
        self._view = False
        self._before: dict[str, results.KataResult] = {}

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
        self.evidence.point_at(item, call)
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
            self.evidence.point_at(item, call)
            message = failures.message_of(call.excinfo.value)
            if isinstance(call.excinfo.value, AssertionError) and self._brief():
                failures.drop_introspection(report, message)
            self._note(item, call, report, message)
        return report

    def _note(self, item: pytest.Item, call: pytest.CallInfo, report, message: str) -> None:
        """Keep what the learner view needs of one failing test."""
        kata = self.session.kata_of(item)
        if kata is None or call.excinfo is None:
            return
        exc, s = call.excinfo.value, self.session
        frame = explain.learner_frame(call.excinfo.tb, s.impl)
        function = frame.name if frame is not None else failures.called_function(item, kata)
        if isinstance(report.longrepr, explain.ShortRepr):
            message = str(report.longrepr)
        started = not (isinstance(exc, NotImplementedError) and frame is not None)
        if not started:
            location = None
        elif frame is not None:
            code = linecache.getline(frame.filename, frame.lineno or 0).strip()
            location = f"{explain._rel(frame.filename, s.root)}:{frame.lineno}: {code}"
        else:
            location = failures.learner_line(s.root, kata, function)
        name = getattr(item, "originalname", item.name)
        self._failures.append(
            view.Failure(
                kata=kata.id,
                test=name,
                function=function,
                message=message,
                case=failures.case_of(item),
                cases=self._cases(item).get((str(item.path), name), 1),
                location=location,
                started=started,
            )
        )

    def _cases(self, item: pytest.Item) -> dict[tuple[str, str], int]:
        """How many collected tests share each test function (its parametrised cases)."""
        if self._case_counts is None:
            self._items = list(item.session.items)
            counts: dict[tuple[str, str], int] = {}
            for other in item.session.items:
                key = (str(other.path), getattr(other, "originalname", other.name))
                counts[key] = counts.get(key, 0) + 1
            self._case_counts = counts
        return self._case_counts

    # -- focus ---------------------------------------------------------------

    def _unfinished(self) -> list[Kata]:
        return [
            k
            for k in self.session.catalog.katas
            if k.id in self.evidence.run and self.evidence.run[k.id].state != "done"
        ]

    def _brief(self) -> bool:
        """pytest's default brevity: no -v, no --tb=long (those show everything)."""
        return self.config.get_verbosity() <= 0 and self.config.getoption("tbstyle", "auto") in (
            "auto",
            "short",
        )

    def _view_on(self) -> bool:
        """Whether the learner view replaces pytest's failure sections in this run."""
        return (
            self.session.learner_mode
            and not self.config.getoption("no_focus")
            and not self.config.getoption("collectonly")
            and self._brief()
        )

    @pytest.hookimpl(wrapper=True, tryfirst=True)
    def pytest_terminal_summary(self, terminalreporter, exitstatus, config):
        """Hide failures pytest would print: all kata failures under the learner view,
        else those of every kata but the first unfinished one."""
        unfinished = self._unfinished()
        self._view = self._view_on()
        if self._view:
            self._before = results.load(self.session.root)
        if (unfinished and not config.getoption("no_focus")) or self._view:
            focus = unfinished[0].id if unfinished else None
            for key in ("failed", "error"):
                reports = terminalreporter.stats.get(key, [])
                if self._view:
                    keep = [r for r in reports if self._kata_id(r) is None]
                    for r in reports:
                        kid = self._kata_id(r)
                        if kid is not None and isinstance(r, pytest.CollectReport):
                            self._errors.setdefault(kid, str(r.longrepr))
                else:
                    keep = [r for r in reports if self._kata_id(r) in (None, focus)]
                self._hidden[key] = [r for r in reports if r not in keep]
                if reports:
                    terminalreporter.stats[key] = keep
        try:
            return (yield)
        finally:
            for key, hidden in self._hidden.items():
                terminalreporter.stats.setdefault(key, []).extend(hidden)

    def _kata_id(self, report) -> str | None:
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
            self.evidence.count_run(exitstatus)
        outcome = yield
        if quiet or not (self.evidence.run or self.evidence.partial):
            progress.note_completion(exitstatus, [])
            return outcome
        # learner runs merge what they proved into the saved results; other trees stand alone
        if not self.session.learner_mode:
            known = {}
        elif self.evidence.run:
            known = results.save(self.session.root, self.evidence.run)
        else:
            known = results.load(self.session.root)
        progress.note_completion(
            exitstatus, sorted(self.evidence.run) if self.session.learner_mode else []
        )
        known.update(self.evidence.run)
        terminal = self.config.pluginmanager.get_plugin("terminalreporter")
        if terminal is not None:
            self.write_progress(terminal, known)
        if self.session.learner_mode and self.evidence.run:
            send.spawn(self.session.root)  # the result is on screen: now the dashboard
        return outcome

    def write_progress(self, terminal, known: dict[str, results.KataResult]) -> None:
        """The learner view (or, with pytest's own failure sections, the progress table)."""
        catalog = self.session.catalog
        unfinished = self._unfinished()
        focus = unfinished[0] if unfinished else results.next_kata(catalog, known)
        earlier = {kid for kid in known if kid not in self.evidence.run}
        tw = terminal._tw
        width, height = view.size(tw.fullwidth)
        res = known.get(focus.id) if focus else None
        partial = [
            line
            for summary in self.evidence.partial.values()
            for line in view.wrap(
                f"{summary} (progress is saved from whole-file runs only)", width, "  "
            )
        ]
        if focus is None:
            next_line = "Every kata is complete. Well done! Compare notes: `kata solution ID`."
        else:
            next_line = progress.next_step(focus, res.where if res else None)
        table = progress.table(catalog, known, focus, earlier=earlier, width=width)
        if not self._view:
            tw.line()
            for line in partial:
                tw.line(line)
            for n, line in enumerate(table):
                tw.line(line, bold=n == 0)
            for line in view.wrap(next_line, width, "  "):
                tw.line(line, bold=True, green=focus is None)
            return
        before = self._before
        completed = [
            k
            for k in catalog.katas
            if k.id in self.evidence.run
            and self.evidence.run[k.id].state == "done"
            and (k.id not in before or before[k.id].state != "done")
        ]
        shown = focus.id if focus else None
        failures = [f for f in self._failures if f.kata == shown]
        hidden = sum(1 for f in self._failures if f.kata != shown)
        hidden += sum(1 for kid in self._errors if kid != shown)
        lines = view.render(
            catalog=catalog,
            known=known,
            focus=focus,
            failures=failures,
            errors=self._errors,
            totals=self._totals(focus) if focus else {},
            completed=completed,
            hidden=hidden,
            table=table,
            next_line=next_line,
            marks=marks(),
            width=width,
            height=height,
        )
        if partial:
            tw.line()
        for line in partial:
            tw.line(line)
        for style, line in lines:
            tw.line(line, **({style: True} if style else {}))

    def _totals(self, kata: Kata) -> dict[str, int]:
        """Tests per learner function of ``kata`` in this run."""
        totals: dict[str, int] = {}
        items = self._items_of(kata)
        for item in items:
            name = failures.called_function(item, kata)
            if name is not None:
                totals[name] = totals.get(name, 0) + 1
        return totals

    def _items_of(self, kata: Kata) -> list[pytest.Item]:
        return [i for i in self._items if self.session.kata_of(i) == kata]
