"""scripts/install.sh: its options, its failure on an unreachable index, and a real install.

The real install runs the steps the dev containers run (``--phase torch``, then
``--phase project --verify``) in a fresh virtualenv. torch comes the way CI gets
it: ``TORCH_VERSION`` (default 2.13.0) from pip's configured index, or the wheel
file named by ``TORCH_WHEEL`` when that is set.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pip
import pytest

ROOT = Path(__file__).resolve().parents[1]
INSTALL = ROOT / "scripts" / "install.sh"


def install(*args: str, env: dict | None = None, timeout: float = 120):
    return subprocess.run(
        ["bash", str(INSTALL), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "PYTHON": sys.executable, **(env or {})},
    )


def offline_pip_env() -> dict:
    """This environment without any pip settings, so only the index we name is asked."""
    env = {k: v for k, v in os.environ.items() if not k.upper().startswith("PIP_")}
    env["PIP_CONFIG_FILE"] = os.devnull
    env["NO_PROXY"] = env["no_proxy"] = "127.0.0.1,localhost"
    return env


@pytest.fixture(scope="module")
def empty_venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A virtualenv with nothing installed but pip, shared by the tests that must not install.

    Made without pip (seconds faster); this environment's pip is lent to it through a
    ``.pth`` file naming a folder that holds pip alone.
    """
    venv = tmp_path_factory.mktemp("empty") / "venv"
    subprocess.run(
        [sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120
    )
    lent = venv.parent / "pip-only"
    lent.mkdir()
    (lent / "pip").symlink_to(Path(pip.__file__).parent)
    (site_packages,) = venv.glob("lib/python*/site-packages")
    (site_packages / "lent-pip.pth").write_text(f"{lent}\n")
    return venv


def test_help_documents_the_choices_and_their_variables():
    result = install("--help")
    assert result.returncode == 0
    for word in (
        "--cpu",
        "--cuda",
        "--torch-version",
        "TORCH_VERSION",
        "--torch-wheel",
        "TORCH_WHEEL",
        "TORCH_VARIANT",
        "--torch-index-url",
        "TORCH_INDEX_URL",
        "--venv",
        "--phase",
        "--wheelhouse",
        "--build-wheelhouse",
        "--verify",
        "--timeout",
        "--retries",
        "download.pytorch.org/whl/cpu",
    ):
        assert word in result.stdout, word


@pytest.mark.parametrize(
    "args",
    [["--bogus"], ["--phase", "later"], ["--timeout"], ["--timeout", "soon"], ["--retries", "-1"]],
)
def test_bad_usage_is_one_line_and_exit_status_2(args):
    result = install(*args)
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert "--help" in result.stderr


def test_bad_variant_is_refused():
    result = install(env={"TORCH_VARIANT": "rocm"})
    assert result.returncode == 2
    assert "cpu or cuda" in result.stderr


def test_project_phase_refuses_to_let_pip_pick_torch(empty_venv: Path):
    result = install("--venv", str(empty_venv), "--phase", "project")
    assert result.returncode == 1
    assert "torch is not installed" in result.stderr
    assert not list(empty_venv.glob("lib/python*/site-packages/torch"))


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_unreachable_index_fails_fast_with_one_clear_line(empty_venv: Path):
    index = f"http://127.0.0.1:{_closed_port()}/whl/cpu"
    start = time.monotonic()
    result = install(
        "--venv",
        str(empty_venv),
        "--cpu",
        "--torch-index-url",
        index,
        env=offline_pip_env(),
        timeout=60,
    )
    elapsed = time.monotonic() - start
    assert result.returncode == 3, result.stdout + result.stderr
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("scripts/install.sh: error: cannot reach " + index)
    assert "--torch-wheel" in last
    assert elapsed < 15


def test_silent_index_times_out_instead_of_hanging(empty_venv: Path):
    with socket.socket() as server:  # accepts connections and never answers
        server.bind(("127.0.0.1", 0))
        server.listen(8)
        index = f"http://127.0.0.1:{server.getsockname()[1]}/whl/cpu"
        start = time.monotonic()
        result = install(
            "--venv",
            str(empty_venv),
            "--cpu",
            "--torch-index-url",
            index,
            "--timeout",
            "1",
            "--retries",
            "0",
            env=offline_pip_env(),
            timeout=60,
        )
        elapsed = time.monotonic() - start
    assert result.returncode == 3, result.stdout + result.stderr
    assert "cannot reach" in result.stderr and "timed out" in result.stderr
    assert elapsed < 15


@pytest.mark.skipif(
    os.environ.get("KATA_TEST_INSTALL") != "1",
    reason="a real install into a fresh virtualenv (about 45 s); KATA_TEST_INSTALL=1 runs it "
    "(.ci/run does)",
)
def test_fresh_virtualenv_install_in_the_dev_container_phases(tmp_path: Path):
    """What onCreateCommand, updateContentCommand and postCreateCommand run, end to end."""
    venv = tmp_path / "venv"
    torch = install("--venv", str(venv), "--phase", "torch", timeout=600)
    assert torch.returncode == 0, torch.stdout + torch.stderr
    assert (venv / "bin" / "python").is_file()

    project = install("--venv", str(venv), "--phase", "project", "--verify", timeout=600)
    assert project.returncode == 0, project.stdout + project.stderr
    assert "environment kata against the solutions:" in project.stdout
    assert " passed" in project.stdout
    assert "devices: cpu" in project.stdout

    bindir = venv / "bin"
    assert os.access(bindir / "kata", os.X_OK)
    assert os.access(bindir / "ptw", os.X_OK)
    version = subprocess.run(
        [str(bindir / "ptw"), "--version"], capture_output=True, text=True, timeout=60
    )
    assert "pytest-watch" in version.stdout + version.stderr
    check = subprocess.run(
        [
            str(bindir / "python"),
            "-c",
            "import torch; from importlib.metadata import entry_points\n"
            "print(torch.__version__)\n"
            "print(sorted(e.dist.name for e in entry_points(group='console_scripts', name='ptw')))",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    torch_version, providers = check.stdout.splitlines()
    if not os.environ.get("TORCH_WHEEL"):
        assert torch_version.split("+")[0] == os.environ.get("TORCH_VERSION", "2.13.0")
    assert providers == "['pytest-watch']"

    again = install("--venv", str(venv), "--phase", "verify", timeout=120)
    assert again.returncode == 0, again.stdout + again.stderr


# -- which torch build ------------------------------------------------------------

HAS_GPU = shutil.which("nvidia-smi") is not None or Path("/proc/driver/nvidia").exists()


def _nowhere_env(tmp_path: Path, gpu: bool) -> dict:
    """No pip settings, every index on a closed port, and ``nvidia-smi`` only when ``gpu``."""
    env = offline_pip_env()
    env["PIP_INDEX_URL"] = f"http://127.0.0.1:{_closed_port()}/simple"
    env["KATA_CPU_INDEX"] = f"http://127.0.0.1:{_closed_port()}/whl/cpu"
    if gpu:
        bindir = tmp_path / "bin"
        bindir.mkdir()
        fake = bindir / "nvidia-smi"
        fake.write_text("#!/bin/sh\nexit 0\n")
        fake.chmod(0o755)
        env["PATH"] = f"{bindir}{os.pathsep}{env['PATH']}"
    return env


@pytest.mark.skipif(HAS_GPU, reason="this machine has an NVIDIA GPU")
def test_no_flag_and_no_gpu_means_the_cpu_build_from_a_reachable_index(empty_venv, tmp_path):
    result = install(
        "--venv", str(empty_venv), "--phase", "torch", "--torch-version", "0.0.0",
        env=_nowhere_env(tmp_path, gpu=False), timeout=60,
    )  # fmt: skip
    out = result.stdout + result.stderr
    assert "no NVIDIA GPU here: the CPU build of torch" in out
    fallback = [line for line in out.splitlines() if "cannot be reached" in line]
    assert len(fallback) == 1 and "taking torch from the default index instead" in fallback[0]
    assert result.returncode == 3  # then the default index (a closed port here) fails too
    assert "cannot reach" in result.stderr


@pytest.mark.parametrize("how", ["gpu", "--cuda"])
def test_a_gpu_or_cuda_flag_means_the_cuda_build(empty_venv, tmp_path, how):
    args = ["--venv", str(empty_venv), "--phase", "torch", "--torch-version", "0.0.0"]
    if how == "--cuda":
        args.append("--cuda")
    result = install(*args, env=_nowhere_env(tmp_path, gpu=how == "gpu"), timeout=60)
    out = result.stdout + result.stderr
    assert "from the default index (on Linux x86_64: the CUDA build" in out
    assert "CPU build of torch" not in out and "cannot be reached" not in out
    assert ("an NVIDIA GPU is here" in out) is (how == "gpu")
    assert result.returncode == 3
