"""``kata status`` and ``kata list``: progress read from ``.kata/results.json``.

Reading results needs no torch: the pytest plugin saves them after every run.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from katakit import outcomes, results
from katakit.catalog import Catalog, Kata
from katakit.console import KataError, marks

STATUS_RUN_LIMIT = 900.0  # seconds `kata status --run` waits for the whole run
STATE_WORDS = outcomes.STATE_WORDS
# where the pytest plugin notes that a run reached its end (set by ``run_katas``)
COMPLETION_ENV = "KATA_COMPLETION_FILE"
_SUMMARY = re.compile(
    r"\b(passed|failed|errors?|skipped|xfailed|deselected|no tests ran)\b.* in [\d.]+s"
)


def rows(catalog: Catalog, saved: dict[str, results.KataResult]) -> list[dict]:
    """One dict per kata in the shape of ``kata status --json``."""
    out = []
    for kata in catalog.katas:
        res = saved.get(kata.id)
        out.append(
            {
                "id": kata.id,
                "name": kata.name,
                "module": kata.module_file(),
                "state": res.state if res else "not_started",
                "passed": res.passed if res else 0,
                "total": res.total if res else 0,
            }
        )
    return out


def run_katas(root: Path) -> None:
    """Run every kata once (``python -m pytest -q``) and print pytest's one-line summary.

    The full failures are what ``pytest``/``ptw`` are for; here the table that
    follows is the point, so only the summary line is shown (or pytest's own
    output when it could not run the katas at all). The run is stopped after
    ``STATUS_RUN_LIMIT`` seconds (per-test limits normally end a hang long before).
    """
    print("Running the katas (python -m pytest -q) ...", flush=True)
    with tempfile.TemporaryDirectory(prefix="kata-run-") as folder:
        marker = Path(folder, "completed")
        proc = subprocess.Popen(
            [sys.executable, "-m", "pytest", "-q"],
            cwd=root,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            errors="replace",
            env={**os.environ, COMPLETION_ENV: str(marker)},
            start_new_session=True,  # so the whole run can be stopped, children too
        )
        try:
            output, _ = proc.communicate(timeout=STATUS_RUN_LIMIT)
        except subprocess.TimeoutExpired:
            _stop(proc)
            raise KataError(
                f"the katas did not finish within {STATUS_RUN_LIMIT:g} s, so the run was "
                "stopped: run `pytest` to see which test hangs"
            ) from None
        except BaseException:
            _stop(proc)
            raise
        completed = marker.is_file()
    if proc.returncode not in (0, 1) or not completed:
        tail = "\n".join(output.strip().splitlines()[-15:])
        print(tail, file=sys.stderr)
        why = "" if completed else "; it ended before its summary, so nothing was counted"
        raise KataError(
            f"pytest could not run the katas (exit status {proc.returncode}{why}, output "
            "above): fix that, then `kata status --run` again"
        )
    summary = next(
        (line.strip("= ") for line in reversed(output.splitlines()) if _SUMMARY.search(line)),
        "done",
    )
    print(f"pytest: {summary}\n")


def _stop(proc: subprocess.Popen) -> None:
    """Kill the run's whole process group and reap it."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except OSError:
        pass
    try:
        proc.communicate(timeout=5)
    except (subprocess.TimeoutExpired, OSError, ValueError):
        pass


def note_completion(exitstatus: int, saved: list[str]) -> None:
    """Tell ``run_katas`` that pytest reached its end (when it asked, through the environment)."""
    target = os.environ.get(COMPLETION_ENV)
    if target:
        try:
            Path(target).write_text(
                json.dumps({"exitstatus": int(exitstatus), "saved": saved}), encoding="utf-8"
            )
        except OSError:
            pass


def _age(root: Path) -> str:
    try:
        seconds = time.time() - results.path(root).stat().st_mtime
    except OSError:
        return ""
    for size, unit in ((86400, "day"), (3600, "hour"), (60, "minute")):
        if seconds >= size:
            n = int(seconds // size)
            return f"last run {n} {unit}{'s' if n > 1 else ''} ago"
    return "last run just now"


def _bar(done: int, total: int, m: dict[str, str], width: int = 24) -> str:
    filled = round(width * done / total) if total else 0
    return m["fill"] * filled + m["empty"] * (width - filled)


def table(
    catalog: Catalog,
    saved: dict[str, results.KataResult],
    upcoming: Kata | None,
    *,
    stale: set[str] = frozenset(),
    earlier: set[str] = frozenset(),
    note: str = "",
    width: int | None = None,
) -> list[str]:
    """The progress bar and one line per kata (shared by ``kata status`` and the plugin).

    ``stale``: ids whose learner module changed since; ``earlier``: ids whose
    results come from an earlier run than the one just shown; ``width``: the
    terminal's (default: this one's), no line is longer.
    """
    from katakit.view import cli_width, clip

    width = width or cli_width()
    m = marks()
    done = sum(1 for k in catalog.katas if k.id in saved and saved[k.id].state == "done")
    tail = f"  {done}/{len(catalog.katas)} katas complete" + (f"  ({note})" if note else "")
    bar_width = 24 if width is None else max(8, min(24, width - len("torch-katas  ") - len(tail)))
    head = f"torch-katas  {_bar(done, len(catalog.katas), m, bar_width)}{tail}"
    lines = [clip(head, width)]
    for kata in catalog.katas:
        res = saved.get(kata.id)
        if res is None:
            line = f"  {m['not_started']} {kata.id} {kata.name:<18} {'-':>6}  not run yet"
        else:
            count = f"{res.passed}/{res.total}" if res.total else "-"
            word = res.words
            line = f"  {m[res.state]} {kata.id} {kata.name:<18} {count:>6}  {word}"
            if res.error:
                line += f" ({res.error})"
            if kata.id in earlier:
                line += " (earlier run)"
        if kata.id in stale:
            line += f"  * {kata.module_file()} changed since"
        if upcoming is not None and kata.id == upcoming.id:
            line += "   <- you are here"
        lines.append(clip(line, width))
    return lines


def next_step(kata: Kata, where: str | None = None) -> str:
    """One sentence: what to edit next and how to get a hint (wrap it with ``view.wrap``)."""
    return (
        f"Next: kata {kata.id} ({kata.title}): edit {where or kata.module_file()} and save. "
        f"Stuck? `kata hint {kata.id}`"
    )


def status(root: Path, catalog: Catalog, *, run: bool = False, as_json: bool = False) -> int:
    """Print the progress table (or one JSON object) and the next step."""
    if run:
        if as_json:
            # keep stdout one JSON object: the run's own lines go to stderr
            stdout, sys.stdout = sys.stdout, sys.stderr
            try:
                run_katas(root)
            finally:
                sys.stdout = stdout
        else:
            run_katas(root)
    saved = results.load(root)
    upcoming = results.next_kata(catalog, saved)
    if as_json:
        payload = {"katas": rows(catalog, saved), "next": upcoming.id if upcoming else None}
        print(json.dumps(payload, indent=1))
        return 0

    stale = {k.id for k in results.stale(root, catalog, saved)}
    age = _age(root) if saved else "no results yet"
    for line in table(catalog, saved, upcoming, stale=stale, note=age):
        print(line)
    from katakit.view import cli_width, wrap
    from katakit.workshop.membership import status_line

    workshop = status_line(root)
    if workshop:
        print("\n".join(wrap(workshop, cli_width(), "  ")))
    print()

    text = _next_step(catalog, saved, upcoming, [k for k in catalog.katas if k.id in stale])
    print("\n".join(wrap(text, cli_width(), "  ")))
    return 0


def _next_step(
    catalog: Catalog,
    saved: dict[str, results.KataResult],
    upcoming: Kata | None,
    stale: list[Kata],
) -> str:
    if not saved:
        first = catalog.katas[0]
        return (
            f"No results yet. Start with kata {first.id} ({first.title}): keep `ptw` running "
            f"in a second terminal, or run `kata status --run`."
        )
    lines = []
    if stale:
        files = ", ".join(k.module_file() for k in stale)
        lines.append(
            f"* These results are stale: {files} changed since the last run. "
            "`kata status --run` brings them up to date."
        )
    if upcoming is None:
        lines.append("Every kata is complete. Well done! Compare notes: `kata solution ID`.")
    else:
        res = saved.get(upcoming.id)
        lines.append(next_step(upcoming, res.where if res else None))
    return "\n".join(lines)


def listing(root: Path, catalog: Catalog) -> int:
    """Print every kata with its title, chapter section and state."""
    saved = results.load(root)
    upcoming = results.next_kata(catalog, saved)
    m = marks()
    from katakit.view import cli_width, clip, wrap

    width = cli_width()
    name_w = max(len(k.name) for k in catalog.katas)
    title_w = max(len(k.title) for k in catalog.katas)
    print(
        clip(
            f"    id {'name':<{name_w}}  {'title':<{title_w}}  {'state':<17} chapter section", width
        )
    )
    for kata in catalog.katas:
        res = saved.get(kata.id)
        state = res.state if res else "not_started"
        word = res.words if res else "not run yet"
        if res and res.total and state != "done":
            word += f" {res.passed}/{res.total}"
        if not (root / kata.tests).is_file():
            word = "coming soon"
        print(
            clip(
                f"  {m[state]} {kata.id} {kata.name:<{name_w}}  {kata.title:<{title_w}}  "
                f"{word:<17} {kata.section}",
                width,
            )
        )
    print()
    if upcoming is None:
        text = "Every kata is complete. `kata solution ID` shows a reference solution."
    else:
        text = (
            f"Next: kata {upcoming.id} ({upcoming.title}) in {upcoming.module_file()}. "
            "Any id or name above works with `kata hint`, `kata reset`, `kata shell`."
        )
    print("\n".join(wrap(text, width, "  ")))
    return 0
