"""Saved progress changes only on complete evidence, whatever runs the katas.

The scenarios are what learners' tools do: VS Code's discovery (``--collect-only``
with ``--rootdir``) and its per-test runs (single node ids), ``-k``, pytest-xdist's
``-n``, debuggers, notebooks, and learner code that ends the process.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
import types
from pathlib import Path

import pytest
import torch  # noqa: F401 - imported once here: in-process runs must not import it again
from helpers import run, spin

from katakit import cli, outcomes, progress, results
from katakit.catalog import load

ENV = "katas/test_00_environment.py"
CREATION = "katas/test_01_creation.py"
BRIDGE = "katas/test_02_numpy_bridge.py"
FIRST_THREE = [ENV, CREATION, BRIDGE]
BROKEN = ("return torch.from_numpy(array)\n", "return torch.tensor(array)\n")


def solve(repo: Path, *modules: str) -> None:
    for module in modules:
        shutil.copy2(repo / "solutions" / f"{module}.py", repo / "src" / f"{module}.py")


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1))


def saved(repo: Path) -> dict:
    return json.loads((repo / ".kata" / "results.json").read_text())["katas"]


def status_json(repo: Path, capsys: pytest.CaptureFixture) -> str:
    capsys.readouterr()
    progress.status(repo, load(repo), as_json=True)
    return capsys.readouterr().out


@pytest.fixture(scope="module")
def half_done_made(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the first ``half_done`` repository is kept, for the later tests to copy."""
    return tmp_path_factory.mktemp("half-done") / "repo"


@pytest.fixture
def half_done(kata_repo: Path, inline_pytest, half_done_made: Path) -> Path:
    """Katas 00 and 01 solved, kata 02 passing all but one function, results saved.

    Made by a real run once per module; each test gets a copy (with the same mtimes).
    """
    if half_done_made.exists():
        for part in kata_repo.iterdir():  # the folder itself is the current one
            shutil.rmtree(part) if part.is_dir() else part.unlink()
        shutil.copytree(half_done_made, kata_repo, symlinks=True, dirs_exist_ok=True)
    else:
        solve(kata_repo, "environment", "creation", "numpy_bridge")
        edit(kata_repo / "src" / "numpy_bridge.py", *BROKEN)
        inline_pytest(*FIRST_THREE)
        shutil.copytree(kata_repo, half_done_made, symlinks=True)
    katas = saved(kata_repo)
    assert katas["00"]["passed"] == katas["00"]["total"] > 0
    assert 0 < katas["02"]["passed"] < katas["02"]["total"]
    return kata_repo


class FakeXdist:
    """The command-line options pytest-xdist adds (``-n``, ``--dist``), nothing more."""

    def pytest_addoption(self, parser: pytest.Parser) -> None:
        group = parser.getgroup("xdist")
        # lowercase short options are pytest's own; xdist adds -n this way too
        group._addoption("-n", "--numprocesses", dest="numprocesses", default=None)
        group.addoption("--dist", dest="dist", default="no")


class EditorDiscovery:
    """What VS Code's pytest plugin (vscode_pytest) learns from a run.

    Like that plugin: errors come from ``pytest_exception_interact`` (during
    discovery, the exception's text) and ``pytest_internalerror``; the tests from
    the session's items; outcomes from the call-phase reports.
    """

    def __init__(self) -> None:
        self.errors: list[str] = []
        self.tests: list[str] = []
        self.outcomes: dict[str, str] = {}
        self.discovery = False

    def pytest_configure(self, config: pytest.Config) -> None:
        self.discovery = bool(config.option.collectonly)

    def pytest_internalerror(self, excrepr, excinfo) -> None:
        self.errors.append(excinfo.exconly())

    def pytest_exception_interact(self, node, call, report) -> None:
        if self.discovery:
            self.errors.append(call.excinfo.exconly())

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.when == "call":
            self.outcomes[report.nodeid] = report.outcome

    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        self.tests = [item.nodeid for item in session.items]
        self.exitstatus = int(exitstatus)


def inline(pytester: pytest.Pytester, *args: str, plugins: list | None = None):
    result = pytester.runpytest_inprocess(*args, plugins=plugins or [])
    return int(result.ret), result.stdout.str() + result.stderr.str()


# -- runs that leave progress as it was ------------------------------------------


SCENARIOS = {
    "discovery": ["--collect-only", "-q", "-p", "no:cacheprovider", "--rootdir={root}", "katas"],
    "collect-only": ["--collect-only", *FIRST_THREE],
    "-k": ["-k", "matmul"],
    "one function of the half-done kata": [f"{BRIDGE}::test_double_via_torch"],
    "one test of the half-done kata": [f"{BRIDGE}::test_double_via_torch[chapter]"],
    "a failing test of the half-done kata": [
        f"{BRIDGE}::test_to_tensor_shared_sees_writes_to_the_array"
    ],
    "--deselect": [BRIDGE, "--deselect", f"{BRIDGE}::test_double_via_torch"],
    "-x": ["-x", BRIDGE],
    "--setup-only": ["--setup-only", *FIRST_THREE],
    "--solutions": ["--solutions", *FIRST_THREE],
    "-n 2": ["-n", "2", *FIRST_THREE],
}


@pytest.mark.parametrize("name", SCENARIOS)
def test_partial_runs_leave_progress_exactly_as_it_was(
    name, half_done, pytester, monkeypatch, capsys
):
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")  # -n comes from FakeXdist only
    before_file = (half_done / ".kata" / "results.json").read_bytes()
    before = status_json(half_done, capsys)
    args = [a.replace("{root}", str(half_done)) for a in SCENARIOS[name]]
    code, out = inline(pytester, *args, plugins=[FakeXdist()])
    assert code in (0, 1, 4, 5), out
    assert (half_done / ".kata" / "results.json").read_bytes() == before_file, out
    assert status_json(half_done, capsys) == before
    assert cli.main(["solution", "02"]) == 1, "the half-done kata's solution must stay hidden"
    assert "kata 02 (The NumPy bridge) is not done yet" in capsys.readouterr().err


def test_xdist_is_refused_in_one_line(half_done, pytester, monkeypatch):
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")
    code, out = inline(pytester, "-n", "2", *FIRST_THREE, plugins=[FakeXdist()])
    assert code == 4
    assert "pytest-xdist (-n)" in out and "run without -n" in out
    assert "Traceback" not in out
    code, out = inline(pytester, "--solutions", "-n", "2", ENV, plugins=[FakeXdist()])
    assert code == 0, "other trees save nothing, so -n is no danger there"
    code, out = inline(pytester, "--collect-only", "-n", "2", ENV, plugins=[FakeXdist()])
    assert code == 0, "discovery with -n in the editor's arguments still lists the katas"


def test_a_partial_run_shows_its_own_outcome(half_done, inline_pytest):
    total = saved(half_done)["02"]["total"]
    out = inline_pytest(f"{BRIDGE}::test_double_via_torch").stdout
    assert re.search(rf"(\d+) of {total} tests of kata 02 run: all pass", out), out
    out = inline_pytest(f"{BRIDGE}::test_to_tensor_shared_sees_writes_to_the_array").stdout
    assert re.search(rf"(\d+) of {total} tests of kata 02 run: \1 fail", out), out


def test_totals_count_classes_a_node_id_left_out(half_done, inline_pytest):
    with open(half_done / ENV, "a") as tests:
        tests.write(
            "\n\nclass TestOne:\n    def test_a(self):\n        pass\n\n"
            "    def test_b(self):\n        pass\n\n\n"
            "class TestTwo:\n    def test_c(self):\n        pass\n"
        )
    full = saved(half_done)["00"]["total"] + 3
    out = inline_pytest(f"{ENV}::TestOne::test_a").stdout
    assert f"1 of {full} tests of kata 00 run: it passes" in out, out


def test_a_complete_run_still_saves_and_unlocks_the_solution(half_done, inline_pytest, capsys):
    edit(half_done / "src" / "numpy_bridge.py", BROKEN[1], BROKEN[0])
    assert cli.main(["solution", "02"]) == 1
    inline_pytest(BRIDGE)
    assert saved(half_done)["02"]["passed"] == saved(half_done)["02"]["total"]
    capsys.readouterr()
    assert cli.main(["solution", "02"]) == 0
    assert "reference solution of kata 02" in capsys.readouterr().out


def test_skipped_tests_are_not_applicable(half_done, inline_pytest):
    total = saved(half_done)["00"]["total"]
    with open(half_done / ENV, "a") as tests:
        tests.write("\n\ndef test_not_here():\n    import pytest\n\n    pytest.skip('elsewhere')\n")
    inline_pytest(ENV)
    assert saved(half_done)["00"] | {"mtime": 0} == {
        "passed": total,
        "total": total,
        "error": None,
        "mtime": 0,
        "where": None,
        "detail": None,
        "reason": None,
    }


# -- VS Code ------------------------------------------------------------------------


def break_creation(repo: Path) -> int:
    """A syntax error in src/creation.py; its line number."""
    path = repo / "src" / "creation.py"
    lines = path.read_text().splitlines()
    at = next(i for i, line in enumerate(lines) if "return torch.tensor(values)" in line)
    lines[at] = "    return torch.tensor(values"
    path.write_text("\n".join(lines) + "\n")
    return at + 1


def test_discovery_reports_a_learner_syntax_error_to_the_editor(half_done, pytester):
    line = break_creation(half_done)
    before = (half_done / ".kata" / "results.json").read_bytes()
    editor = EditorDiscovery()
    code, out = inline(
        pytester, "--collect-only", f"--rootdir={half_done}", "katas", plugins=[editor]
    )
    assert len(editor.errors) == 1, editor.errors
    assert "src/creation.py could not be imported" in editor.errors[0]
    assert re.search(r"src/creation\.py:\d+: SyntaxError", editor.errors[0]), editor.errors
    assert f"creation.py:{line}" in editor.errors[0] or f":{line}:" in editor.errors[0]
    assert editor.exitstatus in (0, 1)  # the editor still builds the tree
    assert any(t.startswith(ENV) for t in editor.tests)
    assert any(t.startswith(BRIDGE) for t in editor.tests)
    assert not any(t.startswith(CREATION) for t in editor.tests)
    # the terminal keeps its short report
    assert "ERROR katas/test_01_creation.py - src/creation.py could not be imported" in out
    assert "Traceback" not in out
    assert (half_done / ".kata" / "results.json").read_bytes() == before


def test_editor_runs_of_single_tests_report_pass_and_fail(half_done, pytester):
    before = (half_done / ".kata" / "results.json").read_bytes()
    passing = f"{BRIDGE}::test_double_via_torch[chapter]"
    failing = f"{BRIDGE}::test_to_tensor_shared_sees_writes_to_the_array[int-1d]"
    for nodeid, outcome, expected_code in ((passing, "passed", 0), (failing, "failed", 1)):
        editor = EditorDiscovery()
        code, out = inline(pytester, f"--rootdir={half_done}", nodeid, plugins=[editor])
        assert code == expected_code, out
        assert editor.outcomes == {nodeid: outcome}
    assert (half_done / ".kata" / "results.json").read_bytes() == before


def test_vscode_settings_run_the_katas_only():
    root = Path(__file__).resolve().parents[1]
    text = (root / ".vscode" / "settings.json").read_text()
    settings = json.loads(re.sub(r"^\s*//.*$", "", text, flags=re.M))
    assert settings["python.testing.pytestEnabled"] is True
    assert settings["python.testing.unittestEnabled"] is False
    assert settings["python.testing.pytestArgs"] == ["katas"]


# -- what the learner reads ------------------------------------------------------------


def test_an_import_error_keeps_the_kata_in_progress(half_done, inline_pytest, capsys):
    passed = saved(half_done)["02"]["passed"]
    edit(half_done / "src" / "numpy_bridge.py", "def ", "def (")
    inline_pytest(BRIDGE)
    assert saved(half_done)["02"]["passed"] == passed
    row = json.loads(status_json(half_done, capsys))["katas"][2]
    assert (row["state"], row["passed"]) == ("in_progress", passed)
    assert results.load(half_done)["02"].words == "in progress (import error)"
    progress.status(half_done, load(half_done))
    assert re.search(
        rf"02 numpy_bridge +{passed}/\d+ +in progress \(import error\)", capsys.readouterr().out
    )


def test_an_endless_loop_at_import_keeps_the_kata_in_progress(half_done, inline_pytest):
    passed = saved(half_done)["02"]["passed"]
    with open(half_done / "src" / "numpy_bridge.py", "a") as module:
        module.write("\nwhile True:\n    pass\n")
    out = inline_pytest("--kata-timeout", "0.3", BRIDGE).stdout
    assert "(while importing)" in out
    assert saved(half_done)["02"]["passed"] == passed
    assert results.load(half_done)["02"].words == "in progress (timed out)"


def test_a_missing_function_is_named_in_the_learners_terms(half_done, inline_pytest):
    edit(half_done / "src" / "creation.py", "def matrix(", "def matrix_of(")
    out = inline_pytest(CREATION).stdout
    assert "`matrix` is missing from src/creation.py" in out
    assert "edit `matrix` in src/creation.py" in next_line(out)
    assert "learner." not in out


def test_one_time_limit_per_function_per_run(half_done, inline_pytest, capsys):
    edit(
        half_done / "src" / "creation.py",
        "    return torch.tensor(values)\n",
        "    while True:\n        pass\n",
    )
    out = inline_pytest("--kata-timeout", "0.3", "--no-focus", CREATION).stdout
    # Count the failure blocks, not the short summary: pytest shortens its
    # summary lines to the terminal width except under CI.
    blocks = out.splitlines()
    # the line the alarm lands on (`while True:` or `pass`) differs between Pythons
    source = (half_done / "src" / "creation.py").read_text().splitlines()
    loop = source.index("    while True:") + 1
    timed_out = [
        f"timed out after 0.3 s of CPU time in `from_list` (src/creation.py:{line}):"
        " is there a loop that never ends?"
        for line in (loop, loop + 1)
    ]
    assert sum(blocks.count(line) for line in timed_out) == 1, out
    waited = blocks.count("not run: `from_list` timed out above")
    assert waited >= 3, out
    assert "edit `from_list` in src/creation.py" in next_line(out)
    assert "learner." not in out
    result = saved(half_done)["01"]
    assert result["passed"] == result["total"] - 1 - waited
    assert results.load(half_done)["01"].words == "in progress (timed out)"
    progress.status(half_done, load(half_done))
    assert "in progress (timed out)" in capsys.readouterr().out


def next_line(output: str) -> str:
    """The Next line at the end of a run, its wrapped rows joined."""
    lines = output.strip().splitlines()
    start = max(n for n, ln in enumerate(lines) if ln.startswith("Next:"))
    return " ".join(ln.strip() for ln in lines[start:])


# -- debuggers ----------------------------------------------------------------------------


def slow_impl(repo: Path, body: str) -> Path:
    impl = repo.parent / "impl"
    shutil.copytree(repo / "solutions", impl)
    edit(impl / "environment.py", "    return torch.__version__\n", body)
    return impl


def slow_args(impl: Path) -> tuple[str, ...]:
    """Kata 00's version test against ``impl``, with a 0.3 s limit."""
    test = f"{ENV}::test_torch_version_is_the_installed_one"
    return ("--impl", str(impl), "--kata-timeout", "0.3", test)


def test_a_tracer_turns_time_limits_off(kata_repo, inline_pytest):
    impl = slow_impl(kata_repo, spin(0.6) + "    return torch.__version__\n")
    args = slow_args(impl)
    out = inline_pytest(*args).stdout
    assert "timed out after 0.3 s" in out
    assert "time limits: off" not in out
    sys.settrace(lambda *a: None)
    try:
        traced = inline_pytest(*args)
    finally:
        sys.settrace(None)
    assert traced.returncode == 0, traced.stdout
    assert "time limits: off for this run (a tracer is set with sys.settrace)" in traced.stdout


def test_an_alarm_under_a_tracer_lets_the_code_run_on(kata_repo, inline_pytest):
    body = (
        "    import sys\n\n    sys.settrace(lambda *a: None)\n"
        + spin(0.6)
        + "    sys.settrace(None)\n    return torch.__version__\n"
    )
    impl = slow_impl(kata_repo, body)
    result = inline_pytest(*slow_args(impl))
    assert result.returncode == 0, result.stdout


def test_a_breakpoint_in_learner_code_may_wait_past_the_limit(half_done):
    body = "    breakpoint()\n    return torch.__version__\n"
    edit(half_done / "src" / "environment.py", "    return torch.__version__\n", body)
    test = f"{ENV}::test_torch_version_is_the_installed_one"
    cmd = [sys.executable, "-m", "pytest", "-s", "-p", "no:cacheprovider", "--kata-timeout", "0.5"]
    # at the (Pdb) prompt: use more CPU than the limit (armed before the prompt), then continue
    typed = "!import time; end = time.process_time() + 0.7\n"
    typed += "!while time.process_time() < end: pass\nc\n"
    result = run([*cmd, test], half_done, input=typed)
    assert "PDB set_trace" in result.stdout
    assert "timed out" not in result.stdout
    assert result.returncode == 0, result.stdout + result.stderr


def test_pdb_turns_time_limits_off_and_says_so(kata_repo, inline_pytest):
    out = inline_pytest("--solutions", "--pdb", ENV).stdout
    assert "time limits: off for this run (--pdb is on)" in out


def test_a_loaded_debugger_turns_time_limits_off(kata_repo, inline_pytest, monkeypatch):
    impl = slow_impl(kata_repo, spin(0.6) + "    return torch.__version__\n")
    args = slow_args(impl)
    monkeypatch.setitem(sys.modules, "debugpy", types.ModuleType("debugpy"))
    result = inline_pytest(*args)
    assert result.returncode == 0, result.stdout
    assert "time limits: off for this run (debugpy is loaded)" in result.stdout


# -- runs that end without finishing ------------------------------------------------------


EXIT = "    import os\n\n    os._exit(0)\n"


def test_os_exit_in_learner_code_fails_the_test_through_the_plain_pytest_fallback(half_done):
    """Never in this process (without the guard it would end the tooling suite as a
    success): ``kata-run`` without the warm runner, which becomes ``python -m pytest``."""
    edit(half_done / "src" / "environment.py", "    return torch.__version__\n", EXIT)
    result = run([sys.executable, "-m", "katakit.runner", ENV], half_done, env={"KATA_RUNNER": "0"})
    assert "running plain pytest" in result.stderr
    assert result.returncode == 1, result.stdout + result.stderr
    assert "os._exit(0) was called" in result.stdout
    assert saved(half_done)["00"]["passed"] < saved(half_done)["00"]["total"]


def test_status_run_notices_a_run_that_never_finished(half_done, capsys):
    before = (half_done / ".kata" / "results.json").read_bytes()
    body = "    import os, sys\n\n    os.execv(sys.executable, [sys.executable, '-c', 'pass'])\n"
    edit(half_done / "src" / "environment.py", "    return torch.__version__\n", body)
    code = cli.main(["status", "--run"])  # its pytest run is a process of its own
    err = capsys.readouterr().err
    assert code == 2, err
    assert "it ended before its summary, so nothing was counted" in err
    assert (half_done / ".kata" / "results.json").read_bytes() == before


# -- notebooks and the REPL ------------------------------------------------------------


def test_one_import_makes_learner_modules_importable_in_plain_python(kata_repo):
    solve(kata_repo, "creation")
    code = (
        "import katakit.repl\nfrom learner import creation\n"
        "print(creation.from_list([4, 5, 6]).tolist())\n"
    )
    result = run([sys.executable, "-c", code], kata_repo / "src")
    assert result.stdout.strip() == "[4, 5, 6]", result.stderr
    outside = run([sys.executable, "-c", "import katakit.repl"], kata_repo.parent)
    assert outside.returncode == 1
    assert "ImportError: no katas.toml in" in outside.stderr


def test_ipython_extension_reloads_saved_edits(kata_repo):
    solve(kata_repo, "creation")
    script = (
        "import os\nfrom IPython.core.interactiveshell import InteractiveShell\n"
        "shell = InteractiveShell.instance()\n"
        "def cell(code):\n    shell.run_cell(code).raise_error()\n"
        "cell('%load_ext katakit.repl')\n"
        "cell('from learner import creation')\n"
        "cell('first = creation.from_list([1, 2]).dtype')\n"
        "path = 'src/creation.py'\n"
        "text = open(path).read().replace("
        "'return torch.tensor(values)', 'return torch.tensor(values, dtype=torch.float64)', 1)\n"
        "open(path, 'w').write(text)\n"
        "st = os.stat(path)\nos.utime(path, (st.st_atime + 5, st.st_mtime + 5))\n"
        "cell('second = creation.from_list([1, 2]).dtype')\n"
        "print(shell.user_ns['first'], shell.user_ns['second'])\n"
    )
    result = run([sys.executable, "-c", script], kata_repo)
    assert result.stdout.split() == ["torch.int64", "torch.float64"], result.stderr


def test_a_jupyter_kernel_imports_and_reloads_learner_modules(kata_repo):
    """Through a real kernel, where ipykernel and jupyter_client are installed."""
    manager = pytest.importorskip("jupyter_client.manager")
    pytest.importorskip("ipykernel")
    solve(kata_repo, "creation")
    km, kc = manager.start_new_kernel(kernel_name="python3", cwd=str(kata_repo / "src"))
    try:

        def execute(code: str) -> str:
            out: list[str] = []

            def hook(msg: dict) -> None:
                content = msg["content"]
                if msg["msg_type"] == "stream":
                    out.append(content["text"])
                elif msg["msg_type"] == "error":
                    out.append(f"{content['ename']}: {content['evalue']}")

            kc.execute_interactive(code, timeout=120, output_hook=hook)
            return "".join(out).strip()

        assert execute("%load_ext katakit.repl") == ""
        assert execute("from learner import creation\nprint(creation.from_list([1]).dtype)") == (
            "torch.int64"
        )
        path = kata_repo / "src" / "creation.py"
        edit(path, "return torch.tensor(values)\n", "return torch.tensor(values).double()\n")
        later = path.stat().st_mtime + 5
        os.utime(path, (later, later))
        assert execute("print(creation.from_list([1]).dtype)") == "torch.float64"
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


# -- the counting rule ------------------------------------------------------------------


def report(nodeid: str, when: str, outcome: str, **extra) -> types.SimpleNamespace:
    return types.SimpleNamespace(
        nodeid=nodeid,
        when=when,
        failed=outcome == "failed",
        skipped=outcome == "skipped",
        passed=outcome == "passed",
        **extra,
    )


def feed(tally: outcomes.Tally, nodeid: str, call: str, setup: str = "passed") -> None:
    tally.add(report(nodeid, "setup", setup))
    if setup == "passed":
        tally.add(report(nodeid, "call", call))
    tally.add(report(nodeid, "teardown", "passed"))


@pytest.mark.parametrize("seed", [3, 17, 40])
def test_tally_counts_complete_and_partial_runs(seed):
    import random

    rng = random.Random(seed)
    n = rng.randint(4, 12)
    ids = [f"katas/test_x.py::test_{i}" for i in range(n)]
    picks = [rng.choice(["passed", "failed", "skipped"]) for _ in ids]
    tally = outcomes.Tally()
    tally.collector("katas/test_x.py", ids, [])
    tally.select(ids)
    for nodeid, outcome in zip(ids, picks, strict=True):
        feed(tally, nodeid, outcome)
    count = tally.count("katas/test_x.py")
    assert (count.passed, count.failed, count.skipped, count.total) == (
        picks.count("passed"),
        picks.count("failed"),
        picks.count("skipped"),
        n,
    )
    assert count.applicable == n - picks.count("skipped")
    assert tally.complete("katas/test_x.py")

    partial = outcomes.Tally()
    partial.collector("katas/test_x.py", ids, [])
    partial.select(ids[:-1])
    for nodeid in ids[:-1]:
        feed(partial, nodeid, "passed")
    assert not partial.complete("katas/test_x.py")
    assert partial.count("katas/test_x.py").partial_summary("07") == (
        f"{n - 1} of {n} tests of kata 07 run: all pass"
    )


def test_a_test_cut_short_or_a_class_left_closed_is_incomplete():
    ids = ["f.py::test_a", "f.py::test_b"]
    tally = outcomes.Tally()
    tally.collector("f.py", ids, [])
    tally.select(ids)
    feed(tally, ids[0], "passed")
    tally.add(report(ids[1], "setup", "passed"))
    tally.add(report(ids[1], "call", "passed"))
    assert not tally.complete("f.py"), "no tear-down yet"
    tally.add(report(ids[1], "teardown", "passed"))
    assert tally.complete("f.py")
    tally.collector("f.py", [], ["f.py::TestLater"])
    assert not tally.complete("f.py")


def test_state_words():
    assert outcomes.state(5, 5) == "done"
    assert outcomes.state(0, 5) == "not_started"
    assert outcomes.state(2, 5) == "in_progress"
    assert outcomes.state(5, 5, detail=outcomes.TIMED_OUT) == "in_progress"
    assert outcomes.state(0, 0, error="x") == "in_progress"
    assert outcomes.state_words("in_progress", "import error") == "in progress (import error)"
    assert outcomes.state_words("done") == "done"


def test_xfail_passes_and_a_failing_teardown_fails():
    tally = outcomes.Tally()
    tally.add(report("f.py::test_x", "call", "skipped", wasxfail=""))
    tally.add(report("f.py::test_y", "call", "passed"))
    tally.add(report("f.py::test_y", "teardown", "failed"))
    count = tally.count("f.py")
    assert (count.passed, count.failed) == (1, 1)


def test_the_runners_focus_follows_saved_progress_only(half_done, inline_pytest):
    from katakit.runner import focus

    for later in sorted((half_done / "katas").glob("test_*.py"))[4:]:
        later.unlink()  # katas 00 to 03 are enough to follow the focus from 02 to 03
    inline_pytest()  # every kata once: each has saved results
    catalog = load(half_done)
    assert [k.id for k in focus.choose(half_done, catalog)] == ["02"]
    inline_pytest(f"{BRIDGE}::test_double_via_torch")  # passes, but is only a part
    assert [k.id for k in focus.choose(half_done, catalog)] == ["02"]
    edit(half_done / "src" / "numpy_bridge.py", *reversed(BROKEN))
    inline_pytest(BRIDGE)
    assert [k.id for k in focus.choose(half_done, catalog)] == ["03"]
