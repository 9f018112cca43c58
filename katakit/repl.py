"""``import katakit.repl``: makes ``from learner import creation`` work outside pytest.

In plain Python, IPython or a Jupyter notebook started anywhere inside a
torch-katas checkout, importing this module lets ``learner.<module>`` load
``src/<module>.py``, as it does for the katas. In IPython and Jupyter,
``%load_ext katakit.repl`` does the same and turns on autoreload, so the next
call after saving ``src/*.py`` runs the new code. No torch import here.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from katakit import checkout, importer


def use(start: Path | None = None) -> Path:
    """Load ``learner.<module>`` from the ``src/`` of the checkout around ``start``; its root.

    ``start`` defaults to the current folder. Calling it again for the same
    checkout changes nothing.
    """
    here = (start or Path.cwd()).resolve()
    root = checkout.find_root(here)
    if root is None:
        raise ImportError(
            f"no {checkout.CATALOG_FILE} in {here} or a folder above it: start Python "
            "inside your torch-katas checkout"
        )
    src = root / "src"
    package = sys.modules.get(importer.PACKAGE)
    if getattr(package, "__katas_root__", None) != str(src):
        importer.install(src)
    return root


def load_ipython_extension(ipython: Any) -> None:
    """``%load_ext katakit.repl``: ``learner`` from ``src/``, and autoreload on."""
    use()
    ipython.run_line_magic("load_ext", "autoreload")
    ipython.run_line_magic("autoreload", "2")


ROOT = use()
