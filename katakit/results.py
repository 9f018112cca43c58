"""The learner's last results, kept in ``.kata/results.json`` (no torch import)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from katakit import outcomes, statefiles
from katakit.catalog import Catalog, Kata

RESULTS_FILE = ".kata/results.json"
_NAME = "results.json"
_MAX_COUNT = 1_000_000
_MAX_TEXT = 10_000


@dataclass
class KataResult:
    passed: int = 0
    total: int = 0
    error: str | None = None  # a one-line account of a collection error
    mtime: float = 0.0  # the learner module's mtime when it was last run
    where: str | None = None  # the learner function a failure pointed at, e.g. "`f` in src/x.py"
    detail: str | None = None  # what stands in the way: "import error", "timed out"
    reason: str | None = None  # the first failing test's one-line reason

    @property
    def state(self) -> str:
        """done, in_progress or not_started (the rule lives in ``katakit.outcomes``)."""
        return outcomes.state(self.passed, self.total, self.error, self.detail)

    @property
    def words(self) -> str:
        """The state as ``kata status`` says it, e.g. ``in progress (timed out)``."""
        return outcomes.state_words(self.state, self.detail)


def path(root: Path) -> Path:
    return root / RESULTS_FILE


def load(root: Path) -> dict[str, KataResult]:
    """The saved results by kata id; empty when there are none or they are malformed.

    A malformed file (wrong types or shape, non-finite numbers, a folder or a
    symlink in its place) counts as no results, said in one line on stderr.
    """
    return load_stamped(root)[0]


def load_stamped(root: Path) -> tuple[dict[str, KataResult], float]:
    """``load``, and when those results were saved (0.0 when unknown), from one read."""
    data = statefiles.read_json(root, _NAME, "saved results")
    if data is None:
        return {}, 0.0
    try:
        saved = _parse(data)
    except ValueError as exc:
        statefiles.warn(f"ignoring {RESULTS_FILE}: {exc}; saved results start empty", str(root))
        return {}, 0.0
    stamp = data.get("updated")
    return saved, float(stamp) if statefiles.finite(stamp) and 0 <= stamp < 1e11 else 0.0


def _parse(data: object) -> dict[str, KataResult]:
    if not isinstance(data, dict):
        raise ValueError("it is not a JSON object")
    katas = data.get("katas", {})
    if not isinstance(katas, dict):
        raise ValueError('"katas" is not an object')
    out = {}
    for kid, fields in katas.items():
        if not (kid.isascii() and kid.isdigit() and len(kid) <= 4):
            raise ValueError(f"{kid[:20]!r} is not a kata id")
        if not isinstance(fields, dict):
            raise ValueError(f"the entry of kata {kid} is not an object")
        out[kid] = _result(kid, fields)
    return out


def _result(kid: str, fields: dict) -> KataResult:
    res = KataResult()
    for name in ("passed", "total"):
        value = fields.get(name, 0)
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= _MAX_COUNT:
            raise ValueError(f"kata {kid}: {name} is not a count")
        setattr(res, name, value)
    if res.passed > res.total:
        raise ValueError(f"kata {kid}: more tests passed than it has")
    mtime = fields.get("mtime", 0.0)
    if not statefiles.finite(mtime) or mtime < 0:
        raise ValueError(f"kata {kid}: mtime is not a finite time")
    res.mtime = float(mtime)
    for name in ("error", "where", "detail", "reason"):
        value = fields.get(name)
        if value is not None and not (isinstance(value, str) and len(value) <= _MAX_TEXT):
            raise ValueError(f"kata {kid}: {name} is not a short text")
        setattr(res, name, value)
    return res


def save(root: Path, results: dict[str, KataResult]) -> dict[str, KataResult]:
    """Merge ``results`` into the saved ones (atomically); all of them, merged.

    Where the file cannot be written (read-only folder, full disk) this says so
    in one line and leaves the old file whole; the merged results are returned.
    """
    merged = load(root)
    merged.update(results)
    payload = {
        "updated": time.time(),
        "katas": {kid: vars(res) for kid, res in sorted(merged.items())},
    }
    statefiles.write_json(root, _NAME, payload, "this run's results are not kept")
    return merged


def module_mtime(root: Path, kata: Kata) -> float:
    try:
        return (root / kata.module_file()).stat().st_mtime
    except OSError:
        return 0.0


def stale(root: Path, catalog: Catalog, saved: dict[str, KataResult]) -> list[Kata]:
    """Katas whose learner module changed since its results were saved."""
    return [
        k
        for k in catalog.katas
        if k.id in saved and module_mtime(root, k) > saved[k.id].mtime + 1e-6
    ]


def next_kata(catalog: Catalog, results: dict[str, KataResult]) -> Kata | None:
    """The first kata, in order, that is not done."""
    for kata in catalog.katas:
        res = results.get(kata.id)
        if res is None or res.state != "done":
            return kata
    return None
