"""``kata check``: prove that every kata fails on its stub, passes on its solution,
and rejects every catalogued learner mistake.

Runs are pytest sessions against throwaway trees (stubs, solutions, solutions
with one mistake or one alternative answer applied) through ``--impl``. They
fork from one process that has imported torch once, a few at a time, so the
whole catalogue takes seconds; where fork is unavailable each run is a
subprocess instead.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from katakit.catalog import Catalog, CatalogError, Kata, find_root, load
from katakit.console import utf8_stdout
from katakit.stubs import stub_for

RUN_TIMEOUT = 300.0


@dataclass
class Variant:
    """A file under mistakes/ or alternatives/: functions that replace a solution's."""

    name: str
    why: str
    path: Path


@dataclass
class Outcome:
    """What one pytest session reported, per kata test file."""

    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    failing: dict[str, list[str]] = field(default_factory=dict)
    log: str = ""
    crashed: str | None = None

    def of(self, kata: Kata) -> dict[str, int]:
        return self.counts.get(kata.tests, {"passed": 0, "failed": 0, "total": 0})


def variants(root: Path, folder: str, kata: Kata) -> list[Variant]:
    found = []
    for path in sorted((root / folder / kata.module).glob("*.py")):
        text = path.read_text(encoding="utf-8")
        doc = text.strip().split('"""')
        why = (
            doc[1].strip().splitlines()[0]
            if len(doc) > 2 and text.lstrip().startswith('"""')
            else ""
        )
        found.append(Variant(path.stem, why, path))
    return found


# -- running pytest in a child ------------------------------------------------


class _Collector:
    """pytest plugin that counts outcomes per test file."""

    def __init__(self) -> None:
        self.outcome = Outcome()

    def _bump(self, nodeid: str, key: str) -> None:
        counts = self.outcome.counts.setdefault(
            nodeid.split("::")[0], {"passed": 0, "failed": 0, "total": 0}
        )
        counts[key] += 1

    def pytest_collection_modifyitems(self, items) -> None:  # noqa: ANN001
        for item in items:
            self._bump(item.nodeid, "total")

    def pytest_collectreport(self, report) -> None:  # noqa: ANN001
        if report.failed:
            self._bump(report.nodeid, "failed")
            self.outcome.failing.setdefault(report.nodeid, []).append("(collection error)")

    def pytest_runtest_logreport(self, report) -> None:  # noqa: ANN001
        if report.when == "call" and report.passed:
            self._bump(report.nodeid, "passed")
        elif report.failed:
            self._bump(report.nodeid, "failed")
            file, _, test = report.nodeid.partition("::")
            self.outcome.failing.setdefault(file, []).append(test)


def _pytest_args(root: Path, tree: Path, files: list[str]) -> list[str]:
    # --rootdir and --impl=DIR keep the tree out of pytest's search for its rootdir
    return [
        *files,
        f"--rootdir={root}",
        f"--impl={tree}",
        *("-q", "--no-header", "--no-focus", "-p", "no:cacheprovider", "-p", "no:randomly"),
    ]


def _child(root: Path, tree: Path, files: list[str], out: Path) -> None:
    """Run one pytest session and write its Outcome as JSON to ``out``."""
    import pytest

    os.chdir(root)
    collector = _Collector()
    pytest.main(_pytest_args(root, tree, files), plugins=[collector])
    out.write_text(json.dumps(vars(collector.outcome)), encoding="utf-8")


class _Forked:
    """One pytest run in a forked child of this (torch-importing, single-threaded) process."""

    def __init__(self, root: Path, tree: Path, files: list[str], work: Path) -> None:
        self.out, self.log = work / "outcome.json", work / "log.txt"
        self.pid = os.fork()
        if self.pid == 0:  # child
            code = 0
            try:
                fd = os.open(self.log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
                os.dup2(fd, 1)
                os.dup2(fd, 2)
                _child(root, tree, files, self.out)
            except BaseException:  # noqa: BLE001 - reported through the missing outcome
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
    """One pytest run in a fresh interpreter, where fork is unsafe or unavailable."""

    CODE = (
        "import sys; from pathlib import Path; from katakit.check import _child; "
        "_child(Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[4:], Path(sys.argv[3]))"
    )

    def __init__(self, root: Path, tree: Path, files: list[str], work: Path) -> None:
        self.out, self.log = work / "outcome.json", work / "log.txt"
        with open(self.log, "w") as sink:
            self.proc = subprocess.Popen(
                [sys.executable, "-c", self.CODE, str(root), str(tree), str(self.out), *files],
                cwd=root,
                stdout=sink,
                stderr=subprocess.STDOUT,
            )

    def poll(self) -> int | None:
        return self.proc.poll()

    def kill(self) -> None:
        self.proc.kill()
        self.proc.wait()


def run_all(root: Path, runs: list[tuple[Path, list[str]]], base: Path, jobs: int) -> list[Outcome]:
    """Run pytest for each (tree, test files), ``jobs`` at a time; outcomes in order.

    Forks from this single thread where that is safe (Linux, torch only
    imported, never used for computing); otherwise starts a subprocess each.
    """
    from katakit.runner.hazards import fork_hazard
    from katakit.runner.warm import preload

    runner: type[_Forked] | type[_Spawned] = _Spawned
    if hasattr(os, "fork") and sys.platform == "linux":
        os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # numpy must not start threads
        preload()
        gc.collect()
        gc.freeze()
        if fork_hazard() is None:
            runner = _Forked
    outcomes: list[Outcome | None] = [None] * len(runs)
    pending = list(range(len(runs)))
    running: dict[int, tuple[_Forked | _Spawned, float]] = {}
    while pending or running:
        while pending and len(running) < jobs:
            index = pending.pop(0)
            work = base / f"work{index}"
            work.mkdir()
            running[index] = (runner(root, *runs[index], work), time.monotonic())
        for index, (proc, started) in list(running.items()):
            status = proc.poll()
            if status is None and time.monotonic() - started > RUN_TIMEOUT:
                proc.kill()
                status = -1
            if status is not None:
                outcomes[index] = _read(proc.out, proc.log, status)
                del running[index]
        time.sleep(0.005)
    return outcomes  # type: ignore[return-value]


def _read(out: Path, log: Path, status: int) -> Outcome:
    text = log.read_text(encoding="utf-8", errors="replace") if log.exists() else ""
    if not out.exists():
        why = "timed out" if status == -1 else f"exit status {status}"
        return Outcome(log=text, crashed=f"the pytest run crashed ({why})")
    data = json.loads(out.read_text(encoding="utf-8"))
    return Outcome(counts=data["counts"], failing=data["failing"], log=text)


# -- building trees -------------------------------------------------------------


def _tree(base: Path, name: str, sources: dict[str, str]) -> Path:
    tree = base / name
    tree.mkdir()
    for filename, text in sources.items():
        (tree / filename).write_text(text, encoding="utf-8")
    return tree


def _solution_sources(root: Path, catalog: Catalog) -> dict[str, str]:
    return {
        f"{k.module}.py": (root / k.module_file("solutions")).read_text(encoding="utf-8")
        for k in catalog.katas
        if (root / k.module_file("solutions")).is_file()
    }


def _with_variant(sources: dict[str, str], kata: Kata, variant: Variant) -> dict[str, str]:
    patched = dict(sources)
    patched[f"{kata.module}.py"] += (
        f"\n\n# --- {variant.path.parent.parent.name}/{kata.module}/{variant.path.name} ---\n"
        + variant.path.read_text(encoding="utf-8")
    )
    return patched


# -- the check ------------------------------------------------------------------


@dataclass
class KataReport:
    kata: Kata
    stub: dict[str, int] = field(default_factory=dict)
    solution: dict[str, int] = field(default_factory=dict)
    mistakes: list[tuple[Variant, bool]] = field(default_factory=list)
    alternatives: list[tuple[Variant, bool]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    failing: list[str] = field(default_factory=list)  # tests failing on the solution

    @property
    def stub_fails(self) -> bool:
        return self.stub.get("total", 0) > 0 and self.stub.get("passed", 0) == 0

    @property
    def solution_passes(self) -> bool:
        s = self.solution
        return s.get("total", 0) > 0 and s.get("passed") == s.get("total") and not s.get("failed")

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_json(self) -> dict:
        return {
            "id": self.kata.id,
            "name": self.kata.name,
            "stub_fails": self.stub_fails,
            "solution_passes": self.solution_passes,
            "tests": self.solution.get("total", 0),
            "mistakes": [{"name": v.name, "why": v.why, "caught": c} for v, c in self.mistakes],
            "alternatives": [
                {"name": v.name, "why": v.why, "passes": p} for v, p in self.alternatives
            ],
            "problems": self.problems,
        }


MIN_MISTAKES = 3


def check(root: Path, catalog: Catalog, katas: list[Kata], jobs: int) -> list[KataReport]:
    reports = {k.id: KataReport(k) for k in katas}
    for kata in katas:
        rep = reports[kata.id]
        for what, path in (("test file", kata.tests), ("solution", kata.module_file("solutions"))):
            if not (root / path).is_file():
                rep.problems.append(f"missing {what} {path}")
    runnable = [k for k in katas if not reports[k.id].problems]
    with tempfile.TemporaryDirectory(prefix="kata-check-") as tmp:
        base = Path(tmp)
        solutions = _solution_sources(root, catalog)
        stubs = {
            f"{k.module}.py": stub_for(root, k)
            for k in catalog.katas
            if f"{k.module}.py" in solutions
        }
        for kata in runnable:
            shipped = root / kata.module_file()
            if (
                not shipped.is_file()
                or shipped.read_text(encoding="utf-8") != stubs[f"{kata.module}.py"]
            ):
                reports[kata.id].problems.append(
                    f"{kata.module_file()} differs from the stub made from "
                    f"{kata.module_file('solutions')} (edited by accident? "
                    "`python -m katakit.stubs` rewrites it)"
                )
        jobs_list: list[tuple[str, Path, list[str], Kata | None, Variant | None]] = []
        files = [k.tests for k in runnable]
        if files:
            jobs_list.append(("stubs", _tree(base, "stubs", stubs), files, None, None))
            jobs_list.append(("solutions", _tree(base, "solutions", solutions), files, None, None))
        n = 0
        for kata in runnable:
            for folder in ("mistakes", "alternatives"):
                for variant in variants(root, folder, kata):
                    n += 1
                    tree = _tree(base, f"v{n}", _with_variant(solutions, kata, variant))
                    jobs_list.append((folder, tree, [kata.tests], kata, variant))

        outcomes = run_all(root, [(tree, f) for _, tree, f, _, _ in jobs_list], base, jobs)

    for (kind, _, _, kata, variant), outcome in zip(jobs_list, outcomes, strict=True):
        if outcome.crashed:
            tail = "\n".join(outcome.log.strip().splitlines()[-5:])
            targets = [kata] if kata else runnable
            for k in targets:
                reports[k.id].problems.append(f"{kind} run: {outcome.crashed}\n{tail}")
            continue
        if kind == "stubs":
            for k in runnable:
                reports[k.id].stub = outcome.of(k)
        elif kind == "solutions":
            for k in runnable:
                reports[k.id].solution = outcome.of(k)
                reports[k.id].failing = outcome.failing.get(k.tests, [])
        else:
            counts = outcome.of(kata)
            if kind == "mistakes":
                reports[kata.id].mistakes.append((variant, counts.get("failed", 0) > 0))
            else:
                passes = counts.get("total", 0) > 0 and counts.get("passed") == counts["total"]
                reports[kata.id].alternatives.append((variant, passes))
                if not passes:
                    names = ", ".join(outcome.failing.get(kata.tests, [])[:3])
                    reports[kata.id].problems.append(f"alternative {variant.name} fails: {names}")

    for rep in reports.values():
        if rep.problems and not (rep.stub or rep.solution):
            continue
        if not rep.stub_fails:
            rep.problems.append(
                f"{rep.stub.get('passed', 0)} test(s) pass on the untouched stub"
                if rep.stub.get("total")
                else "no tests collected"
            )
        if not rep.solution_passes:
            failing = ", ".join(rep.failing[:3])
            rep.problems.append(f"the reference solution fails: {failing}")
        for variant, caught in rep.mistakes:
            if not caught:
                rep.problems.append(f"mistake {variant.name} is not caught ({variant.why})")
        if len(rep.mistakes) < MIN_MISTAKES:
            rep.problems.append(
                f"only {len(rep.mistakes)} mistake(s) in mistakes/{rep.kata.module}/; "
                f"at least {MIN_MISTAKES} are expected"
            )
    return [reports[k.id] for k in katas]


def _mark(ok: bool) -> str:
    return ("✓" if ok else "✗") if utf8_stdout() else ("ok" if ok else "NO")


def render(reports: list[KataReport], seconds: float, runs: int) -> str:
    rows = [
        f"{'kata':<22} {'tests':>5}  {'stub fails':<10}  {'solution passes':<15}  "
        f"{'mistakes caught':<15}  alternatives"
    ]
    for rep in reports:
        caught = sum(c for _, c in rep.mistakes)
        all_caught = caught == len(rep.mistakes) >= MIN_MISTAKES
        mistakes = f"{_mark(all_caught)} {caught}/{len(rep.mistakes)}"
        alts = sum(p for _, p in rep.alternatives)
        rows.append(
            f"{rep.kata.label:<22} {rep.solution.get('total', 0):>5}  "
            f"{_mark(rep.stub_fails):<10}  {_mark(rep.solution_passes):<15}  {mistakes:<15}  "
            + (f"{alts}/{len(rep.alternatives)} pass" if rep.alternatives else "-")
        )
    bad = [rep for rep in reports if not rep.ok]
    for rep in bad:
        rows.append("")
        rows.append(f"kata {rep.kata.label}:")
        rows.extend(f"  - {p}" for p in rep.problems)
    rows.append("")
    if bad:
        rows.append(
            f"kata check: {len(bad)} of {len(reports)} katas fall short "
            f"({runs} runs in {seconds:.1f} s). Fix the problems above."
        )
    else:
        who = (
            f"all {len(reports)} katas prove themselves"
            if len(reports) > 1
            else "the kata proves itself"
        )
        rows.append(f"kata check: {who} ({runs} runs in {seconds:.1f} s).")
    return "\n".join(rows)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, exit status 2
        print(f"kata check: {message} (see `kata check --help`)", file=sys.stderr)
        raise SystemExit(2)


def main(argv: list[str] | None = None) -> int:
    parser = _Parser(
        prog="kata check",
        description="Prove the katas: stubs fail, solutions pass, every catalogued mistake "
        "is caught and every alternative answer passes.",
    )
    parser.add_argument("katas", nargs="*", metavar="ID", help="check only these katas")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument(
        "--jobs",
        "-j",
        type=int,
        default=os.cpu_count() or 1,
        help="pytest runs at a time (default: the number of CPUs)",
    )
    args = parser.parse_args(argv)
    root = find_root()
    if root is None:
        print(
            "kata check: no katas.toml here or above; run it in a torch-katas checkout",
            file=sys.stderr,
        )
        return 2
    try:
        catalog = load(root)
        katas = [catalog.find(key) for key in args.katas] or list(catalog.katas)
    except CatalogError as exc:
        print(f"kata check: {exc}", file=sys.stderr)
        return 2
    started = time.monotonic()
    reports = check(root, catalog, katas, max(1, args.jobs))
    seconds = time.monotonic() - started
    runs = sum(len(r.mistakes) + len(r.alternatives) for r in reports) + 2
    ok = all(rep.ok for rep in reports)
    if args.json:
        print(
            json.dumps(
                {
                    "ok": ok,
                    "seconds": round(seconds, 2),
                    "katas": [rep.as_json() for rep in reports],
                },
                indent=1,
            )
        )
    else:
        print(render(reports, seconds, runs))
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
