"""A pool of pytest runs against throwaway implementation trees (``--impl``).

``kata check`` proves each kata by running its tests against many trees: the
stubs, the solutions, and the solutions with one mistake, alternative or mutant
applied. Each ``Run`` is one pytest session in a forked child of this process,
which has imported torch once (never computed with it), so a run costs a
fraction of a second; where forking is unsafe or unavailable each run is a
fresh interpreter instead. Every run has a wall-clock limit; a child that passes
it is killed and its outcome says so.
"""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from katakit import timeouts
from katakit.outcomes import Count, Tally

if TYPE_CHECKING:
    import pytest

RUN_LIMIT = 120.0  # seconds a whole pytest session may take


@dataclass(frozen=True)
class Run:
    """One pytest session: the tests in ``files`` against the implementation ``tree``."""

    tree: Path
    files: tuple[str, ...]
    first_failure: bool = False  # stop at the first failing test (``-x``)
    limit: float = RUN_LIMIT


@dataclass
class Outcome:
    """What one run's tests did, counted by the shared rule, with the run's output."""

    tally: Tally = field(default_factory=Tally)
    log: str = ""
    crashed: str | None = None  # why the session did not finish, if it did not

    def count(self, file: str) -> Count:
        return self.tally.count(file)

    def tail(self, lines: int = 5) -> str:
        return "\n".join(self.log.strip().splitlines()[-lines:])


class _Collector:
    """pytest plugin that feeds every report to a ``Tally`` and saves it as JSON.

    The tally is saved at the first failure as well as at the end, so a run
    that crashes or hangs after a test failed still shows that failure.
    """

    def __init__(self, out: Path) -> None:
        self.out = out
        self.tally = Tally()
        self.saved_failure = False

    def save(self, finished: bool) -> None:
        data = {**vars(self.tally), "finished": finished}
        self.out.write_text(json.dumps(data), encoding="utf-8")

    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        for item in items:
            self.tally.collect(item.nodeid)

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.failed:
            lines = str(report.longrepr).strip().splitlines() or ["collection error"]
            self.tally.collection_error(report.nodeid, lines[0])
            self._first_failure()

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        self.tally.add(report)
        if report.failed:
            self._first_failure()

    def _first_failure(self) -> None:
        if not self.saved_failure:
            self.saved_failure = True
            self.save(finished=False)


def pytest_args(root: Path, run: Run) -> list[str]:
    """The command line of one run (``--rootdir`` and ``--impl=DIR`` keep the tree
    out of pytest's search for its rootdir)."""
    return [
        *run.files,
        f"--rootdir={root}",
        f"--impl={run.tree}",
        *("-p", "katakit.plugin", "-q", "--no-header", "--no-focus"),
        *("-p", "no:cacheprovider", "-p", "no:randomly"),
        *(["-x"] if run.first_failure else []),
    ]


def child(root: Path, run: Run, out: Path) -> None:
    """Run one pytest session here and write its tally as JSON to ``out``."""
    import pytest

    os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"  # the one plugin is named below
    os.chdir(root)
    collector = _Collector(out)
    pytest.main(pytest_args(root, run), plugins=[collector])
    collector.save(finished=True)


class _Forked:
    """One run in a forked child of this (torch-importing, single-threaded) process."""

    def __init__(self, root: Path, run: Run, work: Path) -> None:
        self.out, self.log = work / "outcome.json", work / "log.txt"
        self.pid = os.fork()
        if self.pid == 0:  # child
            code = 0
            try:
                fd = os.open(self.log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
                os.dup2(fd, 1)
                os.dup2(fd, 2)
                child(root, run, self.out)
            except BaseException:  # reported through the missing or unfinished outcome
                import traceback

                traceback.print_exc()
                code = 1
            finally:
                os._exit(code)

    def poll(self) -> int | None:
        done, status = os.waitpid(self.pid, os.WNOHANG)
        return os.waitstatus_to_exitcode(status) if done else None

    def kill(self) -> None:
        os.kill(self.pid, 9)
        os.waitpid(self.pid, 0)


class _Spawned:
    """One run in a fresh interpreter, where forking is unsafe or unavailable."""

    CODE = (
        "import json, sys; from pathlib import Path; from katakit.runner.pool import Run, child; "
        "a = json.loads(sys.argv[1]); "
        "child(Path(a['root']), Run(Path(a['tree']), tuple(a['files']), a['x']), Path(a['out']))"
    )

    def __init__(self, root: Path, run: Run, work: Path) -> None:
        self.out, self.log = work / "outcome.json", work / "log.txt"
        spec = {
            "root": str(root),
            "tree": str(run.tree),
            "files": list(run.files),
            "x": run.first_failure,
            "out": str(self.out),
        }
        with open(self.log, "w") as sink:
            self.proc = subprocess.Popen(
                [sys.executable, "-c", self.CODE, json.dumps(spec)],
                cwd=root,
                stdout=sink,
                stderr=subprocess.STDOUT,
            )

    def poll(self) -> int | None:
        return self.proc.poll()

    def kill(self) -> None:
        self.proc.kill()
        self.proc.wait()


def _starter(root: Path, runs: list[Run]) -> type[_Forked] | type[_Spawned]:
    """Fork where that is safe (Linux, one thread, torch imported but unused).

    Before forking, import what every run needs, and the slow ``imports`` of the
    katas the runs test, so that no child pays for them.
    """
    from katakit import lazyimports
    from katakit.runner.forking import fork_hazard
    from katakit.runner.preload import kata_imports, preload

    if not (hasattr(os, "fork") and sys.platform == "linux"):
        return _Spawned
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # numpy must not start threads
    preload()
    lazyimports.import_all(kata_imports(root, {f for run in runs for f in run.files}))
    gc.collect()
    gc.freeze()
    return _Forked if fork_hazard() is None else _Spawned


def run_all(root: Path, runs: list[Run], jobs: int) -> list[Outcome]:
    """Run every ``Run``, ``jobs`` at a time; their outcomes, in order."""
    start = _starter(root, runs)
    outcomes: list[Outcome] = [Outcome() for _ in runs]
    pending = list(range(len(runs)))
    running: dict[int, tuple[_Forked | _Spawned, float]] = {}
    with tempfile.TemporaryDirectory(prefix="kata-runs-") as tmp:
        while pending or running:
            while pending and len(running) < jobs:
                index = pending.pop(0)
                work = Path(tmp) / str(index)
                work.mkdir()
                running[index] = (start(root, runs[index], work), time.monotonic())
            for index, (proc, started) in list(running.items()):
                status = proc.poll()
                if status is None and time.monotonic() - started > runs[index].limit:
                    proc.kill()
                    status = -1
                if status is not None:
                    outcomes[index] = _read(proc.out, proc.log, status, runs[index].limit)
                    del running[index]
            time.sleep(0.005)
    return outcomes


def _read(out: Path, log: Path, status: int, limit: float) -> Outcome:
    text = log.read_text(encoding="utf-8", errors="replace") if log.exists() else ""
    data = json.loads(out.read_text(encoding="utf-8")) if out.exists() else {}
    finished = data.pop("finished", False)
    tally = Tally(**data)
    if finished:
        return Outcome(tally, text)
    why = f"stopped at the {limit:g} s run limit" if status == -1 else f"exit status {status}"
    if timeouts.WATCHDOG_SIGNAL and status == -timeouts.WATCHDOG_SIGNAL:
        why = f"a test {timeouts.WATCHDOG_ENDED}"
    return Outcome(tally, text, crashed=f"the pytest run crashed ({why})")
