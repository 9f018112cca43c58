"""``kata shell``: IPython with torch, numpy and a kata's learner module, autoreload on."""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from pathlib import Path

from katakit import importer
from katakit.catalog import Kata
from katakit.console import KataError, need_file

AUTORELOAD = ["%load_ext autoreload", "%autoreload 2"]


@dataclass
class ShellSetup:
    """What the IPython session starts with."""

    namespace: dict = field(default_factory=dict)
    banner: str = ""
    exec_lines: list[str] = field(default_factory=lambda: list(AUTORELOAD))


def setup(root: Path, kata: Kata | None) -> ShellSetup:
    """Import torch, numpy and (if ``kata``) ``learner.<module>`` from ``root/src``."""
    import numpy as np
    import torch

    namespace: dict = {"torch": torch, "np": np, "numpy": np}
    lines = [f"torch {torch.__version__} and numpy {np.__version__} (as np) are imported."]
    if kata is not None:
        relpath = kata.module_file()
        need_file(root, kata, "src", f"`kata reset {kata.id}` writes a fresh stub")
        importer.install(root / "src")
        try:
            module = importlib.import_module(f"{importer.PACKAGE}.{kata.module}")
        except Exception as exc:  # any error in learner code
            lines.append(
                f"{relpath} does not import yet: {type(exc).__name__}: {exc}. "
                f"Fix it, then `from learner import {kata.module}`."
            )
        else:
            namespace[kata.module] = module
            public = [
                name
                for name, value in vars(module).items()
                if callable(value)
                and not name.startswith("_")
                and getattr(value, "__module__", None) == module.__name__
            ]
            lines.append(f"Kata {kata.id} ({kata.title}): `{kata.module}` is {relpath}.")
            if public:
                lines.append("Try: " + ", ".join(f"{kata.module}.{n}(...)" for n in public))
        lines.append(f"Autoreload is on: save {relpath} and call again to run your new code.")
    lines.append("Leave with exit (or Ctrl-D); then `kata status --run` to check your progress.")
    return ShellSetup(namespace=namespace, banner="\n".join(lines) + "\n")


def shell(root: Path, kata: Kata | None) -> int:
    """Start the IPython session; returns when the learner leaves it."""
    try:
        from IPython import start_ipython
        from traitlets.config import Config
    except ImportError:
        raise KataError("IPython is not installed: `pip install ipython`, then try again") from None
    prepared = setup(root, kata)
    config = Config()
    config.InteractiveShellApp.exec_lines = prepared.exec_lines
    config.TerminalInteractiveShell.banner2 = prepared.banner
    config.TerminalInteractiveShell.confirm_exit = False
    start_ipython(argv=[], user_ns=prepared.namespace, config=config)
    return 0
