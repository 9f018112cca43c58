"""Fixtures for the tooling tests: throwaway copies of this repository."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest
from helpers import ROOT, Result, run

COPIED = [
    "katas",
    "src",
    "solutions",
    "mistakes",
    "alternatives",
    "katas.toml",
    "conftest.py",
    "pytest.ini",
]


@pytest.fixture
def kata_repo(tmp_path: Path) -> Path:
    """A copy of the kata parts of this repository (katas, trees, catalogue, config)."""
    repo = tmp_path / "repo"
    repo.mkdir()
    for name in COPIED:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, repo / name, ignore=shutil.ignore_patterns("__pycache__"))
        elif source.exists():
            shutil.copy2(source, repo / name)
    return repo


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
