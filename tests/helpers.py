"""Helpers shared by the tooling tests (the fixtures live in conftest.py)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run(cmd: list[str], cwd: Path, timeout: float = 120, **kw) -> subprocess.CompletedProcess:
    """Run ``cmd`` in ``cwd`` with this interpreter's environment; output as text."""
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", **kw.pop("env", {})}
    return subprocess.run(
        cmd, cwd=cwd, capture_output=True, text=True, timeout=timeout, env=env, **kw
    )


class Result:
    """The outcome of a pytest run: exit status and captured text."""

    def __init__(self, returncode: int, stdout: str, stderr: str) -> None:
        self.returncode, self.stdout, self.stderr = returncode, stdout, stderr
