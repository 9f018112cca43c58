"""The warm runner (``kata-run``): same outcomes as plain pytest, never stale, never stuck."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
import torch  # noqa: F401 (imported here once: in-process pytest runs must not import it again)
from helpers import (
    C_LOOP,
    PAUSED,
    SLEEPS,
    SLOW_PACKAGE,
    STANDIN_SITE,
    STUCK_IN_C,
    TEST,
    Result,
    add_slow_library,
    gone,
    learner,
    run,
)

from katakit import results, timeouts
from katakit.catalog import load
from katakit.runner import focus, location, rewritten
from katakit.runner import preload as preload_module

KATA = "katas/test_01_creation.py"


@pytest.fixture
def warm(kata_repo: Path, warm_env: dict[str, str]):
    """Run ``kata-run ARGS`` in the copied repo: ``warm("--solutions", "-q")``."""

    def _run(*args: str, env: dict[str, str] | None = None, timeout: float = 120):
        return run(
            [sys.executable, "-m", "katakit.runner", *args],
            kata_repo,
            timeout,
            env={**warm_env, **(env or {})},
        )

    return _run


def _server_pid(where: location.Location) -> int | None:
    try:
        return int(where.pidfile.read_text())
    except (OSError, ValueError):
        return None


def _children(pid: int) -> list[str]:
    """The live children of ``pid`` (a killed child may stay a zombie until it is reaped)."""
    try:
        pids = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return []
    return [child for child in pids if _state(child) not in ("Z", "X", "")]


def _state(pid: str) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return ""


def _name(pid: int | str) -> str:
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return ""


def _runs_left(server: int, within: float = 5) -> list[str]:
    """The server's children other than the one waiting for the next request.

    Right after a run the server forks that child; give it time to name itself.
    """
    deadline = time.monotonic() + within
    while True:
        children = _children(server)
        if len(children) == 1 and _name(children[0]) == "kata-waiting":
            return []
        if time.monotonic() > deadline:
            return [f"{pid} {_name(pid)}" for pid in children]
        time.sleep(0.05)


def _waiting(server: int) -> int:
    """The pid of the server's waiting child, once it is ready."""
    assert _runs_left(server, within=10) == []
    return int(_children(server)[0])


def _normal(text: str) -> str:
    """Output without timings."""
    return re.sub(r"in \d+\.\d+s", "in Xs", text)


def _impl(kata_repo: Path, extra: str = "", module: str = "creation") -> Path:
    """A copy of the solutions with ``extra`` appended to ``module``."""
    impl = kata_repo / "impl"
    if not impl.exists():
        shutil.copytree(kata_repo / "solutions", impl)
    path = impl / f"{module}.py"
    path.write_text((kata_repo / "solutions" / f"{module}.py").read_text() + extra)
    return impl


def _server(warm_env: dict[str, str]) -> int | None:
    return _server_pid(location.Location(Path(warm_env[location.SOCKET_ENV])))


# -- the client --------------------------------------------------------------


def _imported(code: str, cwd: Path) -> set[str]:
    out = run([sys.executable, "-X", "importtime", "-c", code], cwd)
    assert out.returncode == 0, out.stderr
    return {line.rsplit("|", 1)[-1].strip() for line in out.stderr.splitlines()}


def test_the_client_imports_only_what_a_save_needs(kata_repo: Path) -> None:
    # kata-run starts on every save: torch, numpy and pytest are the server's, and
    # pathlib, typing and threading would cost every save several milliseconds.
    imported = _imported("import katakit.runner.client", kata_repo) - _imported("pass", kata_repo)
    assert "katakit.runner.client" in imported
    heavy = ("torch", "numpy", "pytest", "pathlib", "typing", "threading")
    assert not {name for name in imported if name.split(".")[0] in heavy}


# -- identical outcomes --------------------------------------------------------

BROKEN = {
    "failing": "\n\ndef from_list(values):\n    return values\n",
    "erroring": "\n\nraise RuntimeError('broken at import')\n",
    "syntax": "\n\ndef from_list(values)\n    return values\n",
}


@pytest.mark.parametrize("case", ["passing", "stubs", *BROKEN])
def test_same_outcome_as_plain_pytest(case: str, kata_repo: Path, warm, inline_pytest) -> None:
    if case == "passing":
        args = ["--solutions", "-q", KATA]
    elif case == "stubs":
        args = ["-q", KATA]
    else:
        args = ["--impl", str(_impl(kata_repo, BROKEN[case])), "-q", KATA]
    plain = inline_pytest(*args)  # in this process: the same pytest, the same plugin
    hot = warm(*args)
    assert hot.returncode == plain.returncode
    # the in-process run's text is its lines joined: the final newline is dropped
    assert _normal(hot.stdout) == _normal(plain.stdout) + "\n"
    assert hot.stderr.splitlines() == plain.stderr.splitlines()
    assert "running plain pytest" not in hot.stderr


# -- the environment's pytest plugins stay out ----------------------------------


def test_learner_runs_ignore_installed_plugins_unless_asked(
    kata_repo: Path, tmp_path: Path, pytester: pytest.Pytester, monkeypatch, warm, warm_env
) -> None:
    """Plain pytest runs in this process (its plugins come from the same entry points);
    ``kata-run`` through the shared server, which has the stand-in on its path."""
    mark = tmp_path / "mark.txt"
    site = Path(warm_env[location.SOCKET_ENV]).parent / STANDIN_SITE
    monkeypatch.syspath_prepend(site)
    monkeypatch.setenv("STANDIN_MARK", str(mark))
    monkeypatch.chdir(kata_repo)

    def plain(*args: str) -> Result:
        result = pytester.runpytest_inprocess(*args)
        return Result(int(result.ret), result.stdout.str(), result.stderr.str())

    def kata_run(*args: str) -> Result:
        return warm(*args, env={"STANDIN_MARK": str(mark)})

    args = ["--solutions", "-q", "-k", "zeros", KATA]
    # a run that autoloads plugins (pytest's default) sees the stand-in
    autoload = plain("-c", os.devnull, "--co", "-q")
    assert mark.read_text() == "configured\n", autoload.stdout + autoload.stderr
    for learner_run in (plain, kata_run):
        mark.unlink()
        out = learner_run(*args)
        assert out.returncode == 0, out.stdout + out.stderr
        assert not mark.exists(), learner_run.__name__
        opted = learner_run("-p", "standin", *args)
        assert opted.returncode == 0, opted.stdout + opted.stderr
        assert mark.read_text() == "configured\n", learner_run.__name__


# -- never stale ----------------------------------------------------------------


def test_two_same_size_edits_in_one_second_are_both_seen(
    kata_repo: Path, warm, inline_pytest, monkeypatch: pytest.MonkeyPatch
) -> None:
    test = kata_repo / "katas" / "test_zz_stale.py"
    test.write_text("def test_sum():\n    assert 1 + 1 == 2\n")
    impl = _impl(kata_repo, "\nSTALE = 1 + 1\nassert STALE == 2\n")
    module = impl / "creation.py"
    # a plain run that writes bytecode: the stale .pyc a cache could wrongly reuse
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    first = inline_pytest("-q", str(test))
    assert first.returncode == 0, first.stdout
    caches = sorted(kata_repo.rglob("*.pyc"))
    assert caches
    stamps = {p: p.stat().st_mtime_ns for p in caches}
    assert warm("--impl", str(impl), "-q", str(test), KATA).returncode == 0

    for path, old, new in ((test, "1 + 1", "1 - 1"), (module, "1 + 1", "1 - 1")):
        before = path.stat()
        path.write_text(path.read_text().replace(old, new))
        os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # the same second, size
        assert path.stat().st_size == before.st_size
    out = warm("--impl", str(impl), "-q", str(test), KATA)
    assert out.returncode == 1
    assert "1 failed" in out.stdout  # the test file's new assertion
    assert "could not be imported" in out.stdout  # the module's
    assert {p: p.stat().st_mtime_ns for p in kata_repo.rglob("*.pyc")} == stamps


# -- the child waiting for the next run -----------------------------------------

SERVED_BY = """import os
from pathlib import Path

from learner import creation


def test_served_by():
    mark = getattr(creation, "MARK", None)
    Path(__file__).with_name("served_by.txt").write_text(f"{os.getpid()} {mark}")
"""


def _served_by(kata_repo: Path) -> tuple[int, str]:
    pid, mark = (kata_repo / "katas" / "served_by.txt").read_text().split()
    return int(pid), mark


def test_the_waiting_child_serves_the_next_run_with_fresh_code(
    kata_repo: Path, warm, warm_env
) -> None:
    test = kata_repo / "katas" / "test_zz_served.py"
    test.write_text(SERVED_BY)
    impl = _impl(kata_repo)
    assert warm("--impl", str(impl), "-q", str(test)).returncode == 0
    waiting = _waiting(_server(warm_env))
    assert _served_by(kata_repo)[0] != waiting
    _impl(kata_repo, "\nMARK = 2\n")  # saved after that child was forked
    out = warm("--impl", str(impl), "-q", str(test))
    assert out.returncode == 0, out.stdout
    assert _served_by(kata_repo) == (waiting, "2")
    assert _waiting(_server(warm_env)) != waiting  # the next one is forked at once


@pytest.mark.parametrize(
    ("env", "args"),
    [
        ({"KATAS_SOMETHING_NEW": "1"}, []),
        ({"CUDA_VISIBLE_DEVICES": ""}, []),
        ({}, ["--device", "cpu"]),
    ],
    ids=["environment", "cuda-visible-devices", "device"],
)
def test_a_waiting_child_that_no_longer_fits_is_replaced(
    env: dict[str, str], args: list[str], kata_repo: Path, warm, warm_env
) -> None:
    test = kata_repo / "katas" / "test_zz_served.py"
    test.write_text(SERVED_BY)
    run_args = ["--solutions", "-q", str(test)]
    assert warm(*run_args).returncode == 0
    unfit = _waiting(_server(warm_env))
    out = warm(*args, *run_args, env=env)
    assert out.returncode == 0, out.stdout
    assert _served_by(kata_repo)[0] != unfit
    assert gone(unfit, 5)
    ready = _waiting(_server(warm_env))  # forked for the request just served
    assert warm(*args, *run_args, env=env).returncode == 0
    assert _served_by(kata_repo)[0] == ready


def test_the_waiting_child_starts_its_devices_before_the_request(
    kata_repo: Path, warm, warm_env
) -> None:
    """A stand-in device start-up (a sleep) runs in the child before any request."""
    test = kata_repo / "katas" / "test_zz_served.py"
    test.write_text(SERVED_BY)
    slow = {preload_module.FAKE_DEVICE_ENV: "0.5"}
    assert warm("--solutions", "-q", str(test), env=slow).returncode == 0
    server = _server(warm_env)
    deadline = time.monotonic() + 3
    names = set()
    while time.monotonic() < deadline and "kata-waiting" not in names:
        names.update(_name(pid) for pid in _children(server))
        time.sleep(0.02)
    assert "kata-warming" in names  # the next run's child, forked at once, starting up
    ready = _waiting(server)  # then waiting
    assert warm("--solutions", "-q", str(test), env=slow).returncode == 0
    assert _served_by(kata_repo)[0] == ready


def test_a_slow_first_import_the_catalogue_names_is_made_before_the_clock(
    kata_repo: Path, warm, warm_env
) -> None:
    words = add_slow_library(kata_repo, 2.0, catalogued=True)
    result = warm("--no-focus", "--kata-timeout", "1", "-k", words, "katas/test_00_environment.py")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 passed" in result.stdout
    served_by = int((kata_repo / SLOW_PACKAGE / "imported-by").read_text())
    assert served_by == _server(warm_env)  # imported by a child of the warm server


def test_a_kata_file_rewritten_ahead_is_used_only_for_the_same_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from _pytest.assertion import rewrite

    monkeypatch.setattr(rewrite, "_rewrite_test", rewrite._rewrite_test)  # restored afterwards
    monkeypatch.setattr(rewritten, "_MADE", {})
    kata = tmp_path / "katas" / "test_x.py"
    kata.parent.mkdir()
    kata.write_text("def test_x():\n    assert 1 + 1 == 2\n")
    rewritten.refresh(tmp_path)
    rewritten.use()
    defaults = SimpleNamespace(getini=lambda name: False)
    made = rewrite._rewrite_test(kata, defaults)
    assert made is rewritten._MADE[str(kata)][1]
    with_pass_hook = SimpleNamespace(getini=lambda name: name == "enable_assertion_pass_hook")
    assert rewrite._rewrite_test(kata, with_pass_hook) is not made

    before = kata.stat()
    kata.write_text("def test_x():\n    assert 1 + 1 == 3\n")  # same size, same mtime
    os.utime(kata, ns=(before.st_atime_ns, before.st_mtime_ns))
    fresh = rewrite._rewrite_test(kata, defaults)
    assert fresh is not made
    namespace: dict = {}
    exec(fresh[1], namespace)
    with pytest.raises(AssertionError, match="== 3"):
        namespace["test_x"]()


# -- runaway and broken code -------------------------------------------------


def test_endless_loop_times_out_and_the_next_request_is_served(
    kata_repo: Path, warm, warm_env
) -> None:
    loop = "\n\ndef from_list(values):\n    while True:\n        pass\n"
    impl = _impl(kata_repo, loop)
    out = warm("--impl", str(impl), "--kata-timeout", "0.3", "-x", "-q", "-k", "from_list", KATA)
    assert out.returncode == 1
    assert "timed out after 0.3 s of CPU time in `from_list`" in out.stdout
    again = warm("--solutions", "-q", "-k", "from_list", KATA)
    assert again.returncode == 0, again.stdout
    assert _runs_left(_server(warm_env)) == []  # only the child waiting for the next run


def test_a_correct_test_held_off_the_cpu_passes(kata_repo: Path, warm) -> None:
    impl, _ = learner(kata_repo, PAUSED)
    out = warm(f"--impl={impl}", "--kata-timeout=1", "-q", TEST)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "1 passed" in out.stdout


@pytest.mark.parametrize(
    ("body", "said", "question"),
    [
        (SLEEPS, r"waiting 1\.2 s, using 0\.\d\d s of CPU time", "is it waiting (time.sleep,"),
        (C_LOOP, r"0\.2 s of CPU time", "is there a loop that never ends?"),
    ],
    ids=["sleeps", "loops over C calls"],
)
def test_a_waiting_or_looping_test_is_told_which(
    kata_repo: Path, warm, warm_env, body: str, said: str, question: str
) -> None:
    impl, _ = learner(kata_repo, body)
    out = warm(f"--impl={impl}", "--kata-timeout=0.2", "-q", TEST)
    assert out.returncode == 1, out.stdout + out.stderr
    where = r" in `torch_version` \(\S*environment\.py:\d+\): "
    assert re.search(f"timed out after {said}{where}{re.escape(question)}", out.stdout), out.stdout
    assert _runs_left(_server(warm_env)) == []


@pytest.mark.parametrize("stuck", STUCK_IN_C)
def test_code_stuck_in_one_c_call_is_ended_with_its_line(
    kata_repo: Path, warm, warm_env, stuck: str
) -> None:
    impl, line = learner(kata_repo, STUCK_IN_C[stuck])
    out = warm(f"--impl={impl}", "--kata-timeout=0.2", "-q", TEST, timeout=60)
    assert out.returncode == 128 + timeouts.WATCHDOG_SIGNAL, out.stdout + out.stderr
    assert f"the test process {timeouts.WATCHDOG_ENDED} (in {TEST})" in out.stderr
    assert f'environment.py", line {line} in torch_version' in out.stderr
    assert warm("--solutions", "-q", TEST).returncode == 0
    assert _runs_left(_server(warm_env)) == []


def test_syntax_error_is_reported_and_the_fixed_save_passes(kata_repo: Path, warm) -> None:
    impl = _impl(kata_repo, BROKEN["syntax"])
    out = warm("--impl", str(impl), "-q", KATA)
    assert out.returncode == 1
    assert "creation.py could not be imported" in out.stdout
    assert "SyntaxError" in out.stdout
    _impl(kata_repo)
    fixed = warm("--impl", str(impl), "-q", KATA)
    assert fixed.returncode == 0, fixed.stdout


@pytest.mark.parametrize(
    ("body", "how", "code"),
    [
        ("import os\n    os._exit(3)", "exited with status 3", 3),
        ("import ctypes\n    ctypes.string_at(0)", "killed by SIGSEGV", 128 + 11),
    ],
)
def test_a_crash_is_reported_as_a_crash_of_its_kata(
    body: str, how: str, code: int, kata_repo: Path, warm, warm_env
) -> None:
    impl = _impl(kata_repo, f"\n\ndef from_list(values):\n    {body}\n")
    out = warm("--impl", str(impl), "-q", "-k", "from_list", KATA)
    assert out.returncode == code
    assert "kata 01 creation crashed" in out.stderr
    assert how in out.stderr
    assert "test_from_list" in out.stderr
    assert warm("--solutions", "-q", "-k", "from_list", KATA).returncode == 0
    assert _runs_left(_server(warm_env)) == []  # only the child waiting for the next run


def test_ctrl_c_stops_the_run_cleanly(kata_repo: Path, warm, warm_env) -> None:
    looping = kata_repo / "looping"  # made once the run is inside the endless loop
    loop = f"\n\ndef from_list(values):\n    open({str(looping)!r}, 'w').close()\n"
    impl = _impl(kata_repo, loop + "    while True:\n        pass\n")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "katakit.runner",
            "--impl",
            str(impl),
            "--kata-timeout",
            "0",
            "-q",
            "-k",
            "from_list",
            KATA,
        ],
        cwd=kata_repo,
        env={**os.environ, **warm_env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while not looping.exists():
        assert proc.poll() is None and time.monotonic() < deadline, proc.communicate()
        time.sleep(0.02)
    proc.send_signal(signal.SIGINT)
    out, _ = proc.communicate(timeout=10)
    assert proc.returncode == 2
    assert "KeyboardInterrupt" in out
    assert warm("--solutions", "-q", "-k", "zeros", KATA).returncode == 0


# -- the server's life -------------------------------------------------------


def test_a_killed_server_is_replaced_transparently(warm, warm_env) -> None:
    assert warm("--solutions", "-q", "-k", "zeros", KATA).returncode == 0
    old = _server(warm_env)
    os.kill(old, signal.SIGKILL)
    assert gone(old, 5)
    out = warm("--solutions", "-q", "-k", "zeros", KATA)
    assert out.returncode == 0, out.stdout + out.stderr
    assert out.stderr == ""
    assert _server(warm_env) not in (None, old)


def test_fallback_says_so_in_one_line(warm) -> None:
    out = warm("--solutions", "-q", "-k", "zeros", KATA, env={"KATA_RUNNER": "0"})
    assert out.returncode == 0
    assert out.stderr.strip().splitlines() == [
        "kata-run: the warm runner is turned off (KATA_RUNNER=0); running plain pytest"
    ]


# -- run what matters first ----------------------------------------------------


def _save_all(root: Path) -> None:
    catalog = load(root)
    results.save(
        root,
        {
            k.id: results.KataResult(passed=1, total=1, mtime=results.module_mtime(root, k))
            for k in catalog.katas
            if (root / k.tests).is_file()
        },
    )


def test_focus_on_the_changed_module_else_the_current_kata(kata_repo: Path) -> None:
    catalog = load(kata_repo)
    present = [k for k in catalog.katas if (kata_repo / k.tests).is_file()]
    assert focus.choose(kata_repo, catalog) == present  # nothing run yet: everything
    _save_all(kata_repo)
    assert focus.choose(kata_repo, catalog) == []  # all done: the whole suite
    saved = results.load(kata_repo)
    saved["01"].passed = 0
    results.save(kata_repo, saved)
    assert [k.id for k in focus.choose(kata_repo, catalog)] == ["01"]  # the current kata
    module = kata_repo / "src" / "numpy_bridge.py"
    os.utime(module, (time.time() + 5, time.time() + 5))
    assert [k.id for k in focus.choose(kata_repo, catalog)] == ["02"]  # the changed one
    changed = [kata_repo / "src" / "environment.py"]
    assert [k.id for k in focus.choose(kata_repo, catalog, changed)] == ["00"]


def test_focus_only_without_test_paths_or_other_trees() -> None:
    assert focus.wants_focus([])
    assert focus.wants_focus(["-q", "-k", "zeros", "--tb", "short"])
    assert not focus.wants_focus(["katas/test_01_creation.py"])
    assert not focus.wants_focus(["--solutions"])
    assert not focus.wants_focus(["--impl=somewhere"])
