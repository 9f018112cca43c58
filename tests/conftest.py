"""Fixtures for the tooling tests: throwaway copies of this repository, one warm server."""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import STANDIN_SITE, Result, copy_repo, gone, install_standin_plugin, run

from katakit.runner import client, location


@pytest.fixture
def kata_repo(tmp_path: Path) -> Path:
    """A copy of the kata parts of this repository (katas, trees, catalogue, config)."""
    return copy_repo(tmp_path / "repo")


@pytest.fixture
def inline_pytest(pytester: pytest.Pytester, kata_repo: Path, monkeypatch: pytest.MonkeyPatch):
    """Run pytest in the copied repo inside this process (fast: torch stays imported)."""
    monkeypatch.chdir(kata_repo)

    def _run(*args: str, **_: object) -> Result:
        result = pytester.runpytest_inprocess(*args)
        return Result(int(result.ret), result.stdout.str(), result.stderr.str())

    return _run


@pytest.fixture
def run_pytest(kata_repo: Path):
    """Run pytest in the copied repo as a subprocess: ``run_pytest("--solutions", "-q")``."""

    def _run(*args: str, cwd: Path | None = None, timeout: float = 120):
        return run([sys.executable, "-m", "pytest", *args], cwd or kata_repo, timeout)

    return _run


@pytest.fixture(scope="session")
def warm_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """The environment of the one warm server the runner, view and ptw tests share.

    Started once, here, by a client whose owner is this process (a server exits
    once its owners have), so it outlives every test and every ``ptw`` session;
    a client started elsewhere with this environment finds it. A stand-in pytest
    plugin (``install_standin_plugin``) is on its path, for the test that checks
    learner runs leave it out. A test may kill it: the next request starts
    another with the same environment. Stopped at the end.
    """
    folder = tmp_path_factory.mktemp("warm")
    site = install_standin_plugin(folder / STANDIN_SITE)
    paths = [str(site), *filter(None, [os.environ.get("PYTHONPATH")])]
    env = {
        location.SOCKET_ENV: str(folder / "s.sock"),
        location.IDLE_ENV: "300",
        "PYTHONPATH": os.pathsep.join(paths),
    }
    start = (  # kata-run, owned by this process rather than by its session's leader
        "import sys; from katakit.runner import client; "
        f"sys.exit(client.run(sys.argv[1:], owner={os.getpid()}))"
    )
    args = ["--solutions", "-q", "-k", "zeros", "katas/test_01_creation.py"]
    first = run([sys.executable, "-c", start, *args], copy_repo(folder / "repo"), env=env)
    assert first.returncode == 0, first.stdout + first.stderr
    yield env
    where = location.Location(Path(env[location.SOCKET_ENV]))
    pid = location.read_pid(where)
    client.stop(where)
    if pid is not None:
        assert gone(pid, 10), f"the warm server {pid} did not exit"


def pytest_collection_finish(session: pytest.Session) -> None:
    """Leave the objects made so far (torch, numpy, pytest) out of every garbage collection."""
    gc.collect()
    gc.freeze()
