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
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pip
import pytest
from helpers import standin_wheel

ROOT = Path(__file__).resolve().parents[1]
INSTALL = ROOT / "scripts" / "install.sh"


def install(*args: str, env: dict | None = None, timeout: float = 120, environ: dict | None = None):
    """Run install.sh with ``environ`` (default: this process's environment) updated by env."""
    return subprocess.run(
        ["bash", str(INSTALL), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={
            **(os.environ if environ is None else environ),
            "PYTHON": sys.executable,
            **(env or {}),
        },
    )


def offline_pip_env() -> dict:
    """This environment without any pip settings, so only the index we name is asked."""
    env = {k: v for k, v in os.environ.items() if not k.upper().startswith("PIP_")}
    env["PIP_CONFIG_FILE"] = os.devnull
    env["NO_PROXY"] = env["no_proxy"] = "127.0.0.1,localhost"
    return env


def _venv_lent(folder: Path, lent: Path) -> Path:
    """A virtualenv in folder/venv with nothing installed; the folder ``lent`` (pip alone)
    is on its path through a ``.pth`` file. Made without pip: seconds faster."""
    venv = folder / "venv"
    subprocess.run(
        [sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120
    )
    (site_packages,) = venv.glob("lib/python*/site-packages")
    (site_packages / "lent-pip.pth").write_text(f"{lent}\n")
    return venv


@pytest.fixture(scope="module")
def empty_venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A virtualenv with this environment's pip only, shared by the tests that must not
    install."""
    folder = tmp_path_factory.mktemp("empty")
    (folder / "pip-only").mkdir()
    (folder / "pip-only" / "pip").symlink_to(Path(pip.__file__).parent)
    return _venv_lent(folder, folder / "pip-only")


@pytest.fixture(scope="module")
def pip26_venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same with pip 26 or newer (which words its timeouts differently), fetched from
    pip's configured index: without KATA_TEST_INSTALL=1 a failed fetch skips."""
    folder = tmp_path_factory.mktemp("pip26")
    fetched = subprocess.run(
        [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "pip>=26"]
        + ["--only-binary=:all:", "--dest", str(folder)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    wheels = list(folder.glob("pip-*.whl"))
    if fetched.returncode != 0 or not wheels:
        if os.environ.get("KATA_TEST_INSTALL") == "1":
            pytest.fail(f"could not fetch pip>=26: {fetched.stderr.strip()[-300:]}")
        pytest.skip("pip>=26 cannot be fetched here (KATA_TEST_INSTALL=1 makes it an error)")
    with zipfile.ZipFile(wheels[0]) as whl:
        whl.extractall(folder / "pip-only")
    venv = _venv_lent(folder, folder / "pip-only")
    version = subprocess.run(
        [venv / "bin" / "python", "-m", "pip", "--version"], capture_output=True, text=True
    ).stdout
    assert version.startswith("pip 26") or int(version.split()[1].split(".")[0]) > 26, version
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
        "--workshop",
        "KATA_WORKSHOP",
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


def _unreachable(venv: Path) -> tuple[list[str], dict]:
    index = f"http://127.0.0.1:{_closed_port()}/whl/cpu"
    return ["--venv", str(venv), "--cpu", "--torch-index-url", index], offline_pip_env()


PIPS = ["this pip", "pip 26"]  # pip 26 says "didn't respond within ... - skipping"


def _runs(request: pytest.FixtureRequest, pip: str) -> dict:
    return request.getfixturevalue("offline_runs" if pip == "this pip" else "pip26_runs")


@pytest.mark.parametrize("pip", PIPS)
def test_unreachable_index_fails_fast_with_one_clear_line(request, pip):
    result, elapsed, args = _runs(request, pip)["unreachable"]
    assert result.returncode == 3, result.stdout + result.stderr
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("scripts/install.sh: error: cannot reach " + args[-1])
    assert "--torch-wheel" in last
    assert elapsed < 15


def _silent(venv: Path, port: int) -> tuple[list[str], dict]:
    index = f"http://127.0.0.1:{port}/whl/cpu"
    args = ["--venv", str(venv), "--cpu", "--torch-index-url", index, "--timeout", "1"]
    return [*args, "--retries", "0"], offline_pip_env()


@pytest.mark.parametrize("pip", PIPS)
def test_silent_index_times_out_instead_of_hanging(request, pip):
    result, elapsed, _ = _runs(request, pip)["silent"]
    assert result.returncode == 3, result.stdout + result.stderr
    assert "cannot reach" in result.stderr and "no answer within 1 s" in result.stderr
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

    dashboard = [str(bindir / "python"), "-c", "import starlette, uvicorn"]
    assert subprocess.run(dashboard, capture_output=True).returncode != 0  # a learner's install
    workshop = install("--venv", str(venv), "--phase", "project", "--workshop", timeout=600)
    assert workshop.returncode == 0, workshop.stdout + workshop.stderr
    assert "and the workshop dashboard" in workshop.stdout
    assert subprocess.run(dashboard, capture_output=True).returncode == 0


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


def _which_build(venv: Path, tmp: Path, how: str) -> tuple[list[str], dict]:
    args = ["--venv", str(venv), "--phase", "torch", "--torch-version", "0.0.0"]
    if how == "--cuda":
        args.append("--cuda")
    return args, _nowhere_env(tmp, gpu=how == "gpu")


@pytest.fixture(scope="module")
def offline_runs(empty_venv: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Each offline scenario's ``(result, seconds, args)``: run side by side, since each
    one mostly waits on a closed or silent port."""
    extra = {
        how: _which_build(empty_venv, tmp_path_factory.mktemp("b"), how)
        for how in ("no-flag", "gpu", "--cuda")
    }
    return _side_by_side(empty_venv, extra)


@pytest.fixture(scope="module")
def pip26_runs(pip26_venv: Path) -> dict:
    """The unreachable and silent scenarios with pip 26."""
    return _side_by_side(pip26_venv, {})


def _side_by_side(venv: Path, plans: dict) -> dict:
    """Run the unreachable and silent scenarios in ``venv``, and ``plans``, at once."""
    with socket.socket() as silent:  # accepts connections and never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        plans = {
            "unreachable": _unreachable(venv),
            "silent": _silent(venv, silent.getsockname()[1]),
            **plans,
        }

        def timed(plan: tuple[list[str], dict]) -> tuple:
            start = time.monotonic()
            result = install(*plan[0], environ=plan[1], timeout=60)
            return result, time.monotonic() - start, plan[0]

        with ThreadPoolExecutor(len(plans)) as pool:
            return dict(zip(plans, pool.map(timed, plans.values()), strict=True))


@pytest.mark.skipif(HAS_GPU, reason="this machine has an NVIDIA GPU")
def test_no_flag_and_no_gpu_means_the_cpu_build_from_a_reachable_index(offline_runs):
    result = offline_runs["no-flag"][0]
    out = result.stdout + result.stderr
    fallback = [line for line in out.splitlines() if "cannot be reached" in line]
    assert len(fallback) == 1
    assert "no NVIDIA GPU here, but PyTorch's CPU index" in fallback[0]
    assert "whose Linux x86_64 wheel is the CUDA build" in fallback[0]
    assert result.returncode == 3  # then the default index (a closed port here) fails too
    assert "cannot reach" in result.stderr


@pytest.mark.parametrize("how", ["gpu", "--cuda"])
def test_a_gpu_or_cuda_flag_means_the_cuda_build(offline_runs, how):
    result = offline_runs[how][0]
    out = result.stdout + result.stderr
    assert "from the default index (on Linux x86_64: the CUDA build" in out
    assert "CPU build of torch" not in out and "cannot be reached" not in out
    assert ("an NVIDIA GPU is here" in out) is (how == "gpu")
    assert result.returncode == 3


# -- which torch release, and a torch already there ------------------------------


def test_the_release_follows_the_wheels_this_python_has_and_a_working_torch_stays(tmp_path):
    """2.13.0 exists only for another Python here: the oldest supported release that has a
    wheel is named before it installs; a second run keeps it; --torch-version replaces it
    and removes what only the old one needed."""
    wheels = tmp_path / "wheels"
    wheels.mkdir()
    standin_wheel(wheels, "torch", "2.13.0", tag="py2-none-any")
    standin_wheel(wheels, "torch", "2.1.0")  # older than the project supports
    standin_wheel(wheels, "torch", "2.14.0", needs=["nvidia-standin"])
    standin_wheel(wheels, "torch", "2.15.0")
    standin_wheel(wheels, "nvidia_standin", "1.0")
    venv = tmp_path / "venv"
    args = ["--venv", str(venv), "--phase", "torch", "--wheelhouse", str(wheels)]
    environ = offline_pip_env()

    first = install(*args, environ=environ)
    assert first.returncode == 0, first.stdout + first.stderr
    named = [line for line in first.stdout.splitlines() if "has no wheel" in line]
    assert len(named) == 1 and "taking torch 2.14.0, the oldest supported release" in named[0]
    assert first.stdout.index("has no wheel") < first.stdout.index("installing torch==2.14.0")

    again = install(*args, environ=environ)
    assert again.returncode == 0, again.stdout + again.stderr
    assert "keeping torch 2.14.0 (CPU build), already in this Python" in again.stdout
    assert "installing" not in again.stdout

    offline = install(*args[:4], *_unreachable(venv)[0][2:], environ=environ)
    assert offline.returncode == 3, offline.stdout + offline.stderr
    assert list(venv.glob("lib/python*/site-packages/torch-2.14.0.dist-info")), "torch removed"

    newer = install(*args, "--torch-version", "2.15.0", environ=environ)
    assert newer.returncode == 0, newer.stdout + newer.stderr
    assert "replacing torch 2.14.0" in newer.stdout
    assert "removing what torch 2.14.0 brought and nothing needs now (1): nvidia-standin" in (
        newer.stdout
    )
    listed = subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "list", "--format=freeze"],
        capture_output=True,
        text=True,
        timeout=60,
        env=environ,
    ).stdout
    assert "torch==2.15.0" in listed and "nvidia" not in listed


@pytest.mark.parametrize(
    "host",
    [
        pytest.param("no GPU", marks=pytest.mark.skipif(HAS_GPU, reason="an NVIDIA GPU is here")),
        "a GPU torch cannot see",
    ],
)
def test_verify_blames_a_driver_only_where_there_is_a_gpu(tmp_path: Path, host: str):
    """A CUDA build that sees no GPU: on a host without one, --verify says it runs on the
    CPU and how to swap it; where nvidia-smi is, it points at the driver."""
    standin = tmp_path / "standin" / "torch"
    standin.mkdir(parents=True)
    (standin / "__init__.py").write_text(
        "from types import SimpleNamespace\n"
        "__version__ = '2.13.0+cu128'\n"
        "version = SimpleNamespace(cuda='12.8')\n"
        "cuda = SimpleNamespace(is_available=lambda: False)\n"
        "backends = SimpleNamespace()\n"
    )
    venv = _venv_lent(tmp_path, standin.parent)
    (site_packages,) = venv.glob("lib/python*/site-packages")
    (site_packages / "katakit.pth").write_text(f"{ROOT}\n")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    if host != "no GPU":
        (bin_dir / "nvidia-smi").write_text("#!/bin/sh\nexit 9\n")
        (bin_dir / "nvidia-smi").chmod(0o755)
    environ = offline_pip_env()
    path = [d for d in environ["PATH"].split(os.pathsep) if not shutil.which("nvidia-smi", path=d)]
    environ["PATH"] = os.pathsep.join([str(bin_dir), *path])
    result = install("--venv", str(venv), "--phase", "verify", environ=environ)
    notes = [line.strip() for line in result.stdout.splitlines() if "note:" in line]
    assert "torch 2.13.0+cu128 (CUDA 12.8 build)" in result.stdout, result.stdout + result.stderr
    assert len(notes) == 1, result.stdout
    if host == "no GPU":
        assert "torch's CUDA build, on a machine with no NVIDIA GPU: it runs on the CPU" in notes[0]
        assert "--cpu" in notes[0] and "driver" not in notes[0]
    else:
        assert "check the host's NVIDIA driver" in notes[0]


@pytest.mark.parametrize("uv", ["uv on PATH", "no uv"])
def test_a_python_without_ensurepip_gets_pip_from_uv(tmp_path: Path, uv: str):
    """Some Pythons (Debian's without python3-venv) have no ensurepip: uv adds pip, and
    without uv one line says what to run."""
    wheels = tmp_path / "wheels"
    wheels.mkdir()
    standin_wheel(wheels, "torch", "2.13.0")
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    (site_packages,) = venv.glob("lib/python*/site-packages")
    (site_packages / "no-ensurepip.pth").write_text("import sys; sys.modules['ensurepip'] = None\n")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (tmp_path / "pip-only").mkdir()
    (tmp_path / "pip-only" / "pip").symlink_to(Path(pip.__file__).parent)
    # A stand-in uv: `uv pip install --quiet --python PY pip` lends PY this pip.
    (bin_dir / "uv").write_text(
        "#!/bin/sh\n"
        f'[ "$*" = "pip install --quiet --python {venv}/bin/python pip" ] || exit 9\n'
        f"echo {tmp_path / 'pip-only'} > {site_packages / 'lent-pip.pth'}\n"
    )
    (bin_dir / "uv").chmod(0o755)
    environ = offline_pip_env()
    path = [d for d in environ["PATH"].split(os.pathsep) if not shutil.which("uv", path=d)]
    environ["PATH"] = os.pathsep.join(([str(bin_dir)] if uv == "uv on PATH" else []) + path)
    args = ["--venv", str(venv), "--phase", "torch", "--wheelhouse", str(wheels)]
    result = install(*args, environ=environ)
    if uv == "no uv":
        assert result.returncode == 1, result.stdout + result.stderr
        assert result.stderr.strip().splitlines() == [
            f"scripts/install.sh: error: could not add pip to {venv}/bin/python: run "
            "`uv pip install pip` or make the virtualenv with `uv venv --seed`"
        ]
        return
    assert result.returncode == 0, result.stdout + result.stderr
    assert list(venv.glob("lib/python*/site-packages/torch-2.13.0.dist-info"))


def test_a_virtualenv_without_pip_gets_one(tmp_path: Path):
    """`uv venv` makes a virtualenv with no pip; install.sh adds it and goes on."""
    wheels = tmp_path / "wheels"
    wheels.mkdir()
    standin_wheel(wheels, "torch", "2.13.0")
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    args = ["--venv", str(venv), "--phase", "torch", "--wheelhouse", str(wheels)]
    result = install(*args, environ=offline_pip_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "has no pip (a virtualenv made by uv venv?): adding it" in result.stdout
    assert "installing torch==2.13.0 from the wheelhouse" in result.stdout
    assert list(venv.glob("lib/python*/site-packages/torch-2.13.0.dist-info"))
