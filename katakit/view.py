"""The learner view: one screen that ends with the failure to fix and the next step.

Read from the bottom up: the Next line, a compact progress line (the full table
when a kata has just been completed), and above them the one failure that
matters, the first failing test of the function Next names. Every other
failure is one summary line. Nothing here is wider than the terminal, and
lines wrap at spaces, never inside a `quoted name`. No torch or pytest import.
"""

from __future__ import annotations

import re
import shutil
import textwrap
from collections.abc import Iterable
from dataclasses import dataclass

from katakit import results
from katakit.catalog import Catalog, Kata
from katakit.console import utf8_stdout

MIN_WIDTH = 40
FAILURE_LINES = 15  # the most the failure that matters may take
FULL_STORY = "`pytest --no-focus` (or -v, --tb=long)"
_QUOTED = re.compile(r"`[^`]*`")
_NBSP = "\u00a0"


@dataclass
class Failure:
    """One failing test of a kata, as the view needs it."""

    kata: str  # kata id
    test: str  # the test function's name, without the parameter id
    function: str | None  # the learner function it points at
    message: str  # what went wrong, a few lines, without pytest's introspection
    case: str | None = None  # the parameters of a parametrised test, shown as an input
    cases: int = 1  # how many cases the test function has in this run
    location: str | None = None  # the learner's file:line and code, when known
    started: bool = True  # False for a stub that still raises NotImplementedError


def size(width: int | None = None, height: int | None = None) -> tuple[int, int]:
    """The terminal's columns and rows (COLUMNS/LINES first), at least 40 wide."""
    fallback = shutil.get_terminal_size((80, 24))
    return max(MIN_WIDTH, width or fallback.columns), max(10, height or fallback.lines)


def cli_width() -> int | None:
    """The width ``kata`` verbs wrap to: the terminal's, or None (no wrapping) when
    standard output is no terminal and COLUMNS is not set (a pipe, a file)."""
    import os
    import sys

    if os.environ.get("COLUMNS", "").isdigit() or sys.stdout.isatty():
        return size()[0]
    return None


def wrap(text: str, width: int | None, indent: str = "") -> list[str]:
    """``text`` wrapped to ``width`` at spaces; `quoted` spans stay on one line.

    ``width`` None leaves the lines as they are.
    """
    if width is None:
        return text.splitlines() or [""]
    out = []
    for line in text.splitlines() or [""]:
        lead = line[: len(line) - len(line.lstrip())]
        protected = _QUOTED.sub(lambda m: m.group(0).replace(" ", _NBSP), line)
        pieces = textwrap.wrap(
            protected,
            width,
            subsequent_indent=lead + indent,
            break_on_hyphens=False,
            drop_whitespace=True,
        ) or [""]
        out.extend(piece.replace(_NBSP, " ") for piece in pieces)
    return out


def _ellipsis() -> str:
    return "…" if utf8_stdout() else "..."


def _rule(title: str, width: int) -> str:
    """``── title ───`` to the terminal's edge."""
    line = "─" if utf8_stdout() else "-"
    head = f"{line * 2} {title} "
    return clip(head + line * max(0, width - len(head)), width)


def clip(text: str, width: int | None) -> str:
    """One line of at most ``width`` characters, cut at a space where one is near."""
    text = text.rstrip()
    if width is None or len(text) <= width:
        return text
    more = _ellipsis()
    cut = text[: width - len(more)]
    space = cut.rfind(" ")
    if space > width * 2 // 3:
        cut = cut[:space]
    return cut.rstrip(" ,;:") + more


def function_of(where: str | None) -> str | None:
    """The function named in a saved ``where`` (e.g. "`f` in src/x.py")."""
    found = _QUOTED.search(where or "")
    return found.group(0).strip("`") if found else None


def progress_line(
    catalog: Catalog,
    known: dict[str, results.KataResult],
    focus: Kata | None,
    width: int,
    fill: str,
    empty: str,
) -> str:
    """``torch-katas ███░░ 1/12 katas · kata 01 creation 3/33``, fitted to ``width``."""
    done = sum(1 for k in catalog.katas if k.id in known and known[k.id].state == "done")
    tail = f" {done}/{len(catalog.katas)} katas complete"
    if focus is not None:
        res = known.get(focus.id)
        count = f"{res.passed}/{res.total} pass" if res and res.total else "not run yet"
        tail += f" {'·' if utf8_stdout() else '|'} kata {focus.id} {focus.name}: {count}"
    bar_width = max(0, min(24, width - len("torch-katas  ") - len(tail)))
    filled = round(bar_width * done / len(catalog.katas)) if catalog.katas else 0
    bar = fill * filled + empty * (bar_width - filled)
    return clip(f"torch-katas {bar}{tail}" if bar else f"torch-katas{tail}", width)


def _function_list(names: Iterable[str], width: int, head: str, tail: str) -> str:
    names = list(names)
    for shown in range(len(names), 0, -1):
        more = len(names) - shown
        listed = ", ".join(f"`{n}`" for n in names[:shown]) + (f" and {more} more" if more else "")
        line = f"{head}{listed}{tail}"
        if len(line) <= width:
            return line
    return clip(f"{head}{len(names)} functions{tail}", width)


def summary(
    kata: Kata, failures: list[Failure], focus_fn: str | None, totals: dict[str, int], width: int
) -> list[str]:
    """One line per other failing function of ``kata`` and one for those not started."""
    by_fn: dict[str, list[Failure]] = {}
    for failure in failures:
        by_fn.setdefault(failure.function or failure.test, []).append(failure)
    lines, idle = [], []
    for name, group in by_fn.items():
        if name == focus_fn:
            continue
        if not any(f.started for f in group):
            idle.append(name)
            continue
        first = next(f for f in group if f.started)
        total = max(totals.get(name, 0), len(group))
        cases = f"{len(group)} of {total} tests fail" if total > 1 else "its test fails"
        lines.append(clip(f"`{name}`: {cases}, first: {first.message.splitlines()[0]}", width))
    if idle:
        lines.append(_function_list(idle, width, "not started yet: ", f" in {kata.module_file()}"))
    return lines


def failure_block(failure: Failure, failing_cases: int, width: int, limit: int) -> list[str]:
    """The failure that matters: what was called, expected and got, and where."""
    name = f"`{failure.function}`" if failure.function else failure.test
    lines = [_rule(f"fix {name} first", width)]
    if failure.started:  # a stub's "not started: implement `f` in src/x.py" says it all
        head = f"{failure.test} fails:"
        if failure.case is not None and failure.cases > 1:
            head = (
                f"{failure.test} fails for {failing_cases} of {failure.cases} inputs; "
                f"first input: `{failure.case}`"
            )
        lines += wrap(head, width, "    ")
    for text in failure.message.splitlines():
        lines += wrap(text, width, "    ")
    if failure.location:
        lines += wrap(failure.location, width, "    ")
    if len(lines) > limit:
        lines = lines[: limit - 1] + [clip(f"  {_ellipsis()} the rest: {FULL_STORY}", width)]
    return lines


def render(
    *,
    catalog: Catalog,
    known: dict[str, results.KataResult],
    focus: Kata | None,
    failures: list[Failure],
    errors: dict[str, str],
    totals: dict[str, int],
    completed: list[Kata],
    hidden: int,
    table: list[str],
    next_line: str,
    marks: dict[str, str],
    width: int,
    height: int,
) -> list[tuple[str, str]]:
    """The view as (style, line) pairs; style is "", "bold", "red" or "green".

    ``failures``: this run's failures of ``focus``; ``errors``: collection errors
    by kata id; ``totals``: tests per learner function of ``focus``;
    ``completed``: katas this run has just completed; ``hidden``: failures of
    other katas not shown; ``table``: the full progress table, shown when a kata
    was completed and there is room.
    """
    bottom = [("bold", line) for line in wrap(next_line, width, "  ")]
    bottom.insert(
        0, ("", progress_line(catalog, known, focus, width, marks["fill"], marks["empty"]))
    )
    room = height - 2 - len(bottom)  # pytest's closing line and the prompt stay in view

    block: list[tuple[str, str]] = []
    details_hidden = False  # failures of this kata shown only as a summary line
    others: list[str] = []
    focus_fn = function_of(known[focus.id].where) if focus and focus.id in known else None
    if focus is not None and focus.id in errors:
        lines = [_rule(f"kata {focus.id} cannot run yet", width)]
        for text in errors[focus.id].splitlines():
            lines += wrap(text, width, "    ")
        block = [("red", line) for line in lines[: min(FAILURE_LINES, room)]]
    elif failures:
        first = next((f for f in failures if f.function == focus_fn), failures[0])
        details_hidden = any(f.started for f in failures if f is not first)
        focus_fn = first.function
        same = sum(1 for f in failures if f.test == first.test)
        lines = failure_block(first, same, width, min(FAILURE_LINES, max(4, room)))
        block = [("red", lines[0])] + [("", line) for line in lines[1:]]
        others = summary(focus, failures, focus_fn, totals, width) if focus else []
    room -= len(block)

    top: list[tuple[str, str]] = []
    for kata in completed:
        top += [
            ("green", line)
            for line in wrap(
                f"Kata {kata.id} ({kata.title}) is done! Compare your code with the "
                f"reference: `kata solution {kata.id}`.",
                width,
                "  ",
            )
        ]
    if hidden or details_hidden:
        what = f"{hidden} failures of other katas" if hidden else "the other failures' details"
        top += [
            ("", line)
            for line in wrap(f"Focus hid {what}: {FULL_STORY} shows everything.", width, "  ")
        ]
    if len(others) > max(0, room - len(top)):
        keep = max(0, room - len(top) - 1)
        others = others[:keep] + [f"{_ellipsis()} and {len(others) - keep} more failing functions"]
    top += [("", line) for line in others]
    if completed and len(table) + len(top) <= room:
        top = [("", line) for line in table] + top
    return [("", "")] + top + block + bottom
