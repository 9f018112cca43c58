"""Short, learner-facing accounts of what went wrong in learner code."""

from __future__ import annotations

import linecache
import os
import re
import traceback
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class _Crash:
    path: str
    lineno: int | None
    message: str


@dataclass
class ShortRepr:
    """A report body of a few lines, used in place of a traceback."""

    text: str
    reprcrash: _Crash = field(default=None)  # type: ignore[assignment]

    def toterminal(self, tw) -> None:
        for line in self.text.splitlines():
            tw.line(line, red=line is self.text.splitlines()[0])

    def __str__(self) -> str:
        return self.text


def short(text: str, path: str = "", lineno: int | None = None) -> ShortRepr:
    first = text.splitlines()[0] if text else ""
    return ShortRepr(text, _Crash(path, lineno, first))


def relative(path: str | Path, root: Path) -> str:
    """``path`` relative to ``root`` (POSIX style), or as it is when outside."""
    return _rel(path, root)


def _rel(path: str | Path, root: Path) -> str:
    try:
        return Path(path).resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


def learner_frame(tb, impl: Path) -> traceback.FrameSummary | None:
    """The innermost frame of ``tb`` that runs a file under ``impl`` (resolved).

    Learner modules are loaded from paths under the resolved ``impl``, so a
    string prefix test suffices; no source lines are read. The frame is named
    after the module-level definition it runs in: ``Polynomial`` for its
    ``forward``, ``f`` for a function nested in ``f``.
    """
    prefix = str(impl).rstrip("/\\") + os.sep
    found = None
    while tb is not None:
        code = tb.tb_frame.f_code
        if code.co_filename.startswith(prefix):
            found = traceback.FrameSummary(
                code.co_filename, tb.tb_lineno, _definition(tb.tb_frame), lookup_line=False
            )
        tb = tb.tb_next
    return found


def _definition(frame) -> str:
    """The module-level name whose code ``frame`` runs (Python 3.10 has no ``co_qualname``)."""
    code = frame.f_code
    qualname = getattr(code, "co_qualname", None)
    if qualname is not None:
        return qualname.split(".", 1)[0]
    owner = type(frame.f_locals.get("self", None))
    method = getattr(getattr(owner, code.co_name, None), "__code__", None)
    return owner.__name__ if method is code else code.co_name


def not_started(exc: BaseException, impl: Path, root: Path) -> str | None:
    """``not started: implement `fn` in src/x.py`` when a stub raised ``exc``."""
    if not isinstance(exc, NotImplementedError):
        return None
    frame = learner_frame(exc.__traceback__, impl)
    if frame is None:
        return None
    return f"not started: implement `{frame.name}` in {_rel(frame.filename, root)}"


def timed_out(exc: BaseException, impl: Path, root: Path) -> str:
    """Where learner code ran out of time; for a test not waited for, why it was not."""
    from katakit.timeouts import SkippedAfterTimeout

    if isinstance(exc, SkippedAfterTimeout):
        return str(exc)
    frame = learner_frame(exc.__traceback__, impl)
    where = f" in `{frame.name}` ({_rel(frame.filename, root)}:{frame.lineno})" if frame else ""
    importing = getattr(exc, "importing", None)
    if importing:
        n = getattr(exc, "unloaded", 0)
        return (
            f"{exc}{where} while importing `{importing}`, not in your code: unloaded {n} "
            f"module{'' if n == 1 else 's'} this test had imported; "
            "the next test imports them afresh"
        )
    if getattr(exc, "waiting", False):
        return (
            f"{exc}{where}: is it waiting (time.sleep, input(), a lock), "
            "or is the machine too busy to run it?"
        )
    return f"{exc}{where}: is there a loop that never ends?"


def import_error(exc: BaseException, impl: Path, root: Path, module: str) -> str:
    """A few lines naming the learner's file and line that stop ``module`` importing."""
    file = _rel(impl / f"{module}.py", root)
    head = f"{file} could not be imported"
    if isinstance(exc, ModuleNotFoundError) and not (impl / f"{module}.py").is_file():
        return f"{file} is missing"
    if isinstance(exc, SyntaxError) and exc.filename:
        lines = [head, f"{_rel(exc.filename, root)}:{exc.lineno}: {type(exc).__name__}: {exc.msg}"]
        if exc.text:
            code = exc.text.rstrip("\n")
            lines.append(f"    {code.strip()}")
            if exc.offset:
                indent = len(code) - len(code.lstrip())
                lines.append("    " + " " * max(exc.offset - 1 - indent, 0) + "^")
        return "\n".join(lines)
    frame = learner_frame(exc.__traceback__, impl)
    what = in_learner_terms(f"{type(exc).__name__}: {exc}", impl, root)
    if frame is None:
        return f"{head}\n{what}"
    code = linecache.getline(frame.filename, frame.lineno or 0).strip()
    return f"{head}\n{_rel(frame.filename, root)}:{frame.lineno}: {what}\n    {code}"


def in_learner_terms(text: str, impl: Path, root: Path) -> str:
    """``text`` with the internal package name ``learner.x`` replaced by the file it loads."""
    from katakit.importer import PACKAGE

    tree = _rel(impl, root)
    return re.sub(rf"\b{PACKAGE}\.(\w+)", lambda m: f"{tree}/{m.group(1)}.py", text)
