"""What a learner sees: brief failures, focus on one kata, progress and the next step."""

from __future__ import annotations

import inspect
import linecache
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from katakit import explain, importer, outcomes, progress, results, view
from katakit.catalog import Kata
from katakit.console import marks
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
        self._failures: list[view.Failure] = []
        self._errors: dict[str, str] = {}
        self._case_counts: dict[tuple[str, str], int] | None = None
        self._items: list[pytest.Item] = []
        self._view = False
        self._before: dict[str, results.KataResult] = {}

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
            message = _message(call.excinfo.value)
            if isinstance(call.excinfo.value, AssertionError) and self._brief():
                _drop_introspection(report, message)
            self._note(item, call, report, message)
        return report

    def _note(self, item: pytest.Item, call: pytest.CallInfo, report, message: str) -> None:  # noqa: ANN001
        """Keep what the learner view needs of one failing test."""
        kata = self.session.kata_of(item)
        if kata is None or call.excinfo is None:
            return
        exc, s = call.excinfo.value, self.session
        frame = explain.learner_frame(call.excinfo.tb, s.impl)
        function = frame.name if frame is not None else _called_function(item, kata)
        if isinstance(report.longrepr, explain.ShortRepr):
            message = str(report.longrepr)
        started = not (isinstance(exc, NotImplementedError) and frame is not None)
        if not started:
            location = None
        elif frame is not None:
            code = linecache.getline(frame.filename, frame.lineno or 0).strip()
            location = f"{explain._rel(frame.filename, s.root)}:{frame.lineno}: {code}"
        else:
            location = _learner_line(s.root, kata, function)
        name = getattr(item, "originalname", item.name)
        self._failures.append(
            view.Failure(
                kata=kata.id,
                test=name,
                function=function,
                message=message,
                case=_case(item),
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
    def pytest_terminal_summary(self, terminalreporter, exitstatus, config):  # noqa: ANN001
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
        """The learner view (or, with pytest's own failure sections, the progress table)."""
        catalog = self.session.catalog
        unfinished = self._unfinished()
        focus = unfinished[0] if unfinished else results.next_kata(catalog, known)
        earlier = {kid for kid in known if kid not in self.run}
        tw = terminal._tw
        width, height = view.size(tw.fullwidth)
        res = known.get(focus.id) if focus else None
        partial = [
            line
            for summary in self.partial.values()
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
            if k.id in self.run
            and self.run[k.id].state == "done"
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
            name = _called_function(item, kata)
            if name is not None:
                totals[name] = totals.get(name, 0) + 1
        return totals

    def _items_of(self, kata: Kata) -> list[pytest.Item]:
        return [i for i in self._items if self.session.kata_of(i) == kata]


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


def _case(item: pytest.Item) -> str | None:
    """A parametrised test's input as the learner passed it, e.g. ``[1, 2, 3]``."""
    callspec = getattr(item, "callspec", None)
    params = {k: v for k, v in callspec.params.items() if k != "device"} if callspec else {}
    if not params:
        return None
    if len(params) == 1:
        return repr(next(iter(params.values())))
    return ", ".join(f"{k}={v!r}" for k, v in params.items())


def _message(exc: BaseException) -> str:
    """What went wrong, in the exception's own words, without pytest's introspection.

    An assertion with a message keeps the message only; a bare ``assert`` keeps
    its first line (``assert 3 == 4``), not the ``+ where`` lines below it.
    """
    if not isinstance(exc, AssertionError):
        return f"{type(exc).__name__}: {exc}".strip()
    lines = str(exc).splitlines()
    if lines and not lines[0].startswith("assert "):
        cut = next((n for n, ln in enumerate(lines) if ln.startswith("assert ")), len(lines))
        lines = lines[:cut]
    return "\n".join(lines[:1] if lines and lines[0].startswith("assert ") else lines) or (
        "AssertionError"
    )


def _drop_introspection(report: pytest.TestReport, message: str) -> None:
    """Cut pytest's ``assert ...``/``+ where`` lines after an assertion's own message."""
    longrepr = report.longrepr
    crash = getattr(longrepr, "reprcrash", None)
    entries = getattr(getattr(longrepr, "reprtraceback", None), "reprentries", None)
    if crash is None or not entries or not hasattr(entries[-1], "lines"):
        return
    kept, errors = [], 0
    for line in entries[-1].lines:
        if line.startswith("E "):
            errors += 1
            if errors > max(1, len(message.splitlines())):
                continue
        kept.append(line)
    entries[-1].lines[:] = kept
    first = crash.message.splitlines()[0] if crash.message else ""
    prefix = first.split(":", 1)[0] + ": " if first.startswith("AssertionError") else ""
    crash.message = prefix + message if prefix else message


def _learner_line(root, kata: Kata, function: str | None) -> str | None:  # noqa: ANN001
    """``src/x.py:12: return ...``: where ``function`` gives its answer."""
    module = sys.modules.get(f"{importer.PACKAGE}.{kata.module}")
    fn = getattr(module, function or "", None)
    if not inspect.isfunction(fn):
        return None
    path = explain._rel(fn.__code__.co_filename, root)
    try:
        lines, start = inspect.getsourcelines(fn)
    except (OSError, TypeError):
        return f"{path}:{fn.__code__.co_firstlineno}: in `{function}`"
    for offset, line in enumerate(lines):
        if line.strip().startswith("return"):
            return f"{path}:{start + offset}: {line.strip()}"
    return f"{path}:{start}: {lines[0].strip()}"
