"""What a joined pair sends to the dashboard: built from ``.kata/results.json``, checked on arrival.

The one shape both sides agree on. It holds the pair's name, a random id made
at join time, a version (the saved results' time, so a retry of the same
results is the same report), per kata its state and counts, the current kata
and function, the first failure's one-line reason and times. Never code, file
contents, paths or user names. No torch import here.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

from katakit import results, statefiles
from katakit.catalog import Catalog
from katakit.view import function_of

VERSION = 1
MAX_BODY = 16 * 1024  # bytes the dashboard reads of one report
MAX_NAME = 60
MAX_REASON = 200
MAX_COUNT = 10_000  # tests in one kata
MAX_SEQ = 2**53  # what a JSON number holds exactly
STATES = ("not_started", "in_progress", "done")
_CLIENT = re.compile(r"[0-9a-f]{32}")
_FUNCTION = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,79}")


def clean_name(name: object) -> str:
    """A pair's name: printable text of 1 to ``MAX_NAME`` characters (``ValueError`` if not)."""
    if not isinstance(name, str):
        raise ValueError("the name is not text")
    name = " ".join(name.split())
    if not name or len(name) > MAX_NAME or not name.isprintable():
        raise ValueError(f"the name must be 1 to {MAX_NAME} printable characters")
    return name


def _scrub(text: str, root: Path) -> str:
    """One line, without the checkout's or the home folder's path."""
    line = " ".join(text.split())
    for folder, shown in ((str(root), "."), (os.path.expanduser("~"), "~")):
        if len(folder) > 1:
            line = line.replace(folder, shown)
    return line[:MAX_REASON]


def build(root: Path, catalog: Catalog, *, name: str, client: str) -> dict:
    """The report of this checkout's saved results, as it is sent."""
    saved, updated = results.load_stamped(root)  # one read: the seq matches the katas
    katas = {}
    for kata in catalog.katas:
        res = saved.get(kata.id)
        katas[kata.id] = {
            "state": res.state if res else "not_started",
            "passed": min(res.passed, MAX_COUNT) if res else 0,
            "total": min(res.total, MAX_COUNT) if res else 0,
        }
    current = results.next_kata(catalog, saved)
    res = saved.get(current.id) if current else None
    function = function_of(res.where) if res else None
    reason = (res.reason or res.error) if res and res.state != "done" else None
    return {
        "v": VERSION,
        "client": client,
        "name": name,
        "seq": int(updated * 1000) % MAX_SEQ,
        "updated": round(updated, 3),
        "current": None
        if current is None
        else {"kata": current.id, "function": function if function else None},
        "reason": _scrub(reason, root) if reason else None,
        "katas": katas,
    }


def shown(report: dict) -> str:
    """``report`` as JSON for a person: one line per field, and per kata."""
    lines = [json.dumps({k: v for k, v in report.items() if k != "katas"}, indent=1)[:-2] + ","]
    lines.append(' "katas": {')
    items = list(report["katas"].items())
    for n, (kid, entry) in enumerate(items):
        comma = "," if n < len(items) - 1 else ""
        lines.append(f"  {json.dumps(kid)}: {json.dumps(entry)}{comma}")
    lines.append(" }\n}")
    return "\n".join(lines)


def check(data: object, kata_ids: frozenset[str]) -> dict:
    """``data`` as a valid report, or ``ValueError`` naming the first thing wrong."""
    if not isinstance(data, dict):
        raise ValueError("the report is not a JSON object")
    if set(data) != {"v", "client", "name", "seq", "updated", "current", "reason", "katas"}:
        raise ValueError("the report's fields are not the expected ones")
    if data["v"] != VERSION:
        raise ValueError(f"report version {str(data['v'])[:10]!r} is not {VERSION}")
    if not (isinstance(data["client"], str) and _CLIENT.fullmatch(data["client"])):
        raise ValueError("the client id is not 32 hex digits")
    name = clean_name(data["name"])
    seq, updated = data["seq"], data["updated"]
    if not (_whole(seq) and 0 <= seq < MAX_SEQ):
        raise ValueError("seq is not a whole number in range")
    if not (statefiles.finite(updated) and 0 <= updated < 1e11):
        raise ValueError("updated is not a time")
    reason = data["reason"]
    if reason is not None and not (
        isinstance(reason, str) and len(reason) <= MAX_REASON and reason.isprintable()
    ):
        raise ValueError(f"the reason is not one printable line of at most {MAX_REASON}")
    katas = data["katas"]
    if not isinstance(katas, dict) or not katas:
        raise ValueError("katas is not a non-empty object")
    for kid, entry in katas.items():
        if kid not in kata_ids:
            raise ValueError(f"{kid[:12]!r} is not a kata of this workshop")
        _check_entry(kid, entry)
    current = data["current"]
    if current is not None:
        if not isinstance(current, dict) or set(current) != {"kata", "function"}:
            raise ValueError("current is not {kata, function}")
        if current["kata"] not in kata_ids:
            raise ValueError("the current kata is not a kata of this workshop")
        fn = current["function"]
        if fn is not None and not (isinstance(fn, str) and _FUNCTION.fullmatch(fn)):
            raise ValueError("the current function is not a Python name")
    return {**data, "name": name}


def _whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_entry(kid: str, entry: object) -> None:
    if not isinstance(entry, dict) or set(entry) != {"state", "passed", "total"}:
        raise ValueError(f"kata {kid}: not {{state, passed, total}}")
    if entry["state"] not in STATES:
        raise ValueError(f"kata {kid}: unknown state")
    passed, total = entry["passed"], entry["total"]
    if not (_whole(passed) and _whole(total) and 0 <= passed <= total <= MAX_COUNT):
        raise ValueError(f"kata {kid}: passed and total are not counts up to {MAX_COUNT}")
