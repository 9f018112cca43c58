"""What the server imports once, so that no child pays for it.

Measured with ``python -X importtime`` in a child running the catalogue: besides
torch, numpy and pytest, the katas pull in lazily imported parts of torch
(``torch._dynamo`` through optimizers, ``torch.distributed.tensor`` and sympy
through ``torch.testing.assert_close``) that cost more than a whole warm run.
Only imports happen here: the server never computes with torch. Of pytest
plugin packages only ``katakit`` is imported, whose docstring opts out of
assertion rewriting (pytest would otherwise warn that it cannot rewrite it).
"""

from __future__ import annotations

import importlib

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
    "torch.distributed.tensor",
    "torch._dynamo",
    "torch.profiler._cupti_monitor",
    "pytest",
    # the harness itself (its package docstring opts out of assertion rewriting)
    "katakit.plugin",
    "katakit.report",
    "katakit.testing",
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


def preload() -> list[str]:
    """Import ``MODULES`` and pytest's built-in plugins; the names that failed."""
    failed = []
    for name in MODULES:
        try:
            importlib.import_module(name)
        except Exception:
            failed.append(name)
    from _pytest.config import default_plugins

    for name in default_plugins:
        try:
            importlib.import_module(f"_pytest.{name}")
        except Exception:
            failed.append(f"_pytest.{name}")
    return failed
