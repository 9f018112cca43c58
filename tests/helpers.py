"""Helpers shared by the tooling tests (the fixtures live in conftest.py)."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# What a throwaway copy of this repository holds: the katas, the learner's and
# the reference trees, the catalogue and the configuration (mistakes/ and
# alternatives/ belong to `kata check`, whose tests use tests/kata_fixture/).
COPIED = ["katas", "src", "solutions", "katas.toml", "conftest.py", "pytest.ini"]

STANDIN_SITE = "standin-site"  # the stand-in plugin's folder, beside the shared server's socket


def copy_repo(repo: Path) -> Path:
    """Copy the kata parts of this repository into the new folder ``repo``."""
    repo.mkdir(parents=True)
    for name in COPIED:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, repo / name, ignore=shutil.ignore_patterns("__pycache__"))
        elif source.exists():
            shutil.copy2(source, repo / name)
    return repo


def standin_wheel(
    folder: Path, name: str, version: str, tag: str = "py3-none-any", needs=()
) -> Path:
    """Write a stand-in wheel: a package that imports and reports its version (torch's way)."""
    module = name.lower().replace("-", "_")
    info = f"{module}-{version}.dist-info"
    metadata = f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n"
    metadata += "".join(f"Requires-Dist: {need}\n" for need in needs)
    path = folder / f"{module}-{version}-{tag}.whl"
    with zipfile.ZipFile(path, "w") as whl:
        whl.writestr(
            f"{module}/__init__.py",
            f"__version__ = {version!r}\n\n\nclass version:\n    cuda = None\n",
        )
        whl.writestr(f"{info}/METADATA", metadata)
        whl.writestr(f"{info}/WHEEL", f"Wheel-Version: 1.0\nRoot-Is-Purelib: true\nTag: {tag}\n")
        whl.writestr(f"{info}/RECORD", "")
    return path


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


def install_standin_plugin(folder: Path) -> Path:
    """A tiny distribution with a ``pytest11`` entry point named ``standin``, in ``folder``.

    Put ``folder`` on ``PYTHONPATH`` and importlib.metadata finds it like any
    installed package. Its ``pytest_configure`` appends a line to the file named
    by ``STANDIN_MARK``, so a test can tell whether pytest loaded it.
    """
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "katas_standin.py").write_text(
        "import os\n\n\ndef pytest_configure(config):\n"
        "    with open(os.environ['STANDIN_MARK'], 'a') as f:\n"
        "        f.write('configured\\n')\n"
    )
    info = folder / "katas_standin-1.0.dist-info"
    info.mkdir(exist_ok=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: katas-standin\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text("[pytest11]\nstandin = katas_standin\n")
    return folder


def alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie has exited)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


def gone(pid: int, within: float) -> bool:
    """Whether ``pid`` exits within ``within`` seconds."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if not alive(pid):
            return True
        time.sleep(0.05)
    return False


SLOW_PACKAGE = "kata_slow_library"  # the stand-in for a library whose first import is slow

SLOW_TESTS = f"""

def test_slow_library_first():
    import {SLOW_PACKAGE}

    assert {SLOW_PACKAGE}.value() == 42


def test_slow_library_again():
    import {SLOW_PACKAGE}

    assert {SLOW_PACKAGE}.value() == 42
"""


def spin(seconds: float) -> str:
    """Lines of code, indented for a function body, that use ``seconds`` of CPU time."""
    return (
        f"    import time\n\n    end = time.process_time() + {seconds}\n"
        "    while time.process_time() < end:\n        pass\n"
    )


def add_slow_library(repo: Path, seconds: float, *, catalogued: bool) -> str:
    """A stand-in for sympy in ``repo``: a package whose first import takes ``seconds`` of CPU.

    Its ``__init__`` finishes one submodule, then imports one that spins (only
    the first time, and writes its parent's pid to ``imported-by``), then reads
    the first through the package: an import cut short and retried without
    unloading fails as sympy's does. Kata 00 gets two
    tests that use it and, where ``catalogued``, names it in its ``imports``.
    Returns ``-k`` words that select those two tests.
    """
    package = repo / SLOW_PACKAGE
    package.mkdir()
    (package / "finished.py").write_text("VALUE = 42\n")
    (package / "sleep-once").touch()
    (package / "slow.py").write_text(
        "import os\nimport time\n\n"
        "here = os.path.dirname(__file__)\n"
        "with open(os.path.join(here, 'imported-by'), 'w') as f:\n"
        "    f.write(str(os.getppid()))\n"
        "flag = os.path.join(here, 'sleep-once')\n"
        "if os.path.exists(flag):\n"
        "    os.remove(flag)\n" + spin(seconds)
    )
    (package / "__init__.py").write_text(
        f"import {SLOW_PACKAGE}.finished\nfrom {SLOW_PACKAGE} import slow  # noqa: F401\n\n\n"
        f"def value():\n    return {SLOW_PACKAGE}.finished.VALUE\n"
    )
    with open(repo / "katas" / "test_00_environment.py", "a") as tests:
        tests.write(SLOW_TESTS)
    if catalogued:
        catalog = repo / "katas.toml"
        text = catalog.read_text()
        first = text.index('tests = "katas/test_00_environment.py"\n')
        catalog.write_text(text[:first] + f'imports = ["{SLOW_PACKAGE}"]\n' + text[first:])
    return "slow_library"


# -- learner code for the time-limit tests: bodies run before `torch_version` returns --

TEST = "katas/test_00_environment.py::test_torch_version_is_the_installed_one"
RETURN = "    return torch.__version__\n"
PAUSE = 1.5  # seconds PAUSED is held off the CPU: longer than any limit those tests set
PAUSED = (
    "    import os, subprocess, sys, time\n\n"
    "    # another process stops this one (SIGSTOP) mid-computation, and resumes it later\n"
    "    pauser = subprocess.Popen(\n"
    "        [sys.executable, '-c', 'import os, signal, sys, time; pid = int(sys.argv[1]); '\n"
    "         'print(flush=True); time.sleep(0.02); os.kill(pid, signal.SIGSTOP); '\n"
    f"         'time.sleep({PAUSE}); os.kill(pid, signal.SIGCONT)', str(os.getpid())],\n"
    "        stdout=subprocess.PIPE,\n"
    "    )\n"
    "    pauser.stdout.readline()\n" + spin(0.1) + "    pauser.wait()\n"
    "    pauser.stdout.close()\n"
)
SLEEPS = "    import time\n\n    time.sleep(60)\n"
STUCK_IN_C = {  # one C call that does not return for minutes, holding the GIL or not
    "itertools": "    import itertools\n\n    sum(itertools.repeat(1, 10**13))\n",
    "torch": "    torch.ones(()).expand(10**13).sum()\n",
}
C_LOOP = "    while True:\n        torch.ones(2**22).cumsum(0)\n"  # each call returns, in ms


def learner(repo: Path, body: str) -> tuple[Path, int]:
    """A copy of the solutions whose ``torch_version`` runs ``body`` first; the body's last line."""
    impl = repo / "impl"
    if not impl.exists():
        shutil.copytree(repo / "solutions", impl)
    source = (repo / "solutions" / "environment.py").read_text()
    before = source[: source.index(RETURN)]
    (impl / "environment.py").write_text(before + body + source[len(before) :])
    return impl, before.count("\n") + body.count("\n")
