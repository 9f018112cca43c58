"""One pytest run on a throwaway file: in the server before it forks, and in each
waiting child before its request arrives.

CPython specialises bytecode once it has run and fills caches (compiled regular
expressions, for one) that forked children inherit, so a child whose pytest
code has run once already starts its own run a few milliseconds sooner. In a
waiting child the rehearsal also copies the memory pages a pytest run writes
to (a forked child shares its parent's pages until it writes to one), so those
copies are made while the learner edits rather than after the save. The
rehearsal runs in a private temporary folder with its own ini file: no
third-party plugin, no ``conftest.py`` or ini file from elsewhere, no
``katas.toml`` (so the kata plugin, and with it torch's device checks, stays
idle), no output; it computes nothing with torch. Afterwards ``sys.path``,
``sys.meta_path``, the environment, the output descriptors and the modules it
imported from its folder are as they were.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

TESTS = """
import pytest


@pytest.fixture
def value():
    return 2


@pytest.mark.parametrize("n", [1, 2])
def test_passes(value, n):
    assert value * n >= n


def test_fails(value):
    assert value == 3


def test_raises():
    raise ValueError("rehearsal")


@pytest.mark.skip(reason="rehearsal")
def test_skipped():
    pass
"""


def rehearse() -> None:
    """Run pytest once on ``TESTS`` (passing, failing, erroring and skipped tests)."""
    import pytest

    saved = sys.path[:], sys.meta_path[:], dict(os.environ)
    folder = Path(tempfile.mkdtemp(prefix="kata-rehearsal-"))
    streams = os.dup(1), os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        (folder / "pytest.ini").write_text("[pytest]\n")
        (folder / "test_rehearsal.py").write_text(TESTS)
        for name in ("PYTEST_ADDOPTS", "PYTEST_PLUGINS"):
            os.environ.pop(name, None)
        os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
        sys.stdout.flush()
        sys.stderr.flush()
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        args = ["-q", "--tb=short", "-p", "no:cacheprovider", "-p", "no:logging"]
        pytest.main(
            [*args, "-c", str(folder / "pytest.ini"), "--rootdir", str(folder), str(folder)]
        )
    finally:
        for target, fd in enumerate(streams, start=1):
            os.dup2(fd, target)
            os.close(fd)
        os.close(devnull)
        sys.path[:], sys.meta_path[:] = saved[0], saved[1]
        os.environ.clear()
        os.environ.update(saved[2])
        for name, module in list(sys.modules.items()):
            if str(getattr(module, "__file__", None) or "").startswith(str(folder)):
                del sys.modules[name]
        for name in ("last_type", "last_value", "last_traceback", "last_exc"):
            if hasattr(sys, name):
                delattr(sys, name)
        shutil.rmtree(folder, ignore_errors=True)
