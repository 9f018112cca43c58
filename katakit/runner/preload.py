"""What is made ready before a request: imports in the server, devices in the child.

The server imports ``MODULES`` once, so that no child pays for them, and the
katas' own ``imports`` (``katas.toml``: slow parts of torch that a few katas'
tests use, see ``katakit.lazyimports``) right after its first request; the child
waiting for the next request initialises the accelerators that request would use
(``warm_devices``), so that a CUDA context is not created while the learner waits.

Measured with ``python -X importtime`` in a child running the catalogue.
Only imports happen here: the server never computes with torch. Of pytest
plugin packages only ``katakit`` is imported, whose docstring opts out of
assertion rewriting (pytest would otherwise warn that it cannot rewrite it).
"""

from __future__ import annotations

import importlib.metadata
import os
import shlex
import time
from collections.abc import Iterable
from pathlib import Path

from katakit import lazyimports

MODULES = (
    "numpy",
    "numpy.random",
    "numpy.testing",
    "torch",
    "torch.testing",
    "torch.nn",
    "torch.nn.functional",
    "torch.optim",
    "torch.utils.data",
    "torch.profiler._cupti_monitor",
    "pytest",
    # the harness itself (its package docstring opts out of assertion rewriting)
    "katakit.plugin",
    "katakit.report",
    "katakit.testing",
    "katakit.devices",
    "katakit.ptw_defaults",  # named with -p in pytest.ini; inert outside ptw
    # standard-library modules pytest imports lazily during a run
    "pdb",
    "faulthandler",
    "tomllib",
    "unittest",
    "xml.etree.ElementTree",
    "sysconfig",
    "secrets",
    "fractions",
)


def kata_imports(root: Path, tests: Iterable[str] | None = None) -> list[str]:
    """The ``imports`` of the katas whose test files are ``tests`` (default: all katas).

    None where the catalogue cannot be read: the run reports that itself.
    """
    from katakit import catalog

    try:
        katas = catalog.load(root)
    except catalog.CatalogError:
        return []
    if tests is None:
        return katas.imports()
    return katas.imports(filter(None, map(katas.by_test_file, tests)))


def preload() -> list[str]:
    """Import ``MODULES`` and pytest's built-in plugins, rehearse a pytest run.

    Returns the names that failed.
    """
    failed = lazyimports.import_all(MODULES)
    # pytest looks for an entry point of every plugin named with -p (pytest.ini
    # names two): list the installed distributions once here, so that children
    # inherit importlib.metadata's folder listings (keyed by the folders' mtimes)
    try:
        for dist in importlib.metadata.distributions():
            list(dist.entry_points)
    except Exception:  # a broken distribution is pytest's to report
        failed.append("importlib.metadata")
    from _pytest.config import default_plugins

    failed += lazyimports.import_all(f"_pytest.{name}" for name in default_plugins)
    from katakit.runner import rehearsal

    try:
        rehearsal.rehearse()
    except Exception:  # children then start a little colder, nothing worse
        failed.append("katakit.runner.rehearsal")
    return failed


FAKE_DEVICE_ENV = "KATA_RUNNER_FAKE_DEVICE_INIT"
"""Seconds a child sleeps while it warms devices: a stand-in for a GPU's start-up,
set only by the benchmark and the tooling tests on machines without one."""


def requested_devices(args: list[str], env: dict[str, str]) -> list[str]:
    """The ``--device`` values in pytest's arguments (``PYTEST_ADDOPTS`` first)."""
    words = shlex.split(env.get("PYTEST_ADDOPTS", "")) + list(args)
    found = []
    for n, word in enumerate(words):
        if word == "--device" and n + 1 < len(words):
            found.append(words[n + 1])
        elif word.startswith("--device="):
            found.append(word.split("=", 1)[1])
    return found


def warm_devices(requested: list[str]) -> None:
    """In a child, before its run: start each accelerator the run would use.

    Initialises CUDA or MPS and runs the kinds of kernels the katas use once (a
    matmul, an elementwise op, a backward pass) from fixed values, so no random
    generator moves. Never call this in the server: forking a process that
    initialised CUDA is unsafe. Errors are left for the run to meet and report.
    """
    delay = os.environ.get(FAKE_DEVICE_ENV)
    if delay:
        try:
            time.sleep(float(delay))
        except ValueError:
            pass
    from katakit import devices

    try:
        selected = devices.select(requested or None, devices.available())
    except Exception:  # a bad --device is the run's to report
        return
    for name in selected:
        if name != "cpu":
            try:
                _exercise(name)
            except Exception:  # the run meets the same error and reports it
                pass


def _exercise(name: str) -> None:
    import torch

    device = torch.device(name)
    x = (torch.arange(64 * 64, dtype=torch.float32, device=device) / 4096).reshape(64, 64)
    x.requires_grad_(True)
    (x @ x).sin().mul(2.0).sum().backward()
    if device.type == "cuda":
        torch.cuda.synchronize(device)
    elif device.type == "mps":
        torch.mps.synchronize()
