"""Plain ``ptw`` in the repo root: configured by pytest.ini, run through the warm runner."""

from __future__ import annotations

import configparser
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from katakit import ptw_defaults, results
from katakit.catalog import load

ROOT = Path(__file__).resolve().parents[1]
PTW = Path(sys.executable).parent / "ptw"
DONE = "katas complete"  # the progress summary ends every run


class Ptw:
    """``ptw`` running in the background, its output collected."""

    def __init__(self, args: list[str], cwd: Path, env: dict[str, str]) -> None:
        self.proc = subprocess.Popen(
            [str(PTW), *args],
            cwd=cwd,
            env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "TERM": "dumb", **env},
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.output = ""
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        for chunk in iter(lambda: self.proc.stdout.read1(4096), b""):
            self.output += chunk.decode("utf-8", "replace")

    def wait_for(self, count: int, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while self.output.count(DONE) < count:
            assert time.monotonic() < deadline, self.output[-3000:]
            assert self.proc.poll() is None, self.output[-3000:]
            time.sleep(0.05)

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGINT)
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(5)
        self._reader.join(5)


def _as_if_run_before(root: Path) -> None:
    """Saved results for every kata, so a run focuses on one kata (fast)."""
    catalog = load(root)
    results.save(
        root,
        {
            k.id: results.KataResult(total=1, mtime=results.module_mtime(root, k))
            for k in catalog.katas
            if (root / k.tests).is_file()
        },
    )


def _save(path: Path) -> None:
    path.write_text(path.read_text() + "\n# saved\n")


@pytest.mark.parametrize("args", [[], ["--poll"]], ids=["events", "poll"])
def test_ptw_in_the_repo_root_runs_through_the_warm_runner(
    args: list[str], kata_repo: Path, warm_env: dict[str, str]
) -> None:
    _as_if_run_before(kata_repo)
    ptw = Ptw(args, kata_repo, warm_env)
    try:
        ptw.wait_for(1)
        assert "Running: kata-run" in ptw.output
        assert "running plain pytest" not in ptw.output
        assert "katas/test_00_environment.py" in ptw.output  # the current kata
        time.sleep(0.3)
        _save(kata_repo / "src" / "creation.py")
        ptw.wait_for(2, timeout=30)
        second = ptw.output.rsplit("Running: kata-run", 1)[1]
        assert "Change detected: src/creation.py" in ptw.output
        assert "katas/test_01_creation.py" in second  # the kata of the saved module
        assert "katas/test_00_environment.py" not in second
    finally:
        ptw.stop()


def test_ptw_watches_only_src_and_katas(kata_repo: Path, monkeypatch) -> None:
    seen = {}

    def watch(entries=None, **options):
        seen["entries"] = entries

    (kata_repo / ".venv").mkdir()
    monkeypatch.chdir(kata_repo)
    ptw_defaults.wrap(watch)(entries=[], spool=0)
    assert seen["entries"] == ["src", "katas"]
    ptw_defaults.wrap(watch)(entries=["src"], spool=0)
    assert seen["entries"] == ["src"]  # folders named on the command line win


def test_ptw_section_of_pytest_ini() -> None:
    config = configparser.ConfigParser()
    config.read(ROOT / "pytest.ini")
    section = config["pytest-watch"]
    assert section["runner"] == "kata-run"
    assert int(section["spool"]) <= 50
    assert config.getboolean("pytest-watch", "clear")
    assert config.getboolean("pytest-watch", "nobeep")
    assert "-p katakit.ptw_defaults" in config["pytest"]["addopts"]
