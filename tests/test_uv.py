"""pyproject.toml for uv: torch from PyTorch's CPU index, the dev tools as a dependency group.

``uv lock`` and ``uv sync`` run against two stand-in indexes made here (no download):
one in PyPI's place, whose torch needs an ``nvidia-*`` package the way PyPI's CUDA build
does, and one whose URL replaces that of PyTorch's CPU index in a copy of pyproject.toml.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import standin_wheel

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
CPU_INDEX = "https://download.pytorch.org/whl/cpu"
UV = shutil.which("uv") or shutil.which("uv", path=str(Path(sys.executable).parent))


def test_the_dev_group_and_the_dev_extra_name_the_same_tools():
    """pip older than 25.1 reads only the extra; uv and newer pip read the group."""
    extra = PYPROJECT["project"]["optional-dependencies"]["dev"]
    assert sorted(PYPROJECT["dependency-groups"]["dev"]) == sorted(extra)


def _standin(index: Path, name: str, version: str, needs: tuple[str, ...] = ()) -> None:
    """Add a stand-in wheel for name==version to the simple index in ``index``."""
    folder = index / name.lower().replace("_", "-")
    folder.mkdir(parents=True, exist_ok=True)
    standin_wheel(folder, name, version, needs=needs)
    links = "".join(f'<a href="{w.name}">{w.name}</a>\n' for w in sorted(folder.glob("*.whl")))
    (folder / "index.html").write_text(f"<html><body>\n{links}</body></html>\n")


@pytest.fixture
def project(tmp_path: Path) -> tuple[Path, dict]:
    """This project's pyproject.toml and README in a folder, and uv's settings for it."""
    pypi, cpu = tmp_path / "pypi", tmp_path / "cpu"
    for name, version in [
        ("numpy", "2.0.0"),
        ("pytest", "9.0.0"),
        ("pytest-watch", "4.2.0"),
        ("ipython", "9.0.0"),
        ("tomli", "2.0.0"),
        ("ruff", "0.6.0"),
        ("jsonschema", "4.18.0"),
        ("nvidia-standin", "12.0"),
        ("starlette", "0.37.0"),  # the workshop extra: locked, not installed
        ("uvicorn", "0.29.0"),
    ]:
        _standin(pypi, name, version)
    _standin(pypi, "torch", "2.13.0", needs=("nvidia-standin",))
    _standin(cpu, "torch", "2.13.0+cpu")
    _standin(cpu, "numpy", "2.1.0")  # PyTorch's index has numpy too: only torch may come from it
    folder = tmp_path / "project"
    folder.mkdir()
    shutil.copy(ROOT / "README.md", folder / "README.md")
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert text.count(CPU_INDEX) == 1, f"pyproject.toml names {CPU_INDEX} once"
    (folder / "pyproject.toml").write_text(text.replace(CPU_INDEX, cpu.as_uri()))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("UV_", "VIRTUAL_ENV"))}
    env |= {
        "UV_NO_CONFIG": "1",
        "UV_CACHE_DIR": str(tmp_path / "cache"),
        "UV_PYTHON": sys.executable,
        "UV_PYTHON_DOWNLOADS": "never",
        "UV_DEFAULT_INDEX": pypi.as_uri(),
    }
    return folder, env


def _uv(project: tuple[Path, dict], *args: str, env: dict | None = None):
    folder, environ = project
    assert UV, "uv is not installed: `pip install uv` (.ci/run does)"
    result = subprocess.run(
        [UV, *args],
        cwd=folder,
        env={**environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, f"uv {' '.join(args)}:\n{result.stderr}"
    return result


def _installed(folder: Path) -> set[str]:
    return {
        p.name.removesuffix(".dist-info")
        for p in (folder / ".venv").glob("lib/python*/site-packages/*.dist-info")
    }


@pytest.mark.skipif(
    UV is None and os.environ.get("KATA_TEST_INSTALL") != "1",
    reason="uv is not installed (.ci/run installs it)",
)
def test_uv_sync_takes_the_cpu_torch_and_the_dev_group(project):
    """`uv sync` takes torch, and only torch, from PyTorch's CPU index and installs the dev
    group; with UV_NO_SOURCES=1 (README's way for an NVIDIA GPU) torch comes from PyPI, for
    as long as that is set."""
    folder, _ = project
    _uv(project, "sync", "--no-install-project")
    installed = _installed(folder)
    expected = {"torch-2.13.0+cpu", "numpy-2.0.0", "ruff-0.6.0", "jsonschema-4.18.0"}
    assert expected <= installed, installed
    assert not any(name.startswith("nvidia") for name in installed), installed

    _uv(project, "sync", "--no-install-project", env={"UV_NO_SOURCES": "1"})
    installed = _installed(folder)
    assert {"torch-2.13.0", "nvidia_standin-12.0"} <= installed, installed

    _uv(project, "sync", "--no-install-project")  # without it, the next sync swaps torch back
    assert "torch-2.13.0+cpu" in _installed(folder)
