"""What the learner view keeps of a failing test: the function behind it, its input, the
message without pytest's introspection, and the learner's line."""

from __future__ import annotations

import functools
import inspect
import sys
import types

import pytest

from katakit import explain, importer
from katakit.catalog import Kata


def called_function(item: pytest.Item, kata: Kata) -> str | None:
    """The first learner function (or class) a test refers to, itself or through its helpers."""
    module = sys.modules.get(f"{importer.PACKAGE}.{kata.module}")
    function = getattr(item, "function", None)
    code = getattr(function, "__code__", None)
    if module is None or code is None:
        return None
    defined = vars(module)  # not getattr: a missing name would raise in the module's hook
    for name in _names(code, function.__module__):
        if not name.startswith("_") and _is_learners(module, defined.get(name)):
            return name
    return None


@functools.lru_cache(maxsize=4096)
def _names(code: types.CodeType, module: str) -> tuple[str, ...]:
    """The global and attribute names ``code`` uses, then those of the nested code and
    the functions of the test module ``module`` that it reaches (worked out once per
    test function: its parametrised items share it)."""
    helpers = vars(sys.modules[module]) if module in sys.modules else {}
    found: list[str] = []
    todo, seen = [code], set()
    while todo:
        current = todo.pop(0)
        if current in seen:
            continue
        seen.add(current)
        found += current.co_names
        todo += [c for c in current.co_consts if inspect.iscode(c)]
        todo += [h.__code__ for n in current.co_names if inspect.isfunction(h := helpers.get(n))]
    return tuple(found)


def _is_learners(module, value: object) -> bool:
    """A function of the learner module, or a class defined there (not one it imports)."""
    if inspect.isclass(value):
        return value.__module__ == module.__name__
    return inspect.isfunction(value)


def case_of(item: pytest.Item) -> str | None:
    """A parametrised test's input as the learner passed it, e.g. ``[1, 2, 3]``."""
    callspec = getattr(item, "callspec", None)
    params = {k: v for k, v in callspec.params.items() if k != "device"} if callspec else {}
    if not params:
        return None
    if len(params) == 1:
        return repr(next(iter(params.values())))
    return ", ".join(f"{k}={v!r}" for k, v in params.items())


def message_of(exc: BaseException) -> str:
    """What went wrong, in the exception's own words, without pytest's introspection.

    An assertion with a message keeps the message only; a bare ``assert`` keeps
    its first line (``assert 3 == 4``), not the ``+ where`` lines below it.
    """
    if not isinstance(exc, AssertionError):
        return f"{type(exc).__name__}: {exc}".strip()
    lines = str(exc).splitlines()
    if lines and not lines[0].startswith("assert "):
        cut = next((n for n, ln in enumerate(lines) if ln.startswith("assert ")), len(lines))
        lines = lines[:cut]
    return "\n".join(lines[:1] if lines and lines[0].startswith("assert ") else lines) or (
        "AssertionError"
    )


def drop_introspection(report: pytest.TestReport, message: str) -> None:
    """Cut pytest's ``assert ...``/``+ where`` lines after an assertion's own message."""
    longrepr = report.longrepr
    crash = getattr(longrepr, "reprcrash", None)
    entries = getattr(getattr(longrepr, "reprtraceback", None), "reprentries", None)
    if crash is None or not entries or not hasattr(entries[-1], "lines"):
        return
    kept, errors = [], 0
    for line in entries[-1].lines:
        if line.startswith("E "):
            errors += 1
            if errors > max(1, len(message.splitlines())):
                continue
        kept.append(line)
    entries[-1].lines[:] = kept
    first = crash.message.splitlines()[0] if crash.message else ""
    prefix = first.split(":", 1)[0] + ": " if first.startswith("AssertionError") else ""
    crash.message = prefix + message if prefix else message


def learner_line(root, kata: Kata, function: str | None) -> str | None:
    """``src/x.py:12: return ...``: where ``function`` gives its answer (a class: its header)."""
    module = sys.modules.get(f"{importer.PACKAGE}.{kata.module}")
    fn = getattr(module, function or "", None)
    if inspect.isclass(fn) and _is_learners(module, fn):
        try:
            lines, start = inspect.getsourcelines(fn)
        except (OSError, TypeError):
            return None
        return f"{explain._rel(inspect.getsourcefile(fn) or '', root)}:{start}: {lines[0].strip()}"
    if not inspect.isfunction(fn):
        return None
    path = explain._rel(fn.__code__.co_filename, root)
    try:
        lines, start = inspect.getsourcelines(fn)
    except (OSError, TypeError):
        return f"{path}:{fn.__code__.co_firstlineno}: in `{function}`"
    for offset, line in enumerate(lines):
        if line.strip().startswith("return"):
            return f"{path}:{start + offset}: {line.strip()}"
    return f"{path}:{start}: {lines[0].strip()}"
