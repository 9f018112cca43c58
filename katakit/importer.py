"""The stable import path ``learner``: ``from learner import creation``.

Whichever tree is selected (``src/``, ``solutions/`` or ``--impl DIR``), the
katas import it as the package ``learner``. Its modules are always compiled
from source and never cached as bytecode: CPython validates a ``.pyc`` by the
source's mtime in whole seconds plus its size, so two same-size edits within
one second could otherwise run stale code. A name a learner module lacks is
reported in the learner's terms: `` `accumulate` is missing from src/accumulation.py``.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import importlib.util
import sys
import types
from pathlib import Path

PACKAGE = "learner"


class _SourceOnlyLoader(importlib.machinery.SourceFileLoader):
    """Compile from source every time; never read or write ``__pycache__``."""

    shown_as = ""  # the module's file as the learner knows it, e.g. src/creation.py

    def get_code(self, fullname: str) -> types.CodeType:
        path = self.get_filename(fullname)
        return compile(self.get_data(path), path, "exec", dont_inherit=True)

    def exec_module(self, module: types.ModuleType) -> None:
        super().exec_module(module)
        if "__getattr__" not in vars(module):
            module.__getattr__ = _missing(module, self.shown_as)  # type: ignore[attr-defined]


def _missing(module: types.ModuleType, shown_as: str) -> types.FunctionType:
    def __getattr__(name: str) -> object:
        __tracebackhide__ = True  # pytest shows the test's line, not this one
        if name.startswith("__"):  # protocol look-ups (copy, pickle, doctest ...)
            raise AttributeError(name, name=name, obj=module)
        raise AttributeError(f"`{name}` is missing from {shown_as}", name=name, obj=module)

    return __getattr__


class _LearnerFinder(importlib.abc.MetaPathFinder):
    def __init__(self, root: Path, shown_as: str) -> None:
        self.root = root
        self.shown_as = shown_as

    def find_spec(self, fullname, path=None, target=None):
        if not fullname.startswith(PACKAGE + "."):
            return None
        leaf = fullname[len(PACKAGE) + 1 :]
        if "." in leaf:
            return None
        file = self.root / f"{leaf}.py"
        if not file.is_file():
            return None
        loader = _SourceOnlyLoader(fullname, str(file))
        loader.shown_as = f"{self.shown_as}/{leaf}.py"
        return importlib.util.spec_from_file_location(fullname, file, loader=loader)


def install(root: Path, shown_as: str | None = None) -> None:
    """Make ``learner.<module>`` import ``root/<module>.py``.

    ``shown_as`` names ``root`` in messages; by default its folder name (``src``).
    """
    uninstall()
    package = types.ModuleType(PACKAGE, f"Learner modules from {root}")
    package.__path__ = []  # a package, but only our finder resolves its modules
    package.__file__ = None
    package.__katas_root__ = str(root)
    sys.modules[PACKAGE] = package
    sys.meta_path.insert(0, _LearnerFinder(root, shown_as or root.name))


def uninstall() -> None:
    """Forget the ``learner`` package and everything imported from it."""
    sys.meta_path[:] = [f for f in sys.meta_path if not isinstance(f, _LearnerFinder)]
    for name in [n for n in sys.modules if n == PACKAGE or n.startswith(PACKAGE + ".")]:
        del sys.modules[name]
